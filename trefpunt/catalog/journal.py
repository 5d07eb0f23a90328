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


# Changed material ids of the session's transaction, written as journal rows just before it commits.
PENDING = "trefpunt.journal_pending"
# Any constant: the key of the PostgreSQL advisory lock that orders journal writes by commit.
JOURNAL_LOCK_KEY = 0x7472_6566


@event.listens_for(Session, "after_flush")
def _note_material_changes(session: Session, _flush_context: object) -> None:
    """Remember the materials this flush changed; a transaction may flush many times."""
    # A relabelled term changes no material's index entry: the index holds term keys, and labels are
    # read from the vocabulary when searched and shown. Merging a term re-saves its materials.
    changed = {
        obj.id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, Material) and (obj in session.deleted or session.is_modified(obj))
    }
    if changed:
        session.info.setdefault(PENDING, set()).update(changed)


@event.listens_for(Session, "before_commit")
def _journal_material_changes(session: Session) -> None:
    """Write one journal row per material the transaction changed, as its last statement.

    Sequence order must be commit order, or a reader that has seen seq N could later find a smaller seq
    appear and miss it. SQLite has one writer at a time anyway; on PostgreSQL writers take a transaction
    advisory lock here, so they are serialised only from this insert to their commit, not for the whole
    transaction (an import and an edit no longer wait for each other's work).
    """
    if session.in_nested_transaction():
        return
    session.flush()  # commit flushes after this hook: note what is still pending first
    changed = session.info.pop(PENDING, None)
    if not changed:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": JOURNAL_LOCK_KEY})
    connection.execute(insert(MaterialChange), [{"material_id": i} for i in sorted(changed)])


@event.listens_for(Session, "after_rollback")
def _forget_material_changes(session: Session) -> None:
    # A savepoint rolled back may leave ids of materials it did not change after all: writing them
    # costs a needless re-index of those materials, never a missed one.
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)
