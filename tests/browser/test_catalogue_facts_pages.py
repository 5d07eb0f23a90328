"""The material page says how sure its facts are and how to get a material without a web address; the
editor form has the source-and-certainty fields and a second level range. Every such page passes axe-core
in Dutch and English; the public ones fit 320 px without sideways scrolling, and so do the form's new
parts."""

from __future__ import annotations

import pytest

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user

PAGES = {
    # Not checked (general knowledge), no web address, paid: the calm note and the rule to get it.
    "leermiddel-niet-gecontroleerd": "/leermiddel/de-finale",
    # Likely, no web address.
    "leermiddel-waarschijnlijk": "/leermiddel/vooruit",
    # A service with checked facts, a source link and the editors' words on how to get it.
    "leermiddel-dienst": "/leermiddel/informatiepunt-digitale-overheid",
    # The cost facet with its broader term chosen.
    "zoeken-gratis-voor-de-deelnemer": "/zoeken?kosten=gratis",
}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("width", [1280, 320])
def test_pages_about_facts_and_cost_are_accessible_and_fit(live_server, open_page, language, width):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/?lang={language}")
    for name, path in PAGES.items():
        assert page.goto(live_server.url + path).status == 200, path
        assert axe_violations(page) == [], f"{path} ({language}, {width} px)"
        assert fits(page), f"{path} scrolls sideways at {width} px"
        if width == 320:
            screenshot(page, f"{name}-{language}-320")


def test_a_volunteer_reads_how_sure_the_facts_are(live_server, open_page):
    page = open_page()
    page.goto(live_server.url + "/leermiddel/de-finale")
    assert "niet gecontroleerd" in page.locator("#zekerheid").inner_text()
    assert "Er is geen webadres bekend" in page.locator(".tp-material__how-to-get").inner_text()
    page.goto(live_server.url + "/leermiddel/de-finale?lang=en")
    assert "has not been checked" in page.locator("#zekerheid").inner_text()


def test_the_editor_form_with_facts_and_two_level_ranges_is_accessible(live_server, open_page, app):
    make_user(app, "feiten@example.org", "editor")
    page = open_page()
    log_in(page, live_server.url, "feiten@example.org")
    page.goto(live_server.url + "/beheer/leermiddel/succes-themaboekjes")
    assert page.locator("#level_from2").input_value() in ("a1", "instroom")
    assert page.locator("#certainty").input_value() == "zeker"
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 900})
    # The form's older parts (the facet checkboxes, a long title) are not this test's; its new ones fit.
    for part in ("#veld-bron", ".level-picker--second", "#veld-niveau"):
        right = page.locator(part).evaluate("e => e.getBoundingClientRect().right")
        assert right <= 320, f"{part} reaches {right} px"
    screenshot(page, "beheer-bron-en-zekerheid-320")
