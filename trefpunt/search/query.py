"""From what a searcher typed to a whoosh query, with a deliberately small language.

Words must all match (in any text field); ``"a phrase"`` matches words in order; ``-word`` excludes;
``digi*`` matches a prefix. Everything else is plain text: there is no syntax error to make, so no query
can fail. Whoosh's own parser is not used (it crashes on typos such as ``NOT OR x``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import fold, query_terms, synonym_groups
from .schema import TEXT_FIELDS

MAX_CLAUSES = 12
MIN_PREFIX = 2
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class ParsedQuery:
    """A built query and what the rest of the search needs to know about it."""

    # Every clause over all text fields: what decides which documents match (over cached bitmaps, see
    # matching.py).
    query: wq.Query | None
    # Scores documents: each positive clause over each text field on its own (see ranking.py).
    ranking: list[dict[str, wq.Query]] = field(default_factory=list)
    # Index terms to highlight in hit texts.
    highlight_terms: set[str] = field(default_factory=set)
    highlight_prefixes: set[str] = field(default_factory=set)
    # The plain words, for "did you mean".
    words: list[str] = field(default_factory=list)


class Clauses:
    """Builds each clause over some text fields: all of them (to match) or one (to score per field)."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields

    def term(self, term: str) -> wq.Query:
        if len(self.fields) == 1:
            return wq.Term(self.fields[0], term)
        return wq.Or([wq.Term(name, term) for name in self.fields])

    def all_terms(self, terms: tuple[str, ...]) -> wq.Query:
        return self.term(terms[0]) if len(terms) == 1 else wq.And([self.term(t) for t in terms])

    def phrase(self, terms: list[str]) -> wq.Query:
        if len(terms) == 1:
            return self.term(terms[0])
        return self._any(wq.Phrase(name, terms) for name in self.fields)

    def prefix(self, text: str) -> wq.Query:
        return self._any(wq.Prefix(name, text, constantscore=True) for name in self.fields)

    def synonyms(self, group: tuple[tuple[str, ...], ...]) -> wq.Query:
        return wq.Or([self.all_terms(e) for e in group])

    @staticmethod
    def _any(queries) -> wq.Query:
        queries = list(queries)
        return queries[0] if len(queries) == 1 else wq.Or(queries)


ALL_FIELDS = Clauses(tuple(TEXT_FIELDS))


def expand_synonyms(terms: list[str], clauses: Clauses) -> list[wq.Query]:
    """One clause per term, except where a run of terms is a synonym: then one Or over the group."""
    groups = synonym_groups()
    result: list[wq.Query] = []
    i = 0
    while i < len(terms):
        best: tuple[int, tuple] | None = None
        for group in groups:
            for expression in group:
                n = len(expression)
                if tuple(terms[i : i + n]) == expression and (best is None or n > best[0]):
                    best = (n, group)
        if best is None:
            result.append(clauses.term(terms[i]))
            i += 1
        else:
            result.append(clauses.synonyms(best[1]))
            i += best[0]
    return result


def build_query(text: str) -> ParsedQuery:
    """Build the whoosh queries for a cleaned user query; None when nothing searchable is left."""
    parsed = ParsedQuery(query=None)
    parsed.query = _combine(*_clauses(text, ALL_FIELDS, parsed))
    if parsed.query is not None:
        # The same text gives the same clauses in every field, so they line up by position.
        per_field = {name: _clauses(text, Clauses((name,)), ParsedQuery(None))[0] for name in TEXT_FIELDS}
        parsed.ranking = [
            dict(zip(per_field, clause, strict=True)) for clause in zip(*per_field.values(), strict=True)
        ]
    return parsed


def _combine(positive: list[wq.Query], negative: list[wq.Query]) -> wq.Query | None:
    if not positive and not negative:
        return None
    include = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
    return wq.AndNot(include, wq.Or(negative)) if negative else include


def _clauses(text: str, clauses: Clauses, parsed: ParsedQuery) -> tuple[list[wq.Query], list[wq.Query]]:
    """The positive and the negative clauses of ``text``, noting highlights and words in ``parsed``."""
    positive: list[wq.Query] = []
    negative: list[wq.Query] = []
    plain_run: list[str] = []

    def flush_plain() -> None:
        positive.extend(expand_synonyms(plain_run, clauses))
        plain_run.clear()

    for match in _TOKEN.finditer(text):
        negated, quoted, word = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            terms = query_terms(quoted)
            if not terms:
                continue
            flush_plain()
            parsed.highlight_terms.update(terms)
            (negative if negated else positive).append(clauses.phrase(terms))
            continue
        exclude = word.startswith("-") and len(word) > 1
        if exclude:
            word = word[1:]
        if word.endswith("*"):
            stem = "".join(fold(word.rstrip("*"))[:1])
            if len(stem) >= MIN_PREFIX:
                flush_plain()
                parsed.highlight_prefixes.add(stem)
                (negative if exclude else positive).append(clauses.prefix(stem))
            continue
        terms = query_terms(word)
        if not terms:
            continue
        if exclude:
            flush_plain()
            negative.append(clauses.all_terms(tuple(terms)))
        else:
            parsed.highlight_terms.update(terms)
            parsed.words.extend(fold(word))
            plain_run.extend(terms)
    flush_plain()

    return positive[:MAX_CLAUSES], negative[:MAX_CLAUSES]
