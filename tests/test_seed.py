"""The seed catalogue a library starts with: real materials, described in Dutch, built on checked facts."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from trefpunt import resources
from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Revision
from trefpunt.catalog.records import MaterialRecord, validate
from trefpunt.catalog.seed import seed
from trefpunt.catalog.services import export_records
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

DATA = resources.path("catalog_data")


def _read_seed() -> list[dict]:
    with open(DATA / "materials.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _read_facts() -> list[dict]:
    with open(DATA / "facts" / "materials-facts.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


SEED = _read_seed()
FACTS = _read_facts()


def words(markdown: str) -> int:
    """Words as a reader counts them: Markdown bullets and emphasis marks are not words."""
    return sum(1 for token in markdown.split() if re.search(r"\w", token))


def test_every_seed_record_is_valid_against_the_vocabularies(vocabulary):
    problems = []
    for row in SEED:
        _clean, errors = validate(MaterialRecord.from_mapping(row, vocabulary), vocabulary)
        problems += [f"{row['slug']}: {error}" for error in errors]
    assert problems == []


def test_every_seed_record_has_every_column_and_uses_only_known_ones(vocabulary):
    expected = ["slug", "title", "summary", "description", "provider", "url", "keywords", "status"]
    expected += [f.param for f in vocabulary.controlled]
    expected += ["source", "certainty", "verified_on", "verified_by", "how_to_get"]
    assert [sorted(row) for row in SEED if sorted(row) != sorted(expected)] == []


def test_at_least_110_materials_are_published():
    statuses = Counter(row["status"] for row in SEED)
    assert statuses["published"] >= 110
    assert set(statuses) <= {"published", "archived", "draft"}


def test_slugs_are_unique_and_stable_identifiers():
    slugs = [row["slug"] for row in SEED]
    assert [slug for slug, n in Counter(slugs).items() if n > 1] == []
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) for slug in slugs)


@pytest.mark.parametrize("row", SEED, ids=[row["slug"] for row in SEED])
def test_each_material_has_a_short_summary_and_a_practical_description(row):
    assert row["summary"].strip(), "a summary is missing"
    sentences = re.findall(r"[.!?](?=\s|$)", row["summary"])
    assert 1 <= len(sentences) <= 2, "the summary is one or two sentences"
    assert 40 <= words(row["description"]) <= 150
    assert row["summary"] not in row["description"], "the description says more than the summary"
    assert row["title"].strip()  # the provider may be empty: some facts name none
    published = row["status"] == "published"
    assert not published or (row["vaardigheid"] and row["kosten"] and row["doelgroep"] and row["vorm"])


def test_every_web_address_comes_from_the_facts_and_none_is_invented():
    known = {fact["url"].strip() for fact in FACTS if fact["url"].strip()}
    invented = [(row["slug"], row["url"]) for row in SEED if row["url"] and row["url"] not in known]
    assert invented == []
    # Where the facts know no address, the catalogue shows none rather than a guess.
    assert sum(1 for row in SEED if not row["url"]) > 0


def test_the_facts_file_is_the_one_shared_with_the_team():
    header = [
        "title",
        "provider",
        "url",
        "domain",
        "level",
        "target_group",
        "format",
        "cost",
        "language",
        "source",
    ]
    assert list(FACTS[0])[: len(header)] == header and "certainty" in FACTS[0]
    assert {fact["certainty"] for fact in FACTS} <= {"certain", "likely"}
    assert len(SEED) <= len(FACTS)


def test_the_loaded_catalogue_is_the_seed_file(session, vocabulary):
    stored = {record.slug: record.to_dict(vocabulary) for record in export_records(session)}
    expected = {}
    for row in SEED:
        clean, _errors = validate(MaterialRecord.from_mapping(row, vocabulary), vocabulary)
        expected[clean.slug] = clean.to_dict(vocabulary)
    assert stored == expected


def test_loading_the_seed_twice_gives_the_same_catalogue(empty_app):
    with session_factory(empty_app)() as session:
        first = seed(session, DATA)
        session.commit()
        assert len(first.materials.created) == len(SEED)
        exported = [r.to_dict(load_vocabulary(session)) for r in export_records(session)]
        journal = session.scalar(select(func.max(MaterialChange.seq)))
        revisions = session.scalar(select(func.count()).select_from(Revision))

        second = seed(session, DATA)
        session.commit()
        assert (second.facets_added, second.terms_added, second.materials.created) == (0, 0, [])
        assert len(second.materials.skipped) == len(SEED)
        assert [r.to_dict(load_vocabulary(session)) for r in export_records(session)] == exported
        # Nothing was written: no revisions, and no journal entries for the index to replay.
        assert session.scalar(select(func.max(MaterialChange.seq))) == journal
        assert session.scalar(select(func.count()).select_from(Revision)) == revisions


def test_seeding_again_keeps_what_editors_changed(session, vocabulary):
    from trefpunt.catalog.services import get_material, record_of, save_material

    record = record_of(get_material(session, "oefenen-nl"), vocabulary)
    record.title = "Oefenen.nl (via de bibliotheek)"
    save_material(session, record, author="redacteur", original_slug="oefenen-nl")
    session.commit()
    seed(session, DATA)
    session.commit()
    assert get_material(session, "oefenen-nl").title == "Oefenen.nl (via de bibliotheek)"
