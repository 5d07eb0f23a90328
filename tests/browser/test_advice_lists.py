"""A volunteer builds an advice list in a real browser and a colleague opens it: from two searches, in the
maker's order, with notes; shared by its read link (which cannot edit) and its edit link (which can);
printed as an A4 handout with every web address and QR codes. With JavaScript and without, at 1280 and at
320 px wide, and checked by axe-core in Dutch and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

FIRST_SEARCH = "/zoeken?q=digid"
SECOND_SEARCH = "/zoeken?q=rekenen"
STEFFIE = ("steffie-digid", "Steffie legt uit: DigiD")
DIGISTERKER = ("digisterker", "Digisterker - Werken met de e-overheid")
MUISWERK = ("muiswerk-rekenen", "Muiswerk Rekenen")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def put_on_list(page, slug: str, count: int) -> None:
    """Press "Zet op lijst" on the card of ``slug``; without JavaScript a first list asks to confirm."""
    form = page.locator(f'form[data-add-to-list]:has(input[name="leermiddel"][value="{slug}"])').first
    form.get_by_role("button").click()
    if page.url.endswith("/lijst/zet-op-lijst"):
        expect(page.get_by_text("Zet geen namen of andere persoonsgegevens op de lijst.")).to_be_visible()
        page.locator("main").get_by_role("button", name="Zet op lijst").click()
    counter = page.locator("[data-list-count]")
    expect(counter).to_have_text(f"{count} leermiddel" if count == 1 else f"{count} leermiddelen")


def button(page, label: str, title: str):
    """An item's button, named by its label and (for screen readers) the material's title."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}\s?:? {re.escape(title)}$"))


def expect_order(page, titles: list[str]) -> None:
    """The list's materials, in this order (waiting for the page a button loads)."""
    expect(page.locator(".tp-list-item__title")).to_have_text(titles)


@pytest.mark.parametrize(
    ("javascript", "width"), [(True, 1280), (False, 1280), (True, 320), (False, 320)], ids=str
)
def test_a_volunteer_builds_a_list_and_a_colleague_reads_prints_and_edits_it(
    live_server, open_page, javascript, width
):
    size = {"width": width, "height": 900}
    page = open_page(java_script_enabled=javascript, viewport=size)
    suffix = f"{'js' if javascript else 'nojs'}-{width}"

    # Two searches, three materials.
    page.goto(live_server.url + FIRST_SEARCH)
    assert no_sideways_scroll(page)
    put_on_list(page, STEFFIE[0], 1)
    put_on_list(page, DIGISTERKER[0], 2)
    page.goto(live_server.url + SECOND_SEARCH)
    put_on_list(page, MUISWERK[0], 3)
    assert no_sideways_scroll(page), "search page with the list in the header"

    # The list survives page loads: open it from the header.
    page.goto(live_server.url + "/")
    page.locator(".tp-listbar__link").click()
    page.wait_for_url("**/lijst/bewerken/*")
    expect_order(page, [STEFFIE[1], DIGISTERKER[1], MUISWERK[1]])

    # Muiswerk first, then Steffie, then Digisterker; a note on two of them; a title.
    button(page, "Omhoog", MUISWERK[1]).click()
    button(page, "Omhoog", MUISWERK[1]).click()
    expect_order(page, [MUISWERK[1], STEFFIE[1], DIGISTERKER[1]])
    page.get_by_label(f"Notitie bij {MUISWERK[1]}").fill("Begin hiermee, 10 minuten per dag")
    button(page, "Bewaar notitie bij", MUISWERK[1]).click()
    page.get_by_label(f"Notitie bij {DIGISTERKER[1]}").fill("Samen met de taalmaatje")
    # Moving an item saves the note typed in its form too.
    button(page, "Omlaag", STEFFIE[1]).click()
    expect_order(page, [MUISWERK[1], DIGISTERKER[1], STEFFIE[1]])
    page.get_by_label("Titel", exact=True).fill("Rekenen en DigiD voor een beginner")
    page.get_by_role("button", name="Bewaar titel en inleiding").click()
    expect(page.get_by_label("Titel", exact=True)).to_have_value("Rekenen en DigiD voor een beginner")
    assert no_sideways_scroll(page), "edit page"
    # axe-core runs as a script: only where the page's scripts run (its promise never settles otherwise).
    assert not javascript or axe_violations(page) == []
    screenshot(page, f"advieslijst-bewerken-{suffix}")

    read_link = page.locator("#leeslink").input_value()
    edit_link = page.locator("#bewerklink").input_value()
    read_token, edit_token = read_link.rsplit("/", 1)[1], edit_link.rsplit("/", 1)[1]
    assert read_token != edit_token

    # A colleague, in a browser of their own, opens the read link and sees the same.
    colleague = open_page(java_script_enabled=javascript, viewport=size)
    colleague.goto(read_link)
    expect(colleague.locator("h1")).to_have_text("Rekenen en DigiD voor een beginner")
    expect_order(colleague, [MUISWERK[1], DIGISTERKER[1], STEFFIE[1]])
    expect(colleague.get_by_text("Begin hiermee, 10 minuten per dag")).to_be_visible()
    expect(colleague.get_by_text("Samen met de taalmaatje")).to_be_visible()
    assert edit_token not in colleague.content()
    assert colleague.locator("main textarea, main button[name=actie]").count() == 0
    assert no_sideways_scroll(colleague), "read page"
    assert not javascript or axe_violations(colleague) == []
    screenshot(colleague, f"advieslijst-lezen-{suffix}")

    # The read link cannot edit.
    refused = colleague.goto(f"{live_server.url}/lijst/bewerken/{read_token}")
    assert refused.status == 404

    # The handout prints: every web address written out, and QR codes.
    colleague.goto(read_link)
    colleague.get_by_role("link", name="Print als handout").click()
    colleague.wait_for_url("**/afdrukken")
    assert no_sideways_scroll(colleague), "handout"
    colleague.emulate_media(media="print")
    text = colleague.locator("main").inner_text()
    for address in (
        read_link,
        f"{live_server.url}/leermiddel/{STEFFIE[0]}",
        "https://www.digisterker.nl",
        f"{live_server.url}/leermiddel/{DIGISTERKER[0]}",
    ):
        assert address in text, address
    codes = colleague.locator(".tp-qr svg")
    assert codes.count() == 4
    for number in range(4):
        box = codes.nth(number).bounding_box()
        # Whole and large enough to scan: inside the page, at least 2 cm (about 75 CSS px) wide.
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width and box["width"] >= 75, box
    # Printed: no header navigation, footer or buttons; the handout alone.
    assert colleague.locator(".tp-footer").is_hidden() and colleague.locator(".tp-nav").is_hidden()
    assert "Begin hiermee, 10 minuten per dag" in text
    screenshot(colleague, f"advieslijst-handout-print-{suffix}")
    colleague.emulate_media(media="screen")

    # The edit link can: the colleague changes a note, the maker's read link shows it.
    colleague.goto(edit_link)
    colleague.get_by_label(f"Notitie bij {STEFFIE[1]}").fill("Daarna deze")
    button(colleague, "Bewaar notitie bij", STEFFIE[1]).click()
    page.goto(read_link)
    expect(page.get_by_text("Daarna deze")).to_be_visible()


