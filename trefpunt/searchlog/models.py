"""The search log's one table: searches counted per day, query and filter combination, nothing about who.

There is deliberately no column for an address, a cookie, a session, a user agent, an account or a time of
day: a row is a count, and ``tests/test_search_log_privacy.py`` fails when a column is added without being
judged there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trefpunt.catalog.models import Base

# The public search cuts queries at SEARCH_MAX_QUERY_LENGTH (200 by default); longer is never stored.
QUERY_LENGTH = 200
# The filters as URL parameters; a longer combination is a crawler's, not a searcher's, and is not kept.
FILTERS_LENGTH = 1000


class SearchLogEntry(Base):
    """How often one search (query and filters) was made on one day, and how many materials it found."""

    __tablename__ = "search_log"
    __table_args__ = (UniqueConstraint("day", "combination", name="uq_search_log_day_combination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The calendar day (UTC) the searches were counted on; no time of day.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    # The words as the first searcher of the day typed them, with e-mail addresses, long numbers, bank
    # accounts and postcodes masked (see privacy.mask_personal).
    query: Mapped[str] = mapped_column(String(QUERY_LENGTH), default="")
    # The query as the log groups it: masked, case folded. Searches that differ only in case are one row.
    query_key: Mapped[str] = mapped_column(String(QUERY_LENGTH), default="")
    # The chosen filters as canonical URL parameters ("niveau=a1&kosten=gratis"), "" for none.
    filters: Mapped[str] = mapped_column(String(FILTERS_LENGTH), default="")
    # SHA-256 of query_key and filters: one short unique key however long the two are.
    combination: Mapped[str] = mapped_column(String(64))
    # Searches made that day.
    searches: Mapped[int] = mapped_column(Integer, default=0)
    # Materials the search found, as it found them last that day.
    results: Mapped[int] = mapped_column(Integer, default=0)
