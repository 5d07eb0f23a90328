"""SQLite FTS5 as the embedded floor: the fastest full-text search a single-file catalogue could have.

One FTS5 table over the text fields (BM25 with Trefpunt's field weights), one ``facet(doc, param,
value)`` table with a covering index, counts by GROUP BY over the matching rows. Its tokenizer has no
Dutch stemming, so it matches fewer forms of a word than Trefpunt; a misspelling finds nothing and no
suggestion is made. Like the naive reference it counts under all filters at once and returns stored
text instead of loading hits from the catalogue database.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

from .generate import FACET_PARAMS
from .queries import Case

PER_PAGE = 20
COLUMNS = ("title", "keywords", "summary", "labels", "description", "provider_text")
# BM25 column weights as Trefpunt's field boosts stood when this was written: a title match counts most.
WEIGHTS = "6.0, 3.0, 2.0, 1.0, 1.0, 1.0"
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def build(records: list[dict], path: Path, labels: dict[str, str]) -> float:
    """Write the published records to a fresh database at ``path``; return the seconds it took."""
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        f"""
        CREATE VIRTUAL TABLE docs USING fts5({", ".join(COLUMNS)},
            tokenize = "unicode61 remove_diacritics 2", prefix = '2 3');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, summary TEXT, title_sort TEXT);
        CREATE TABLE facet (doc INTEGER, param TEXT, value TEXT);
        """
    )
    published = [r for r in records if r["status"] == "published"]
    with db:
        for number, r in enumerate(published, 1):
            text = (
                r["title"],
                " ; ".join(r["keywords"]),
                r["summary"],
                " ; ".join(labels.get(k, k) for p in FACET_PARAMS for k in r[p]),
                r["description"],
                r["provider"],
            )
            db.execute(
                f"INSERT INTO docs (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (number, *text),
            )
            db.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                (number, r["slug"], r["title"], r["summary"], r["title"].casefold()),
            )
            values = [(number, p, v) for p in FACET_PARAMS for v in r[p]] + [
                (number, "aanbieder", r["provider"])
            ]
            db.executemany("INSERT INTO facet VALUES (?, ?, ?)", values)
    db.executescript(
        """
        CREATE INDEX facet_by_value ON facet (param, value, doc);
        CREATE INDEX facet_by_doc ON facet (doc, param, value);
        CREATE INDEX meta_by_title ON meta (title_sort);
        INSERT INTO docs(docs) VALUES ('optimize');
        ANALYZE;
        """
    )
    db.close()
    return time.perf_counter() - started


def match_expression(text: str) -> str | None:
    """Trefpunt's small query language in FTS5 syntax: all words, "phrases", prefix*."""
    parts = []
    for match in _TOKEN.finditer(text):
        quoted, word = match.group(1), match.group(2)
        if quoted is not None:
            words = re.findall(r"\w+", quoted)
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif word.endswith("*"):
            stem = "".join(re.findall(r"\w", word))
            if len(stem) >= 2:
                parts.append(f'"{stem}"*')
        else:
            parts.extend(f'"{w}"' for w in re.findall(r"\w+", word))
    return " AND ".join(parts) or None


class Fts5Search:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def search(self, case: Case) -> tuple[int, list[dict], dict[str, Counter]]:
        conditions, params = [], []
        expression = match_expression(case.text) if case.text else None
        if expression:
            conditions.append("id IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
            params.append(expression)
        for param, values in case.filters.items():
            marks = ", ".join("?" * len(values))
            conditions.append(f"id IN (SELECT doc FROM facet WHERE param = ? AND value IN ({marks}))")
            params += [param, *values]
        where = " AND ".join(conditions) or "1"
        offset = (case.page - 1) * PER_PAGE
        if expression and case.sort != "titel":
            rows = self.db.execute(
                f"SELECT meta.slug, meta.title, meta.summary FROM docs JOIN meta ON meta.id = docs.rowid "
                f"WHERE docs MATCH ? AND {where} ORDER BY bm25(docs, {WEIGHTS}) LIMIT ? OFFSET ?",
                (expression, *params, PER_PAGE, offset),
            ).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT slug, title, summary FROM meta WHERE {where} ORDER BY title_sort LIMIT ? OFFSET ?",
                (*params, PER_PAGE, offset),
            ).fetchall()
        total = self.db.execute(f"SELECT count(*) FROM meta WHERE {where}", params).fetchone()[0]
        counts: dict[str, Counter] = {}
        if case.counts:
            grouped = self.db.execute(
                f"SELECT param, value, count(*) FROM facet WHERE doc IN (SELECT id FROM meta WHERE {where}) "
                "GROUP BY param, value",
                params,
            )
            for param, value, count in grouped:
                counts.setdefault(param, Counter())[value] = count
        hits = [{"slug": s, "title": t, "summary": m} for s, t, m in rows]
        return total, hits, counts
