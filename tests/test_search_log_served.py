"""The search log under the real server: `trefpunt serve` (gunicorn, two worker processes) counts every
search in each process and writes the counts when it is stopped, not only on its flush interval."""

from __future__ import annotations

import pytest
from conftest import new_database
from served import Server, get, trefpunt_env
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from trefpunt.searchlog.models import SearchLogEntry


@pytest.mark.slow
def test_stopping_the_server_writes_every_process_s_counts(templates, backend, tmp_path, request):
    database_url = new_database(templates[backend], tmp_path, seeded=True, request=request)
    # An hour between writes: only the write at exit can bring these searches into the log.
    env = {**trefpunt_env(database_url, tmp_path / "server"), "TREFPUNT_SEARCH_LOG_FLUSH_SECONDS": "3600"}
    server = Server(env, tmp_path / "server.log")
    try:
        for _ in range(15):
            assert get(server.port, "/zoeken?q=zeppelinvaart")[0] == 200
            assert get(server.port, "/zoeken?q=digid&doelgroep=ouderen")[0] == 200
    finally:
        server.stop()
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        stored = connection.execute(
            select(SearchLogEntry.query, SearchLogEntry.filters, SearchLogEntry.searches)
        )
        totals: dict[tuple[str, str], int] = {}
        for query, filters, searches in stored:
            totals[(query, filters)] = totals.get((query, filters), 0) + searches
    engine.dispose()
    assert totals == {("zeppelinvaart", ""): 15, ("digid", "doelgroep=ouderen"): 15}
