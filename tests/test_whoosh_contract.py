"""The upgrade gate for Whoosh: what Trefpunt reads and writes behind Whoosh's back equals what Whoosh does.

``trefpunt/search/whoosh_internals.py`` holds every use of a private Whoosh API. Each test here compares
our shortcut with Whoosh's own public behaviour over random indexes of several segments with deletions,
so a Whoosh release that changes a block layout, a writer or a format fails here instead of giving wrong
document sets. The schemas are the test's own, built from small random words: independent of the real
schema and of Dutch word lists, with the project's analyzer and position format where they matter.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.matching.wrappers import WrappingMatcher

from trefpunt.catalog.vocabulary import Vocabulary
from trefpunt.search import analysis
from trefpunt.search.analysis import RememberedPositions, dutch_analyzer, folding_analyzer
from trefpunt.search.bulk import BulkWriter
from trefpunt.search.docsets import DocSets, posting_arrays
from trefpunt.search.labels import LabelIndex
from trefpunt.search.matching import Matcher
from trefpunt.search.schema import facet_field

CONTRACT = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KIND = facet_field("kind")
KINDS = ["boek", "app", "cursus"]
# Few distinct words, so that documents share terms, prefixes and phrases.
WORDS = ["ab", "abk", "ba", "bak", "ka", "kab", "kk", "a", "ab-ka", "ka.nl"]
# Whoosh's own writer options, and the ones the index store writes with.
WRITERS = {
    "whoosh defaults": {},
    "store options": {"compound": False, "codec": W3Codec(compression=0)},
}


def contract_schema(plain: bool = False) -> Schema:
    """A small schema with what ``DocSets`` needs; ``plain``: Whoosh's analyzer chain and ``Positions``."""
    analyzer = dutch_analyzer()
    text = TEXT(analyzer=analyzer.chain if plain else analyzer, field_boost=2.0)
    if not plain:
        text.format = RememberedPositions(field_boost=2.0)
    return Schema(
        id=ID(stored=True, unique=True),
        title_sort=ID(sortable=True),
        created=NUMERIC(sortable=True, bits=64),
        text=text,
        note=STORED(),
        # As in the real schema: the matcher also expands a prefix through the written words. Left empty
        # here, since that extension is Trefpunt's own and not Whoosh's ``Prefix``.
        words=TEXT(analyzer=folding_analyzer(), phrase=False),
        **{KIND: KEYWORD(scorable=False, lowercase=False)},
    )


# -- building random indexes ---------------------------------------------------------------------------


def document(number: int, words: list[str], kinds: list[str], title: str, created: int) -> dict:
    doc = {"id": str(number), "title_sort": title, "created": created, "text": " ".join(words)}
    doc["note"] = {"number": number, "words": words}
    if kinds:
        doc[KIND] = " ".join(kinds)
    return doc


documents = st.builds(
    lambda words, kinds, title, created: (words, kinds, title, created),
    st.lists(st.sampled_from(WORDS), max_size=7),
    st.lists(st.sampled_from(KINDS), max_size=2, unique=True),
    st.sampled_from(["a", "b", "c"]),  # ties in title order
    st.integers(0, 3),  # ties in creation time
)


@st.composite
def commits(draw) -> list[tuple[list[dict], set[int]]]:
    """Batches of documents, each committed as a segment of its own, with deletions of earlier ones."""
    batches = []
    added = 0
    for _ in range(draw(st.integers(1, 4))):
        new = draw(st.lists(documents, min_size=1, max_size=8))
        deleted = draw(st.sets(st.integers(0, added - 1), max_size=added)) if added else set()
        batches.append(([document(added + i, *spec) for i, spec in enumerate(new)], deleted))
        added += len(new)
    return batches


def build_index(folder: Path, schema: Schema, batches, writer_options: dict):
    ix = whoosh_index.create_in(str(folder), schema)
    for docs, deleted in batches:
        writer = ix.writer(**writer_options)
        for number in sorted(deleted):
            writer.delete_by_term("id", str(number))
        for doc in docs:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return ix


def random_batches(seed: int) -> list[tuple[list[dict], set[int]]]:
    """Segments large enough for several posting blocks (128 postings each), one tiny, with deletions."""
    rng = random.Random(seed)
    batches = []
    added = 0
    for size in [300, 40, 1, 140]:
        docs = [
            document(
                added + i,
                ["ab", *rng.choices(WORDS, k=rng.randint(0, 6))],
                rng.sample(KINDS, rng.randint(0, 2)),
                rng.choice("abc"),
                rng.randint(0, 3),
            )
            for i in range(size)
        ]
        deleted = set(rng.sample(range(added), min(added, 25)))
        batches.append((docs, deleted))
        added += size
    return batches


