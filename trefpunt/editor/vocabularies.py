"""Vocabulary administration (admins): add, relabel, reorder, hide, merge and delete terms."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from trefpunt.auth.permissions import can_manage_vocabularies, requires
from trefpunt.catalog import vocab_admin
from trefpunt.catalog.errors import NotAllowed, ValidationError
from trefpunt.catalog.models import Facet
from trefpunt.catalog.vocabulary import LEVEL_FACET
from trefpunt.db import get_session
from trefpunt.inputs import parse_int

from .blueprint import bp


@bp.get("/vocabulaires")
@requires(can_manage_vocabularies)
def vocabularies():
    session = get_session()
    facets = session.scalars(select(Facet).where(Facet.kind == "controlled").order_by(Facet.position)).all()
    return render_template("editor/vocabularies.html", facets=facets)


@bp.get("/vocabulaires/<name>")
@requires(can_manage_vocabularies)
def vocabulary(name: str, errors=(), status: int = 200):
    session = get_session()
    facet = vocab_admin.get_facet(session, name)
    schemes = list(dict.fromkeys(t.group_nl for t in facet.terms)) if name == LEVEL_FACET else []
    return render_template(
        "editor/vocabulary.html",
        facet=facet,
        usage=vocab_admin.usage(session, name),
        schemes=schemes,
        errors=list(errors),
        form=request.form,
    ), status


@bp.post("/vocabulaires/<name>/termen")
@requires(can_manage_vocabularies)
def add_term(name: str):
    form = request.form
    return _change(
        name,
        lambda s: vocab_admin.add_term(
            s,
            name,
            form.get("key", ""),
            form.get("label_nl", ""),
            form.get("label_en", ""),
            scheme=form.get("scheme", ""),
        ),
        _("De term is toegevoegd."),
    )


TERM_ACTIONS = "any(naam, omhoog, omlaag, verbergen, tonen, samenvoegen, verwijderen)"


@bp.post(f"/vocabulaires/<name>/termen/<int:term_id>/<{TERM_ACTIONS}:action>")
@requires(can_manage_vocabularies)
def term_action(name: str, term_id: int, action: str):
    form = request.form
    actions = {
        "naam": (
            lambda s: vocab_admin.relabel(s, term_id, form.get("label_nl", ""), form.get("label_en", "")),
            _("De naam is gewijzigd."),
        ),
        "omhoog": (lambda s: vocab_admin.move(s, term_id, -1), _("De volgorde is aangepast.")),
        "omlaag": (lambda s: vocab_admin.move(s, term_id, +1), _("De volgorde is aangepast.")),
        "verbergen": (
            lambda s: vocab_admin.set_hidden(s, term_id, True),
            _("De term is verborgen voor nieuw gebruik."),
        ),
        "tonen": (lambda s: vocab_admin.set_hidden(s, term_id, False), _("De term wordt weer aangeboden.")),
        "samenvoegen": (lambda s: _merge(s, term_id, form.get("target", "")), None),
        "verwijderen": (lambda s: vocab_admin.delete_term(s, term_id), _("De term is verwijderd.")),
    }
    change, message = actions[action]
    return _change(name, change, message)


def _merge(session, term_id: int, target: str) -> None:
    target_id = parse_int(target, -1)
    moved = vocab_admin.merge(session, term_id, target_id, author=current_user.email)
    flash(_("De termen zijn samengevoegd; %(n)s leermiddel(en) zijn meeverhuisd.", n=moved), "success")


def _change(name: str, change, message: str | None):
    """Run one change in one transaction; show the vocabulary again with the problem when it fails."""
    session = get_session()
    vocab_admin.get_facet(session, name)
    try:
        change(session)
    except (ValidationError, NotAllowed) as error:
        session.rollback()
        problems = error.errors if isinstance(error, ValidationError) else [str(error)]
        return vocabulary(name, errors=problems, status=422)
    session.commit()
    if message:
        flash(message, "success")
    return redirect(url_for("editor.vocabulary", name=name))
