"""What the link checks' history costs the pages that read it, after a long time of nightly runs.

    .venv/bin/python -m bench.link_checks_cost [--days 400] [--database postgresql+psycopg://...]

The seed catalogue in a temporary SQLite database (or an empty PostgreSQL database you name), then a
check per material with an address for each of ``--days`` nights (as `trefpunt links check` leaves
them; a tenth of the links broken, another tenth moved). Measured: a material page (GET through the
WSGI app, median of 200), the query it adds (``report.failing``), the editors' list
(``report.problems``), choosing what is due (``checker.due``) and the history's cleanup.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from trefpunt import create_app, migrations, resources
from trefpunt.catalog.models import Material, Status, utcnow
from trefpunt.catalog.seed import seed
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine, session_factory
from trefpunt.links import report
from trefpunt.links.checker import Selection, due, forget_before
from trefpunt.links.models import LinkCheck, Outcome
from trefpunt.search import get_engine


def median_ms(action, times: int) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent) * 1000


def history(session: Session, days: int) -> int:
    """``days`` nights of checks for every material with an address; the number of rows written."""
    materials = session.execute(select(Material.id, Material.url).where(Material.url != "")).all()
    now, rows = utcnow(), 0
    for night in range(days, 0, -1):
        checked_at = now - dt.timedelta(days=night)
        batch = []
        for number, (material_id, url) in enumerate(materials):
            outcome = (
                Outcome.BROKEN if number % 10 == 0 else Outcome.MOVED if number % 10 == 1 else Outcome.OK
            )
            batch.append(
                {
                    "material_id": material_id,
                    "url": url,
                    "checked_at": checked_at,
                    "outcome": outcome.value,
                    "status_code": 404 if outcome == Outcome.BROKEN else 200,
                    "final_url": url,
                    "moved_to": url + "/nieuw" if outcome == Outcome.MOVED else "",
                    "error_kind": "",
                    "error_detail": "",
                    "hops": [{"url": url, "status": 200, "method": "HEAD"}],
                    "elapsed_ms": 120,
                }
            )
        session.execute(insert(LinkCheck), batch)
        rows += len(batch)
    session.commit()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--database", default="", help="an empty database URL (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.sqlite3"
        migrations.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            seed(session, resources.path("catalog_data"))
            session.commit()
        engine.dispose()
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "INDEX_DIR": f"{folder}/index"})
        sessions = session_factory(app)
        with sessions() as session:
            get_engine(app).rebuild(load_vocabulary(session))
            slugs = session.scalars(
                select(Material.slug).where(Material.url != "", Material.status == Status.PUBLISHED)
            ).all()
        client = app.test_client()
        pages = [f"/leermiddel/{slug}" for slug in slugs]

        def visit_pages() -> None:
            for page in pages:
                assert client.get(page).status_code == 200

        visit_pages()  # warm: templates compiled, connections open
        before = median_ms(visit_pages, 5) / len(pages)
        with sessions() as session:
            rows = history(session, args.days)
        after = median_ms(visit_pages, 5) / len(pages)
        with sessions() as session:
            material = session.scalar(select(Material).where(Material.slug == slugs[0]))
            assert material is not None
            failing = median_ms(lambda: report.failing(session, material), 200)
            problems = median_ms(lambda: report.problems(session), 20)
            listed = len(report.problems(session))
            choosing = median_ms(lambda: due(session, Selection(older_than=dt.timedelta(hours=20))), 20)
            started = time.perf_counter()
            forgotten = forget_before(session, utcnow() - dt.timedelta(days=args.days // 2))
            session.commit()
            cleanup = (time.perf_counter() - started) * 1000
        backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        print(f"{backend}: {rows} checks ({args.days} nights of {rows // args.days} addresses)")
        print(f"material page, median per page: {before:.2f} ms without history, {after:.2f} ms with it")
        print(f"report.failing (the page's query): {failing:.3f} ms")
        print(f"report.problems (/beheer/links, {listed} links listed): {problems:.1f} ms")
        print(f"checker.due --only-due: {choosing:.1f} ms")
        print(f"forget_before (half the history, {forgotten} rows): {cleanup:.0f} ms")
        get_engine(app).close()
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
