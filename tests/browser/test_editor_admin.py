"""An admin's pages in a real browser: accounts and vocabularies, confirming before the irreversible."""

from __future__ import annotations

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user, second_browser


def test_admin_switches_an_editor_off_after_confirming(app, live_server, page, browser):
    base = live_server.url
    make_user(app, "ada@example.org", "admin")
    make_user(app, "rik@example.org", "editor")
    with second_browser(browser) as rik:
        log_in(rik, base, "rik@example.org")
        log_in(page, base, "ada@example.org")
        page.goto(base + "/beheer/gebruikers")
        assert axe_violations(page) == [], "users page"
        # Declining the confirmation changes nothing; accepting it switches the account off.
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.get_by_role("button", name="Uitschakelen: rik@example.org").click()
        assert page.locator("tr", has_text="rik@example.org").locator(".badge").count() == 0
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Uitschakelen: rik@example.org").click()
        assert "is uitgeschakeld" in page.locator(".flashes").inner_text()
        rik.goto(base + "/beheer/")
        assert "/auth/inloggen" in rik.url


def test_admin_maintains_a_vocabulary(app, live_server, page):
    base = live_server.url
    make_user(app, "ada@example.org", "admin")
    log_in(page, base, "ada@example.org")
    page.get_by_role("link", name="Vocabulaires").click()
    page.get_by_role("link", name="Niveau").click()
    assert axe_violations(page) == [], "vocabulary page"
    screenshot(page, "editor-vocabulary")
    page.get_by_label("Sleutel", exact=True).fill("c2-plus")
    page.get_by_label("Nederlandse naam", exact=True).fill("C2+")
    page.get_by_label("Engelse naam", exact=True).fill("C2+")
    page.get_by_label("Niveauschaal", exact=True).select_option("ERK (NT2)")
    page.get_by_role("button", name="Toevoegen").click()
    assert "De term is toegevoegd." in page.locator(".flashes").inner_text()
    keys = page.locator("table.terms tbody th code").all_inner_texts()
    assert keys.index("c2-plus") == keys.index("c2") + 1

    # The level picker of the material form offers only the chosen scheme's levels.
    page.goto(base + "/beheer/nieuw")
    page.get_by_label("Niveauschaal", exact=True).select_option("ERK (NT2)")
    enabled = page.locator("#level_from option[data-scheme]:not([disabled])").all_inner_texts()
    assert "C2+" in enabled and "1F" not in enabled
