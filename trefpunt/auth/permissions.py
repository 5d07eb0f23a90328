"""Permissions, named after the action they guard; views ask, these answer."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user


def can_edit_materials(user) -> bool:
    return bool(user.is_authenticated and user.role in ("editor", "admin"))


def can_manage_users(user) -> bool:
    return bool(user.is_authenticated and user.role == "admin")


def can_manage_vocabularies(user) -> bool:
    return bool(user.is_authenticated and user.role == "admin")


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
