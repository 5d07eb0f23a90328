"""Editors record where a material's facts come from, how sure they are and who checked them last; files,
revisions and the API carry it; the material page says calmly what is not certain and how to get a material
that has no web address."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from public_html import visit
from test_api import documented

from trefpunt.auth.services import create_user
from trefpunt.catalog import exchange
from trefpunt.catalog.records import MaterialRecord, columns, validate
from trefpunt.catalog.revisions import diff, revisions
from trefpunt.catalog.services import export_records, get_material, import_records, record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

PASSWORD = "correct paard batterij"


def record(**fields) -> MaterialRecord:
    base = {
        "slug": "taalspel",
        "title": "Taalspel",
        "summary": "Een spel.",
        "facets": {"kosten": ["onbekend"]},
    }
    return MaterialRecord(**{**base, **fields})


def errors_of(rec: MaterialRecord, vocabulary) -> dict[str, str]:
    return {e.field: e.message for e in validate(rec, vocabulary)[1]}


# -- the record -------------------------------------------------------------------------------------------


def test_a_material_without_a_word_about_its_facts_counts_as_not_checked(vocabulary):
    clean, problems = validate(record(certainty=""), vocabulary)
    assert problems == [] and clean.certainty == "niet-gecontroleerd"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"certainty": "heel zeker"}, "certainty", "kies uit zeker, volgens-aanbieder"),
        ({"verified_on": "24-11-2026"}, "verified_on", "schrijf hem als 2026-11-24"),
        ({"verified_on": "2999-01-01"}, "verified_on", "in de toekomst"),
        ({"source": "x" * 2001}, "source", "langer dan 2000"),
        ({"how_to_get": "x" * 301}, "how_to_get", "langer dan 300"),
        ({"verified_by": "Rik\x00"}, "verified_by", "stuurteken"),
    ],
)
def test_bad_facts_get_a_clear_dutch_error(vocabulary, fields, field, words):
    assert words in errors_of(record(**fields), vocabulary)[field]


def test_a_date_is_kept_in_one_spelling(vocabulary):
    clean, problems = validate(record(verified_on="20261124", certainty="ZEKER"), vocabulary)
    assert problems == [] and (clean.verified_on, clean.certainty) == ("2026-11-24", "zeker")


def test_levels_may_say_per_level_or_not_level_bound_but_not_beside_a_level(vocabulary):
    niveau = vocabulary.facet("level").param
    assert errors_of(record(facets={niveau: ["per-niveau"]}), vocabulary) == {}
    assert errors_of(record(facets={niveau: ["niet-niveaugebonden"]}), vocabulary) == {}
    assert "staan alleen" in errors_of(record(facets={niveau: ["per-niveau", "a1"]}), vocabulary)[niveau]
    assert (
        "staan alleen"
        in errors_of(record(facets={niveau: ["per-niveau", "niet-niveaugebonden"]}), vocabulary)[niveau]
    )


def test_a_material_keeps_one_unbroken_range_in_each_scheme_and_reaches_c2(vocabulary):
    niveau = vocabulary.facet("level").param
    assert errors_of(record(facets={niveau: ["instroom", "1f", "a1", "a2"]}), vocabulary) == {}
    assert errors_of(record(facets={niveau: ["c1", "c2"]}), vocabulary) == {}
    assert "elk niveau" in errors_of(record(facets={niveau: ["instroom", "2f", "a1"]}), vocabulary)[niveau]


# -- files, revisions ------------------------------------------------------------------------------------


def test_the_exchange_files_carry_the_facts_and_bring_them_back(session, vocabulary):
    assert columns(vocabulary)[-5:] == ["source", "certainty", "verified_on", "verified_by", "how_to_get"]
    for fmt, write in (("csv", exchange.write_csv), ("jsonl", exchange.write_jsonl)):
        out = io.StringIO()
        write(export_records(session, ["de-finale", "informatiepunt-digitale-overheid"]), out, vocabulary)
        rows = exchange.read_rows(out.getvalue().encode(), fmt, vocabulary)
        back = {r.slug: r for r in (MaterialRecord.from_mapping(row, vocabulary) for _n, row in rows)}
        ido = back["informatiepunt-digitale-overheid"]
        assert ido.certainty == "zeker" and ido.verified_on == "2026-11-24"
        assert ido.source.startswith("https://www.bibliotheeknetwerk.nl/")
        assert ido.how_to_get.startswith("In de bibliotheek")
        assert back["de-finale"].certainty == "niet-gecontroleerd"


def test_an_old_file_without_the_fact_columns_leaves_the_stored_facts_alone(session, vocabulary):
    old = "slug,title,summary\r\ninformatiepunt-digitale-overheid,IDO,Vragen over de overheid.\r\n"
    import_records(session, exchange.read_rows(old.encode(), "csv", vocabulary), author="redacteur")
    session.commit()
    stored = record_of(get_material(session, "informatiepunt-digitale-overheid"), vocabulary)
    assert (stored.title, stored.certainty, stored.verified_by) == (
        "IDO",
        "zeker",
        "Samenstellers startcatalogus (feitenbestand)",
    )


def test_a_file_with_a_bad_certainty_is_refused_with_the_line(session, vocabulary):
    data = b"slug,title,certainty\r\ntaal-centraal,Taal Centraal,misschien\r\n"
    report = import_records(session, exchange.read_rows(data, "csv", vocabulary), author="r", dry_run=True)
    assert [(e.line, e.field) for e in report.errors] == [(2, "certainty")]


def test_a_revision_remembers_the_facts_and_the_history_shows_what_changed(session, vocabulary):
    before = record_of(get_material(session, "de-finale"), vocabulary)
    after = MaterialRecord.from_mapping(
        {
            **before.to_dict(vocabulary),
            "certainty": "zeker",
            "verified_on": "2026-11-28",
            "verified_by": "Rik",
        },
        vocabulary,
    )
    save_material(session, after, author="redacteur", original_slug="de-finale")
    session.commit()
    _material, (latest, previous, *_rest) = revisions(session, "de-finale")
    assert latest.snapshot["certainty"] == "zeker" and latest.snapshot["verified_by"] == "Rik"
    assert {"certainty", "verified_on", "verified_by"} <= set(latest.changed_fields)
    changed = {c.field: (c.old, c.new) for c in diff(previous.snapshot, latest.snapshot, vocabulary)}
    assert changed["certainty"] == ("niet-gecontroleerd", "zeker")


# -- the editor ------------------------------------------------------------------------------------------


@pytest.fixture
def editor(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with session_factory(app)() as session:
        create_user(session, "feiten@example.org", PASSWORD, "editor", "Fien Feiten")
        session.commit()
    client = app.test_client()
    assert (
        client.post("/auth/inloggen", data={"email": "feiten@example.org", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_an_editor_records_source_certainty_and_check_in_the_form(app, editor):
    page = editor.get("/beheer/leermiddel/de-finale").get_data(as_text=True)
    assert 'name="source"' in page and 'name="verified_on"' in page and 'name="how_to_get"' in page
    assert re.search(
        r'<option selected value="niet-gecontroleerd">|value="niet-gecontroleerd" selected', page
    )
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        current = record_of(get_material(session, "de-finale"), vocabulary)
    data = {
        "title": current.title,
        "summary": current.summary,
        "description": current.description,
        "provider": current.provider,
        "keywords": "; ".join(current.keywords),
        "version": version,
        "level_scheme": "ERK (NT2)",
        "level_from": "b1",
        "level_to": "b1",
        "source": "Folder van de uitgever, 2026",
        "certainty": "volgens-aanbieder",
        "verified_on": "2026-11-27",
        "verified_by": "Fien Feiten",
        "how_to_get": "Vraag de taalcoördinator van het Taalhuis.",
        **{param: keys for param, keys in current.facets.items() if param != "niveau"},
    }
    response = editor.post("/beheer/leermiddel/de-finale", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with session_factory(app)() as session:
        material = get_material(session, "de-finale")
        assert (material.certainty, material.verified_on, material.verified_by) == (
            "volgens-aanbieder",
            dt.date(2026, 11, 27),
            "Fien Feiten",
        )
        assert material.how_to_get == "Vraag de taalcoördinator van het Taalhuis."
    bad = editor.post("/beheer/leermiddel/de-finale", data={**data, "verified_on": "gisteren", "version": ""})
    assert bad.status_code == 422 and "schrijf hem als 2026-11-24" in bad.get_data(as_text=True)
    assert "gisteren" in bad.get_data(as_text=True)  # what was typed stays


def test_the_second_level_range_keeps_nt1_and_nt2_levels(app, editor):
    page = editor.get("/beheer/leermiddel/succes-themaboekjes").get_data(as_text=True)
    assert re.search(r'<option value="a1"[^>]*selected', page) and re.search(
        r'value="instroom"[^>]*selected', page
    )


# -- the material page and the API -----------------------------------------------------------------------


def test_a_page_says_calmly_when_facts_are_not_checked_and_where_they_come_from(client):
    page = visit(client, "/leermiddel/de-finale")  # facts from general knowledge
    assert "niet gecontroleerd" in page.by_id("zekerheid").text
    likely = visit(client, "/leermiddel/vooruit")
    assert "waarschijnlijk juist" in likely.by_id("zekerheid").text
    checked = visit(client, "/leermiddel/informatiepunt-digitale-overheid")
    assert not checked.has(id="zekerheid")
    source = checked.one("ul", cls="tp-facts__sources").one("a")
    assert source["href"].startswith("https://www.bibliotheeknetwerk.nl/") and "nofollow" in source["rel"]
    assert "24 november 2026" in checked.text and "Samenstellers startcatalogus" in checked.text


def test_a_material_without_a_web_address_says_how_to_get_it(client):
    licence = visit(client, "/leermiddel/taal-centraal")  # no address, the library's licence
    assert "licentie" in licence.one(cls="tp-material__how-to-get").text
    provider = visit(client, "/leermiddel/taalcafe")
    assert "Taalhuis" in provider.one(cls="tp-material__how-to-get").text
    borrowed = visit(client, "/leermiddel/makkelijk-lezen-boeken")
    assert borrowed.one(cls="tp-material__how-to-get").text.strip() == "Gratis te leen in de bibliotheek."
    with_address = visit(client, "/leermiddel/oefenen-nl")
    assert not with_address.has(cls="tp-material__how-to-get")


def test_only_dutch_reads_as_a_language_not_as_explained_also_in(client):
    page = visit(client, "/leermiddel/taalcafe")
    keys = [dt_.text.strip() for dt_ in page.all("dt")]
    assert "Taal" in keys and "Uitleg ook in" not in keys
    assert "Uitleg ook in" in [
        d.text.strip() for d in visit(client, "/leermiddel/net-in-nederland").all("dt")
    ]


def test_the_page_escapes_what_editors_wrote_about_the_facts(app, client):
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        rec = record_of(get_material(session, "taalcafe"), vocabulary)
        rec.source = '<script>alert("bron")</script>'
        rec.how_to_get = "<b>vet</b>"
        save_material(session, rec, author="r", original_slug="taalcafe")
        session.commit()
    html = client.get("/leermiddel/taalcafe").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;b&gt;vet&lt;/b&gt;" in html


def test_the_api_gives_the_facts_with_their_certainty(client):
    data = documented(client.get("/api/v1/materials/de-finale"), "/materials/{slug}")
    assert data["facts"]["certainty"] == "niet-gecontroleerd"
    assert data["facts"]["verified_on"] is None and data["facts"]["how_to_get"]
    english = client.get(
        "/api/v1/materials/informatiepunt-digitale-overheid", headers={"Accept-Language": "en"}
    )
    facts = documented(english, "/materials/{slug}")["facts"]
    assert facts["certainty"] == "zeker" and facts["verified_on"] == "2026-11-24"
    assert json.dumps(facts)  # plain JSON throughout
