"""Two to four materials side by side: which ones the address asks for, and the rows the table shows.

The address is ``/vergelijk?m=slug1&m=slug2``: order kept, one ``m`` per material. Whatever else arrives
(duplicates, unknown or archived slugs, more than four, commas) is read without failing and said back, and
the canonical address holds only the materials shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from trefpunt.catalog.cards import TermView
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.vocabulary import FacetName, Vocabulary

PARAM = "m"
MIN_COMPARED = 2
MAX_COMPARED = 4
# Slugs read from one address at most: enough to say "you asked for 9", never a query over thousands.
MAX_READ = 20
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_SLUG_LENGTH = 120

# The rows, in the order a volunteer asks: what is it, what does it train, how hard, for whom, how, what
# the learner needs, what it costs, who offers it, in which languages it helps. The web address and the
# provider are rows of their own (not facets).
FACET_ROWS = (
    FacetName.FORMAT,
    FacetName.SKILL,
    FacetName.LEVEL,
    FacetName.AUDIENCE,
    FacetName.SETTING,
    FacetName.NEEDS,
    FacetName.COST,
)
PROVIDER_ROW = "provider"
LANGUAGE_ROW = FacetName.LANGUAGE
URL_ROW = "url"
ROW_ORDER = (*FACET_ROWS, PROVIDER_ROW, LANGUAGE_ROW, URL_ROW)


@dataclass(frozen=True)
class Request:
    """What a comparison address asks for, cleaned: the slugs to look up and what was wrong with it."""

    slugs: tuple[str, ...]
    duplicates: tuple[str, ...] = ()
    malformed: tuple[str, ...] = ()
    # How many different materials were asked for, when more than MAX_COMPARED (0 otherwise).
    too_many: int = 0


def read_request(values: Iterable[str]) -> Request:
    """The slugs of ``m`` parameters (a comma-separated value counts as several), in order, once each."""
    slugs: list[str] = []
    duplicates: list[str] = []
    malformed: list[str] = []
    for raw in values:
        for piece in str(raw).split(","):
            slug = piece.strip().lower()
            if not slug:
                continue
            if len(slug) > _MAX_SLUG_LENGTH or not _SLUG.match(slug):
                malformed.append(slug[:40])
            elif slug in slugs:
                if slug not in duplicates:
                    duplicates.append(slug)
            else:
                slugs.append(slug)
            if len(slugs) + len(malformed) >= MAX_READ:
                break
    too_many = len(slugs) if len(slugs) > MAX_COMPARED else 0
    return Request(tuple(slugs), tuple(duplicates), tuple(malformed), too_many)


@dataclass(frozen=True)
class Row:
    """One line of the table: a name the template words, and per material the values (empty: unknown)."""

    name: str
    cells: tuple[tuple[str, ...], ...]

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass(frozen=True)
class Comparison:
    request: Request
    materials: tuple[Material, ...]
    rows: tuple[Row, ...]
    unknown: tuple[str, ...] = ()
    # Asked for but archived: (slug, title), shown as a notice with a link to its page.
    archived: tuple[tuple[str, str], ...] = ()

    @property
    def refused(self) -> bool:
        """More than MAX_COMPARED asked: nothing is compared, the page says to choose fewer."""
        return bool(self.request.too_many)

    @property
    def enough(self) -> bool:
        return len(self.materials) >= MIN_COMPARED

    def canonical_query(self) -> str:
        """``m=a&m=b``: the materials shown, in the order asked (empty when none)."""
        return urlencode([(PARAM, m.slug) for m in self.materials])


def query_for(slugs: Sequence[str]) -> str:
    """The comparison address's query for ``slugs`` (for other pages that link to a comparison)."""
    return urlencode([(PARAM, slug) for slug in slugs])


def compare(
    session: Session,
    request: Request,
    vocabulary: Vocabulary,
    locale: str,
    *,
    level_range: Callable[[str, str], str] | None = None,
) -> Comparison:
    """Look the asked materials up (one query) and lay their facts out in rows.

    Drafts count as unknown, as the public never sees them. ``level_range(low, high)`` words a range of
    levels ("A1 tot en met B1"), so the caller can translate it.
    """
    if request.too_many or not request.slugs:
        return Comparison(request, (), ())
    found = {
        m.slug: m
        for m in session.scalars(
            select(Material).where(Material.slug.in_(request.slugs)).options(selectinload(Material.terms))
        )
    }
    shown: list[Material] = []
    unknown: list[str] = []
    archived: list[tuple[str, str]] = []
    for slug in request.slugs:
        material = found.get(slug)
        if material is None or material.status == Status.DRAFT:
            unknown.append(slug)
        elif material.status == Status.ARCHIVED:
            archived.append((slug, material.title))
        else:
            shown.append(material)
    words = level_range or (lambda low, high: f"{low} tot en met {high}")
    rows = tuple(_row(name, shown, vocabulary, locale, words) for name in ROW_ORDER)
    return Comparison(request, tuple(shown), rows, tuple(unknown), tuple(archived))


def _row(
    name: str,
    materials: list[Material],
    vocabulary: Vocabulary,
    locale: str,
    words: Callable[[str, str], str],
) -> Row:
    if name == PROVIDER_ROW:
        return Row(name, tuple((m.provider,) if m.provider else () for m in materials))
    if name == URL_ROW:
        return Row(name, tuple((m.url,) if m.url else () for m in materials))
    if name == FacetName.LEVEL:
        return Row(name, tuple(level_texts(m.terms_of(name), vocabulary, locale, words) for m in materials))
    if name not in vocabulary.by_name:
        return Row(name, tuple(() for _ in materials))
    return Row(
        name,
        tuple(
            tuple(t.label_en if locale == "en" else t.label_nl for t in m.terms_of(name)) for m in materials
        ),
    )


def level_texts(
    terms: Sequence[TermView], vocabulary: Vocabulary, locale: str, words: Callable[[str, str], str]
) -> tuple[str, ...]:
    """Levels per scheme, a range where they form one: "ERK (NT2): A1 tot en met B1"."""
    if FacetName.LEVEL not in vocabulary.by_name:
        return ()
    levels = vocabulary.facet(FacetName.LEVEL)
    by_scheme: dict[str, list[TermView]] = {}
    for term in terms:
        by_scheme.setdefault(term.group_nl, []).append(term)
    texts = []
    for scheme_terms in by_scheme.values():
        by_key = {t.key: t for t in scheme_terms}
        keys = levels.order(by_key)
        names = [by_key[k].label_en if locale == "en" else by_key[k].label_nl for k in keys]
        if len(names) > 1 and vocabulary.level_range_error(keys) is None:
            text = words(names[0], names[-1])
        else:
            text = ", ".join(names)
        first = scheme_terms[0]
        scheme = first.group_en if locale == "en" else first.group_nl
        texts.append(f"{scheme}: {text}" if scheme else text)
    return tuple(texts)
