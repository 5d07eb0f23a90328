"""Every use of Whoosh's private API in Trefpunt, in one place.

Trefpunt uses Whoosh (``whoosh-reloaded``, pinned) as a file format and an analyzer framework and evaluates
queries itself over bitmaps. Three things here depend on Whoosh internals that its documentation does not
promise and that a release may change without notice:

- ``block_doc_numbers`` reads a term's posting blocks of the ``whoosh3`` codec (``W3LeafMatcher``) one
  block at a time: the private ``_read_data()``, ``_data`` (a tuple whose element 0 holds the block's
  document numbers as deltas), ``_byteids``, ``_next_block()``, and that a segment with deletions wraps
  its matcher in a ``WrappingMatcher`` whose ``child`` is the unfiltered one (``reset()`` back to its start).
- ``deleted_docs`` reads a segment reader's ``deleted_docs_set``.
- ``abandon`` gives up a ``SegmentWriter`` whose ``cancel()`` failed: it releases ``writelock`` and
  destroys ``_tempstorage`` itself, as ``SegmentWriter._finish`` would have.
- ``PooledSegmentWriter`` swaps ``SegmentWriter.pool`` for a pool of our own (a ``PostingPool``: ``add``,
  ``iter_postings``, ``cleanup``) and overrides ``SegmentWriter._flush_segment``, handing the field writer
  an object that answers ``doc_field_length`` in place of the per-document reader.

Outside this module, ``matching.py`` interprets ``whoosh.query`` trees itself and the schema (analyzers
and formats included) is pickled into the index by Whoosh.

``tests/test_whoosh_contract.py`` is the upgrade gate: it checks each of these against Whoosh's own
public behaviour (``all_ids()``, ``docs_for_query``, ``SegmentWriter``, ``Positions``) over random
indexes with several segments and deletions. Run it before changing the Whoosh pin; when it fails,
change this module, not its callers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from typing import Any, Protocol

import numpy as np
from whoosh.codec.base import PerDocumentReader
from whoosh.index import Index
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.reading import IndexReader
from whoosh.writing import SegmentWriter

# A posting as Whoosh's writer hands it to its pool: (field, term bytes, document number, weight, value).
Posting = tuple[str, bytes, int, float, bytes | None]


def block_doc_numbers(leaf: IndexReader, fieldname: str, text: str) -> Iterator[np.ndarray]:
    """The segment's document numbers of a term's postings, a stored block (up to 128) at a time.

    Deleted documents are included. ``all_ids`` costs three Python calls per posting; a block's numbers
    come out of one unpickle as deltas, summed here in one numpy call.
    """
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, WrappingMatcher):  # the filter over deleted documents
        matcher = matcher.child
        matcher.reset()  # the filter has moved it past the deleted documents it starts with
    if not hasattr(matcher, "_read_data") or matcher._byteids:  # not whoosh 2.7's block postings
        yield np.fromiter(matcher.all_ids(), dtype=np.int64)
        return
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        yield np.cumsum(np.array(matcher._data[0], dtype=np.int64))
        matcher._next_block()


def deleted_docs(leaf: IndexReader, count: int) -> Iterable[int]:
    """The numbers of a segment's deleted documents (``count`` is its number of documents)."""
    known = getattr(leaf, "deleted_docs_set", None)  # a segment keeps its deletions as a set
    return known if known is not None else (d for d in range(count) if leaf.is_deleted(d))


class FieldLengths:
    """Field lengths of the segment just written, read once per field instead of once per posting."""

    def __init__(self, reader: PerDocumentReader, doc_count: int):
        self.reader = reader
        self.doc_count = doc_count
        self.lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            read = self.reader.doc_field_length
            lengths = self.lengths[fieldname] = [read(d, fieldname, default) for d in range(self.doc_count)]
        return lengths[docnum]


class PostingPool(Protocol):
    """What ``PooledSegmentWriter`` asks of a pool in place of Whoosh's."""

    def add(self, item: Posting) -> None: ...

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting added, sorted by field, term and document number."""
        ...

    def cleanup(self) -> None: ...


class PooledSegmentWriter(SegmentWriter):
    """A ``SegmentWriter`` whose postings go through ``make_pool(folder, limitmb)`` instead of Whoosh's pool;
    ``folder`` is the index directory, for spilled runs."""

    def __init__(
        self, ix: Index, make_pool: Callable[[str, float], PostingPool], limitmb: float = 64, **kwargs: Any
    ):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool: PostingPool = make_pool(self.storage.folder, limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = FieldLengths(reader, self.docnum) if reader else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader:
            reader.close()


def abandon(writer: SegmentWriter) -> None:
    """Give up a writer after a failed write, so that this process can write the index again.

    On a full disk ``cancel()`` fails too: it first flushes the segment's open files, and never gets to
    releasing the writer lock, after which every later writer in the process met ``LockError`` even once
    space was freed. The half-written segment's files are not in any table of contents; the next commit
    removes them.
    """
    try:
        writer.cancel()
        return
    except Exception:  # the same full disk, or a writer its commit had half closed
        pass
    for close in (writer.perdocwriter.close, writer.fieldwriter.close, writer.pool.cleanup):
        with suppress(Exception):
            close()
    try:
        writer._tempstorage.destroy()
    finally:
        if writer.writelock is not None:
            writer.writelock.release()
