"""Materials: the list, the form (new and edit), the Markdown preview and the conflict page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from trefpunt.catalog import listing, review
from trefpunt.catalog.errors import Conflict, FieldError, ValidationError
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.records import MaterialRecord, validate
from trefpunt.catalog.services import (
    conflicts_reported,
    get_material,
    lock_material,
    record_of,
    save_material,
)
from trefpunt.catalog.vocabulary import Vocabulary, load_vocabulary
from trefpunt.db import get_session
from trefpunt.i18n import current_locale
from trefpunt.inputs import parse_int
from trefpunt.rendering import render_markdown

from . import forms
from .blueprint import bp


@bp.get("/")
def materials():
    session = get_session()
    vocabulary = load_vocabulary(session)
    list_request = listing.ListRequest.from_args(request.args, vocabulary)
    page = listing.list_materials(session, list_request, vocabulary, current_app.config["EDITOR_PER_PAGE"])
    return render_template("editor/list.html", page=page, vocabulary=vocabulary, statuses=list(Status))


@bp.route("/nieuw", methods=["GET", "POST"])
def new_material():
    session = get_session()
    vocabulary = load_vocabulary(session)
    if request.method == "GET":
        # From the search report: what searchers typed and did not find, as a first title.
        title = request.args.get("titel", "").strip()
        form, selections = forms.form_for(MaterialRecord(slug="", title=title), vocabulary, None)
        return _form_page(form, selections, vocabulary)
    form, selections = forms.MaterialForm(), forms.selections_from(request.form, vocabulary)
    if "preview" in request.form:
        return _form_page(form, selections, vocabulary, preview=True)
    record, errors = forms.record_from(form, selections, vocabulary, Status.DRAFT.value)
    errors += _claim_slug(session, record, chosen=bool((form.slug.data or "").strip()))
    if not errors and not form.not_a_duplicate.data:
        similar = listing.look_alikes(session, record.title, record.provider, record.url)
        if similar:
            return _form_page(form, selections, vocabulary, similar=similar)
    return _save(form, selections, vocabulary, record, errors, material=None)


def _claim_slug(session, record: MaterialRecord, *, chosen: bool) -> list[FieldError]:
    """Keep a new material from taking over an existing one's slug (saving by slug would update that one)."""

    def taken(slug: str) -> bool:
        return session.scalar(select(Material.id).where(Material.slug == slug)) is not None

    if not record.slug or not taken(record.slug):
        return []
    if chosen:
        return [FieldError("slug", f"de slug '{record.slug}' is al in gebruik; kies een andere")]
    number = 2
    while taken(f"{record.slug}-{number}"):
        number += 1
    record.slug = f"{record.slug}-{number}"
    return []


@bp.route("/leermiddel/<slug>", methods=["GET", "POST"])
def edit_material(slug: str):
    session = get_session()
    vocabulary = load_vocabulary(session)
    material = get_material(session, slug)
    change = review.open_change(session, material.id)
    in_review = review.needs_review(review_on(), material, change)
    if request.method == "GET":
        form, selections, overlapping = _edit_form(material, change if in_review else None, vocabulary)
        return _form_page(
            form, selections, vocabulary, material=material, change=change, overlapping=overlapping
        )
    form, selections = forms.MaterialForm(), forms.selections_from(request.form, vocabulary)
    if "preview" in request.form:
        return _form_page(form, selections, vocabulary, material=material, change=change, preview=True)
    # A draft whose publication waits for review stays a request to publish while it is edited.
    status = change.snapshot.get("status", material.status) if in_review and change else material.status
    record, errors = forms.record_from(form, selections, vocabulary, status)
    if in_review:
        return _submit(form, selections, vocabulary, record, errors, material=material, change=change)
    return _save(form, selections, vocabulary, record, errors, material=material)


def review_on() -> bool:
    return bool(current_app.config["REVIEW_BEFORE_PUBLISHING"])


def _edit_form(material: Material, change: review.ChangeReview | None, vocabulary: Vocabulary):
    """The form over the published material, or over its waiting change (carried onto the published
    version when that moved meanwhile), and the fields both changed."""
    if change is None:
        form, selections = forms.form_for(record_of(material, vocabulary), vocabulary, material.version)
        return form, selections, []
    copy = review.working_copy(change, material, vocabulary)
    form, selections = forms.form_for(copy.record, vocabulary, material.version)
    form.change_version.data = str(change.version)
    return form, selections, copy.overlapping


