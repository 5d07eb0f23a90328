"""The exchange record and the vocabularies: the rules every interface relies on, without a database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trefpunt.catalog.models import Term
from trefpunt.catalog.records import (
    MaterialRecord,
    columns,
    is_web_address,
    slugify,
    split_list,
    validate,
)
from trefpunt.catalog.services import record_of, save_material
from trefpunt.catalog.vocabulary import FacetDef, TermDef, Vocabulary, load_vocabulary


def levels(*terms: tuple[str, str]) -> FacetDef:
    return FacetDef(
        "level",
        "niveau",
        "Niveau",
        "Level",
        terms=tuple(TermDef(k, k.upper(), k.upper(), g, g) for k, g in terms),
    )


SMALL = Vocabulary(
    [
        FacetDef(
            "skill", "vaardigheid", "Vaardigheid", "Skill", terms=(TermDef("taal", "Taal", "Language"),)
        ),
        levels(("a0", "ERK"), ("a1", "ERK"), ("a2", "ERK"), ("b1", "ERK"), ("1f", "REF"), ("2f", "REF")),
        FacetDef(
            "audience",
            "doelgroep",
            "Doelgroep",
            "Audience",
            terms=(
                TermDef("senioren", "Senioren", "Seniors"),
                TermDef("ouderen", "Ouderen", "Older adults", merged_into="senioren"),
                TermDef("65-plus", "65-plussers", "Over 65", merged_into="ouderen"),
                TermDef("kringloop-a", "A", "A", merged_into="kringloop-b"),
                TermDef("kringloop-b", "B", "B", merged_into="kringloop-a"),
                TermDef("wees", "Wees", "Orphan", merged_into="bestaat-niet"),
                TermDef("jongeren", "Jongeren", "Young people", hidden=True),
            ),
        ),
        FacetDef(
            "cost",
            "kosten",
            "Kosten",
            "Cost",
            terms=(TermDef("gratis", "Gratis", "Free"), TermDef("betaald", "Betaald", "Paid")),
        ),
        FacetDef("provider", "aanbieder", "Aanbieder", "Provider", kind="free"),
    ]
)


# -- slugs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Oefenen.nl", "oefenen-nl"),
        ("Geïntegreerd leren", "geintegreerd-leren"),
        ("Rekenen & geld", "rekenen-en-geld"),
        ("  -- Klik & Tik: de basis!! --  ", "klik-en-tik-de-basis"),
        ("NT2 Taalmenu (A1–B1)", "nt2-taalmenu-a1-b1"),
        ("Ĳsselmonde café", "ijsselmonde-cafe"),
        ("", ""),
        ("🙂", ""),
    ],
)
def test_a_slug_is_made_of_lowercase_ascii_words_from_the_title(title, slug):
    assert slugify(title) == slug


def test_a_long_title_makes_a_slug_of_at_most_120_characters_that_does_not_end_in_a_hyphen():
    slug = slugify("Woorden " * 40)
    assert len(slug) <= 120 and not slug.endswith("-") and slug.startswith("woorden-woorden")


def test_a_record_without_a_slug_takes_one_from_its_title_and_one_without_either_is_refused():
    assert MaterialRecord.from_mapping({"title": "Lezen met de krant"}, SMALL).slug == "lezen-met-de-krant"
    _clean, errors = validate(MaterialRecord.from_mapping({"title": "🙂"}, SMALL), SMALL)
    assert [e.field for e in errors] == ["slug"]


# -- reading a row -------------------------------------------------------------------------------------


def test_lists_come_from_semicolons_or_lists_without_blanks_or_repeats():
    assert split_list(" a; b ;;a; c ") == ["a", "b", "c"]
    assert split_list(["a", " b", "", "a"]) == ["a", "b"]
    assert split_list(None) == [] and split_list("") == []


def test_a_row_is_read_with_its_text_trimmed_keywords_lowercased_and_draft_as_default_status():
    record = MaterialRecord.from_mapping(
        {
            "title": "  Taalklas  ",
            "description": "Regel een\r\nRegel twee\r\n",
            "keywords": "Lezen;NT2; lezen",
            "niveau": "a1;a2",
            "kleur": "rood",
        },
        SMALL,
    )
    assert record.title == "Taalklas" and record.description == "Regel een\nRegel twee"
    assert record.keywords == ["lezen", "nt2"]
    assert record.status == "draft"
    assert record.facets == {"vaardigheid": [], "niveau": ["a1", "a2"], "doelgroep": [], "kosten": []}


def test_the_exchange_shapes_have_one_column_per_controlled_facet_in_order():
    assert columns(SMALL) == [
        *("slug", "title", "summary", "description", "provider", "url", "keywords", "status"),
        *("vaardigheid", "niveau", "doelgroep", "kosten"),
        *("source", "certainty", "verified_on", "verified_by", "how_to_get"),
    ]
    record = MaterialRecord(slug="x", title="X", keywords=["a", "b"], facets={"niveau": ["a1", "a2"]})
    assert list(record.to_dict(SMALL)) == columns(SMALL)
    row = record.to_row(SMALL)
    assert row["keywords"] == "a;b" and row["niveau"] == "a1;a2" and row["kosten"] == ""
    assert MaterialRecord.from_mapping(row, SMALL).to_dict(SMALL) == record.to_dict(SMALL)


# -- validation ----------------------------------------------------------------------------------------


def test_keys_are_resolved_case_insensitively_and_put_in_vocabulary_order():
    record = MaterialRecord(
        slug="x", title="X", facets={"niveau": ["A2", "a1", "a2"], "doelgroep": ["Ouderen"]}
    )
    clean, errors = validate(record, SMALL)
    assert not errors
    assert clean.facets["niveau"] == ["a1", "a2"]
    assert clean.facets["doelgroep"] == ["senioren"]


def test_merged_keys_resolve_to_the_current_key_even_through_several_merges():
    audience = SMALL.facet("audience")
    assert audience.resolve("senioren") == "senioren"
    assert audience.resolve("ouderen") == "senioren"
    assert audience.resolve("65-plus") == "senioren"
    assert audience.resolve("onbekend") is None
    assert audience.resolve("wees") is None  # merged into a term that does not exist
    assert audience.resolve("kringloop-a") in {"kringloop-a", "kringloop-b"}  # a loop ends, it does not hang
    assert audience.resolve("jongeren") == "jongeren"  # hidden terms stay valid


def test_a_merge_made_in_the_database_applies_to_new_records_and_old_links(session):
    session.add(
        Term(facet_name="audience", key="senioren", label_nl="Senioren", label_en="Seniors", position=99)
    )
    session.flush()
    ouderen = session.scalar(select(Term).where(Term.facet_name == "audience", Term.key == "ouderen"))
    ouderen.merged_into = "senioren"
    session.flush()
    vocabulary = load_vocabulary(session)
    assert vocabulary.facet("audience").resolve("ouderen") == "senioren"
    record = MaterialRecord(
        slug="koffie-en-computer",
        title="Koffie en computer",
        summary="Samen oefenen met de computer.",
        status="published",
        facets={"vaardigheid": ["digitale-vaardigheden"], "doelgroep": ["ouderen"], "kosten": ["gratis"]},
    )
    material = save_material(session, record, author="redacteur", vocabulary=vocabulary)
    assert record_of(material, vocabulary).facets["doelgroep"] == ["senioren"]
    session.rollback()


@pytest.mark.parametrize(
    ("keys", "problem"),
    [
        ([], None),
        (["a1"], None),
        (["a0", "a1", "a2"], None),
        (["a2", "a1"], None),
        (["1f", "2f"], None),
        (["a1", "b1"], "elk niveau tussen het laagste en het hoogste"),
        (["a0", "a2", "b1"], "elk niveau tussen het laagste en het hoogste"),
        (["a2", "1f"], None),  # one range per scheme: "Instroom-1F / A1-A2" keeps both
        (["a0", "a2", "1f"], "elk niveau tussen het laagste en het hoogste"),
        (["zz"], None),  # an unknown key is reported on its own, not as a range problem
    ],
)
def test_a_level_range_is_unbroken_within_each_scheme(keys, problem):
    found = SMALL.level_range_error(keys)
    assert (found is None) if problem is None else (problem in found)


def test_a_range_from_low_to_high_carries_every_level_in_between():
    assert SMALL.level_range("a0", "b1") == ["a0", "a1", "a2", "b1"]
    assert SMALL.level_range("a2", "a0") == ["a0", "a1", "a2"]
    assert SMALL.level_range("a1", "a1") == ["a1"]
    assert SMALL.level_range("a1", "2f") == []
    assert SMALL.level_range("a1", "zz") == []


def test_the_real_level_schemes_keep_their_ranges_apart(vocabulary):
    assert vocabulary.level_range("a0", "b1") == ["a0", "a1", "a2", "b1"]
    assert vocabulary.level_range("instroom", "2f") == ["instroom", "1f", "2f"]
    assert vocabulary.level_range("digi-start", "digi-gevorderd") == [
        "digi-start",
        "digi-basis",
        "digi-gevorderd",
    ]
    assert vocabulary.level_range("c1", "1f") == []
    assert vocabulary.level_range_error(["b2", "c1"]) is None
    assert vocabulary.level_range_error(["a2", "digi-basis"]) is None
    assert "elk niveau" in vocabulary.level_range_error(["a2", "digi-start", "digi-gevorderd"])


def test_a_complete_record_passes_and_a_published_one_must_be_complete():
    draft = MaterialRecord(slug="klad", title="Klad")
    assert validate(draft, SMALL)[1] == []
    published = MaterialRecord(slug="klad", title="Klad", status="published")
    assert sorted(e.field for e in validate(published, SMALL)[1]) == ["kosten", "summary", "vaardigheid"]
    complete = MaterialRecord(
        slug="klad",
        title="Klad",
        summary="Kort.",
        status="published",
        facets={"vaardigheid": ["taal"], "kosten": ["gratis"]},
    )
    assert validate(complete, SMALL)[1] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"slug": "Met Hoofdletters"}, "slug"),
        ({"slug": "-rand-"}, "slug"),
        ({"slug": "dubbel--streepje"}, "slug"),
        ({"summary": "x" * 301}, "summary"),
        ({"provider": "x" * 201}, "provider"),
        ({"url": "www.voorbeeld.nl"}, "url"),
        ({"keywords": [f"w{i}" for i in range(31)]}, "keywords"),
        ({"status": "concept"}, "status"),
        ({"facets": {"kosten": ["gratis", "betaald"]}}, "kosten"),
        ({"facets": {"vaardigheid": ["toveren"]}}, "vaardigheid"),
        ({"facets": {"niveau": ["a1", "b1"]}}, "niveau"),
    ],
)
def test_each_rule_names_the_field_it_guards(change, field):
    record = MaterialRecord(**{"slug": "goed", "title": "Goed", **change})
    assert [e.field for e in validate(record, SMALL)[1]] == [field]


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://oefenen.nl", True),
        ("http://www.taalhuis.nl/pad?x=1#y", True),
        ("https://", False),
        ("www.oefenen.nl", False),
        ("mailto:info@taalhuis.nl", False),
        ("javascript:alert(1)", False),
        ("ftp://bestanden.nl", False),
        ("https://oefenen.nl/met spatie", False),
        ("https://[::1", False),
        ("https://oefenen.nl/" + "x" * 500, False),
    ],
)
def test_only_complete_http_addresses_are_web_addresses(url, valid):
    assert is_web_address(url) is valid


def test_ordering_keeps_vocabulary_order_and_drops_duplicates_and_unknown_keys():
    assert SMALL.facet("level").order(["2f", "a1", "zz", "a1"]) == ["a1", "2f"]
    assert SMALL.controlled == tuple(f for f in SMALL.facets if f.name != "provider")
    assert SMALL.by_param["doelgroep"].name == "audience"
