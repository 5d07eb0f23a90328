"""Uploaded import files, each a row that is also its job: checked (a dry run), confirmed, imported.

Keeping the file on the server means the editor commits exactly what the dry run checked, without
uploading it again. The row waits in the database, so whichever worker or process runs it finds it, and
it carries the job's state (status, progress, error, who and when) for the status page; ``import_jobs``
runs it. A file waiting longer than a day for its confirmation is removed as new ones arrive, and a
finished job's file is dropped when it is done.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from trefpunt.auth import models as _accounts  # noqa: F401  (the users table that owner_id refers to)

from . import exchange, spreadsheet
from .errors import FieldError, NotFound, ValidationError
from .models import Base, utcnow
from .vocabulary import Vocabulary

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class PendingImport(Base):
    """An uploaded import file and its job: a dry run, then (once confirmed) the import itself."""

    __tablename__ = "pending_imports"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None for an import from the command line.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(254), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    fmt: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # What the job does when it runs: check the file (True) or import it (False, after confirmation).
    dry_run: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What the run found: counts, the first errors, the first rows' plan (see import_jobs.Outcome).
    result: Mapped[dict | None] = mapped_column(JSON, default=None)
    # A random id per claim: only the process holding the current claim may record or finish the run.
    claim: Mapped[str | None] = mapped_column(String(32), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
MAX_AGE = dt.timedelta(days=1)
# Finished jobs stay visible (who imported what, when) this long.
KEEP_FINISHED = dt.timedelta(days=30)
# The web's upload limit is MAX_CONTENT_LENGTH; this one also holds for the command line.
MAX_FILE_BYTES = 64 * 1024 * 1024


def detect(filename: str, data: bytes) -> str:
    """The file's format from its name, checked against its first bytes (an XLSX is a zip file)."""
    suffix = Path(filename or "").suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ValidationError(
            [FieldError("bestand", "onbekend bestandstype: kies een .csv-, .xlsx- of .jsonl-bestand")]
        )
    if (fmt == "xlsx") != data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            [FieldError("bestand", "de inhoud van het bestand past niet bij de extensie " + suffix)]
        )
    return fmt


def read(data: bytes, fmt: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    """The file's rows as ``(line, mapping)``, read within the limits; ValidationError naming the problem."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            [FieldError("bestand", f"het bestand is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB")]
        )
    if fmt == "xlsx":
        return spreadsheet.read_xlsx(data, vocabulary)
    return exchange.read_rows(data, fmt, vocabulary)


def store(
    session: Session,
    owner: int | None,
    data: bytes,
    fmt: str,
    *,
    author: str = "",
    filename: str = "",
    total: int = 0,
    claim: str | None = None,
    dry_run: bool = True,
) -> str:
    """Keep ``data`` as a job for ``owner`` (a dry run unless told); return the token that finds it.

    With ``claim`` the job is stored as running under that claim, for a caller that runs it at once (the
    command line, a small upload), so that no worker takes it meanwhile. The caller commits.
    """
    now = utcnow()
    session.execute(
        delete(PendingImport).where(
            PendingImport.status.in_([QUEUED, DONE, FAILED]),
            ((PendingImport.created_at < now - MAX_AGE) & PendingImport.dry_run)
            | (PendingImport.created_at < now - KEEP_FINISHED),
        )
    )
    token = secrets.token_urlsafe(24)
    running = claim is not None
    session.add(
        PendingImport(
            token=token,
            owner_id=owner,
            author=author,
            filename=filename[:255],
            fmt=fmt,
            data=data,
            dry_run=dry_run,
            total=total,
            status=RUNNING if running else QUEUED,
            claim=claim,
            attempts=1 if running else 0,
            started_at=now if running else None,
            heartbeat_at=now if running else None,
        )
    )
    session.flush()
    return token


def get(session: Session, owner: int, token: str) -> PendingImport:
    """The editor's own job; NotFound for another editor's token or one that no longer exists."""
    pending = session.scalar(
        select(PendingImport).where(PendingImport.token == token[:64], PendingImport.owner_id == owner)
    )
    if pending is None:
        raise NotFound("dit importbestand is niet (meer) beschikbaar; upload het opnieuw")
    return pending


def confirmable(pending: PendingImport) -> bool:
    """A dry run that finished without errors, recently enough."""
    return (
        pending.dry_run
        and pending.status == DONE
        and not (pending.result or {}).get("error_count")
        and pending.created_at >= utcnow() - MAX_AGE
    )
