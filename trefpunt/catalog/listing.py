"""The editors' queries over materials, straight from the database (drafts and archived ones are not indexed):
the filtered list, its slugs for an export, and the look-alikes of a new title.

No Flask here: ``ListRequest.from_args`` reads any mapping of lists, as the public search does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import urlencode

from rapidfuzz import fuzz
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from .models import Material, Status, Term, material_terms
from .vocabulary import FacetName, Vocabulary

SORTS = ("gewijzigd", "oudste", "titel")
# What a complete record has, besides a title: text fields, then facets by URL parameter.
EXPECTED_TEXT = ("summary", "description", "provider", "url")
EXPECTED_FACETS = (FacetName.SKILL, FacetName.LEVEL, FacetName.AUDIENCE, FacetName.FORMAT, FacetName.COST)


@dataclass(frozen=True)
class ListRequest:
    q: str = ""
    status: str = ""
    term: str = ""  # "param:key", e.g. "vaardigheid:rekenen"
    sort: str = "gewijzigd"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str], vocabulary: Vocabulary) -> ListRequest:
        """Read the list's URL state; unknown or malformed values fall back to the default."""

        def first(name: str) -> str:
            values = args.getlist(name) if hasattr(args, "getlist") else args.get(name, [])
            if isinstance(values, str):
                values = [values]
            return (values[0] if values else "").strip()

        status = first("status") if first("status") in {s.value for s in Status} else ""
        term = first("term")
        param, _sep, key = term.partition(":")
        facet = vocabulary.by_param.get(param)
        if facet is None or not facet.controlled or facet.term(key) is None:
            term = ""
        sort = first("sorteer") if first("sorteer") in SORTS else "gewijzigd"
        number = first("pagina")
        page = int(number) if number.isascii() and number.isdigit() else 1  # '²' is a digit to isdigit()
        return cls(q=first("q")[:200], status=status, term=term, sort=sort, page=max(1, min(page, 10_000)))

    def args(self, *, page: int | None = None) -> dict[str, str]:
        """Query arguments of this request (on another ``page``), without the defaults."""
        state = self if page is None else replace(self, page=page)
        pairs = {"q": state.q, "status": state.status, "term": state.term}
        pairs["sorteer"] = "" if state.sort == "gewijzigd" else state.sort
        pairs["pagina"] = "" if state.page == 1 else str(state.page)
        return {k: v for k, v in pairs.items() if v}

    def query_string(self, *, page: int | None = None) -> str:
        return urlencode(self.args(page=page))


@dataclass
class ListPage:
    request: ListRequest
    materials: list[Material]
    total: int
    per_page: int
    missing: dict[int, list[str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def filtered(request: ListRequest, vocabulary: Vocabulary) -> Select:
    query = select(Material)
    if request.q:
        needle = request.q.lower()
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (Material.title, Material.provider, Material.slug, Material.summary)
                )
            )
        )
    if request.status:
        query = query.where(Material.status == request.status)
    if request.term:
        param, _sep, key = request.term.partition(":")
        facet = vocabulary.by_param[param]
        query = query.where(
            Material.id.in_(
                select(material_terms.c.material_id)
                .join(Term, Term.id == material_terms.c.term_id)
                .where(Term.facet_name == facet.name, Term.key == key)
            )
        )
    return query


def list_materials(session: Session, request: ListRequest, vocabulary: Vocabulary, per_page: int) -> ListPage:
    query = filtered(request, vocabulary)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = {
        "gewijzigd": (Material.updated_at.desc(), Material.id.desc()),
        "oudste": (Material.updated_at.asc(), Material.id.asc()),
        "titel": (func.lower(Material.title), Material.id),
    }[request.sort]
    rows = session.scalars(
        query.options(selectinload(Material.terms))
        .order_by(*order)
        .offset((request.page - 1) * per_page)
        .limit(per_page)
    ).all()
    page = ListPage(request, list(rows), total, per_page)
    page.missing = {m.id: missing_fields(m) for m in rows}
    return page


def filtered_slugs(session: Session, request: ListRequest, vocabulary: Vocabulary) -> list[str]:
    """Every slug the list shows (all pages), for exporting the current list."""
    query = filtered(request, vocabulary).with_only_columns(Material.slug)
    return list(session.scalars(query))


def missing_fields(material: Material) -> list[str]:
    """Names of the fields a complete record has and this one lacks (text fields, then facet names)."""
    missing = [name for name in EXPECTED_TEXT if not getattr(material, name)]
    present = {t.facet_name for t in material.terms}
    missing += [name for name in EXPECTED_FACETS if name not in present]
    return missing


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


class LookAlike(NamedTuple):
    """What the "bestaat dit al?" question shows of a material."""

    id: int
    slug: str
    title: str
    provider: str
    status: str


def look_alikes(
    session: Session, title: str, provider: str, *, exclude_slug: str | None = None
) -> list[LookAlike]:
    """Materials whose title looks like ``title`` ("bestaat dit al?"): the same words, or nearly.

    A matching provider makes a weaker title match count too.
    """
    wanted, wanted_provider = _normal(title), _normal(provider)
    if not wanted:
        return []
    columns = select(Material.id, Material.slug, Material.title, Material.provider, Material.status)
    found = []
    for row in session.execute(columns):
        material = LookAlike(*row)
        if material.slug == exclude_slug:
            continue
        # Indel similarity, as difflib's ratio: twice the common letters over both lengths.
        ratio = fuzz.ratio(wanted, _normal(material.title), score_cutoff=60) / 100
        same_provider = bool(wanted_provider) and _normal(material.provider) == wanted_provider
        if ratio >= 0.85 or (same_provider and ratio >= 0.6):
            found.append((ratio, material))
    found.sort(key=lambda pair: -pair[0])
    return [m for _ratio, m in found[:5]]
