"""The search log's side of the web: the decorator that counts a public search, and its flushing.

``counted`` wraps the search view outside the page cache, so cached and fresh answers are counted alike.
The view tells the number it found in a response header (``RESULTS_HEADER``), which the page cache keeps
with the page; ``counted`` takes it off before the answer leaves, so visitors never see it.

Each process gets its own counter and flusher on its first search (after gunicorn forked it), and flushes
once more at exit.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, current_app, make_response, request
from flask_login import current_user
from sqlalchemy.orm import sessionmaker

from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine

from . import store
from .counter import Flusher, SearchCounter, tallies

log = logging.getLogger(__name__)

EXTENSION_KEY = "trefpunt.search_log"
RESULTS_HEADER = "X-Trefpunt-Results"
# A flusher purges the days past SEARCH_LOG_DAYS at most this often (the worker does too).
PURGE_EVERY_SECONDS = 3600.0

_start_lock = threading.Lock()
_recorders: list[SearchLogRecorder] = []


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class SearchLogRecorder:
    """One process's counter, its flusher thread, and the flush that writes the counts."""

    def __init__(self, app: Flask):
        config = app.config
        self.app = app
        self.pid = os.getpid()
        self.flusher = Flusher(self.flush, float(config["SEARCH_LOG_FLUSH_SECONDS"]))
        self.counter = SearchCounter(
            int(config["SEARCH_LOG_MAX_NEW_PER_FLUSH"]),
            int(config["SEARCH_LOG_FLUSH_SEARCHES"]),
            wake=self.flusher.wake,
        )
        self._flush_lock = threading.Lock()
        self._purged_at = 0.0
        # An engine of its own (one connection at a time): a write never waits for, nor takes, a connection
        # of the requests' pool, and statements counted on the app's engine are the requests' alone.
        self._engine = make_engine(config["DATABASE_URL"])
        self._sessions = sessionmaker(self._engine)

    def flush(self, today: dt.date | None = None) -> store.Recorded:
        """Write the counts so far to ``today``'s rows (and purge old days once an hour)."""
        with self._flush_lock:
            counts = self.counter.take()
            if not counts:
                return store.Recorded(0, 0)
            config = self.app.config
            today = today or utc_today()
            try:
                with self._sessions() as session:
                    found = tallies(counts, load_vocabulary(session), int(config["SEARCH_MAX_QUERY_LENGTH"]))
                    recorded = store.record(
                        session, today, found, max_rows_per_day=int(config["SEARCH_LOG_MAX_ROWS_PER_DAY"])
                    )
                    if time.monotonic() - self._purged_at > PURGE_EVERY_SECONDS:
                        store.purge(session, today=today, keep_days=int(config["SEARCH_LOG_DAYS"]))
                        self._purged_at = time.monotonic()
                    session.commit()
            except Exception:
                self.counter.give_back(counts)
                raise
            if recorded.refused or self.counter.dropped:
                log.info(
                    "search log: %d new searches not stored (day full), %d not counted (too many at once)",
                    recorded.refused,
                    self.counter.dropped,
                )
                self.counter.dropped = 0
            return recorded

    def stop(self) -> None:
        """Stop the thread and write what is left (also what came in after the thread's last round)."""
        self.flusher.stop()
        try:
            self.flush()
        finally:
            self._engine.dispose()


def recorder(app: Flask | None = None) -> SearchLogRecorder:
    """This process's recorder for ``app``, started on first use (and again in a forked child)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found: SearchLogRecorder | None = app.extensions.get(EXTENSION_KEY)
    if found is not None and found.pid == os.getpid():
        return found
    with _start_lock:
        found = app.extensions.get(EXTENSION_KEY)
        if found is None or found.pid != os.getpid():
            found = SearchLogRecorder(app)
            found.flusher.start()
            app.extensions[EXTENSION_KEY] = found
            _recorders.append(found)
    return found


def close(app: Flask) -> None:
    """Stop ``app``'s recorder in this process, writing what it holds: for an app that goes away before
    the process does (a test's app, whose database is dropped after it)."""
    found: SearchLogRecorder | None = app.extensions.pop(EXTENSION_KEY, None)
    if found is None or found.pid != os.getpid():
        return
    with _start_lock:
        _recorders.remove(found)
    found.stop()


@atexit.register
def close_all() -> None:
    """Stop every recorder of this process, writing what each holds: at exit, and before a database that
    apps of this process still name goes away (a test's)."""
    with _start_lock:
        mine = [each for each in _recorders if each.pid == os.getpid()]
        _recorders[:] = [each for each in _recorders if each not in mine]
    for each in mine:
        each.app.extensions.pop(EXTENSION_KEY, None)
        try:
            each.stop()
        except Exception:  # at exit there is nobody left to tell but the log
            log.exception("search log: last flush failed")


def counted(view: Callable) -> Callable:
    """Count the decorated search view's answers for the search log (anonymous visitors, 200 answers)."""

    @wraps(view)
    def wrapper(*args: object, **kwargs: object) -> Response:
        response = make_response(view(*args, **kwargs))
        results = response.headers.get(RESULTS_HEADER)
        if results is None:
            return response
        del response.headers[RESULTS_HEADER]
        # Editors try searches out while they work; only what the public searches is counted.
        if (
            response.status_code == 200
            and current_app.config["SEARCH_LOG_DAYS"]
            and not current_user.is_authenticated
        ):
            recorder().counter.count(request.query_string, int(results))
        return response

    return wrapper
