"""One gate for what no view should see: control characters, numbers that are not ASCII digits, values
too long to mean anything. Each is refused before the view runs, with a 400 that says which value and
why (a page, or JSON under /api), instead of a 500 from deep inside (PostgreSQL refuses NUL in text).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, RequestURITooLarge
from werkzeug.routing import IntegerConverter

from .catalog.records import FACT_COLUMNS, TEXT_COLUMNS
from .inputs import CONTROL_CHARACTER, control_character, is_number
from .search import InvalidParameter

# Longest query string accepted. Every link of ours is far shorter; gunicorn refuses request lines past
# 4 kB anyway, this holds for any server in front.
MAX_QUERY_STRING = 8192
# Largest row id a URL may name (PostgreSQL's INTEGER): a larger one is a 404, not a database error.
MAX_ID = 2**31 - 1
# Form fields that carry a number (a version seen, a term to merge into): digits or nothing.
NUMBER_FIELDS = ("version", "target")
# Forms whose text fields the catalogue validates itself (``catalog.records.validate``), so that a
# control character shows the form again with the field's error and everything typed, not an error page.
FIELD_CHECKED_FORMS: dict[str, frozenset[str]] = {
    "editor.new_material": frozenset((*TEXT_COLUMNS, *FACT_COLUMNS)) - {"slug", "status"},
    "editor.edit_material": frozenset((*TEXT_COLUMNS, *FACT_COLUMNS)) - {"slug", "status"},
    "editor.preview": frozenset({"description"}),
    # An advice list's texts (``lists.service``); ``notitie-*`` is every item's note.
    "lists.save": frozenset({"titel", "inleiding", "notitie-*"}),
}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BoundedInt(IntegerConverter):
    """``<int:…>`` in a route, never past ``MAX_ID``."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bound ``<int:…>`` routes and check every request first (call before blueprints are registered)."""
    app.url_map.converters["int"] = BoundedInt
    # First of all before-request functions: nothing else reads a value before it is checked.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)


def check_request() -> None:
    """Refuse a request whose address, parameters or form values no view should see."""
    character = control_character(request.path)
    if character:
        raise BadRequest(
            _(
                "Het adres bevat een onzichtbaar stuurteken (%(character)s). Controleer de link.",
                character=character,
            )
        )
    if len(request.query_string) > MAX_QUERY_STRING:
        raise RequestURITooLarge(_("Het adres is te lang."))
    for name, value in request.args.items(multi=True):
        character = control_character(name + value)
        if character:
            # Answered as any refused parameter is: the API's error names it.
            raise InvalidParameter(
                _printable(name),
                _(
                    "De parameter ‘%(name)s’ bevat een onzichtbaar stuurteken (%(character)s).",
                    name=_printable(name),
                    character=character,
                ),
            )
    if request.mimetype in FORM_TYPES:
        _check_form()


def _check_form() -> None:
    checked_by_view = FIELD_CHECKED_FORMS.get(request.endpoint or "", frozenset())
    for name, value in request.form.items(multi=True):
        if name in NUMBER_FIELDS and value and not is_number(value):
            raise BadRequest(_("Het veld ‘%(name)s’ moet een getal zijn.", name=name))
        checked = name in checked_by_view or f"{name.partition('-')[0]}-*" in checked_by_view
        character = control_character(name if checked else name + value)
        if character:
            raise BadRequest(
                _(
                    "Het veld ‘%(name)s’ bevat een onzichtbaar stuurteken (%(character)s). Er is niets "
                    "opgeslagen: ga terug, haal het teken weg en probeer het opnieuw.",
                    name=_printable(name),
                    character=character,
                )
            )
    for name, upload in request.files.items(multi=True):
        character = control_character(name + (upload.filename or ""))
        if character:
            raise BadRequest(
                _(
                    "De bestandsnaam bevat een onzichtbaar stuurteken (%(character)s). Geef het bestand "
                    "een andere naam en probeer het opnieuw.",
                    character=character,
                )
            )


def _printable(name: str) -> str:
    """A parameter's name as a message can show it: its control characters as '?'."""
    return CONTROL_CHARACTER.sub("?", name)[:40]
