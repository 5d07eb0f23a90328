"""A login lives in the database: logging out or a new password ends it for every copy of the cookie, in every
worker and on every server; a one-time password opens one login, which must choose its own password first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from trefpunt import create_app
from trefpunt.auth import limiting, services, sessions
from trefpunt.auth.models import User, UserSession
from trefpunt.catalog.models import utcnow
from trefpunt.cli import main
from trefpunt.db import session_factory

from .conftest import PASSWORD, text_of

NEW_PASSWORD = "mijn eigen lange wachtwoord"


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def browser_with(app, cookie: str):
    """Another browser (or an attacker) that presents a copied session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def opens_the_editor(client) -> bool:
    response = client.get("/beheer/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/inloggen")
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def second_worker(app):
    """Another gunicorn worker, or another server, over the same database with the same secret key."""
    worker = create_app({**app.config})
    yield worker
    session_factory(worker).kw["bind"].dispose()


def user_id(app, email: str = "redacteur@example.org") -> int:
    with session_factory(app)() as session:
        return session.scalar(select(User.id).where(User.email == email))


def one_time_password(response) -> str:
    return re.search(r'id="eenmalig-wachtwoord">([^<]+)<', response.get_data(as_text=True)).group(1)


class TestLoggingOut:
    def test_a_cookie_copied_before_logging_out_no_longer_opens_the_editor(self, app, editor, auth):
        copied = cookie_of(editor)
        assert opens_the_editor(browser_with(app, copied))
        auth.logout()
        assert not opens_the_editor(browser_with(app, copied))
        assert not opens_the_editor(editor)

    def test_logging_out_on_one_server_ends_the_login_on_every_server(self, app, second_worker, editor, auth):
        copied = cookie_of(editor)
        assert opens_the_editor(browser_with(second_worker, copied))
        auth.logout()
        assert not opens_the_editor(browser_with(second_worker, copied))

    def test_logging_out_ends_only_that_login(self, app, editor, auth):
        at_home = app.test_client()
        at_home.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
        auth.logout()
        assert opens_the_editor(at_home)

    def test_a_made_up_or_old_style_session_opens_nothing(self, app, client):
        uid = user_id(app)
        for forged in (f"{uid}:0123456789abcdef", str(uid), "", "x" * 5000):
            with client.session_transaction() as session:
                session["_user_id"] = forged
            assert not opens_the_editor(client)


