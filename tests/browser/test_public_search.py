"""A volunteer between two learners: searches "digid", narrows to "ouderen", and sends a colleague the link.

The same story with JavaScript, without it, and with the keyboard only; then on a 320 px phone and on paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

OUDEREN = re.compile(r"^Ouderen\b")


@dataclass(frozen=True)
class Said:
    """How many materials the two searches of the story find (as the API, the same search, counts them),
    and the headings that say so: the story is about the page, not about the catalogue's contents."""

    digid: int
    digid_ouderen: int

    @property
    def digid_heading(self) -> str:
        return f"{self.digid} leermiddelen voor ‘digid’"

    @property
    def digid_ouderen_heading(self) -> str:
        return f"{self.digid_ouderen} leermiddelen voor ‘digid’ — doelgroep: Ouderen"


@pytest.fixture
def said(app) -> Said:
    def total(query: str) -> int:
        return app.test_client().get(f"/api/v1/materials?{query}").get_json()["total"]

    found = Said(total("q=digid"), total("q=digid&doelgroep=ouderen"))
    assert 1 < found.digid_ouderen < found.digid <= 20  # narrowing shows, and one page holds them all
    return found


def results(page):
    return page.locator(".tp-hits .tp-card__link")


def titles(page) -> list[str]:
    return results(page).all_inner_texts()


def search_for(page, server, words: str) -> None:
    page.goto(server.url + "/")
    page.get_by_label("Waar zoekt u een leermiddel voor?").fill(words)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(f"**/zoeken?q={words}")


def test_with_javascript_ticking_a_filter_updates_in_place_and_the_copied_link_opens_the_same_search(
    live_server, open_page, said
):
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    search_for(page, live_server, "digid")
    heading = page.locator("#resultaten-titel")
    expect(heading).to_have_text(said.digid_heading)
    expect(results(page)).to_have_count(said.digid)

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("checkbox", name=OUDEREN).check()
    expect(heading).to_have_text(said.digid_ouderen_heading)
    page.wait_for_url(live_server.url + "/zoeken?q=digid&doelgroep=ouderen")
    assert page.evaluate("window.stillTheSamePage") is True, "the page was loaded again"
    expect(results(page)).to_have_count(said.digid_ouderen)
    expect(page.locator("[data-live-region]")).to_have_text(said.digid_ouderen_heading)
    expect(page).to_have_title(re.compile("^" + said.digid_ouderen_heading))
    expect(page.get_by_role("link", name=re.compile("Doelgroep: Ouderen"))).to_be_visible()

    page.get_by_role("button", name="Kopieer link").click()
    expect(page.get_by_text("De link is gekopieerd.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + "/zoeken?q=digid&doelgroep=ouderen"
    screenshot(page, "zoeken-digid-ouderen")

    colleague = open_page()
    colleague.goto(copied)
    expect(colleague.locator("#resultaten-titel")).to_have_text(said.digid_ouderen_heading)
    assert sorted(titles(colleague)) == sorted(titles(page))
    expect(colleague.get_by_role("checkbox", name=OUDEREN)).to_be_checked()
    assert colleague.locator(".tp-value__input:checked").count() == 1

    # The back button goes back one filter, without a reload either.
    page.go_back()
    expect(heading).to_have_text(said.digid_heading)
    expect(page.get_by_role("checkbox", name=OUDEREN)).not_to_be_checked()
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_chip_removes_its_filter_and_the_value_name_works_like_its_checkbox(live_server, open_page, said):
    page = open_page()
    page.goto(live_server.url + "/zoeken?q=digid")
    page.locator(".tp-value__link", has_text=OUDEREN).click()
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_ouderen_heading)
    expect(page.get_by_role("checkbox", name=OUDEREN)).to_be_checked()
    page.get_by_role("link", name=re.compile("Doelgroep: Ouderen")).click()
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_heading)
    page.wait_for_url(live_server.url + "/zoeken?q=digid")
    expect(page.locator("#resultaten-titel")).to_be_focused()


def test_without_javascript_the_same_story_works_with_the_form_and_the_links(live_server, open_page, said):
    page = open_page(java_script_enabled=False)
    search_for(page, live_server, "digid")
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_heading)
    expect(page.get_by_role("button", name="Kopieer link")).to_be_hidden()

    page.get_by_role("checkbox", name=OUDEREN).check()
    page.get_by_role("button", name="Toon resultaten").click()
    page.wait_for_url(live_server.url + "/zoeken?q=digid&doelgroep=ouderen")
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_ouderen_heading)
    expect(results(page)).to_have_count(said.digid_ouderen)

    # The link field is there to select and copy by hand.
    field = page.get_by_label("Link om te delen")
    expect(field).to_have_value(live_server.url + "/zoeken?q=digid&doelgroep=ouderen")
    field.select_text()
    selected = field.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")
    assert selected == field.input_value()
    screenshot(page, "zoeken-zonder-javascript")

    colleague = open_page(java_script_enabled=False)
    colleague.goto(field.input_value())
    expect(colleague.locator("#resultaten-titel")).to_have_text(said.digid_ouderen_heading)
    assert sorted(titles(colleague)) == sorted(titles(page))
    expect(colleague.get_by_role("checkbox", name=OUDEREN)).to_be_checked()

    # Every value is also a plain link: following one removes the filter again.
    colleague.locator(".tp-value__link", has_text=OUDEREN).click()
    colleague.wait_for_url(live_server.url + "/zoeken?q=digid")
    expect(colleague.locator("#resultaten-titel")).to_have_text(said.digid_heading)


