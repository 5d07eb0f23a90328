"""BM25 references over the published materials in SQLite FTS5: plain words, or words pre-stemmed in Python.

Field weights as the issue sets them: title 6, keywords 3, summary 2, and 1 for the description, the Dutch
facet labels and the provider. Words are OR-ed, so a material needs only one of them to be found and BM25
ranks those with more (and rarer) words first; "phrases" stay phrases, ``prefix*`` is a prefix, and
``-word`` leaves out what contains it. Ties keep catalogue order.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable

from ..generate import FACET_PARAMS

COLUMNS = ("title", "keywords", "summary", "description", "labels", "provider")
WEIGHTS = (6.0, 3.0, 2.0, 1.0, 1.0, 1.0)
# A quoted phrase (closing quote optional), or one run of non-space characters.
_PART = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")

Stem = Callable[[str], str]


def snowball(algorithm: str) -> Stem:
    """A Snowball stemmer from ``snowballstemmer`` ("dutch" is Kraaij-Pohlmann since 3.0, "dutch_porter"
    the older algorithm), applied to casefolded words."""
    import snowballstemmer  # the bench extra; imported here so the plain reference needs nothing more

    stemmer = snowballstemmer.stemmer(algorithm)
    return lambda word: stemmer.stemWord(word.casefold())


def _quoted(words: Iterable[str]) -> str:
    return '"' + " ".join(words) + '"'


def match_expression(text: str, stem: Stem | None = None) -> str | None:
    """The query in FTS5 syntax, words OR-ed; None when nothing in it can match."""
    norm = stem or str.casefold
    wanted, unwanted = [], []
    for found in _PART.finditer(text):
        phrase, part = found.group(1), found.group(2)
        if phrase is not None:
            words = [norm(w) for w in _WORD.findall(phrase)]
            if words:
                wanted.append(_quoted(words))
        elif part.startswith("-") and len(part) > 1:
            unwanted.extend(_quoted([norm(w)]) for w in _WORD.findall(part))
        elif part.endswith("*"):
            # A prefix is compared with the stored (stemmed) words as typed: a stem of it would cut it.
            prefix = "".join(_WORD.findall(part.casefold()))
            if prefix:
                wanted.append(_quoted([prefix]) + "*")
        else:
            wanted.extend(_quoted([norm(w)]) for w in _WORD.findall(part))
    if not wanted:
        return None
    expression = " OR ".join(wanted)
    if unwanted:
        expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
    return expression


class Bm25Reference:
    """One in-memory FTS5 table over the published records; ``search(text)`` ranks slugs by BM25."""

    def __init__(self, name: str, records: Iterable[dict], labels: dict[str, str], stem: Stem | None = None):
        self.name = name
        self.stem = stem
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5(slug UNINDEXED, {', '.join(COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        rows = []
        for record in records:
            if record["status"] != "published":
                continue
            fields = (
                record["title"],
                " ; ".join(record["keywords"]),
                record["summary"],
                record["description"],
                " ; ".join(labels.get(key, key) for param in FACET_PARAMS for key in record[param]),
                record["provider"],
            )
            rows.append((record["slug"], *(self._prepare(text) for text in fields)))
        with self.db:
            self.db.executemany(f"INSERT INTO docs VALUES ({', '.join('?' * (len(COLUMNS) + 1))})", rows)

    def _prepare(self, text: str) -> str:
        if self.stem is None:
            return text
        return " ".join(self.stem(word) for word in _WORD.findall(text))

    def search(self, text: str, limit: int = 20) -> list[str]:
        expression = match_expression(text, self.stem)
        if expression is None:
            return []
        weights = ", ".join(str(w) for w in (0.0, *WEIGHTS))
        rows = self.db.execute(
            f"SELECT slug FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {weights}), rowid LIMIT ?",
            (expression, limit),
        )
        return [slug for (slug,) in rows]
