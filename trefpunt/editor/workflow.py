"""Publishing, archiving, deleting (a soft delete: archiving) and restoring: a confirmation, then a POST."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trefpunt.catalog import review
from trefpunt.catalog.errors import Conflict, ValidationError
from trefpunt.catalog.models import Status
from trefpunt.catalog.services import get_material, set_status
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.inputs import parse_int

from .blueprint import bp
from .materials import review_on, saved_message, submitted_message


@dataclass(frozen=True)
class Step:
    target: Status
    allowed_from: tuple[Status, ...]
    title: str
    question: str
    button: str


STEPS = {
    "publiceren": Step(
        Status.PUBLISHED,
        (Status.DRAFT, Status.ARCHIVED),
        _l("Publiceren"),
        _l("Na publiceren is dit leermiddel voor iedereen te vinden in de openbare zoekfunctie."),
        _l("Ja, publiceren"),
    ),
    "archiveren": Step(
        Status.ARCHIVED,
        (Status.PUBLISHED, Status.DRAFT),
        _l("Archiveren"),
        _l("Een gearchiveerd leermiddel verdwijnt uit de openbare zoekfunctie. U kunt het later herstellen."),
        _l("Ja, archiveren"),
    ),
    "verwijderen": Step(
        Status.ARCHIVED,
        (Status.PUBLISHED, Status.DRAFT),
        _l("Verwijderen"),
        _l(
            "Verwijderen is veilig: het leermiddel gaat naar het archief, met zijn hele geschiedenis, "
            "en u kunt het daar altijd herstellen."
        ),
        _l("Ja, verwijderen"),
    ),
    "concept": Step(
        Status.DRAFT,
        (Status.PUBLISHED,),
        _l("Terug naar concept"),
        _l("Als concept is het leermiddel niet meer openbaar; u kunt het rustig bijwerken."),
        _l("Ja, terug naar concept"),
    ),
    "herstellen": Step(
        Status.DRAFT,
        (Status.ARCHIVED,),
        _l("Herstellen"),
        _l("Het leermiddel komt terug als concept. Publiceer het daarna als het weer openbaar mag."),
        _l("Ja, herstellen"),
    ),
}


# Publishing when review before publishing is on: the draft waits for another editor.
PUBLISH_AFTER_REVIEW = Step(
    Status.PUBLISHED,
    (Status.DRAFT, Status.ARCHIVED),
    _l("Ter beoordeling aanbieden"),
    _l(
        "Een andere redacteur bekijkt het leermiddel en publiceert het daarna; tot dan is het niet openbaar. "
        "U kunt het intussen blijven bijwerken."
    ),
    _l("Ja, ter beoordeling aanbieden"),
)


def steps_for(status: str) -> list[tuple[str, Step]]:
    """The workflow steps open to a material in ``status``, for its buttons."""
    return [(name, step) for name, step in STEPS.items() if Status(status) in step.allowed_from]


@bp.route(
    "/leermiddel/<slug>/<any(publiceren, archiveren, verwijderen, concept, herstellen):action>",
    methods=["GET", "POST"],
)
def change_status(slug: str, action: str):
    session = get_session()
    material = get_material(session, slug)
    step = STEPS[action]
    if action == "publiceren" and review_on():
        step = PUBLISH_AFTER_REVIEW
    if Status(material.status) not in step.allowed_from:
        abort(409, description=_("Deze stap kan niet vanuit de huidige status."))
    errors = []
    if request.method == "POST":
        try:
            return _take_step(session, slug, step)
        except ValidationError as error:
            session.rollback()
            errors = error.errors
    return render_template(
        "editor/confirm_status.html", material=material, step=step, action=action, errors=errors
    ), (422 if errors else 200)


def _take_step(session, slug: str, step: Step):
    """Change the status and say what it means; a newer save in between sends the editor back to look."""
    version = request.form.get("version")
    if step is PUBLISH_AFTER_REVIEW:
        return _request_publication(session, slug, parse_int(version, -1))
    try:
        saved = set_status(
            session,
            slug,
            step.target,
            author=current_user.email,
            expected_version=parse_int(version, -1),
        )
    except Conflict:
        session.rollback()
        message = _(
            "Iemand anders heeft dit leermiddel intussen gewijzigd. "
            "Bekijk de nieuwe versie en probeer het opnieuw."
        )
        flash(message, "error")
        return redirect(url_for("editor.edit_material", slug=slug))
    session.commit()
    flash(saved_message(saved), "success")
    return redirect(url_for("editor.edit_material", slug=saved.slug))


def _request_publication(session, slug: str, version: int):
    """Put the draft up for review; ValidationError (an incomplete record) goes back to the confirmation."""
    try:
        change = review.request_publication(
            session,
            slug,
            author=current_user.email,
            vocabulary=load_vocabulary(session),
            expected_version=version,
        )
    except Conflict:
        session.rollback()
        flash(
            _("Iemand anders heeft dit leermiddel intussen gewijzigd. Bekijk het en probeer het opnieuw."),
            "error",
        )
        return redirect(url_for("editor.edit_material", slug=slug))
    session.commit()
    flash(submitted_message(change), "success")
    return redirect(url_for("editor.edit_material", slug=slug))


@bp.context_processor
def workflow_helpers():
    return {"workflow_steps": steps_for}
