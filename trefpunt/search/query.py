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

    query: wq.Query | None
    # Index terms to highlight in hit texts.
    highlight_terms: set[str] = field(default_factory=set)
    highlight_prefixes: set[str] = field(default_factory=set)
    # The plain words, for "did you mean".
    words: list[str] = field(default_factory=list)


def any_field(term: str) -> wq.Query:
    return wq.Or([wq.Term(name, term) for name in TEXT_FIELDS])


def all_terms(terms: tuple[str, ...]) -> wq.Query:
    return any_field(terms[0]) if len(terms) == 1 else wq.And([any_field(t) for t in terms])


def phrase(terms: list[str]) -> wq.Query:
    if len(terms) == 1:
        return any_field(terms[0])
    return wq.Or([wq.Phrase(name, terms) for name in TEXT_FIELDS])


def prefix(text: str) -> wq.Query:
    return wq.Or([wq.Prefix(name, text, constantscore=True) for name in TEXT_FIELDS])


def expand_synonyms(terms: list[str]) -> list[wq.Query]:
    """One clause per term, except where a run of terms is a synonym: then one Or over the group."""
    groups = synonym_groups()
    clauses: list[wq.Query] = []
    i = 0
    while i < len(terms):
        best: tuple[int, tuple] | None = None
        for group in groups:
            for expression in group:
                n = len(expression)
                if tuple(terms[i : i + n]) == expression and (best is None or n > best[0]):
                    best = (n, group)
        if best is None:
            clauses.append(any_field(terms[i]))
            i += 1
        else:
            clauses.append(wq.Or([all_terms(e) for e in best[1]]))
            i += best[0]
    return clauses


def build_query(text: str) -> ParsedQuery:
    """Build the whoosh query for a cleaned user query; None when nothing searchable is left."""
    parsed = ParsedQuery(query=None)
    positive: list[wq.Query] = []
    negative: list[wq.Query] = []
    plain_run: list[str] = []

    def flush_plain() -> None:
        positive.extend(expand_synonyms(plain_run))
        plain_run.clear()

    for match in _TOKEN.finditer(text):
        negated, quoted, word = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            terms = query_terms(quoted)
            if not terms:
                continue
            flush_plain()
            parsed.highlight_terms.update(terms)
            (negative if negated else positive).append(phrase(terms))
            continue
        exclude = word.startswith("-") and len(word) > 1
        if exclude:
            word = word[1:]
        if word.endswith("*"):
            stem = "".join(fold(word.rstrip("*"))[:1])
            if len(stem) >= MIN_PREFIX:
                flush_plain()
                parsed.highlight_prefixes.add(stem)
                (negative if exclude else positive).append(prefix(stem))
            continue
        terms = query_terms(word)
        if not terms:
            continue
        if exclude:
            flush_plain()
            negative.append(all_terms(tuple(terms)))
        else:
            parsed.highlight_terms.update(terms)
            parsed.words.extend(fold(word))
            plain_run.extend(terms)
    flush_plain()

    positive, negative = positive[:MAX_CLAUSES], negative[:MAX_CLAUSES]
    if not positive and not negative:
        return parsed
    include = wq.And(positive) if len(positive) > 1 else (positive[0] if positive else wq.Every())
    parsed.query = wq.AndNot(include, wq.Or(negative)) if negative else include
    return parsed
