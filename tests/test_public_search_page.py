"""A volunteer searches, narrows with filters and shares exactly what they found: the search page as a
browser without JavaScript receives it. Every choice is a link, and one search has one address.
"""

from __future__ import annotations

import re

import pytest
from public_html import checkbox, dom, hit_slugs, query, value_link, visit
from seed_catalogue import DIGID_MATERIALS
from sqlalchemy import select

from trefpunt.catalog.models import Term
from trefpunt.catalog.vocab_admin import merge
from trefpunt.public.links import page_links
from trefpunt.search import SearchRequest, SearchResult


# ---------------------------------------------------------------------------------------------------------
# Searching and narrowing
# ---------------------------------------------------------------------------------------------------------
def test_a_volunteer_searches_digid_and_sees_the_search_said_back_with_the_words_highlighted(client):
    page = visit(client, "/zoeken?q=digid")
    slugs = hit_slugs(page)
    assert set(slugs[: len(DIGID_MATERIALS)]) == DIGID_MATERIALS  # then materials found through synonyms
    heading = page.by_id("resultaten-titel").text
    assert heading == f"{len(slugs)} leermiddelen voor ‘digid’"
    assert page.one("title").text.startswith(heading)
    assert page.one("html")["lang"] == "nl"
    marks = [m.text.lower() for m in page.all("mark")]
    assert "digid" in marks
    first = page.one("ol", cls="tp-hits").all("li", cls="tp-hits__item")[0]
    assert first.has("li", cls="tp-badge") and "Aanbieder:" in first.text and "Kosten:" in first.text


def test_ticking_ouderen_narrows_the_results_and_keeps_the_choice_visible(client):
    before = visit(client, "/zoeken?q=digid")
    link = value_link(before, "doelgroep", "ouderen")
    assert link["href"] == "/zoeken?q=digid&doelgroep=ouderen"
    count = int(
        before.one("label", **{"for": checkbox(before, "doelgroep", "ouderen")["id"]})
        .one("span", cls="tp-value__count")
        .text
    )

    after = visit(client, link["href"])
    assert len(hit_slugs(after)) == count < len(hit_slugs(before))
    assert set(hit_slugs(after)) < set(hit_slugs(before))
    assert after.by_id("resultaten-titel").text == f"{count} leermiddelen voor ‘digid’ — doelgroep: Ouderen"
    assert "checked" in checkbox(after, "doelgroep", "ouderen").attrs
    # Its link now takes the choice away again.
    assert value_link(after, "doelgroep", "ouderen")["href"] == "/zoeken?q=digid"


def test_every_facet_value_is_a_checkbox_in_the_get_form_and_a_real_link(client):
    page = visit(client, "/zoeken?q=digid")
    boxes = page.one("aside", cls="tp-filters").all("input", type="checkbox")
    assert len(boxes) > 30
    for box in boxes:
        assert box["form"] == "zoekformulier"
        link = value_link(page, box["name"], box["value"])
        if "disabled" in box.attrs:
            assert link is None
            continue
        params = query(link["href"])
        assert (box["name"], box["value"]) in params
        assert ("q", "digid") in params
    apply = page.one("button", type="submit", form="zoekformulier", cls="tp-filters__apply")
    assert apply.text == "Toon resultaten"


def test_values_without_results_are_greyed_and_cannot_be_chosen(client):
    page = visit(client, "/zoeken?q=digid")
    empty = checkbox(page, "kosten", "betaald")
    assert "disabled" in empty.attrs
    item = empty.parent
    assert "tp-value--empty" in item.classes
    assert item.one("span", cls="tp-value__count").text == "0"


def test_a_chosen_value_stays_visible_and_choosable_even_when_nothing_matches_it(client):
    page = visit(client, "/zoeken?q=digid&kosten=betaald")
    box = checkbox(page, "kosten", "betaald")
    assert "checked" in box.attrs and "disabled" not in box.attrs


