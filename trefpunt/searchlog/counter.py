"""Counting searches in memory and writing the counts in batches, so a search costs a dictionary update.

``/zoeken`` answers thousands of requests a second from its page cache; a database write per search would
cost more than the search. Each process counts the searches it answers (the raw query string and the
number found) and a background thread writes them every few seconds, sooner when many pile up, and once
more when the process exits. What a crash can lose is bounded: the searches of at most one flush
interval (SEARCH_LOG_FLUSH_SECONDS) of one process.

Raw query strings stay in this process's memory for those seconds only; what is written is parsed,
masked (privacy.mask_personal) and grouped first (``tallies``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from urllib.parse import parse_qs

from trefpunt.catalog.vocabulary import Vocabulary
from trefpunt.search.request import SearchRequest

from .models import FILTERS_LENGTH, QUERY_LENGTH
from .privacy import mask_personal
from .store import Tally

log = logging.getLogger(__name__)

# (raw query string, materials found) -> searches
Counts = dict[tuple[bytes, int], int]


class SearchCounter:
    """Searches counted per query string, thread-safe; at most ``max_keys`` distinct ones between flushes.

    A crawler that follows every facet link makes a new query string per request; past ``max_keys`` such
    new ones are dropped (and counted as dropped), while searches already counted keep counting.
    """

    def __init__(self, max_keys: int, flush_every: int, wake: Callable[[], None] = lambda: None):
        self.max_keys = max_keys
        self.flush_every = flush_every
        self._wake = wake
        self._counts: Counts = {}
        self._pending = 0
        self.dropped = 0
        self._lock = threading.Lock()

    def count(self, query_string: bytes, results: int) -> None:
        key = (query_string, results)
        with self._lock:
            counts = self._counts
            if key in counts:
                counts[key] += 1
            elif len(counts) < self.max_keys:
                counts[key] = 1
            else:
                self.dropped += 1
                return
            self._pending += 1
            full = self._pending == self.flush_every
        if full:
            self._wake()

    def take(self) -> Counts:
        """The counts so far, leaving the counter empty."""
        with self._lock:
            counts, self._counts, self._pending = self._counts, {}, 0
        return counts

    def give_back(self, counts: Counts) -> None:
        """Counts a flush could not write, added back (within ``max_keys``) for the next try."""
        for (query_string, results), searches in counts.items():
            with self._lock:
                key = (query_string, results)
                if key in self._counts or len(self._counts) < self.max_keys:
                    self._counts[key] = self._counts.get(key, 0) + searches
                    self._pending += searches
                else:
                    self.dropped += searches


def tallies(
    counts: Mapping[tuple[bytes, int], int], vocabulary: Vocabulary, max_query_length: int
) -> list[Tally]:
    """The counted query strings as the log stores them: parsed as the search parsed them, masked, grouped.

    Only first pages count (page 2 of a search is not another search), and a visit to the search page
    with neither words nor filters is not a search. Unknown filter values are dropped as the search drops
    them; sorting and "letterlijk" do not make another search.
    """
    grouped: dict[tuple[str, str], Tally] = {}
    for (query_string, results), searches in counts.items():
        args = parse_qs(query_string.decode("utf-8", "replace"))
        search = SearchRequest.from_args(args, vocabulary, max_query_length=max_query_length)
        if search.page != 1 or not (search.q or search.filters):
            continue
        query = mask_personal(search.q)[:QUERY_LENGTH]  # a placeholder can be longer than what it hides
        filters = replace(SearchRequest(), filters=search.filters).query_string(vocabulary)
        if len(filters) > FILTERS_LENGTH:
            continue
        key = (query.casefold(), filters)
        known = grouped.get(key)
        if known is None:
            grouped[key] = Tally(query, key[0], filters, searches, results)
        else:
            # Two spellings or two result counts of one search (the catalogue changed between them).
            grouped[key] = replace(
                known, searches=known.searches + searches, results=max(known.results, results)
            )
    return list(grouped.values())


class Flusher:
    """A daemon thread that calls ``flush`` every ``interval`` seconds, or sooner when woken."""

    def __init__(self, flush: Callable[[], object], interval: float):
        self._flush = flush
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-log-flusher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """Stop the thread after one last flush."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self._flush_safely()
        self._flush_safely()

    def _flush_safely(self) -> None:
        try:
            self._flush()
        except Exception:  # a database restart: the counts go back for the next round (see flush)
            log.exception("search log flush failed")
