"""Use cases of the catalogue. They change the session and flush; the caller commits (one unit of work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict, FieldError, NotFound, ValidationError
from .models import Material, Revision, Status, Term, utcnow
from .records import SLUG_PATTERN, MaterialRecord, validate
from .vocabulary import Vocabulary, load_vocabulary

Progress = Callable[[int], None]

# Materials written per flush by an import: one unit of work per batch instead of two flushes and two
# queries per row (SQLAlchemy sends a flush's rows together, as executemany or multi-row INSERTs),
# while the session's pending state stays small.
IMPORT_FLUSH_ROWS = 1_000
# Keys per ``IN (...)`` lookup: well below every database's limit on bound parameters.
LOOKUP_BATCH = 500
# PostgreSQL's words for "another transaction got there first": serialization_failure, deadlock_detected,
# lock_not_available (a lock_timeout ran out). Rolled back, such a save is simply a conflict.
LOST_RACE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SLUG_TAKEN_MEANWHILE = "deze slug is zojuist door iemand anders in gebruik genomen; kies een andere"
SAVED_BY_SOMEONE_ELSE = "dit leermiddel is intussen door iemand anders opgeslagen"


@contextmanager
def conflicts_reported() -> Iterator[None]:
    """Raise Conflict for a write that lost a race with another transaction, however the database noticed
    (and the slug's field error for a new material whose slug another took meanwhile).

    The version check in ``save_material`` sees a save committed before this one read the material; a save
    committed after that shows up as ``StaleDataError`` at a flush (SQLite, which has no row locks), or on
    PostgreSQL as a serialization failure, deadlock or lock timeout. Wrap the save and the commit in it;
    the caller rolls back.
    """
    try:
        yield
    except StaleDataError as exc:
        raise Conflict(SAVED_BY_SOMEONE_ELSE) from exc
    except IntegrityError as exc:
        # Two new materials given the same slug at once: both found it free, the later insert failed.
        if "slug" in str(exc.orig):
            raise ValidationError([FieldError("slug", SLUG_TAKEN_MEANWHILE)]) from exc
        raise
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in LOST_RACE_SQLSTATES:
            raise Conflict(SAVED_BY_SOMEONE_ELSE) from exc
        raise


def record_of(material: Material, vocabulary: Vocabulary) -> MaterialRecord:
    """The exchange record of a stored material."""
    return MaterialRecord(
        slug=material.slug,
        title=material.title,
        summary=material.summary,
        description=material.description,
        provider=material.provider,
        url=material.url,
        keywords=list(material.keywords or []),
        status=material.status,
        facets={f.param: f.order(material.term_keys(f.name)) for f in vocabulary.controlled},
        source=material.source or "",
        certainty=material.certainty or "",
        verified_on=material.verified_on.isoformat() if material.verified_on else "",
        verified_by=material.verified_by or "",
        how_to_get=material.how_to_get or "",
    )


def get_material(session: Session, slug: str) -> Material:
    material = session.scalar(
        select(Material).where(Material.slug == slug).options(selectinload(Material.terms))
    )
    if material is None:
        raise NotFound(f"geen leermiddel met slug '{slug}'")
    return material


def save_material(
    session: Session,
    record: MaterialRecord,
    *,
    author: str,
    vocabulary: Vocabulary | None = None,
    original_slug: str | None = None,
    expected_version: int | None = None,
    note: str = "",
) -> Material:
    """Create or update the material ``original_slug`` (or ``record.slug``) from a record.

    Raises ValidationError for a bad record and Conflict when the stored version is not
    ``expected_version`` or another transaction changes the material meanwhile: an editor saving over a
    newer version loses nothing silently. One save is one version step, one revision and one flush.
    """
    vocabulary = vocabulary or load_vocabulary(session)
    clean = _validated(record, vocabulary)
    slug = original_slug or clean.slug
    material = _lock_material(session, slug)
    return _store(
        session,
        material,
        clean,
        vocabulary,
        slug=slug,
        new=original_slug is None,
        author=author,
        expected_version=expected_version,
        note=note,
    )


def lock_material(session: Session, slug: str) -> Material:
    """The stored material ``slug``, read afresh and locked until commit, to build a change from.

    Save the change with ``update_material``: the material is then read and locked once, and the change
    starts from the version the save checks.
    """
    material = _lock_material(session, slug)
    if material is None:
        raise NotFound(f"geen leermiddel met slug '{slug}'")
    return material


def update_material(
    session: Session,
    material: Material,
    record: MaterialRecord,
    *,
    author: str,
    vocabulary: Vocabulary,
    expected_version: int | None = None,
    note: str = "",
) -> Material:
    """``save_material`` for a material read with ``lock_material`` in this transaction."""
    clean = _validated(record, vocabulary)
    return _store(
        session,
        material,
        clean,
        vocabulary,
        slug=material.slug,
        new=False,
        author=author,
        expected_version=expected_version,
        note=note,
    )


def _validated(record: MaterialRecord, vocabulary: Vocabulary) -> MaterialRecord:
    clean, errors = validate(record, vocabulary)
    if errors:
        raise ValidationError(errors)
    return clean


def _lock_material(session: Session, slug: str) -> Material | None:
    """The stored material, read afresh under a row lock held until commit (PostgreSQL; SQLite has none).

    Every writer of a material takes its row lock before anything else of it (its terms, its revisions),
    so an edit and an import meeting on one material wait for each other instead of deadlocking, and the
    later one reads the version the earlier one committed.
    """
    query = (
        select(Material)
        .where(Material.slug == slug)
        .with_for_update(of=Material)
        .options(selectinload(Material.terms))
        .execution_options(populate_existing=True)
    )
    with conflicts_reported():
        return session.scalar(query)


def _store(
    session: Session,
    material: Material | None,
    clean: MaterialRecord,
    vocabulary: Vocabulary,
    *,
    slug: str,
    new: bool,
    author: str,
    expected_version: int | None,
    note: str,
) -> Material:
    """Write a validated record over the locked ``material`` stored as ``slug`` (none: a ``new`` one)."""
    # One flush at the end: an autoflush half-way would bump the version twice and could raise outside
    # the conflict handling.
    with conflicts_reported(), session.no_autoflush:
        if clean.slug != slug and session.scalar(select(Material.id).where(Material.slug == clean.slug)):
            raise ValidationError([FieldError("slug", f"de slug '{clean.slug}' is al in gebruik")])
        if material is None:
            if not new:
                raise NotFound(f"geen leermiddel met slug '{slug}'")
            material = Material(created_by=author, keywords=[])
            session.add(material)
        elif expected_version is not None and material.version != expected_version:
            raise Conflict(SAVED_BY_SOMEONE_ELSE, material.version)
        _apply(session, material, clean, vocabulary, author, note)
        session.flush()
    return material


def set_status(
    session: Session, slug: str, status: Status, *, author: str, expected_version: int | None = None
) -> Material:
    """Publish, archive or return to draft; publishing demands a complete record."""
    material = lock_material(session, slug)
    vocabulary = load_vocabulary(session)
    record = record_of(material, vocabulary)
    record.status = Status(status).value
    notes = {Status.PUBLISHED: "gepubliceerd", Status.ARCHIVED: "gearchiveerd", Status.DRAFT: "naar concept"}
    return update_material(
        session,
        material,
        record,
        author=author,
        vocabulary=vocabulary,
        expected_version=expected_version,
        note=notes[Status(status)],
    )


def _apply(
    session: Session,
    material: Material,
    record: MaterialRecord,
    vocabulary: Vocabulary,
    author: str,
    note: str,
) -> None:
    previous = record_of(material, vocabulary).to_dict(vocabulary) if material.id else None
    snapshot = record.to_dict(vocabulary)
    if previous == snapshot:
        return
    last = _last_revision_numbers(session, [material.id]).get(material.id, 0) if material.id else 0
    note = note or ("aangemaakt" if previous is None else "bewerkt")
    _write(session, material, record, vocabulary, author, note, previous, snapshot, last)


def _write(
    session: Session,
    material: Material,
    record: MaterialRecord,
    vocabulary: Vocabulary,
    author: str,
    note: str,
    previous: dict | None,
    snapshot: dict,
    last_revision: int,
) -> None:
    """Copy a validated record onto ``material`` and add its next revision, without a query of its own."""
    material.slug = record.slug
    material.title = record.title
    material.summary = record.summary
    material.description = record.description
    material.provider = record.provider
    material.url = record.url
    material.keywords = list(record.keywords)
    material.status = record.status
    material.source = record.source
    material.certainty = record.certainty
    material.verified_on = dt.date.fromisoformat(record.verified_on) if record.verified_on else None
    material.verified_by = record.verified_by
    material.how_to_get = record.how_to_get
    wanted = {(f.name, key) for f in vocabulary.controlled for key in record.facets.get(f.param, [])}
    terms = _terms_by_key(session)
    material.terms = [terms[k] for k in sorted(wanted, key=lambda k: (k[0], terms[k].position))]
    material.updated_at = utcnow()
    material.updated_by = author
    changed = sorted(k for k in snapshot if previous is None or previous.get(k) != snapshot[k])
    # Through the relationship rather than material_id: a new material gets its id in the same flush as
    # its revision, so an import need not flush once per new material.
    session.add(
        Revision(
            material=material,
            number=last_revision + 1,
            author=author,
            note=note,
            changed_fields=changed,
            snapshot=snapshot,
        )
    )


def _last_revision_numbers(session: Session, material_ids: list[int]) -> dict[int, int]:
    """The highest revision number of each of these materials (absent when it has none)."""
    numbers: dict[int, int] = {}
    for start in range(0, len(material_ids), LOOKUP_BATCH):
        batch = material_ids[start : start + LOOKUP_BATCH]
        query = (
            select(Revision.material_id, func.max(Revision.number))
            .where(Revision.material_id.in_(batch))
            .group_by(Revision.material_id)
        )
        numbers.update((material_id, number) for material_id, number in session.execute(query))
    return numbers


def _materials_by_slug(session: Session, slugs: list[str], *, lock: bool = False) -> dict[str, Material]:
    """The stored materials with these slugs, their terms loaded: a query per batch, not per row.

    With ``lock``, their rows stay locked until commit (as ``_lock_material`` locks one), taken in slug
    order so that two imports sharing materials queue behind each other instead of deadlocking.
    """
    found: dict[str, Material] = {}
    slugs = sorted(slugs)
    for start in range(0, len(slugs), LOOKUP_BATCH):
        query = (
            select(Material)
            .where(Material.slug.in_(slugs[start : start + LOOKUP_BATCH]))
            .options(selectinload(Material.terms))
        )
        if lock:
            query = (
                query.order_by(Material.slug)
                .with_for_update(of=Material)
                .execution_options(populate_existing=True)
            )
        found.update((m.slug, m) for m in session.scalars(query))
    return found


def _terms_by_key(session: Session) -> dict[tuple[str, str], Term]:
    cache = session.info.get("terms_by_key")
    if cache is None:
        cache = {(t.facet_name, t.key): t for t in session.scalars(select(Term))}
        session.info["terms_by_key"] = cache
    return cache


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), slug by slug."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.skipped)


def import_records(
    session: Session,
    rows: Iterable[tuple[int, dict]],
    *,
    author: str,
    dry_run: bool = False,
    only_new: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Upsert materials by slug from ``(line, mapping)`` rows, all or nothing.

    Every row is validated before anything is written; with any error the import raises
    ValidationError (or, in a dry run, returns the errors) and the session is left untouched.
    ``only_new`` leaves existing materials alone (the seed uses it, so re-seeding never overwrites editors).
    Each created or changed material gets a revision (and a journal entry) as a save in the editor does;
    the stored materials are looked up (and, unless it is a dry run, locked) and the writes flushed in
    batches, so a large file costs a few statements per batch rather than several per row.
    """
    vocabulary = load_vocabulary(session)
    report = ImportReport()
    parsed = [(line, data, MaterialRecord.from_mapping(data, vocabulary)) for line, data in rows]
    # Only slugs that can exist are looked up: one with a NUL byte is a row error below, and PostgreSQL
    # refuses it in a query.
    slugs = list({record.slug for _, _, record in parsed if SLUG_PATTERN.match(record.slug)})
    with conflicts_reported():
        existing = _materials_by_slug(session, slugs, lock=not dry_run)
    stored = {slug: record_of(m, vocabulary).to_dict(vocabulary) for slug, m in existing.items()}
    records: list[MaterialRecord] = []
    first_line: dict[str, int] = {}
    for line, data, record in parsed:
        if record.slug in stored:
            # A file with fewer columns changes only the columns it has; the rest stays as stored.
            record = MaterialRecord.from_mapping(
                {**stored[record.slug], **data, "slug": record.slug}, vocabulary
            )
        clean, errors = validate(record, vocabulary)
        report.errors.extend(FieldError(e.field, e.message, line) for e in errors)
        if clean.slug in first_line:
            report.errors.append(
                FieldError(
                    "slug", f"dubbele slug '{clean.slug}' (ook op regel {first_line[clean.slug]})", line
                )
            )
        first_line.setdefault(clean.slug, line)
        records.append(clean)
    if report.errors:
        if dry_run:
            return report
        raise ValidationError(report.errors)

    last_revision = (
        {} if dry_run or only_new else _last_revision_numbers(session, [m.id for m in existing.values()])
    )
    written = 0
    with session.no_autoflush:
        for done, record in enumerate(records, 1):
            material, previous = existing.get(record.slug), stored.get(record.slug)
            snapshot = record.to_dict(vocabulary)
            if material is None:
                report.created.append(record.slug)
            elif only_new:
                report.skipped.append(record.slug)
            elif previous == snapshot:
                report.unchanged.append(record.slug)
            else:
                report.updated.append(record.slug)
            changes = material is None or (not only_new and previous != snapshot)
            if changes and not dry_run:
                if material is None:
                    material = Material(created_by=author, keywords=[])
                    session.add(material)
                last = last_revision.get(material.id, 0) if material.id else 0
                _write(session, material, record, vocabulary, author, "import", previous, snapshot, last)
                written += 1
                if written % IMPORT_FLUSH_ROWS == 0:
                    with conflicts_reported():
                        session.flush()
            if progress:
                progress(done)
    if not dry_run:
        with conflicts_reported():
            session.flush()
    return report


def export_records(session: Session, slugs: Iterable[str] | None = None) -> list[MaterialRecord]:
    """All materials (or the given ones) as records, ordered by slug so exports are reproducible."""
    vocabulary = load_vocabulary(session)
    query = select(Material).options(selectinload(Material.terms)).order_by(Material.slug)
    if slugs is not None:
        # Only slugs that can exist: PostgreSQL refuses a NUL byte even in a query.
        query = query.where(Material.slug.in_([s for s in slugs if SLUG_PATTERN.match(s)]))
    return [record_of(m, vocabulary) for m in session.scalars(query)]
