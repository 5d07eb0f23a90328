"""Document sets as bitmaps (Python ints), cached per index generation.

Bit ``r`` stands for the document at rank ``r`` in title order, so the first page of a title-sorted
result is its lowest set bits and counting a facet value under any filter is one AND and a popcount.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

import numpy as np
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .schema import facet_field


def bitmap_of(ranks: Iterable[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for r in ranks:
        buffer[r >> 3] |= 1 << (r & 7)
    return int.from_bytes(buffer, "little")


def posting_arrays(reader: IndexReader, field: str, text: str) -> Iterator[np.ndarray]:
    """The document numbers of a term's postings, a stored block (up to 128) at a time.

    Whoosh's ``all_ids`` costs three Python calls per posting; a block's numbers come out of one
    unpickle as deltas, summed here in one numpy call. Deleted documents are included: they have no
    rank, so ``DocSets`` drops them anyway.
    """
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        if isinstance(matcher, WrappingMatcher):  # the filter over deleted documents
            matcher = matcher.child
        if not hasattr(matcher, "_read_data") or matcher._byteids:  # not whoosh 2.7's block postings
            yield np.fromiter(matcher.all_ids(), dtype=np.int64) + offset
            continue
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            yield np.cumsum(np.array(matcher._data[0], dtype=np.int64)) + offset
            matcher._next_block()


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
        self.rank_of_doc = np.full(reader.doc_count_all(), -1, dtype=np.int64)
        self.rank_of_doc[live] = np.arange(self.size, dtype=np.int64)
        self.all = (1 << self.size) - 1
        self.newest_ranks = array("l", sorted(range(self.size), key=lambda r: (-created[live[r]], -live[r])))
        self.values: dict[str, dict[str, int]] = {}
        for name in facet_names:
            field = facet_field(name)
            per_value: dict[str, int] = {}
            if field in reader.indexed_field_names():
                for value in reader.field_terms(field):
                    per_value[value] = self.bitmap_of_arrays(posting_arrays(reader, field, value))
            self.values[name] = per_value

    def bitmap_of_docs(self, docs: Iterable[int]) -> int:
        return self.bitmap_of_arrays([np.fromiter(docs, dtype=np.int64)])

    def bitmap_of_arrays(self, arrays: Iterable[np.ndarray]) -> int:
        """The bitmap of the given document numbers; deleted documents (no rank) are left out."""
        chunks = list(arrays)
        if not chunks or not self.size:
            return 0
        ranks = self.rank_of_doc[np.concatenate(chunks)]
        flags = np.zeros(self.size, dtype=bool)
        flags[ranks[ranks >= 0]] = True
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")

    def docs_of(self, bitmap: int) -> set[int]:
        doc_at = self.doc_at_rank
        return {doc_at[r] for r in set_bits(bitmap)}

    def union(self, facet_name: str, values: Iterable[str]) -> int:
        per_value = self.values.get(facet_name, {})
        result = 0
        for value in values:
            result |= per_value.get(value, 0)
        return result

    def ranks_in_title_order(self, bitmap: int, limit: int) -> list[int]:
        return list(set_bits(bitmap, 0, limit))

    def page_by_title(self, bitmap: int, offset: int, limit: int) -> list[int]:
        doc_at = self.doc_at_rank
        return [doc_at[r] for r in set_bits(bitmap, offset, limit)]

    def page_by_newest(self, bitmap: int, offset: int, limit: int) -> list[int]:
        doc_at = self.doc_at_rank
        return [doc_at[r] for r in self._walk(self.newest_ranks, bitmap, offset, limit)]

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
