"""Trefpunt leermiddelen: the searchable guide to learning materials for basic skills."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import addresses, config, db, errors, guard, i18n, resources, search, security, web_search
from .auth import identity
from .extensions import csrf


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("TREFPUNT_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(resources.path("templates")),
        static_folder=str(resources.path("static")),
    )
    config.load(app, test_config)
    guard.init_app(app)
    db.init_app(app)
    search.init_app(app)
    web_search.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    identity.init_app(app)
    security.init_app(app)
    addresses.init_app(app)
    errors.init_app(app)
    register_blueprints(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from ``TRUSTED_PROXIES`` proxies' X-Forwarded-For/-Proto.

    Applied last, outermost, so everything inside sees the scheme the visitor used. X-Forwarded-Host is
    not read: no address is built from a host name the request brings (see ``addresses``).
    """
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_blueprints(app: Flask) -> None:
    from .api.views import bp as api_bp
    from .auth.views import bp as auth_bp
    from .choose.views import bp as choose_bp
    from .editor import bp as editor_bp
    from .harvest.views import bp as harvest_bp
    from .lists.admin import bp as list_admin_bp
    from .lists.views import bp as lists_bp
    from .public.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(choose_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(editor_bp, url_prefix="/beheer")
    app.register_blueprint(lists_bp, url_prefix="/lijst")
    app.register_blueprint(list_admin_bp, url_prefix="/beheer/advieslijsten")
    app.register_blueprint(harvest_bp)
