"""Tables of review before publishing: a change waiting for a second editor, and what happened to it.

A waiting change is a snapshot (the exchange record's dict), not a second ``materials`` row: the public
page, the search index and the API read ``materials`` only, so they keep showing the published version
until a reviewer publishes the change.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Material, utcnow


class ChangeState(enum.StrEnum):
    PENDING = "pending"  # waiting for a reviewer
    SENT_BACK = "sent_back"  # a reviewer asked its authors to look again; they can edit and resubmit
    PUBLISHED = "published"  # a reviewer published it: it is now a revision of the material
    WITHDRAWN = "withdrawn"  # its author took it back (or a later save made it equal to the published one)


# A change in one of these states is the material's working copy: every edit goes into it.
OPEN_STATES = (ChangeState.PENDING.value, ChangeState.SENT_BACK.value)
_OPEN = text("state IN ('pending', 'sent_back')")


class ChangeReview(Base):
    """A change to one material waiting for (or past) review; at most one is open per material."""

    __tablename__ = "change_reviews"
    __table_args__ = (
        # One working copy per material: a second editor's edit updates it instead of racing it.
        Index(
            "uq_change_reviews_open_material",
            "material_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ChangeState.PENDING.value, index=True)
    # The material as the change would make it (status included: publishing a draft is a change too).
    snapshot: Mapped[dict] = mapped_column(JSON)
    # The published material the change was made from, and its lock counter then: approving checks that
    # nothing changed underneath, and the reviewer's diff is from this to ``snapshot``.
    base_snapshot: Mapped[dict] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(Integer)
    # Everyone who wrote part of it (e-mail addresses): none of them may review it.
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by: Mapped[str] = mapped_column(String(200), default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # The reviewer's last word: who, when, and (when sent back) why.
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    # Two editors acting on one change at once: the later UPDATE finds another version and fails.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    material: Mapped[Material] = relationship()
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="change", order_by="ReviewEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ReviewEvent(Base):
    """One step in a change's life (submitted, updated, sent back, published, withdrawn), kept for good."""

    __tablename__ = "change_review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_reviews.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")

    change: Mapped[ChangeReview] = relationship(back_populates="events")
