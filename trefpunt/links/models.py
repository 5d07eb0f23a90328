"""The history of link checks: one row per visit of a material's web address.

Results live here, not on the material: a material row carries the optimistic-lock ``version`` that an
editor's open form holds, and a nightly check must never make that form report a conflict. The one
thing the material keeps, ``link_checked_on`` (the day its address was last found working, shown on its
page and in the API), is written with a Core UPDATE that leaves the version alone (see checker.py). It is
not in the search index (the index's cards hold what result lists show, and they do not show it), so no
journal entry is needed for it either.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from trefpunt.catalog.models import Base, Material, utcnow


class Outcome(enum.StrEnum):
    """What a check means for the people who use the link."""

    OK = "ok"  # it answers (perhaps after a temporary redirect)
    MOVED = "moved"  # it answers, but the address moved for good (301/308): update it
    BROKEN = "broken"  # an error status (404, 410, 500 ...) or no answer at all
    TURNED_AWAY = "turned_away"  # 401, 403 or 429: the site refuses robots; a person may well get in
    NOT_CHECKED = "not_checked"  # not visited: a private address, or not http(s)


WORKING = frozenset({Outcome.OK, Outcome.MOVED})


class LinkCheck(Base):
    """One visit of a material's address: what was asked, what answered, where it ended."""

    __tablename__ = "link_checks"
    __table_args__ = (Index("ix_link_checks_material_latest", "material_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    # The address as it was when checked: an editor may change it afterwards, and then this check no
    # longer says anything about the material's link.
    url: Mapped[str] = mapped_column(String(500))
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    final_url: Mapped[str] = mapped_column(Text, default="")
    # Suggested new address: where a run of permanent redirects from the start leads ('' when none).
    moved_to: Mapped[str] = mapped_column(Text, default="")
    error_kind: Mapped[str] = mapped_column(String(40), default="")
    error_detail: Mapped[str] = mapped_column(String(300), default="")
    # Every answer on the way: [{"url": ..., "status": 301, "method": "HEAD"}, ...].
    hops: Mapped[list[dict]] = mapped_column(JSON, default=list)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(Session, "before_flush")
def _forget_check_of_old_address(session: Session, _context: object, _instances: object) -> None:
    """A material whose address changes has not had its new address checked: clear ``link_checked_on``.

    Only for a material this flush changes anyway, so it is the same UPDATE and the same version step.
    """
    for obj in session.dirty:
        if (
            isinstance(obj, Material)
            and obj.link_checked_on is not None
            and inspect(obj).attrs.url.history.has_changes()
        ):
            obj.link_checked_on = None
