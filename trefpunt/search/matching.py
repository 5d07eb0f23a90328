"""Evaluating a match query over bitmaps cached per index generation.

Whoosh's matchers walk posting lists in Python on every request. A word's document set does not change
within one generation, so it is read once into a bitmap and combined with AND/OR/NOT from then on.
Phrases need positions: those few go through whoosh. Ranking adds weighted bitmaps (see ranking.py).
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import query as wq
from whoosh.searching import Searcher

from .docsets import DocSets, posting_arrays
from .ranking import Scores, idf, weight
from .schema import TEXT_FIELDS

# Bytes of bitmaps kept per searcher: a bitmap costs one bit per document, 12.5 kB at 100,000 materials.
TERM_CACHE_BYTES = 48 * 2**20
SCORES_CACHE_BYTES = 16 * 2**20


class BitmapCache:
    """A least-recently-used cache of values made of bitmaps, bounded by their size in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[object, tuple[object, int]] = OrderedDict()

    def get(self, key, compute, size_of=lambda bitmap: (bitmap.bit_length() + 7) // 8 + 32):
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

    def __init__(self, searcher: Searcher, docs: DocSets):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.docs = docs
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
        # Phrases: matched by position in whoosh, once per generation.
        return self._cached(
            ("q", repr(query)), lambda: self.docs.bitmap_of_docs(self.searcher.docs_for_query(query))
        )

    def scores(self, ranking: list[dict[str, wq.Query]]) -> Scores:
        """Every document's score for a query's clauses; once per query and generation.

        A clause adds, for each text field it matches in, the field's weight times the clause's rarity
        over the whole catalogue. Filters and pages are then walks over these scores, so paging or
        ticking a facet re-ranks nothing.
        """
        return self._scores.get(repr(ranking), lambda: self._score(ranking), lambda scores: scores.nbytes)

    def _score(self, ranking: list[dict[str, wq.Query]]) -> Scores:
        scores = Scores()
        for clause in ranking:
            found = {name: self.bitmap(query) for name, query in clause.items()}
            anywhere = 0
            for bits in found.values():
                anywhere |= bits
            rarity = idf(anywhere.bit_count(), self.docs.size)
            for name, field_weight in TEXT_FIELDS.items():
                if found[name]:
                    scores.add(found[name], weight(field_weight, rarity))
        return scores

    def _cached(self, key: tuple, compute) -> int:
        return self._terms.get(key, compute)

    def _term(self, field: str, text: str) -> int:
        return self.docs.bitmap_of_arrays(posting_arrays(self.reader, field, text))

    def _prefix(self, field: str, prefix: str) -> int:
        result = 0
        for text in self.reader.expand_prefix(field, prefix):
            result |= self.bitmap(wq.Term(field, text.decode("utf-8") if isinstance(text, bytes) else text))
        return result
