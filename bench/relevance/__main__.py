"""``python -m bench.relevance``: nDCG@10, P@5, recall@20 and zero results, Trefpunt against BM25.

Prints one table per half (tune, test, all) and writes it, with the per-query figures, to
``bench/relevance/results.md``. Every (query, material) in a system's top 10 that has no grade is listed at
the end: grade it by reading the material (``grades.tsv``), never assume 0. ``--check`` fails when any is
left; ``--per-query`` shows each system's nDCG@10 and top five per query.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import judgements
from .judgements import HALVES, Query
from .metrics import ndcg_at, precision_at, recall_at
from .systems import DEPTH, TrefpuntSearch, catalogue_records, references

RESULTS = judgements.HERE / "results.md"
JUDGE_DEPTH = 10


@dataclass(frozen=True)
class Scores:
    answered: int  # queries judged to have a relevant material: the metrics are their means
    ndcg: float
    precision: float
    recall: float
    zero: int  # of those, how many returned nothing
    unanswerable: int  # queries without a relevant material
    unanswerable_returning: int  # of those, how many returned something anyway


def score(queries: list[Query], rankings: dict[str, list[str]]) -> Scores:
    answered = [q for q in queries if q.has_answer]
    others = [q for q in queries if not q.has_answer]

    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else 0.0

    return Scores(
        answered=len(answered),
        ndcg=mean([ndcg_at(rankings[q.id], q.grades, 10) for q in answered]),
        precision=mean([precision_at(rankings[q.id], q.grades, 5) for q in answered]),
        recall=mean([recall_at(rankings[q.id], q.grades, 20) for q in answered]),
        zero=sum(not rankings[q.id] for q in answered),
        unanswerable=len(others),
        unanswerable_returning=sum(bool(rankings[q.id]) for q in others),
    )


def best_of(scores: list[Scores]) -> Scores:
    """The best reference, metric by metric (each from whichever reference did best at it)."""
    first = scores[0]
    return Scores(
        answered=first.answered,
        ndcg=max(s.ndcg for s in scores),
        precision=max(s.precision for s in scores),
        recall=max(s.recall for s in scores),
        zero=min(s.zero for s in scores),
        unanswerable=first.unanswerable,
        unanswerable_returning=min(s.unanswerable_returning for s in scores),
    )


def summary_tables(queries: list[Query], rankings: dict[str, dict[str, list[str]]], reference_names) -> str:
    lines = []
    for half in (*HALVES, "all"):
        chosen = [q for q in queries if half == "all" or q.half == half]
        by_system = {name: score(chosen, ranked) for name, ranked in rankings.items()}
        by_system["best reference (max per metric)"] = best_of([by_system[n] for n in reference_names])
        some = next(iter(by_system.values()))
        label = {"tune": "tune half", "test": "test half (held out)", "all": "all queries"}[half]
        lines += [
            f"### {label}: {some.answered} queries with a relevant material, {some.unanswerable} without",
            "",
            "| system | nDCG@10 | P@5 | recall@20 | zero results | no-answer queries with hits |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, s in by_system.items():
            lines.append(
                f"| {name} | {s.ndcg:.3f} | {s.precision:.3f} | {s.recall:.3f} | {s.zero}/{s.answered} "
                f"| {s.unanswerable_returning}/{s.unanswerable} |"
            )
        trefpunt = by_system[TrefpuntSearch.name]
        best = by_system["best reference (max per metric)"]
        lines += ["", f"Trefpunt − best reference, nDCG@10: {trefpunt.ndcg - best.ndcg:+.3f}", ""]
    return "\n".join(lines)


def per_query_table(queries: list[Query], rankings: dict[str, dict[str, list[str]]]) -> str:
    names = list(rankings)
    lines = [
        "| id | half | kind | query | " + " | ".join(names) + " |",
        "| --- | --- | --- | --- | " + " | ".join("---:" for _ in names) + " |",
    ]
    for q in queries:
        cells = []
        for name in names:
            ranked = rankings[name][q.id]
            cells.append(
                "–" if not q.has_answer else "0 hits" if not ranked else f"{ndcg_at(ranked, q.grades):.2f}"
            )
        mark = "" if q.has_answer else " (no answer)"
        lines.append(f"| {q.id} | {q.half} | {q.kind} | `{q.text}`{mark} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def per_query_detail(queries: list[Query], rankings: dict[str, dict[str, list[str]]]) -> str:
    width = max(len(name) for name in rankings)
    lines = []
    for q in queries:
        lines.append(f"{q.id} [{q.half}, {q.kind}] {q.text!r} — {q.need}")
        for name, ranked in rankings.items():
            top = ranked[q.id][:5]
            shown = " ".join(f"{slug}({q.grades.get(slug, '?')})" for slug in top) or "(nothing)"
            lines.append(f"  {name:<{width}}  {ndcg_at(ranked[q.id], q.grades):.2f}  {shown}")
    return "\n".join(lines)


def unjudged(queries: list[Query], rankings: dict[str, dict[str, list[str]]]) -> list[tuple[Query, str, str]]:
    """(query, slug, first system that ranked it) for every ungraded material in some top 10."""
    found: dict[tuple[str, str], tuple[Query, str, str]] = {}
    for name, ranked in rankings.items():
        for q in queries:
            for slug in ranked[q.id][:JUDGE_DEPTH]:
                if slug not in q.grades:
                    found.setdefault((q.id, slug), (q, slug, name))
    return sorted(found.values(), key=lambda item: (item[0].id, item[1]))


def revision() -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--per-query", action="store_true", help="each system's nDCG@10 and top 5 per query")
    parser.add_argument(
        "--check", action="store_true", help="fail when a top-10 hit of any system has no grade"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the Markdown table")
    parser.add_argument(
        "--revision", help="what results.md calls the measured code (default: git describe --always --dirty)"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    queries = judgements.load()
    records = catalogue_records()
    refs = references(records)
    rankings: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="trefpunt-relevance-") as folder:
        trefpunt = TrefpuntSearch(Path(folder))
        try:
            rankings[trefpunt.name] = {q.id: trefpunt.search(q.text, DEPTH) for q in queries}
        finally:
            trefpunt.close()
    for ref in refs:
        rankings[ref.name] = {q.id: ref.search(q.text, DEPTH) for q in queries}

    tables = summary_tables(queries, rankings, [ref.name for ref in refs])
    missing = unjudged(queries, rankings)
    print(tables)
    if args.per_query:
        print(per_query_detail(queries, rankings))
        print()
    args.output.write_text(
        "# Relevance: Trefpunt against BM25 references\n\n"
        f"Written by `make relevance` (`python -m bench.relevance`) at {args.revision or revision()}: "
        f"{len(queries)} queries from queries.tsv, grades from grades.tsv. Metrics are means over the "
        "queries with a relevant material (grade ≥ 2); see README.md for the method.\n\n"
        f"{tables}\n## nDCG@10 per query\n\n{per_query_table(queries, rankings)}\n\n"
        f"Top-10 hits without a grade when this was written: {len(missing)}.\n",
        encoding="utf-8",
    )
    print(f"Written to {args.output} in {time.perf_counter() - started:.1f} s.")
    if missing:
        print(
            f"\nWarning: {len(missing)} top-{JUDGE_DEPTH} hits have no grade. Read each material and add its "
            "grade (0-3) to bench/relevance/grades.tsv:",
            file=sys.stderr,
        )
        for q, slug, name in missing:
            print(f"  {q.id}\t{slug}\t({name}; {q.text!r}: {q.need})", file=sys.stderr)
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())
