"""Flask-Login glue: who is logged in, loaded from the database on every request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from trefpunt.auth.models import User
from trefpunt.db import get_session
from trefpunt.extensions import login_manager

from . import services


@dataclass(frozen=True)
class Editor:
    """The logged-in account as views see it: a detached copy, so no view can change it by accident."""

    id: int
    email: str
    name: str
    role: str
    token: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @classmethod
    def of(cls, user: User) -> Editor:
        return cls(user.id, user.email, user.name, user.role, services.session_token(user))

    def get_id(self) -> str:
        return self.token

    @property
    def display_name(self) -> str:
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_message = _l("Log in om verder te gaan.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load)
    login_manager.unauthorized_handler(_unauthorized)


def _load(token: str) -> Editor | None:
    user = services.user_for_token(get_session(), token)
    return Editor.of(user) if user is not None else None


def _unauthorized():
    path = request.full_path.rstrip("?")
    return redirect(url_for("auth.login", next=path))


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``: a login never sends anyone elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
