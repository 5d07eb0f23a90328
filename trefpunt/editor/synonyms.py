"""Everyday synonyms (editors): the list, add, edit and delete, each change a POST in one transaction."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from trefpunt.catalog import synonyms as catalog
from trefpunt.catalog.errors import ValidationError
from trefpunt.catalog.models import Synonym
from trefpunt.db import get_session

from .blueprint import bp

ONE_WAY, TWO_WAY = "een-kant", "twee-kanten"
DIRECTIONS = {
    ONE_WAY: _l("Eén kant op: wie het zoekwoord zoekt, vindt ook de woorden hierboven"),
    TWO_WAY: _l("Twee kanten op: alle woorden betekenen hetzelfde en vinden elkaar"),
}


class SynonymForm(FlaskForm):
    phrase = StringField(_l("Zoekwoord"))
    expansions = TextAreaField(_l("Betekent ook"))
    # Rendered as two radio buttons by the template, as the invite form does with roles.
    direction = StringField(_l("Richting"), default=ONE_WAY)
    note = StringField(_l("Toelichting (niet verplicht)"))

    def data_for_catalog(self) -> catalog.SynonymData:
        return catalog.SynonymData(
            phrase=self.phrase.data or "",
            expansions=catalog.split_expansions(self.expansions.data or ""),
            two_way=self.direction.data == TWO_WAY,
            note=self.note.data or "",
        )


def _form_for(synonym: Synonym) -> SynonymForm:
    return SynonymForm(
        formdata=None,
        data={
            "phrase": synonym.phrase,
            "expansions": "\n".join(synonym.expansions),
            "direction": TWO_WAY if synonym.two_way else ONE_WAY,
            "note": synonym.note,
        },
    )


@bp.get("/synoniemen")
def synonyms():
    return render_template("editor/synonyms.html", synonyms=catalog.list_synonyms(get_session()))


@bp.route("/synoniemen/nieuw", methods=["GET", "POST"])
def new_synonym():
    if request.method == "GET":
        # From the search report: what searchers typed, as the phrase to give a meaning.
        return _form_page(SynonymForm(data={"phrase": request.args.get("zoekwoord", "").strip()}))
    form = SynonymForm()
    return _save(form, None, lambda session, data: catalog.create_synonym(session, data))


@bp.route("/synoniemen/<int:synonym_id>", methods=["GET", "POST"])
def edit_synonym(synonym_id: int):
    synonym = catalog.get_synonym(get_session(), synonym_id)
    if request.method == "GET":
        return _form_page(_form_for(synonym), synonym)
    return _save(
        SynonymForm(), synonym, lambda session, data: catalog.update_synonym(session, synonym_id, data)
    )


@bp.route("/synoniemen/<int:synonym_id>/verwijderen", methods=["GET", "POST"])
def delete_synonym(synonym_id: int):
    session = get_session()
    synonym = catalog.get_synonym(session, synonym_id)
    if request.method == "GET":
        return render_template("editor/confirm_synonym_delete.html", synonym=synonym)
    phrase = synonym.phrase
    catalog.delete_synonym(session, synonym_id)
    session.commit()
    flash(_("Het synoniem voor ‘%(phrase)s’ is verwijderd.", phrase=phrase), "success")
    return redirect(url_for("editor.synonyms"))


def _save(form: SynonymForm, synonym: Synonym | None, change):
    """Run one change in one transaction; show the form again, as typed, with the problems when it fails."""
    session = get_session()
    try:
        saved = change(session, form.data_for_catalog())
    except ValidationError as error:
        session.rollback()
        return _form_page(form, synonym, errors=error.errors, status=422)
    session.commit()
    flash(_("Het synoniem voor ‘%(phrase)s’ is opgeslagen.", phrase=saved.phrase), "success")
    return redirect(url_for("editor.synonyms"))


def _form_page(form: SynonymForm, synonym: Synonym | None = None, *, errors=(), status: int = 200):
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(_(error.message))
    fields = {name: getattr(form, name) for name in ("phrase", "expansions", "note")}
    # (label, message, id of the input the summary links to); the domain only reports these fields.
    problems = [
        (fields[e.field].label.text, _(e.message), e.field)
        if e.field in fields
        else ("", _(e.message), "phrase")
        for e in errors
    ]
    page = render_template(
        "editor/synonym_form.html",
        form=form,
        synonym=synonym,
        errors=by_field,
        problems=problems,
        directions=DIRECTIONS,
    )
    return page, status
