"""A volunteer narrows the catalogue with facets: OR within a facet, AND across, counts that help."""

import pytest


@pytest.fixture
def catalogue(add_material):
    add_material("Lezen voor beginners", niveau=["a0", "a1"], doelgroep=["nieuwkomers"], provider="Boom")
    add_material("Praten op A2", niveau=["a2"], doelgroep=["ouderen", "nieuwkomers"], provider="Boom")
    add_material("Schrijven op B1", niveau=["b1"], doelgroep=["ouderen"], provider="Intertaal")
    add_material(
        "Rekenen 1F", vaardigheid=["rekenen"], niveau=["1f"], doelgroep=["ouderen"], kosten=["betaald"]
    )
    add_material("Nog geen tekst", status="draft", niveau=["a1"])


def counts(result, facet):
    return {v.value: v.count for v in result.facet(facet).values}


def titles(result):
    return sorted(hit.material.title for hit in result.hits)


def test_values_within_one_facet_are_alternatives(catalogue, find_in_empty):
    result = find_in_empty(niveau=["a1", "a2"])
    assert titles(result) == ["Lezen voor beginners", "Praten op A2"]
    assert result.total == 2


def test_facets_narrow_each_other(catalogue, find_in_empty):
    result = find_in_empty(niveau=["a1", "a2"], doelgroep=["ouderen"])
    assert titles(result) == ["Praten op A2"]


def test_a_facets_counts_ignore_its_own_selection(catalogue, find_in_empty):
    result = find_in_empty(niveau=["a1"])
    level_counts = counts(result, "level")
    # Choosing A1 does not hide how many materials the other levels have.
    assert level_counts["a2"] == 1 and level_counts["b1"] == 1 and level_counts["1f"] == 1
    assert level_counts["a1"] == 1
    # Other facets are counted within the A1 selection.
    assert counts(result, "audience")["ouderen"] == 0
    assert counts(result, "audience")["nieuwkomers"] == 1


def test_counts_apply_every_other_selection(catalogue, find_in_empty):
    result = find_in_empty(niveau=["a2", "b1"], doelgroep=["ouderen"], kosten=["gratis"])
    assert counts(result, "level")["1f"] == 0  # 1F is paid: excluded by the cost selection
    assert counts(result, "cost")["betaald"] == 0  # nothing paid at A2/B1 for ouderen
    assert counts(result, "cost")["gratis"] == 2
    assert counts(result, "audience")["nieuwkomers"] == 1


def test_values_without_results_are_reported_with_zero(catalogue, find_in_empty):
    result = find_in_empty()
    assert counts(result, "level")["c1"] == 0
    assert "c1" in [v.value for v in result.facet("level").values]


def test_selected_values_are_always_reported(catalogue, find_in_empty):
    result = find_in_empty("rekenen", niveau=["c1"])
    c1 = next(v for v in result.facet("level").values if v.value == "c1")
    assert c1.selected and c1.count == 0
    provider = find_in_empty(aanbieder=["Onbekende uitgever"]).facet("provider")
    assert [(v.value, v.selected, v.count) for v in provider.values if v.selected] == [
        ("Onbekende uitgever", True, 0)
    ]


def test_provider_is_a_free_facet_counted_by_name(catalogue, find_in_empty):
    result = find_in_empty(doelgroep=["ouderen"])
    assert counts(result, "provider") == {"Boom": 1, "Intertaal": 1}
    assert titles(find_in_empty(aanbieder=["Boom"])) == ["Lezen voor beginners", "Praten op A2"]


def test_unknown_facet_values_and_parameters_are_ignored(catalogue, find_in_empty):
    result = find_in_empty(niveau=["zz9", "a2"], onzin=["1"])
    assert titles(result) == ["Praten op A2"]
    assert result.request.selected("level") == ("a2",)


def test_drafts_are_not_found(catalogue, find_in_empty):
    assert "Nog geen tekst" not in titles(find_in_empty())
    assert find_in_empty("tekst").total == 0


