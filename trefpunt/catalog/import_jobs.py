"""Imports as jobs, off the request: each uploaded file's row (``PendingImport``) is its queue entry.

A job is claimed by one process (PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite: a conditional
UPDATE of its status), run all or nothing in one transaction, and marked done in that same transaction,
so an import is applied once or not at all. While it runs, its progress and a heartbeat are written in
short transactions of their own, so the editors' status page sees them. A job whose heartbeat stopped for
a minute (its process died) is queued again and runs again from the start: nothing of it was applied.

SQLite has one writer at a time, and an import holds that lock from its first write to its commit; in
that stretch neither progress nor heartbeat can be written. Nothing is lost by that: a process that tries
to take the job over meanwhile waits for the same lock and then finds the job finished.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import cast

from sqlalchemy import CursorResult, Executable, event, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .errors import Conflict, ValidationError
from .import_outcome import KEPT_ERRORS, Outcome, outcome_of
from .models import utcnow
from .pending_imports import DONE, FAILED, QUEUED, RUNNING, PendingImport, confirmable, read
from .services import import_records
from .vocabulary import load_vocabulary

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
# Called with (rows done, rows in the file) as the job goes, for a progress line.
Progress = Callable[[int, int], None]

# A running job whose heartbeat is older than this has lost its process.
STALE_AFTER = dt.timedelta(minutes=1)
HEARTBEAT_SECONDS = 10.0
# Progress is written at most this often (every row would double the import's statements).
PROGRESS_SECONDS = 0.5
# The web runs a job of at most this many rows in the request itself (well under a second); a larger one
# is left to the worker, and the editor watches its progress.
INLINE_ROWS = 200


class ClaimLost(Exception):
    """Another process took the job over (this one was thought dead); this run must not finish it."""


def new_claim() -> str:
    return secrets.token_hex(16)


def run_next(session_factory: SessionFactory) -> bool:
    """Claim one queued job (or one whose process died) and run it; False when there was none."""
    try:
        requeue_stale(session_factory)
        claimed = claim_next(session_factory)
    except OperationalError as exc:
        # SQLite: another process's import holds the write lock, so nothing can be claimed just now.
        if "locked" not in str(exc):
            raise
        return False
    if claimed is None:
        return False
    run(session_factory, *claimed)
    return True


def requeue_stale(session_factory: SessionFactory) -> int:
    """Queue again every running job whose heartbeat stopped; how many there were."""
    stale = (PendingImport.status == RUNNING, PendingImport.heartbeat_at < utcnow() - STALE_AFTER)
    with session_factory() as session:
        # Looked at first without writing: the usual answer is none, and a write would wait for a lock.
        if not session.scalar(select(func.count()).select_from(PendingImport).where(*stale)):
            return 0
        requeued = _rows_changed(
            session, update(PendingImport).where(*stale).values(status=QUEUED, claim=None, done=0)
        )
        session.commit()
    if requeued:
        log.warning("%d import job(s) lost their process and were queued again", requeued)
    return requeued


def claim_next(session_factory: SessionFactory) -> tuple[str, str] | None:
    """The oldest queued job, now running under a new claim: ``(token, claim)``; None when none is queued."""
    with session_factory() as session:
        query = (
            select(PendingImport.token)
            .where(PendingImport.status == QUEUED)
            .order_by(PendingImport.created_at, PendingImport.token)
            .limit(1)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has one writer and ignores it
        )
        token = session.scalar(query)
        if token is None:
            return None
        claim, now = new_claim(), utcnow()
        claimed = _rows_changed(
            session,
            update(PendingImport)
            .where(PendingImport.token == token, PendingImport.status == QUEUED)
            .values(
                status=RUNNING,
                claim=claim,
                attempts=PendingImport.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                done=0,
                error="",
            ),
        )
        session.commit()
    # On SQLite another process may have claimed it between the two statements: the condition says so.
    return (token, claim) if claimed else None


def confirm(session: Session, pending: PendingImport, *, claim: str | None = None) -> bool:
    """Turn a checked file into its import, queued (or running under ``claim``); False if it cannot be."""
    if not confirmable(pending):
        return False
    now = utcnow() if claim else None
    changed = _rows_changed(
        session,
        update(PendingImport)
        .where(
            PendingImport.token == pending.token,
            PendingImport.dry_run.is_(True),
            PendingImport.status == DONE,
        )
        .values(
            dry_run=False,
            status=RUNNING if claim else QUEUED,
            claim=claim,
            attempts=1 if claim else 0,
            done=0,
            error="",
            result=None,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
        ),
    )
    return bool(changed)


def run(session_factory: SessionFactory, token: str, claim: str, progress: Progress | None = None) -> None:
    """Run a claimed job to its end, all or nothing: done (with what it found) or failed (with why)."""
    with session_factory() as session:
        # On SQLite the import's first flush takes the only write lock until its commit: from then on,
        # the job's own row cannot be written from another connection.
        locked = threading.Event()
        if session.get_bind().dialect.name == "sqlite":
            event.listen(session, "after_flush", lambda *_: locked.set())
        heartbeat = _Heartbeat(session_factory, token, claim, locked)
        heartbeat.start()
        try:
            _run(session, session_factory, token, claim, progress, locked)
        except ClaimLost:
            session.rollback()
            log.warning("import job %s was taken over by another process; this run is dropped", token)
        except ValidationError as error:
            session.rollback()
            job_is_check = session.scalar(select(PendingImport.dry_run).where(PendingImport.token == token))
            outcome = Outcome(errors=error.errors[:KEPT_ERRORS], error_count=len(error.errors))
            message = "" if job_is_check else "Het bestand heeft fouten; er is niets veranderd."
            _finish(session_factory, token, claim, DONE if job_is_check else FAILED, outcome, message)
        except (Conflict, IntegrityError) as error:
            session.rollback()
            log.info("import job %s met a concurrent change: %s", token, error)
            message = (
                "Iemand anders heeft intussen een van deze leermiddelen opgeslagen; er is niets veranderd. "
                "Upload het bestand opnieuw om het met de nieuwe stand te vergelijken."
            )
            _finish(session_factory, token, claim, FAILED, Outcome(), message)
        except Exception:
            session.rollback()
            log.exception("import job %s failed", token)
            message = "De import is mislukt door een onverwachte fout; er is niets veranderd."
            _finish(session_factory, token, claim, FAILED, Outcome(), message)
        finally:
            heartbeat.stop()


def _run(
    session: Session,
    session_factory: SessionFactory,
    token: str,
    claim: str,
    progress: Progress | None,
    locked: threading.Event,
) -> None:
    job = session.get(PendingImport, token)
    if job is None or job.claim != claim:
        raise ClaimLost(token)
    vocabulary = load_vocabulary(session)
    rows = read(job.data, job.fmt, vocabulary)
    recorder = _Recorder(session_factory, token, claim, len(rows), progress, locked)
    recorder(0)
    report = import_records(
        session, rows, author=job.author or "import", dry_run=job.dry_run, progress=recorder
    )
    outcome = outcome_of(session, rows, report, vocabulary, plan=job.dry_run)
    if job.dry_run:
        session.rollback()
        _finish(session_factory, token, claim, DONE, outcome)
        return
    # Marked done in the import's own transaction: both are committed, or neither.
    if not _mark(session, token, claim, DONE, outcome):
        raise ClaimLost(token)
    session.commit()


def _mark(session: Session, token: str, claim: str, status: str, outcome: Outcome, error: str = "") -> bool:
    """Finish the job if this run still holds its claim; a finished import's file is not kept."""
    job_values: dict[str, object] = {
        "status": status,
        "result": outcome.to_json(),
        "error": error,
        "finished_at": utcnow(),
        "claim": None,
    }
    checked_clean = status == DONE and not outcome.error_count
    dry_run = session.scalar(select(PendingImport.dry_run).where(PendingImport.token == token))
    if not (dry_run and checked_clean):
        job_values["data"] = b""
    if status == DONE:
        job_values["done"] = outcome.row_count
    changed = _rows_changed(
        session,
        update(PendingImport)
        .where(PendingImport.token == token, PendingImport.claim == claim, PendingImport.status == RUNNING)
        .values(**job_values),
    )
    return bool(changed)


