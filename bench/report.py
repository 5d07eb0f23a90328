"""From measurements to the issue's targets: percentiles, ratios, the Markdown table and the plot."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from .queries import COMPARED_MODES, MODES

ENGINES = {"trefpunt": "Trefpunt", "naive": "naive Whoosh", "fts5": "SQLite FTS5"}


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    if len(samples) == 1:
        return {"n": 1, "p50": samples[0], "p95": samples[0], "p99": samples[0], "max": samples[0]}
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": q[49], "p95": q[94], "p99": q[98], "max": max(samples)}


def summarise_search(raw: dict) -> dict:
    """Percentiles, not samples, so the committed JSON stays small.

    The headline figures are of queries met for the first time in the process (what a search that no
    cache has seen costs); ``repeat`` holds those of the same queries asked again.
    """
    summary = {}
    for mode, data in raw.items():
        first = data["first"]
        summary[mode] = {
            **percentiles(data["samples"][:first]),
            "engine": percentiles(data["engine_only"][:first]),
            "repeat": percentiles(data["samples"][first:]),
            "cold_ms": data["cold_ms"],
            "mean_total": data["mean_total"],
        }
    return summary


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _get(data: dict, *keys):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def gap(value: float, limit: float, unit: str = "", higher_is_better: bool = False) -> str:
    """How far a figure is from its target: the difference (in ``unit`` when given) and the ratio."""
    short = limit - value if higher_is_better else value - limit
    side = "short" if short > 0 else "to spare"
    if unit == "%":
        amount = f"{abs(short) * 100:.0f} points"
    elif unit == "ms":
        amount = _ms(abs(short))
    elif unit:
        amount = f"{abs(short):.0f} {unit}"
    else:
        amount = f"{abs(short):.2g}"
    if side == "short" and not higher_is_better:
        side = "over"
    return f"{amount} {side} ({value / limit:.2g}× the target)" if limit else f"{amount} {side}"


def verdict(met: bool, value: float, limit: float, unit: str = "", higher_is_better: bool = False) -> str:
    return f"{'met' if met else '**missed**'}: {gap(value, limit, unit, higher_is_better)}"


def rebuild_row(label: str, data: dict | None, limit: float) -> tuple[str, str, str, str]:
    rebuild = (data or {}).get("rebuild")
    if not rebuild:
        return (label, "not run", "–", "")
    if "stopped_after" in rebuild:
        projected = rebuild.get("projected_s")
        measured = (
            f"> {rebuild['stopped_after']:.0f} s: stopped by the run's time budget after "
            f"{rebuild['documents_added']:,} of {rebuild['documents']:,} documents"
            + (f" (≥ {projected:.0f} s projected)" if projected else "")
        )
        at_least = max(rebuild["stopped_after"], projected or 0)
        result = (
            f"**missed**: ≥ {gap(at_least, limit, 's')}"
            if at_least > limit
            else "– (stopped before its limit)"
        )
        return (
            label,
            measured,
            result,
            f"{rebuild['documents_added'] / rebuild['stopped_after']:.0f} docs/s",
        )
    seconds = rebuild["seconds"]
    return (
        label,
        f"{seconds:.1f} s",
        verdict(seconds <= limit, seconds, limit, "s"),
        f"{rebuild['docs_per_s']:.0f} docs/s",
    )


def targets(results: dict) -> list[tuple[str, str, str, str]]:
    """(target, measured, verdict, note) for every target of issue 5."""
    sizes = results["sizes"]
    rows: list[tuple[str, str, str, str]] = []

    def add(
        label: str, value, limit, fmt=_ms, note: str = "", higher_is_better: bool = False, unit="ms"
    ) -> None:
        if value is None:
            rows.append((label, "not run", "–", note))
            return
        met = value >= limit if higher_is_better else value <= limit
        rows.append((label, fmt(value), verdict(met, value, limit, unit, higher_is_better), note))

    def search(size, engine, mode, stat):
        return _get(sizes, str(size), "search", engine, mode, stat)

    def http(size, page, stat):
        return _get(sizes, str(size), "http", page, stat)

    add("1,000: (c) p95 ≤ 10 ms", search(1000, "trefpunt", "c", "p95"), 10)
    uncached_p95 = http(1000, "zoeken_uncached", "p95")
    add(
        "1,000: `/zoeken` p95 ≤ 50 ms at 8 clients",
        http(1000, "zoeken", "p95"),
        50,
        note="page cache on; off: " + (_ms(uncached_p95) if uncached_p95 is not None else "not run"),
    )
    floor = _get(results, "floor", "rps")
    page_rps, uncached_rps = http(1000, "zoeken", "rps"), http(1000, "zoeken_uncached", "rps")
    share = page_rps / floor if page_rps is not None and floor else None
    add(
        "1,000: `/zoeken` throughput ≥ 40% of minimal Flask",
        share,
        0.4,
        fmt=lambda v: f"{v:.0%} ({page_rps:.0f} vs {floor:.0f} req/s)",
        higher_is_better=True,
        unit="%",
        note="page cache on; off: "
        + (f"{uncached_rps / floor:.0%} ({uncached_rps:.0f} req/s)" if uncached_rps and floor else "not run"),
    )
    add("10,000: (c) p50 ≤ 10 ms", search(10000, "trefpunt", "c", "p50"), 10)
    ours, naive = search(10000, "trefpunt", "c", "p95"), search(10000, "naive", "c", "p95")
    ratio = ours / naive if ours is not None and naive else None
    add(
        "10,000: (c) p95 ≤ ⅓ of naive Whoosh p95",
        ratio,
        1 / 3,
        fmt=lambda v: f"{v:.2f}× ({_ms(ours)} vs {_ms(naive)})",
        unit="",
    )
    add("10,000: (d) p50 ≤ 2 ms", search(10000, "trefpunt", "d", "p50"), 2)
    rows.append(rebuild_row("10,000: rebuild ≤ 15 s", sizes.get("10000"), 15))
    big = sizes.get("100000")
    label = "100,000: everything answers (no timeouts)"
    if big is None or not _get(big, "search", "trefpunt"):
        reason = "; ".join((big or {}).get("failures", []) + (big or {}).get("skipped", [])) or "not run"
        rows.append((label, f"not measured ({reason})" if big else "not run", "–", ""))
    else:
        failures = big.get("failures", [])
        rows.append(
            (
                label,
                "all answered" if not failures else "; ".join(failures),
                "met" if not failures else "**missed**",
                "searches, edit poller and HTTP",
            )
        )
    add("100,000: (c) p95 ≤ 500 ms", search(100000, "trefpunt", "c", "p95"), 500)
    add("100,000: prefixes and phrases (e) p99 ≤ 1 s", search(100000, "trefpunt", "e", "p99"), 1000)
    rows.append(rebuild_row("100,000: rebuild ≤ 150 s with a progress bar", big, 150))
    rss = _get(sizes, "100000", "rebuild", "peak_rss_mb")
    searching = _get(sizes, "100000", "search", "trefpunt", "peak_rss_mb")
    label = "100,000: peak memory ≤ 500 MB"
    if rss is None:
        rows.append((label, "not run", "–", ""))
    else:
        stopped = _get(sizes, "100000", "rebuild", "stopped_after") is not None
        parts = [f"rebuild {'≥ ' if stopped else ''}{rss:.0f} MB" + (" (stopped)" if stopped else "")]
        parts.append(f"searching process {searching:.0f} MB" if searching else "searching process not run")
        worst = max(rss, searching or 0)
        result = (
            verdict(worst <= 500, worst, 500, "MB")
            if worst > 500 or (searching and not stopped)
            else "– (not all measured)"
        )
        rows.append((label, "; ".join(parts), result, "VmHWM of each child process"))
    visible = [(int(s), _get(d, "visible", "p95")) for s, d in sizes.items() if _get(d, "visible", "p95")]
    if visible:
        size, worst = max(visible, key=lambda item: item[1])
        add("edit-to-visible across processes p95 ≤ 1 s", worst, 1000, note=f"worst size: {size:,}")
    else:
        add("edit-to-visible across processes p95 ≤ 1 s", None, 1000)
    return rows


def markdown(results: dict) -> str:
    lines = [
        "# Trefpunt benchmark",
        "",
        f"Run {results['started']} on {results['machine']}; whole run {results['elapsed']:.0f} s "
        f"(budget {results.get('time_budget', 0):.0f} s; load average "
        f"{results.get('load_average_end', 0):.1f} "
        "at the end: other work on the machine slows every figure alike). "
        "Written by `make bench` (bench/); latencies are medians/percentiles of single searches.",
        "",
        "## Targets (issue 5)",
        "",
        "| target | measured | verdict | note |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)]
    lines += [
        "",
        "## Building",
        "",
        "| materials | generate | import | rebuild | docs/s | index | peak RSS (rebuild) "
        "| naive Whoosh build | FTS5 build |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, data in results["sizes"].items():
        r = data.get("rebuild")
        if not r:
            continue
        generated = f"{data['generate_s']:.1f} s" if "generate_s" in data else "–"
        if "stopped_after" in r:
            rebuilt = (
                f"stopped after {r['stopped_after']:.0f} s ({r['documents_added']:,}/{r['documents']:,})"
            )
            rate, index = f"{r['documents_added'] / r['stopped_after']:.0f}", "–"
        else:
            rebuilt, rate = f"{r['seconds']:.1f} s", f"{r['docs_per_s']:.0f}"
            index = f"{r['index_bytes'] / 1e6:.1f} MB"
        rss = f"{r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else "–"
        naive = f"{data['naive_build_s']:.1f} s" if "naive_build_s" in data else "–"
        fts5 = f"{data['fts5_build_s']:.1f} s" if "fts5_build_s" in data else "–"
        lines.append(
            f"| {int(size):,} | {generated} | "
            f"{data['import_s']:.1f} s ({int(size) / data['import_s']:.0f}/s) | {rebuilt} | {rate} | "
            f"{index} | {rss} | {naive} | {fts5} |"
        )
    lines += [
        "",
        "## Search latency through the service",
        "",
        "Trefpunt: a session, `load_vocabulary`, `SearchRequest.from_args`, `SearchEngine.search` (its "
        "engine time alone in brackets). Trefpunt always computes every facet's counts, so its (a) and (b) "
        "include them; the references count only in (c) and (d), under all filters at once, and return "
        "stored text without a database round-trip. Each engine and mode runs in a fresh process: "
        "*first* is each query's first search there (what the targets are held to), *again* the same "
        "queries repeated, which a cache per index generation may answer. Ratios compare first searches.",
        "",
        "| materials | mode | Trefpunt first p50 / p95 / p99 | Trefpunt again p50 / p95 | naive Whoosh "
        "p50 / p95 | FTS5 p50 / p95 | naive ÷ Trefpunt (p95) | Trefpunt ÷ FTS5 (p50) | hits T / N / F |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, data in results["sizes"].items():
        engines = data.get("search", {})
        for mode in MODES:
            t, n, f = (engines.get(e, {}).get(mode, {}) for e in ENGINES)
            if not t:
                continue
            slower = f"{n['p95'] / t['p95']:.1f}×" if n.get("p95") and t.get("p95") else "–"
            floor = f"{t['p50'] / f['p50']:.1f}×" if f.get("p50") and t.get("p50") else "–"
            hits = " / ".join(f"{x['mean_total']:.0f}" if x else "–" for x in (t, n, f))
            again = t.get("repeat", {})
            lines.append(
                f"| {int(size):,} | ({mode}) {MODES[mode]} | {_ms(t['p50'])} ({_ms(t['engine']['p50'])}) / "
                f"{_ms(t['p95'])} / {_ms(t['p99'])} (n={t['n']}) | {_ms(again.get('p50'))} / "
                f"{_ms(again.get('p95'))} | {_ms(n.get('p50'))} / {_ms(n.get('p95'))} | "
                f"{_ms(f.get('p50'))} / {_ms(f.get('p95'))} | {slower} | {floor} | {hits} |"
            )
    lines += [
        "",
        "## Edit to visible, and HTTP under load",
        "",
        "`/zoeken` runs twice: with the page cache as configured (what the targets are held to) and from a "
        "server started with `TREFPUNT_PAGE_CACHE_SIZE=0`, where every request is searched and rendered "
        "(the search engine's own caches still warm up over the repeated URLs). Load tests last "
        f"{_get(results, 'floor', 'seconds') or 8:.0f} s at 1,000 materials (the HTTP targets) and a few "
        "seconds elsewhere, only to show the pages answer.",
        "",
        "| materials | edit→visible p50 / p95 (n) | finding search p50 | `/zoeken` req/s, p50 / p95 | "
        "`/zoeken` without page cache | `/api/v1/materials` req/s, p50 / p95 | errors / non-2xx |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, data in results["sizes"].items():
        if "visible" not in data and "http" not in data:
            continue
        v = data.get("visible", {})
        h = data.get("http", {})

        def load_cell(page: str, h=h) -> str:
            x = h.get(page)
            return f"{x['rps']:.0f}, {_ms(x['p50'])} / {_ms(x['p95'])}" if x else "–"

        pages = ("zoeken", "zoeken_uncached", "api")
        errors = " ; ".join(f"{h[p]['errors']} / {h[p]['non2xx']}" for p in pages if p in h) or "–"
        lines.append(
            f"| {int(size):,} | {_ms(v.get('p50'))} / {_ms(v.get('p95'))} ({v.get('n', 0)}) | "
            f"{_ms(_get(v, 'finding_search', 'p50'))} | {load_cell('zoeken')} | "
            f"{load_cell('zoeken_uncached')} | {load_cell('api')} | {errors} |"
        )
    lines += time_table(results)
    notes = [
        f"- {int(size):,}: {note}"
        for size, data in results["sizes"].items()
        for note in data.get("skipped", []) + data.get("failures", [])
    ]
    if notes:
        lines += ["", "## Left out, stopped or failed", "", *notes]
    floor = results.get("floor")
    if floor:
        lines += [
            "",
            f"Minimal Flask endpoint on the same gunicorn setup: {floor['rps']:.0f} req/s, "
            f"p50 {_ms(floor['p50'])}, p95 {_ms(floor['p95'])} ({floor['tool']}, 8 connections, "
            f"{floor['seconds']:.0f} s).",
        ]
    return "\n".join(lines) + "\n"


STAGES = (
    "generate",
    "import",
    "rebuild",
    "search: Trefpunt",
    "edit to visible",
    "HTTP",
    "naive Whoosh: build and search",
    "FTS5: build and search",
)


def time_table(results: dict) -> list[str]:
    """Where the run's seconds went, size by size: what to trim when the run nears its budget."""
    lines = [
        "",
        "## Where the run's time went",
        "",
        "| materials | " + " | ".join(STAGES) + " | total |",
        "| --- |" + " --- |" * (len(STAGES) + 1),
    ]
    for size, data in results["sizes"].items():
        stages = data.get("stages")
        if not stages:
            continue
        cells = [f"{stages[name]:.0f} s" if name in stages else "–" for name in STAGES]
        lines.append(f"| {int(size):,} | " + " | ".join(cells) + f" | {sum(stages.values()):.0f} s |")
    if "floor_s" in results:
        lines += ["", f"The minimal Flask load test before the first size: {results['floor_s']:.0f} s."]
    return lines


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    sizes = sorted(int(s) for s in results["sizes"])
    fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharex=True)
    colours = {"trefpunt": "tab:blue", "naive": "tab:red", "fts5": "tab:green"}
    for ax, mode in zip(axes.flat, COMPARED_MODES, strict=True):
        for engine, label in ENGINES.items():
            points = [(s, _get(results["sizes"], str(s), "search", engine, mode)) for s in sizes]
            points = [(s, d) for s, d in points if d and d.get("n")]
            if not points:
                continue
            xs = [s for s, _ in points]
            ax.plot(xs, [d["p50"] for _, d in points], "o-", color=colours[engine], label=f"{label} p50")
            ax.plot(
                xs,
                [d["p95"] for _, d in points],
                "--",
                color=colours[engine],
                alpha=0.6,
                label=f"{label} p95",
            )
            again = [(s, d["repeat"]) for s, d in points if d.get("repeat", {}).get("n")]
            if engine == "trefpunt" and again:
                xs_again, p50s = [s for s, _ in again], [d["p50"] for _, d in again]
                ax.plot(xs_again, p50s, ":", color=colours[engine], label=f"{label} p50, query asked again")
        ax.set_title(f"({mode}) {MODES[mode]}", fontsize=10)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylabel("latency (ms)")
    for ax in axes[1]:
        ax.set_xlabel("materials in the catalogue")
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Search latency against catalogue size, engine by engine")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(results: dict, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    text = markdown(results)
    (folder / "results.md").write_text(text, encoding="utf-8")
    (folder / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    plot(results, folder / "latency.png")
    return text