def test_long_facets_show_the_top_values_and_the_rest_behind_toon_meer(client):
    page = visit(client, "/zoeken")
    providers = page.by_id("facet-aanbieder")
    more = providers.one("details", cls="tp-more")
    assert more.one("summary").text.startswith("Toon meer")
    top = [b for b in providers.all("input") if b not in more.all("input")]
    assert len(top) == 8
    hidden = more.all("input")[-1]["value"]

    chosen = visit(client, "/zoeken?aanbieder=" + hidden)
    more = chosen.by_id("facet-aanbieder").one("details", cls="tp-more")
    assert hidden not in [b["value"] for b in more.all("input")], "a chosen provider hides behind 'toon meer'"
    assert "checked" in checkbox(chosen, "aanbieder", hidden).attrs
    assert "open" in chosen.by_id("facet-aanbieder").attrs


def test_levels_are_grouped_by_scheme(client):
    levels = visit(client, "/zoeken").by_id("facet-niveau")
    schemes = [legend.text for legend in levels.all("legend", cls="tp-facet__group-title")]
    assert schemes == [
        "ERK (NT2)",
        "Referentieniveau (NT1 en rekenen)",
        "Digitale vaardigheden",
        "Geen vaste niveauschaal",
    ]
    erk = levels.all("legend", cls="tp-facet__group-title")[0].parent
    assert [b["value"] for b in erk.all("input")] == ["a0", "a1", "a2", "b1", "b2", "c1", "c2"]


def test_active_filters_are_chips_that_remove_themselves_and_wis_alle_filters_keeps_the_words(client):
    page = visit(client, "/zoeken?q=digid&vaardigheid=digitale-overheid&doelgroep=ouderen")
    chips = {c.one("span", cls="tp-chip__text").text: c["href"] for c in page.all("a", cls="tp-chip")}
    assert chips == {
        "Vaardigheid: Digitale overheid": "/zoeken?q=digid&doelgroep=ouderen",
        "Doelgroep: Ouderen": "/zoeken?q=digid&vaardigheid=digitale-overheid",
    }
    assert page.one("a", cls="tp-chips__clear")["href"] == "/zoeken?q=digid"
    assert all("filter weghalen" in chip.text for chip in page.all("a", cls="tp-chip"))


def test_sorting_by_relevance_title_or_newest(client):
    page = visit(client, "/zoeken?q=digid")
    sorts = {a.text: a for a in page.one("nav", cls="tp-sort").all("a")}
    assert list(sorts) == ["Relevantie", "Titel (A–Z)", "Nieuwste eerst"]
    assert sorts["Relevantie"]["aria-current"] == "true"
    by_title = visit(client, sorts["Titel (A–Z)"]["href"])
    titles = [a.text for a in by_title.all("a", cls="tp-card__link")]
    assert titles == sorted(titles, key=lambda title: re.findall(r"\w+", title.lower()))
    # Without search words relevance means nothing: the list is by title.
    browse = visit(client, "/zoeken").one("nav", cls="tp-sort")
    assert [a.text for a in browse.all("a")] == ["Titel (A–Z)", "Nieuwste eerst"]
    assert browse.one("a", aria_current="true").text == "Titel (A–Z)"


def test_paging_through_the_whole_catalogue(client):
    first = visit(client, "/zoeken")
    pagination = first.one("nav", cls="tp-pagination")
    assert pagination.one("a", aria_current="page").text.endswith("1")
    following = pagination.one("a", rel="next")["href"]
    assert following == "/zoeken?pagina=2"
    second = visit(client, following)
    assert not set(hit_slugs(first)) & set(hit_slugs(second))
    assert second.one("a", rel="prev")["href"] == "/zoeken"
    assert second.one("ol", cls="tp-hits")["start"] == "21"
    beyond = visit(client, "/zoeken?pagina=99")
    assert not hit_slugs(beyond)
    assert beyond.one("div", cls="tp-empty").one("a")["href"] == "/zoeken"


def test_a_long_list_pages_by_first_last_and_neighbours(vocabulary):
    result = SearchResult(SearchRequest(page=10, per_page=1), hits=[], total=30, facets=[])
    numbers = [link.label if link else "…" for link in page_links(result, vocabulary, "/zoeken")]
    assert numbers == ["1", "…", "8", "9", "10", "11", "12", "…", "30"]
    current = [link for link in page_links(result, vocabulary, "/zoeken") if link and link.current]
    assert [link.href for link in current] == ["/zoeken?pagina=10"]


