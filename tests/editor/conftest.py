"""Editors and admins for the CMS stories: accounts made by the real use case, logged in through the form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest

from trefpunt.auth.services import create_user
from trefpunt.db import session_factory

PASSWORD = "correct paard batterij"


def make_user(app, email: str, role: str = "editor", password: str = PASSWORD, name: str = "") -> None:
    with session_factory(app)() as session:
        create_user(session, email, password, role, name)
        session.commit()


@dataclass
class Actions:
    """Log in and out as a person would, through the login form (flaskr's AuthActions)."""

    client: object

    def login(self, email: str = "redacteur@example.org", password: str = PASSWORD, next: str = ""):
        data = {"email": email, "password": password}
        if next:
            data["next"] = next
        return self.client.post("/auth/inloggen", data=data)

    def logout(self):
        return self.client.post("/auth/uitloggen")


@pytest.fixture
def app(app):
    """The seed catalogue with CSRF off (one test proves CSRF with it on) and two accounts."""
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "redacteur@example.org", "editor", name="Rik Redacteur")
    make_user(app, "beheerder@example.org", "admin", name="Ada Beheerder")
    return app


@pytest.fixture
def auth(client) -> Actions:
    return Actions(client)


@pytest.fixture
def editor(client, auth):
    """A client logged in as an editor."""
    response = auth.login()
    assert response.status_code == 302
    return client


@pytest.fixture
def admin(client, auth):
    response = auth.login("beheerder@example.org")
    assert response.status_code == 302
    return client


def text_of(response) -> str:
    """The page's visible text, roughly: tags dropped, whitespace squeezed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