def test_a_level_range_carries_every_level_in_it(catalogue, find_in_empty):
    assert titles(find_in_empty(niveau=["a0"])) == ["Lezen voor beginners"]
    assert titles(find_in_empty(niveau=["a1"])) == ["Lezen voor beginners"]


def test_toggle_links_add_or_remove_one_value_and_reset_the_page(catalogue, find_in_empty):
    result = find_in_empty("lezen", niveau=["a1"], pagina="2")
    values = {v.value: v for v in result.facet("level").values}
    assert values["a2"].toggle_query == "q=lezen&niveau=a1&niveau=a2"
    assert values["a1"].toggle_query == "q=lezen"


def test_sorting_by_title_and_newest(catalogue, find_in_empty):
    by_title = [h.material.title for h in find_in_empty(sorteer="titel").hits]
    assert by_title == sorted(by_title, key=str.lower)
    newest = [h.material.title for h in find_in_empty(sorteer="nieuwste").hits]
    assert newest[0] == "Rekenen 1F" and newest[-1] == "Lezen voor beginners"


def test_paging_walks_through_every_result_once(add_material, find_in_empty):
    for n in range(45):
        add_material(f"Werkblad {n:02d}")
    seen = []
    for page in (1, 2, 3):
        result = find_in_empty(sorteer="titel", pagina=str(page))
        seen += [h.material.title for h in result.hits]
        assert result.pages == 3
    assert seen == [f"Werkblad {n:02d}" for n in range(45)]
    relevance_pages = [
        [h.material.title for h in find_in_empty("werkblad", pagina=str(p)).hits] for p in (1, 2, 3)
    ]
    assert sorted(sum(relevance_pages, [])) == seen


def test_description_says_the_search_back(catalogue, find_in_empty):
    result = find_in_empty("praten", doelgroep=["ouderen"], niveau=["a2", "b1"])
    assert result.description == "1 leermiddel voor ‘praten’ — niveau: A2 of B1; doelgroep: Ouderen"


def test_toggle_links_are_the_canonical_links_of_the_toggled_search(catalogue, find_in_empty, vocabulary):
    result = find_in_empty("lezen boek", niveau=["b1", "a1"], aanbieder=["Boom"], sorteer="titel")
    for facet in result.facets:
        for value in facet.values:
            expected = result.request.toggled(facet.name, value.value, vocabulary).query_string(vocabulary)
            assert value.toggle_query == expected


def test_similar_materials_share_skill_and_audience_and_never_the_material_itself(add_material, empty_app):
    from trefpunt.catalog.services import get_material
    from trefpunt.catalog.vocabulary import load_vocabulary
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine

    add_material("Rekenen met de kassa", vaardigheid=["rekenen"], doelgroep=["werkzoekenden"])
    add_material("Rekenen voor werk", vaardigheid=["rekenen"], doelgroep=["werkzoekenden"])
    add_material("Lezen voor ouders", vaardigheid=["taal-nt1"], doelgroep=["ouders"])
    lonely = add_material("Gebarentaal", vaardigheid=["gezondheid"], doelgroep=["leesbeperking"])
    with session_factory(empty_app)() as session:
        vocabulary = load_vocabulary(session)
        engine = get_engine(empty_app)
        kassa = get_material(session, "rekenen-met-de-kassa")
        assert [m.title for m in engine.similar(session, kassa, vocabulary)] == ["Rekenen voor werk"]
        # Nothing shares its skill: no unrelated materials offered instead.
        assert engine.similar(session, get_material(session, lonely.slug), vocabulary) == []


def test_counting_a_search_agrees_with_running_it(catalogue, find_in_empty, empty_app):
    from trefpunt.catalog.vocabulary import load_vocabulary
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine

    for args in [{}, {"q": "op"}, {"niveau": ["a1", "a2"]}, {"q": "rekenen", "kosten": ["gratis"]}]:
        result = find_in_empty(**args)
        with session_factory(empty_app)() as session:
            count = get_engine(empty_app).count(session, result.request, load_vocabulary(session))
        assert count == result.total
