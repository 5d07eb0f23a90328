"""What the benchmark runs in child processes, so each gets its own memory figure and its own engine.

``python -m bench.worker rebuild``                   rebuild the instance's index (SearchEngine.rebuild)
``python -m bench.worker search ENGINE MODES...``    time the modes' searches (trefpunt, naive or fts5)
``python -m bench.worker poll``                      answer ``wait TOKEN`` by searching until TOKEN is found
``python -m bench.worker build-naive --path DIR``    build the naive reference's index

The instance comes from the TREFPUNT_* environment, as for gunicorn. Results are one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from trefpunt import create_app
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import SearchRequest, get_engine

from .progress import Bar
from .queries import Case, cases, warmup_cases
from .runner import peak_rss_mb

POLL_DEADLINE = 20.0
POLL_INTERVAL = 0.002


def rebuild(progress_file: str | None) -> dict:
    """Rebuild through the engine; progress goes to stderr and, for a run that is stopped, to a file."""
    app = create_app()
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
    bar: Bar | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or Bar(total, "index bouwen")
        bar.update(done)
        if progress_file and (done % 500 == 0 or done == total):
            elapsed = time.perf_counter() - started
            Path(progress_file).write_text(json.dumps({"done": done, "total": total, "seconds": elapsed}))

    started = time.perf_counter()
    count = get_engine(app).rebuild(vocabulary, progress)
    seconds = time.perf_counter() - started
    if bar:
        bar.close()
    path = get_engine(app).store.current_path()
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return {"seconds": seconds, "count": count, "index_bytes": size}


class TrefpuntSearch:
    """The real service as a request uses it: a session, the vocabulary, the parsed URL, the engine."""

    def __init__(self):
        self.app = create_app()
        self.factory = session_factory(self.app)
        self.engine = get_engine(self.app)
        self.engine_ms = 0.0

    def search(self, case: Case):
        with self.factory() as session:
            vocabulary = load_vocabulary(session)
            request = SearchRequest.from_args(case.args, vocabulary, per_page=20)
            started = time.perf_counter()
            result = self.engine.search(session, request, vocabulary)
            self.engine_ms = (time.perf_counter() - started) * 1000
        return result.total, result.hits, result.facets


def make_engine(name: str, path: str | None):
    if name == "trefpunt":
        return TrefpuntSearch()
    if name == "naive":
        from .reference_naive import NaiveSearch

        app = create_app()
        with session_factory(app)() as session:
            vocabulary = load_vocabulary(session)
        return NaiveSearch(Path(path), vocabulary)
    from .reference_fts5 import Fts5Search

    return Fts5Search(Path(path))


def time_mode(engine, mode: str, budget: float, max_rounds: int) -> dict:
    """Samples in ms of the mode's searches: one whole first round, then repeats while the budget lasts.

    The first round meets each query for the first time in this process and always runs to the end, so
    the percentiles the targets are held to come from all 50 queries even where a search takes half a
    second; later rounds repeat them (an engine that caches per index generation answers those from its
    cache) and stop when ``budget`` seconds have passed. The warm-up uses other queries, so it fills no
    cache for them.
    """
    warmup = warmup_cases(mode)
    started = time.perf_counter()
    engine.search(warmup[0])
    cold = (time.perf_counter() - started) * 1000
    for case in warmup[1:]:
        engine.search(case)
    todo = cases(mode)
    samples, engine_only, totals = [], [], []
    began = time.perf_counter()
    for round_number in range(max_rounds):
        for case in todo:
            if round_number and time.perf_counter() - began > budget:
                break
            t0 = time.perf_counter()
            total, _hits, _facets = engine.search(case)
            samples.append((time.perf_counter() - t0) * 1000)
            engine_only.append(getattr(engine, "engine_ms", samples[-1]))
            totals.append(total)
    first = len(todo)
    return {
        "samples": samples,
        "engine_only": engine_only,
        "first": first,
        "cold_ms": cold,
        "mean_total": sum(totals[:first]) / first,
    }


def search(engine_name: str, modes: list[str], path: str | None, budget: float, max_rounds: int) -> dict:
    engine = make_engine(engine_name, path)
    return {mode: time_mode(engine, mode, budget, max_rounds) for mode in modes}


def poll() -> None:
    """Line protocol with the editor: ``wait TOKEN`` -> ``ready``, then ``found T MS`` or ``timeout``."""
    engine = TrefpuntSearch()
    for line in sys.stdin:
        command, _, token = line.strip().partition(" ")
        if command != "wait":
            break
        case = Case("edit", {"q": [token]}, counts=True)
        engine.search(case)
        print("ready", flush=True)
        deadline = time.monotonic() + POLL_DEADLINE
        answer = "timeout"
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            total, _hits, _facets = engine.search(case)
            if total:
                answer = f"found {time.monotonic()} {(time.perf_counter() - t0) * 1000:.3f}"
                break
            time.sleep(POLL_INTERVAL)
        print(answer, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("task", choices=("rebuild", "search", "poll", "build-naive"))
    parser.add_argument("engine", nargs="?", default="trefpunt")
    parser.add_argument("modes", nargs="*", default=["a", "b", "c", "d"])
    parser.add_argument("--path", help="index of a reference engine")
    parser.add_argument("--progress-file", help="where a rebuild notes how far it got")
    parser.add_argument("--budget", type=float, default=8.0, help="seconds of timing per mode")
    parser.add_argument("--max-rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.task == "rebuild":
        answer = rebuild(args.progress_file)
    elif args.task == "build-naive":
        from .reference_naive import build

        answer = {"seconds": build(os.environ["TREFPUNT_DATABASE_URL"], Path(args.path))}
    elif args.task == "search":
        answer = search(args.engine, args.modes, args.path, args.budget, args.max_rounds)
    else:
        poll()
        return
    print(json.dumps({**answer, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
