"""An operator rebuilds the index: faster than before, yet every search finds what it found before."""

import json
import pickle
from pathlib import Path

import pytest
from sqlalchemy import select
from whoosh.fields import Schema
from whoosh.formats import Positions

from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import get_engine
from trefpunt.search.analysis import (
    MemoTokenizer,
    RememberedPositions,
    dutch_analyzer,
    fold,
    folding_analyzer,
)
from trefpunt.search.schema import build_schema, document_for
from trefpunt.search.store import IndexStore

SEED = Path(__file__).parent.parent / "catalog_data" / "materials.jsonl"


def seed_texts() -> list[str]:
    texts = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts += [
            record["title"],
            record["summary"],
            record.get("description", ""),
            record.get("provider", ""),
        ]
        texts.append(" ; ".join(record.get("keywords", [])))
    # Compounds, stop words first, accents and a ligature: what the position bookkeeping must get right.
    texts += ["de e-learning van Taalklas.nl voor 65-plussers", "Één café-restaurant; ﬁets", "en de het"]
    return texts


def tokens(analyzer, text: str, **options) -> list[tuple]:
    return [(t.text, t.pos, t.startchar, t.endchar, t.boost) for t in analyzer(text, **options)]


@pytest.mark.parametrize("make", [dutch_analyzer, folding_analyzer])
@pytest.mark.parametrize("options", [{}, {"start_pos": 7, "start_char": 3}])
def test_remembered_analysis_indexes_exactly_what_the_filter_chain_does(make, options):
    analyzer = make()
    from_the_index = pickle.loads(pickle.dumps(analyzer))  # the schema travels pickled in the index
    for text in seed_texts():
        expected = tokens(analyzer.chain, text, positions=True, chars=True, boosts=True, **options)
        assert tokens(analyzer, text, positions=True, chars=True, boosts=True, **options) == expected, text
        assert tokens(from_the_index, text, positions=True, chars=True, boosts=True, **options) == expected
    assert analyzer.cache  # it did remember


def test_calls_the_lookup_does_not_model_go_through_the_filter_chain():
    analyzer = dutch_analyzer()
    text = "de e-learning voor ouders"
    for options in [{"removestops": False}, {"no_morph": True}, {"keeporiginal": True}, {"tokenize": False}]:
        kept = [(t.text, t.pos, t.stopped) for t in analyzer(text, positions=True, **options)]
        assert kept == [(t.text, t.pos, t.stopped) for t in analyzer.chain(text, positions=True, **options)]
    assert [t.text for t in analyzer(text, removestops=False)][0] == "de"


def test_the_remembered_words_are_bounded():
    analyzer = dutch_analyzer()
    analyzer.cachesize = 10
    for n in range(100):
        assert [t.text for t in analyzer(f"woord{n}")] == [f"woord{n}"]
    assert len(analyzer.cache) <= 10


@pytest.fixture
def literacy(add_material):
    add_material(
        "Voorlezen met de buurt",
        summary="Samen lezen in de wijk.",
        doelgroep=["laaggeletterden"],
        provider="Stichting Lezen",
    )
    add_material("Rekenen aan de keukentafel", summary="Sommen met boodschappen.")


def test_a_label_word_finds_its_materials_without_a_field_of_its_own(literacy, find_in_empty):
    assert [h.material.title for h in find_in_empty("laaggeletterden").hits] == ["Voorlezen met de buurt"]
    assert [h.material.title for h in find_in_empty("stichting").hits] == ["Voorlezen met de buurt"]


def test_a_misspelled_label_word_still_gets_a_suggestion(literacy, find_in_empty, empty_app):
    with session_factory(empty_app)() as session:
        vocabulary = load_vocabulary(session)
        material = next(m for m in _materials(session) if m.title.startswith("Voorlezen"))
        assert "laaggeletterden" not in fold(document_for(material, vocabulary)["words"])
    result = find_in_empty("laaggeleterden", letterlijk="1")  # as typed: no respelled results
    assert result.total == 0
    assert result.suggestion == "laaggeletterden"
    assert find_in_empty("laaggeletterden buurt").suggestion is None


