"""A volunteer acts on what a material page says. Every published material of the seed catalogue says where
its facts come from and how sure they are, what it costs the learner, and at least every skill its own
summary names; and the catalogue says no more than the facts file does."""

from __future__ import annotations

import csv
import re

import pytest

from trefpunt import resources
from trefpunt.catalog import facts
from trefpunt.catalog.models import Status
from trefpunt.catalog.services import export_records

DATA = resources.path("catalog_data")

# Words in a material's own summary that name a skill domain, written before the data was corrected. Only
# words that name the domain itself: "anderstaligen", "werkzoekenden" or "kinderen" say for whom a material
# is, not what it teaches, and "app" or "video" say how.
SUMMARY_DOMAINS: dict[str, str] = {
    "taal-nt1": r"\blaaggeletterdheid\b|\blezen en schrijven\b|\bnt1\b|\bmoedertaal\b",
    "taal-nt2": r"\bnt2\b|\btweede taal\b|\bnederlands (?:willen |te )?(?:leren|oefenen|leert)\b",
    "digitale-vaardigheden": (
        r"\bdigitale vaardigheden\b|\bdigitaal vaardig|\bcomputer\b|\binternet|\btablet\b|\bsmartphone\b"
    ),
    "digitale-overheid": r"\bdigid\b|\bdigitale overheid\b|\bwebsites? van de (?:overheid|gemeente)\b",
    "rekenen": r"\breken",
    "geldzaken": r"\bgeld\b|\bgeldzaken\b|\bgeldzorgen\b|\bbankieren\b|\bbudget|\bfinanci",
    "gezondheid": r"\bgezondheid\b|\bzorg\b|\bzorgverlener|\bmedicijn|\bziekte\b|\bcorona\b",
    "werk-en-inkomen": r"\bloopbaan\b|\bwerk zoeken\b|\bsollicit",
    "gezin": r"\bouders\b|\bvoorlezen\b|\bvoor te lezen\b|\bopvoed|\bgezin",
    "inburgering": r"\binburgering|\bsamenleving\b|\bverkiezingen\b",
}

# The facts file's domains under the catalogue's skill keys.
FACT_DOMAINS = {
    "taal-nt1": "taal-nt1",
    "taal-nt2": "taal-nt2",
    "digitale-vaardigheden": "digitale-vaardigheden",
    "rekenen": "rekenen",
    "financiele-vaardigheden": "geldzaken",
    "gezondheid": "gezondheid",
    "werk-en-loopbaan": "werk-en-inkomen",
    "ouders-en-gezin": "gezin",
    "burgerschap-inburgering": "inburgering",
}
COST_KEYS = {"gratis", *facts.FREE_KINDS, facts.PAID, facts.LEARNER_PAYS, facts.COST_UNKNOWN}


def named_domains(summary: str) -> set[str]:
    return {domain for domain, words in SUMMARY_DOMAINS.items() if re.search(words, summary.lower())}


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / "facts" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


FACTS = {row["title"]: row for row in _csv("materials-facts.csv")}
FACT_OF = {row["slug"]: FACTS[row["fact_title"]] for row in _csv("materials-facts-map.csv")}


@pytest.fixture
def published(session):
    return [r for r in export_records(session) if r.status == Status.PUBLISHED]


def test_the_keyword_map_reads_a_summary_as_a_volunteer_would():
    assert named_domains("Oefenen met lezen en schrijven, rekenen en omgaan met geld.") == {
        "taal-nt1",
        "rekenen",
        "geldzaken",
    }
    # Who it is for is no domain: a health site for newcomers teaches health.
    assert named_domains("Uitleg over gezondheid voor anderstaligen en werkzoekenden.") == {"gezondheid"}


def test_every_published_material_says_where_its_facts_come_from_and_how_sure_they_are(published):
    assert len(published) >= 120
    missing = [r.slug for r in published if not r.source.strip()]
    unknown = [r.slug for r in published if facts.parse_certainty(r.certainty) is None]
    assert (missing, unknown) == ([], [])


def test_every_published_material_has_one_cost_in_the_new_model(published):
    wrong = [(r.slug, r.facets["kosten"]) for r in published if len(r.facets["kosten"]) != 1]
    wrong += [(r.slug, r.facets["kosten"]) for r in published if not set(r.facets["kosten"]) <= COST_KEYS]
    assert wrong == []


def test_every_published_material_has_every_skill_its_own_summary_names(published):
    lacking = {
        r.slug: sorted(named_domains(r.summary) - set(r.facets["vaardigheid"]))
        for r in published
        if named_domains(r.summary) - set(r.facets["vaardigheid"])
    }
    assert lacking == {}


def test_every_material_is_tied_to_one_row_of_the_facts_file(session):
    slugs = {r.slug for r in export_records(session)}
    assert slugs == set(FACT_OF)


