"""The home page, the material page and the error pages, as a visitor without JavaScript receives them.

The search page's stories are in tests/test_public_search_page.py; the browser stories (JavaScript,
keyboard, phone, print, axe) in tests/browser/test_public_*.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from public_html import dom, hit_slugs, visit
from sqlalchemy import event, select

from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import set_status
from trefpunt.db import session_factory


# ---------------------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------------------
def test_home_offers_a_search_box_the_skills_with_counts_and_the_newest_materials(client):
    page = visit(client, "/")
    form = page.one("form", role="search")
    assert form["action"] == "/zoeken" and form["method"] == "get"
    assert page.one("label", **{"for": "zoekformulier-q"}).text
    tiles = {a.one("span", cls="tp-tile__label").text: a for a in page.all("a", cls="tp-tile")}
    assert "Digitale overheid" in tiles
    assert tiles["Digitale overheid"]["href"] == "/zoeken?vaardigheid=digitale-overheid"
    count = tiles["Digitale overheid"].one("span", cls="tp-tile__count").text
    heading = visit(client, "/zoeken?vaardigheid=digitale-overheid").by_id("resultaten-titel").text
    assert heading.startswith(count + " — vaardigheid")
    newest = page.by_id("nieuw-titel").parent.all("a", cls="tp-card__link")
    assert 1 <= len(newest) <= 6


# ---------------------------------------------------------------------------------------------------------
# The material page
# ---------------------------------------------------------------------------------------------------------
def test_the_material_page_says_everything_in_plain_dutch(app, client, session):
    material = session.scalar(select(Material).where(Material.slug == "oefenen-nl"))
    material.link_checked_on = dt.date(2025, 3, 3)
    session.commit()
    page = visit(client, "/leermiddel/oefenen-nl")
    assert page.one("h1").text == "Oefenen.nl"
    facts = {item.one("dt").text: item.one("dd") for item in page.one("dl", cls="tp-facts").all("div")}
    assert list(facts)[:3] == ["Wat is het?", "Waarmee helpt het?", "Voor wie?"]
    assert facts["Wat is het?"].text == "Online oefenprogramma"
    assert facts["Wat kost het?"].text == "Gratis via de bibliotheek (licentie)"
    assert (
        facts["Voor wie?"].one("a", href="/zoeken?doelgroep=laaggeletterden").text == "Laaggeletterden (NT1)"
    )
    assert (
        facts["Wie biedt het aan?"].one("a")["href"]
        == "/zoeken?aanbieder=Stichting+Expertisecentrum+Oefenen.nl"
    )
    assert "Link gecontroleerd op 3 maart 2025" in facts["Website"].text
    assert page.one("a", cls="tp-visit")["href"] == "https://oefenen.nl"
    description = page.one("div", cls="tp-prose")
    assert description.has("strong") and len(description.all("li")) == 2


def test_levels_on_the_material_page_are_a_range_within_their_scheme(client):
    page = visit(client, "/leermiddel/lees-en-schrijf")
    facts = {item.one("dt").text: item.one("dd") for item in page.one("dl", cls="tp-facts").all("div")}
    level = facts["Niveau"].one("a")
    assert level.text == "Referentieniveau (NT1 en rekenen): Instroom tot en met 1F"
    assert level["href"] == "/zoeken?niveau=instroom&niveau=1f"


def test_the_material_page_suggests_similar_materials_and_can_be_shared(client):
    page = visit(client, "/leermiddel/steffie-digid")
    similar = page.by_id("vergelijkbaar-titel").parent.all("a", cls="tp-card__link")
    assert 1 <= len(similar) <= 4
    assert "/leermiddel/steffie-digid" not in [a["href"] for a in similar]
    assert page.by_id("deellink")["value"] == "http://127.0.0.1:5000/leermiddel/steffie-digid"


def test_the_material_page_describes_itself_to_machines_as_a_learning_resource(client):
    page = visit(client, "/leermiddel/oefenen-nl")
    scripts = page.all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads("".join(c for c in scripts[0].children if isinstance(c, str)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "LearningResource"
    assert data["name"] == "Oefenen.nl"
    assert data["url"] == "https://oefenen.nl"
    assert data["mainEntityOfPage"] == "http://127.0.0.1:5000/leermiddel/oefenen-nl"
    assert data["provider"] == {"@type": "Organization", "name": "Stichting Expertisecentrum Oefenen.nl"}
    assert {"@type": "EducationalAudience", "audienceType": "Laaggeletterden (NT1)"} in data["audience"]
    assert data["learningResourceType"] == ["Online oefenprogramma"]
    assert data["inLanguage"] == "nl"


def test_an_unknown_address_gets_a_helpful_404_with_a_search_box(client):
    page = visit(client, "/leermiddel/digisterker-voor-ouderen", status=404)
    assert page.one("h1").text == "Deze pagina bestaat niet (meer)"
    assert page.one("input", name="q")["value"] == "digisterker voor ouderen"
    assert page.one("a", href="/zoeken?q=digisterker+voor+ouderen")
    assert page.one("meta", name="robots")["content"] == "noindex"
    visit(client, "/bestaat/niet", status=404).one("form", role="search")


def test_a_draft_is_not_public(app, client, session):
    set_status(session, "oefenen-nl", Status.DRAFT, author="test")
    session.commit()
    visit(client, "/leermiddel/oefenen-nl", status=404)


def test_an_archived_material_answers_410_and_points_to_similar_materials(app, client, session):
    set_status(session, "steffie-digid", Status.ARCHIVED, author="test")
    session.commit()
    page = visit(client, "/leermiddel/steffie-digid", status=410)
    assert "Dit leermiddel staat niet meer in de gids." in page.one("div", cls="tp-alert").text
    assert page.by_id("vergelijkbaar-titel").parent.all("a", cls="tp-card__link")
    assert not page.has("script", type="application/ld+json")
    assert page.one("meta", name="robots")["content"] == "noindex"
    assert "steffie-digid" not in hit_slugs(visit(client, "/zoeken?q=digid"))


# ---------------------------------------------------------------------------------------------------------
# Safe output and fast pages
# ---------------------------------------------------------------------------------------------------------
HOSTILE = "<script>alert('x')</script> & </script><img src=x onerror=alert(1)>"


def test_hostile_text_from_the_catalogue_stays_text(add_material, empty_app):
    material = add_material(
        "Gevaarlijk <script>alert('titel')</script>",
        summary="Samenvatting " + HOSTILE,
        description="**Vet** " + HOSTILE + " [klik](javascript:alert(1))",
        provider="Aanbieder <b>vet</b>",
        keywords=["</script>"],
        doelgroep=["ouderen"],
    )
    client = empty_app.test_client()
    page_url = "/leermiddel/" + material.slug
    for url in ("/", "/zoeken?q=gevaarlijk", "/zoeken?aanbieder=Aanbieder+%3Cb%3Evet%3C%2Fb%3E", page_url):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>vet</b>" not in html, url
        assert 'href="javascript:' not in html, url
        page = dom(response)
        assert all(s.get("src") or s.get("type") == "application/ld+json" for s in page.all("script")), url
    page = visit(client, page_url)
    assert page.one("h1").text == "Gevaarlijk <script>alert('titel')</script>"
    data = page.one("script", type="application/ld+json")
    raw = "".join(c for c in data.children if isinstance(c, str))
    assert "</" not in raw
    assert json.loads(raw)["keywords"] == "</script>"


def test_no_inline_scripts_or_styles_so_the_content_security_policy_holds(client):
    for url in (
        "/",
        "/zoeken?q=digid&doelgroep=ouderen",
        "/leermiddel/oefenen-nl",
        "/leermiddel/bestaat-niet",
    ):
        response = client.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        page = dom(response)
        assert not page.all(style=True), url
        for script in page.all("script"):
            assert script.get("src", "").startswith("/static/") or script.get("type") == "application/ld+json"
        assert not re.search(r"\son[a-z]+=", response.get_data(as_text=True)), url


def test_the_search_page_does_not_query_the_database_per_result(app, client):
    engine = session_factory(app).kw["bind"]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    client.get("/zoeken?q=digid")  # warm up: the index is opened once per process
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/zoeken?sorteer=titel")  # 20 hits
        many = len(statements)
        statements.clear()
        client.get("/zoeken?q=steffie+digid&vaardigheid=digitale-overheid")  # a few hits
        few = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many == few, f"{many} statements for 20 hits, {few} for a few"
