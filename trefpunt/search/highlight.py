"""Marking the query's words in a hit's text, on the same analysis the index used."""

from __future__ import annotations

from .analysis import analyze_with_offsets, fold
from .result import Fragment

SNIPPET_CHARS = 240


def fragments(text: str, terms: set[str], prefixes: set[str]) -> list[Fragment]:
    """Split ``text`` into plain and matching pieces (whole words, as typed in the text)."""
    if not text or not (terms or prefixes):
        return [Fragment(text)] if text else []
    spans = []
    for term, start, end in analyze_with_offsets(text):
        word = text[start:end]
        if term in terms or (prefixes and any(w.startswith(tuple(prefixes)) for w in fold(word))):
            spans.append((start, end))
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
    pieces = fragments(text, terms, prefixes)
    if len(text) <= size:
        return pieces
    first = next((i for i, p in enumerate(pieces) if p.match), None)
    offset = sum(len(p.text) for p in pieces[:first]) if first is not None else 0
    start = max(0, offset - size // 3)
    if start:
        start = text.rfind(" ", 0, start) + 1
    end = text.rfind(" ", start, start + size)
    end = end if end > start else start + size
    window = fragments(text[start:end], terms, prefixes)
    if start:
        window.insert(0, Fragment("… "))
    if end < len(text):
        window.append(Fragment(" …"))
    return window
