"""Edit-to-visible across processes: this one saves and commits, a poller process searches until it sees it.

Both read ``time.monotonic()``, which on Linux is one clock for every process, so the difference between
the commit's return here and the first finding search's return there is the delay a colleague at another
desk (another gunicorn worker) would see.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine

from .instance import Instance


def measure(instance: Instance, edits: int, cwd: Path, stop_at: float) -> dict:
    """Time ``edits`` edits, fewer when ``stop_at`` (a ``time.monotonic()``) comes first."""
    poller = subprocess.Popen(
        [sys.executable, "-m", "bench.worker", "poll"],
        env=instance.environ(),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    engine = make_engine(instance.database_url)
    delays, finding_search, timeouts = [], [], 0
    try:
        with Session(engine) as session:
            slugs = list(
                session.scalars(
                    select(Material.slug)
                    .where(Material.status == Status.PUBLISHED)
                    .order_by(Material.id)
                    .limit(edits)
                )
            )
        for number, slug in enumerate(slugs):
            if time.monotonic() > stop_at:
                break
            token = f"bnchzicht{number:03d}x"
            poller.stdin.write(f"wait {token}\n")
            poller.stdin.flush()
            if poller.stdout.readline().strip() != "ready":
                raise RuntimeError("the poller process did not start searching")
            with Session(engine) as session:
                vocabulary = load_vocabulary(session)
                material = session.scalar(select(Material).where(Material.slug == slug))
                record = record_of(material, vocabulary)
                record.title = f"{record.title} {token}"
                save_material(session, record, author="bench", vocabulary=vocabulary, original_slug=slug)
                session.commit()
                committed = time.monotonic()
            answer = poller.stdout.readline().split()
            if not answer and poller.poll() is not None:
                raise RuntimeError(f"the poller process stopped with exit code {poller.returncode}")
            if answer and answer[0] == "found":
                delays.append((float(answer[1]) - committed) * 1000)
                finding_search.append(float(answer[2]))
            else:
                timeouts += 1
    finally:
        with contextlib.suppress(OSError):
            poller.stdin.write("quit\n")
            poller.stdin.close()
        try:
            poller.wait(timeout=30)
        except subprocess.TimeoutExpired:
            poller.kill()
        engine.dispose()
    return {"samples": delays, "finding_search": finding_search, "timeouts": timeouts}
