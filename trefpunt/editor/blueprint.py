"""The ``/beheer`` blueprint: every route behind an editor login, checked before any view runs."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from trefpunt.auth.permissions import can_edit_materials
from trefpunt.auth.views import csrf_refused
from trefpunt.extensions import login_manager

bp = Blueprint("editor", __name__)


@bp.before_request
def require_editor():
    # One gate for the whole blueprint, so a new route cannot be added without it.
    if not can_edit_materials(current_user):
        return login_manager.unauthorized()
    return None


bp.register_error_handler(CSRFError, csrf_refused)