def test_the_handout_fits_a4_pages(live_server, open_page):
    page = open_page()
    page.goto(live_server.url + FIRST_SEARCH)
    for count, slug in enumerate((STEFFIE[0], DIGISTERKER[0], "doe-je-digiding"), start=1):
        put_on_list(page, slug, count)
    page.goto(live_server.url + "/lijst/mijn")
    read_link = page.locator("#leeslink").input_value()
    page.goto(read_link + "/afdrukken")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    # Three materials with their QR codes: one or two sheets, never one per material.
    assert 1 <= pages <= 2, pages


LIST_PAGES = ("edit", "read", "handout", "none")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_list_pages_have_no_wcag_violations(live_server, open_page, language):
    page = open_page()
    page.goto(f"{live_server.url}/?lang={language}")
    page.goto(live_server.url + "/lijst/mijn")
    checked = {"none": page.url}
    assert axe_violations(page) == [], "no list yet"

    # The confirmation a first "Zet op lijst" without a token shows (a cached page, no JavaScript): the
    # form is sent as the browser sends it when lists.js does not take it over.
    first = open_page()
    first.goto(f"{live_server.url}/leermiddel/{STEFFIE[0]}?lang={language}")
    first.evaluate("document.querySelector('form[data-add-to-list]').removeAttribute('data-add-to-list')")
    first.locator(".tp-add-to-list button").click()
    first.wait_for_url("**/lijst/zet-op-lijst")
    assert first.locator("html").get_attribute("lang") == language
    assert axe_violations(first) == [], "confirm"

    page.goto(f"{live_server.url}/leermiddel/{STEFFIE[0]}")
    page.locator("form[data-add-to-list] button").click()
    expect(page.locator("[data-list-count]")).to_be_visible()
    page.goto(f"{live_server.url}/leermiddel/{MUISWERK[0]}")
    page.locator("form[data-add-to-list] button").click()
    expect(page.locator("[data-list-count]")).to_contain_text("2")
    assert axe_violations(page) == [], "material page with the list in the header"
    page.goto(live_server.url + "/lijst/mijn")
    checked["edit"] = page.url
    read_link = page.locator("#leeslink").input_value()
    checked["read"], checked["handout"] = read_link, read_link + "/afdrukken"
    for name in LIST_PAGES:
        page.goto(checked[name])
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, name
        assert axe_violations(page) == [], f"{name} ({language})"
        page.set_viewport_size({"width": 320, "height": 800})
        assert no_sideways_scroll(page), f"{name} at 320 px"
        assert axe_violations(page) == [], f"{name} ({language}) at 320 px"
        page.set_viewport_size({"width": 1280, "height": 900})
        screenshot(page, f"advieslijst-{name}-{language}")
