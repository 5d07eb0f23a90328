"""Database models of the catalogue (SQLAlchemy 2.0, typed)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    insert,
    update,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    relationship,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Status(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Facet(Base):
    """A dimension of the catalogue (skill, level, ...); ``param`` is its stable URL parameter."""

    __tablename__ = "facets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    param: Mapped[str] = mapped_column(String(40), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="controlled")
    position: Mapped[int] = mapped_column(Integer, default=0)

    terms: Mapped[list[Term]] = relationship(
        back_populates="facet", order_by="Term.position", cascade="all, delete-orphan"
    )


class Term(Base):
    """A value of a controlled facet. ``key`` never changes once published: shared links hold it."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("facet_name", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facet_name: Mapped[str] = mapped_column(ForeignKey("facets.name"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    label_nl: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    # Levels belong to a scheme (ERK, referentieniveau, digital); a range never crosses schemes.
    group_nl: Mapped[str] = mapped_column(String(200), default="")
    group_en: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Hidden terms stay valid on existing materials and in old links, but are not offered for new use.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # A merged term redirects to this key; its materials have moved there.
    merged_into: Mapped[str | None] = mapped_column(String(60), default=None)
    # A narrower term names its broader one (same facet): searching the broader key finds both.
    broader: Mapped[str | None] = mapped_column(String(60), default=None)

    facet: Mapped[Facet] = relationship(back_populates="terms")


material_terms = Table(
    "material_terms",
    Base.metadata,
    Column("material_id", ForeignKey("materials.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Material(Base):
    """A learning material (or a tool around one) as editors maintain it."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(200), default="", index=True)
    url: Mapped[str] = mapped_column(String(500), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    link_checked_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Where the facts come from, how sure they are and who last checked them (see catalog/facts.py).
    source: Mapped[str] = mapped_column(Text, default="")
    certainty: Mapped[str] = mapped_column(String(20), default="niet-gecontroleerd")
    verified_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    verified_by: Mapped[str] = mapped_column(String(200), default="")
    # How a learner gets it when there is no web address (or beside one): "te leen in de bibliotheek".
    how_to_get: Mapped[str] = mapped_column(String(300), default="")

    terms: Mapped[list[Term]] = relationship(secondary=material_terms, order_by=Term.position)
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="material", order_by="Revision.number", cascade="all, delete-orphan"
    )

    # Optimistic locking: an UPDATE whose version no longer matches raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    def term_keys(self, facet_name: str) -> list[str]:
        return [t.key for t in self.terms if t.facet_name == facet_name]

    def terms_of(self, facet_name: str) -> list[Term]:
        return [t for t in self.terms if t.facet_name == facet_name]


class Revision(Base):
    """A snapshot of a material as one save left it, with who saved it and what changed."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("material_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict] = mapped_column(JSON)

    material: Mapped[Material] = relationship(back_populates="revisions")


class Synonym(Base):
    """An everyday phrase a searcher types and the phrases it also means, as editors keep them.

    One-way (``two_way`` False): searching ``phrase`` also finds ``expansions``, not the other way round.
    Two-way: the phrase and every expansion mean the same, and each finds the others.
    """

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(200), unique=True)
    expansions: Mapped[list[str]] = mapped_column(JSON, default=list)
    two_way: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SeededSynonym(Base):
    """A phrase (case-folded) the seed has offered once: never offered again, so editors' edits and
    deletions stand."""

    __tablename__ = "seeded_synonyms"

    phrase: Mapped[str] = mapped_column(String(200), primary_key=True)


class VocabularyVersion(Base):
    """One row counting committed changes to facets, terms and synonyms, so every process can cache them.

    Bumped by the flush listener below in the same transaction as the change itself; an UPDATE of one row
    serialises concurrent writers, so each committed change has its own number. A migration that changes
    facets, terms or synonyms with plain SQL must bump it too.
    """

    __tablename__ = "vocabulary_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# Set in ``session.info`` while the session's transaction holds a vocabulary change not yet committed.
VOCABULARY_CHANGED = "vocabulary_changed"


@event.listens_for(Session, "after_flush")
def _count_vocabulary_changes(session: Session, _flush_context: object) -> None:
    """Bump the vocabulary version when this flush added, changed or removed a facet, term or synonym."""
    vocabulary = (Facet, Term, Synonym)
    changed = any(isinstance(obj, vocabulary) for obj in (*session.new, *session.deleted)) or any(
        isinstance(obj, vocabulary) and session.is_modified(obj) for obj in session.dirty
    )
    if not changed:
        return
    connection = session.connection()
    bumped = connection.execute(
        update(VocabularyVersion)
        .where(VocabularyVersion.id == 1)
        .values(version=VocabularyVersion.version + 1)
    )
    if not bumped.rowcount:
        connection.execute(insert(VocabularyVersion).values(id=1, version=1))
    session.info[VOCABULARY_CHANGED] = True


@event.listens_for(Session, "after_transaction_end")
def _vocabulary_change_ended(session: Session, transaction: SessionTransaction) -> None:
    # Committed or rolled back: either way the database's version now describes what this session sees.
    if transaction.parent is None:
        session.info.pop(VOCABULARY_CHANGED, None)
