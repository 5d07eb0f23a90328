"""What volunteers type, and what they expect to find: the examples of issue 9 on the seed catalogue."""

import pytest

from trefpunt.search.analysis import analyze


def slugs(result):
    return [hit.material.slug for hit in result.hits]


def skills(hit):
    return set(hit.material.terms.get("skill", []))


@pytest.mark.parametrize(
    "query", ["ouderen digid vrijwilliger", "nederlands leren arabisch", "post en rekeningen"]
)
def test_a_natural_phrase_with_an_unknown_or_extra_word_still_finds_the_best_matches(find, query):
    result = find(query)
    assert result.total > 0
    first = result.hits[0]
    assert len(first.missing) < len(query.split())  # it has at least one of the words


def test_the_digid_course_for_seniors_comes_before_courses_that_only_carry_the_labels(find):
    first_three = slugs(find("ouderen digid vrijwilliger"))[:3]
    assert "digisterker" in first_three
    assert "veilig-internetten" not in first_three  # labels Ouderen, Digitale overheid, Vrijwilligers only


def test_bills_are_not_arithmetic(find):
    result = find("rekeningen")
    assert "geldzaken" in skills(result.hits[0])
    assert all("rekenen" not in skills(hit) or "geldzaken" in skills(hit) for hit in result.hits[:3])
    assert analyze("rekeningen") != analyze("rekenen")


def test_parents_are_not_the_elderly(find):
    result = find("ouders")
    assert "gezin" in skills(result.hits[0])
    assert "skillstown-loopbaan-45-plus" not in slugs(result)[:5]
    assert analyze("ouders") != analyze("ouderen")


def test_a_singular_finds_the_plural_and_a_diminutive_its_base(find):
    assert "seniorweb-cursussen" in slugs(find("cursus", per_page=100))
    assert analyze("boekjes") == analyze("boek") and analyze("verhaaltjes") == analyze("verhaal")
    assert "de-blaffende-agent" in slugs(find("verhaaltjes"))  # 'bijzondere verhalen'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gezondheidszorg", "digivitaler"),  # gezondheid + zorg
        ("computercursus", "computerwijs-basiscursus-ict"),
        ("startcursus", "klik-en-tik-startcursus"),
        ("café", "taalcafe"),  # a part of 'Taalcafé'
        ("cafe", "taalcafe"),
    ],
)
def test_compounds_meet_their_parts(find, query, expected):
    assert expected in slugs(find(query))[:5]


@pytest.mark.parametrize(
    ("query", "skill"),
    [("ziek", "gezondheid"), ("ziekenhuis", "gezondheid"), ("dokter", "gezondheid"), ("voorlees", "gezin")],
)
def test_everyday_words_find_the_materials_about_them(find, query, skill):
    result = find(query)
    assert result.total and skill in skills(result.hits[0])


def test_misspelt_words_are_corrected_from_the_catalogues_dutch_words_only(find):
    corrected = find("digtale vaardighijd")
    assert corrected.request.q == "digitale vaardigheid" and corrected.total
    assert find("steffy").request.q == "steffie"
    assert find("nederlans").request.q == "nederlands"
    # Never into an English label ('cafe' -> 'card', 'steffy' -> 'staff'), never a real word respelled.
    assert find("cafe").correction is None
    assert find("post en rekeningen").suggestion is None


def test_a_prefix_finds_the_word_itself_and_words_whose_lemma_starts_otherwise(add_material, find_in_empty):
    add_material("Over taal", summary="Een boek.")
    add_material("Hij schrijft een brief", summary="Een verhaal.")
    assert "Over taal" in [hit.material.title for hit in find_in_empty("taal*").hits]
    assert [hit.material.title for hit in find_in_empty("schrijf*").hits] == ["Hij schrijft een brief"]


def test_materials_that_only_carry_a_label_come_after_those_that_say_the_word(find):
    result = find("nederlands", per_page=200)
    says_it = ["nederlands" in f"{hit.material.title} {hit.material.summary}".lower() for hit in result.hits]
    first_label_only = says_it.index(False)
    assert all(says_it[:first_label_only]) and first_label_only >= 10
