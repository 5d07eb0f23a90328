"""The catalogue as a harvest sees it: published materials as records, withdrawn ones as deleted records.

A material is *harvestable* once the public has seen it: published now (a live record), or archived, or
back in draft after having been published (both a deleted record, so harvesters drop their copy). Nothing
in Trefpunt deletes a material row, so a withdrawn material is reported as deleted for as long as the
catalogue exists: the repository's ``deletedRecord`` policy is "persistent". A draft never published is
no record at all.

Lists are ordered by (change time, id), the order resumption tokens rely on (see ``oai``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from trefpunt.catalog.models import Material, Revision, Status, Term, material_terms
from trefpunt.catalog.vocabulary import FacetName, Vocabulary

from .oai import SET_SPEC, Position, Window

DELETED_RECORD_POLICY = "persistent"


@dataclass(frozen=True)
class SetDef:
    spec: str
    name: str


@dataclass(frozen=True)
class Item:
    """One record: the material (terms loaded) and whether it is reported as deleted."""

    material: Material
    deleted: bool
    sets: tuple[str, ...]

    @property
    def id(self) -> int:
        return self.material.id

    @property
    def changed(self) -> dt.datetime:
        return self.material.updated_at

    @property
    def position(self) -> Position:
        return Position(self.material.updated_at, self.material.id)


def skill_sets(vocabulary: Vocabulary) -> list[SetDef]:
    """A set of all materials with a skill domain, and one below it per domain (``vaardigheid:rekenen``)."""
    skill = vocabulary.by_name.get(FacetName.SKILL)
    if skill is None or not skill.terms:
        return []
    found = [SetDef(skill.param, skill.label_nl)]
    for term in skill.terms:
        spec = f"{skill.param}:{term.key}"
        if term.merged_into is None and SET_SPEC.fullmatch(spec):
            found.append(SetDef(spec, f"{skill.label_nl}: {term.label_nl}"))
    return found


_was_published = exists().where(
    Revision.material_id == Material.id, Revision.snapshot["status"].as_string() == Status.PUBLISHED.value
)
HARVESTABLE = or_(
    Material.status == Status.PUBLISHED,
    Material.status == Status.ARCHIVED,
    and_(Material.status == Status.DRAFT, _was_published),
)


class CatalogueRepository:
    """The harvestable materials of one session, with the vocabulary's skill domains as sets."""

    def __init__(self, session: Session, vocabulary: Vocabulary):
        self.session = session
        self.vocabulary = vocabulary
        self.skill = vocabulary.by_name.get(FacetName.SKILL)

    def sets(self) -> list[SetDef]:
        return skill_sets(self.vocabulary)

    def earliest_change(self) -> dt.datetime | None:
        return self.session.scalar(select(func.min(Material.updated_at)).where(HARVESTABLE))

    def item(self, material_id: int) -> Item | None:
        found = self.session.scalars(
            select(Material)
            .where(Material.id == material_id, HARVESTABLE)
            .options(selectinload(Material.terms))
        ).first()
        return self._item(found) if found is not None else None

    def items(
        self, window: Window, set_spec: str | None, after: Position | None, limit: int
    ) -> tuple[list[Item], int]:
        """Up to ``limit`` items after ``after`` in list order, and how many the whole list holds now."""
        conditions = self._conditions(window, set_spec)
        total = self.session.scalar(select(func.count(Material.id)).where(*conditions)) or 0
        if after is not None:
            conditions.append(
                or_(
                    Material.updated_at > after.changed,
                    and_(Material.updated_at == after.changed, Material.id > after.id),
                )
            )
        rows = self.session.scalars(
            select(Material)
            .where(*conditions)
            .order_by(Material.updated_at, Material.id)
            .limit(limit)
            .options(selectinload(Material.terms))
        ).all()
        return [self._item(row) for row in rows], total

    def _conditions(self, window: Window, set_spec: str | None) -> list[ColumnElement[bool]]:
        conditions = [HARVESTABLE]
        if window.start is not None:
            conditions.append(Material.updated_at >= window.start)
        if window.end is not None:
            conditions.append(Material.updated_at < window.end)
        if set_spec is not None:
            conditions.append(self._in_set(set_spec))
        return conditions

    def _in_set(self, set_spec: str) -> ColumnElement[bool]:
        """Membership of a set, false for a set this repository does not have."""
        if self.skill is None or set_spec not in {s.spec for s in self.sets()}:
            return ~true()
        keys = [t.key for t in self.skill.terms] if set_spec == self.skill.param else [set_spec.split(":")[1]]
        return exists().where(
            material_terms.c.material_id == Material.id,
            material_terms.c.term_id == Term.id,
            Term.facet_name == self.skill.name,
            Term.key.in_(keys),
        )

    def _item(self, material: Material) -> Item:
        skill = self.skill
        specs: tuple[str, ...] = ()
        if skill is not None:
            keys = material.term_keys(skill.name)
            specs = (skill.param, *(f"{skill.param}:{k}" for k in keys)) if keys else ()
        return Item(material, material.status != Status.PUBLISHED, specs)