def _submit(form, selections, vocabulary: Vocabulary, record: MaterialRecord, errors, *, material, change):
    """Put the edit up for review instead of publishing it; on errors show the form again."""
    session = get_session()
    expected = parse_int(form.version.data, -1)
    expected_change = parse_int(form.change_version.data, -1) if form.change_version.data else None
    try:
        if errors:
            raise ValidationError(errors + validate(record, vocabulary)[1])
        with conflicts_reported():
            submitted = review.submit(
                session,
                lock_material(session, material.slug),
                record,
                author=current_user.email,
                vocabulary=vocabulary,
                expected_version=expected,
                expected_change_version=expected_change,
            )
            session.commit()
    except ValidationError as error:
        session.rollback()
        return _form_page(
            form, selections, vocabulary, material=material, change=change, errors=error.errors, status=422
        )
    except Conflict:
        session.rollback()
        return _conflict_page(material, record, vocabulary)
    flash(submitted_message(submitted), "success")
    return redirect(url_for("editor.edit_material", slug=material.slug))


def submitted_message(change: review.ChangeReview | None) -> str:
    if change is None:
        return _("Dit is gelijk aan de gepubliceerde versie, dus er wacht niets op beoordeling.")
    return _(
        "Ingediend ter beoordeling. De openbare pagina blijft zoals hij was tot een andere redacteur "
        "de wijziging publiceert."
    )


@bp.post("/voorbeeld")
def preview():
    """The description as the public will see it, for the form's live preview."""
    return str(render_markdown(request.form.get("description", "")[:50_000]))


def _save(
    form, selections, vocabulary: Vocabulary, record: MaterialRecord, errors, *, material: Material | None
):
    """Validate and store; on errors show the form again with everything the editor typed."""
    session = get_session()
    original = material.slug if material is not None else None
    # A form without a readable version cannot prove it saw the latest one: treat it as stale.
    expected = parse_int(form.version.data, -1) if material is not None else None
    try:
        if errors:
            raise ValidationError(errors + validate(record, vocabulary)[1])
        # The commit too: PostgreSQL may report a lost race (a serialization failure) only there.
        with conflicts_reported():
            saved = save_material(
                session, record, author=current_user.email, original_slug=original, expected_version=expected
            )
            session.commit()
    except ValidationError as error:
        session.rollback()
        return _form_page(form, selections, vocabulary, material=material, errors=error.errors, status=422)
    except Conflict:
        session.rollback()
        return _conflict_page(material, record, vocabulary)
    flash(saved_message(saved), "success")
    return redirect(url_for("editor.edit_material", slug=saved.slug))


def saved_message(material: Material) -> str:
    if material.status == Status.PUBLISHED:
        return _("Opgeslagen. De wijziging is meteen te vinden in de openbare zoekfunctie.")
    if material.status == Status.ARCHIVED:
        return _("Opgeslagen. Dit leermiddel is gearchiveerd en staat niet in de openbare zoekfunctie.")
    return _("Opgeslagen als concept. Een concept is nog niet openbaar; publiceer het als het klaar is.")


def _form_page(
    form,
    selections,
    vocabulary,
    *,
    material=None,
    change=None,
    overlapping=(),
    errors=(),
    similar=(),
    preview=False,
    status=200,
):
    picked = forms.choices(form, selections, vocabulary)
    problems = [
        (e, field_label(e.field, form, vocabulary), forms.anchor(e.field, vocabulary, picked)) for e in errors
    ]
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message)
    html = render_markdown(form.description.data or "") if preview else None
    page = render_template(
        "editor/form.html",
        form=form,
        picked=picked,
        material=material,
        problems=problems,
        errors=by_field,
        similar=similar,
        preview_html=html,
        vocabulary=vocabulary,
        # The version editors see is the revision number History lists, not the lock counter.
        revision=review.revision_number(get_session(), material) if material else 0,
        change=change,
        in_review=review.needs_review(review_on(), material, change),
        overlapping=overlapping,
    )
    return page, status


def field_label(name: str, form, vocabulary: Vocabulary) -> str:
    if name in forms.TEXT_FIELDS:
        return str(getattr(form, name).label.text)
    if name in vocabulary.by_param:
        return vocabulary.by_param[name].label(current_locale())
    return {"status": _("Status")}.get(name, name)


def _conflict_page(material: Material, mine: MaterialRecord, vocabulary: Vocabulary):
    session = get_session()
    current = get_material(session, material.slug)
    change = review.open_change(session, current.id)
    if not review.needs_review(review_on(), current, change):
        change = None
    # With a change waiting for review, that is the version the editor's save would replace.
    stored = (
        review.working_copy(change, current, vocabulary).record if change else record_of(current, vocabulary)
    )
    theirs = stored.to_dict(vocabulary)
    skip = ("csrf_token", "version", "change_version")
    resend = [(k, v) for k, v in request.form.items(multi=True) if k not in skip]
    return (
        render_template(
            "editor/conflict.html",
            material=current,
            mine=mine.to_dict(vocabulary),
            theirs=theirs,
            resend=resend,
            vocabulary=vocabulary,
            revision=review.revision_number(session, current),
            change_version=change.version if change else None,
        ),
        409,
    )
