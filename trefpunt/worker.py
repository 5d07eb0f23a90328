"""The worker that `trefpunt serve` runs beside gunicorn: work that grows with the catalogue, off the request.

It keeps this server's search index up with the journal (a slice at a time, each slice committed, so a
killed worker resumes where it stopped), rebuilds the index when it is missing, damaged or far behind
(the old generation serves meanwhile), and runs queued imports. Searches never wait for it: they answer
from the generation they have and apply at most a few changes themselves.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from flask import Flask

from .catalog.vocabulary import load_vocabulary
from .db import session_factory
from .search import get_engine

log = logging.getLogger(__name__)

# Seconds between looks at the journal when there was nothing to do.
IDLE_SECONDS = 0.5
PROGRESS_FILE = "rebuild-progress.json"


def work_once(app: Flask) -> bool:
    """One round: a slice of index work and one queued job; True when there was anything to do."""
    did = False
    engine = get_engine(app)
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
    progress_file = Path(app.config["INDEX_DIR"]) / PROGRESS_FILE

    def progress(done: int, total: int) -> None:
        _write_progress(progress_file, done, total)

    try:
        did = engine.maintain(vocabulary, progress) is not None
    finally:
        progress_file.unlink(missing_ok=True)
    return _run_next_job(app) or did


def _run_next_job(app: Flask) -> bool:
    try:
        from .catalog import import_jobs
    except ImportError:  # no queued imports in this version
        return False
    return bool(import_jobs.run_next(session_factory(app)))


def run(app: Flask, stop: threading.Event | None = None) -> None:
    """Work until ``stop`` is set (or the process is stopped), never giving up on an error."""
    stop = stop or threading.Event()
    log.info("worker started for %s", app.config["INDEX_DIR"])
    while not stop.is_set():
        try:
            busy = work_once(app)
        except Exception:  # a full disk, a database restart: log it and try again shortly
            log.exception("worker round failed; retrying")
            busy = False
        if not busy:
            stop.wait(IDLE_SECONDS)


def rebuild_progress(index_dir: str | Path) -> tuple[int, int] | None:
    """(done, total) of a rebuild the worker is running now, for the editors' status line."""
    try:
        state = json.loads((Path(index_dir) / PROGRESS_FILE).read_text())
        return int(state["done"]), int(state["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_progress(path: Path, done: int, total: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"done": done, "total": total, "at": time.time()}))
    os.replace(tmp, path)
