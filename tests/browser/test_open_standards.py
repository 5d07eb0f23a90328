"""A volunteer follows a search: the browser offers Trefpunt as a search engine (rel="search"), the page names
the search's Atom feed (rel="alternate") and the share box says "Volg deze zoekopdracht". With JavaScript
the feed follows the filters ticked in place; without it the links are plain; at 320 px and in both
languages the share box passes axe-core."""

from __future__ import annotations

import feedparser
import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

SEARCH = "/zoeken?q=digid"
NARROWED = "/zoeken?q=digid&doelgroep=ouderen"


def feed_link(page):
    return page.locator('head link[rel="alternate"][type="application/atom+xml"]')


def follow_link(page):
    return page.get_by_role("link", name="Volg deze zoekopdracht")


def test_the_browser_finds_the_search_engine_and_the_feed_of_the_search(live_server, page):
    page.goto(live_server.url + SEARCH)

    opensearch = page.locator('head link[rel="search"]')
    assert opensearch.get_attribute("type") == "application/opensearchdescription+xml"
    description = page.request.get(live_server.url + opensearch.get_attribute("href"))
    assert description.ok and "{searchTerms}" in description.text()

    assert feed_link(page).get_attribute("href") == "/feed?q=digid"
    expect(follow_link(page)).to_be_visible()
    assert follow_link(page).get_attribute("href") == "/feed?q=digid"

    feed = feedparser.parse(page.request.get(live_server.url + "/feed?q=digid").body())
    assert not feed.bozo
    shown = sorted(page.locator(".tp-hits .tp-card__link").all_inner_texts())
    assert sorted(entry.title for entry in feed.entries) == shown


def test_ticking_a_filter_in_place_moves_the_feed_to_the_new_search(live_server, page):
    page.goto(live_server.url + SEARCH)
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("checkbox", name="Ouderen").check()
    page.wait_for_url(live_server.url + NARROWED)
    assert page.evaluate("window.stillTheSamePage") is True

    expect(follow_link(page)).to_have_attribute("href", "/feed?q=digid&doelgroep=ouderen")
    expect(feed_link(page)).to_have_attribute("href", "/feed?q=digid&doelgroep=ouderen")


def test_without_javascript_the_feed_is_a_plain_link_in_the_share_box(live_server, open_page):
    page = open_page(java_script_enabled=False)
    page.goto(live_server.url + NARROWED)
    expect(follow_link(page)).to_be_visible()
    assert follow_link(page).get_attribute("href") == "/feed?q=digid&doelgroep=ouderen"
    assert feed_link(page).get_attribute("href") == "/feed?q=digid&doelgroep=ouderen"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_share_box_with_its_feed_is_accessible_on_a_phone(live_server, open_page, language):
    phone = open_page(viewport={"width": 320, "height": 640})
    phone.goto(f"{live_server.url}/?lang={language}")
    phone.goto(live_server.url + NARROWED)
    name = "Volg deze zoekopdracht" if language == "nl" else "Follow this search"
    link = phone.get_by_role("link", name=name)
    expect(link).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(phone) == []
    link.scroll_into_view_if_needed()
    screenshot(phone, f"volg-deze-zoekopdracht-320-{language}")
    feed = phone.request.get(live_server.url + link.get_attribute("href"))
    assert feed.headers["content-type"].startswith("application/atom+xml")
