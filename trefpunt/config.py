"""Configuration in layers: these defaults, then ``instance/config.py``, then ``TREFPUNT_*`` environment
variables, then the test configuration handed to ``create_app``.

Every key is documented here; ``tests/test_docs.py`` fails when a key is used but not listed in README.md.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Config, Flask

# The public address when PUBLIC_BASE_URL is unset: where `make run` and `trefpunt serve` listen.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"

DEFAULTS: dict[str, object] = {
    # Signs session cookies and CSRF tokens; every server of one site needs the same key (a login made
    # on one is then known to all). Set it here, as TREFPUNT_SECRET_KEY, or in SECRET_KEY_FILE. When
    # none is set, a random key is made once and kept in the instance folder (readable by its owner
    # only), so sessions survive restarts and every worker of one server agrees on it.
    "SECRET_KEY": None,
    # A file that holds the secret key (a mounted secret, say), read at start; it wins over the
    # instance folder's key but not over SECRET_KEY itself.
    "SECRET_KEY_FILE": None,
    # The site's public address, scheme and host (and port): https://trefpunt.example.nl. Every absolute
    # link (canonical links, the share field, JSON-LD, the API document's server) starts with it, never
    # with the Host header a request brings. Unset: http://127.0.0.1:5000, where `make run` serves.
    "PUBLIC_BASE_URL": None,
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
    # The address OAI-PMH harvesters are told to write to (Identify's adminEmail). Empty: beheer@ and the
    # host of PUBLIC_BASE_URL. Set it to a mailbox someone reads.
    "OAI_ADMIN_EMAIL": "",
    # Records (or headers) per OAI-PMH list page; a resumption token asks for the next page.
    "OAI_PAGE_SIZE": 100,
    # Language of the interface when the visitor has not chosen one.
    "BABEL_DEFAULT_LOCALE": "nl",
    # Mark cookies Secure (HTTPS only) even on requests that arrive as plain HTTP. Not needed when the
    # app sees HTTPS itself or through TRUSTED_PROXIES: every answer over HTTPS marks its cookies Secure
    # and sends HSTS anyway. Switch on when TLS ends at a proxy that does not send X-Forwarded-Proto.
    "SESSION_COOKIE_SECURE": False,
    # How many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto. Behind one proxy,
    # set 1: otherwise every visitor seems to come from the proxy, login limiting by address would block
    # everybody at once, and HTTPS would go unnoticed (no HSTS, no Secure cookies). Leave 0 when clients
    # connect directly (the headers could be forged).
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
    # Four eyes before the public sees a change: when true, an edit of a published material (and publishing
    # a draft) waits under /beheer/beoordelen until another editor publishes it or sends it back; the
    # public page, the search and the API show the published version until then. Off: changes go live.
    "REVIEW_BEFORE_PUBLISHING": False,
    # Megabytes of finished search pages (/zoeken, and the API's search answers) each server process keeps
    # for anonymous visitors (a page is 50-250 kB), reused until a material or vocabulary change is
    # committed. 0 switches the cache off.
    "PAGE_CACHE_SIZE": 32,
    # Where visitors report an accessibility problem (an e-mail address or a web page), named in the
    # accessibility statement at /toegankelijkheid. Empty: the statement points to the library.
    "ACCESSIBILITY_CONTACT": "",
    # Days the search log keeps its counts (searches per day, query and filters; nothing about who);
    # older days are deleted automatically. 0 switches the log off and deletes what it held.
    "SEARCH_LOG_DAYS": 90,
    # Each server process counts searches in memory and writes them every this many seconds (sooner
    # after SEARCH_LOG_FLUSH_SEARCHES searches, and at exit): a crash loses at most these seconds' counts.
    "SEARCH_LOG_FLUSH_SECONDS": 5,
    "SEARCH_LOG_FLUSH_SEARCHES": 1000,
    # A crawler walking every filter combination is not counted past these bounds: distinct new
    # searches a process holds between two writes, and rows one day may hold.
    "SEARCH_LOG_MAX_NEW_PER_FLUSH": 500,
    "SEARCH_LOG_MAX_ROWS_PER_DAY": 5000,
    # The link checker (`trefpunt links check`) names itself honestly: its User-Agent carries
    # PUBLIC_BASE_URL and this contact (an e-mail address or a web page), so a site's administrator who
    # sees it can reach the people who run it.
    "LINK_CHECK_CONTACT": "",
    # Seconds to wait for a connection, and then for an answer, before a link counts as not answering.
    "LINK_CHECK_CONNECT_TIMEOUT": 5,
    "LINK_CHECK_READ_TIMEOUT": 10,
    # Addresses visited at once (each host still gets one request at a time), and the pause in seconds
    # between two requests to one host.
    "LINK_CHECK_WORKERS": 4,
    "LINK_CHECK_HOST_PAUSE": 1.0,
    # Private networks the checker may visit (CIDR, e.g. ["10.0.0.0/8"]). Empty: an address that
    # resolves to loopback, a private range or link-local (a database port, a cloud metadata service)
    # is never visited, also not through a redirect, since editors type these addresses.
    "LINK_CHECK_PRIVATE_NETWORKS": [],
    # `--only-due` visits addresses whose latest check is older than this many hours.
    "LINK_CHECK_INTERVAL_HOURS": 20,
    # Checks older than this many days are deleted after a run (each material's latest is kept).
    "LINK_CHECK_HISTORY_DAYS": 400,
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
        database = _private_file(_private_folder(instance) / "trefpunt.sqlite3")
        app.config["DATABASE_URL"] = f"sqlite:///{database}"
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = str(instance / "index")
    app.config["SECRET_KEY"] = _secret(app.config, instance)
    app.config["PUBLIC_BASE_URL"] = public_base_url(app.config["PUBLIC_BASE_URL"])


class ConfigError(ValueError):
    """A setting the app cannot start with; the message says which and why."""


def public_base_url(value: object) -> str:
    """The public address without its trailing slash; only ``http(s)://host[:port]`` is accepted."""
    url = str(value or DEFAULT_BASE_URL).rstrip("/")
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        valid = False
    if not valid or parts.path or parts.query or parts.fragment or parts.username or " " in url:
        raise ConfigError(
            f"PUBLIC_BASE_URL '{value}' is geen bruikbaar adres: geef schema en host, zoals "
            "https://trefpunt.example.nl (zonder pad)"
        )
    return url


def _secret(config: Config, instance: Path) -> str:
    if config["SECRET_KEY"]:
        # From the environment a key of digits arrives parsed as a number.
        return str(config["SECRET_KEY"])
    if not config["SECRET_KEY_FILE"]:
        return _instance_secret(instance)
    path = Path(config["SECRET_KEY_FILE"])
    try:
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"SECRET_KEY_FILE {path} is niet te lezen: {error}") from error
    if not key:
        raise ConfigError(f"SECRET_KEY_FILE {path} is leeg")
    return key


def _private_folder(path: Path) -> Path:
    """``path``, made readable by its owner only when it is new (an existing folder is left as it is)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _private_file(path: Path) -> Path:
    """``path``, created empty and readable by its owner only when it is missing.

    SQLite gives its -wal and -shm files the mode of the database file, so they are private too.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _instance_secret(instance: Path) -> str:
    path = _private_folder(instance) / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: two workers starting at once must not each keep a
        # different key, nor read the file before its key is in it.
        draft = path.with_name(f".secret_key.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