# -- 1. our bitmaps against Whoosh's own evaluation -----------------------------------------------------


def query_trees(text_terms: list[str], prefixes: list[str]):
    terms = st.one_of(
        st.sampled_from(text_terms).map(lambda t: wq.Term("text", t)),
        st.sampled_from([*KINDS, "onbekend"]).map(lambda v: wq.Term(KIND, v)),
    )
    leaves = st.one_of(
        terms,
        st.sampled_from(prefixes).map(lambda p: wq.Prefix("text", p)),
        st.lists(st.sampled_from(text_terms), min_size=2, max_size=3).map(lambda ws: wq.Phrase("text", ws)),
        st.just(wq.Every()),
    )
    # Our And of nothing is every document, Whoosh's is none: build_query never makes one.
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(wq.And),
            st.lists(children, min_size=1, max_size=3).map(wq.Or),
            st.tuples(children, children).map(lambda ab: wq.AndNot(*ab)),
        ),
        max_leaves=8,
    )


def whoosh_evaluation(query: wq.Query) -> wq.Query:
    """The query as Whoosh evaluates it correctly.

    Whoosh 2.7's ``AndNotMatcher`` misses an excluded document when the excluded term's first posting in a
    segment comes before the included term's (``_find_first`` only skips ahead on equal ids): ``And`` with
    ``Not`` takes another path through Whoosh and gets it right.
    """
    if isinstance(query, wq.AndNot):
        return wq.And([whoosh_evaluation(query.a), wq.Not(whoosh_evaluation(query.b))])
    if isinstance(query, wq.And | wq.Or):
        return type(query)([whoosh_evaluation(sub) for sub in query.subqueries])
    return query


@CONTRACT
@given(batches=commits(), writer=st.sampled_from(sorted(WRITERS)), data=st.data())
def test_bitmaps_find_what_whoosh_finds_over_segments_with_deletions(batches, writer, data):
    with tempfile.TemporaryDirectory() as folder:
        ix = build_index(Path(folder), contract_schema(), batches, WRITERS[writer])
        with ix.searcher() as searcher:
            reader = searcher.reader()
            docs = DocSets(searcher, ["kind"])
            matcher = Matcher(searcher, docs, LabelIndex(Vocabulary([]), docs))
            live = set(reader.all_doc_ids())
            assert set(docs.doc_at_rank) == live

            text_terms = [t.decode("utf-8") for t in reader.lexicon("text")] + ["onbekend"]
            prefixes = sorted({t[:n] for t in text_terms for n in (1, 2)})
            for query in data.draw(st.lists(query_trees(text_terms, prefixes), min_size=8, max_size=8)):
                expected = set(searcher.docs_for_query(whoosh_evaluation(query)))
                assert docs.docs_of(matcher.bitmap(query)) == expected, query

            for value in [*KINDS, "onbekend"]:
                expected = set(searcher.docs_for_query(wq.Term(KIND, value)))
                assert docs.docs_of(docs.union("kind", [value])) == expected, value

            added = {int(doc["id"]) for batch, _deleted in batches for doc in batch}
            deleted = {number for _batch, numbers in batches for number in numbers}
            assert {int(searcher.stored_fields(n)["id"]) for n in live} == added - deleted

            titles = reader.column_reader("title_sort")
            created = reader.column_reader("created")
            assert docs.doc_at_rank == sorted(live, key=lambda n: (titles[n], n))
            newest = [docs.doc_at_rank[r] for r in docs.newest_ranks]
            assert newest == sorted(live, key=lambda n: (-created[n], -n))


# -- 2. posting arrays against all_ids() -----------------------------------------------------------------


def all_ids_with_deleted(leaf, fieldname: str, text: str) -> list[int]:
    """Whoosh's document numbers of a term in one segment, deleted documents included."""
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, WrappingMatcher):  # Whoosh filters deleted documents out in a wrapper
        matcher = matcher.child
        matcher.reset()  # the wrapper has moved it past the deleted documents it starts with
    return list(matcher.all_ids())


