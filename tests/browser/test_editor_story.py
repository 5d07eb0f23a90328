"""The editors' main story in a real browser: an admin invites an editor, who enters, corrects and
publishes a material that the public then finds; every page passes axe-core's WCAG 2.1 A/AA checks."""

from __future__ import annotations

import time

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user


def test_admin_invites_an_editor_who_publishes_a_findable_material(app, live_server, page, context, browser):
    base = live_server.url
    make_user(app, "ada@example.org", "admin", "Ada Beheerder")

    # The login page is accessible, and the admin logs in.
    page.goto(base + "/beheer/")
    assert "/auth/inloggen" in page.url
    assert axe_violations(page) == []
    log_in(page, base, "ada@example.org")

    # The admin invites an editor and reads the one-time password off the page.
    page.get_by_role("link", name="Gebruikers").click()
    page.get_by_label("E-mailadres", exact=True).fill("rik@example.org")
    page.get_by_label("Naam", exact=True).fill("Rik Redacteur")
    page.get_by_label("Redacteur", exact=True).check()
    page.get_by_role("button", name="Account aanmaken").click()
    password = page.locator("#eenmalig-wachtwoord").inner_text()
    assert len(password) >= 12
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/auth/inloggen")

    # The editor logs in with it once and first chooses a password of their own.
    page.goto(base + "/auth/inloggen")
    page.get_by_label("E-mailadres", exact=True).fill("rik@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/auth/wachtwoord**")
    assert axe_violations(page) == [], "own password page"
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("rik zijn eigen wachtwoord")
    page.get_by_label("Nieuw wachtwoord nogmaals", exact=True).fill("rik zijn eigen wachtwoord")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/beheer/")

    # Then they start a new material.
    assert axe_violations(page) == [], "materials list"
    screenshot(page, "editor-list")
    page.get_by_role("link", name="Nieuw leermiddel").first.click()
    page.get_by_label("Titel", exact=True).fill("Rekenen met de kassabon")
    page.get_by_label("Aanbieder", exact=True).fill("Bibliotheek Oost")
    page.get_by_label("Webadres", exact=True).fill("www.example.org zonder https")
    page.get_by_label("Samenvatting", exact=True).fill("Te lang. " * 40)
    page.get_by_label("Beschrijving", exact=True).fill("Oefen **prijzen** lezen.\n\n- kassabon\n- wisselgeld")
    page.get_by_role("checkbox", name="Rekenen").check()
    page.get_by_label("Niveauschaal", exact=True).select_option("Referentieniveau (NT1 en rekenen)")
    page.get_by_label("Van niveau", exact=True).select_option("instroom")
    page.get_by_label("Tot en met niveau", exact=True).select_option("1f")

    # The Markdown preview appears in the page, rendered by the server.
    page.get_by_role("button", name="Voorbeeld bekijken").click()
    assert page.locator("#voorbeeld strong").inner_text() == "prijzen"

    # Saving shows a linked summary of the errors; everything typed is kept.
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#foutmeldingen")
    assert summary.is_visible()
    assert "geen geldig webadres" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "foutmeldingen"
    assert page.get_by_label("Titel", exact=True).input_value() == "Rekenen met de kassabon"
    assert page.get_by_role("checkbox", name="Rekenen").is_checked()
    assert page.get_by_label("Tot en met niveau", exact=True).input_value() == "1f"
    assert axe_violations(page) == [], "form with errors"
    screenshot(page, "editor-form-errors")
    summary.get_by_role("link", name="Webadres").click()
    assert page.evaluate("document.activeElement.id") == "url"

    page.get_by_label("Webadres", exact=True).fill("https://example.org/kassabon")
    page.get_by_label("Samenvatting", exact=True).fill(
        "Oefenen met prijzen en wisselgeld aan de hand van echte kassabonnen."
    )
    page.get_by_role("radio", name="Gratis voor iedereen", exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    assert "Opgeslagen als concept" in page.locator(".flashes").inner_text()

    # The public search is warm and does not know the draft.
    public = context.new_page()
    public.goto(base + "/zoeken?q=kassabonnen")
    assert "rekenen-met-de-kassabon" not in public.content()

    # Publishing asks for confirmation, then the public finds it within a second.
    page.get_by_role("link", name="Publiceren").click()
    page.get_by_role("button", name="Ja, publiceren").click()
    published_at = time.monotonic()
    assert "meteen te vinden in de openbare zoekfunctie" in page.locator(".flashes").inner_text()
    public.goto(base + "/zoeken?q=kassabonnen")
    assert public.locator("a[href='/leermiddel/rekenen-met-de-kassabon']").count() >= 1
    assert time.monotonic() - published_at < 1.0
