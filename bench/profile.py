"""``python -m bench.profile INSTANCE [--mode c] [--page]``: where a search's time goes, by cProfile.

INSTANCE is a folder kept by ``python -m bench --keep`` (``.../SIZE/instance``). Runs every search of
the mode under the profiler after warming up on other words (so, as the benchmark's *first* figures,
no query is in a cache yet; ``--again`` warms up on the same searches instead), and prints the
functions of Trefpunt, Whoosh, SQLAlchemy and Jinja that take the most time. ``--page`` profiles
``/zoeken`` through the app instead of the search service alone; ``--rebuild`` profiles a rebuild.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

from trefpunt import create_app
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import get_engine

from .instance import Instance
from .queries import cases, http_paths, warmup_cases
from .worker import TrefpuntSearch

INTERESTING = ("trefpunt", "whoosh", "sqlalchemy", "jinja2", "flask", "werkzeug")


def profile(run, repeat: int, warm_up=None) -> tuple[cProfile.Profile, float]:
    (warm_up or run)()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(repeat):
        run()
    profiler.disable()
    return profiler, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("instance", type=Path)
    parser.add_argument("--mode", default="c", choices=tuple("abcde"))
    parser.add_argument("--page", action="store_true", help="profile GET /zoeken instead")
    parser.add_argument("--rebuild", action="store_true", help="profile an index rebuild instead")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--again", action="store_true", help="profile repeated searches (warm caches)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    args = parser.parse_args(argv)
    os.environ.update(Instance(args.instance).environ())

    if args.rebuild:
        app = create_app()
        with session_factory(app)() as session:
            vocabulary = load_vocabulary(session)
        profiler, seconds = profile(lambda: get_engine(app).rebuild(vocabulary), 1)
        count = 1
    elif args.page:
        client = create_app().test_client()
        paths = ["/zoeken" + p for p in http_paths()]
        profiler, seconds = profile(lambda: [client.get(p) for p in paths], args.repeat)
        count = len(paths) * args.repeat
    else:
        engine = TrefpuntSearch()
        todo = cases(args.mode)
        warm_up = None if args.again else (lambda: [engine.search(c) for c in warmup_cases(args.mode)])
        profiler, seconds = profile(lambda: [engine.search(c) for c in todo], args.repeat, warm_up)
        count = len(todo) * args.repeat
    print(f"{count} runs in {seconds:.2f} s under the profiler: {seconds / count * 1000:.1f} ms each")
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats("|".join(INTERESTING), args.top)


if __name__ == "__main__":
    main()
