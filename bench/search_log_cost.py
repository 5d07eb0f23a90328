"""What the search log costs /zoeken: answers per second from the page cache with the log on and off.

    .venv/bin/python -m bench.search_log_cost [--seconds 3] [--rounds 4]

One process, the seed catalogue in a temporary SQLite instance, the page cache warm: every request is
a cached answer, the case where the log's share is largest (a fresh search costs milliseconds, the log
the same microseconds). Requests go straight to the WSGI app (no HTTP, no test client), so the figure is
the app's own; rounds alternate on and off so a busy machine affects both alike. The flusher thread runs
as in production (every SEARCH_LOG_FLUSH_SECONDS), so its writes are in the figure too.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder

from trefpunt import create_app, migrations, resources
from trefpunt.catalog.seed import seed
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine, session_factory
from trefpunt.search import get_engine
from trefpunt.searchlog.counter import SearchCounter
from trefpunt.searchlog.models import SearchLogEntry
from trefpunt.searchlog.web import EXTENSION_KEY

URLS = [
    "/zoeken?q=digid",
    "/zoeken?q=rekenen",
    "/zoeken?q=zeppelin",
    "/zoeken?q=lezen&niveau=a1",
    "/zoeken?niveau=c1&doelgroep=ouders",
    "/zoeken?q=taal&doelgroep=ouderen",
    "/zoeken?q=geld",
    "/zoeken?q=belastingaangifte",
]


def instance(folder: Path):
    url = f"sqlite:///{folder}/bench.sqlite3"
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed(session, resources.path("catalog_data"))
        session.commit()
    engine.dispose()
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "INDEX_DIR": str(folder / "index")})
    with session_factory(app)() as session:
        get_engine(app).rebuild(load_vocabulary(session))
    return app


def requests_per_second(app, environs: list[dict], seconds: float) -> float:
    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status

    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for environ in environs:
            for _chunk in app(dict(environ), start_response):
                pass  # the body is made as the server would send it
        done += len(environs)
    return done / seconds


def count_cost(calls: int = 200_000) -> float:
    """Microseconds one ``SearchCounter.count`` takes (what a search adds, besides reading a header)."""
    counter = SearchCounter(max_keys=500, flush_every=10**9)
    keys = [u.split("?")[1].encode() for u in URLS]
    started = time.perf_counter()
    for i in range(calls):
        counter.count(keys[i % len(keys)], 3)
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds with the log on (and as many off)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trefpunt-searchlog-") as folder:
        app = instance(Path(folder))
        environs = [
            EnvironBuilder(path=u.split("?")[0], query_string=u.split("?")[1]).get_environ() for u in URLS
        ]
        requests_per_second(app, environs, 1.0)  # warm: pages cached, index and vocabulary open
        on, off = [], []
        for _ in range(args.rounds):
            app.config["SEARCH_LOG_DAYS"] = 0
            off.append(requests_per_second(app, environs, args.seconds))
            app.config["SEARCH_LOG_DAYS"] = 90
            on.append(requests_per_second(app, environs, args.seconds))
        app.extensions[EXTENSION_KEY].stop()
        with session_factory(app)() as session:
            logged = session.scalar(select(func.sum(SearchLogEntry.searches)))
        median_on, median_off = statistics.median(on), statistics.median(off)
        print(f"/zoeken from the page cache, {len(URLS)} URLs, {args.rounds} x {args.seconds:g} s each way")
        print(f"  log off: {median_off:8.0f} requests/s  (rounds: {', '.join(f'{r:.0f}' for r in off)})")
        print(f"  log on:  {median_on:8.0f} requests/s  (rounds: {', '.join(f'{r:.0f}' for r in on)})")
        print(f"  ratio on/off: {median_on / median_off:.3f}; searches written to the log: {logged}")
        print(f"  one count in memory: {count_cost():.2f} µs; one cached request: {1e6 / median_off:.0f} µs")
        get_engine(app).close()
        session_factory(app).kw["bind"].dispose()


if __name__ == "__main__":
    main()