class TestNewPasswords:
    def test_changing_the_password_ends_the_other_logins_everywhere(self, app, second_worker, editor):
        elsewhere = second_worker.test_client()
        elsewhere.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
        copied = cookie_of(editor)
        response = editor.post(
            "/auth/wachtwoord", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert "Uw wachtwoord is gewijzigd." in text_of(editor.get(response.headers["Location"]))
        assert opens_the_editor(editor)
        assert not opens_the_editor(elsewhere)
        # Even this browser's cookie from before the change is dead: it was given a fresh login.
        assert not opens_the_editor(browser_with(app, copied))

    def test_an_admin_resetting_a_password_ends_every_login_of_that_account(self, app, second_worker, admin):
        editor = second_worker.test_client()
        editor.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
        assert opens_the_editor(editor)
        reset = admin.post(f"/beheer/gebruikers/{user_id(app)}/wachtwoord")
        assert "is uitgelogd" in text_of(reset)
        assert not opens_the_editor(editor)
        assert opens_the_editor(admin)

    def test_switching_an_account_off_ends_its_logins(self, app, admin):
        editor = app.test_client()
        editor.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
        assert opens_the_editor(editor)
        admin.post(f"/beheer/gebruikers/{user_id(app)}/uitschakelen")
        with session_factory(app)() as session:
            assert sessions.count(session, user_id(app)) == 0
        assert not opens_the_editor(editor)

    def test_trefpunt_user_login_ends_the_accounts_logins(self, app, editor):
        result = app.test_cli_runner().invoke(main, ["user", "login", "redacteur@example.org"])
        assert result.exit_code == 0, result.output
        assert not opens_the_editor(editor)


class TestOneTimePasswords:
    def test_an_invited_editor_chooses_their_own_password_before_anything_else(self, app, admin):
        password = one_time_password(
            admin.post("/beheer/gebruikers", data={"email": "nina@example.org", "role": "editor"})
        )
        newcomer = app.test_client()
        first = newcomer.post("/auth/inloggen", data={"email": "nina@example.org", "password": password})
        assert first.status_code == 302
        assert first.headers["Location"] == "/auth/wachtwoord?next=/beheer/"
        page = newcomer.get(first.headers["Location"])
        assert "U bent ingelogd met een eenmalig wachtwoord" in text_of(page)
        assert 'name="current"' not in page.get_data(as_text=True)
        # Every editor page, read or write, waits for the new password.
        for response in (
            newcomer.get("/beheer/"),
            newcomer.get("/beheer/synoniemen"),
            newcomer.post("/beheer/nieuw", data={"title": "Stiekem"}),
        ):
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/auth/wachtwoord?next=")

        chosen = newcomer.post(
            "/auth/wachtwoord", data={"new": NEW_PASSWORD, "repeat": NEW_PASSWORD, "next": "/beheer/"}
        )
        assert chosen.status_code == 302 and chosen.headers["Location"] == "/beheer/"
        assert opens_the_editor(newcomer)

    def test_the_one_time_password_works_once(self, app, admin):
        password = one_time_password(admin.post(f"/beheer/gebruikers/{user_id(app)}/wachtwoord"))
        first, second = app.test_client(), app.test_client()
        login = {"email": "redacteur@example.org", "password": password}
        assert first.post("/auth/inloggen", data=login).status_code == 302
        again = second.post("/auth/inloggen", data=login)
        assert again.status_code == 401
        assert "Dit eenmalige wachtwoord is al gebruikt" in text_of(again)
        assert not opens_the_editor(second)

    def test_a_printed_one_time_login_works_once_and_asks_for_a_new_password(self, app):
        result = app.test_cli_runner().invoke(main, ["user", "login", "nieuw@example.org"])
        assert result.exit_code == 0, result.output
        password = re.search(r"eenmalig wachtwoord: (\S+)", result.output).group(1)
        assert "werkt één keer" in result.output
        client = app.test_client()
        login = {"email": "nieuw@example.org", "password": password}
        assert client.post("/auth/inloggen", data=login).headers["Location"].startswith("/auth/wachtwoord")
        assert app.test_client().post("/auth/inloggen", data=login).status_code == 401

    @pytest.mark.parametrize(
        ("new", "repeat", "message"),
        [
            (None, None, "Kies een eigen wachtwoord, niet het eenmalige wachtwoord dat u kreeg."),
            ("te kort", "te kort", "Een wachtwoord heeft minstens 12 tekens."),
            (NEW_PASSWORD, NEW_PASSWORD + "!", "De twee nieuwe wachtwoorden zijn niet gelijk."),
        ],
    )
    def test_the_own_password_must_differ_and_follow_the_rules(self, app, admin, new, repeat, message):
        password = one_time_password(admin.post(f"/beheer/gebruikers/{user_id(app)}/wachtwoord"))
        client = app.test_client()
        client.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": password})
        response = client.post(
            "/auth/wachtwoord", data={"new": new or password, "repeat": repeat or password}
        )
        assert response.status_code == 200
        assert message in text_of(response)
        assert client.get("/beheer/").headers["Location"].startswith("/auth/wachtwoord")

    def test_a_worker_that_read_the_account_before_the_login_still_refuses_the_spent_password(self, app):
        with session_factory(app)() as session:
            user, password = services.reset_password(session, user_id(app))
            session.commit()
        limit = limiting.Limit()
        with session_factory(app)() as first, session_factory(app)() as second:
            # The second worker has the account in memory, still with an unused one-time password.
            assert services.find_user(second, "redacteur@example.org").one_time_password_used_at is None
            won = services.attempt_login(first, "redacteur@example.org", password, address="a", limit=limit)
            first.commit()
            lost = services.attempt_login(second, "redacteur@example.org", password, address="b", limit=limit)
            second.commit()
        assert won.user is not None
        assert lost.user is None and lost.one_time_password_spent

    def test_the_page_for_the_own_password_passes_nobody_through_who_is_not_logged_in(self, client):
        response = client.get("/auth/wachtwoord")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/inloggen")


class TestTheLoginRow:
    def test_checking_a_cookie_is_one_query(self, app):
        with session_factory(app)() as session:
            token = sessions.start(session, services.find_user(session, "redacteur@example.org"))
            session.commit()
            statements = []
            engine = session.get_bind()
            record = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", record)
            try:
                assert sessions.user_for(session, token).email == "redacteur@example.org"
            finally:
                event.remove(engine, "before_cursor_execute", record)
        assert len(statements) == 1

    def test_only_a_hash_of_the_token_is_stored(self, app, editor):
        with session_factory(app)() as session:
            stored = session.scalars(select(UserSession.id)).all()
        assert len(stored) == 1
        assert stored[0] not in cookie_of(editor)

    def test_a_login_ends_by_itself_after_two_weeks_and_its_row_is_pruned(self, app):
        now = utcnow()
        with session_factory(app)() as session:
            user = services.find_user(session, "redacteur@example.org")
            old = sessions.start(session, user, now=now - dt.timedelta(days=15))
            fresh = sessions.start(session, user, now=now - dt.timedelta(days=13))
            session.commit()
            assert sessions.user_for(session, old, now=now) is None
            assert sessions.user_for(session, fresh, now=now) is not None
            sessions.start(session, user, now=now)
            session.commit()
            assert sessions.count(session, user.id) == 2
