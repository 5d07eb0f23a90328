"""Document sets as bitmaps (Python ints), cached per index generation.

Bit ``r`` stands for the document at rank ``r`` in title order, so the first page of a title-sorted
result is its lowest set bits and counting a facet value under any filter is one AND and a popcount.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .schema import facet_field
from .whoosh_internals import block_doc_numbers, deleted_docs


def bitmap_of(ranks: Iterable[int], size: int) -> int:
    buffer = bytearray((size + 7) // 8)
    for r in ranks:
        buffer[r >> 3] |= 1 << (r & 7)
    return int.from_bytes(buffer, "little")


def posting_arrays(reader: IndexReader, field: str, text: str) -> Iterator[np.ndarray]:
    """The document numbers of a term's postings, a stored block (up to 128) at a time.

    Read straight from the posting blocks (see ``whoosh_internals.block_doc_numbers``). Deleted documents
    are included: they have no rank, so ``DocSets`` drops them anyway.
    """
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        for numbers in block_doc_numbers(leaf, field, text):
            yield numbers + offset if offset else numbers


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


@dataclass(frozen=True)
class SegmentOrder:
    """What never changes within one index segment: its documents' title keys, creation times and
    title order. A segment is immutable apart from deletions, so this is read once per process."""

    titles: list[str]
    created: np.ndarray
    by_title: np.ndarray
    sorted_titles: list[str]

    @classmethod
    def read(cls, leaf: IndexReader) -> SegmentOrder:
        count = leaf.doc_count_all()
        title_column = leaf.column_reader("title_sort")
        created_column = leaf.column_reader("created")
        titles = [title_column[d] for d in range(count)]
        created = np.array([created_column[d] for d in range(count)], dtype=np.int64)
        by_title = sorted(range(count), key=titles.__getitem__)  # stable: equal titles by number
        return cls(titles, created, np.array(by_title, dtype=np.int64), [titles[d] for d in by_title])


@dataclass
class _Segment:
    order: SegmentOrder
    # Per facet field: each value with the (segment) numbers of its documents, deleted ones too.
    facets: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


class SegmentCache:
    """What is read from a segment, by segment id, kept across index generations.

    After an edit, the new searcher holds the same large segment (plus a deletion) and one small new
    segment: only the small one is read again, which keeps an edit quick to show at 100,000 materials.
    """

    def __init__(self, keep: int = 16):
        self.keep = keep
        self._segments: OrderedDict[str, _Segment] = OrderedDict()

    def order(self, leaf: IndexReader) -> SegmentOrder:
        return self._segment(leaf).order

    def facet_docs(self, leaf: IndexReader, fieldname: str) -> dict[str, np.ndarray]:
        facets = self._segment(leaf).facets
        if fieldname not in facets:
            facets[fieldname] = _facet_docs(leaf, fieldname)
        return facets[fieldname]

    def _segment(self, leaf: IndexReader) -> _Segment:
        key = leaf.segment().segment_id()
        segment = self._segments.get(key)
        if segment is not None:
            self._segments.move_to_end(key)
            return segment
        segment = self._segments[key] = _Segment(SegmentOrder.read(leaf))
        while len(self._segments) > self.keep:
            self._segments.popitem(last=False)
        return segment


def _facet_docs(leaf: IndexReader, fieldname: str) -> dict[str, np.ndarray]:
    if fieldname not in leaf.indexed_field_names():
        return {}
    found = {value: list(posting_arrays(leaf, fieldname, value)) for value in leaf.field_terms(fieldname)}
    return {value: np.concatenate(arrays) for value, arrays in found.items() if arrays}


def title_order(reader: IndexReader, segments: SegmentCache) -> tuple[np.ndarray, np.ndarray]:
    """Every live document number in title order (ties by number), and each one's creation time.

    The largest segment's order is cached; the few documents of the others are put in by binary search.
    """
    leaves = [(segments.order(leaf), offset, leaf) for leaf, offset in reader.leaf_readers()]
    base, base_offset, _leaf = max(leaves, key=lambda entry: len(entry[0].titles))
    others = sorted(
        (order.titles[d], offset + d)
        for order, offset, _leaf in leaves
        if order is not base
        for d in range(len(order.titles))
    )
    positions = [
        (bisect_left if doc < base_offset else bisect_right)(base.sorted_titles, title)
        for title, doc in others
    ]
    docs = np.insert(base.by_title + base_offset, positions, [doc for _title, doc in others])
    created = np.zeros(reader.doc_count_all(), dtype=np.int64)
    deleted: list[int] = []
    for order, offset, leaf in leaves:
        created[offset : offset + len(order.titles)] = order.created
        if leaf.has_deletions():
            deleted.extend(offset + d for d in deleted_docs(leaf, len(order.titles)))
    if deleted:
        docs = docs[~np.isin(docs, np.array(deleted, dtype=np.int64))]
    return docs, created


class DocSets:
    """Per-generation facts about the documents of one searcher: ranks, facet value sets, sort orders."""

    def __init__(self, searcher: Searcher, facet_names: Iterable[str], segments: SegmentCache | None = None):
        reader = searcher.reader()
        segments = segments or SegmentCache()
        live, created = title_order(reader, segments)
        self.size = len(live)
        self.doc_at_rank: list[int] = live.tolist()
        self.rank_of_doc = np.full(reader.doc_count_all(), -1, dtype=np.int64)
        self.rank_of_doc[live] = np.arange(self.size, dtype=np.int64)
        self.all = (1 << self.size) - 1
        # Newest first; of two made at the same moment, the later document first.
        self.newest_ranks: list[int] = np.lexsort((-live, -created[live])).tolist()
        self.values: dict[str, dict[str, int]] = {}
        leaves = list(reader.leaf_readers())
        for name in facet_names:
            fieldname = facet_field(name)
            docs_by_value: dict[str, list[np.ndarray]] = {}
            for leaf, offset in leaves:
                for value, docs in segments.facet_docs(leaf, fieldname).items():
                    docs_by_value.setdefault(value, []).append(docs + offset if offset else docs)
            self.values[name] = {value: self.bitmap_of_arrays(docs) for value, docs in docs_by_value.items()}

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

    def _walk(self, ranks: list[int], bitmap: int, offset: int, limit: int) -> list[int]:
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