def test_a_fresh_index_numbers_its_documents_in_title_order(add_material, find_in_empty, empty_app):
    for title in ["Zelf rekenen", "Één stap verder", "appen met de kleinkinderen", "Beter lezen"]:
        add_material(title)
    with session_factory(empty_app)() as session:
        assert get_engine(empty_app).rebuild(load_vocabulary(session)) == 4
    _path, ix, _seq = IndexStore(empty_app.config["INDEX_DIR"]).open()
    with ix.searcher() as searcher:
        ids = [int(searcher.stored_fields(n)["id"]) for n in range(searcher.doc_count())]
    with session_factory(empty_app)() as session:
        titles = {m.id: m.title for m in _materials(session)}
    assert [titles[i] for i in ids] == [
        "appen met de kleinkinderen",
        "Beter lezen",
        "Één stap verder",
        "Zelf rekenen",
    ]
    assert find_in_empty("stap").total == 1


def _materials(session) -> list[Material]:
    return list(session.scalars(select(Material)))


def whoosh_schema(vocabulary) -> Schema:
    """The index schema built afresh, with Whoosh's own ``Positions`` over the plain filter chains."""
    schema = build_schema(vocabulary)
    for _name, field in schema.items():
        if isinstance(field.format, RememberedPositions):
            field.format = Positions(field_boost=field.format.field_boost)
        if isinstance(field.analyzer, MemoTokenizer):
            field.analyzer = field.analyzer.chain
    return schema


def test_a_rebuild_in_little_memory_writes_the_index_whoosh_would(app, find, monkeypatch):
    from trefpunt.search import store

    def generation(writer, schema) -> list[tuple]:
        monkeypatch.setattr(store, "BulkWriter", writer)
        monkeypatch.setattr(store, "build_schema", schema)
        with session_factory(app)() as session:
            get_engine(app).rebuild(load_vocabulary(session))
        _path, ix, _seq = IndexStore(app.config["INDEX_DIR"]).open()
        with ix.reader() as reader:
            postings = list(reader.iter_postings())
            stored = [reader.stored_fields(n) for n in range(reader.doc_count())]
        return postings, stored

    # Whoosh's writer, formats and analyzer chains, against ours: each writer with a schema of its own.
    whoosh_postings, whoosh_stored = generation(lambda ix, **options: ix.writer(**options), whoosh_schema)
    monkeypatch.setattr(store, "POOL_MB", 0.05)  # spills dozens of runs to disk
    assert generation(store.BulkWriter, build_schema) == (whoosh_postings, whoosh_stored)
    assert len(whoosh_stored) == find("").total
    assert not list(Path(app.config["INDEX_DIR"]).glob("*/pool-*.run"))


def test_did_you_mean_knows_each_word_once_through_rebuilds_and_edits(add_material, find_in_empty, empty_app):
    add_material("Kookboek voor beginners", summary="Koken met weinig geld.")
    add_material("Kookboek voor gevorderden", summary="Koken met seizoensgroenten.")
    with session_factory(empty_app)() as session:
        get_engine(empty_app).rebuild(load_vocabulary(session))
    _path, ix, _seq = IndexStore(empty_app.config["INDEX_DIR"]).open()
    with ix.reader() as reader:
        assert reader.doc_frequency("words", "kookboek") == 1  # known once, not per document
        assert reader.doc_frequency("words", "seizoensgroenten") == 1
    assert find_in_empty("kookbok").request.q == "kookboek"  # found nothing as typed: shown respelled

    # A word that only an edit after the rebuild brings in is suggested too.
    add_material("Breiwerk voor de winter", summary="Sjaals en mutsen.")
    assert find_in_empty("breiwrk").request.q == "breiwerk"
    assert find_in_empty("kookbok").request.q == "kookboek"
