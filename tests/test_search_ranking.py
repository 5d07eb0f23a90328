"""Relevance: what a volunteer sees first when several materials match, and that paging never repeats one."""

from hypothesis import given, settings
from hypothesis import strategies as st

from trefpunt.search.matching import BitmapCache
from trefpunt.search.ranking import Scores


def titles(result):
    return [hit.material.title for hit in result.hits]


def test_a_title_match_outranks_keywords_summary_and_description(add_material, find_in_empty):
    add_material("Rekenen thuis", description="Met een schema voor het budget van de week.")
    add_material("Rekenen voor later", summary="Een budget maken.")
    add_material("Rekenen op het werk", keywords=["budget"])
    add_material("Budget in balans")
    assert titles(find_in_empty("budget")) == [
        "Budget in balans",
        "Rekenen op het werk",
        "Rekenen voor later",
        "Rekenen thuis",
    ]


def test_the_rarer_word_decides_when_each_matches_in_one_title(add_material, find_in_empty):
    for n in range(6):
        add_material(f"Taal en werk {n}", summary="Sollicitatiebrief schrijven.")
    add_material("Taal voor iedereen", summary="Oefenen.")
    add_material("Sollicitatiebrief stap voor stap", summary="Over taal.")
    found = titles(find_in_empty("taal sollicitatiebrief"))
    # 'sollicitatiebrief' is in every hit's summary but only one title; 'taal' in nearly every title.
    assert found[0] == "Sollicitatiebrief stap voor stap"


def test_equal_scores_keep_title_order(add_material, find_in_empty):
    for title in ["Zeeuws rekenen", "Alfa rekenen", "Midden rekenen"]:
        add_material(title)
    assert titles(find_in_empty("rekenen")) == ["Alfa rekenen", "Midden rekenen", "Zeeuws rekenen"]


def test_paging_by_relevance_shows_every_hit_once_in_the_same_order(add_material, find_in_empty):
    for n in range(23):
        add_material(f"Digitaal oefenen {n:02}", summary="digitaal " * (n % 3) + "oefenen")
    first = find_in_empty("digitaal", per_page=10)
    pages = [find_in_empty("digitaal", per_page=10, pagina=str(p)) for p in (1, 2, 3)]
    seen = [title for page in pages for title in titles(page)]
    assert len(seen) == len(set(seen)) == first.total == 23
    assert titles(pages[0]) == titles(first)
    scores = [hit.score for page in pages for hit in page.hits]
    assert scores == sorted(scores, reverse=True)


# -- the bit-sliced arithmetic against plain integers ------------------------------------------------

additions = st.lists(st.tuples(st.sets(st.integers(0, 40)), st.integers(1, 300)), max_size=8)


def scores_of(adds):
    plain = [0] * 41
    sliced = Scores()
    for members, amount in adds:
        for position in members:
            plain[position] += amount
        sliced.add(sum(1 << p for p in members), amount)
    return plain, sliced


@settings(max_examples=200, deadline=None)
@given(additions)
def test_sliced_scores_equal_plain_sums(adds):
    plain, sliced = scores_of(adds)
    assert sliced.of((1 << 41) - 1) == dict(enumerate(plain))


@settings(max_examples=200, deadline=None)
@given(additions, st.sets(st.integers(0, 40)), st.integers(0, 45), st.integers(1, 12))
def test_a_page_is_the_plain_sort_by_score_then_position(adds, candidates, offset, limit):
    plain, sliced = scores_of(adds)
    expected = sorted(candidates, key=lambda p: (-plain[p], p))[offset : offset + limit]
    page = sliced.page(sum(1 << p for p in candidates), offset, limit)
    assert page == [(p, plain[p]) for p in expected]


def test_bitmap_caches_are_bounded_by_bytes_and_drop_the_least_recently_used():
    bitmap = (1 << 8000) - 1  # 1,000 bytes (+32 counted for the int itself)
    cache = BitmapCache(max_bytes=3 * 1032)
    computed: list[str] = []

    def get(key: str) -> int:
        return cache.get(key, lambda: computed.append(key) or bitmap)

    for key in "abc":
        get(key)
    get("a")  # used again: now the most recent
    get("d")  # over the bound: 'b', the least recently used, goes
    assert cache.bytes <= 3 * 1032
    get("b")
    get("a")
    assert computed == ["a", "b", "c", "d", "b"]