def _finish(
    session_factory: SessionFactory, token: str, claim: str, status: str, outcome: Outcome, error: str = ""
) -> None:
    with session_factory() as session:
        if _mark(session, token, claim, status, outcome, error):
            session.commit()


def _rows_changed(session: Session, statement: Executable) -> int:
    result = session.execute(statement)
    return cast(CursorResult, result).rowcount


def _record(session_factory: SessionFactory, token: str, claim: str, **values: object) -> None:
    """Write the job's progress or heartbeat in a short transaction of its own."""
    with session_factory() as session:
        changed = _rows_changed(
            session,
            update(PendingImport)
            .where(
                PendingImport.token == token, PendingImport.claim == claim, PendingImport.status == RUNNING
            )
            .values(heartbeat_at=utcnow(), **values),
        )
        session.commit()
    if not changed:
        raise ClaimLost(token)


class _Recorder:
    """The import's progress callback: writes it in the job's row twice a second, and tells the caller."""

    def __init__(
        self,
        session_factory: SessionFactory,
        token: str,
        claim: str,
        total: int,
        progress: Progress | None,
        locked: threading.Event,
    ) -> None:
        self.session_factory, self.token, self.claim = session_factory, token, claim
        self.total, self.progress, self.locked = total, progress, locked
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if not self.locked.is_set() and (done in (0, self.total) or now - self.last >= PROGRESS_SECONDS):
            self.last = now
            _record(self.session_factory, self.token, self.claim, done=done, total=self.total)
        if self.progress is not None:
            self.progress(done, self.total)


class _Heartbeat(threading.Thread):
    """Says every few seconds that the job's process is alive, whatever the import is busy with."""

    def __init__(self, session_factory: SessionFactory, token: str, claim: str, locked: threading.Event):
        super().__init__(name=f"import-heartbeat-{token[:8]}", daemon=True)
        self.session_factory, self.token, self.claim, self.locked = session_factory, token, claim, locked
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            if self.locked.is_set():
                continue
            try:
                _record(self.session_factory, self.token, self.claim)
            except ClaimLost:
                return
            except Exception:  # a database restart: the next beat tries again
                log.warning("heartbeat of import job %s failed", self.token, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.join()
