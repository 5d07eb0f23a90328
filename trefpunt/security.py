"""Security headers on every response; over HTTPS, HSTS and Secure cookies; no-store for editors."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# One year: browsers then refuse plain HTTP to this host for that long after one HTTPS visit.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
# Pages that show an account, a password or unpublished work: no browser or proxy may keep a copy.
PRIVATE_PATHS = ("/beheer", "/auth")


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith(PRIVATE_PATHS):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.wsgi_app = HttpsAnswers(app.wsgi_app, always_secure=bool(app.config["SESSION_COOKIE_SECURE"]))


class HttpsAnswers:
    """WSGI middleware: an answer over HTTPS carries HSTS, and every cookie it sets is Secure.

    Middleware rather than an ``after_request`` function: the session cookie is written after those
    have run. Whether a request came over HTTPS is ``wsgi.url_scheme``, which ProxyFix (outside this)
    sets from a trusted proxy's X-Forwarded-Proto. ``always_secure`` marks cookies Secure on plain HTTP
    too, for TLS ended by a proxy that does not say so.
    """

    def __init__(self, app: Callable, *, always_secure: bool = False) -> None:
        self.app = app
        self.always_secure = always_secure

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        https = environ.get("wsgi.url_scheme") == "https"
        if not (https or self.always_secure):
            return self.app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            headers = [(k, _secure(v) if k.lower() == "set-cookie" else v) for k, v in headers]
            if https:
                headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def _secure(cookie: str) -> str:
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else f"{cookie}; Secure"
