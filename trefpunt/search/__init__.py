"""The search index: a derived cache of the catalogue. The only package that imports whoosh.

Its interface to the rest of the app is small: ``init_app``, ``get_engine`` (the app's
``SearchEngine``), ``SearchRequest`` and ``SearchResult``.
"""

from .engine import SearchEngine, SearchUnavailable, get_engine, init_app
from .request import InvalidParameter, SearchRequest
from .result import FacetResult, FacetValue, Hit, SearchResult

__all__ = [
    "FacetResult",
    "FacetValue",
    "Hit",
    "InvalidParameter",
    "SearchEngine",
    "SearchRequest",
    "SearchResult",
    "SearchUnavailable",
    "get_engine",
    "init_app",
]
