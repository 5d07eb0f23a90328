"""The editors' queries over materials, straight from the database (drafts and archived ones are not indexed):
the filtered list, its slugs for an export, and the look-alikes of a new title.

No Flask here: ``ListRequest.from_args`` reads any mapping of lists, as the public search does.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

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
    """Lower case, accents folded (é -> e), punctuation as spaces: "Klik & Tík!" -> "klik tik"."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", folded.lower()).split())


def same_address(url: str) -> str:
    """A web address as a comparison key: no scheme, no ``www.``, host in lower case, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return ""
    if not host:
        return ""
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


# Why a material looks like the new one, in the words the warning shows.
SAME_ADDRESS, SAME_PROVIDER, SIMILAR_TITLE = "same_address", "same_provider", "similar_title"


class LookAlike(NamedTuple):
    """What the "bestaat dit al?" question shows of a material, and why it was found."""

    id: int
    slug: str
    title: str
    provider: str
    status: str
    reason: str = SIMILAR_TITLE


def look_alikes(
    session: Session, title: str, provider: str, url: str = "", *, exclude_slug: str | None = None
) -> list[LookAlike]:
    """Materials a new one may duplicate ("bestaat dit al?"): the same web address, a title that looks
    the same (accents and punctuation aside), or a title like it from the same provider (a shorter title
    whose words all appear in the other's counts: "Digisterker" and "Digisterker - Werken met ...").
    """
    wanted, wanted_provider, wanted_address = _normal(title), _normal(provider), same_address(url)
    if not wanted and not wanted_address:
        return []
    columns = select(
        Material.id, Material.slug, Material.title, Material.provider, Material.status, Material.url
    )
    found = []
    for id_, slug, other_title, other_provider, status, address in session.execute(columns):
        material = LookAlike(id_, slug, other_title, other_provider, status)
        if material.slug == exclude_slug:
            continue
        other = _normal(material.title)
        # Indel similarity, as difflib's ratio: twice the common letters over both lengths.
        ratio = fuzz.ratio(wanted, other, score_cutoff=60) / 100 if wanted else 0.0
        words, other_words = set(wanted.split()), set(other.split())
        contained = bool(words) and (words <= other_words or other_words <= words)
        same_provider = bool(wanted_provider) and _normal(material.provider) == wanted_provider
        if wanted_address and same_address(address or "") == wanted_address:
            found.append((2.0, material._replace(reason=SAME_ADDRESS)))
        elif same_provider and (ratio >= 0.6 or contained):
            found.append((1.0 + ratio, material._replace(reason=SAME_PROVIDER)))
        elif ratio >= 0.85:
            found.append((ratio, material))
    found.sort(key=lambda pair: -pair[0])
    return [m for _score, m in found[:5]]
