"""What the open standards cost: milliseconds per answer of /oai, /feed, /sitemap.xml and /opensearch.xml,
made fresh and from the page cache, a whole OAI harvest, and what naming the feed adds to a /zoeken page.

    .venv/bin/python -m bench.open_standards_cost [--rounds 20]

One process, the seed catalogue in a temporary SQLite instance, requests through Flask's test client (no
HTTP). "fresh" is an app with PAGE_CACHE_SIZE 0; "kept" the default app after one warming request.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from trefpunt import create_app, migrations, resources
from trefpunt.catalog.seed import seed
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine, session_factory
from trefpunt.search import SearchRequest, get_engine

URLS = [
    "/oai?verb=Identify",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/oai?verb=ListRecords&metadataPrefix=schema_org_jsonld&set=vaardigheid:rekenen",
    "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:trefpunt/7",
    "/feed?q=rekenen&doelgroep=ouders",
    "/feed",
    "/sitemap.xml",
    "/opensearch.xml",
]


def _app(folder: Path, url: str, **config):
    app = create_app(
        {"SECRET_KEY": "bench", "DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), **config}
    )
    with session_factory(app)() as session:
        get_engine(app).ensure(load_vocabulary(session))
    return app


def _ms(client, url: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert client.get(url).status_code == 200, url
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'db.sqlite3'}"
        migrations.upgrade(url)
        with Session(make_engine(url)) as session:
            seed(session, resources.path("catalog_data"))
            session.commit()
        fresh, kept = _app(folder, url, PAGE_CACHE_SIZE=0), _app(folder, url)
        fresh_client, kept_client = fresh.test_client(), kept.test_client()
        print(f"{'request':<82} {'fresh ms':>9} {'kept ms':>8}")
        for path in URLS:
            kept_client.get(path)
            print(f"{path:<82} {_ms(fresh_client, path, rounds):9.2f} {_ms(kept_client, path, rounds):8.2f}")

        start, pages, records = time.perf_counter(), 0, 0
        query = "verb=ListRecords&metadataPrefix=oai_dc"
        while query:
            body = fresh_client.get(f"/oai?{query}").get_data(as_text=True)
            pages, records = pages + 1, records + body.count("<record>")
            token = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
            query = f"verb=ListRecords&resumptionToken={token.group(1)}" if token else ""
        took = (time.perf_counter() - start) * 1000
        print(f"whole ListRecords harvest: {records} records in {pages} pages, {took:.0f} ms")

        from trefpunt.harvest.views import search_feed_url

        with fresh.test_request_context("/zoeken?q=digid&doelgroep=ouderen"):
            search = SearchRequest(q="digid", filters={"audience": ("ouderen",)})
            search_feed_url(search)
            start = time.perf_counter()
            for _ in range(1000):
                search_feed_url(search)
            each = (time.perf_counter() - start) * 1000
        print(f"naming the feed on a fresh /zoeken page (search_feed_url): {each:.1f} µs")


if __name__ == "__main__":
    main()
