"""Absolute addresses of this site, always under the configured ``PUBLIC_BASE_URL``.

Never from the request: its Host header is whatever the client sent, and a link that people share,
search engines index (canonical, JSON-LD) or programs follow (the API document) must not carry it.
"""

from __future__ import annotations

from flask import Flask, current_app, url_for


def public_url(path: str) -> str:
    """``path`` (as ``url_for`` builds it, starting with /) as an absolute address of the site."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def external_url_for(endpoint: str, **values: object) -> str:
    """``url_for(endpoint, **values)`` as an absolute address: what ``_external=True`` would give,
    with the configured base instead of the request's host."""
    return public_url(url_for(endpoint, **values))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