def test_every_material_has_every_skill_domain_its_facts_name_with_no_cap(session):
    lacking = {}
    for record in export_records(session):
        wanted = {FACT_DOMAINS[d] for d in FACT_OF[record.slug]["domain"].split(";") if d}
        if wanted - set(record.facets["vaardigheid"]):
            lacking[record.slug] = sorted(wanted - set(record.facets["vaardigheid"]))
    assert lacking == {}
    oefenen = next(r for r in export_records(session, ["oefenen-nl"]))
    assert {"taal-nt1", "taal-nt2", "digitale-vaardigheden", "rekenen", "geldzaken"} <= set(
        oefenen.facets["vaardigheid"]
    )


def test_cost_and_certainty_are_what_the_facts_file_says(session):
    differ = []
    for record in export_records(session):
        fact = FACT_OF[record.slug]
        expected = (facts.fact_cost(fact["cost"]), facts.fact_certainty(fact, record.url).value)
        if (record.facets["kosten"][0], record.certainty) != expected:
            differ.append((record.slug, record.facets["kosten"], record.certainty, expected))
    assert differ == []


def test_general_knowledge_is_never_shown_as_checked(session):
    for record in export_records(session):
        if FACT_OF[record.slug]["source"].strip().lower() == "general knowledge":
            assert record.certainty == facts.Certainty.UNCHECKED, record.slug
            assert not record.verified_on and not record.verified_by, record.slug
        elif record.certainty != facts.Certainty.UNCHECKED:
            assert record.verified_on and record.verified_by, record.slug


@pytest.mark.parametrize(
    ("slug", "levels"),
    [
        ("steffie", ["a2"]),  # "makkelijke taal (ca. A2)", not A1-A2
        ("steffie-digid", []),  # "eenvoudige taal" is no level of any scheme, not Starter
        ("tel-je-geld", []),  # "laag taalniveau"
        ("succes-themaboekjes", ["a1", "a2", "instroom", "1f"]),  # "Instroom-1F / A1-A2": both kept
        ("nederlands-naar-de-top", ["c1", "c2"]),  # "CEFR C1-C2"
        ("digisterker", ["digi-gevorderd"]),  # "gevorderd", not basis too
        ("oefenen-nl", ["per-niveau"]),  # "per programma"
        ("boekstart", ["niet-niveaugebonden"]),  # "0-4 jaar" is an age, not a level
        ("nibud-financiele-quickscan", ["niet-niveaugebonden"]),  # "mbo"
    ],
)
def test_levels_go_only_as_far_as_the_facts(session, slug, levels):
    (record,) = export_records(session, [slug])
    assert record.facets["niveau"] == levels


def test_no_material_carries_a_level_the_facts_do_not_give(session):
    """A level scale term only where the facts name a scale: CEFR, reference levels or digital levels."""
    scale_words = re.compile(
        r"cefr|referentieniveau|instroom|[0-9]f\b|\b[abc][0-2]\b|beginner|gevorderd|basisniveau"
    )
    stretched = []
    for record in export_records(session):
        scale_levels = [k for k in record.facets["niveau"] if k not in ("per-niveau", "niet-niveaugebonden")]
        if scale_levels and not scale_words.search(FACT_OF[record.slug]["level"].lower()):
            stretched.append((record.slug, scale_levels, FACT_OF[record.slug]["level"]))
    assert stretched == []


def test_one_rule_for_services_every_service_row_is_in_the_catalogue(session):
    """catalog_data/facts/README.md: every help desk, consultation hour, drop-in, meeting place or buddy
    scheme of the facts file is in the catalogue, in the format "Inloop, spreekuur of maatje" (its
    certainty shown as for any material)."""
    service = re.compile(r"spreekuur|inloop|informatiepunt|loket|maatje|ontmoeting|fysieke plek|1-op-1")
    rows = {t: r for t, r in FACTS.items() if service.search(r["format"])}
    slug_of = {fact["title"]: slug for slug, fact in FACT_OF.items()}
    assert set(rows) <= set(slug_of), "a service row is left out"
    records = {r.slug: r for r in export_records(session, [slug_of[t] for t in rows])}
    assert len(records) == len(rows) == 15
    for slug in (
        "informatiepunt-digitale-overheid",
        "seniorweb-inloopuur",
        "schuldhulpmaatje",
        "leerwerkloket",
    ):
        assert records[slug].status == Status.PUBLISHED
    wrong_format = [s for s, r in records.items() if "hulp-en-begeleiding" not in r.facets["vorm"]]
    assert wrong_format == []


def test_new_materials_invent_no_web_address(session):
    for record in export_records(session):
        assert record.url == FACT_OF[record.slug]["url"].strip() or not record.url, record.slug
