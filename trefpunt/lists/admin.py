"""``/beheer/advieslijsten``: editors find a list by its link (read or edit, as it was reported to them)
and remove it. There is no list of lists to browse: a list is seen by whoever holds its link."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from trefpunt.auth.permissions import can_edit_materials
from trefpunt.auth.views import csrf_refused
from trefpunt.db import get_session
from trefpunt.extensions import login_manager

from . import service

log = logging.getLogger(__name__)
bp = Blueprint("list_admin", __name__)
bp.register_error_handler(CSRFError, csrf_refused)


@bp.before_request
def require_editor():
    if not can_edit_materials(current_user):
        return login_manager.unauthorized()
    return None


@bp.get("/")
def find():
    link = request.args.get("link", "").strip()[:2000]
    session = get_session()
    found = service.find_by_link(session, link) if link else None
    if found:
        service.load_list(session, found[0])
    return render_template("lists/admin.html", link=link, found=found)


@bp.post("/<int:list_id>/verwijderen")
def remove(list_id: int):
    """Remove the list the form names, checked again by its read token (never by id alone)."""
    session = get_session()
    advice_list = service.find_for_reading(session, request.form.get("leeslink_token", ""))
    if advice_list.id != list_id:
        return redirect(url_for("list_admin.find"), 303)
    title = advice_list.title
    service.delete_list(session, advice_list)
    session.commit()
    log.warning("advice list %s removed by %s", list_id, current_user.email)
    flash(
        _("De advieslijst ‘%(title)s’ is verwijderd. Beide links werken niet meer.", title=title), "success"
    )
    return redirect(url_for("list_admin.find"), 303)
