"""A volunteer types what comes to mind: accents, inflections, abbreviations, typos, nonsense."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trefpunt.search.analysis import analyze
from trefpunt.search.query import build_query


def titles(result):
    return [hit.material.title for hit in result.hits]


@pytest.fixture
def library(add_material):
    add_material("Geïntegreerd leren op de werkvloer", summary="Leren en werken tegelijk.")
    add_material("Samen lezen", summary="Voor wie graag leest in een groep.", keywords=["leesclub"])
    add_material("Nederlands als tweede taal voor starters", summary="Een methode voor anderstaligen.")
    add_material("Digivaardig in de bibliotheek", summary="Oefenen met de computer en digitale vaardigheden.")
    add_material("Rekenen met geld", summary="Sommen met prijzen.", description="Over digitale vaardigheden.")
    add_material("Werken met DigiD", summary="Inloggen bij de overheid.", provider="Leer Zelf Online")


def test_accents_are_folded_both_ways(library, find_in_empty):
    assert titles(find_in_empty("geintegreerd")) == ["Geïntegreerd leren op de werkvloer"]
    assert titles(find_in_empty("géïntégreerd")) == ["Geïntegreerd leren op de werkvloer"]


@pytest.mark.parametrize("word", ["lees", "lezen", "leest", "gelezen", "lazen"])
def test_every_form_of_lezen_finds_the_reading_material(library, find_in_empty, word):
    assert "Samen lezen" in titles(find_in_empty(word))


def test_stemming_joins_singular_and_plural(add_material, find_in_empty):
    add_material("Werkboek voor taalcoaches")
    assert titles(find_in_empty("taalcoach")) == ["Werkboek voor taalcoaches"]
    assert titles(find_in_empty("werkboeken")) == ["Werkboek voor taalcoaches"]


@pytest.mark.parametrize("query", ["nt2", "NT2 starters", "tweede taal", "Nederlands als tweede taal"])
def test_nt2_and_its_spelled_out_name_find_each_other(library, add_material, find_in_empty, query):
    add_material("Oefenen voor NT2-leerders", summary="Korte oefeningen.")
    found = titles(find_in_empty(query))
    assert "Nederlands als tweede taal voor starters" in found
    if "starters" not in query:
        assert "Oefenen voor NT2-leerders" in found


def test_digivaardig_means_digital_skills(library, find_in_empty):
    found = titles(find_in_empty("digitale vaardigheden"))
    assert "Digivaardig in de bibliotheek" in found and "Rekenen met geld" in found
    assert titles(find_in_empty("digivaardig"))[0] == "Digivaardig in de bibliotheek"


def test_a_title_match_outranks_a_description_match(library, find_in_empty):
    assert titles(find_in_empty("digivaardig")) == ["Digivaardig in de bibliotheek", "Rekenen met geld"]


def test_materials_with_all_words_come_first_then_those_with_most(library, find_in_empty):
    result = find_in_empty("rekenen geld")
    assert titles(result)[0] == "Rekenen met geld"
    assert result.every_word == 1 and not result.hits[0].missing
    assert not any("alle woorden" in notice for notice in result.notices)


def test_when_no_material_has_all_words_the_best_partial_matches_say_what_they_lack(library, find_in_empty):
    result = find_in_empty("rekenen digid")
    assert set(titles(result)) == {"Rekenen met geld", "Werken met DigiD"}
    assert result.every_word == 0
    assert any("Geen leermiddel bevat alle woorden" in notice for notice in result.notices)
    lacking = {hit.material.title: hit.missing for hit in result.hits}
    assert lacking == {"Rekenen met geld": ["digid"], "Werken met DigiD": ["rekenen"]}


def test_an_unknown_extra_word_does_not_empty_the_page(library, find_in_empty):
    result = find_in_empty("samen lezen blablabla")
    assert titles(result)[0] == "Samen lezen"
    assert result.hits[0].missing == ["blablabla"]


def test_phrase_prefix_and_exclusion(library, find_in_empty):
    assert titles(find_in_empty('"leren en werken"')) == ["Geïntegreerd leren op de werkvloer"]
    assert find_in_empty('"werken en leren"').total == 0
    assert titles(find_in_empty('"leren en werken" samen')) == ["Geïntegreerd leren op de werkvloer"]
    assert set(titles(find_in_empty("digi*"))) == {
        "Digivaardig in de bibliotheek",
        "Werken met DigiD",
        "Rekenen met geld",
    }
    assert "Werken met DigiD" not in titles(find_in_empty("digi* -digid"))


def test_provider_names_are_searchable(library, find_in_empty):
    assert titles(find_in_empty("leer zelf online"))[0] == "Werken met DigiD"


def test_query_words_are_highlighted_in_title_and_summary(library, find_in_empty):
    hit = find_in_empty("leest").hits[0]
    assert [p.text for p in hit.title if p.match] == ["lezen"]
    assert [p.text for p in hit.summary if p.match] == ["leest"]


def test_did_you_mean_offers_a_respelling_that_finds_more(library, find_in_empty):
    result = find_in_empty("digitale vaardigheeden")
    assert result.every_word == 0 and result.total == 2  # 'digitale' alone
    assert result.suggestion == "digitale vaardigheden"
    assert find_in_empty("rekenen").suggestion is None


def test_a_query_that_finds_nothing_shows_its_respelling_at_once_with_a_way_back(find):
    result = find("digtale vaardighijd")  # a missing letter, and ij for ei
    assert result.corrected_from == "digtale vaardighijd"
    assert result.request.q == "digitale vaardigheid"
    assert result.every_word > 0
    literal = find("digtale vaardighijd", letterlijk="1")
    assert literal.total == 0 and literal.corrected_from is None
    assert literal.suggestion == literal.correction == "digitale vaardigheid"


def test_seed_catalogue_finds_digid_materials(find):
    result = find("digid")
    assert result.total >= 3
    assert any("DigiD" in hit.material.title for hit in result.hits)
    assert result.facet("skill").values  # counts come along


def test_analysis_maps_lemmas_before_stemming():
    assert analyze("lees") == analyze("lezen") == analyze("gelezen")
    assert analyze("ouderen") != analyze("ouders")  # elderly people are not parents


def test_queries_are_cut_to_the_configured_length(library, find_in_empty):
    result = find_in_empty("lezen " * 500)
    assert result.request.query_was_cut and len(result.request.q) <= 200
    assert result.notices and "Samen lezen" in titles(result)


@pytest.mark.parametrize(
    "query",
    [
        "NOT OR x",
        "TO ANDNOT ANDNOT x",
        "> ",
        "*",
        '"',
        '"open',
        "-",
        "--",
        "a" * 2000,
        "\x00\x1b[31m",
        "(((",
        "OR",
    ],
)
def test_known_parser_traps_answer_without_error(library, find_in_empty, query):
    result = find_in_empty(query)
    assert result.total >= 0 and isinstance(result.description, str)


def test_a_query_of_only_stopwords_shows_everything_and_says_so(library, find_in_empty):
    result = find_in_empty("de het een")
    assert result.total == 6
    assert result.notices


hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list('"*-+()[]{}:^~?!\\/ ANDORNOTTO')),
    ),
    max_size=300,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=hostile_text)
def test_a_thousand_hostile_queries_never_raise(library_for_fuzz, query):
    find, sizes = library_for_fuzz
    result = find(query)
    assert 0 <= result.total <= sizes
    build_query(query)  # the pure builder agrees


@pytest.fixture
def library_for_fuzz(library, find_in_empty):
    return find_in_empty, 6
