"""The ``/beheer`` blueprint: every route behind an editor login, checked before any view runs."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from trefpunt.auth.permissions import can_edit_materials
from trefpunt.auth.views import csrf_refused
from trefpunt.db import get_session
from trefpunt.extensions import login_manager
from trefpunt.search import get_engine

bp = Blueprint("editor", __name__)


@bp.before_request
def require_editor():
    # One gate for the whole blueprint, so a new route cannot be added without it.
    if not can_edit_materials(current_user):
        return login_manager.unauthorized()
    return None


@bp.context_processor
def index_status() -> dict:
    # Called by the layout, so only pages that show it ask: editors see when searches lag behind.
    return {"index_status": lambda: get_engine().status(get_session())}


bp.register_error_handler(CSRFError, csrf_refused)
