"""The history of a material: its revisions, a readable difference between any two, and restoring one.

A restore is an ordinary save of the old snapshot, so it becomes a new revision itself and nothing that
came after it is lost.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import NotFound
from .models import Material, Revision
from .records import FACT_COLUMNS, TEXT_COLUMNS, MaterialRecord
from .services import get_material, lock_material, record_of, update_material
from .vocabulary import Vocabulary, load_vocabulary

# Long texts are compared line by line; the others as a whole value.
LONG_TEXT = ("description",)


@dataclass(frozen=True)
class LineChange:
    """One line of a text difference: ``op`` is ``" "`` (same), ``"-"`` (removed) or ``"+"`` (added)."""

    op: str
    text: str


@dataclass
class FieldChange:
    """How one field differs between two snapshots."""

    field: str
    old: str | list[str]
    new: str | list[str]
    # By its full name: in this class body, ``field`` is the attribute above (to a reader and to mypy).
    removed: list[str] = dataclasses.field(default_factory=list)
    added: list[str] = dataclasses.field(default_factory=list)
    lines: list[LineChange] = dataclasses.field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return isinstance(self.new, list) or isinstance(self.old, list)


def revisions(session: Session, slug: str) -> tuple[Material, list[Revision]]:
    """The material and its revisions, newest first."""
    material = get_material(session, slug)
    rows = session.scalars(
        select(Revision).where(Revision.material_id == material.id).order_by(Revision.number.desc())
    ).all()
    return material, list(rows)


def get_revision(session: Session, material: Material, number: int) -> Revision:
    revision = session.scalar(
        select(Revision).where(Revision.material_id == material.id, Revision.number == number)
    )
    if revision is None:
        raise NotFound(f"versie {number} van '{material.slug}' bestaat niet")
    return revision


def field_order(vocabulary: Vocabulary) -> list[str]:
    return [*TEXT_COLUMNS, *(f.param for f in vocabulary.controlled), *FACT_COLUMNS]


def diff(old: dict, new: dict, vocabulary: Vocabulary) -> list[FieldChange]:
    """The fields that differ from ``old`` to ``new``, in form order; lists as removed/added items."""
    lists = {"keywords", *(f.param for f in vocabulary.controlled)}
    changes = []
    for name in field_order(vocabulary):
        empty = [] if name in lists else ""
        before, after = old.get(name, empty), new.get(name, empty)
        if before == after:
            continue
        change = FieldChange(name, before, after)
        if isinstance(before, list) or isinstance(after, list):
            before, after = list(before or []), list(after or [])
            change.removed = [v for v in before if v not in after]
            change.added = [v for v in after if v not in before]
        elif name in LONG_TEXT:
            change.lines = _line_diff(before or "", after or "")
        changes.append(change)
    return changes


def _line_diff(old: str, new: str) -> list[LineChange]:
    result = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        op, text = line[:1], line[2:]
        if op in (" ", "-", "+"):
            result.append(LineChange(op, text))
    return result


def restore(
    session: Session, slug: str, number: int, *, author: str, expected_version: int | None = None
) -> Material:
    """Make revision ``number`` the current content again, as a new revision.

    The material keeps its current status: restoring the text of an old draft does not take a published
    material offline (publishing and archiving are their own steps).
    """
    material = lock_material(session, slug)
    revision = get_revision(session, material, number)
    vocabulary = load_vocabulary(session)
    record = MaterialRecord.from_mapping(revision.snapshot, vocabulary)
    record.status = material.status
    return update_material(
        session,
        material,
        record,
        author=author,
        vocabulary=vocabulary,
        expected_version=expected_version,
        note=f"versie {number} teruggezet",
    )


def current_snapshot(material: Material, vocabulary: Vocabulary) -> dict:
    return record_of(material, vocabulary).to_dict(vocabulary)
