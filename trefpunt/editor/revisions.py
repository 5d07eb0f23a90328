"""A material's history: its revisions, the difference between any two, and restoring an old one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trefpunt.catalog import review
from trefpunt.catalog import revisions as history
from trefpunt.catalog.errors import Conflict, ValidationError
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import get_material, lock_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.inputs import parse_int

from .blueprint import bp
from .materials import review_on, saved_message, submitted_message


def _number(name: str, default: int, numbers: list[int]) -> int:
    number = parse_int(request.args.get(name), default)
    return number if number in numbers else default


@bp.get("/leermiddel/<slug>/geschiedenis")
def history_page(slug: str):
    session = get_session()
    vocabulary = load_vocabulary(session)
    material, revisions = history.revisions(session, slug)
    numbers = [r.number for r in revisions]
    newest = numbers[0] if numbers else 0
    new = _number("naar", newest, numbers)
    old = _number("van", new - 1 if new - 1 in numbers else new, numbers)
    by_number = {r.number: r for r in revisions}
    changes = []
    if new in by_number and old in by_number:
        changes = history.diff(by_number[old].snapshot, by_number[new].snapshot, vocabulary)
    return render_template(
        "editor/history.html",
        material=material,
        revisions=revisions,
        old=old,
        new=new,
        changes=changes,
        vocabulary=vocabulary,
        field_order=history.field_order(vocabulary),
    )


def _restore_for_review(session, slug: str, number: int):
    """With review on, restoring a published material's old text is a change like any other: it waits."""
    vocabulary = load_vocabulary(session)
    try:
        material = lock_material(session, slug)
        change = review.open_change(session, material.id)
        old = history.get_revision(session, material, number)
        record = MaterialRecord.from_mapping(old.snapshot, vocabulary)
        record.status = change.snapshot["status"] if change else material.status
        submitted = review.submit(
            session,
            material,
            record,
            author=current_user.email,
            vocabulary=vocabulary,
            expected_version=parse_int(request.form.get("version"), -1),
            expected_change_version=change.version if change else None,
        )
    except (ValidationError, Conflict) as error:
        session.rollback()
        flash(_("Terugzetten lukte niet: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("editor.history_page", slug=slug))
    session.commit()
    flash(submitted_message(submitted), "success")
    return redirect(url_for("editor.edit_material", slug=slug))


def _restore(session, slug: str, number: int):
    material = get_material(session, slug)
    if review.needs_review(review_on(), material, review.open_change(session, material.id)):
        return _restore_for_review(session, slug, number)
    version = request.form.get("version")
    try:
        saved = history.restore(
            session,
            slug,
            number,
            author=current_user.email,
            expected_version=parse_int(version, -1),
        )
    except (ValidationError, Conflict) as error:
        session.rollback()
        flash(_("Terugzetten lukte niet: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("editor.history_page", slug=slug))
    session.commit()
    restored = _("Versie %(number)s is teruggezet als nieuwe versie.", number=number)
    flash(f"{restored} {saved_message(saved)}", "success")
    return redirect(url_for("editor.history_page", slug=saved.slug))


@bp.route("/leermiddel/<slug>/versie/<int:number>/terugzetten", methods=["GET", "POST"])
def restore(slug: str, number: int):
    session = get_session()
    vocabulary = load_vocabulary(session)
    material, _revisions = history.revisions(session, slug)
    revision = history.get_revision(session, material, number)
    if request.method == "POST":
        return _restore(session, slug, number)
    changes = history.diff(history.current_snapshot(material, vocabulary), revision.snapshot, vocabulary)
    return render_template(
        "editor/confirm_restore.html",
        material=material,
        revision=revision,
        changes=changes,
        vocabulary=vocabulary,
    )
