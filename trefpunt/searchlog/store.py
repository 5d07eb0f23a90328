"""The search log in the database: counts added in batches, old days purged, the editors' report read.

Plain SQLAlchemy, no Flask: the web's flusher, the worker, the CLI and the tests call the same functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Executable, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import FILTERS_LENGTH, QUERY_LENGTH, SearchLogEntry


@dataclass(frozen=True)
class Tally:
    """Searches for one query and filter combination since the last flush, and what the last one found."""

    query: str
    query_key: str
    filters: str
    searches: int
    results: int

    @property
    def combination(self) -> str:
        return combination_of(self.query_key, self.filters)


def combination_of(query_key: str, filters: str) -> str:
    return hashlib.sha256(f"{query_key}\n{filters}".encode()).hexdigest()


@dataclass(frozen=True)
class Recorded:
    rows: int  # combinations added to or counted in
    refused: int  # new combinations not stored: the day already holds the most it may


def record(session: Session, day: dt.date, tallies: Iterable[Tally], *, max_rows_per_day: int) -> Recorded:
    """Add the tallies to ``day``'s counts (one upsert for all); new rows only while the day has room.

    The cap keeps a crawler that walks every facet combination from filling the table: once a day holds
    ``max_rows_per_day`` rows, searches already in it are still counted but new ones are not stored. With
    several processes flushing at once the cap can be passed by one batch each; it is a bound, not a quota.
    """
    merged: dict[str, Tally] = {}
    for tally in tallies:
        if len(tally.query) > QUERY_LENGTH or len(tally.filters) > FILTERS_LENGTH or tally.searches < 1:
            continue
        known = merged.get(tally.combination)
        merged[tally.combination] = (
            tally if known is None else Tally(**{**vars(known), "searches": known.searches + tally.searches})
        )
    if not merged:
        return Recorded(0, 0)
    existing = set(
        session.scalars(
            select(SearchLogEntry.combination).where(
                SearchLogEntry.day == day, SearchLogEntry.combination.in_(list(merged))
            )
        )
    )
    stored = session.scalar(select(func.count()).where(SearchLogEntry.day == day)) or 0
    room = max(0, max_rows_per_day - stored)
    new = sorted((t for k, t in merged.items() if k not in existing), key=lambda t: -t.searches)
    kept = [t for k, t in merged.items() if k in existing] + new[:room]
    if kept:
        session.execute(_upsert(session), [_row(day, t) for t in kept])
    return Recorded(len(kept), len(new) - len(new[:room]))


def _row(day: dt.date, tally: Tally) -> dict:
    return {
        "day": day,
        "query": tally.query,
        "query_key": tally.query_key,
        "filters": tally.filters,
        "combination": tally.combination,
        "searches": tally.searches,
        "results": tally.results,
    }


def _upsert(session: Session) -> Executable:
    """INSERT … ON CONFLICT (day, combination) DO UPDATE: counts added, the latest result count kept.

    Atomic per row, so processes flushing the same search at once add up instead of losing a count.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SearchLogEntry)
    return statement.on_conflict_do_update(
        index_elements=[SearchLogEntry.day, SearchLogEntry.combination],
        set_={
            "searches": SearchLogEntry.searches + statement.excluded.searches,
            "results": statement.excluded.results,
        },
    )


def purge(session: Session, *, today: dt.date, keep_days: int) -> int:
    """Delete the days older than ``keep_days`` (today counts as one; 0 deletes all); the rows deleted."""
    oldest_kept = today - dt.timedelta(days=keep_days - 1) if keep_days > 0 else dt.date.max
    result = session.execute(delete(SearchLogEntry).where(SearchLogEntry.day < oldest_kept))
    return result.rowcount or 0  # type: ignore[attr-defined]


# -- the editors' report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One search over the period: as typed (the most recent day's spelling), filters, counts."""

    query: str
    filters: str
    searches: int
    results: int
    last_day: dt.date


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    searches: int  # all searches counted in the period
    zero: Sequence[ReportRow]  # searches with words that found nothing
    few: Sequence[ReportRow]  # searches with words that found 1 to ``few`` materials
    empty_filters: Sequence[ReportRow]  # filters alone (no words) that found nothing


def report(session: Session, *, start: dt.date, end: dt.date, few: int = 3, limit: int = 50) -> Report:
    """The most frequent searches that found nothing or little between ``start`` and ``end`` (inclusive).

    A search's result count is the highest any day of the period saw, so a search that an editor fixed
    halfway (a synonym, a new material) leaves the zero list rather than stay in it for the period.
    """
    e = SearchLogEntry
    in_period = (e.day >= start, e.day <= end)
    grouped = (
        select(
            e.query_key,
            e.filters,
            func.sum(e.searches).label("searches"),
            func.max(e.results).label("results"),
            func.max(e.day).label("last_day"),
        )
        .where(*in_period)
        .group_by(e.query_key, e.filters)
        .subquery()
    )

    def rows(*conditions: ColumnElement[bool]) -> list[ReportRow]:
        found = session.execute(
            select(grouped)
            .where(*conditions)
            .order_by(grouped.c.searches.desc(), grouped.c.query_key, grouped.c.filters)
            .limit(limit)
        ).all()
        typed = _typed(session, [(r.last_day, combination_of(r.query_key, r.filters)) for r in found])
        return [
            ReportRow(
                typed.get((r.last_day, combination_of(r.query_key, r.filters)), r.query_key),
                r.filters,
                r.searches,
                r.results,
                r.last_day,
            )
            for r in found
        ]

    total = session.scalar(select(func.coalesce(func.sum(e.searches), 0)).where(*in_period)) or 0
    return Report(
        start,
        end,
        int(total),
        zero=rows(grouped.c.query_key != "", grouped.c.results == 0),
        few=rows(grouped.c.query_key != "", grouped.c.results >= 1, grouped.c.results <= few),
        empty_filters=rows(grouped.c.query_key == "", grouped.c.filters != "", grouped.c.results == 0),
    )


def _typed(session: Session, keys: list[tuple[dt.date, str]]) -> dict[tuple[dt.date, str], str]:
    """The query as typed on the given (day, combination) rows: each search's spelling on its last day."""
    if not keys:
        return {}
    e = SearchLogEntry
    found = session.execute(
        select(e.day, e.combination, e.query).where(
            e.day.in_({day for day, _ in keys}), e.combination.in_({c for _, c in keys})
        )
    )
    return {(day, combination): query for day, combination, query in found}
