"""Review before publishing: the queue of waiting changes, one change's differences, and the decisions
(publish, send back with a comment, withdraw). Every decision is a POST; the rules live in catalog.review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trefpunt.auth.permissions import can_review_changes, can_withdraw_any_change
from trefpunt.catalog import review
from trefpunt.catalog.errors import Conflict, NotAllowed, ValidationError
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.inputs import parse_int

from .blueprint import bp
from .materials import review_on, saved_message


@bp.get("/beoordelen")
def review_queue():
    changes = review.queue(get_session())
    waiting = [c for c in changes if c.state == review.ChangeState.PENDING]
    sent_back = [c for c in changes if c.state == review.ChangeState.SENT_BACK]
    return render_template(
        "editor/review_queue.html", waiting=waiting, sent_back=sent_back, enabled=review_on()
    )


@bp.get("/beoordelen/<int:change_id>")
def review_change(change_id: int):
    return _review_page(change_id)


def _review_page(change_id: int, *, errors: dict | None = None, comment: str = "", status: int = 200):
    """The change's differences from the version it was made from, what moved underneath, and the buttons
    this editor may use (none to decide on their own change)."""
    session = get_session()
    vocabulary = load_vocabulary(session)
    change = review.get_change(session, change_id)
    material = change.material
    stale = change.is_open and review.is_stale(change, material)
    page = render_template(
        "editor/review.html",
        change=change,
        material=material,
        changes=review.changes_of(change, vocabulary),
        underneath=review.changed_underneath(change, material, vocabulary) if stale else [],
        stale=stale,
        own=not review.may_review(change, current_user.email),
        may_review=can_review_changes(current_user),
        may_withdraw=current_user.email in change.authors or can_withdraw_any_change(current_user),
        vocabulary=vocabulary,
        errors=errors or {},
        comment=comment,
    )
    return page, status


@bp.post("/beoordelen/<int:change_id>/publiceren")
def approve_change(change_id: int):
    if not can_review_changes(current_user):
        abort(403)
    session = get_session()
    try:
        saved = review.approve(session, change_id, reviewer=current_user.email, expected_version=_version())
        session.commit()
    except (NotAllowed, Conflict, ValidationError) as refused:
        session.rollback()
        return _refused(change_id, refused)
    flash(_("Gepubliceerd na beoordeling.") + " " + saved_message(saved), "success")
    return redirect(url_for("editor.review_queue"))


@bp.post("/beoordelen/<int:change_id>/terugsturen")
def send_back_change(change_id: int):
    if not can_review_changes(current_user):
        abort(403)
    session = get_session()
    comment = request.form.get("comment", "")
    try:
        review.send_back(
            session, change_id, reviewer=current_user.email, comment=comment, expected_version=_version()
        )
        session.commit()
    except ValidationError as error:
        session.rollback()
        messages = {e.field: e.message for e in error.errors}
        return _review_page(change_id, errors=messages, comment=comment, status=422)
    except (NotAllowed, Conflict) as refused:
        session.rollback()
        return _refused(change_id, refused, comment=comment)
    flash(_("Teruggestuurd. De auteur ziet uw opmerking bij het leermiddel."), "success")
    return redirect(url_for("editor.review_queue"))


@bp.post("/beoordelen/<int:change_id>/intrekken")
def withdraw_change(change_id: int):
    session = get_session()
    try:
        change = review.withdraw(
            session,
            change_id,
            editor=current_user.email,
            may_withdraw_any=can_withdraw_any_change(current_user),
            expected_version=_version(),
        )
        session.commit()
    except (NotAllowed, Conflict) as refused:
        session.rollback()
        return _refused(change_id, refused)
    flash(_("Ingetrokken. De gepubliceerde versie blijft zoals hij was."), "success")
    return redirect(url_for("editor.edit_material", slug=change.material.slug))


def _version() -> int:
    # A form without a readable version cannot prove which version of the change it showed.
    return parse_int(request.form.get("version"), -1)


def _refused(change_id: int, refused: Exception, *, comment: str = ""):
    """The review page again with why the decision was refused: 403 for one's own change, else 409."""
    status = 403 if isinstance(refused, NotAllowed) else 409
    if isinstance(refused, ValidationError):
        status = 422
    message = str(refused)
    # Two reviewers at once: however the database noticed, the loser learns the change was decided.
    if isinstance(refused, Conflict) and not review.get_change(get_session(), change_id).is_open:
        message = review.NOT_WAITING
    return _review_page(change_id, errors={"decision": message}, comment=comment, status=status)
