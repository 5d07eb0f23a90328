"""The judged relevance set (bench/relevance) is well-formed, and its metrics and BM25 reference are right."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from bench.relevance import judgements
from bench.relevance.bm25 import Bm25Reference, match_expression
from bench.relevance.metrics import ndcg_at, precision_at, recall_at
from trefpunt import resources

ISSUE_EXAMPLES = {
    "ouderen digid vrijwilliger", "nederlands leren arabisch", "post en rekeningen", "cursus", "boekjes",
    "verhaaltjes", "gezondheidszorg", "computercursus", "startcursus", "café", "ziek", "ziekenhuis",
    "voorlees", "digtale vaardighijd", "taal*", "nederlands",
}  # fmt: skip


@pytest.fixture(scope="module")
def queries():
    return judgements.load()


@pytest.fixture(scope="module")
def materials():
    return {r["slug"]: r for r in judgements.catalogue(resources.path("catalog_data") / "materials.jsonl")}


def test_the_set_has_enough_queries_each_with_a_need_and_a_half(queries):
    assert len(queries) >= 60
    assert len({q.id for q in queries}) == len(queries)
    assert len({q.text for q in queries}) == len(queries)
    for q in queries:
        assert q.text.strip() and len(q.need) >= 20, q.id
        assert q.half in judgements.HALVES, q.id
    halves = Counter(q.half for q in queries)
    assert halves["tune"] >= 30 and halves["test"] >= 30


def test_every_kind_of_query_is_in_both_halves(queries):
    kinds = {q.kind for q in queries}
    assert len(kinds) >= 8
    for kind in kinds:
        assert {q.half for q in queries if q.kind == kind} == set(judgements.HALVES), kind


def test_the_issues_examples_are_in_the_set(queries):
    assert not ISSUE_EXAMPLES - {q.text for q in queries}


def test_every_grade_is_0_to_3_for_a_published_material_and_a_known_query(queries, materials):
    ids = {q.id for q in queries}
    pairs = Counter()
    for row in judgements.grade_rows():
        assert row["query_id"] in ids, row
        assert row["slug"] in materials, row
        assert materials[row["slug"]]["status"] == "published", row
        assert row["grade"] in {"0", "1", "2", "3"}, row
        assert row["reason"].strip(), row
        pairs[row["query_id"], row["slug"]] += 1
    assert max(pairs.values()) == 1, [pair for pair, n in pairs.items() if n > 1]


def test_queries_marked_without_answer_are_the_ones_judged_so(queries):
    assert all(q.answerable == q.has_answer for q in queries), [
        q.id for q in queries if q.answerable != q.has_answer
    ]
    assert 1 <= sum(not q.has_answer for q in queries) <= 6


# -- metrics -------------------------------------------------------------------------------------------


GRADES = {"a": 3, "b": 0, "c": 2, "d": 3, "e": 1}


def test_ndcg_uses_the_grade_as_gain_with_a_log2_discount_against_all_graded_materials():
    dcg = 3 / math.log2(2) + 0 / math.log2(3) + 2 / math.log2(4)
    ideal = 3 / math.log2(2) + 3 / math.log2(3) + 2 / math.log2(4) + 1 / math.log2(5)
    assert ndcg_at(["a", "b", "c"], GRADES) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "d", "c", "e"], GRADES) == pytest.approx(1.0)
    assert ndcg_at(["d", "a", "c", "e", "b", "x"], GRADES) == pytest.approx(1.0)


def test_ndcg_counts_only_the_first_k_and_ungraded_materials_as_zero():
    assert ndcg_at([], GRADES) == 0.0
    assert ndcg_at(["x", "y"], GRADES) == 0.0
    assert ndcg_at([f"x{i}" for i in range(10)] + ["a"], GRADES, 10) == 0.0
    assert ndcg_at(["a"], {}) == 0.0


def test_precision_at_5_counts_grade_2_and_up_out_of_5():
    assert precision_at(["a", "b", "c"], GRADES, 5) == pytest.approx(2 / 5)
    assert precision_at(["e", "b", "x"], GRADES, 5) == 0.0
    assert precision_at(["x", "x2", "x3", "x4", "x5", "a"], GRADES, 5) == 0.0
    assert precision_at(["a", "c", "d", "a2", "c2"], {**GRADES, "a2": 2, "c2": 3}, 5) == 1.0


def test_recall_at_20_is_the_share_of_grade_2_and_up_found():
    assert recall_at(["a", "e", "b"], GRADES, 20) == pytest.approx(1 / 3)
    assert recall_at(["d", "c", "a"], GRADES, 20) == 1.0
    assert recall_at([f"x{i}" for i in range(20)] + ["a"], GRADES, 20) == 0.0
    assert recall_at(["a"], {"a": 1}, 20) == 0.0


# -- the BM25 reference ----------------------------------------------------------------------------------


def record(slug, title, *, summary="", description="", keywords=(), status="published", **facets):
    empty = {
        p: [] for p in ("vaardigheid", "niveau", "doelgroep", "vorm", "werkvorm", "kosten", "taal", "nodig")
    }
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "description": description,
        "keywords": list(keywords),
        "provider": "Aanbieder",
        "status": status,
        **empty,
        **facets,
    }


CORPUS = [
    record("digid-uitleg", "Uitleg over DigiD", summary="Stap voor stap."),
    record("digid-ouderen", "Cursus", summary="Voor ouderen.", description="Werken met DigiD in een groep."),
    record("ouderen-tablet", "Tablet voor ouderen"),
    record("taalcafe", "Het taalcafé", summary="Samen praten."),
    record("boekjes", "Leesboekjes", keywords=["boekjes"], doelgroep=["ouders"]),
    record("oud", "DigiD voor ouderen", status="archived"),
]
LABELS = {"ouders": "Ouders"}


@pytest.fixture(scope="module")
def plain():
    return Bm25Reference("BM25", CORPUS, LABELS)


def test_the_reference_matches_any_word_and_ranks_materials_with_more_words_first(plain):
    found = plain.search("ouderen digid")
    assert found[0] == "digid-ouderen"
    assert set(found) == {"digid-ouderen", "digid-uitleg", "ouderen-tablet"}


def test_a_title_match_outweighs_a_description_match(plain):
    assert plain.search("digid") == ["digid-uitleg", "digid-ouderen"]


def test_archived_materials_are_left_out_and_facet_labels_are_searched(plain):
    assert "oud" not in plain.search("ouderen")
    assert plain.search("ouders") == ["boekjes"]


def test_accents_prefixes_phrases_and_exclusions(plain):
    assert plain.search("taalcafe") == ["taalcafe"]
    assert plain.search("taal*") == ["taalcafe"]
    assert plain.search('"in een groep"') == ["digid-ouderen"]
    assert plain.search("digid -ouderen") == ["digid-uitleg"]
    assert plain.search("café") == []
    assert match_expression("- * ") is None


def test_the_stemmed_reference_meets_plural_and_diminutive_forms(plain):
    pytest.importorskip("snowballstemmer")
    from bench.relevance.bm25 import snowball

    stemmed = Bm25Reference("BM25 stemmed", CORPUS, LABELS, snowball("dutch"))
    assert plain.search("boekje") == []
    assert stemmed.search("boekje") == ["boekjes"]
    assert set(stemmed.search("ouder")) == {"digid-ouderen", "ouderen-tablet", "boekjes"}
