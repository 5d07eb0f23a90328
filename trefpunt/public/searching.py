"""The search page's conversation with the search service: parse first, so a non-canonical URL is redirected
before any searching, then answer, and when nothing is found, work out the ways back to results."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, ngettext

from trefpunt.catalog.vocabulary import Vocabulary, load_vocabulary
from trefpunt.db import get_session
from trefpunt.i18n import current_locale
from trefpunt.search import SearchRequest, SearchResult, get_engine
from trefpunt.search_service import request_from_args

from .links import request_href


def parse(args) -> tuple[SearchRequest, Vocabulary]:
    vocabulary = load_vocabulary(get_session())
    return request_from_args(args, vocabulary, strict=False), vocabulary


def answer(search: SearchRequest, vocabulary: Vocabulary) -> SearchResult:
    return get_engine().search(
        get_session(), search, vocabulary, locale=current_locale(), gettext=gettext, ngettext=ngettext
    )


def total(search: SearchRequest, vocabulary: Vocabulary) -> int:
    return get_engine().count(get_session(), search, vocabulary)


@dataclass(frozen=True)
class WayOut:
    """A link out of an empty result: what it drops, where it goes, how many it would find."""

    kind: str  # "filter" or "query"
    label: str
    href: str
    count: int


def ways_out(result: SearchResult, vocabulary: Vocabulary, base: str) -> list[WayOut]:
    """For each active filter (and the search words, when there are filters too) the search without it.

    Only asked for empty results, so the extra searches cost nothing on a normal page.
    """
    request = result.request
    found = []
    for facet in result.facets:
        if not facet.selected:
            continue
        looser = request.with_filter(facet.name, [], vocabulary)
        label = f"{facet.label}: {', '.join(v.label for v in facet.selected)}"
        found.append(
            WayOut("filter", label, request_href(base, looser, vocabulary), total(looser, vocabulary))
        )
    if request.q and request.filters:
        looser = request.with_query("")
        found.append(
            WayOut("query", request.q, request_href(base, looser, vocabulary), total(looser, vocabulary))
        )
    return found
