"""Editor accounts, their sessions and login attempts, in the catalogue's ``Base`` (one schema, one migration
history)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from trefpunt.catalog.models import Base, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="editor")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # The password was handed out (an invitation, an admin's reset, `trefpunt user login`): it opens one
    # login, and that session may do nothing but choose the editor's own password.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the handed-out password opened its one login; it opens no other.
    one_time_password_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class UserSession(Base):
    """A login that is still valid. Logging out deletes it, so a copied cookie opens nothing afterwards, in
    every worker and on every server over this database."""

    __tablename__ = "user_sessions"

    # SHA-256 of the secret in the cookie: the table alone opens no session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class LoginAttempt(Base):
    """A failed or successful login, kept in the database so every server process counts the same failures."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
