"""The material journal: one row per committed material change, in commit order, written by a flush listener.

Derived stores (each process's search index) remember the last ``seq`` they applied and catch up from here;
the journal's head is also part of the catalogue state that decides whether a kept page is still right.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, event, func, insert, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, Material


class MaterialChange(Base):
    """Journal of committed material changes, in commit order.

    Derived stores (each process's search index) remember the last ``seq`` they applied and catch up
    from here, so a change reaches every process and survives a crash of any of them.
    """

    __tablename__ = "material_changes"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: the journal outlives a hard-deleted material.
    material_id: Mapped[int] = mapped_column(Integer, index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.now())


# Built once: asked before every search, and composing the statement costs more than running it.
JOURNAL_HEAD_QUERY = select(func.coalesce(func.max(MaterialChange.seq), 0))


def journal_head(session: Session) -> int:
    """The ``seq`` of the last committed material change (0 for an empty journal)."""
    return session.scalar(JOURNAL_HEAD_QUERY) or 0


@event.listens_for(Session, "after_flush")
def _journal_material_changes(session: Session, _flush_context: object) -> None:
    """Write one journal row per material changed by this flush, in the same transaction."""
    changed: set[int] = set()
    # A relabelled term changes no material's index entry: the index holds term keys, and labels are
    # read from the vocabulary when searched and shown. Merging a term re-saves its materials.
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Material) and (obj in session.deleted or session.is_modified(obj)):
            changed.add(obj.id)
    if not changed:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # Serialise journal writers until commit so sequence order is commit order: a reader that has
        # seen seq N can never later find a smaller seq appear.
        connection.execute(text("LOCK TABLE material_changes IN EXCLUSIVE MODE"))
    connection.execute(insert(MaterialChange), [{"material_id": i} for i in sorted(changed)])
