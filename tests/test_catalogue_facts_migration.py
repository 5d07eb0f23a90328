"""An installation from before the facts and the cost model migrates: migration 0010 adds the facts' columns
and broader terms, and relabels "Gratis" as "Gratis voor de deelnemer" (what ``kosten=gratis`` now finds);
it goes back down cleanly. The seed then adds the new terms."""

from __future__ import annotations

from alembic import command
from conftest import new_pg_database
from sqlalchemy import inspect, text

from trefpunt import migrations
from trefpunt.catalog.models import Base
from trefpunt.db import make_engine

FACT_COLUMNS = {"source", "certainty", "verified_on", "verified_by", "how_to_get"}


def test_migration_0010_adds_the_facts_relabels_free_and_goes_back(backend, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}" if backend == "sqlite" else new_pg_database(request)
    migrations.upgrade(url, "0009")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO facets (name, param, label_nl, label_en, kind, position) "
                    "VALUES ('cost', 'kosten', 'Kosten', 'Cost', 'controlled', 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO terms"
                    " (facet_name, key, label_nl, label_en, group_nl, group_en, position, hidden) VALUES"
                    " ('cost', 'gratis', 'Gratis', 'Free', '', '', 0, false),"
                    " ('cost', 'betaald', 'Betaald', 'Paid', '', '', 1, false)"
                )
            )
            connection.execute(text("UPDATE vocabulary_version SET version = 7 WHERE id = 1"))

        migrations.upgrade(url, "0010")
        columns = {c["name"] for c in inspect(engine).get_columns("materials")}
        assert columns >= FACT_COLUMNS
        assert "broader" in {c["name"] for c in inspect(engine).get_columns("terms")}
        with engine.connect() as connection:
            labels = dict(connection.execute(text("SELECT key, label_nl FROM terms")).all())
            version = connection.execute(text("SELECT version FROM vocabulary_version")).scalar()
        assert labels == {"gratis": "Gratis voor de deelnemer", "betaald": "Betaald"}
        assert version == 8  # every process reads the vocabulary again
        certainty = next(c for c in inspect(engine).get_columns("materials") if c["name"] == "certainty")
        assert not certainty["nullable"]
        assert set(Base.metadata.tables["materials"].columns.keys()) >= FACT_COLUMNS

        command.downgrade(migrations.alembic_config(url), "0009")
        assert not FACT_COLUMNS & {c["name"] for c in inspect(engine).get_columns("materials")}
        with engine.connect() as connection:
            label = connection.execute(text("SELECT label_nl FROM terms WHERE key = 'gratis'")).scalar()
        assert label == "Gratis"
        migrations.upgrade(url)
        assert {c["name"] for c in inspect(engine).get_columns("materials")} >= FACT_COLUMNS
    finally:
        engine.dispose()
