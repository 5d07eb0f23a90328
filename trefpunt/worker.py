"""The worker that `trefpunt serve` runs beside gunicorn: work that grows with the catalogue, off the request.

It keeps this server's search index up with the journal (a slice at a time, each slice committed, so a
killed worker resumes where it stopped), rebuilds the index when it is missing, damaged or far behind
(the old generation serves meanwhile), and runs queued imports. Searches never wait for it: they answer
from the generation they have and apply at most a few changes themselves.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from . import searchlog
from .catalog import import_jobs
from .catalog.vocabulary import load_vocabulary
from .db import session_factory
from .search import get_engine

log = logging.getLogger(__name__)

# Seconds between looks at the journal when there was nothing to do.
IDLE_SECONDS = 0.5


def work_once(app: Flask) -> bool:
    """One round: a slice of index work and one queued job; True when there was anything to do."""
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
    did = get_engine(app).maintain(vocabulary) is not None
    searchlog.purge_when_due(app)  # once an hour: searches older than SEARCH_LOG_DAYS
    return import_jobs.run_next(session_factory(app)) or did


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
