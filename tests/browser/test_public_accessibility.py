"""Everyone can use the public pages: axe-core finds no WCAG 2.1 A/AA problem, in Dutch and in English.

Each page is also saved as a screenshot (tests/screenshots/) so anyone can look at it.
"""

from __future__ import annotations

import pytest

from .conftest import axe_violations, screenshot

PAGES = {
    "home": "/",
    "zoeken-met-filters": "/zoeken?q=digid&vaardigheid=digitale-overheid&doelgroep=ouderen",
    "zoeken-leeg": "/zoeken?q=digid&kosten=betaald",
    "alle-aanbieders": "/zoeken/aanbieders?vaardigheid=taal-nt2&aanbieder=Oefenen.nl",
    "leermiddel": "/leermiddel/oefenen-nl",
    "niet-gevonden": "/leermiddel/bestaat-niet",
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_public_pages_have_no_wcag_violations(live_server, open_page, language):
    page = open_page()
    page.goto(f"{live_server.url}/?lang={language}")  # the choice is remembered in a cookie
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status in (200, 404), path
        assert page.locator("html").get_attribute("lang") == language
        assert page.title().strip(), f"{path} has no title"
        assert page.locator("h1").count() == 1, f"{path} needs exactly one h1"
        assert page.locator("main").count() == 1 and page.locator("header").count() >= 1
        violations = axe_violations(page)
        assert violations == [], f"{path} ({language}): {violations}"
        screenshot(page, f"{name}-{language}")


def test_the_search_page_stays_accessible_after_a_live_update(live_server, open_page):
    page = open_page()
    page.goto(live_server.url + "/zoeken?q=digid")
    page.get_by_role("checkbox", name="Ouderen").check()
    page.wait_for_url("**/zoeken?q=digid&doelgroep=ouderen")
    page.locator("#facet-aanbieder > summary").click()
    assert axe_violations(page) == []


def test_an_archived_material_page_is_accessible(live_server, open_page, app):
    from trefpunt.catalog.models import Status
    from trefpunt.catalog.services import set_status
    from trefpunt.db import session_factory

    with session_factory(app)() as session:
        set_status(session, "steffie-digid", Status.ARCHIVED, author="test")
        session.commit()
    page = open_page()
    response = page.goto(live_server.url + "/leermiddel/steffie-digid")
    assert response.status == 410
    assert axe_violations(page) == []
    screenshot(page, "leermiddel-gearchiveerd")
