"""Every link of the search page, built from the one SearchRequest the URL carries.

The page never assembles query strings itself: each chip, facet value, sort option and page number is the
current request with one thing changed, written back canonically, so the same search always has one URL.
Plain functions over the search result; the templates only read what they return.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import ngettext

from trefpunt.catalog.vocabulary import LEVEL_FACET, PROVIDER_FACET, FacetName, Vocabulary
from trefpunt.search import SearchRequest, SearchResult
from trefpunt.search.request import DEFAULT_SORT, SORTS
from trefpunt.search.result import FacetResult, FacetValue

# A long facet shows this many values; the next ones sit behind "toon meer".
VISIBLE_VALUES = 8
# "Toon meer" holds at most this many; past that, a page of their own lists them all. With local providers
# a catalogue has hundreds, and all of them on every search page made it 260 kB at 10,000 materials.
MORE_VALUES = 40
# Where a facet's values are listed in full: ``{base}/{path}``, the search's own parameters kept.
ALL_VALUES_PATH = "aanbieders"
# Facets open on first sight: the entry points staff use most. Facets with a selection are open too.
OPEN_FACETS = (FacetName.SKILL, FacetName.AUDIENCE)
# The language switch's parameter (trefpunt/i18n.py); never part of a search.
LANGUAGE_PARAM = "lang"
# Page numbers shown either side of the current one.
PAGE_WINDOW = 2


def href(base: str, query: str) -> str:
    return f"{base}?{query}" if query else base


def request_href(base: str, request: SearchRequest, vocabulary: Vocabulary) -> str:
    return href(base, request.query_string(vocabulary))


def is_canonical(args, request: SearchRequest, vocabulary: Vocabulary) -> bool:
    """True when the URL's parameters are exactly the canonical ones, in order.

    ``lang`` is not search state: it only switches the language, which is then kept in a cookie, so it
    neither makes a URL non-canonical nor appears in the canonical URL that people share.
    """
    given = [(key, value) for key, value in args.items(multi=True) if key != LANGUAGE_PARAM]
    return given == request.to_args(vocabulary)


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False
    count: int | None = None
    name: str = ""


@dataclass
class ValueGroup:
    """Values under one heading: a level scheme, or the whole facet (empty title)."""

    title: str
    values: list[FacetValue]


@dataclass
class FacetView:
    name: str
    param: str
    label: str
    groups: list[ValueGroup]
    more: list[FacetValue] = field(default_factory=list)
    # "All N providers": the page that lists every value, when "toon meer" cannot hold them all.
    all_values: Link | None = None
    selected: int = 0
    open: bool = False

    @property
    def dom_id(self) -> str:
        return f"facet-{self.param}"


def facet_views(result: SearchResult, vocabulary: Vocabulary, base: str) -> list[FacetView]:
    """The facets as the filter panel shows them; one with nothing to choose or chosen is left out."""
    views = []
    for facet in result.facets:
        selected = len(facet.selected)
        if not selected and not any(v.count for v in facet.values):
            continue
        visible, more, left_out = _split_long(facet)
        all_values = None
        if left_out:
            found = sum(1 for v in facet.values if v.count)
            all_values = Link(
                ngettext("Alle %(num)d aanbieder", "Alle %(num)d aanbieders", found),
                request_href(f"{base}/{ALL_VALUES_PATH}", result.request, vocabulary),
                count=found,
            )
        views.append(
            FacetView(
                name=facet.name,
                param=facet.param,
                label=facet.label,
                groups=_grouped(visible) if facet.name == LEVEL_FACET else [ValueGroup("", visible)],
                more=more,
                all_values=all_values,
                selected=selected,
                open=bool(selected) or facet.name in OPEN_FACETS,
            )
        )
    return views


def _split_long(facet: FacetResult) -> tuple[list[FacetValue], list[FacetValue], int]:
    """Top values first and every selected value visible; the next ones behind "toon meer"; how many are
    left for the page that lists them all."""
    if facet.name != PROVIDER_FACET or len(facet.values) <= VISIBLE_VALUES + 2:
        return list(facet.values), [], 0
    top = facet.values[:VISIBLE_VALUES]
    visible = top + [v for v in facet.values[VISIBLE_VALUES:] if v.selected]
    rest = [v for v in facet.values[VISIBLE_VALUES:] if not v.selected]
    return visible, rest[:MORE_VALUES], len(rest[MORE_VALUES:])


def all_values(result: SearchResult, facet_name: str) -> list[FacetValue]:
    """Every value of a facet that this search finds or has chosen, alphabetically: to look one up."""
    facet = result.facet(facet_name)
    return sorted((v for v in facet.values if v.count or v.selected), key=lambda v: v.label.lower())


def _grouped(values: list[FacetValue]) -> list[ValueGroup]:
    groups: list[ValueGroup] = []
    for value in values:
        if not groups or groups[-1].title != value.group:
            groups.append(ValueGroup(value.group, []))
        groups[-1].values.append(value)
    return groups


def value_href(base: str, value: FacetValue) -> str:
    return href(base, value.toggle_query)


def chips(result: SearchResult, base: str) -> list[Link]:
    """One removable chip per selected value; its link is the search without that value."""
    return [
        Link(f"{facet.label}: {value.label}", value_href(base, value), name=facet.param)
        for facet in result.facets
        for value in facet.selected
    ]


def clear_filters_href(result: SearchResult, vocabulary: Vocabulary, base: str) -> str:
    return request_href(base, result.request.without_filters(), vocabulary)


def sort_links(result: SearchResult, vocabulary: Vocabulary, base: str) -> list[Link]:
    """Relevance only means something with search words; without them the list is by title."""
    request = result.request
    current = request.sort if request.q or request.sort != DEFAULT_SORT else "titel"
    options = SORTS if request.q else tuple(s for s in SORTS if s != DEFAULT_SORT)
    return [
        Link(
            sort,
            request_href(base, request.with_sort(sort), vocabulary),
            current=(sort == current),
            name=sort,
        )
        for sort in options
    ]


def page_links(result: SearchResult, vocabulary: Vocabulary, base: str) -> list[Link | None]:
    """Page numbers around the current page, the first and the last; None marks a gap."""
    request, last = result.request, result.pages
    wanted = {1, last, *range(request.page - PAGE_WINDOW, request.page + PAGE_WINDOW + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[Link | None] = []
    for i, number in enumerate(numbers):
        if i and number != numbers[i - 1] + 1:
            links.append(None)
        links.append(
            Link(
                str(number),
                request_href(base, request.with_page(number), vocabulary),
                current=number == request.page,
            )
        )
    return links


def step_href(result: SearchResult, vocabulary: Vocabulary, base: str, step: int) -> str | None:
    """The previous (-1) or next (+1) page, or None at either end."""
    number = result.request.page + step
    if not 1 <= number <= result.pages:
        return None
    return request_href(base, result.request.with_page(number), vocabulary)


def suggestion_href(result: SearchResult, vocabulary: Vocabulary, base: str) -> str | None:
    if not result.suggestion:
        return None
    return request_href(base, result.request.with_query(result.suggestion), vocabulary)


def literal_href(result: SearchResult, vocabulary: Vocabulary, base: str) -> str | None:
    """Back to the words as typed, when the page shows their respelling instead."""
    if not result.corrected_from:
        return None
    return request_href(base, result.request.with_query(result.corrected_from, literal=True), vocabulary)


@dataclass
class SearchPage:
    """Everything the search template links to, computed once per request."""

    facets: list[FacetView]
    chips: list[Link]
    clear_filters: str
    sorts: list[Link]
    pages: list[Link | None]
    previous: str | None
    next: str | None
    suggestion: str | None
    literal: str | None
    first_page: str


def search_page(result: SearchResult, vocabulary: Vocabulary, base: str) -> SearchPage:
    return SearchPage(
        facets=facet_views(result, vocabulary, base),
        chips=chips(result, base),
        clear_filters=clear_filters_href(result, vocabulary, base),
        sorts=sort_links(result, vocabulary, base),
        pages=page_links(result, vocabulary, base) if result.pages > 1 else [],
        previous=step_href(result, vocabulary, base, -1),
        next=step_href(result, vocabulary, base, +1),
        suggestion=suggestion_href(result, vocabulary, base),
        literal=literal_href(result, vocabulary, base),
        first_page=request_href(base, result.request.with_page(1), vocabulary),
    )


def entry_points(result: SearchResult, vocabulary: Vocabulary, base: str, facet_name: str) -> list[Link]:
    """A facet's values with results, each a fresh search for that value alone (the home page's way in)."""
    fresh = SearchRequest()
    return [
        Link(
            v.label,
            request_href(base, fresh.with_filter(facet_name, [v.value], vocabulary), vocabulary),
            count=v.count,
        )
        for v in result.facet(facet_name).values
        if v.count
    ]
