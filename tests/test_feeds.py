"""A colleague follows "new numeracy materials for parents" in her feed reader instead of searching weekly.

The Atom feed of a search takes the same parameters as /zoeken and holds exactly what that search finds,
newest first, whatever the editors typed into titles and summaries; a feed reader (feedparser) reads it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree, html

from tests.open_standards import change_status, edit_title
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import get_material, record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

ATOM = "http://www.w3.org/2005/Atom"
SEARCH = "q=rekenen&vaardigheid=rekenen&doelgroep=ouders"
HOSTILE = [
    ("Rekenen <script>alert('x')</script> thuis", 'Sommen & breuken voor "ouders" </summary><evil/>'),
    ("Rekenen met ouders: ‘quotes’ \"dubbel\" & 'enkel'", "Tel mee ]]> <![CDATA[ x ]]> &amp; &lt;"),
    ("Rekenen للآباء — ouders van rechts naar links", "العربية naast Nederlands: ouders rekenen samen"),
    ("Rekenen 📚🧮 met emoji voor ouders", "Ook 👨‍👩‍👧 gezinnen rekenen; U+202E \u202e omgekeerd"),
]


@pytest.fixture
def hostile(app) -> list[str]:
    """Four published numeracy materials for parents with titles and summaries that try to break out."""
    slugs = []
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        model = next(
            m
            for m in session.query(Material).filter(Material.status == Status.PUBLISHED).order_by(Material.id)
            if "rekenen" in m.term_keys("skill") and "ouders" in m.term_keys("audience")
        )
        for number, (title, summary) in enumerate(HOSTILE):
            record = record_of(model, vocabulary)
            record.slug, record.title, record.summary = f"vijandig-{number}", title, summary
            record.description = ""
            save_material(session, record, author="redacteur")
            session.commit()
            slugs.append(record.slug)
    return slugs


def feed_of(client, query: str):
    answer = client.get(f"/feed?{query}")
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    parsed = feedparser.parse(answer.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return answer, parsed


def api_slugs(client, query: str) -> list[str]:
    """Every material the same search finds, through the API, newest first."""
    slugs, page = [], 1
    while True:
        data = client.get(f"/api/v1/materials?{query}&sorteer=nieuwste&pagina={page}").get_json()
        slugs += [hit["slug"] for hit in data["hits"]]
        if page >= data["pages"]:
            return slugs
        page += 1


def slug_of(entry) -> str:
    return entry.link.rsplit("/leermiddel/", 1)[1]


def test_the_feed_of_a_faceted_search_holds_exactly_what_the_search_finds(app, client, hostile):
    _answer, feed = feed_of(client, SEARCH)

    found = api_slugs(client, SEARCH)
    assert set(hostile) <= set(found) and len(found) < 50
    assert [slug_of(e) for e in feed.entries] == found  # the same materials, newest first
    assert [slug_of(e) for e in feed.entries][: len(hostile)] == list(reversed(hostile))


def test_hostile_titles_and_summaries_arrive_as_the_editor_typed_them(app, client, hostile):
    answer, feed = feed_of(client, SEARCH)

    entries = {slug_of(e): e for e in feed.entries}
    for slug, (title, summary) in zip(hostile, HOSTILE, strict=True):
        entry = entries[slug]
        assert entry.title == title and entry.title_detail.type == "text/plain"
        assert entry.summary == summary
    tree = etree.fromstring(answer.data)
    assert tree.tag == f"{{{ATOM}}}feed"
    assert not tree.xpath("//*[local-name()='script' or local-name()='evil']")  # text, never markup
    assert b"<script>" not in answer.data and b"&lt;script&gt;" in answer.data


def test_entries_have_stable_ids_and_the_change_time_as_updated(app, client, hostile):
    _answer, feed = feed_of(client, SEARCH)
    entry = next(e for e in feed.entries if slug_of(e) == hostile[0])
    with session_factory(app)() as session:
        material = get_material(session, hostile[0])
        material_id, changed = material.id, material.updated_at
    assert entry.id == f"oai:{urlsplit(app.config['PUBLIC_BASE_URL']).hostname}:trefpunt/{material_id}"
    assert calendar.timegm(entry.updated_parsed) == seconds(changed)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.updated)

    edit_title(app, hostile[0], "Rekenen voor ouders, nu met een rustige titel")
    _answer, feed = feed_of(client, SEARCH)
    again = next(e for e in feed.entries if e.id == entry.id)  # the same entry, under its new title
    assert again.title == "Rekenen voor ouders, nu met een rustige titel"
    with session_factory(app)() as session:
        assert calendar.timegm(again.updated_parsed) == seconds(get_material(session, hostile[0]).updated_at)


def seconds(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp())


def test_the_feed_describes_its_search_and_links_back_to_it(app, client, hostile):
    _answer, feed = feed_of(client, SEARCH)
    assert feed.feed.title.startswith("Trefpunt: ") and "ouders" in feed.feed.title.lower()
    links = {link.rel: link.href for link in feed.feed.links}
    base = app.config["PUBLIC_BASE_URL"]
    assert links["alternate"] == f"{base}/zoeken?q=rekenen&vaardigheid=rekenen&doelgroep=ouders"
    assert links["self"] == f"{base}/feed?q=rekenen&vaardigheid=rekenen&doelgroep=ouders"
    assert feed.feed.id == links["alternate"]
    assert max(e.updated for e in feed.entries) == feed.feed.updated


def test_order_and_page_are_not_part_of_a_feed_and_an_empty_search_is_a_valid_feed(app, client):
    _answer, plain = feed_of(client, SEARCH)
    _answer, other = feed_of(client, SEARCH + "&sorteer=titel&pagina=3")
    assert [e.id for e in other.entries] == [e.id for e in plain.entries]

    _answer, empty = feed_of(client, "q=zzzxqj")
    assert empty.entries == [] and empty.feed.updated


def test_a_feed_answers_304_until_a_material_in_it_changes(app, client, hostile):
    first, _feed = feed_of(client, SEARCH)
    etag = first.headers["ETag"]
    assert client.get(f"/feed?{SEARCH}", headers={"If-None-Match": etag}).status_code == 304
    modified = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(f"/feed?{SEARCH}", headers=modified).status_code == 304

    change_status(app, hostile[1], Status.ARCHIVED)
    changed, feed = feed_of(client, SEARCH)
    assert changed.headers["ETag"] != etag
    assert hostile[1] not in [slug_of(e) for e in feed.entries]
    assert client.get(f"/feed?{SEARCH}", headers={"If-None-Match": etag}).status_code == 200


def test_the_search_page_offers_its_feed_in_the_head_and_in_the_share_box(app, client, hostile):
    page = client.get(f"/zoeken?{SEARCH}&sorteer=titel")
    assert page.status_code == 200
    tree = html.fromstring(page.data)
    (alternate,) = tree.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')
    assert alternate.get("href") == f"/feed?{SEARCH}"
    (follow,) = tree.xpath('//*[@id="delen"]//a[@type="application/atom+xml"]')
    assert follow.text_content().strip() == "Volg deze zoekopdracht"
    assert follow.get("href") == f"/feed?{SEARCH}"
    _answer, feed = feed_of(client, urlsplit(follow.get("href")).query)
    assert {slug_of(e) for e in feed.entries} >= set(hostile)
