"""Review before publishing in a real browser: Rik submits a change, the public page keeps the published
text, Ada sees the difference and publishes it; the review pages pass axe in Dutch and English."""

from __future__ import annotations

import pytest

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user, second_browser

SLUG = "klik-en-tik-de-basis"
NEW_SUMMARY = "Muis en toetsenbord leren gebruiken, stap voor stap, in uw eigen tempo."


@pytest.fixture
def app(app):
    app.config["REVIEW_BEFORE_PUBLISHING"] = True
    return app


def test_one_editor_submits_a_change_and_another_publishes_it(app, live_server, page, browser):
    base = live_server.url
    make_user(app, "rik@example.org", "editor", "Rik")
    make_user(app, "ada@example.org", "editor", "Ada")
    log_in(page, base, "rik@example.org")
    page.goto(f"{base}/beheer/leermiddel/{SLUG}")
    published = page.get_by_label("Samenvatting", exact=True).input_value()
    page.get_by_label("Samenvatting", exact=True).fill(NEW_SUMMARY)
    page.get_by_role("button", name="Indienen ter beoordeling").click()
    assert "Ingediend ter beoordeling" in page.locator(".flashes").inner_text()
    assert "Er wacht een wijziging op beoordeling" in page.locator("#wijziging-wacht").inner_text()
    assert page.get_by_label("Samenvatting", exact=True).input_value() == NEW_SUMMARY

    # Rik cannot publish his own change: the review page says so and offers no button.
    page.get_by_role("link", name="Bekijk de wijziging en de verschillen").click()
    assert "Dit is uw eigen wijziging" in page.locator("#eigen-wijziging").inner_text()
    assert page.get_by_role("button", name="Publiceren").count() == 0
    assert axe_violations(page) == [], "own change"

    page.goto(f"{base}/leermiddel/{SLUG}")
    assert published in page.locator("main").inner_text()
    assert NEW_SUMMARY not in page.locator("main").inner_text()

    with second_browser(browser) as ada:
        log_in(ada, base, "ada@example.org")
        ada.get_by_role("link", name="Beoordelen").click()
        assert "1 wijziging wacht op beoordeling" in ada.locator("main").inner_text()
        assert axe_violations(ada) == [], "queue"
        screenshot(ada, "editor-review-queue")
        ada.get_by_role("link", name="Klik & Tik. De basis").click()
        diff = ada.locator("section.diff")
        assert diff.locator("del").first.inner_text() == published
        assert diff.locator("ins").first.inner_text() == NEW_SUMMARY
        assert axe_violations(ada) == [], "review page"
        screenshot(ada, "editor-review-change")
        ada.get_by_role("button", name="Publiceren").click()
        assert "Gepubliceerd na beoordeling" in ada.locator(".flashes").inner_text()

    page.goto(f"{base}/leermiddel/{SLUG}")
    assert NEW_SUMMARY in page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_review_pages_have_no_wcag_violations(app, live_server, open_page, language):
    base = live_server.url
    make_user(app, "rik@example.org", "editor", "Rik")
    make_user(app, "ada@example.org", "editor", "Ada")
    rik = open_page()
    log_in(rik, base, "rik@example.org")
    rik.goto(f"{base}/beheer/leermiddel/{SLUG}")
    rik.get_by_label("Samenvatting", exact=True).fill(NEW_SUMMARY)
    rik.get_by_role("button", name="Indienen ter beoordeling").click()
    rik.get_by_role("link", name="Bekijk de wijziging en de verschillen").click()
    review_url = rik.url

    ada = open_page(viewport={"width": 320, "height": 800})
    log_in(ada, base, "ada@example.org")
    ada.goto(f"{base}/beheer/beoordelen?lang={language}")
    # A send-back without a comment: the page with its error message is checked too.
    for path, check in (
        ("/beheer/beoordelen", None),
        (review_url.removeprefix(base), "terugsturen"),
    ):
        ada.goto(base + path)
        assert ada.locator("html").get_attribute("lang") == language
        if check:
            ada.locator("form.send-back button").click()
            ada.wait_for_url("**/terugsturen")
            assert ada.locator(".field-error").inner_text() == "schrijf erbij wat er anders moet"
        assert axe_violations(ada) == [], f"{path} ({language})"
        # 320 px wide without sideways scrolling.
        assert ada.evaluate("document.documentElement.scrollWidth") <= 320, path
        screenshot(ada, f"editor-review-{'change' if check else 'queue'}-320-{language}")

    ada.locator("#comment").fill("Schrijf wat de cursus echt doet.")
    ada.locator("form.send-back button").click()
    rik.goto(f"{base}/beheer/leermiddel/{SLUG}?lang={language}")
    assert "Schrijf wat de cursus echt doet." in rik.locator("#wijziging-wacht").inner_text()
    assert axe_violations(rik) == [], f"edit page with a sent-back change ({language})"
    screenshot(rik, f"editor-review-sent-back-{language}")


def test_a_pasted_summary_over_300_characters_is_kept_whole_counted_and_refused_by_the_server(
    app, live_server, page
):
    app.config["REVIEW_BEFORE_PUBLISHING"] = False
    base = live_server.url
    make_user(app, "rik@example.org", "editor", "Rik")
    log_in(page, base, "rik@example.org")
    page.goto(f"{base}/beheer/leermiddel/{SLUG}")
    pasted = ("Stap voor stap leert u de muis en het toetsenbord gebruiken. " * 6).strip()
    summary = page.get_by_label("Samenvatting", exact=True)
    summary.fill(pasted)
    assert summary.input_value() == pasted, "the browser cuts nothing"
    counter = page.locator("#summary + .counter")
    assert counter.inner_text() == f"{len(pasted)} / 300"
    assert "over" in counter.get_attribute("class")
    page.get_by_role("button", name="Opslaan").click()
    assert (
        f"de samenvatting is {len(pasted)} tekens; het maximum is 300"
        in page.locator("#foutmeldingen").inner_text()
    )
    assert page.get_by_label("Samenvatting", exact=True).input_value() == pasted
