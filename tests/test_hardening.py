"""Deployment safe by default: security headers on every kind of page, HSTS and Secure cookies over HTTPS
(directly or through a trusted proxy), no stored copies of editor pages, links only from the configured
public address, instance files for their owner only, and one secret shared by several servers."""

from __future__ import annotations

import json
import stat

import pytest

from tests.editor.conftest import PASSWORD, make_user
from trefpunt import create_app
from trefpunt.config import ConfigError
from trefpunt.db import session_factory
from trefpunt.search import get_engine

SLUG = "steffie-digid"
# One of each kind: home, search, material page, API JSON, API document, error page, login, editor pages.
PUBLIC_PAGES = [
    "/",
    "/zoeken?q=digid",
    f"/leermiddel/{SLUG}",
    "/api/v1/materials?q=digid",
    f"/api/v1/materials/{SLUG}",
    "/api/v1/openapi.json",
    "/bestaat-niet",
    "/auth/inloggen",
]
EDITOR_PAGES = [
    "/beheer/",
    f"/beheer/leermiddel/{SLUG}",
    f"/beheer/leermiddel/{SLUG}/geschiedenis",
    "/beheer/gebruikers",
    "/auth/wachtwoord",
]


@pytest.fixture
def app(app):
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "beheerder@example.org", "admin")
    return app


def log_in(client, **kwargs):
    data = {"email": "beheerder@example.org", "password": PASSWORD}
    assert client.post("/auth/inloggen", data=data, **kwargs).status_code == 302
    return client


