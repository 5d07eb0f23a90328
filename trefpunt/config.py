"""Configuration in layers: these defaults, then ``instance/config.py``, then ``TREFPUNT_*`` environment
variables, then the test configuration handed to ``create_app``.

Every key is documented here; ``tests/test_docs.py`` fails when a key is used but not listed in README.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS: dict[str, object] = {
    # Signs session cookies and CSRF tokens. When unset, a random key is made once and kept in the
    # instance folder, so sessions survive restarts and every worker of one instance agrees on it.
    "SECRET_KEY": None,
    # SQLAlchemy URL of the catalogue database. Default: SQLite file in the instance folder.
    # PostgreSQL: postgresql+psycopg://user@host/dbname
    "DATABASE_URL": None,
    # Folder that holds this process's search index generations. Each server has its own.
    "INDEX_DIR": None,
    # Results per page in the public search and the API.
    "SEARCH_PER_PAGE": 20,
    # Longer queries are cut to this many characters (the parser's cost grows with length).
    "SEARCH_MAX_QUERY_LENGTH": 200,
    # Highest page number a search accepts; deeper pages are an error, not a slow scan.
    "SEARCH_MAX_PAGE": 500,
    # Language of the interface when the visitor has not chosen one.
    "BABEL_DEFAULT_LOCALE": "nl",
    # Send the session cookie over HTTPS only. Switch on behind TLS.
    "SESSION_COOKIE_SECURE": False,
    # How many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto. Behind one proxy,
    # set 1: otherwise every visitor seems to come from the proxy, and login limiting by address would
    # block everybody at once. Leave 0 when clients connect directly (the headers could be forged).
    "TRUSTED_PROXIES": 0,
    # Largest request body (uploads) in bytes.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    # Failed logins allowed per client address (for any accounts) within the window below; further tries
    # from it are refused until the oldest failure leaves the window. An account is not locked: after three
    # failures in a row its next try waits 1, 2, 4 ... seconds, at most a minute. Counted in the database,
    # so all server processes agree.
    "LOGIN_MAX_FAILURES": 20,
    # Length of that window in minutes (also how long an account's failures in a row are remembered).
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    # Materials per page in the editors' list under /beheer.
    "EDITOR_PER_PAGE": 50,
    # Megabytes of finished search pages (/zoeken, and the API's search answers) each server process keeps
    # for anonymous visitors (a page is 50-250 kB), reused until a material or vocabulary change is
    # committed. 0 switches the cache off.
    "PAGE_CACHE_SIZE": 32,
}

# Fixed settings that are not meant to be changed per deployment.
FIXED: dict[str, object] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "BABEL_SUPPORTED_LOCALES": ("nl", "en"),
    "JSON_SORT_KEYS": False,
}


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the four layers and the derived defaults."""
    app.config.update(DEFAULTS)
    app.config.update(FIXED)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TREFPUNT")
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    if not app.config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'trefpunt.sqlite3'}"
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = str(instance / "index")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        # O_EXCL: two workers starting at once must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()
