"""A throwaway Trefpunt instance in a temporary folder, filled through the real import path."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from trefpunt import create_app, migrations, resources
from trefpunt.catalog import exchange
from trefpunt.catalog.seed import seed_vocabularies
from trefpunt.catalog.services import import_records
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine, session_factory

from .progress import Bar

# Rows per import call: the import is all-or-nothing per call, and one call per 10,000 rows keeps the
# session's identity map (every material and revision it wrote) from growing with the catalogue.
IMPORT_CHUNK = 10_000


@dataclass(frozen=True)
class Instance:
    root: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.root / 'trefpunt.sqlite3'}"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    def config(self) -> dict:
        return {"SECRET_KEY": "bench", "DATABASE_URL": self.database_url, "INDEX_DIR": str(self.index_dir)}

    def environ(self) -> dict[str, str]:
        """The environment that makes ``create_app()`` (gunicorn, the CLI, a worker) open this instance."""
        env = dict(os.environ)
        env.update(
            TREFPUNT_INSTANCE_PATH=str(self.root),
            TREFPUNT_DATABASE_URL=self.database_url,
            TREFPUNT_INDEX_DIR=str(self.index_dir),
            TREFPUNT_SECRET_KEY="bench",
        )
        return env

    def app(self):
        return create_app(self.config())


def create(root: Path, jsonl: Path, *, label: str = "") -> tuple[Instance, float]:
    """Migrate a fresh database, load the real vocabularies and import ``jsonl``; return the import time."""
    root.mkdir(parents=True, exist_ok=True)
    instance = Instance(root)
    migrations.upgrade(instance.database_url)
    engine = make_engine(instance.database_url)
    try:
        with Session(engine) as session:
            seed_vocabularies(session, resources.path("catalog_data"))
            session.commit()
        started = time.perf_counter()
        with Session(engine) as session:
            vocabulary = load_vocabulary(session)
        rows = exchange.read_rows(jsonl.read_bytes(), "jsonl", vocabulary)
        bar = Bar(len(rows), label or "importeren")
        for start in range(0, len(rows), IMPORT_CHUNK):
            with Session(engine) as session:
                import_records(
                    session,
                    rows[start : start + IMPORT_CHUNK],
                    author="bench",
                    progress=lambda _n: bar.step(),
                )
                session.commit()
        bar.close()
        return instance, time.perf_counter() - started
    finally:
        engine.dispose()


def dispose(app) -> None:
    session_factory(app).kw["bind"].dispose()