def server(app, **config):
    """Another server process over ``app``'s database and index, set up differently."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "INDEX_DIR", "WTF_CSRF_ENABLED")
    return create_app({**{k: app.config[k] for k in keys}, **config})


@pytest.fixture
def servers():
    made = []

    def close():
        for other in made:
            get_engine(other).close()
            session_factory(other).kw["bind"].dispose()

    yield made
    close()


def every_page(client, **kwargs):
    for url in PUBLIC_PAGES + EDITOR_PAGES:
        response = client.get(url, **kwargs)
        assert response.status_code in (200, 302, 404), (url, response.status_code)
        yield url, response


def test_every_kind_of_page_carries_the_security_headers(client):
    log_in(client)
    for url, response in every_page(client):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["Referrer-Policy"] == "same-origin", url
        assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP: HSTS means nothing


def test_over_https_every_page_sends_hsts_and_every_cookie_is_secure(client):
    https = {"base_url": "https://trefpunt.example.nl"}
    login = client.post(
        "/auth/inloggen", data={"email": "beheerder@example.org", "password": PASSWORD}, **https
    )
    assert login.status_code == 302
    assert all("; Secure" in c for c in login.headers.getlist("Set-Cookie"))
    language = client.get("/zoeken?q=digid&lang=en", **https)
    assert language.headers.getlist("Set-Cookie") and all(
        "; Secure" in c for c in language.headers.getlist("Set-Cookie")
    )
    for url, response in every_page(client, **https):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000", url


def test_over_plain_http_cookies_are_not_marked_secure(client):
    login = client.post("/auth/inloggen", data={"email": "beheerder@example.org", "password": PASSWORD})
    assert login.headers.getlist("Set-Cookie")
    assert not any("Secure" in c for c in login.headers.getlist("Set-Cookie"))


def test_behind_a_trusted_proxy_its_https_counts_and_otherwise_a_forged_header_does_not(app, servers):
    behind_proxy = server(app, TRUSTED_PROXIES=1)
    direct = server(app)
    servers.extend([behind_proxy, direct])
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    login = {"email": "beheerder@example.org", "password": PASSWORD}
    trusted = behind_proxy.test_client().post("/auth/inloggen", data=login, headers=forwarded)
    assert trusted.status_code == 302
    assert trusted.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert all("; Secure" in c for c in trusted.headers.getlist("Set-Cookie"))
    forged = direct.test_client().post("/auth/inloggen", data=login, headers=forwarded)
    assert forged.status_code == 302
    assert "Strict-Transport-Security" not in forged.headers
    assert not any("Secure" in c for c in forged.headers.getlist("Set-Cookie"))


def test_secure_cookies_can_be_forced_for_a_proxy_that_does_not_say_https(app, servers):
    forced = server(app, SESSION_COOKIE_SECURE=True)
    servers.append(forced)
    response = log_in(forced.test_client()).get("/zoeken?q=digid&lang=en")
    login = forced.test_client().post(
        "/auth/inloggen", data={"email": "beheerder@example.org", "password": PASSWORD}
    )
    cookies = login.headers.getlist("Set-Cookie") + response.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)


def test_editor_pages_and_the_login_are_never_stored_and_public_pages_may_be(client):
    assert client.get("/auth/inloggen").headers["Cache-Control"] == "no-store"
    log_in(client)
    for url in EDITOR_PAGES:
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    for url in PUBLIC_PAGES[:6]:
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def test_the_page_showing_a_new_one_time_password_is_never_stored(client):
    log_in(client)
    response = client.post("/beheer/gebruikers", data={"email": "nieuw@example.org", "role": "editor"})
    if response.status_code == 302:
        response = client.get(response.headers["Location"])
    assert response.status_code in (200, 201)
    assert 'id="eenmalig-wachtwoord"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


FORGED = "aanvaller.example"


def _absolute_links(client, **kwargs) -> dict[str, str]:
    pages = {
        "search": client.get("/zoeken?q=digid", **kwargs).get_data(as_text=True),
        "material": client.get(f"/leermiddel/{SLUG}", **kwargs).get_data(as_text=True),
        "home": client.get("/", **kwargs).get_data(as_text=True),
        "openapi": json.dumps(client.get("/api/v1/openapi.json", **kwargs).get_json()),
        "api": json.dumps(client.get("/api/v1/materials?q=digid", **kwargs).get_json()),
    }
    return pages


def test_a_forged_host_header_ends_up_in_no_link(app, client, servers):
    for pages in (
        _absolute_links(client, base_url=f"http://{FORGED}"),
        _absolute_links(client, headers={"Host": FORGED, "X-Forwarded-Host": FORGED}),
    ):
        for name, body in pages.items():
            assert FORGED not in body, name
    moved = client.get("/zoeken?doelgroep=ouderen&q=digid", headers={"Host": FORGED})
    assert moved.status_code == 301 and moved.headers["Location"] == "/zoeken?q=digid&doelgroep=ouderen"
    behind_proxy = server(app, TRUSTED_PROXIES=1)
    servers.append(behind_proxy)
    forwarded = {"X-Forwarded-Host": FORGED, "X-Forwarded-Proto": "https"}
    for name, body in _absolute_links(behind_proxy.test_client(), headers=forwarded).items():
        assert FORGED not in body, name


def test_every_absolute_link_starts_with_the_configured_public_address(app, servers):
    site = server(app, PUBLIC_BASE_URL="https://trefpunt.example.nl/")
    servers.append(site)
    client = site.test_client()
    material = client.get(f"/leermiddel/{SLUG}", base_url=f"http://{FORGED}").get_data(as_text=True)
    canonical = f"https://trefpunt.example.nl/leermiddel/{SLUG}"
    assert f'<link rel="canonical" href="{canonical}">' in material
    assert f'"@id": "{canonical}"' in material
    assert f'value="{canonical}"' in material  # the share field
    search = client.get("/zoeken?q=digid", base_url=f"http://{FORGED}").get_data(as_text=True)
    assert '<link rel="canonical" href="https://trefpunt.example.nl/zoeken?q=digid">' in search
    assert "https://trefpunt.example.nl/leermiddel/" in search  # the print handout's addresses
    document = client.get("/api/v1/openapi.json", base_url=f"http://{FORGED}").get_json()
    assert document["servers"] == [{"url": "https://trefpunt.example.nl/api/v1"}]


@pytest.mark.parametrize(
    "value",
    ["trefpunt.example.nl", "ftp://trefpunt.example.nl", "https://", "https://x.nl/pad", "https://x.nl?a=1"],
)
def test_a_public_address_that_is_no_site_address_stops_the_start(app, value):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        server(app, PUBLIC_BASE_URL=value)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_with_no_configuration_the_instance_files_are_for_their_owner_only(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("TREFPUNT_INSTANCE_PATH", str(instance))
    fresh = create_app({"TESTING": True})
    with session_factory(fresh)() as session:
        session.connection().exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        session.connection().exec_driver_sql("INSERT INTO probe VALUES (1)")
        session.commit()
        assert _mode(instance) == 0o700
        assert _mode(instance / "trefpunt.sqlite3") == 0o600
        assert _mode(instance / "trefpunt.sqlite3-wal") == 0o600
        assert _mode(instance / "secret_key") == 0o600
    session_factory(fresh).kw["bind"].dispose()
    # A second process (another worker) of the same instance reads the same key.
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == fresh.config["SECRET_KEY"]
    assert len(fresh.config["SECRET_KEY"]) == 64


def test_two_servers_with_one_secret_file_know_each_others_logins(app, servers, tmp_path, monkeypatch):
    secret = tmp_path / "secret_key"
    secret.write_text("een-gedeeld-geheim-van-de-servers\n")
    one, two = (server(app, SECRET_KEY=None, SECRET_KEY_FILE=str(secret)) for _ in range(2))
    servers.extend([one, two])
    assert one.config["SECRET_KEY"] == two.config["SECRET_KEY"] == "een-gedeeld-geheim-van-de-servers"
    client = log_in(one.test_client())
    assert client.get("/beheer/").status_code == 200
    cookie = client.get_cookie("session")
    other = two.test_client()
    other.set_cookie("session", cookie.value)
    assert other.get("/beheer/").status_code == 200
    # The environment works as well; a key of digits arrives as JSON's number and is still the key.
    monkeypatch.setenv("TREFPUNT_SECRET_KEY", "1234567890123456")
    from_environment = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"]})
    servers.append(from_environment)
    assert from_environment.config["SECRET_KEY"] == "1234567890123456"


def test_an_unreadable_or_empty_secret_file_stops_the_start(app, tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY_FILE"):
        server(app, SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "ontbreekt"))
    (tmp_path / "leeg").write_text("\n")
    with pytest.raises(ConfigError, match="is leeg"):
        server(app, SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "leeg"))
