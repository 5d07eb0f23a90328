"""Evaluating a match query over bitmaps cached per index generation.

Whoosh's matchers walk posting lists in Python on every request. A word's document set does not change
within one generation, so it is read once into a bitmap and combined with AND/OR/NOT from then on.
Phrases need positions: those few go through whoosh.
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh import query as wq
from whoosh.searching import Searcher

from .docsets import DocSets

TERM_CACHE = 20_000
RANK_CACHE = 64


class Matcher:
    """Bitmaps of terms, prefixes and whole queries for one searcher, with bounded caches."""

    def __init__(self, searcher: Searcher, docs: DocSets):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.docs = docs
        self._terms: OrderedDict[tuple, int] = OrderedDict()
        self._ranked: OrderedDict[str, tuple[list[int], dict[int, float]]] = OrderedDict()

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
        return self.docs.bitmap_of_docs(self.searcher.docs_for_query(query))

    def ranked(self, query: wq.Query) -> tuple[list[int], dict[int, float]]:
        """Every matching document number, best first, with its score; once per query and generation.

        Filters and pages are then walks over this list, so paging or ticking a facet re-ranks nothing.
        """
        key = repr(query)
        if key in self._ranked:
            self._ranked.move_to_end(key)
            return self._ranked[key]
        top = self.searcher.search(query, limit=None).top_n
        entry = self._ranked[key] = ([docnum for _score, docnum in top], {d: s for s, d in top})
        if len(self._ranked) > RANK_CACHE:
            self._ranked.popitem(last=False)
        return entry

    def _cached(self, key: tuple, compute) -> int:
        if key in self._terms:
            self._terms.move_to_end(key)
            return self._terms[key]
        value = self._terms[key] = compute()
        if len(self._terms) > TERM_CACHE:
            self._terms.popitem(last=False)
        return value

    def _term(self, field: str, text: str) -> int:
        if (field, text) not in self.reader:
            return 0
        return self.docs.bitmap_of_docs(self.reader.postings(field, text).all_ids())

    def _prefix(self, field: str, prefix: str) -> int:
        result = 0
        for text in self.reader.expand_prefix(field, prefix):
            result |= self.bitmap(wq.Term(field, text.decode("utf-8") if isinstance(text, bytes) else text))
        return result
