"""A large import on a serving instance: visitors keep getting answers, and the index ends equal to the
database (issue 12). The real thing: `trefpunt serve` (gunicorn with two workers, and the worker beside
it), the operator's `trefpunt import`, and visitors searching over HTTP all the while.

`make test` imports 2,000 materials on one server (the worker catches up in slices); `make soak` (run by
`.ci/run`) does so with two servers sharing one PostgreSQL database, and imports 100,000 (the worker
rebuilds while the old index serves) on one server and on two.
"""

from __future__ import annotations

import time

import pytest
from conftest import PG_ADMIN_URL, new_database
from served import Server, Visitors, trefpunt, trefpunt_env

from bench.generate import catalogue, write_jsonl

WORD = "bulkproef"
SEARCHES = [
    f"/api/v1/materials?q={WORD}",
    "/zoeken?q=digitale+vaardigheden",
    "/zoeken?q=taal&doelgroep=anderstaligen",
    "/api/v1/materials?q=rekenen&pagina=2",
    "/",
]


def import_file(folder, size: int):
    records = catalogue(size)
    for record in records:
        record["status"] = "published"
        record["keywords"] = [*record["keywords"], WORD]
        # Short texts, as in a list exported from another system: 100,000 rows stay within the upload limit.
        record["summary"] = " ".join(record["summary"].split()[:12])
        record["description"] = ""
    return write_jsonl(records, folder / f"import-{size}.jsonl")


def served_import(templates, backend, tmp_path, request, *, size: int, servers: int, deadline: float):
    database_url = new_database(templates[backend], tmp_path, seeded=True, request=request)
    envs = [trefpunt_env(database_url, tmp_path / f"server-{n}") for n in range(servers)]
    data = import_file(tmp_path, size)
    running = []
    try:
        for n, env in enumerate(envs):
            running.append(Server(env, tmp_path / f"server-{n}.log"))
        with Visitors([s.port for s in running], SEARCHES) as visitors:
            trefpunt(envs[0], "import", str(data))
            waited = time.monotonic()
            while any(server.total(WORD) != size for server in running):
                assert time.monotonic() - waited < deadline, "the index did not catch up in time"
                time.sleep(1)
        for env in envs:
            assert "Index in orde" in trefpunt(env, "index", "check").stdout
    finally:
        for server in running:
            server.stop()
    print(
        f"{size:,} imported on {servers} server(s), {backend}: {len(visitors.answers)} searches, "
        f"{len(visitors.failures())} failed, p99 {visitors.p99() * 1000:.0f} ms, "
        f"index caught up {time.monotonic() - waited:.0f} s after the import"
    )
    assert visitors.failures() == []
    assert len(visitors.answers) > 50
    assert visitors.p99() < 2.0
    return visitors


@pytest.mark.slow
def test_an_import_of_thousands_on_a_serving_instance_keeps_every_search_answering(
    templates, backend, tmp_path, request
):
    served_import(templates, backend, tmp_path, request, size=2000, servers=1, deadline=120)


@pytest.mark.soak
@pytest.mark.parametrize("backend", ["postgresql"] if PG_ADMIN_URL else [])
def test_two_servers_on_one_postgresql_both_keep_answering_through_an_import(
    templates, backend, tmp_path, request
):
    served_import(templates, backend, tmp_path, request, size=2000, servers=2, deadline=120)


@pytest.mark.soak
def test_an_import_of_100000_on_a_serving_instance_keeps_every_search_answering(
    templates, backend, tmp_path, request
):
    served_import(templates, backend, tmp_path, request, size=100_000, servers=1, deadline=900)


@pytest.mark.soak
@pytest.mark.parametrize("backend", ["postgresql"] if PG_ADMIN_URL else [])
def test_an_import_of_100000_with_two_servers_on_one_postgresql(templates, backend, tmp_path, request):
    served_import(templates, backend, tmp_path, request, size=100_000, servers=2, deadline=900)
