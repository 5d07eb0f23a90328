"""Keeping one server's index up with the database: what a search may do itself, and the worker's step.

A search never rebuilds the index and never waits long for the writer lock: it applies a small gap (an
editor's own edits) and otherwise answers from the generation it has. The worker (``trefpunt worker``)
applies the journal in committed slices and rebuilds an index that is missing, damaged or far behind,
while the last good generation serves.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from trefpunt.catalog.vocabulary import Vocabulary

from .store import CheckReport, IndexBusy, IndexMissing, IndexProblem, IndexStore

log = logging.getLogger(__name__)

# Journal entries a search applies before answering: an edit or two shows at once; when the index is
# further behind (an import), the search answers from the generation it has and leaves it to the worker.
REQUEST_CATCH_UP = 100
# How long a search waits for another writer's slice to finish, so that a change just made shows in it;
# with the slices below, both together stay within about a second.
REQUEST_LOCK_WAIT = 0.5
# The worker's slice: each one is committed (a killed worker loses at most one) and short, so a search
# waiting for the lock gets it soon.
WORKER_CATCH_UP = 200
# A journal this far behind (and behind by more than half the index) is rebuilt rather than replayed.
REBUILD_AFTER = 5000
# How often the worker opens an unchanged generation again, to find files damaged on disk.
RECHECK_SECONDS = 60.0


@dataclass(frozen=True)
class IndexStatus:
    missing: bool
    behind: int
    rebuilding: tuple[int, int] | None

    @property
    def current(self) -> bool:
        return not (self.missing or self.behind or self.rebuilding)


class IndexUpkeep:
    """Rebuilding, checking and catching up the generations of one index directory."""

    def __init__(self, store: IndexStore, session_factory: sessionmaker):
        self.store = store
        self.session_factory = session_factory
        # Threads of one process catch up one at a time: a second thread waits for the first (which applies
        # at most a small gap) rather than giving up on the writer lock and answering without the change.
        self._catching_up = threading.Lock()
        # The generation the worker last opened, (path, applied seq), when, and its number of documents.
        self._checked: tuple[tuple[Path | None, int], float, int] | None = None

    def rebuild(self, vocabulary: Vocabulary, progress: Callable[[int, int], None] | None = None) -> int:
        with self.session_factory() as session:
            _path, count = self.store.rebuild(session, vocabulary, progress)
        return count

    def ensure(self, vocabulary: Vocabulary) -> bool:
        """Rebuild the index when it is missing or unusable; True when it did."""
        try:
            self.store.open()
        except IndexProblem as problem:
            log.warning("search index unusable (%s); rebuilding it", problem)
            self.rebuild(vocabulary)
            return True
        return False

    def check(self, vocabulary: Vocabulary) -> CheckReport:
        """Catch up with the journal, then compare: what is left is drift the journal cannot repair."""
        with self.session_factory() as session:
            self.store.catch_up(session, vocabulary)
            return self.store.check(session)

    def catch_up(self, vocabulary: Vocabulary) -> int:
        with self.session_factory() as session:
            return self.store.catch_up(session, vocabulary)

    def status(self, session: Session) -> IndexStatus:
        """What editors are told about the index: missing, rebuilding, or how far behind."""
        return IndexStatus(
            missing=self.store.applied() < 0,
            behind=self.store.behind(session),
            rebuilding=self.store.rebuilding(),
        )

    def maintain(self, vocabulary: Vocabulary, *, rebuild_after: int = REBUILD_AFTER) -> str | None:
        """One step of the worker's loop: rebuild a missing, damaged or far-behind index (the current one
        serving meanwhile), else apply one slice of the journal. Says what it did, None when nothing."""
        with self.session_factory() as session:
            try:
                size = self._checked_size()
                behind = self.store.behind(session)
            except IndexProblem as problem:
                log.warning("search index unusable (%s); rebuilding it", problem)
                self.store.rebuild(session, vocabulary)
                return "rebuilt"
            if not behind:
                return None
            if behind > max(rebuild_after, size // 2):
                self.store.rebuild(session, vocabulary)
                return "rebuilt"
            try:
                self.store.catch_up(session, vocabulary, limit=WORKER_CATCH_UP, lock_timeout=1.0)
            except IndexBusy:
                return None  # a search or another worker is at it
            return "caught up"

    def _checked_size(self) -> int:
        """The current generation's number of documents. Opening a generation checks it (and reads its
        schema); the worker asks twice a second, so one is opened again only when it changed, or once
        every ``RECHECK_SECONDS`` (files damaged on disk are then still found within a minute)."""
        marker = (self.store.current_path(), self.store.applied())
        now = time.monotonic()
        if self._checked is None or self._checked[0] != marker or now - self._checked[1] > RECHECK_SECONDS:
            _path, ix, _seq = self.store.open()
            self._checked = (marker, now, ix.doc_count())
        return self._checked[2]

    def keep_up(self, head: int, vocabulary: Vocabulary, seen: int) -> None:
        """Before a search: apply a small gap (an editor's own edits) at once, waiting at most a moment for
        another writer; leave anything larger to the worker. ``seen``: the seq of the open generation."""
        if seen >= head:
            return
        if head - self.store.applied() > REQUEST_CATCH_UP:
            return  # an import or a rebuild: the worker's work, not this request's
        with self._catching_up:
            if self.store.applied() >= head:
                return  # another thread of this process just applied it
            # A writer given up on a full disk leaves its files to be closed when it is dropped, here: not
            # warned about, and not later in the middle of another request.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                problem = self._catch_up_briefly(vocabulary)
                if problem:
                    gc.collect()
        if problem:
            log.warning("search index could not catch up (%s); answering from the generation it has", problem)

    def _catch_up_briefly(self, vocabulary: Vocabulary) -> str | None:
        try:
            with self.session_factory() as session:
                self.store.catch_up(session, vocabulary, lock_timeout=REQUEST_LOCK_WAIT)
        except IndexBusy:
            pass  # another process or the worker is writing: it will get there
        except IndexMissing:
            pass  # the engine says so when it opens the index
        except Exception as exc:  # a full disk, a damaged generation: answer from what we have
            return repr(exc)
        return None
