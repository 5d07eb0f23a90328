"""A searcher looks for something the catalogue lacks; an editor sees it in the report "Wat zoekers missen",
follows "Synoniem toevoegen" and finds the words already in the form. The report passes axe in both
languages and fits a 320 px wide screen."""

from __future__ import annotations

import time

import pytest

from trefpunt.db import session_factory
from trefpunt.searchlog.models import SearchLogEntry
from trefpunt.searchlog.web import EXTENSION_KEY

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user


@pytest.fixture
def app(app):
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 0.2  # the real background flush, quickly
    yield app
    if EXTENSION_KEY in app.extensions:
        app.extensions[EXTENSION_KEY].stop()


def wait_until_logged(app, query: str) -> None:
    from sqlalchemy import select

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with session_factory(app)() as session:
            if session.scalar(select(SearchLogEntry.id).where(SearchLogEntry.query == query)):
                return
        time.sleep(0.1)
    raise AssertionError(f"{query!r} was not logged")


def test_an_editor_turns_a_failed_search_into_a_synonym(app, live_server, page, open_page):
    base = live_server.url
    visitor = open_page()
    visitor.goto(base + "/zoeken")
    visitor.locator("#zoekformulier input[name=q]").fill("zeppelinvaart")
    visitor.locator("#zoekformulier input[name=q]").press("Enter")
    visitor.wait_for_url("**/zoeken?q=zeppelinvaart")
    wait_until_logged(app, "zeppelinvaart")

    make_user(app, "rik@example.org", "editor")
    log_in(page, base, "rik@example.org")
    page.get_by_role("link", name="Wat zoekers missen").click()
    page.wait_for_url("**/beheer/zoekopdrachten")
    row = page.locator("#niets-gevonden + p + ol li", has_text="zeppelinvaart")
    assert "1 keer gezocht" in row.inner_text()
    assert axe_violations(page) == [], "search report (nl)"
    screenshot(page, "editor-search-report-nl")

    row.get_by_role("link", name="Zoek zelf: zeppelinvaart").click()
    page.wait_for_url("**/zoeken?q=zeppelinvaart")
    page.go_back()
    page.locator("li", has_text="zeppelinvaart").get_by_role(
        "link", name="Synoniem toevoegen: zeppelinvaart"
    ).click()
    page.wait_for_url("**/beheer/synoniemen/nieuw?zoekwoord=zeppelinvaart")
    assert page.get_by_label("Zoekwoord", exact=True).input_value() == "zeppelinvaart"
    page.get_by_label("Betekent ook", exact=True).fill("luchtvaart")
    page.get_by_role("button", name="Opslaan").click()
    assert "Het synoniem voor ‘zeppelinvaart’ is opgeslagen." in page.locator(".flashes").inner_text()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_report_is_accessible_and_fits_a_small_screen(app, live_server, open_page, language):
    base = live_server.url
    visitor = open_page()
    for query in ("belastingaangifte", "zeppelinvaart", "zeppelinvaart"):
        visitor.goto(f"{base}/zoeken?q={query}")
    visitor.goto(f"{base}/zoeken?niveau=c1&doelgroep=ouders")
    wait_until_logged(app, "belastingaangifte")
    make_user(app, "rik@example.org", "editor")
    page = open_page(viewport={"width": 320, "height": 800})
    log_in(page, base, "rik@example.org")
    page.goto(f"{base}/beheer/zoekopdrachten?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_violations(page) == [], f"search report ({language})"
    screenshot(page, f"editor-search-report-320-{language}")
