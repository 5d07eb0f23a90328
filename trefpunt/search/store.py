"""Index generations on disk: build a fresh one and swap it in, catch one up from the journal, check one.

Layout of ``INDEX_DIR``::

    current -> gen-20261124T061502-3f9a   (symlink, replaced atomically)
    gen-.../                              (whoosh files + state.json: the journal seq it has applied and
                                           the fingerprint of the code that built it, see fingerprint.py;
                                           building.lock, held while a rebuild writes it)
    write.lock                            (one writer at a time across processes)

A crash at any point leaves ``current`` on a complete generation whose state.json never claims more than
it holds (it is written after whoosh's commit); the journal replays the rest, and replaying is idempotent.
A generation without state.json whose building.lock nobody holds is what a killed rebuild left: the next
rebuild removes it, and never the current generation or the complete one before it.
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
from collections.abc import Callable, Iterator, Sequence
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
from .whoosh_internals import abandon

log = logging.getLogger(__name__)

CURRENT = "current"
STATE_FILE = "state.json"
LOCK_FILE = "write.lock"
BUILDING_FILE = "building.lock"
PROGRESS_FILE = "progress.json"
BATCH = 500
# Memory for postings waiting to be written (about 24 bytes each); beyond it they are spilled to disk.
POOL_MB = 64
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


class IndexBusy(IndexProblem):
    """Another process (or thread) holds the writer lock: it is catching the index up or swapping in a
    rebuild. A search then answers from the generation it has instead of waiting."""


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


@contextmanager
def _building(path: Path) -> Iterator[None]:
    """Mark ``path`` as being built for as long as this process builds it (a lock dies with its process)."""
    with open(path / BUILDING_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _being_built(path: Path) -> bool:
    if (path / STATE_FILE).exists():
        return False
    marker = path / BUILDING_FILE
    if not marker.exists():
        return False  # never marked: left by a rebuild that died before it began
    with open(marker) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def _noting_progress(path: Path, progress: Callable[[int, int], None] | None) -> Callable[[int, int], None]:
    """``progress``, also noted in the generation being built, for whoever asks how far a rebuild is."""

    def note(done: int, total: int) -> None:
        tmp = path / f".{PROGRESS_FILE}"
        tmp.write_text(json.dumps({"done": done, "total": total}))
        os.replace(tmp, path / PROGRESS_FILE)
        if progress:
            progress(done, total)

    return note


def _first_materials(rows: Sequence[Row], limit: int) -> Sequence[Row]:
    """The journal rows up to the one that names the ``limit``-th distinct material."""
    seen: set[int] = set()
    for index, row in enumerate(rows):
        seen.add(row.material_id)
        if len(seen) > limit:
            return rows[:index]
    return rows


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
                    if time.monotonic() >= deadline:
                        raise IndexBusy(
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
        self._remove_old_generations()  # what a killed rebuild left
        seq = journal_head(session)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        path = self.root / f"gen-{stamp}-{secrets.token_hex(3)}"
        path.mkdir()
        with _building(path):
            count = self._build(session, vocabulary, path, seq, progress)
        self._remove_old_generations()
        log.info("search index rebuilt: %s documents in %s", count, path.name)
        return path, count

    def _build(
        self,
        session: Session,
        vocabulary: Vocabulary,
        path: Path,
        seq: int,
        progress: Callable[[int, int], None] | None,
    ) -> int:
        ix = whoosh_index.create_in(str(path), build_schema(vocabulary))
        note = _noting_progress(path, progress)
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
                if count % 100 == 0 or count == total:
                    note(count, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(path, ignore_errors=True)
            raise
        self._write_state(path, seq)
        with self.write_lock():
            self._apply_journal(session, vocabulary, path)
            self._swap(path)
        return count

    def _swap(self, path: Path) -> None:
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(path.name, tmp)
        os.replace(tmp, self.root / CURRENT)

    def _remove_old_generations(self) -> None:
        """Keep the current generation and the newest complete one before it (another process may still be
        reading it); remove the rest, and what a killed rebuild left, but never a generation being built."""
        current = self.current_path()
        generations = sorted(p for p in self.root.glob("gen-*") if p.is_dir())
        previous = [p for p in generations if p != current and (p / STATE_FILE).exists()][-1:]
        for old in generations:
            if old == current or old in previous or _being_built(old):
                continue
            shutil.rmtree(old, ignore_errors=True)

    def catch_up(
        self,
        session: Session,
        vocabulary: Vocabulary,
        *,
        limit: int | None = None,
        lock_timeout: float = 60.0,
    ) -> int:
        """Apply journal entries the current generation has not seen, at most ``limit`` materials of them
        (the oldest first); return the seq it has now applied.

        Each call commits what it applied and records the seq, so catching up a long journal in slices
        keeps its progress across calls, processes and crashes, and never applies an entry twice.
        """
        with self.write_lock(lock_timeout):
            path = self.current_path()
            if path is None:
                raise IndexMissing(f"no search index in {self.root}: run `trefpunt index rebuild`")
            return self._apply_journal(session, vocabulary, path, limit)

    def applied(self) -> int:
        """The journal seq the current generation has applied (-1 without a usable one)."""
        path = self.current_path()
        if path is None:
            return -1
        try:
            return int(self.state(path)["seq"])
        except (IndexProblem, KeyError, ValueError):
            return -1

    def rebuilding(self) -> tuple[int, int] | None:
        """(done, total) of a rebuild running now, in any process."""
        for path in sorted(self.root.glob("gen-*"), reverse=True):
            if _being_built(path):
                try:
                    noted = json.loads((path / PROGRESS_FILE).read_text())
                    return int(noted["done"]), int(noted["total"])
                except (OSError, ValueError, KeyError, TypeError):
                    return 0, 0
        return None

    def behind(self, session: Session) -> int:
        """How many journal entries the current generation has yet to apply (0 without an index)."""
        applied = self.applied()
        if applied < 0:
            return 0
        return session.scalar(select(func.count()).where(MaterialChange.seq > applied)) or 0

    def _apply_journal(
        self, session: Session, vocabulary: Vocabulary, path: Path, limit: int | None = None
    ) -> int:
        applied = int(self.state(path)["seq"])
        rows = session.execute(
            select(MaterialChange.seq, MaterialChange.material_id)
            .where(MaterialChange.seq > applied)
            .order_by(MaterialChange.seq)
        ).all()
        if not rows:
            return applied
        if limit is not None:
            rows = _first_materials(rows, limit)
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
                abandon(writer)
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
