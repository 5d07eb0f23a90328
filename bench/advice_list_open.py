"""How long opening an advice list of 20 materials takes under gunicorn: p50 and p95.

    .venv/bin/python -m bench.advice_list_open [--requests 400] [--clients 1,4]

A fresh SQLite instance with the seed catalogue, served by `trefpunt serve` (gunicorn, two workers,
and the index worker) on 127.0.0.1, as tests/served.py starts it. One list of 20 published materials
with a note each is made through the service; then clients open its read page, its handout (20 QR
codes) and its JSON over HTTP, one request after another per client. For comparison the same clients
ask a cached search page without a list cookie (what everybody gets) and with one (the header filled
in after the page cache: one indexed query). The server is stopped by its pid at the end.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trefpunt.catalog.models import Material, Status
from trefpunt.db import make_engine
from trefpunt.lists import service

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.served import HOST, Server, trefpunt, trefpunt_env  # noqa: E402

ITEMS = 20


def make_list(database_url: str) -> tuple[str, str]:
    """A list of ``ITEMS`` published materials with a note each: (read token, edit token)."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        materials = session.scalars(
            select(Material).where(Material.status == Status.PUBLISHED).order_by(Material.slug).limit(ITEMS)
        ).all()
        advice_list, edit = service.create_list(session, address_key="bench", limits=service.Limits())
        for material in materials:
            service.add_material(session, advice_list, material, service.Limits())
        notes = {item.id: f"Notitie bij {item.title}: begin hiermee." for item in advice_list.items}
        service.save_texts(advice_list, service.Limits(), title="Twintig leermiddelen", notes=notes)
        session.commit()
        read = advice_list.read_token
    engine.dispose()
    return read, edit


def timings(port: int, path: str, requests: int, clients: int, cookie: str = "") -> list[float]:
    """Seconds per answer, ``clients`` threads each asking ``path`` in turn over a kept-alive connection."""
    found: list[float] = []
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}

    def client(count: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            assert response.status == 200, (path, response.status)
        connection.close()
        with lock:
            found.extend(mine)

    threads = [threading.Thread(target=client, args=(requests // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page and client count")
    parser.add_argument("--clients", default="1,4", help="concurrent clients, comma-separated")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trefpunt-lists-bench-") as folder:
        instance = Path(folder) / "instance"
        url = f"sqlite:///{folder}/bench.sqlite3"
        env = trefpunt_env(url, instance)
        trefpunt(env, "init")
        trefpunt(env, "seed")
        read, edit = make_list(url)
        server = Server(env, Path(folder) / "server.log")
        try:
            pages = {
                "read page /lijst/<token>": f"/lijst/{read}",
                "handout /lijst/<token>/afdrukken": f"/lijst/{read}/afdrukken",
                "API /api/v1/lists/<token>": f"/api/v1/lists/{read}",
                "search /zoeken?q=digid, no list": ("/zoeken?q=digid", ""),
                "search /zoeken?q=digid, with a list": ("/zoeken?q=digid", f"trefpunt_advieslijst={edit}"),
            }
            print(
                f"A list of {ITEMS} materials, gunicorn with 2 workers, SQLite; {args.requests} requests each"
            )
            print(f"{'page':40} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
            for clients in (int(c) for c in args.clients.split(",")):
                for name, target in pages.items():
                    path, cookie = target if isinstance(target, tuple) else (target, "")
                    timings(server.port, path, 20, 1, cookie)  # warm: templates, index, page cache
                    seconds = timings(server.port, path, args.requests, clients, cookie)
                    print(
                        f"{name:40} {clients:>7} {percentile(seconds, 0.50) * 1000:8.1f} "
                        f"{percentile(seconds, 0.95) * 1000:8.1f} {statistics.mean(seconds) * 1000:8.1f}"
                    )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
