"""``python -m bench``: generate catalogues, load them through the real import, measure, write bench/results/.

Each catalogue size gets a fresh temporary instance (SQLite database and index folder). Rebuilds and
searches run in child processes so their peak memory is their own; the load tests run gunicorn and a load
generator as separate processes on 127.0.0.1. The whole run keeps to one time budget: a stage that would
overrun it is stopped or left out, and the report says which and how far it got.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from . import generate, http, instance, reference_fts5, report, visibility
from .queries import http_paths
from .runner import ROOT, Clock, TimeLimit, child

DEFAULT_SIZES = "110,1000,10000,100000"
DEFAULT_TIME_BUDGET = 780.0
# Seconds kept back at each stage for what must follow: the report, and the last size's searches.
RESERVE = 20.0
SEARCH_RESERVE = 90.0
# The targets that concern catalogue searches start at 1,000 materials; below that fewer seconds of
# repeated searches are enough (the first round of every query still runs in full).
SMALLEST_TARGET_SIZE = 1_000
# The HTTP targets are held at 1,000 materials: there the load test runs in full; at the other sizes
# one short run per page shows that the pages answer under load.
HTTP_TARGET_SIZE = 1_000
# The target modes first, so a run short of time still has them.
MODE_ORDER = "cdab"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def labels() -> dict[str, str]:
    with open(generate.DATA / "vocabularies.csv", encoding="utf-8") as f:
        return {row["key"]: f"{row['label_nl']} ; {row['label_en']}" for row in csv.DictReader(f)}


@contextmanager
def stage(data: dict, name: str):
    """Note how long a stage took (in ``data["stages"]``), whether it finished or not."""
    started = time.monotonic()
    try:
        yield
    finally:
        data["stages"][name] = data["stages"].get(name, 0.0) + time.monotonic() - started


def measure_size(size: int, work: Path, options: argparse.Namespace, clock: Clock) -> dict:
    """Trefpunt's own figures first (the targets), the reference engines last: those go when time runs out."""
    data: dict = {"failures": [], "skipped": [], "stages": {}}
    say(f"\n== {size:,} materials ({clock.elapsed:.0f} s into the run) ==")
    with stage(data, "generate"):
        records = generate.catalogue(size)
        jsonl = generate.write_jsonl(records, work / "catalogue.jsonl")
    data["generate_s"] = data["stages"]["generate"]
    data["published"] = sum(r["status"] == "published" for r in records)
    say(f"  generated in {data['generate_s']:.1f} s")

    with stage(data, "import"):
        inst, data["import_s"] = instance.create(work / "instance", jsonl, label="importeren")
    env = inst.environ()
    with stage(data, "rebuild"):
        rebuilt = rebuild(data, env, work, clock)
    if not rebuilt:
        data["skipped"].append(
            "searches, edit to visible, HTTP and the reference engines: not run without a complete index"
        )
        return data

    # Seconds of repeated searches: the report shows Trefpunt's repeats (a cache per index generation
    # answers them); the references are compared on first searches only, so they get no repeats.
    budget = options.budget if size >= SMALLEST_TARGET_SIZE else options.budget / 4
    if size >= 100_000:
        budget /= 2
    data["search"] = {}
    with stage(data, "search: Trefpunt"):
        search_engine(data, "trefpunt", None, env, budget, clock)
    with stage(data, "edit to visible"):
        measure_visibility(data, size, inst, options, clock)
    if options.http_seconds > 0 and size in options.http_sizes:
        with stage(data, "HTTP"):
            http_stage(data, env, size, options, clock)
    references(data, size, records, work, env, options, clock)
    return data


def references(data: dict, size: int, records: list[dict], work: Path, env, options, clock: Clock):
    """The naive Whoosh way (up to ``--naive-max``) and SQLite FTS5, each built and then searched."""
    if size > options.naive_max:
        data["skipped"].append(f"naive Whoosh reference: not built above {options.naive_max:,} materials")
    else:
        with stage(data, "naive Whoosh: build and search"):
            try:
                built = child(
                    ["build-naive", "--path", str(work / "naive")], env, clock.remaining(SEARCH_RESERVE)
                )
            except TimeLimit as stop:
                data["skipped"].append(f"naive Whoosh reference: build {stop} by the run's time budget")
            else:
                data["naive_build_s"] = built.answer["seconds"]
                search_engine(data, "naive", work / "naive", env, 0.0, clock)
    # The FTS5 build runs in this process and cannot be stopped: start it only when it and its searches
    # fit (about 15 s per 100,000 materials to build, a few seconds per mode to search).
    needed = size / 5_000 + 4 * 8
    if clock.remaining(RESERVE) < needed:
        data["skipped"].append(
            f"SQLite FTS5 reference: not run, it needs about {needed:.0f} s and the budget is spent"
        )
        return
    with stage(data, "FTS5: build and search"):
        data["fts5_build_s"] = reference_fts5.build(records, work / "fts5.sqlite3", labels())
        search_engine(data, "fts5", work / "fts5.sqlite3", env, 0.0, clock)


