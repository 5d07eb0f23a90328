"""An editor is asked "why is X not found?" and lets the search explain itself."""

from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.cli import main
from trefpunt.db import session_factory
from trefpunt.search import SearchRequest, get_engine


def explain(app, q: str):
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        request = SearchRequest.from_args({"q": [q]}, vocabulary)
        return get_engine(app).explain(session, request, vocabulary)


def test_the_words_are_shown_as_read_lemma_parts_and_synonyms(app):
    explanation = explain(app, "de computercursussen voor senioren")
    readings = {r.word: r for r in explanation.words}
    assert readings["de"].term is None  # a stop word, not searched
    assert readings["computercursussen"].term == "computercursus"
    assert readings["computercursussen"].parts == ("computer", "cursus")
    seniors = next(c for c in explanation.concepts if c.label == "senioren")
    assert "ouderen" in seniors.synonyms
    assert (("senior",), 1.0) in seniors.alternatives


def test_each_hit_says_which_words_it_has_in_which_fields_and_which_it_lacks(app):
    explanation = explain(app, "steffie zwemles")
    first = explanation.hits[0]
    assert first.slug.startswith("steffie")
    assert "title" in first.found["steffie"]["steffie"]
    assert first.missing == ["zwemles"] and "zwemles" not in first.found


def test_the_command_line_prints_the_explanation(app):
    printed = app.test_cli_runner().invoke(main, ["search", "ouderen digid vrijwilliger", "--explain"])
    assert printed.exit_code == 0, printed.output
    assert "ouderen → oudere" in printed.output
    assert "digid: digid ×1" in printed.output  # the concept and its alternatives
    assert "in title" in printed.output or "in keywords" in printed.output
    assert "ontbreekt:" in printed.output
