"""The web side of search: the glue ``/zoeken`` and ``/api/v1/materials`` share, and the pages they keep.

Each request reads the catalogue's state once (the material journal's head and the vocabulary version, in
one query) and everything after it uses that reading: the page cache's key, the vocabulary snapshot. URL
args are parsed first, so a non-canonical URL is redirected before any searching; then the search is
answered in the visitor's language, and when nothing is found the ways back to results are worked out.

Finished answers are kept per process for anonymous visitors until the catalogue or a vocabulary changes:
such an answer is determined by the catalogue's state (in the database, so a change committed by any
process is seen by the next request here), the language, the address it was asked at and the request
headers the view names. Only the view's own response is kept: body, status and its few headers.
Everything added after the view (security headers, the language cookie, the session) is added afresh to
every answer, cached or not. A logged-in editor never reads or fills the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import NamedTuple

from flask import Response, current_app, g, make_response, request
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from .catalog.journal import JOURNAL_HEAD_QUERY
from .catalog.vocabulary import VERSION_QUERY, Vocabulary, load_vocabulary
from .db import get_session
from .i18n import current_locale
from .public.links import request_href
from .search import SearchRequest, SearchResult, get_engine

# -- the catalogue's state, once per request ------------------------------------------------------


class CatalogueState(NamedTuple):
    journal_head: int
    vocabulary_version: int


# The journal's and the vocabulary's state queries, asked together; built once, as composing a
# statement costs more than running this one.
_STATE = select(JOURNAL_HEAD_QUERY.scalar_subquery(), VERSION_QUERY.scalar_subquery())


def catalogue_state(session: Session) -> CatalogueState:
    """The material journal's head and the vocabulary version, in one query."""
    head, version = session.connection().execute(_STATE).one()
    return CatalogueState(head, version or 0)


def request_state() -> CatalogueState:
    """The catalogue's state as this request first read it (one query per request)."""
    if "catalogue_state" not in g:
        g.catalogue_state = catalogue_state(get_session())
    return g.catalogue_state


def request_vocabulary() -> Vocabulary:
    """The vocabulary snapshot of this request's catalogue state."""
    return load_vocabulary(get_session(), version=request_state().vocabulary_version)


# -- parse, answer --------------------------------------------------------------------------------


def parse(args, *, strict: bool = False) -> tuple[SearchRequest, Vocabulary]:
    """The search ``args`` ask for, with the configured limits (``strict``: unknown values are errors)."""
    vocabulary = request_vocabulary()
    config = current_app.config
    search = SearchRequest.from_args(
        args,
        vocabulary,
        per_page=config["SEARCH_PER_PAGE"],
        max_query_length=config["SEARCH_MAX_QUERY_LENGTH"],
        max_page=config["SEARCH_MAX_PAGE"],
        strict=strict,
    )
    return search, vocabulary


def answer(search: SearchRequest, vocabulary: Vocabulary) -> SearchResult:
    result = get_engine().search(
        get_session(),
        search,
        vocabulary,
        locale=current_locale(),
        head=request_state().journal_head,
        gettext=gettext,
        ngettext=ngettext,
    )
    if result.behind:
        g.search_behind = True  # see ``cached``: a page from a lagging index is not kept
    return result


def run_search(args, *, strict: bool = False) -> tuple[SearchResult, Vocabulary]:
    """Parse ``args`` and answer them: for callers that redirect nothing (the API)."""
    search, vocabulary = parse(args, strict=strict)
    return answer(search, vocabulary), vocabulary


def total(search: SearchRequest, vocabulary: Vocabulary) -> int:
    return get_engine().count(get_session(), search, vocabulary, head=request_state().journal_head)


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


# -- finished pages -------------------------------------------------------------------------------

EXTENSION_KEY = "trefpunt.page_cache"
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Page:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        return Response(self.body, self.status, list(self.headers))


class PageCache:
    """Pages by key, least recently used dropped first once they hold more than ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.state: tuple[int, int] | None = None
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def __iter__(self):
        """The keys of the kept pages, least recently used first."""
        with self._lock:
            return iter(list(self._pages))

    def get(self, state: tuple[int, int], key: tuple) -> Page | None:
        with self._lock:
            if state != self.state:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, state: tuple[int, int], key: tuple, page: Page) -> None:
        if len(page.body) > self.max_bytes:
            return
        with self._lock:
            if state != self.state:
                # The catalogue changed: pages of the old state will not be asked for again.
                self._pages.clear()
                self._bytes = 0
                self.state = state
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= len(dropped.body)


def init_app(app) -> None:
    megabytes = app.config["PAGE_CACHE_SIZE"]
    app.extensions[EXTENSION_KEY] = PageCache(int(float(megabytes) * MEGABYTE)) if megabytes else None


def cached(*vary_headers: str) -> Callable:
    """Serve the decorated GET view from the page cache for anonymous visitors.

    ``vary_headers`` are the request headers the view's answer depends on besides the URL and language.
    Only 200 answers without cookies of their own are kept.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            cache: PageCache | None = current_app.extensions.get(EXTENSION_KEY)
            if cache is None or current_user.is_authenticated:
                return view(*args, **kwargs)
            state = request_state()
            # Not the Host header: links come from PUBLIC_BASE_URL, so every host gets the same page, and a
            # forged host cannot push kept pages out.
            key = (
                request.path,
                request.query_string,
                current_locale(),
                *(request.headers.get(name, "") for name in vary_headers),
            )
            page = cache.get(state, key)
            if page is not None:
                return page.response()
            response = make_response(view(*args, **kwargs))
            # A page answered while the index catches up is right now but not for this state: not kept.
            keep = not g.get("search_behind")
            if keep and response.status_code == 200 and "Set-Cookie" not in response.headers:
                headers = tuple((k, v) for k, v in response.headers.items() if k != "Content-Length")
                cache.put(state, key, Page(response.get_data(), response.status_code, headers))
            return response

        return wrapper

    return decorate
