"""Interface language: Dutch first, English beside it, chosen by ``?taal=`` and remembered in a cookie."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale

from .extensions import babel

LANGUAGE_COOKIE = "taal"


def select_locale() -> str:
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or "nl")


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(_translations()))
    babel.init_app(app, locale_selector=select_locale)

    @app.after_request
    def remember_language(response):
        chosen = request.args.get("lang")
        if chosen in app.config["BABEL_SUPPORTED_LOCALES"] and request.cookies.get(LANGUAGE_COOKIE) != chosen:
            response.set_cookie(
                LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
            )
        return response

    app.jinja_env.globals["current_locale"] = current_locale


def _translations():
    from pathlib import Path

    return Path(__file__).parent / "translations"