def search_engine(data: dict, engine: str, path: Path | None, env, budget: float, clock: Clock) -> None:
    """One fresh process per mode: no mode finds its queries already cached by another."""
    say(f"  searching: {engine}")
    found: dict = {}
    for mode in MODE_ORDER + ("e" if engine == "trefpunt" else ""):
        args = ["search", engine, mode, "--budget", str(budget)]
        if path:
            args += ["--path", str(path)]
        try:
            done = child(args, env, clock.remaining(RESERVE))
        except TimeLimit as stop:
            data["skipped"].append(f"{engine} search ({mode}) {stop} by the run's time budget")
            continue
        except RuntimeError as error:
            data["failures"].append(f"{engine} search ({mode}): {error}")
            continue
        found.update(report.summarise_search(done.answer))
        found["peak_rss_mb"] = max(found.get("peak_rss_mb", 0), done.peak_rss_mb)
    if found:
        data["search"][engine] = found


def measure_visibility(data: dict, size: int, inst, options, clock: Clock) -> None:
    say("  edit to visible")
    edits = options.edits if size < 100_000 else max(5, options.edits // 2)
    try:
        seen = visibility.measure(inst, edits, ROOT, stop_at=time.monotonic() + clock.remaining(RESERVE))
    except Exception as error:  # a broken search must not lose the rest of the run
        data["failures"].append(f"edit to visible: {error!r}")
        return
    data["visible"] = {
        **report.percentiles(seen["samples"]),
        "finding_search": report.percentiles(seen["finding_search"]),
        "timeouts": seen["timeouts"],
    }
    if seen["timeouts"]:
        data["failures"].append(f"{seen['timeouts']} edits not visible within 20 s")
    if len(seen["samples"]) + seen["timeouts"] < edits:
        data["skipped"].append(
            f"edit to visible: {len(seen['samples'])} of {edits} edits timed before the budget ran out"
        )


def http_stage(data: dict, env: dict[str, str], size: int, options, clock: Clock) -> None:
    full = size == HTTP_TARGET_SIZE
    seconds = options.http_seconds if full else min(options.http_seconds, options.http_short_seconds)
    warmup = 2.0 if full else 1.0
    if clock.remaining(RESERVE) < 3 * (seconds + warmup) + 30:
        data["skipped"].append("HTTP load test: no time left in the budget")
        return
    try:
        data["http"] = load_pages(env, seconds, warmup)
    except Exception as error:  # a server that does not start must not lose the rest of the run
        data["failures"].append(f"HTTP: {error!r}")
        return
    for page, result in data["http"].items():
        if result["errors"] or result["non2xx"] or result["status"] != 200:
            data["failures"].append(
                f"HTTP {page}: status {result['status']}, {result['errors']} errors, "
                f"{result['non2xx']} non-2xx"
            )


def rebuild(data: dict, env: dict[str, str], work: Path, clock: Clock) -> bool:
    """Rebuild in a child process; when the budget stops it, note how far it got and what that projects."""
    progress = work / "rebuild-progress.json"
    started = time.monotonic()
    try:
        done = child(["rebuild", "--progress-file", str(progress)], env, clock.remaining(RESERVE))
    except TimeLimit as stop:
        seen = (
            json.loads(progress.read_text()) if progress.exists() else {"done": 0, "total": 0, "seconds": 0}
        )
        # Adding documents is only part of a rebuild (the commit follows): the projection is a floor.
        projected = seen["seconds"] * seen["total"] / seen["done"] if seen["done"] else None
        data["rebuild"] = {
            "stopped_after": time.monotonic() - started,
            "documents_added": seen["done"],
            "documents": seen["total"],
            "projected_s": projected,
            "peak_rss_mb": stop.peak_rss_mb,
        }
        data["skipped"].append(
            f"rebuild {stop} by the run's time budget: {seen['done']:,} of {seen['total']:,} documents added"
            + (f", at least {projected:.0f} s projected" if projected else "")
        )
        say(f"  rebuild {stop} after {seen['done']:,} of {seen['total']:,} documents")
        return False
    answer = done.answer
    data["rebuild"] = {
        **answer,
        "peak_rss_mb": done.peak_rss_mb,
        "docs_per_s": answer["count"] / answer["seconds"],
    }
    say(f"  rebuild: {answer['seconds']:.1f} s, {answer['count']:,} documents, {done.peak_rss_mb:.0f} MB")
    return True


def load_pages(env: dict[str, str], seconds: float, warmup: float) -> dict:
    """``/zoeken`` and the API as configured, then ``/zoeken`` again from a server without page cache."""
    results = {}
    servers = (
        ("page cache on", {}, (("zoeken", "/zoeken"), ("api", "/api/v1/materials"))),
        ("page cache off", {"TREFPUNT_PAGE_CACHE_SIZE": "0"}, (("zoeken_uncached", "/zoeken"),)),
    )
    for server, extra_env, pages in servers:
        say(f"  HTTP ({server}): gunicorn, 2 workers, 8 connections, {seconds:.0f} s per page")
        with http.gunicorn("trefpunt:create_app()", {**env, **extra_env}, ROOT) as port:
            for page, prefix in pages:
                paths = [prefix + p for p in http_paths()]
                status = http.status_of(port, paths[0])
                http.load(port, paths, warmup)  # warm both workers: searcher and document sets opened
                results[page] = {**http.load(port, paths, seconds), "status": status}
                done = results[page]
                say(f"    {prefix}: {done['rps']:.0f} req/s, p95 {done['p95']:.1f} ms, status {status}")
    return results


def load_floor(seconds: float) -> dict:
    with http.gunicorn("bench.floor:app", dict(os.environ), ROOT) as port:
        paths = ["/" + p for p in http_paths()]
        http.load(port, paths, 2)
        result = http.load(port, paths, seconds)
    say(f"  minimal Flask: {result['rps']:.0f} req/s, p95 {result['p95']:.1f} ms")
    return result


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sizes", default=DEFAULT_SIZES, help=f"catalogue sizes (default {DEFAULT_SIZES})")
    add(
        "--time-budget",
        type=float,
        default=DEFAULT_TIME_BUDGET,
        help=f"seconds for the whole run (default {DEFAULT_TIME_BUDGET:.0f})",
    )
    add(
        "--budget",
        type=float,
        default=4.0,
        help="seconds of repeated searches per engine and mode after the first round (default 4)",
    )
    add("--naive-max", type=int, default=10_000, help="largest size with the naive Whoosh reference")
    add("--http-sizes", default="1000,100000", help="sizes with the HTTP load test (default 1000,100000)")
    add("--http-seconds", type=float, default=8.0, help="seconds per load test (0: no HTTP tests)")
    add(
        "--http-short-seconds",
        type=float,
        default=3.0,
        help=f"seconds per load test at sizes other than {HTTP_TARGET_SIZE:,} (default 3)",
    )
    add("--edits", type=int, default=20, help="edits timed for edit-to-visible")
    add("--out", type=Path, default=ROOT / "bench" / "results")
    add("--keep", action="store_true", help="keep the temporary instances (prints where)")
    options = parser.parse_args(argv)
    options.sizes = [int(s.replace("_", "")) for s in options.sizes.split(",") if s.strip()]
    options.http_sizes = {int(s.replace("_", "")) for s in options.http_sizes.split(",") if s.strip()}
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    clock = Clock(options.time_budget)
    results: dict = {
        "started": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": (
            f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the start), Python "
            f"{platform.python_version()}, Whoosh-Reloaded {version('whoosh-reloaded')}, SQLite "
            f"{sqlite3.sqlite_version}, load generator {'wrk' if shutil.which('wrk') else 'Python threads'}"
        ),
        "time_budget": options.time_budget,
        "sizes": {},
    }
    work = Path(tempfile.mkdtemp(prefix="trefpunt-bench-"))
    try:
        if options.http_seconds > 0 and HTTP_TARGET_SIZE in options.http_sizes & set(options.sizes):
            started = time.monotonic()
            results["floor"] = load_floor(options.http_seconds)
            results["floor_s"] = time.monotonic() - started
        import_rate = None
        for size in options.sizes:
            needed = size / import_rate if import_rate else 0
            if clock.remaining(SEARCH_RESERVE) < max(30, needed):
                reason = (
                    f"not run: its import alone would take about {needed:.0f} s, more than the budget left"
                )
                results["sizes"][str(size)] = {"failures": [], "skipped": [reason]}
                continue
            folder = work / str(size)
            folder.mkdir()
            try:
                results["sizes"][str(size)] = measure_size(size, folder, options, clock)
            except Exception as error:  # report what the other sizes measured all the same
                say(f"  {size:,} failed: {error!r}")
                results["sizes"][str(size)] = {"failures": [f"the run of this size failed: {error!r}"]}
                continue
            import_rate = size / results["sizes"][str(size)]["import_s"]
            if not options.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if options.keep:
            say(f"instances kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["elapsed"] = clock.elapsed
    results["load_average_end"] = os.getloadavg()[0]
    text = report.write(results, options.out)
    print(text)
    say(f"whole run: {results['elapsed']:.0f} s; written to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
