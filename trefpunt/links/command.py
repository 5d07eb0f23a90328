"""`trefpunt links check`: a run chosen from the command's options, its progress and summary in words."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from trefpunt.catalog.models import Material, utcnow

from . import policy_from
from .checker import Selection, Summary, forget_before, run
from .models import Outcome
from .probe import Probe

AGE = re.compile(r"^\s*(\d+)\s*([mhd]?)\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "": "hours"}
SAID = {
    Outcome.OK: "werkt",
    Outcome.MOVED: "verhuisd",
    Outcome.BROKEN: "kapot",
    Outcome.TURNED_AWAY: "weigert robots",
    Outcome.NOT_CHECKED: "niet bezocht",
}


def parse_age(text: str) -> dt.timedelta:
    """``90m``, ``12h``, ``7d`` (a bare number counts hours) as a time span."""
    match = AGE.match(text)
    if not match:
        raise ValueError(f"'{text}' is geen duur; schrijf bijvoorbeeld 90m, 12h of 7d")
    return dt.timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def check_links(
    config: Mapping,
    sessions: sessionmaker[Session],
    only_due: bool,
    older_than: str,
    slugs: tuple[str, ...],
    echo: Callable[[str], object],
) -> Summary:
    """Run the checker as the options say, report each problem as it is found and a summary at the end."""
    age = parse_age(older_than) if older_than else None
    if slugs:
        with sessions() as session:
            known = set(session.scalars(select(Material.slug).where(Material.slug.in_(slugs))))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise LookupError(f"geen leermiddel met slug {', '.join(repr(s) for s in unknown)}")
    if only_due and age is None:
        age = dt.timedelta(hours=float(config["LINK_CHECK_INTERVAL_HOURS"]))

    def progress(found: Probe, outcome: Outcome) -> None:
        if outcome != Outcome.OK:
            # A moved link's news is its first answer (301), not the 200 at the end of the chain.
            why = found.error_kind or str(found.hops[0].status if found.moved_to else found.status)
            moved = f" -> {found.moved_to}" if found.moved_to else ""
            echo(f"{SAID[outcome]} ({why}): {found.url}{moved}")

    summary = run(
        sessions,
        Selection(slugs=tuple(slugs), older_than=age),
        policy_from(config),
        workers=int(config["LINK_CHECK_WORKERS"]),
        host_pause=float(config["LINK_CHECK_HOST_PAUSE"]),
        progress=progress,
    )
    with sessions() as session:
        forgotten = forget_before(
            session, utcnow() - dt.timedelta(days=int(config["LINK_CHECK_HISTORY_DAYS"]))
        )
        session.commit()
    counts = ", ".join(f"{summary.count(o)} {SAID[o]}" for o in Outcome if summary.count(o))
    echo(f"{summary.checked} adressen gecontroleerd" + (f": {counts}." if counts else "."))
    if forgotten:
        echo(f"{forgotten} controles ouder dan {config['LINK_CHECK_HISTORY_DAYS']} dagen opgeruimd.")
    return summary
