"""Marking the query's words in a hit's text, on the same analysis the index used."""

from __future__ import annotations

from .analysis import fold, word_spans
from .result import Fragment

SNIPPET_CHARS = 240


def matching_spans(text: str, terms: set[str], prefixes: set[str]) -> list[tuple[int, int]]:
    """The character spans of the words of ``text`` that have one of ``terms`` or start with a prefix."""
    starts = tuple(prefixes)
    return [
        (start, end)
        for start, end, word_terms in word_spans(text)
        if not terms.isdisjoint(word_terms)
        or (starts and any(word.startswith(starts) for word in fold(text[start:end])))
    ]


def fragments(text: str, terms: set[str], prefixes: set[str]) -> list[Fragment]:
    """Split ``text`` into plain and matching pieces (whole words, as typed in the text)."""
    if not text or not (terms or prefixes):
        return [Fragment(text)] if text else []
    return _pieces(text, matching_spans(text, terms, prefixes))


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[Fragment]:
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        if start > position:
            pieces.append(Fragment(text[position:start]))
        pieces.append(Fragment(text[start:end], True))
        position = end
    if position < len(text):
        pieces.append(Fragment(text[position:]))
    return pieces


def snippet(text: str, terms: set[str], prefixes: set[str], size: int = SNIPPET_CHARS) -> list[Fragment]:
    """A window of about ``size`` characters around the first match (or the start), highlighted."""
    if len(text) <= size:
        return fragments(text, terms, prefixes)
    spans = matching_spans(text, terms, prefixes) if terms or prefixes else []
    return _window(text, spans, size)


def _window(text: str, spans: list[tuple[int, int]], size: int) -> list[Fragment]:
    offset = spans[0][0] if spans else 0
    start = max(0, offset - size // 3)
    if start:
        start = text.rfind(" ", 0, start) + 1
    end = text.rfind(" ", start, start + size)
    end = end if end > start else start + size
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    window = _pieces(text[start:end], inside)
    if start:
        window.insert(0, Fragment("… "))
    if end < len(text):
        window.append(Fragment(" …"))
    return window
