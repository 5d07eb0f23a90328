"""``/auth``: logging in and out, and changing one's own password."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from trefpunt.catalog.errors import ValidationError
from trefpunt.db import get_session

from . import limiting, services
from .forms import LoginForm, PasswordForm
from .identity import Editor, safe_next

bp = Blueprint("auth", __name__)


def csrf_refused(_error: CSRFError):
    """A form without a valid token is refused; most often the page was open longer than the token lives."""
    message = _(
        "Dit formulier is verlopen of niet compleet verstuurd. "
        "Laad de pagina opnieuw en probeer het nog eens."
    )
    return render_template("error.html", status=400, message=message), 400


bp.register_error_handler(CSRFError, csrf_refused)


def login_limit() -> limiting.Limit:
    config = current_app.config
    return limiting.Limit(
        failures=config["LOGIN_MAX_FAILURES"],
        window=dt.timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"]),
    )


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    form = LoginForm()
    target = safe_next(form.next.data or request.args.get("next"), url_for("editor.materials"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    form.next.data = target
    error, status = None, 200
    if form.validate_on_submit():
        db = get_session()
        outcome = services.attempt_login(
            db, form.email.data, form.password.data, address=request.remote_addr, limit=login_limit()
        )
        db.commit()
        if outcome.user is not None:
            # A fresh session at login: nothing an attacker planted in the old cookie carries over.
            session.clear()
            login_user(Editor.of(outcome.user))
            return redirect(target)
        if outcome.block is not None:
            error, status = _block_message(outcome.block), 429
        else:
            error, status = _("Het e-mailadres of het wachtwoord klopt niet."), 401
    return render_template("auth/login.html", form=form, error=error), status


def _block_message(block: limiting.Block) -> str:
    return _(
        "Er is te vaak een verkeerd wachtwoord ingevuld. Om uw account te beschermen kunt u het over "
        "%(minutes)s minuten opnieuw proberen.",
        minutes=block.minutes,
    )


@bp.post("/uitloggen")
def logout():
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = services.get_user(db, current_user.id)
        try:
            services.change_password(db, user, form.current.data, form.new.data)
        except ValidationError as error:
            for problem in error.errors:
                getattr(form, problem.field).errors.append(problem.message)
        else:
            db.commit()
            # The session token changed with the password: log in again under the new one.
            session.clear()
            login_user(Editor.of(user))
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("editor.materials"))
    return render_template("auth/password.html", form=form)
