"""A volunteer asks "what does it cost the learner?". The cost facet answers: free for the learner (for
everyone, through the library's licence, or because the library pays), paid, or unknown; ticking "free for
the learner" finds all three free kinds, and the links people shared with yesterday's keys still work."""

from __future__ import annotations

import json

from public_html import visit
from sqlalchemy import select

from trefpunt.catalog import facts
from trefpunt.catalog.models import Term
from trefpunt.catalog.seed import seed_vocabularies
from trefpunt.catalog.services import export_records
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.resources import path

FREE_KINDS = set(facts.FREE_KINDS)


def slugs(result) -> set[str]:
    return {hit.material.slug for hit in result.hits}


def cost_of(session) -> dict[str, str]:
    return {r.slug: r.facets["kosten"][0] for r in export_records(session) if r.status == "published"}


def test_free_for_the_learner_finds_all_three_free_kinds(session, find):
    costs = cost_of(session)
    free = {slug for slug, cost in costs.items() if cost in FREE_KINDS | {"gratis"}}
    assert {costs[s] for s in free} >= FREE_KINDS
    result = find(kosten="gratis", per_page=200)
    assert slugs(result) == free
    # The licences a volunteer lost before: free for the learner through the library.
    assert {"digisterker", "oefenen-nl", "klik-en-tik-de-basis"} <= slugs(result)
    assert not {"babbel-nederlands", "doe-je-digiding"} & slugs(result)


def test_the_broader_term_counts_what_it_finds_and_each_kind_counts_its_own(session, find):
    costs = cost_of(session)
    counted = {v.value: v.count for v in find().facet("cost").values}
    for kind in (*FREE_KINDS, "betaald", "deelnemer-betaalt", "onbekend"):
        own = sum(1 for cost in costs.values() if cost == kind)
        if kind == "betaald":
            own += sum(1 for cost in costs.values() if cost == "deelnemer-betaalt")
        assert counted[kind] == own, kind
    assert counted["gratis"] == sum(1 for cost in costs.values() if cost in FREE_KINDS | {"gratis"})
    # Within a search the broader count narrows with it.
    within = find(q="digid").facet("cost").values
    found = find(q="digid", kosten="gratis").total
    assert next(v.count for v in within if v.value == "gratis") == found


def test_shared_links_with_yesterdays_keys_keep_working(client, session):
    costs = cost_of(session)
    for key, expected in (
        ("gratis", {s for s, c in costs.items() if c in FREE_KINDS | {"gratis"}}),
        ("bibliotheeklicentie", {s for s, c in costs.items() if c == "bibliotheeklicentie"}),
        ("betaald", {s for s, c in costs.items() if c in ("betaald", "deelnemer-betaalt")}),
    ):
        response = client.get(f"/api/v1/materials?kosten={key}&per_page=100")
        data = response.get_json()
        found = {hit["slug"] for hit in data["hits"]}
        for page in range(2, data["pages"] + 1):
            more = client.get(f"/api/v1/materials?kosten={key}&pagina={page}").get_json()
            found |= {hit["slug"] for hit in more["hits"]}
        assert found == expected, key
        # The page answers the old address itself: no redirect, the filter shown as chosen.
        page = visit(client, f"/zoeken?kosten={key}")
        assert page.one("input", type="checkbox", name="kosten", value=key).get("checked") is not None


def test_onbekend_says_nobody_knows_instead_of_guessing_free_or_paid(session, find):
    costs = cost_of(session)
    unknown = {slug for slug, cost in costs.items() if cost == "onbekend"}
    # The audit's cases: "onbekend" in the facts had become "Gratis" or "Betaald".
    assert {"doe-je-digiding", "succes-themaboekjes", "voor-t-zelfde-geld", "spreektaal"} <= unknown
    assert slugs(find(kosten="onbekend", per_page=100)) == unknown
    label = load_vocabulary(session).facet("cost").term("onbekend").label_nl
    assert label == "Kosten onbekend"


def test_a_material_still_marked_plain_gratis_is_free_for_the_learner(add_material, find_in_empty):
    """A database from before the cost model keeps materials on ``gratis``: they are found as free."""
    add_material("Oud gratis boek", kosten=["gratis"])
    add_material("Via de licentie", kosten=["bibliotheeklicentie"])
    add_material("Zelf betalen", kosten=["deelnemer-betaalt"])
    found = {hit.material.title for hit in find_in_empty(kosten="gratis").hits}
    assert found == {"Oud gratis boek", "Via de licentie"}
    assert {hit.material.title for hit in find_in_empty(kosten="betaald").hits} == {"Zelf betalen"}


def test_seeding_an_older_database_gives_its_cost_terms_their_broader_term(empty_app):
    with session_factory(empty_app)() as session:
        licence = session.scalar(select(Term).where(Term.key == "bibliotheeklicentie"))
        licence.broader = None
        session.commit()
        assert (
            load_vocabulary(session).facet("cost").with_narrower(["gratis"]).count("bibliotheeklicentie") == 0
        )
        seed_vocabularies(session, path("catalog_data"))
        session.commit()
        assert "bibliotheeklicentie" in load_vocabulary(session).facet("cost").with_narrower(["gratis"])


def test_the_material_page_tells_machines_whether_the_learner_pays(client):
    def accessible_for_free(slug: str):
        page = visit(client, f"/leermiddel/{slug}")
        data = json.loads(page.one("script", type="application/ld+json").text)
        return data.get("isAccessibleForFree")

    assert accessible_for_free("digisterker") is True  # the library's licence
    assert accessible_for_free("makkelijk-lezen-boeken") is True  # the library pays
    assert accessible_for_free("babbel-nederlands") is False
    assert accessible_for_free("doe-je-digiding") is None  # unknown: said nothing


def test_is_free_for_learner_answers_yes_no_or_nobody_knows():
    assert facts.is_free_for_learner(["bibliotheek-betaalt"]) is True
    assert facts.is_free_for_learner(["gratis"]) is True
    assert facts.is_free_for_learner(["deelnemer-betaalt"]) is False
    assert facts.is_free_for_learner(["onbekend"]) is None
    assert facts.is_free_for_learner([]) is None
