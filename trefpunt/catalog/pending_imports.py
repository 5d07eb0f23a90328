"""Uploaded import files kept between the dry run and the commit, under a random token per editor.

Keeping the file on the server means the editor commits exactly what the dry run checked, without
uploading it again. The file waits in the database, so whichever worker serves the commit finds it;
files left waiting longer than a day are removed as new ones arrive.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from trefpunt.auth import models as _accounts  # noqa: F401  (the users table that owner_id refers to)

from .errors import FieldError, NotFound, ValidationError
from .models import Base, utcnow


class PendingImport(Base):
    """An uploaded import file kept between its dry run and its commit (in the database: any worker may
    serve the commit)."""

    __tablename__ = "pending_imports"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    fmt: Mapped[str] = mapped_column(String(10))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
MAX_AGE = dt.timedelta(days=1)


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


def store(session: Session, owner: int, data: bytes, fmt: str) -> str:
    """Keep ``data`` for ``owner``; return the token that finds it again. The caller commits."""
    session.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - MAX_AGE))
    token = secrets.token_urlsafe(24)
    session.add(PendingImport(token=token, owner_id=owner, fmt=fmt, data=data))
    session.flush()
    return token


def load(session: Session, owner: int, token: str) -> tuple[bytes, str]:
    """The stored file and its format; NotFound for another editor's token, a used or an expired one."""
    pending = session.scalar(
        select(PendingImport).where(
            PendingImport.token == token[:64],
            PendingImport.owner_id == owner,
            PendingImport.created_at >= utcnow() - MAX_AGE,
        )
    )
    if pending is None:
        raise NotFound("dit importbestand is niet (meer) beschikbaar; upload het opnieuw")
    return pending.data, pending.fmt


def discard(session: Session, owner: int, token: str) -> None:
    """Forget the file (in the same transaction as the import, so a failed import keeps it)."""
    session.execute(
        delete(PendingImport).where(PendingImport.token == token, PendingImport.owner_id == owner)
    )
