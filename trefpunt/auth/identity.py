"""Flask-Login glue: who is logged in, loaded from the database on every request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trefpunt.auth.models import User
from trefpunt.db import get_session
from trefpunt.extensions import login_manager

from . import sessions

# Blueprints whose pages wait until an editor who logged in with a one-time password has chosen their own.
OWN_PASSWORD_FIRST = ("editor",)


@dataclass(frozen=True)
class Editor:
    """The logged-in account as views see it: a detached copy, so no view can change it by accident."""

    id: int
    email: str
    name: str
    role: str
    # The login's token (``sessions``): what the cookie carries, and what logging out ends.
    token: str
    must_change_password: bool = False

    is_authenticated = True
    is_active = True
    is_anonymous = False

    @classmethod
    def of(cls, user: User, token: str) -> Editor:
        return cls(user.id, user.email, user.name, user.role, token, user.must_change_password)

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
    app.before_request(_own_password_first)


def _load(token: str) -> Editor | None:
    user = sessions.user_for(get_session(), token)
    return Editor.of(user, token) if user is not None else None


def _own_password_first():
    """Send an editor who logged in with a one-time password to choose their own before anything else."""
    if request.blueprint not in OWN_PASSWORD_FIRST:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.password", next=request.full_path.rstrip("?")))
    return None


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
