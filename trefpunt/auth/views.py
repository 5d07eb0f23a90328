"""``/auth``: logging in and out, and changing one's own password."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from trefpunt.catalog.errors import ValidationError
from trefpunt.db import get_session

from . import limiting, services, sessions
from .forms import LoginForm, OwnPasswordForm, PasswordForm
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
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, error=None)
    db = get_session()
    outcome = services.attempt_login(
        db, form.email.data, form.password.data, address=request.remote_addr, limit=login_limit()
    )
    if outcome.user is None:
        db.commit()
        return _refused(form, outcome)
    _start_login(db, outcome.user)
    if outcome.user.must_change_password:
        return redirect(url_for("auth.password", next=target))
    return redirect(target)


def _start_login(db, user) -> None:
    """Open a login for ``user`` in a fresh session: nothing an attacker planted in the old cookie carries
    over, and the old cookie's login (if any) no longer counts."""
    token = sessions.start(db, user)
    db.commit()
    session.clear()
    login_user(Editor.of(user, token))


def _refused(form: LoginForm, outcome: services.LoginOutcome):
    if outcome.block is not None:
        page = render_template("auth/login.html", form=form, error=_block_message(outcome.block))
        return page, 429, {"Retry-After": str(outcome.block.seconds)}
    if outcome.one_time_password_spent:
        error = _(
            "Dit eenmalige wachtwoord is al gebruikt en werkt niet nog een keer. "
            "Vraag een beheerder om een nieuw wachtwoord."
        )
    else:
        error = _("Het e-mailadres of het wachtwoord klopt niet.")
    return render_template("auth/login.html", form=form, error=error), 401


def _block_message(block: limiting.Block) -> str:
    if block.reason == "address":
        return ngettext(
            "Vanaf uw adres is te vaak een verkeerd wachtwoord ingevuld. "
            "U kunt het over %(num)s minuut opnieuw proberen.",
            "Vanaf uw adres is te vaak een verkeerd wachtwoord ingevuld. "
            "U kunt het over %(num)s minuten opnieuw proberen.",
            block.minutes,
        )
    return ngettext(
        "Voor dit account is kort geleden een verkeerd wachtwoord ingevuld. "
        "Om het te beschermen kunt u het over %(num)s seconde opnieuw proberen.",
        "Voor dit account is kort geleden een verkeerd wachtwoord ingevuld. "
        "Om het te beschermen kunt u het over %(num)s seconden opnieuw proberen.",
        block.seconds,
    )


@bp.post("/uitloggen")
def logout():
    if current_user.is_authenticated:
        # Ending the login in the database is what makes a copied cookie useless, on every server.
        db = get_session()
        sessions.end(db, current_user.token)
        db.commit()
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def password():
    first = current_user.must_change_password
    form = OwnPasswordForm() if first else PasswordForm()
    target = safe_next(form.next.data or request.args.get("next"), url_for("editor.materials"))
    form.next.data = target
    if form.validate_on_submit():
        db = get_session()
        user = services.get_user(db, current_user.id)
        try:
            if first:
                services.choose_own_password(db, user, form.new.data)
            else:
                services.change_password(db, user, form.current.data, form.new.data)
        except ValidationError as error:
            db.rollback()
            for problem in error.errors:
                getattr(form, problem.field).errors.append(_(problem.message))
        else:
            # Every login of the account ended with the new password; this browser gets a fresh one.
            _start_login(db, user)
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(target)
    return render_template(
        "auth/password.html", form=form, first=first, min_length=services.MIN_PASSWORD_LENGTH
    )
