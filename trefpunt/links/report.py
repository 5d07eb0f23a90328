"""What the checks say, for the material page (is the link failing?) and the editors (which links need
work). Only checks of a material's current address count: after an editor changes it, older checks
describe an address the material no longer has."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trefpunt.catalog.models import Material, Status

from .models import LinkCheck, Outcome

# Failed checks in a row before the public page warns: one failure may be a blip of the site's server.
FAILURES_BEFORE_WARNING = 2
# The order of the editors' list: what visitors run into first.
NEEDS_WORK = (Outcome.BROKEN, Outcome.MOVED, Outcome.TURNED_AWAY, Outcome.NOT_CHECKED)


@dataclass(frozen=True)
class Failing:
    """The public page's warning: the link failed at the last ``checks`` checks, the latest on ``last``."""

    checks: int
    last: dt.date


def failing(session: Session, material: Material, in_a_row: int = FAILURES_BEFORE_WARNING) -> Failing | None:
    """A warning for the page when the latest ``in_a_row`` checks of the material's address all failed."""
    if not material.url:
        return None
    latest = session.scalars(
        select(LinkCheck)
        .where(LinkCheck.material_id == material.id)
        .order_by(LinkCheck.id.desc())
        .limit(in_a_row)
    ).all()
    if len(latest) < in_a_row:
        return None
    if any(c.url != material.url or c.outcome != Outcome.BROKEN for c in latest):
        return None
    return Failing(len(latest), latest[0].checked_at.date())


@dataclass(frozen=True)
class Problem:
    """A material whose link needs an editor's look, as its latest check left it."""

    slug: str
    title: str
    version: int
    url: str
    check: LinkCheck
    # When the latest run of checks with this outcome began.
    since: dt.datetime

    @property
    def outcome(self) -> Outcome:
        return Outcome(self.check.outcome)


def problems(session: Session) -> list[Problem]:
    """Every material (not archived) whose address's latest check found it broken, moved, refused or
    unvisitable; broken ones first, the longest-standing first within each."""
    latest_ids = select(func.max(LinkCheck.id)).group_by(LinkCheck.material_id)
    rows = session.execute(
        select(Material, LinkCheck)
        .join(LinkCheck, LinkCheck.material_id == Material.id)
        .where(
            LinkCheck.id.in_(latest_ids),
            LinkCheck.url == Material.url,
            LinkCheck.outcome.in_([o.value for o in NEEDS_WORK]),
            Material.status != Status.ARCHIVED,
        )
    ).all()
    since = _streak_starts(session, {m.id: (c.url, c.outcome) for m, c in rows})
    found = [Problem(m.slug, m.title, m.version, m.url, c, since.get(m.id, c.checked_at)) for m, c in rows]
    order = {outcome.value: rank for rank, outcome in enumerate(NEEDS_WORK)}
    return sorted(found, key=lambda p: (order[p.check.outcome], p.since, p.title.casefold()))


def _streak_starts(session: Session, latest: dict[int, tuple[str, str]]) -> dict[int, dt.datetime]:
    """Per material, when its checks started to end as the latest one did (same address, same outcome)."""
    starts: dict[int, dt.datetime] = {}
    checks: dict[int, list[tuple[str, str, dt.datetime]]] = defaultdict(list)
    ids = list(latest)
    for start in range(0, len(ids), 500):
        query = (
            select(LinkCheck.material_id, LinkCheck.url, LinkCheck.outcome, LinkCheck.checked_at)
            .where(LinkCheck.material_id.in_(ids[start : start + 500]))
            .order_by(LinkCheck.material_id, LinkCheck.id.desc())
        )
        for material_id, url, outcome, checked_at in session.execute(query):
            checks[material_id].append((url, outcome, checked_at))
    for material_id, history in checks.items():
        for url, outcome, checked_at in history:
            if (url, outcome) != latest[material_id]:
                break
            starts[material_id] = checked_at
    return starts