def assert_posting_arrays_match(reader) -> int:
    checked = 0
    for fieldname in ["text", KIND, "id", "title_sort"]:
        for text in reader.field_terms(fieldname):
            expected: list[int] = []
            for leaf, offset in reader.leaf_readers():
                if (fieldname, text) not in leaf:
                    continue
                in_leaf = all_ids_with_deleted(leaf, fieldname, text)
                assert np.concatenate(list(posting_arrays(leaf, fieldname, text))).tolist() == in_leaf
                expected += [offset + n for n in in_leaf]
            found = np.concatenate(list(posting_arrays(reader, fieldname, text))).tolist()
            assert found == expected, (fieldname, text)
            live = [n for n in found if not reader.is_deleted(n)]
            assert live == list(reader.postings(fieldname, text).all_ids()), (fieldname, text)
            checked += 1
    return checked


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_posting_arrays_are_the_document_numbers_whoosh_reads(writer, tmp_path):
    ix = build_index(tmp_path, contract_schema(), random_batches(14), WRITERS[writer])
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == 4 and reader.has_deletions()
        assert reader.doc_frequency("text", "ab") > 2 * 128  # several blocks in one segment
        assert assert_posting_arrays_match(reader) > 100


@CONTRACT
@given(batches=commits(), writer=st.sampled_from(sorted(WRITERS)))
def test_posting_arrays_of_small_random_indexes(batches, writer):
    with tempfile.TemporaryDirectory() as folder:
        ix = build_index(Path(folder), contract_schema(), batches, WRITERS[writer])
        with ix.reader() as reader:
            assert_posting_arrays_match(reader)


# -- 3. remembered positions against Whoosh's Positions --------------------------------------------------

texts = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(sorted(analysis.STOP_WORDS)),
        st.sampled_from(["Ab", "ÁB", "e-ab", "ab.ka.nl", "-", ",", ";", "é"]),
    ),
    max_size=12,
).map(" ".join)


def plain_positions(chain, text: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for token in chain(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


@settings(CONTRACT, max_examples=200)
@given(text=texts)
def test_remembered_positions_are_whooshs_positions(text):
    analyzer = dutch_analyzer()
    assert analyzer.positions(text) == plain_positions(analyzer.chain, text)
    remembered = RememberedPositions(field_boost=2.0).word_values(text, analyzer, mode="index")
    plain = Positions(field_boost=2.0).word_values(text, analyzer.chain, mode="index")
    assert sorted(remembered) == sorted(plain)


@CONTRACT
@given(batch=st.lists(texts, min_size=1, max_size=10))
def test_an_index_with_remembered_positions_is_the_index_whoosh_writes(batch):
    postings = []
    with tempfile.TemporaryDirectory() as folder:
        for plain in (False, True):  # two schemas, each built on its own
            path = Path(folder) / str(plain)
            path.mkdir()
            docs = [document(n, text.split(), [], "a", 0) for n, text in enumerate(batch)]
            ix = build_index(path, contract_schema(plain), [(docs, set())], {})
            with ix.reader() as reader:
                postings.append(list(reader.iter_postings()))
    assert postings[0] == postings[1]


# -- 4. the bulk writer against Whoosh's SegmentWriter ---------------------------------------------------


def written(folder: Path, make_writer: Callable, docs: list[dict]) -> dict:
    ix = whoosh_index.create_in(str(folder), contract_schema())
    writer = make_writer(ix)
    for doc in docs:
        writer.add_document(**doc)
    spilled = sorted(p.name for p in folder.glob("pool-*.run"))
    writer.commit()
    assert not list(folder.glob("pool-*.run"))
    with ix.reader() as reader:
        count = reader.doc_count_all()
        return {
            "spilled": spilled,
            "postings": list(reader.iter_postings()),
            "stored": [reader.stored_fields(n) for n in range(count)],
            "lengths": [reader.doc_field_length(n, "text") for n in range(count)],
            "totals": (reader.field_length("text"), reader.max_field_length("text")),
            "columns": [
                [reader.column_reader(f)[n] for n in range(count)] for f in ["title_sort", "created"]
            ],
        }


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_the_bulk_writer_writes_the_index_whoosh_writes(writer, tmp_path):
    options = WRITERS[writer]
    docs = [doc for batch, _deleted in random_batches(7) for doc in batch]
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    whoosh = written(tmp_path / "whoosh", lambda ix: ix.writer(**options), docs)
    bulk = written(tmp_path / "bulk", lambda ix: BulkWriter(ix, limitmb=0.005, **options), docs)
    assert len(bulk.pop("spilled")) > 3  # the tiny pool spilled runs to disk and merged them back
    whoosh.pop("spilled")
    assert bulk == whoosh
