"""Hundreds of local providers: the search page shows the most found, and one page lists them all."""

import pytest
from public_html import visit

from trefpunt.public.links import MORE_VALUES, VISIBLE_VALUES

PROVIDERS = VISIBLE_VALUES + MORE_VALUES + 12


@pytest.fixture
def many_providers(add_material):
    for n in range(PROVIDERS):
        add_material(f"Taalcafé wijk {n:02d}", provider=f"Bibliotheek Wijk {n:02d}")


def test_toon_meer_holds_the_next_most_found_and_links_to_all(many_providers, empty_app):
    page = visit(empty_app.test_client(), "/zoeken?q=taalcafe")
    providers = page.by_id("facet-aanbieder")
    more = providers.one("details", cls="tp-more")
    assert len(providers.all("input")) == VISIBLE_VALUES + MORE_VALUES
    assert len(more.all("input")) == MORE_VALUES
    link = more.one("p", cls="tp-more__all").one("a")
    assert link.text == f"Alle {PROVIDERS} aanbieders"
    assert link["href"] == "/zoeken/aanbieders?q=taalcafe"


def test_the_all_providers_page_lists_every_one_and_each_adds_it_to_the_search(many_providers, empty_app):
    client = empty_app.test_client()
    page = visit(client, "/zoeken/aanbieders?q=taalcafe")
    items = page.all("li", cls="tp-all-values__item")
    names = [item.one("a").text for item in items]
    assert names == sorted(names, key=str.lower) and len(names) == PROVIDERS
    last = items[-1].one("a")
    assert last["href"] == "/zoeken?q=taalcafe&aanbieder=" + last.text.replace(" ", "+")
    found = visit(client, last["href"])
    assert found.one("h2", cls="tp-results__title").text.startswith("1 leermiddel")

    chosen = visit(client, last["href"].replace("/zoeken?", "/zoeken/aanbieders?"))
    selected = chosen.one("li", cls="tp-all-values__item--selected")
    assert selected.one("a").text == last.text and "gekozen" in selected.text
    assert selected.one("a")["href"] == "/zoeken?q=taalcafe", "a chosen provider's link takes it out again"
    back = next(a for a in chosen.all("a") if a.text == "Terug naar de zoekresultaten")
    assert back["href"] == last["href"]


def test_when_toon_meer_holds_them_all_there_is_no_such_link(add_material, empty_app):
    for n in range(VISIBLE_VALUES + 5):
        add_material(f"Rekenen thuis {n}", provider=f"Buurthuis {n:02d}")
    page = visit(empty_app.test_client(), "/zoeken")
    more = page.by_id("facet-aanbieder").one("details", cls="tp-more")
    assert len(more.all("input")) == 5
    assert not more.all("p", cls="tp-more__all")
