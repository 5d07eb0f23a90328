"""Finished search pages, kept per process for anonymous visitors until the catalogue or a vocabulary changes.

Used for ``/zoeken`` (the whole page and its results region) and the API's search answers. Such an answer
is determined by the catalogue's state (the material journal's head and the vocabulary version, both in the
database, so a change committed by any process is seen by the next request here), the language, the address
it was asked at and the request headers the view names. One small query reads the state; the answer then
comes from memory instead of a search and a template.

Only the view's own response is kept: body, status and its few headers. Everything added after the view
(security headers, the language cookie, the session) is added afresh to every answer, cached or not. A
logged-in editor never reads or fills the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, make_response, request
from flask_login import current_user
from sqlalchemy import select

from trefpunt.catalog.journal import JOURNAL_HEAD_QUERY
from trefpunt.catalog.vocabulary import VERSION_QUERY
from trefpunt.db import get_session
from trefpunt.i18n import current_locale

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


# The engine's and the vocabulary's own state queries, asked together; built once, as composing a
# statement costs more than running this one.
_STATE = select(JOURNAL_HEAD_QUERY.scalar_subquery(), VERSION_QUERY.scalar_subquery())


def catalogue_state(session) -> tuple[int, int]:
    """The material journal's head and the vocabulary version, in one query."""
    head, version = session.connection().execute(_STATE).one()
    return head, version or 0


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
            state = catalogue_state(get_session())
            key = (
                request.host_url,
                request.path,
                request.query_string,
                current_locale(),
                *(request.headers.get(name, "") for name in vary_headers),
            )
            page = cache.get(state, key)
            if page is not None:
                return page.response()
            response = make_response(view(*args, **kwargs))
            if response.status_code == 200 and "Set-Cookie" not in response.headers:
                headers = tuple((k, v) for k, v in response.headers.items() if k != "Content-Length")
                cache.put(state, key, Page(response.get_data(), response.status_code, headers))
            return response

        return wrapper

    return decorate
