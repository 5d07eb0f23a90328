"""Document sets as bitmaps (Python ints), cached per index generation.

Bit ``r`` stands for the document at rank ``r`` in title order, so the first page of a title-sorted
result is its lowest set bits and counting a facet value under any filter is one AND and a popcount.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

from whoosh.searching import Searcher

from .schema import facet_field


def bitmap_of(ranks: Iterable[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for r in ranks:
        buffer[r >> 3] |= 1 << (r & 7)
    return int.from_bytes(buffer, "little")


def set_bits(bitmap: int, skip: int = 0, limit: int | None = None) -> Iterator[int]:
    """The positions of the set bits in ascending order, after skipping the first ``skip`` of them."""
    if bitmap <= 0:
        return
    size = (bitmap.bit_length() + 63) // 64 * 8
    words = memoryview(bitmap.to_bytes(size, "little")).cast("Q")
    produced = 0
    for index, word in enumerate(words):
        if not word:
            continue
        count = word.bit_count()
        if skip >= count:
            skip -= count
            continue
        base = index * 64
        while word:
            low = word & -word
            word ^= low
            if skip:
                skip -= 1
                continue
            yield base + low.bit_length() - 1
            produced += 1
            if limit is not None and produced >= limit:
                return


class DocSets:
    """Per-generation facts about the documents of one searcher: ranks, facet value sets, sort orders."""

    def __init__(self, searcher: Searcher, facet_names: Iterable[str]):
        reader = searcher.reader()
        titles = reader.column_reader("title_sort")
        created = reader.column_reader("created")
        live = sorted(reader.all_doc_ids(), key=lambda d: (titles[d], d))
        self.size = len(live)
        self.doc_at_rank = array("l", live)
        self.rank_of_doc = array("l", [-1]) * reader.doc_count_all()
        for rank, doc in enumerate(live):
            self.rank_of_doc[doc] = rank
        self.all = (1 << self.size) - 1
        self.newest_ranks = array("l", sorted(range(self.size), key=lambda r: (-created[live[r]], -live[r])))
        self.values: dict[str, dict[str, int]] = {}
        for name in facet_names:
            field = facet_field(name)
            per_value: dict[str, int] = {}
            if field in reader.indexed_field_names():
                for value in reader.field_terms(field):
                    docs = reader.postings(field, value).all_ids()
                    per_value[value] = bitmap_of(self._ranks(docs), self.size)
            self.values[name] = per_value

    def _ranks(self, docs: Iterable[int]) -> Iterator[int]:
        rank_of = self.rank_of_doc
        for doc in docs:
            rank = rank_of[doc]
            if rank >= 0:
                yield rank

    def bitmap_of_docs(self, docs: Iterable[int]) -> int:
        return bitmap_of(self._ranks(docs), self.size)

    def docs_of(self, bitmap: int) -> set[int]:
        doc_at = self.doc_at_rank
        return {doc_at[r] for r in set_bits(bitmap)}

    def union(self, facet_name: str, values: Iterable[str]) -> int:
        per_value = self.values.get(facet_name, {})
        result = 0
        for value in values:
            result |= per_value.get(value, 0)
        return result

    def page_by_title(self, bitmap: int, offset: int, limit: int) -> list[int]:
        doc_at = self.doc_at_rank
        return [doc_at[r] for r in set_bits(bitmap, offset, limit)]

    def page_by_newest(self, bitmap: int, offset: int, limit: int) -> list[int]:
        doc_at = self.doc_at_rank
        return [doc_at[r] for r in self._walk(self.newest_ranks, bitmap, offset, limit)]

    def page_in_order(self, docs: list[int], bitmap: int, offset: int, limit: int) -> list[int]:
        """The page of ``docs`` (already in the wanted order) that lies in ``bitmap``."""
        rank_of = self.rank_of_doc
        doc_at = self.doc_at_rank
        return [doc_at[r] for r in self._walk((rank_of[d] for d in docs), bitmap, offset, limit)]

    def _walk(self, ranks, bitmap: int, offset: int, limit: int) -> list[int]:
        size = (self.size + 7) // 8
        buffer = bitmap.to_bytes(size, "little") if size else b""
        picked: list[int] = []
        for rank in ranks:
            if rank >= 0 and buffer[rank >> 3] >> (rank & 7) & 1:
                if offset:
                    offset -= 1
                    continue
                picked.append(rank)
                if len(picked) >= limit:
                    break
        return picked