def press_tab_until(page, describe_focus: str, limit: int = 80) -> None:
    """Tab forward until the focused element matches ``describe_focus`` (a JS expression over ``el``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({describe_focus}); }})()"):
            return
    raise AssertionError(f"Tab never reached {describe_focus}")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
             const s = getComputedStyle(document.activeElement);
             const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
             return outlined || s.boxShadow !== 'none';
           }"""
    )


def test_a_keyboard_user_does_it_with_tab_space_and_enter(live_server, open_page, said):
    page = open_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    press_tab_until(page, "el.name === 'q'")
    page.keyboard.type("digid")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/zoeken?q=digid")
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_heading)

    press_tab_until(page, "el.type === 'checkbox' && el.value === 'ouderen'")
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("#resultaten-titel")).to_have_text(said.digid_ouderen_heading)
    page.wait_for_url(live_server.url + "/zoeken?q=digid&doelgroep=ouderen")
    # Focus stays on the checkbox the user just ticked, so Tab carries on from there.
    expect(page.get_by_role("checkbox", name=OUDEREN)).to_be_focused()

    press_tab_until(page, "el.matches('[data-copy-link]')")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_text("De link is gekopieerd.")).to_be_visible()
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == live_server.url + "/zoeken?q=digid&doelgroep=ouderen"
    )

    # A closed facet opens with the keyboard too.
    page.goto(live_server.url + "/zoeken?q=digid")
    press_tab_until(page, "el.tagName === 'SUMMARY' && el.textContent.includes('Kosten')")
    page.keyboard.press("Enter")
    expect(page.locator("#facet-kosten")).to_have_attribute("open", "")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_on_a_320_pixel_phone_nothing_scrolls_sideways(live_server, open_page):
    for javascript in (True, False):
        page = open_page(viewport={"width": 320, "height": 640}, java_script_enabled=javascript)
        for path in (
            "/",
            "/zoeken?q=digid&doelgroep=ouderen",
            "/zoeken?q=xyzzy&kosten=betaald",
            "/leermiddel/oefenen-nl",
            "/leermiddel/bestaat-niet",
        ):
            page.goto(live_server.url + path)
            assert no_sideways_scroll(page), f"{path} scrolls sideways (JavaScript {javascript})"
    # With JavaScript the filters fold behind one button, so the results are close; opened, they fit too.
    page = open_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/zoeken?doelgroep=ouderen")
    toggle = page.get_by_role("button", name=re.compile("^Filters"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("checkbox", name=OUDEREN)).to_be_hidden()
    screenshot(page, "zoeken-telefoon")
    toggle.click()
    page.locator("#facet-aanbieder > summary").click()
    page.locator("#facet-aanbieder .tp-more summary").click()
    assert no_sideways_scroll(page)
    page.get_by_role("checkbox", name=re.compile("^Jongeren")).check()
    expect(page.locator("#resultaten-titel")).to_contain_text("doelgroep: Ouderen of Jongeren")
    expect(page.get_by_role("button", name=re.compile("^Filters"))).to_have_attribute("aria-expanded", "true")
    assert no_sideways_scroll(page)
    screenshot(page, "zoeken-telefoon-filters")


def test_the_printed_page_is_a_clean_list_with_the_addresses_written_out(live_server, open_page, said):
    page = open_page()
    page.goto(live_server.url + "/zoeken?q=digid&doelgroep=ouderen")
    page.emulate_media(media="print")
    expect(results(page)).to_have_count(said.digid_ouderen)
    for hit in results(page).all():
        expect(hit).to_be_visible()
    expect(page.locator(".tp-card__summary").first).to_be_visible()
    expect(page.locator(".tp-filters")).to_be_hidden()
    expect(page.locator(".tp-searchbar")).to_be_hidden()
    expect(page.locator(".tp-share")).to_be_hidden()
    expect(page.locator(".tp-print-header")).to_contain_text(
        live_server.url + "/zoeken?q=digid&doelgroep=ouderen"
    )
    addresses = page.locator(".tp-card__addresses")
    expect(addresses.first).to_be_visible()
    expect(addresses.first).to_contain_text(live_server.url + "/leermiddel/")
    screenshot(page, "zoeken-afdruk")
