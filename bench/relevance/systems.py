"""The rankings compared: Trefpunt's real search, and the BM25 references beside it.

Trefpunt is used only through its public search interface (``SearchRequest``, ``get_engine``, ``search``,
``result.hits``, ``hit.material``), so this keeps working while the search's insides are rewritten.
"""

from __future__ import annotations

import csv
from pathlib import Path

from trefpunt import create_app, migrations, resources
from trefpunt.catalog.seed import seed
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import SearchRequest, get_engine

from .bm25 import Bm25Reference, snowball
from .judgements import catalogue

DATA = resources.path("catalog_data")
# Every system is asked for this many hits: enough for recall@20.
DEPTH = 20


class TrefpuntSearch:
    """A throwaway instance in ``folder``: migrated, seeded with the catalogue, its index rebuilt."""

    name = "Trefpunt"

    def __init__(self, folder: Path):
        url = f"sqlite:///{folder / 'db.sqlite3'}"
        migrations.upgrade(url)
        self.app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "relevance",
                "DATABASE_URL": url,
                "INDEX_DIR": str(folder / "index"),
            }
        )
        self.sessions = session_factory(self.app)
        with self.sessions() as session:
            seed(session, DATA)
            session.commit()
            vocabulary = load_vocabulary(session)
        get_engine(self.app).rebuild(vocabulary)

    def search(self, text: str, limit: int = DEPTH) -> list[str]:
        """The slugs of the first ``limit`` hits, as the public search page parses and answers ``q``."""
        with self.sessions() as session:
            vocabulary = load_vocabulary(session)
            request = SearchRequest.from_args({"q": [text]}, vocabulary, per_page=limit)
            result = get_engine(self.app).search(session, request, vocabulary)
            return [hit.material.slug for hit in result.hits]

    def close(self) -> None:
        get_engine(self.app).close()
        self.sessions.kw["bind"].dispose()


def dutch_labels() -> dict[str, str]:
    """Facet value key -> Dutch label, as a searcher sees them (the English labels are left out)."""
    with (DATA / "vocabularies.csv").open(encoding="utf-8", newline="") as f:
        return {row["key"]: row["label_nl"] for row in csv.DictReader(f)}


def references(records: list[dict]) -> list[Bm25Reference]:
    labels = dutch_labels()
    return [
        Bm25Reference("BM25", records, labels),
        Bm25Reference("BM25 + Snowball dutch_porter", records, labels, snowball("dutch_porter")),
        Bm25Reference("BM25 + Snowball dutch (Kraaij-Pohlmann)", records, labels, snowball("dutch")),
    ]


def catalogue_records() -> list[dict]:
    return catalogue(DATA / "materials.jsonl")
