"""An editor logs in and out; the login page cannot be abused to guess passwords or to redirect elsewhere."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from trefpunt.auth import services
from trefpunt.auth.models import LoginAttempt, User
from trefpunt.catalog.errors import ValidationError
from trefpunt.db import session_factory

from .conftest import PASSWORD, make_user, text_of


def test_an_editor_logs_in_and_lands_on_the_materials_list(client, auth):
    assert client.get("/auth/inloggen").status_code == 200
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/"
    page = client.get("/beheer/")
    assert page.status_code == 200
    assert "Rik Redacteur" in text_of(page)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, auth):
    wrong_password = auth.login(password="niet het goede wachtwoord")
    unknown_account = auth.login(email="niemand@example.org")
    for response in (wrong_password, unknown_account):
        assert response.status_code == 401
        assert "Het e-mailadres of het wachtwoord klopt niet." in text_of(response)
    assert client.get("/beheer/").status_code == 302


def test_logging_out_takes_a_post_and_ends_the_session(editor, auth):
    assert editor.get("/auth/uitloggen").status_code == 405
    response = auth.logout()
    assert response.status_code == 302
    follow = editor.get("/beheer/")
    assert follow.status_code == 302
    assert follow.headers["Location"].startswith("/auth/inloggen")


def test_after_login_the_editor_returns_to_the_page_they_asked_for(client, auth):
    asked = client.get("/beheer/leermiddel/klik-en-tik?x=1")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/auth/inloggen?next=/beheer/leermiddel/klik-en-tik?x%3D1"
    response = auth.login(next="/beheer/leermiddel/klik-en-tik?x=1")
    assert response.headers["Location"] == "/beheer/leermiddel/klik-en-tik?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/beheer",
        "/\\evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
        "/beheer/\r\nLocation: https://evil.example",
        "beheer",
    ],
)
def test_login_never_redirects_off_the_site(client, auth, target):
    login_page = client.get("/auth/inloggen", query_string={"next": target})
    assert 'name="next" type="hidden" value="/beheer/"' in login_page.get_data(as_text=True)
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/"


def test_login_renews_the_session(client, auth):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_the_session_cookie_is_httponly_and_samesite_lax(client, auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured_for_https(app, client, auth):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = auth.login()
    assert "Secure" in response.headers["Set-Cookie"]


def test_passwords_are_stored_as_scrypt_hashes_and_never_shown_back(app, client, auth):
    with session_factory(app)() as session:
        user = session.scalar(select(User).where(User.email == "redacteur@example.org"))
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash
        assert check_password_hash(user.password_hash, PASSWORD)
    response = auth.login(password=PASSWORD + "x")
    assert PASSWORD not in response.get_data(as_text=True)


def test_a_password_has_a_minimum_length(app):
    with session_factory(app)() as session, pytest.raises(ValidationError) as error:
        services.create_user(session, "kort@example.org", "kort", "editor")
    assert [e.field for e in error.value.errors] == ["password"]


def test_a_deactivated_account_cannot_log_in_and_loses_its_session(app, editor, auth):
    with session_factory(app)() as session:
        user = services.find_user(session, "redacteur@example.org")
        user.active = False
        session.commit()
    assert editor.get("/beheer/").status_code == 302
    assert auth.login().status_code == 401


def test_changing_the_password_ends_other_sessions(app, editor, auth):
    other = app.test_client()
    other.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
    assert other.get("/beheer/").status_code == 200
    new = "een heel nieuw wachtwoord"
    response = editor.post("/auth/wachtwoord", data={"current": PASSWORD, "new": new, "repeat": new})
    assert response.status_code == 302
    assert editor.get("/beheer/").status_code == 200
    assert other.get("/beheer/").status_code == 302
    auth.logout()
    assert auth.login(password=new).status_code == 302


def test_changing_the_password_needs_the_current_one(editor):
    new = "een heel nieuw wachtwoord"
    response = editor.post("/auth/wachtwoord", data={"current": "fout fout fout", "new": new, "repeat": new})
    assert "het huidige wachtwoord klopt niet" in text_of(response)


class TestLoginLimiting:
    def test_the_account_is_blocked_after_five_failures_even_with_the_right_password(
        self, client, auth, caplog
    ):
        caplog.set_level(logging.WARNING, logger="trefpunt")
        for _ in range(5):
            assert auth.login(password="geraden wachtwoord 1").status_code == 401
        blocked = auth.login()
        assert blocked.status_code == 429
        assert "over 15 minuten opnieuw" in text_of(blocked)
        assert client.get("/beheer/").status_code == 302
        assert sum("failed login for redacteur@example.org" in r.message for r in caplog.records) == 5
        assert any("login refused for redacteur@example.org" in r.message for r in caplog.records)

    def test_failures_from_one_address_block_it_for_every_account(self, app, auth):
        for number in range(5):
            auth.login(email=f"gok{number}@example.org")
        assert auth.login(email="beheerder@example.org").status_code == 429
        elsewhere = app.test_client()
        response = elsewhere.post(
            "/auth/inloggen",
            data={"email": "beheerder@example.org", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        assert response.status_code == 302

    def test_the_block_is_counted_in_the_database_so_every_worker_agrees(self, app, auth):
        for _ in range(5):
            auth.login(password="fout wachtwoord!!")
        # Another app over the same database (another gunicorn worker) sees the same block.
        from trefpunt import create_app

        worker = create_app({**app.config, "WTF_CSRF_ENABLED": False})
        try:
            response = worker.test_client().post(
                "/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD}
            )
        finally:
            session_factory(worker).kw["bind"].dispose()
        assert response.status_code == 429

    def test_the_block_ends_when_the_failures_leave_the_window(self, app, auth):
        for _ in range(5):
            auth.login(password="fout wachtwoord!!")
        with session_factory(app)() as session:
            for attempt in session.scalars(select(LoginAttempt)):
                attempt.created_at = attempt.created_at.replace(year=attempt.created_at.year - 1)
            session.commit()
        assert auth.login().status_code == 302

    def test_a_successful_login_forgives_the_accounts_earlier_failures(self, auth):
        for _ in range(4):
            auth.login(password="fout wachtwoord!!")
        assert auth.login().status_code == 302
        auth.logout()
        for _ in range(4):
            auth.login(password="fout wachtwoord!!")
        assert auth.login().status_code == 302


@pytest.fixture
def proxied_app(templates, tmp_path, request):
    """The app behind one trusted reverse proxy."""
    from conftest import _make_app

    factory = _make_app(templates, "sqlite", tmp_path, request, seeded=True, TRUSTED_PROXIES=1)
    app = next(factory)
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "redacteur@example.org")
    yield app
    next(factory, None)


def test_behind_a_trusted_proxy_each_visitor_is_limited_by_their_own_address(proxied_app):
    client = proxied_app.test_client()

    def login_from(address: str, password: str):
        return client.post(
            "/auth/inloggen",
            data={"email": "redacteur@example.org", "password": password},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
        )

    for _ in range(5):
        login_from("198.51.100.4", "fout wachtwoord!!")
    assert login_from("198.51.100.4", "fout wachtwoord!!").status_code == 429
    # Failures are counted against the visitor's address, never the proxy's.
    with session_factory(proxied_app)() as session:
        assert set(session.scalars(select(LoginAttempt.address))) == {"198.51.100.4"}
