"""The state of a search as the URL carries it, parsed in one place and written back canonically."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary

SORTS = ("relevantie", "titel", "nieuwste")
DEFAULT_SORT = "relevantie"
LITERAL = "letterlijk"
MAX_VALUES_PER_FACET = 50
MAX_PROVIDER_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]+")


class InvalidParameter(ValueError):
    """A URL parameter whose value cannot be used; names the parameter for a 400 answer."""

    def __init__(self, param: str, message: str):
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


def clean_query(text: str, max_length: int) -> tuple[str, bool]:
    """The query with control characters removed and whitespace folded; True when it was cut."""
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    if len(text) <= max_length:
        return text, False
    cut = text[:max_length]
    if " " in cut[max_length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut, True


@dataclass(frozen=True)
class SearchRequest:
    """What a searcher asked for. Facet selections are keyed by facet name, values in canonical order."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 20
    query_was_cut: bool = False
    # Search the words as typed, without respelling them when they find nothing.
    literal: bool = False

    @classmethod
    def from_args(
        cls,
        args: Mapping[str, object],
        vocabulary: Vocabulary,
        *,
        per_page: int = 20,
        max_query_length: int = 200,
        max_page: int = 500,
        strict: bool = False,
    ) -> SearchRequest:
        """Parse URL arguments (a MultiDict or a mapping of lists).

        Unknown parameters and unknown facet values are ignored. A bad ``sorteer`` or ``pagina`` raises
        InvalidParameter when ``strict`` (the API), and falls back to the default otherwise (pages).
        """
        getlist = args.getlist if hasattr(args, "getlist") else (lambda k: _as_list(args.get(k)))
        raw_q = " ".join(v for v in getlist("q") if v)
        q, cut = clean_query(raw_q, max_query_length)

        filters: dict[str, tuple[str, ...]] = {}
        for facet in vocabulary.facets:
            values = (
                [v for raw in getlist(facet.param) for v in raw.split(",")]
                if facet.controlled
                else [v for v in getlist(facet.param)]
            )
            values = [clean_query(v, MAX_PROVIDER_LENGTH)[0] for v in values[: MAX_VALUES_PER_FACET * 4]]
            if facet.controlled:
                keys = [facet.resolve(v.lower()) for v in values]
                chosen = facet.order(k for k in keys if k)
            else:
                chosen = sorted(dict.fromkeys(v for v in values if v))
            if chosen:
                filters[facet.name] = tuple(chosen[:MAX_VALUES_PER_FACET])

        sort = (getlist("sorteer") or [DEFAULT_SORT])[-1] or DEFAULT_SORT
        if sort not in SORTS:
            if strict:
                raise InvalidParameter("sorteer", f"kies uit {', '.join(SORTS)}")
            sort = DEFAULT_SORT

        page_text = (getlist("pagina") or ["1"])[-1] or "1"
        page = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) < 7 else 0
        if not 1 <= page <= max_page:
            if strict:
                raise InvalidParameter("pagina", f"een paginanummer van 1 tot en met {max_page}")
            page = 1 if page < 1 else max_page
        literal = bool(q) and (getlist(LITERAL) or [""])[-1] == "1"
        return cls(
            q=q, filters=filters, sort=sort, page=page, per_page=per_page, query_was_cut=cut, literal=literal
        )

    def selected(self, facet_name: str) -> tuple[str, ...]:
        return self.filters.get(facet_name, ())

    def is_selected(self, facet_name: str, value: str) -> bool:
        return value in self.filters.get(facet_name, ())

    def toggled(self, facet_name: str, value: str, vocabulary: Vocabulary) -> SearchRequest:
        """The same search with ``value`` added to or removed from a facet, back on page 1."""
        current = self.selected(facet_name)
        values = [v for v in current if v != value] if value in current else [*current, value]
        return self.with_filter(facet_name, values, vocabulary)

    def with_filter(self, facet_name: str, values: Iterable[str], vocabulary: Vocabulary) -> SearchRequest:
        facet = vocabulary.facet(facet_name)
        ordered = tuple(facet.order(values) if facet.controlled else sorted(set(values)))
        filters = {k: v for k, v in self.filters.items() if k != facet_name}
        if ordered:
            filters[facet_name] = ordered
        filters = {f.name: filters[f.name] for f in vocabulary.facets if f.name in filters}
        return replace(self, filters=filters, page=1)

    def without_filters(self) -> SearchRequest:
        return replace(self, filters={}, page=1)

    def with_query(self, q: str, *, literal: bool = False) -> SearchRequest:
        return replace(self, q=q, page=1, query_was_cut=False, literal=literal and bool(q))

    def with_page(self, page: int) -> SearchRequest:
        return replace(self, page=page)

    def with_sort(self, sort: str) -> SearchRequest:
        return replace(self, sort=sort, page=1)

    def to_args(self, vocabulary: Vocabulary) -> list[tuple[str, str]]:
        """Canonical URL parameters: fixed order, empty ones dropped, so one search has one link."""
        args: list[tuple[str, str]] = []
        if self.q:
            args.append(("q", self.q))
            if self.literal:
                args.append((LITERAL, "1"))
        for facet in vocabulary.facets:
            args.extend((facet.param, value) for value in self.selected(facet.name))
        if self.sort != DEFAULT_SORT:
            args.append(("sorteer", self.sort))
        if self.page != 1:
            args.append(("pagina", str(self.page)))
        return args

    def query_string(self, vocabulary: Vocabulary) -> str:
        return urlencode(self.to_args(vocabulary))

    def toggle_links(self, vocabulary: Vocabulary) -> Callable[[str, str], str]:
        """A function giving ``toggled(facet, value).query_string()`` fast: it runs for every facet value.

        Everything but the toggled facet is encoded once; per value only that facet's part is built, and
        for a facet with nothing chosen yet (most of them, and the 400 providers) that is one parameter.
        """
        head = [f"q={_quote(self.q)}"] if self.q else []
        if self.q and self.literal:
            head.append(f"{LITERAL}=1")
        parts = {
            facet.name: [f"{facet.param}={_quote(v)}" for v in self.filters.get(facet.name, ())]
            for facet in vocabulary.facets
        }
        tail = [f"sorteer={_quote(self.sort)}"] if self.sort != DEFAULT_SORT else []
        names = [facet.name for facet in vocabulary.facets]
        around, glued = {}, {}
        for i, name in enumerate(names):
            before = "&".join(head + [p for other in names[:i] for p in parts[other]])
            after = "&".join([p for other in names[i + 1 :] for p in parts[other]] + tail)
            around[name] = (before, after)
            glued[name] = (before + "&" if before else "", "&" + after if after else "")

        def link(facet_name: str, value: str) -> str:
            facet = vocabulary.facet(facet_name)
            chosen = self.filters.get(facet_name)
            if not chosen:
                before, after = glued[facet_name]
                return f"{before}{facet.param}={_quote(value)}{after}"
            toggled = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
            values = facet.order(toggled) if facet.controlled else sorted(set(toggled))
            before, after = around[facet_name]
            middle = "&".join(f"{facet.param}={_quote(v)}" for v in values)
            return "&".join(p for p in (before, middle, after) if p)

        return link


@lru_cache(maxsize=4096)
def _quote(text: str) -> str:
    return quote_plus(text)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


__all__ = [
    "DEFAULT_SORT",
    "LITERAL",
    "InvalidParameter",
    "PROVIDER_FACET",
    "SORTS",
    "SearchRequest",
    "clean_query",
]
