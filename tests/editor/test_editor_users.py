"""An admin invites editors with a one-time password and can switch accounts off and on."""

from __future__ import annotations

import re

from sqlalchemy import select

from trefpunt.auth.models import User
from trefpunt.db import session_factory

from .conftest import text_of


def one_time_password(response) -> str:
    return re.search(r'id="eenmalig-wachtwoord">([^<]+)<', response.get_data(as_text=True)).group(1)


def user_id(app, email: str) -> int:
    with session_factory(app)() as session:
        return session.scalar(select(User.id).where(User.email == email))


def test_an_admin_invites_an_editor_who_logs_in_with_the_one_time_password(app, admin):
    response = admin.post(
        "/beheer/gebruikers", data={"email": "Nieuw@Example.org", "name": "Nina", "role": "editor"}
    )
    assert response.status_code == 200
    password = one_time_password(response)
    assert len(password) >= 12
    assert "Het wordt maar één keer getoond" in text_of(response)
    # Shown once: the list page does not have it.
    assert password not in admin.get("/beheer/gebruikers").get_data(as_text=True)
    newcomer = app.test_client()
    login = newcomer.post("/auth/inloggen", data={"email": "nieuw@example.org", "password": password})
    assert login.status_code == 302
    # The one-time password opens one login, which chooses the editor's own password first.
    own = "nina haar eigen wachtwoord"
    newcomer.post("/auth/wachtwoord", data={"new": own, "repeat": own})
    assert newcomer.get("/beheer/").status_code == 200
    assert newcomer.get("/beheer/gebruikers").status_code == 403


def test_inviting_an_existing_address_or_a_bad_role_is_refused(admin):
    again = admin.post("/beheer/gebruikers", data={"email": "redacteur@example.org", "role": "editor"})
    assert again.status_code == 422 and "er is al een account met dit e-mailadres" in text_of(again)
    bad = admin.post("/beheer/gebruikers", data={"email": "x@example.org", "role": "god"})
    assert bad.status_code == 422 and "Kies een rol." in text_of(bad)


def test_a_deactivated_editor_is_logged_out_and_cannot_log_in_until_reactivated(app, admin):
    editor = app.test_client()
    editor.post(
        "/auth/inloggen", data={"email": "redacteur@example.org", "password": "correct paard batterij"}
    )
    assert editor.get("/beheer/").status_code == 200
    target = user_id(app, "redacteur@example.org")
    admin.post(f"/beheer/gebruikers/{target}/uitschakelen")
    assert editor.get("/beheer/").status_code == 302
    refused = editor.post(
        "/auth/inloggen", data={"email": "redacteur@example.org", "password": "correct paard batterij"}
    )
    assert refused.status_code == 401
    admin.post(f"/beheer/gebruikers/{target}/inschakelen")
    again = editor.post(
        "/auth/inloggen", data={"email": "redacteur@example.org", "password": "correct paard batterij"}
    )
    assert again.status_code == 302


def test_an_admin_cannot_switch_themselves_off(app, admin):
    me = user_id(app, "beheerder@example.org")
    response = admin.post(f"/beheer/gebruikers/{me}/uitschakelen")
    assert "u kunt uw eigen account niet uitschakelen" in text_of(admin.get(response.headers["Location"]))
    assert admin.get("/beheer/gebruikers").status_code == 200


def test_a_new_password_replaces_the_old_one(app, admin):
    target = user_id(app, "redacteur@example.org")
    password = one_time_password(admin.post(f"/beheer/gebruikers/{target}/wachtwoord"))
    client = app.test_client()
    assert (
        client.post(
            "/auth/inloggen", data={"email": "redacteur@example.org", "password": "correct paard batterij"}
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/auth/inloggen", data={"email": "redacteur@example.org", "password": password}
        ).status_code
        == 302
    )