# ---------------------------------------------------------------------------------------------------------
# One search, one link
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/zoeken?doelgroep=ouderen&q=digid", "/zoeken?q=digid&doelgroep=ouderen"),
        ("/zoeken?q=&doelgroep=ouderen&kosten=", "/zoeken?doelgroep=ouderen"),
        ("/zoeken?q=digid&sorteer=relevantie&pagina=1", "/zoeken?q=digid"),
        ("/zoeken?doelgroep=ouders,ouderen", "/zoeken?doelgroep=ouderen&doelgroep=ouders"),
        ("/zoeken?q=++digid++&onbekend=1&doelgroep=bestaat-niet", "/zoeken?q=digid"),
        ("/zoeken?doelgroep=ouderen&q=digid&lang=en", "/zoeken?q=digid&doelgroep=ouderen"),
        ("/zoeken?pagina=abc&sorteer=raar", "/zoeken"),
    ],
)
def test_a_search_has_one_address_and_other_spellings_redirect_to_it(client, asked, canonical):
    response = client.get(asked)
    assert response.status_code == 301
    assert response.headers["Location"] == canonical
    assert response.cache_control.max_age == 24 * 3600
    assert client.get(canonical).status_code == 200


def test_a_merged_term_in_an_old_link_leads_to_the_term_it_became(app, client, session):
    ids = {t.key: t.id for t in session.scalars(select(Term).where(Term.facet_name == "audience"))}
    merge(session, ids["jongeren"], ids["werkzoekenden"], author="test")
    session.commit()
    response = client.get("/zoeken?doelgroep=jongeren")
    assert response.status_code == 301
    assert response.headers["Location"] == "/zoeken?doelgroep=werkzoekenden"


def test_the_language_lives_in_a_cookie_not_in_the_search_address(client):
    page = visit(client, "/zoeken?q=digid&lang=en")
    assert page.one("html")["lang"] == "en"
    assert "Older adults" in page.by_id("facet-doelgroep").text
    # What people share carries no language: the colleague reads it in their own.
    assert page.by_id("deellink")["value"] == "http://127.0.0.1:5000/zoeken?q=digid"
    assert value_link(page, "doelgroep", "ouderen")["href"] == "/zoeken?q=digid&doelgroep=ouderen"
    # The choice is remembered for the next page.
    assert visit(client, "/zoeken?q=digid&doelgroep=ouderen").one("html")["lang"] == "en"
    switch = page.one("nav", cls="tp-language").one("a")
    assert switch["href"] == "/zoeken?q=digid&lang=nl" and switch["lang"] == "nl"
    assert visit(client, switch["href"]).one("html")["lang"] == "nl"
    assert visit(client, "/zoeken?q=digid").one("html")["lang"] == "nl"


def test_the_language_switch_keeps_the_page_and_replaces_an_earlier_choice(client):
    page = visit(client, "/leermiddel/oefenen-nl?lang=en")
    switch = page.one("nav", cls="tp-language").one("a")
    assert switch["href"] == "/leermiddel/oefenen-nl?lang=nl"
    assert visit(client, switch["href"]).one("html")["lang"] == "nl"


def test_the_share_field_holds_the_full_canonical_address_and_the_copy_button_waits_for_javascript(client):
    page = visit(client, "/zoeken?q=digid&doelgroep=ouderen")
    field = page.by_id("deellink")
    assert field["value"] == "http://127.0.0.1:5000/zoeken?q=digid&doelgroep=ouderen"
    assert "readonly" in field.attrs and "name" not in field.attrs
    assert page.one("label", **{"for": "deellink"}).text
    button = page.one("button", data_copy_link=True)
    assert button.text == "Kopieer link" and "hidden" in button.attrs
    assert page.one("link", rel="canonical")["href"] == field["value"]


