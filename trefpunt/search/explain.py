"""Why a search finds what it finds: how each word was read, and where each hit has it.

Editors are asked "why is X not found?". The answer is in two parts: what the search made of the words
(lemma, compound parts, synonyms) and, for a material, which of those it has in which of its fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import read_word
from .matching import Matcher
from .query import ParsedQuery, typed_words
from .result import Hit, SearchResult
from .schema import TEXT_FIELDS


@dataclass(frozen=True)
class WordReading:
    """A typed word as the analysis reads it."""

    word: str
    term: str | None  # None: a stop word, left out
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConceptReading:
    label: str
    required: bool
    alternatives: tuple[tuple[tuple[str, ...], float], ...]
    synonyms: tuple[str, ...]


@dataclass
class HitReason:
    slug: str
    title: str
    score: float | None
    # Per concept label: each term of it the material has, with the fields it has it in.
    found: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    words: list[WordReading]
    concepts: list[ConceptReading]
    hits: list[HitReason]
    result: SearchResult  # what was explained


def read_words(text: str) -> list[WordReading]:
    readings = []
    for word in typed_words(text.replace('"', " ").replace("*", " ")):
        reading = read_word(word.lstrip("-"))
        readings.append(WordReading(word, *reading) if reading else WordReading(word, None))
    return readings


def readings(parsed: ParsedQuery) -> list[ConceptReading]:
    return [
        ConceptReading(c.label, c.required, c.alternatives or ((c.terms, 1.0),), c.synonyms)
        for c in parsed.concepts
    ]


def hit_reason(matcher: Matcher, parsed: ParsedQuery, rank: int, hit: Hit) -> HitReason:
    """Where the material at ``rank`` has each concept's terms."""
    reason = HitReason(hit.material.slug, hit.material.title, hit.score, missing=list(hit.missing))
    for concept in parsed.concepts:
        found: dict[str, list[str]] = {}
        # A phrase or a prefix: where the whole of it is; a word: where each of its terms is.
        per_term = {term: {name: wq.Term(name, term) for name in TEXT_FIELDS} for term in concept.terms}
        if concept.required or not concept.alternatives:
            per_term = {concept.label: concept.scoring[0][1]}
        for term, queries in per_term.items():
            fields = [name for name, query in queries.items() if matcher.bitmap(query) >> rank & 1]
            if fields:
                found[term] = fields
        if found:
            reason.found[concept.label] = found
    return reason
