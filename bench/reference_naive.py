"""The naive way of using Whoosh, as a yardstick: what a first version would do.

A new searcher per request; facet filters as Term queries; facet counts by fetching every matching
document's stored fields and counting their values; a title sort through whoosh's ``sortedby``. It
indexes Trefpunt's own documents (``build_schema`` and ``document_for``, facet values stored as well)
and parses with Trefpunt's query builder, so both engines match the same words the same way; what
differs is only how the index is used.

It favours itself in two ways, noted in the report: hits come from stored fields (no database
round-trip), and counts are taken under all filters at once (Trefpunt counts each facet under the
other facets' filters, so its own values stay choosable).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary, load_vocabulary
from trefpunt.db import make_engine
from trefpunt.search.analysis import dutch_analyzer
from trefpunt.search.query import build_query
from trefpunt.search.schema import LABELS_FIELD, TEXT_FIELDS, build_schema, document_for, facet_field

from .progress import Bar
from .queries import Case

PER_PAGE = 20
BATCH = 1000


def schema(vocabulary: Vocabulary) -> Schema:
    """Trefpunt's own schema, with what the naive way reads back stored: titles, summaries, facet values."""
    result = build_schema(vocabulary)
    # The naive way suggests no respellings: the unstemmed vocabulary of "did you mean" is left out.
    if "words" in result.names():
        result.remove("words")
    result["title"].stored = True
    result["summary"].stored = True
    result.add("slug", ID(stored=True))
    # Trefpunt finds label words through its facet bitmaps; the naive way indexes them as text.
    result.add(LABELS_FIELD, TEXT(analyzer=dutch_analyzer(), field_boost=TEXT_FIELDS[LABELS_FIELD]))
    for facet in vocabulary.facets:
        result.remove(facet_field(facet.name))
        stored = ID(stored=True) if facet.name == PROVIDER_FACET else KEYWORD(stored=True, lowercase=False)
        result.add(facet_field(facet.name), stored)
    return result


def label_text(material: Material) -> str:
    """The provider's name and the material's facet labels, Dutch and English."""
    labels = [label for term in material.terms for label in (term.label_nl, term.label_en)]
    return " ; ".join([material.provider, *labels])


def build(database_url: str, path: Path) -> float:
    """Index the instance's published materials with Trefpunt's documents; return the seconds it took."""
    started = time.perf_counter()
    path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            vocabulary = load_vocabulary(session)
            ids = list(session.scalars(select(Material.id).where(Material.status == Status.PUBLISHED)))
            ix = whoosh_index.create_in(str(path), schema(vocabulary))
            writer = ix.writer(limitmb=128)
            bar = Bar(len(ids), "naive whoosh bouwen")
            for start in range(0, len(ids), BATCH):
                query = select(Material).where(Material.id.in_(ids[start : start + BATCH]))
                for material in session.scalars(query.options(selectinload(Material.terms))):
                    document = document_for(material, vocabulary)
                    document.pop("words", None)
                    document[LABELS_FIELD] = label_text(material)
                    writer.add_document(slug=material.slug, **document)
                    bar.step()
                session.expunge_all()
            writer.commit()
            bar.close()
    finally:
        engine.dispose()
    return time.perf_counter() - started


class NaiveSearch:
    def __init__(self, path: Path, vocabulary: Vocabulary):
        self.ix = whoosh_index.open_dir(str(path))
        self.fields = {f.param: facet_field(f.name) for f in vocabulary.facets}
        self.provider = facet_field(PROVIDER_FACET)

    def search(self, case: Case) -> tuple[int, list[dict], dict[str, Counter]]:
        parsed = build_query(case.text) if case.text else None
        query = parsed.query if parsed and parsed.query is not None else wq.Every()
        clauses = [
            wq.Or([wq.Term(self.fields[param], v) for v in values]) for param, values in case.filters.items()
        ]
        filter_query = wq.And(clauses) if clauses else None
        sortedby = "title_sort" if case.sort == "titel" else None
        counts: dict[str, Counter] = {}
        with self.ix.searcher() as searcher:
            if case.counts:
                results = searcher.search(query, filter=filter_query, limit=None, sortedby=sortedby)
                counts = {field: Counter() for field in self.fields.values()}
                for hit in results:
                    stored = hit.fields()
                    for field, counter in counts.items():
                        value = stored.get(field)
                        if value:
                            counter.update([value] if field == self.provider else value.split())
                start = (case.page - 1) * PER_PAGE
                hits = [results[i].fields() for i in range(start, min(start + PER_PAGE, len(results)))]
                total = len(results)
            else:
                page = searcher.search_page(
                    query, case.page, pagelen=PER_PAGE, filter=filter_query, sortedby=sortedby
                )
                hits = [hit.fields() for hit in page]
                total = page.total
        return total, hits, counts
