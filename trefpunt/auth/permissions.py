"""Permissions, named after the action they guard; views ask, these answer."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user


def _has_own_password(user) -> bool:
    # A login opened with a one-time password may do nothing until the editor has chosen their own.
    return bool(user.is_authenticated and not user.must_change_password)


def can_edit_materials(user) -> bool:
    return _has_own_password(user) and user.role in ("editor", "admin")


def can_review_changes(user) -> bool:
    """Publish or send back another editor's change (review before publishing); never one's own, which
    the review use case refuses whoever asks."""
    return _has_own_password(user) and user.role in ("editor", "admin")


def can_withdraw_any_change(user) -> bool:
    return _has_own_password(user) and user.role == "admin"


def can_manage_users(user) -> bool:
    return _has_own_password(user) and user.role == "admin"


def can_manage_vocabularies(user) -> bool:
    return _has_own_password(user) and user.role == "admin"


def requires(permission):
    """Decorate a view so it answers 403 unless the logged-in account has ``permission``."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not permission(current_user):
                abort(403, description=_("U hebt geen toegang tot deze pagina."))
            return view(*args, **kwargs)

        return guarded

    return decorate
