"""Evaluating a query over bitmaps cached per index generation.

Whoosh's matchers walk posting lists in Python on every request. A word's document set does not change
within one generation, so it is read once into a bitmap and combined with AND/OR/NOT from then on.
Phrases need positions: those few go through whoosh. Words in the labels come from the facet values
(see labels.py). Ranking adds weighted bitmaps (see ranking.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar, overload

from whoosh import query as wq
from whoosh.searching import Searcher

from .analysis import read_word
from .docsets import DocSets, posting_arrays
from .labels import LabelIndex
from .query import ParsedQuery
from .ranking import Scores, idf, weight
from .schema import LABELS_FIELD, TEXT_FIELDS, WORDS_FIELD

# Bytes of bitmaps kept per searcher: a bitmap costs one bit per document, 12.5 kB at 100,000 materials.
TERM_CACHE_BYTES = 48 * 2**20
SCORES_CACHE_BYTES = 16 * 2**20
# A prefix stands for at most this many index terms (the most of them would be rare words anyway):
# 'b*' at 100,000 materials must not read the postings of every word starting with b.
MAX_PREFIX_TERMS = 256

Value = TypeVar("Value")


def _bitmap_bytes(bitmap: int) -> int:
    return (bitmap.bit_length() + 7) // 8 + 32


class BitmapCache:
    """A least-recently-used cache of values made of bitmaps, bounded by their size in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()

    @overload
    def get(self, key: Hashable, compute: Callable[[], int]) -> int: ...
    @overload
    def get(self, key: Hashable, compute: Callable[[], Value], size_of: Callable[[Value], int]) -> Value: ...
    def get(self, key: Hashable, compute: Callable[[], object], size_of: Callable = _bitmap_bytes) -> object:
        """The value kept under ``key``, else ``compute()`` kept; one key holds one kind of value."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry[0]
        value = compute()
        size = size_of(value)
        self._entries[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes and len(self._entries) > 1:
            _key, (_value, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
        return value


class Matcher:
    """Bitmaps of terms, prefixes and whole queries for one searcher, and query scores, in bounded caches."""

    def __init__(self, searcher: Searcher, docs: DocSets, labels: LabelIndex):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.docs = docs
        self.labels = labels
        self._terms = BitmapCache(TERM_CACHE_BYTES)
        self._scores = BitmapCache(SCORES_CACHE_BYTES)

    def bitmap(self, query: wq.Query) -> int:
        if isinstance(query, wq.Term):
            return self._cached(
                ("t", query.fieldname, query.text), lambda: self._term(query.fieldname, query.text)
            )
        if isinstance(query, wq.Prefix):
            return self._cached(
                ("p", query.fieldname, query.text), lambda: self._prefix(query.fieldname, query.text)
            )
        if isinstance(query, wq.Every):
            return self.docs.all
        if isinstance(query, wq.AndNot):
            return self.bitmap(query.a) & ~self.bitmap(query.b) & self.docs.all
        if isinstance(query, wq.And):
            result = self.docs.all
            for sub in query.subqueries:
                result &= self.bitmap(sub)
                if not result:
                    break
            return result
        if isinstance(query, wq.Or):
            result = 0
            for sub in query.subqueries:
                result |= self.bitmap(sub)
            return result
        if isinstance(query, wq.Phrase) and query.fieldname == LABELS_FIELD:
            return self._cached(("l", tuple(query.words)), lambda: self.labels.phrase(query.words))
        # Phrases: matched by position in whoosh, once per generation.
        return self._cached(
            ("q", repr(query)), lambda: self.docs.bitmap_of_docs(self.searcher.docs_for_query(query))
        )

    def concepts(self, parsed: ParsedQuery) -> list[int]:
        """The documents having each of the query's concepts."""
        return [self.bitmap(concept.match) for concept in parsed.concepts]

    def matching(self, parsed: ParsedQuery, concepts: list[int]) -> int:
        """The documents the query finds: those with every required concept (a quoted phrase) if there
        are any, else those with any concept; never an excluded one."""
        result = self.docs.all
        if parsed.concepts:
            required = [bits for c, bits in zip(parsed.concepts, concepts, strict=True) if c.required]
            if required:
                for bits in required:
                    result &= bits
            else:
                result = 0
                for bits in concepts:
                    result |= bits
        for excluded in parsed.excluded:
            result &= ~self.bitmap(excluded)
        return result & self.docs.all

    def scores(self, parsed: ParsedQuery) -> Scores:
        """Every document's score for a query's concepts; once per query and generation.

        Having more of the concepts comes first: each concept found in the material's own texts adds more
        than all the rest of the score could, and one found only in its labels or provider name half that
        (an audience label "Ouderen" is weaker evidence than a text about seniors). Within that, a concept
        adds, for each of its alternatives and each text field the alternative is found in, the field's
        weight times the term's rarity times the alternative's share (a synonym or a compound's separate
        parts count less than the word itself). Filters and pages are then walks over these scores, so
        paging or ticking a facet re-ranks nothing.
        """
        return self._scores.get(parsed.key(), lambda: self._score(parsed), lambda scores: scores.nbytes)

    def _score(self, parsed: ParsedQuery) -> Scores:
        scores = Scores()
        adds: list[tuple[int, int]] = []
        concepts = list(zip(parsed.concepts, self.concepts(parsed), strict=True))
        for concept, having in concepts:
            for share, per_field in concept.scoring:
                found = {name: self.bitmap(query) & having for name, query in per_field.items()}
                anywhere = 0
                for bits in found.values():
                    anywhere |= bits
                rarity = idf(anywhere.bit_count(), self.docs.size)
                for name, field_weight in TEXT_FIELDS.items():
                    if found.get(name):
                        adds.append((found[name], weight(field_weight * share, rarity)))
        # More than any document's sum of weights: one more concept always outranks better places.
        half = sum(amount for _bits, amount in adds) + 1
        for concept, having in concepts:
            in_text = having & self.bitmap(concept.in_text)
            scores.add(in_text, 2 * half)
            scores.add(having & ~in_text, half)
        for bits, amount in adds:
            scores.add(bits, amount)
        return scores

    def _cached(self, key: tuple, compute: Callable[[], int]) -> int:
        return self._terms.get(key, compute)

    def _term(self, field: str, text: str) -> int:
        if field == LABELS_FIELD:
            return self.labels.term(text)
        return self.docs.bitmap_of_arrays(posting_arrays(self.reader, field, text))

    def _terms_starting(self, field: str, prefix: str) -> Iterator[str]:
        if field == LABELS_FIELD:
            yield from self.labels.terms_starting(prefix)
            return
        for text in self.reader.expand_prefix(field, prefix):
            yield text.decode("utf-8") if isinstance(text, bytes) else text

    def _prefix(self, field: str, prefix: str) -> int:
        """Index terms starting with ``prefix``, and the terms of written words starting with it: a
        lemma need not start as its word does ('schrijft' is indexed as 'schrijven')."""
        terms = set()
        for text in self._terms_starting(field, prefix):
            terms.add(text)
            if len(terms) >= MAX_PREFIX_TERMS:
                break
        for word in self.reader.expand_prefix(WORDS_FIELD, prefix):
            if len(terms) >= MAX_PREFIX_TERMS:
                break
            own = read_word(word.decode("utf-8") if isinstance(word, bytes) else word)
            if own is not None:
                terms.add(own[0])
        result = 0
        for text in terms:
            result |= self.bitmap(wq.Term(field, text))
        return result
