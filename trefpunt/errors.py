"""Domain exceptions to HTTP answers: JSON under /api, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .catalog.errors import Conflict, NotAllowed, NotFound, ValidationError
from .search import InvalidParameter, SearchUnavailable

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _answer(status: int, message: str, **extra):
    if wants_json():
        return jsonify({"error": {"status": status, "message": message, **extra}}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(InvalidParameter)
    def invalid_parameter(exc: InvalidParameter):
        return _answer(400, exc.message, parameter=exc.param)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return _answer(404, str(exc))

    @app.errorhandler(NotAllowed)
    def not_allowed(exc: NotAllowed):
        return _answer(403, str(exc))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict):
        return _answer(409, str(exc))

    @app.errorhandler(ValidationError)
    def invalid(exc: ValidationError):
        return _answer(422, str(exc), fields=[{"field": e.field, "message": e.message} for e in exc.errors])

    @app.errorhandler(SearchUnavailable)
    def search_unavailable(exc: SearchUnavailable):
        log.error("search unavailable: %s", exc)
        return _answer(
            503, _("Zoeken is tijdelijk niet mogelijk. Probeer het over een paar minuten opnieuw.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            404: _("Deze pagina bestaat niet (meer)."),
            405: _("Deze actie is hier niet toegestaan."),
            413: _("Het bestand is te groot."),
        }
        return _answer(exc.code or 500, messages.get(exc.code, exc.description or exc.name))
