"""The advice lists' tables. No personal data: no account, no address, no learner; only what makers type."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trefpunt.catalog.models import Base, Material, utcnow


class AdviceList(Base):
    """A list as its maker keeps it. ``read_token`` is shown to whoever may edit (to share it); the edit
    token is known only by its SHA-256, so even a copy of the database cannot change a list."""

    __tablename__ = "advice_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    read_key: Mapped[str] = mapped_column(String(64), unique=True)
    read_token: Mapped[str] = mapped_column(String(64))
    edit_key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    introduction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    items: Mapped[list[AdviceListItem]] = relationship(
        back_populates="advice_list",
        order_by="AdviceListItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class AdviceListItem(Base):
    """One material on a list, in the maker's order, with the maker's note.

    The slug and title are kept as they were when it was added, so a material that is later deleted
    still has a name on the list (``material_id`` is then NULL) rather than a broken entry.
    """

    __tablename__ = "advice_list_items"
    __table_args__ = (UniqueConstraint("list_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("advice_lists.id", ondelete="CASCADE"), index=True)
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("materials.id", ondelete="SET NULL"), index=True, nullable=True
    )
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    advice_list: Mapped[AdviceList] = relationship(back_populates="items")
    material: Mapped[Material | None] = relationship()


class ListCreation(Base):
    """That a list was made from some address, for the hourly limit: a keyed hash of the address, never
    the address itself, deleted once it is an hour old."""

    __tablename__ = "advice_list_creations"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
