"""Index generations on disk: build a fresh one and swap it in, catch one up from the journal, check one.

Layout of ``INDEX_DIR``::

    current -> gen-20261124T061502-3f9a   (symlink, replaced atomically)
    gen-.../                              (whoosh files + state.json: the journal seq it has applied and
                                           the fingerprint of the code that built it, see fingerprint.py)
    write.lock                            (one writer at a time across processes)

A crash at any point leaves ``current`` on a complete generation whose state.json never claims more than
it holds (it is written after whoosh's commit); the journal replays the rest, and replaying is idempotent.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import json
import logging
import os
import secrets
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from trefpunt.catalog.journal import MaterialChange, journal_head
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.vocabulary import Vocabulary

from .bulk import BulkWriter
from .fingerprint import index_fingerprint
from .schema import NewWords, build_schema, document_for, title_sort_key

log = logging.getLogger(__name__)

CURRENT = "current"
STATE_FILE = "state.json"
LOCK_FILE = "write.lock"
BATCH = 500
# Memory for postings waiting to be written (about 24 bytes each); beyond it they are spilled to disk.
POOL_MB = 64
KEEP_GENERATIONS = 2
# Segments as separate files, not one compound file: whoosh-reloaded opens each part of a compound file
# by copying it into memory (BytesIO over the mmap), which at 100,000 materials put 230 MB in every
# process and cost 1.3 s on every reopen after an edit. Posting blocks uncompressed: zlib took a third of
# reading a word's postings into a bitmap, for an index a fifth smaller.
WRITER_OPTIONS = {"compound": False, "codec": W3Codec(compression=0)}


class IndexProblem(Exception):
    """The index cannot be used as it is; the message says what to run."""


class IndexMissing(IndexProblem):
    pass


class IndexBroken(IndexProblem):
    pass


def _published_materials(session: Session, ids: list[int] | None = None) -> Iterator[Material]:
    """Published materials with their terms, by title, in batches so a large catalogue never sits in memory.

    By title, because a fresh index numbers its documents in the order they are added: document order
    is then title order, and a page of hits sorted by title reads its stored fields from one place.
    """
    query = select(Material.id, Material.title, Material.slug).where(Material.status == Status.PUBLISHED)
    if ids is not None:
        query = query.where(Material.id.in_(ids))
    in_order = [row.id for row in sorted(session.execute(query), key=_title_order)]
    for start in range(0, len(in_order), BATCH):
        batch = in_order[start : start + BATCH]
        by_id = {
            m.id: m
            for m in session.scalars(
                select(Material).where(Material.id.in_(batch)).options(selectinload(Material.terms))
            )
        }
        yield from (by_id[i] for i in batch if i in by_id)
        session.expunge_all()


def _title_order(row: Row) -> tuple[str, int]:
    return title_sort_key(row.title, row.slug), row.id


@dataclass
class CheckReport:
    journal_seq: int
    index_seq: int
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


class IndexStore:
    """The generations of one index directory."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- reading ---------------------------------------------------------------------------------
    def current_path(self) -> Path | None:
        link = self.root / CURRENT
        try:
            return self.root / os.readlink(link)
        except OSError:
            return None

    def state(self, path: Path) -> dict:
        try:
            return json.loads((path / STATE_FILE).read_text())
        except (OSError, ValueError) as exc:
            raise IndexBroken(f"index state unreadable in {path}: {exc}") from exc

    def open(self) -> tuple[Path, whoosh_index.Index, int]:
        """The current generation, its whoosh index and the journal seq it has applied."""
        path = self.current_path()
        if path is None or not path.is_dir():
            raise IndexMissing(f"no search index in {self.root}: run `trefpunt index rebuild`")
        state = self.state(path)
        if state.get("schema") != index_fingerprint():
            raise IndexBroken(
                f"index in {path} was built by other analysis code: run `trefpunt index rebuild`"
            )
        with warnings.catch_warnings():
            # Whoosh leaves the handle of a table of contents it cannot parse open; it is closed
            # when the exception is dropped, here, without a ResourceWarning.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(path))
                ix.doc_count()
            except Exception as exc:  # whoosh raises many kinds for damaged files
                problem = repr(exc)
            else:
                return path, ix, int(state["seq"])
            gc.collect()
        raise IndexBroken(f"index in {path} is damaged ({problem}): run `trefpunt index rebuild`")

    # -- writing ---------------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the cross-process writer lock (whoosh itself refuses a second writer at once)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexProblem(
                            f"index writer lock in {self.root} held for over {timeout}s"
                        ) from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write_state(self, path: Path, seq: int) -> None:
        tmp = path / f".{STATE_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps({"schema": index_fingerprint(), "seq": seq}))
        os.replace(tmp, path / STATE_FILE)

    def rebuild(
        self,
        session: Session,
        vocabulary: Vocabulary,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[Path, int]:
        """Build a fresh generation from the database and swap it in; return its path and size.

        The journal head is read before the materials, so a change committed during the build is
        replayed by the catch-up that runs under the lock just before the swap.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        seq = journal_head(session)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.root / f"gen-{stamp}-{secrets.token_hex(3)}"
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema(vocabulary))
        total = session.execute(
            select(func.count()).select_from(Material).where(Material.status == Status.PUBLISHED)
        ).scalar_one()
        writer = BulkWriter(ix, limitmb=POOL_MB, **WRITER_OPTIONS)
        new_words = NewWords()
        count = 0
        try:
            for material in _published_materials(session):
                writer.add_document(**new_words.only_new(document_for(material, vocabulary)))
                count += 1
                if progress and (count % 100 == 0 or count == total):
                    progress(count, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(path, ignore_errors=True)
            raise
        self._write_state(path, seq)
        with self.write_lock():
            self._apply_journal(session, vocabulary, path)
            self._swap(path)
        self._remove_old_generations()
        log.info("search index rebuilt: %s documents in %s", count, path.name)
        return path, count

    def _swap(self, path: Path) -> None:
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(path.name, tmp)
        os.replace(tmp, self.root / CURRENT)

    def _remove_old_generations(self) -> None:
        # The previous generation is kept: another process may still be reading it.
        current = self.current_path()
        generations = sorted(p for p in self.root.glob("gen-*") if p.is_dir())
        keep = {current} | set(generations[-KEEP_GENERATIONS:])
        for old in generations:
            if old not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def catch_up(self, session: Session, vocabulary: Vocabulary) -> int:
        """Apply journal entries the current generation has not seen; return its new seq."""
        with self.write_lock():
            path = self.current_path()
            if path is None:
                raise IndexMissing(f"no search index in {self.root}: run `trefpunt index rebuild`")
            return self._apply_journal(session, vocabulary, path)

    def _apply_journal(self, session: Session, vocabulary: Vocabulary, path: Path) -> int:
        applied = int(self.state(path)["seq"])
        rows = session.execute(
            select(MaterialChange.seq, MaterialChange.material_id)
            .where(MaterialChange.seq > applied)
            .order_by(MaterialChange.seq)
        ).all()
        if not rows:
            return applied
        ids = sorted({row.material_id for row in rows})
        ix = whoosh_index.open_dir(str(path))
        with ix.reader() as before:
            new_words = NewWords(known=lambda word: ("words", word) in before)
            writer = ix.writer(**WRITER_OPTIONS)
            try:
                for material_id in ids:
                    writer.delete_by_term("id", str(material_id))
                for material in _published_materials(session, ids):
                    writer.add_document(**new_words.only_new(document_for(material, vocabulary)))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        self._write_state(path, rows[-1].seq)
        return rows[-1].seq

    # -- checking --------------------------------------------------------------------------------
    def check(self, session: Session) -> CheckReport:
        """Compare the index with the database: published materials missing, stale or extra."""
        path, ix, seq = self.open()
        report = CheckReport(journal_seq=journal_head(session), index_seq=seq)
        with ix.searcher() as searcher:
            indexed = {f["id"]: f["version"] for f in searcher.all_stored_fields()}
        published = dict(
            session.execute(
                select(Material.id, Material.version).where(Material.status == Status.PUBLISHED)
            ).all()
        )
        slugs = dict(session.execute(select(Material.id, Material.slug)).all())
        for material_id, version in sorted(published.items()):
            key = str(material_id)
            if key not in indexed:
                report.missing.append(slugs[material_id])
            elif indexed[key] != version:
                report.stale.append(slugs[material_id])
        for key in sorted(set(indexed) - {str(i) for i in published}, key=int):
            report.extra.append(slugs.get(int(key), f"id {key}"))
        return report
