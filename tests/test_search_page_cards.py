"""The search page as a volunteer meets it: for whom and how on every card, a print of the whole list,
the phone's "Toon N resultaten", and the accessibility statement one click away on every page."""

from __future__ import annotations

import re

from public_html import hit_slugs, visit
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from trefpunt.catalog.models import Material
from trefpunt.choose import views as choose_views
from trefpunt.db import session_factory


def _terms(session, slugs):
    rows = session.scalars(
        select(Material).where(Material.slug.in_(slugs)).options(selectinload(Material.terms))
    )
    return {m.slug: m for m in rows}


def _count(page) -> int:
    return int(re.match(r"\d+", page.by_id("resultaten-titel").text).group())


def _big_search(client) -> tuple[str, int]:
    """A skill whose list is longer than one page (more than 20)."""
    home = visit(client, "/")
    for tile in home.all("a", cls="tp-tile"):
        count = int(re.match(r"\d+", tile.one("span", cls="tp-tile__count").text).group())
        if 20 < count <= choose_views.PRINT_MAX:
            return tile["href"], count
    raise AssertionError("no skill with more than one page of materials")


def test_every_card_says_for_whom_and_how_it_is_used(client, session):
    page = visit(client, "/zoeken?vaardigheid=digitale-vaardigheden")
    slugs = hit_slugs(page)
    materials = _terms(session, slugs)
    shown_audience = 0
    for item, slug in zip(page.one("ol", cls="tp-hits").all("li", cls="tp-hits__item"), slugs, strict=True):
        audiences = [t.label_nl for t in materials[slug].terms_of("audience")]
        settings = [t.label_nl for t in materials[slug].terms_of("setting")]
        if audiences:
            assert item.one("span", cls="tp-card__audience").text == "Voor: " + ", ".join(audiences)
            shown_audience += 1
        else:
            assert not item.has("span", cls="tp-card__audience")
        if settings:
            assert item.one("span", cls="tp-card__setting").text == "Werkvorm: " + ", ".join(settings)
    assert shown_audience


def test_the_cards_and_the_finders_reasons_ask_the_database_nothing_per_hit(app, client):
    address = "/zoeken?vaardigheid=rekenen&keuzehulp=leren.rekenen_nederlands.beetje_heeft.computer_gratis.ja"
    client.get(address)  # the index open and caught up, the vocabulary read
    app.extensions["trefpunt.page_cache"] = None  # render the page afresh, not from the page cache
    statements: list[str] = []
    engine = session_factory(app).kw["bind"]

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(address)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200 and "Waarom dit past" in response.get_data(as_text=True)
    assert not [s for s in statements if "FROM materials" in s or "FROM terms" in s], statements


def test_a_printed_page_of_a_long_list_says_it_shows_20_of_n_and_where_the_whole_list_prints(client):
    href, total = _big_search(client)
    page = visit(client, href)
    assert len(hit_slugs(page)) == 20
    note = page.one("p", cls="tp-print-partial")
    assert "tp-print-only" in note.classes
    assert f"Deze afdruk toont 20 van de {total} leermiddelen." in note.text
    query = href.split("?", 1)[1]
    assert note.one("span", cls="utrecht-url-data").text.endswith(f"/zoeken/afdrukken?{query}")
    assert page.one("a", cls="tp-toolbar__print")["href"] == f"/zoeken/afdrukken?{query}"


def test_the_print_view_lists_the_whole_search_with_the_search_said_back(client):
    href, total = _big_search(client)
    query = href.split("?", 1)[1]
    printout = visit(client, f"/zoeken/afdrukken?{query}")
    assert len(printout.all("li", cls="tp-hits__item")) == total
    heading = visit(client, href).by_id("resultaten-titel").text
    assert printout.one("p", cls="tp-printout__search").text == f"Gezocht: {heading}"
    assert f"Alle {total} leermiddelen staan hieronder." in printout.text
    assert printout.one("a", href=href)  # back to the search


def test_the_print_view_stops_at_its_maximum_and_says_so(client, monkeypatch):
    href, total = _big_search(client)
    monkeypatch.setattr(choose_views, "PRINT_MAX", 5)
    printout = visit(client, "/zoeken/afdrukken?" + href.split("?", 1)[1])
    assert len(printout.all("li", cls="tp-hits__item")) == 5
    assert (
        f"de eerste 5 van de {total} leermiddelen (hooguit 5)"
        in printout.one("p", cls="tp-printout__cut").text
    )


def test_the_phones_show_results_button_carries_the_live_count(client):
    page = visit(client, "/zoeken?doelgroep=ouderen")
    button = page.one("a", cls="tp-filters__show")
    assert button["href"] == "#resultaten-titel" and "hidden" in button.attrs  # search.js shows it
    assert button.text == f"Toon {_count(page)} resultaten"
    one = visit(client, "/zoeken?q=digisterker+gemeente+module")
    if _count(one) == 1:
        assert one.one("a", cls="tp-filters__show").text == "Toon 1 resultaat"


def test_every_page_links_the_accessibility_statement_in_its_footer(client):
    for address in ("/", "/zoeken", "/keuzehulp", "/vergelijk", "/toegankelijkheid", "/zoeken/afdrukken"):
        footer = visit(client, address).one("footer")
        assert footer.one("a", href="/toegankelijkheid").text == "Toegankelijkheid"


def test_the_statement_follows_the_model_structure(client, app):
    page = visit(client, "/toegankelijkheid")
    assert page.one("h1").text == "Toegankelijkheidsverklaring"
    headings = [h.text for h in page.all("h2")]
    assert headings[:6] == [
        "Voor welke pagina's deze verklaring geldt",
        "Nalevingsstatus",
        "Hoe we het meten",
        "Wat we weten dat nog niet goed is",
        "Contact en klachten",
        "Datum",
    ]
    assert "WCAG 2.1" in page.text and "EN 301 549" in page.text and "axe-core" in page.text
    assert "29 november 2026" in page.text
    app.config["ACCESSIBILITY_CONTACT"] = "toegankelijkheid@bibliotheek.example"
    mail = visit(client, "/toegankelijkheid").one("a", href="mailto:toegankelijkheid@bibliotheek.example")
    assert mail.text == "toegankelijkheid@bibliotheek.example"
    english = visit(client, "/toegankelijkheid?lang=en")
    assert english.one("h1").text == "Accessibility statement"
