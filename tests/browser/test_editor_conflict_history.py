"""Two editors edit the same material at once: the second gets the conflict page, nothing is lost, and
the history shows the difference and restores the first version."""

from __future__ import annotations

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user, second_browser

SLUG = "klik-en-tik-de-basis"


def test_parallel_edits_end_in_a_conflict_page_and_history_restores_the_first_version(
    app, live_server, page, browser
):
    base = live_server.url
    make_user(app, "rik@example.org", "editor", "Rik")
    make_user(app, "sam@example.org", "editor", "Sam")
    log_in(page, base, "rik@example.org")
    with second_browser(browser) as other:
        log_in(other, base, "sam@example.org")
        page.goto(f"{base}/beheer/leermiddel/{SLUG}")
        other.goto(f"{base}/beheer/leermiddel/{SLUG}")

        page.get_by_label("Samenvatting", exact=True).fill("Rik schreef deze samenvatting.")
        page.get_by_role("button", name="Opslaan").click()
        assert "Opgeslagen" in page.locator(".flashes").inner_text()

        other.get_by_label("Samenvatting", exact=True).fill("Sam schreef iets anders.")
        other.get_by_role("button", name="Opslaan").click()
        assert (
            other.get_by_role("heading", level=1).inner_text()
            == "Iemand anders heeft dit leermiddel intussen opgeslagen"
        )
        row = other.locator("tr.differs", has_text="Samenvatting")
        assert (
            "Sam schreef iets anders." in row.inner_text()
            and "Rik schreef deze samenvatting." in row.inner_text()
        )
        assert axe_violations(other) == [], "conflict page"
        screenshot(other, "editor-conflict")

    # Rik looks at the history, compares the first and the latest version, and restores the first.
    page.get_by_role("link", name="Geschiedenis").click()
    page.locator("#van-1").check()
    page.get_by_role("button", name="Vergelijk").click()
    diff = page.locator("section.diff")
    assert "Verschil tussen versie 1 en versie 2" in diff.inner_text()
    assert diff.locator("del").first.inner_text().startswith("Online programma van Oefenen.nl")
    assert diff.locator("ins").first.inner_text() == "Rik schreef deze samenvatting."
    assert axe_violations(page) == [], "history page"
    screenshot(page, "editor-history")

    page.get_by_role("link", name="Versie 1 terugzetten").click()
    page.get_by_role("button", name="Ja, versie 1 terugzetten").click()
    assert "Versie 1 is teruggezet als nieuwe versie." in page.locator(".flashes").inner_text()
    assert "versie 1 teruggezet" in page.locator("table.revisions").inner_text()
    page.goto(f"{base}/beheer/leermiddel/{SLUG}")
    assert (
        page.get_by_label("Samenvatting", exact=True)
        .input_value()
        .startswith("Online programma van Oefenen.nl")
    )
