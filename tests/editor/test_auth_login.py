"""An editor logs in and out; the login page cannot be abused to guess passwords or to redirect elsewhere."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from trefpunt.auth import limiting, services
from trefpunt.auth.models import LoginAttempt, User
from trefpunt.catalog.errors import ValidationError
from trefpunt.catalog.models import utcnow
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


def test_the_change_password_page_says_other_devices_will_be_logged_out(editor):
    page = editor.get("/auth/wachtwoord")
    assert page.status_code == 200
    assert "Na het wijzigen wordt u op al uw andere apparaten uitgelogd." in text_of(page)
    assert 'name="current"' in page.get_data(as_text=True)


def test_changing_the_password_needs_the_current_one(editor):
    new = "een heel nieuw wachtwoord"
    response = editor.post("/auth/wachtwoord", data={"current": "fout fout fout", "new": new, "repeat": new})
    assert "Het huidige wachtwoord klopt niet." in text_of(response)


def test_the_new_password_must_differ_from_the_current_one(editor):
    response = editor.post(
        "/auth/wachtwoord", data={"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD}
    )
    assert "Kies een ander wachtwoord dan het huidige." in text_of(response)
    assert editor.get("/beheer/").status_code == 200


def fail_logins(app, email: str, times: int, *, address: str = "203.0.113.50", now=None) -> None:
    """Failed logins recorded at ``now``: an attacker's guesses from elsewhere, without waiting out each
    delay."""
    now = now or utcnow()
    with session_factory(app)() as session:
        for _ in range(times):
            limiting.record(session, email, address, False, limiting.Limit(), now)
        session.commit()


def let_time_pass(app, delta: dt.timedelta) -> None:
    """Move the clock on: every remembered attempt happened ``delta`` earlier."""
    with session_factory(app)() as session:
        for attempt in session.scalars(select(LoginAttempt)):
            attempt.created_at -= delta
        session.commit()


class TestLoginLimiting:
    def test_wrong_passwords_slow_the_account_down_and_the_owner_gets_in_after_the_wait(
        self, app, client, auth, caplog
    ):
        caplog.set_level(logging.WARNING, logger="trefpunt")
        assert auth.login(password="geraden wachtwoord 1").status_code == 401
        fail_logins(app, "redacteur@example.org", 7)  # eight in a row: the next try waits 16 seconds
        blocked = auth.login()
        assert blocked.status_code == 429
        assert 0 < int(blocked.headers["Retry-After"]) <= 16
        assert re.search(r"over (\d+) seconden opnieuw proberen", text_of(blocked))
        assert client.get("/beheer/").status_code == 302
        let_time_pass(app, dt.timedelta(seconds=17))
        assert auth.login().status_code == 302
        assert client.get("/beheer/").status_code == 200
        assert sum("failed login for redacteur@example.org" in r.message for r in caplog.records) == 8
        assert any("login refused for redacteur@example.org" in r.message for r in caplog.records)

    def test_after_three_free_tries_the_delay_doubles_with_each_failure_up_to_a_minute(self, app, session):
        limit = limiting.Limit()
        now = utcnow()
        waits = []
        for _ in range(3):
            limiting.record(session, "doelwit@example.org", "203.0.113.9", False, limit, now)
            assert limiting.check(session, "doelwit@example.org", "198.51.100.1", limit, now) is None
        for _ in range(9):
            limiting.record(session, "doelwit@example.org", "203.0.113.9", False, limit, now)
            block = limiting.check(session, "doelwit@example.org", "198.51.100.1", limit, now)
            waits.append(block.retry_after.total_seconds())
            assert block.reason == "account"
            # Just before the wait is over the account is still refused; at its end it may try again.
            almost = now + block.retry_after - dt.timedelta(milliseconds=1)
            assert limiting.check(session, "doelwit@example.org", "198.51.100.1", limit, almost) is not None
            now += block.retry_after
            assert limiting.check(session, "doelwit@example.org", "198.51.100.1", limit, now) is None
        assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]

    def test_an_attacker_cannot_keep_the_owner_out(self, app, session):
        """Guessing as fast as the delays allow, from many addresses: the owner, trying with the right
        password a minute after any guess, is let in."""
        limit = limiting.Limit()
        now = utcnow()
        for guess in range(30):
            block = limiting.check(session, "redacteur@example.org", f"192.0.2.{guess}", limit, now)
            if block is not None:
                now += block.retry_after
            outcome = services.attempt_login(
                session,
                "redacteur@example.org",
                f"gok {guess:04}!!!!!!",
                address=f"192.0.2.{guess}",
                limit=limit,
                now=now,
            )
            assert outcome.user is None and outcome.block is None
        session.commit()
        owner = services.attempt_login(
            session,
            "redacteur@example.org",
            PASSWORD,
            address="198.51.100.20",
            limit=limit,
            now=now + limit.max_delay,
        )
        assert owner.user is not None

    def test_a_successful_login_ends_the_run_of_failures(self, app, session):
        limit = limiting.Limit()
        now = utcnow()
        for _ in range(8):
            limiting.record(session, "redacteur@example.org", "203.0.113.1", False, limit, now)
        now += limit.delay_after(8)
        assert services.attempt_login(
            session, "redacteur@example.org", PASSWORD, address="203.0.113.1", limit=limit, now=now
        ).user
        now += dt.timedelta(seconds=1)
        for _ in range(4):
            limiting.record(session, "redacteur@example.org", "203.0.113.1", False, limit, now)
        block = limiting.check(session, "redacteur@example.org", "203.0.113.1", limit, now)
        assert block.retry_after == dt.timedelta(seconds=1)

    def test_many_failures_from_one_address_refuse_it_for_every_account(self, app, auth):
        limit = app.config["LOGIN_MAX_FAILURES"]
        for number in range(limit):
            assert auth.login(email=f"gok{number}@example.org").status_code == 401
        refused = auth.login(email="beheerder@example.org")
        assert refused.status_code == 429
        assert "Vanaf uw adres is te vaak een verkeerd wachtwoord ingevuld" in text_of(refused)
        assert "over 15 minuten opnieuw proberen" in text_of(refused)
        assert int(refused.headers["Retry-After"]) > 14 * 60
        elsewhere = app.test_client()
        response = elsewhere.post(
            "/auth/inloggen",
            data={"email": "beheerder@example.org", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "192.0.2.7"},
        )
        assert response.status_code == 302

    def test_the_limits_are_counted_in_the_database_so_every_worker_agrees(self, app, auth):
        fail_logins(app, "redacteur@example.org", 10)  # the next try waits a minute
        # Another app over the same database (another gunicorn worker) sees the same delay.
        from trefpunt import create_app

        worker = create_app({**app.config, "WTF_CSRF_ENABLED": False})
        try:
            response = worker.test_client().post(
                "/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD}
            )
        finally:
            session_factory(worker).kw["bind"].dispose()
        assert response.status_code == 429

    def test_the_address_is_free_again_when_its_failures_leave_the_window(self, app, auth):
        for number in range(app.config["LOGIN_MAX_FAILURES"]):
            auth.login(email=f"gok{number}@example.org")
        assert auth.login().status_code == 429
        let_time_pass(app, dt.timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))
        assert auth.login().status_code == 302


@pytest.fixture
def proxied_app(templates, tmp_path, request):
    """The app behind one trusted reverse proxy."""
    from conftest import _make_app

    factory = _make_app(
        templates, "sqlite", tmp_path, request, seeded=True, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES=3
    )
    app = next(factory)
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "redacteur@example.org")
    yield app
    next(factory, None)


def test_behind_a_trusted_proxy_each_visitor_is_limited_by_their_own_address(proxied_app):
    client = proxied_app.test_client()

    def login_from(address: str, email: str):
        return client.post(
            "/auth/inloggen",
            data={"email": email, "password": "fout wachtwoord!!"},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
        )

    for number in range(3):
        assert login_from("198.51.100.4", f"gok{number}@example.org").status_code == 401
    assert login_from("198.51.100.4", "redacteur@example.org").status_code == 429
    assert login_from("198.51.100.5", "redacteur@example.org").status_code == 401
    # Failures are counted against the visitor's address, never the proxy's.
    with session_factory(proxied_app)() as session:
        assert set(session.scalars(select(LoginAttempt.address))) == {"198.51.100.4", "198.51.100.5"}
