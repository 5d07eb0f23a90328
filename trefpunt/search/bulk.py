"""A whoosh segment writer for a full rebuild: the same index files, written with far less Python per posting.

Whoosh's own writer pickles every posting into a sorted run on disk, reads each back through a heap, and
looks up the field length of every posting in the file it has just written. A rebuild adds documents in
order, so a term's postings already arrive sorted: this pool keeps them grouped by term in compact arrays,
spills a whole run of terms with one ``marshal`` call per term when it grows past its limit, and merges
runs term by term. The segment it writes is what whoosh would have written. How it takes the place of
whoosh's pool is in ``whoosh_internals.py``.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from array import array
from collections.abc import Iterator
from heapq import merge
from typing import Any

from whoosh.index import Index

from .whoosh_internals import PooledSegmentWriter, Posting

# A term's postings as the pool keeps and merges them: field, term, run order, numbers, weights, values.
_Run = tuple[str, bytes, int, array, array, list]

# What a term costs the pool beside its postings (dict entry, key tuple, three arrays), roughly.
TERM_BYTES = 400


class TermPool:  # a whoosh_internals.PostingPool
    """Postings grouped by (field, term) in arrival order, bounded in memory by spilling sorted runs."""

    def __init__(self, directory: str, limitmb: float):
        self.directory = directory
        self.limit = int(limitmb * 2**20)
        self.size = 0
        self.fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self.values: dict[bytes, bytes] = {}  # one object per distinct posting value
        self.runs: list[str] = []

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        postings = terms.get(text)
        if postings is None:
            postings = terms[text] = (array("q"), array("d"), [])
            self.size += TERM_BYTES + len(text)
        postings[0].append(docnum)
        postings[1].append(weight)
        if value is not None:
            known = self.values.get(value)
            if known is None:
                self.values[value] = value
                self.size += 150 + len(value)
            else:
                value = known
        postings[2].append(value)
        self.size += 24
        if self.size > self.limit:
            self._spill()

    def _spill(self) -> None:
        # In the generation being built, so a rebuild that dies leaves nothing elsewhere.
        path = os.path.join(self.directory, f"pool-{len(self.runs)}.run")
        with open(path, "wb") as run:
            for fieldname, text, _order, docnums, weights, values in self._in_memory(0):
                marshal.dump((fieldname, text, docnums.tobytes(), weights.tobytes(), values), run)
        self.runs.append(path)
        self.fields.clear()
        self.values.clear()
        self.size = 0

    def _read_run(self, path: str, order: int) -> Iterator[_Run]:
        with open(path, "rb") as run:
            while True:
                try:
                    fieldname, text, docnums, weights, values = marshal.load(run)
                except EOFError:
                    return
                yield fieldname, text, order, array("q", docnums), array("d", weights), values

    def _in_memory(self, order: int) -> Iterator[_Run]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for text in sorted(terms):
                docnums, weights, values = terms[text]
                yield fieldname, text, order, docnums, weights, values

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting as (field, term bytes, docnum, weight, value), sorted by field, term and docnum."""
        sources = [self._read_run(path, order) for order, path in enumerate(self.runs)]
        # Runs hold ever later documents, so for one term, run order is document order.
        sources.append(self._in_memory(len(self.runs)))
        for fieldname, text, _order, docnums, weights, values in merge(*sources):
            for docnum, weight, value in zip(docnums, weights, values, strict=True):
                yield fieldname, text, docnum, weight, value

    def cleanup(self) -> None:
        for path in self.runs:
            with contextlib.suppress(OSError):
                os.remove(path)
        self.runs = []
        self.fields.clear()


class BulkWriter(PooledSegmentWriter):
    """A segment writer for a fresh index that only adds documents."""

    def __init__(self, ix: Index, limitmb: float = 64, **kwargs: Any):
        super().__init__(ix, TermPool, limitmb=limitmb, **kwargs)
