"""Accounts (admins): invite an editor with a one-time password, reset it, deactivate or reactivate.

A one-time password opens one login, which must choose its own password first (``trefpunt.auth``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trefpunt.auth import services as accounts
from trefpunt.auth.forms import ROLE_LABELS, InviteForm
from trefpunt.auth.permissions import can_manage_users, requires
from trefpunt.catalog.errors import NotAllowed, ValidationError
from trefpunt.db import get_session

from .blueprint import bp


def _users_page(
    form: InviteForm, *, created=None, password: str | None = None, reset: bool = False, status: int = 200
):
    users = accounts.list_users(get_session())
    return render_template(
        "editor/users.html",
        users=users,
        form=form,
        created=created,
        password=password,
        reset=reset,
        roles=ROLE_LABELS,
    ), status


@bp.get("/gebruikers")
@requires(can_manage_users)
def users():
    return _users_page(InviteForm())


@bp.post("/gebruikers")
@requires(can_manage_users)
def invite():
    form = InviteForm()
    if not form.validate():
        return _users_page(form, status=422)
    session = get_session()
    try:
        user, password = accounts.invite_user(session, form.email.data, form.role.data, form.name.data or "")
    except ValidationError as error:
        session.rollback()
        for problem in error.errors:
            getattr(form, problem.field, form.email).errors.append(problem.message)
        return _users_page(form, status=422)
    session.commit()
    # Shown once, in this response only: never stored, flashed or sent again.
    return _users_page(InviteForm(formdata=None), created=user, password=password)


@bp.post("/gebruikers/<int:user_id>/wachtwoord")
@requires(can_manage_users)
def reset_password(user_id: int):
    session = get_session()
    # The account's logins end with it, in every worker and on every server.
    user, password = accounts.reset_password(session, user_id)
    session.commit()
    return _users_page(InviteForm(formdata=None), created=user, password=password, reset=True)


@bp.post("/gebruikers/<int:user_id>/<any(uitschakelen, inschakelen):action>")
@requires(can_manage_users)
def set_active(user_id: int, action: str):
    session = get_session()
    acting = accounts.get_user(session, current_user.id)
    try:
        user = accounts.set_active(session, user_id, action == "inschakelen", acting=acting)
    except NotAllowed as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("editor.users"))
    session.commit()
    if user.active:
        flash(_("Het account %(email)s kan weer inloggen.", email=user.email), "success")
    else:
        flash(
            _("Het account %(email)s is uitgeschakeld en kan niet meer inloggen.", email=user.email),
            "success",
        )
    return redirect(url_for("editor.users"))
