"""A run of the link checker: which addresses are due, visiting them politely, and keeping what was found.

Politeness: a few threads at once (``workers``), never two requests to one host at the same time, and a
pause between requests to one host (``host_pause``), so a provider with thirty materials in the catalogue
sees thirty calm visits rather than a burst. Materials that share an address are visited once per run.

Each address's result is committed as soon as it is known, so a run that is stopped keeps what it did,
and ``due`` (``--only-due``) then picks up where it stopped.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import cast
from urllib.parse import urlsplit

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from trefpunt.catalog.models import Material, Status, utcnow

from .models import WORKING, LinkCheck, Outcome
from .probe import PRIVATE, SCHEME, Policy, Probe, probe

# Statuses of sites that refuse robots rather than a link that is gone.
TURNED_AWAY_STATUSES = frozenset({401, 403, 429})


def outcome_of(found: Probe) -> Outcome:
    """What a visit means for the link's users."""
    if found.error_kind in (PRIVATE, SCHEME):
        return Outcome.NOT_CHECKED
    if found.error_kind or found.status is None:
        return Outcome.BROKEN
    if found.status in TURNED_AWAY_STATUSES:
        return Outcome.TURNED_AWAY
    if found.status >= 400:
        return Outcome.BROKEN
    return Outcome.MOVED if found.moved_to else Outcome.OK


class HostGate:
    """One request at a time per host, and ``pause`` seconds between the end of one and the next."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._last: dict[str, float] = {}

    @contextmanager
    def __call__(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks[host.lower()]
        with lock:
            wait_for = self._last.get(host.lower(), -self.pause) + self.pause - time.monotonic()
            if wait_for > 0:
                time.sleep(wait_for)
            try:
                yield
            finally:
                self._last[host.lower()] = time.monotonic()


@dataclass
class Summary:
    """What a run found, address by address (materials sharing one are counted once per address)."""

    checked: int = 0
    outcomes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, url: str, outcome: Outcome) -> None:
        self.checked += 1
        self.outcomes[outcome].append(url)

    def count(self, outcome: Outcome) -> int:
        return len(self.outcomes.get(outcome, []))

    @property
    def broken(self) -> bool:
        return self.count(Outcome.BROKEN) > 0


@dataclass(frozen=True)
class Selection:
    """Which materials a run visits: the named ones, or all with an address (only those due, or all)."""

    slugs: tuple[str, ...] = ()
    # Only addresses whose latest check is older than this (or that were never checked).
    older_than: dt.timedelta | None = None


def due(session: Session, selection: Selection, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Address -> ids of the materials to visit it for. Archived materials are left alone."""
    query = select(Material.id, Material.url, Material.slug).where(
        Material.url != "", Material.status != Status.ARCHIVED
    )
    if selection.slugs:
        query = query.where(Material.slug.in_(selection.slugs))
    rows = session.execute(query.order_by(Material.id)).all()
    last = _last_checked(session, [r.id for r in rows]) if selection.older_than else {}
    cutoff = (now or utcnow()) - (selection.older_than or dt.timedelta())
    by_url: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        checked = last.get(row.id)
        # A check counts only for the address it visited: a changed address is due at once.
        if selection.older_than and checked and checked[1] == row.url and checked[0] > cutoff:
            continue
        by_url[row.url].append(row.id)
    return dict(by_url)


def _last_checked(session: Session, material_ids: list[int]) -> dict[int, tuple[dt.datetime, str]]:
    latest = (
        select(func.max(LinkCheck.id))
        .where(LinkCheck.material_id.in_(material_ids))
        .group_by(LinkCheck.material_id)
    )
    rows = session.execute(
        select(LinkCheck.material_id, LinkCheck.checked_at, LinkCheck.url).where(LinkCheck.id.in_(latest))
    )
    return {r.material_id: (r.checked_at, r.url) for r in rows}


def run(
    sessions: sessionmaker[Session],
    selection: Selection,
    policy: Policy,
    *,
    workers: int = 4,
    host_pause: float = 1.0,
    progress: Callable[[Probe, Outcome], None] | None = None,
) -> Summary:
    """Visit every address ``selection`` names and store a check for each of its materials."""
    with sessions() as session:
        targets = due(session, selection)
    gate, summary = HostGate(host_pause), Summary()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="linkcheck") as pool:
        pending: dict[Future[Probe], str] = {}
        queue = iter(_spread_over_hosts(targets))
        while True:
            # Keep only a few more visits queued than there are threads, so one host's queue of waits
            # does not hold the other threads (and a stopped run has little in flight).
            for url in queue:
                pending[pool.submit(probe, url, policy, gate)] = url
                if len(pending) >= workers * 2:
                    break
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                url = pending.pop(future)
                found = future.result()
                outcome = store(sessions, targets[url], found)
                summary.add(url, outcome)
                if progress:
                    progress(found, outcome)
    return summary


def _spread_over_hosts(targets: dict[str, list[int]]) -> Iterator[str]:
    """The addresses taking hosts in turn, so the threads work on different hosts at once."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in targets:
        by_host[(urlsplit(url).hostname or "").lower()].append(url)
    for round_ in zip_longest(*by_host.values()):
        yield from (url for url in round_ if url is not None)


def store(sessions: sessionmaker[Session], material_ids: Iterable[int], found: Probe) -> Outcome:
    """Keep one check per material and, when the link works, set the day it was last found working."""
    outcome = outcome_of(found)
    ids = list(material_ids)
    checked_at = utcnow()
    with sessions() as session:
        session.add_all(
            LinkCheck(
                material_id=material_id,
                url=found.url,
                checked_at=checked_at,
                outcome=outcome.value,
                status_code=found.status,
                final_url=found.final_url,
                moved_to=found.moved_to,
                error_kind=found.error_kind,
                error_detail=found.error_detail,
                hops=[{"url": h.url, "status": h.status, "method": h.method} for h in found.hops],
                elapsed_ms=found.elapsed_ms,
            )
            for material_id in ids
        )
        if outcome in WORKING:
            # Core UPDATE: no version step (an editor's open form stays valid), and only while the
            # address is still the one visited (an editor may have changed it during the run).
            materials = cast(Table, Material.__table__)
            session.execute(
                update(materials)
                .where(materials.c.id.in_(ids), materials.c.url == found.url)
                .values(link_checked_on=checked_at.date())
            )
        session.commit()
    return outcome


def forget_before(session: Session, cutoff: dt.datetime) -> int:
    """Delete checks older than ``cutoff``, always keeping each material's latest; the count deleted."""
    latest = select(func.max(LinkCheck.id)).group_by(LinkCheck.material_id)
    result = session.execute(
        delete(LinkCheck).where(LinkCheck.checked_at < cutoff, LinkCheck.id.not_in(latest))
    )
    return int(getattr(result, "rowcount", 0) or 0)
