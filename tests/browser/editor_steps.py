"""Steps the editor stories share: accounts, logging in through the real form, a second person's browser."""

from __future__ import annotations

import contextlib

from trefpunt.auth.services import create_user
from trefpunt.db import session_factory

PASSWORD = "correct paard batterij"


def make_user(app, email: str, role: str = "editor", name: str = "") -> None:
    with session_factory(app)() as session:
        create_user(session, email, PASSWORD, role, name)
        session.commit()


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/auth/inloggen")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/beheer/**")


@contextlib.contextmanager
def second_browser(browser):
    """A page in a browser context of its own: another editor at another computer."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
    finally:
        context.close()