def test_the_script_can_fetch_just_the_results_region(client):
    response = client.get("/zoeken?q=digid&doelgroep=ouderen", headers={"X-Trefpunt-Fragment": "1"})
    assert response.status_code == 200
    assert "X-Trefpunt-Fragment" in response.headers["Vary"]
    region = dom(response)
    # Not a page: no document and no search form (the cards' own "Zet op lijst" forms are part of them).
    assert not region.has("html") and not region.has("form", id="zoekformulier")
    root = region.one("div", data_results=True)
    assert root["data-url"] == "http://127.0.0.1:5000/zoeken?q=digid&doelgroep=ouderen"
    assert root["data-announce"] == region.by_id("resultaten-titel").text
    assert "checked" in checkbox(region, "doelgroep", "ouderen").attrs
    # A redirect keeps the header, so a non-canonical request still ends in a fragment.
    moved = client.get(
        "/zoeken?doelgroep=ouderen&q=digid", headers={"X-Trefpunt-Fragment": "1"}, follow_redirects=True
    )
    assert not dom(moved).has("html") and dom(moved).has("div", data_results=True)


def test_the_print_handout_writes_the_addresses_out(client):
    page = visit(client, "/zoeken?q=digid")
    header = page.one("p", cls="tp-print-header")
    assert "http://127.0.0.1:5000/zoeken?q=digid" in header.text
    addresses = [p.text for p in page.all("p", cls="tp-card__addresses")]
    assert len(addresses) == len(hit_slugs(page)) >= 5
    assert any("https://" in a for a in addresses)
    assert all("http://127.0.0.1:5000/leermiddel/" in a for a in addresses)


# ---------------------------------------------------------------------------------------------------------
# Nothing found is never a dead end
# ---------------------------------------------------------------------------------------------------------
def test_an_empty_result_offers_each_filter_to_remove_with_what_it_would_bring(client):
    page = visit(client, "/zoeken?q=digid&doelgroep=ouderen&kosten=betaald")
    assert not hit_slugs(page)
    assert page.one("meta", name="robots")["content"] == "noindex"
    ways = {
        a.text: (a["href"], li.one("span", cls="tp-ways-out__count").text)
        for li in page.one("ul", cls="tp-ways-out").all("li")
        for a in li.all("a")
        if li.has("span")
    }
    without_cost = ways["Haal het filter Kosten: Betaald weg"]
    assert without_cost[0] == "/zoeken?q=digid&doelgroep=ouderen"
    found = len(hit_slugs(visit(client, without_cost[0])))
    assert without_cost[1] == f"{found} leermiddelen" and found > 0
    without_words = ways["Zoek zonder de woorden ‘digid’"]
    assert without_words[0] == "/zoeken?doelgroep=ouderen&kosten=betaald"
    assert "Haal het filter Doelgroep: Ouderen weg" in ways


def test_a_misspelling_that_finds_nothing_shows_the_respelling_with_a_way_back(client):
    page = visit(client, "/zoeken?q=vaardigheeden")
    corrected = page.one("p", cls="tp-notice--corrected")
    assert corrected.text.startswith("Resultaten voor ‘vaardigheden’.")
    assert hit_slugs(page) == hit_slugs(visit(client, "/zoeken?q=vaardigheden"))
    back = corrected.one("a")
    assert back.text == "Zoek in plaats daarvan naar ‘vaardigheeden’"
    assert back["href"] == "/zoeken?q=vaardigheeden&letterlijk=1"

    literal = visit(client, back["href"])
    assert not hit_slugs(literal)
    suggestion = literal.one("ul", cls="tp-ways-out").all("a")[0]
    assert suggestion.text == "Bedoelde u ‘vaardigheden’?"
    assert suggestion["href"] == "/zoeken?q=vaardigheden"


def test_a_search_with_a_word_no_material_has_shows_the_others_and_says_what_each_lacks(client):
    partial = visit(client, "/zoeken?q=digid+zwemles")
    assert "Geen leermiddel bevat alle woorden. Dit zijn de leermiddelen met de meeste van uw woorden." in [
        p.text for p in partial.all("p", cls="tp-notice")
    ]
    first = partial.one("ol", cls="tp-hits").all("li", cls="tp-hits__item")[0]
    assert first.one("p", cls="tp-card__missing").text == "Ontbreekt: zwemles"
