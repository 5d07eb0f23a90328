"""From what a searcher typed to what is matched and how it ranks, in a deliberately small language.

Each typed word is a *concept*: the word's own term, or (for a compound) all of its parts, or one of its
synonyms. A material matches when it has at least one concept; materials with more of them rank first
("all words first"), then by where the words were found. ``"a phrase"`` must match, words in order;
``-word`` excludes; ``digi*`` matches words that start so. Everything else is plain text: there is no
syntax error to make, so no query can fail. Whoosh's own parser is not used (it crashes on typos such as
``NOT OR x``); whoosh query objects are only the vocabulary ``matching.py`` evaluates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from whoosh import query as wq

from trefpunt.catalog.vocabulary import SynonymDef

from .analysis import analyze, fold, read_word
from .schema import OWN_TEXT_FIELDS, TEXT_FIELDS

MAX_CONCEPTS = 12
MIN_PREFIX = 2
# What a synonym, or a compound's parts found apart, counts against the word itself.
SYNONYM_SHARE = 0.5
PARTS_SHARE = 0.5
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

# The scoring of one alternative: its share of the concept's weight and its query in each text field.
Scoring = tuple[float, dict[str, wq.Query]]


@dataclass(frozen=True)
class Concept:
    """One thing the searcher asked for, and what counts as a material having it."""

    label: str  # as typed: "Ontbreekt: vrijwilliger"
    match: wq.Query  # over all text fields
    # Over the material's own texts: what it says, not the labels and provider name it carries.
    in_text: wq.Query
    scoring: tuple[Scoring, ...]
    required: bool = False  # a quoted phrase must match
    terms: tuple[str, ...] = ()  # every index term it stands for (for highlighting and explaining)
    synonyms: tuple[str, ...] = ()  # the synonyms it was widened with, as written
    # Each way to have it: all of these terms, and what that counts (empty for phrases and prefixes).
    alternatives: tuple[tuple[tuple[str, ...], float], ...] = ()


@dataclass
class ParsedQuery:
    """A built query and what the rest of the search needs to know about it."""

    concepts: list[Concept] = field(default_factory=list)
    excluded: list[wq.Query] = field(default_factory=list)
    # Index terms and prefixes to highlight in hit texts.
    highlight_terms: set[str] = field(default_factory=set)
    highlight_prefixes: set[str] = field(default_factory=set)
    # The typed words, folded, for "did you mean".
    words: list[str] = field(default_factory=list)

    @property
    def searchable(self) -> bool:
        return bool(self.concepts or self.excluded)

    @property
    def query(self) -> wq.Query | None:
        """Everything this query matches as one whoosh query: every required concept (a quoted phrase)
        if there are any, else any concept; none excluded. ``Matcher.matching`` computes the same from
        the concepts' bitmaps."""
        if not self.searchable:
            return None
        required = [c.match for c in self.concepts if c.required]
        optional = [c.match for c in self.concepts if not c.required]
        include = _all(required) if required else (_any(optional) if optional else wq.Every())
        return wq.AndNot(include, _any(self.excluded)) if self.excluded else include

    def key(self) -> tuple:
        """What identifies the ranking of this query within one index generation."""
        return tuple((repr(c.match), repr(c.scoring)) for c in self.concepts)


def _any(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _all(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def in_any_field(make: Callable[[str], wq.Query], fields: Iterable[str] = TEXT_FIELDS) -> wq.Query:
    return _any([make(name) for name in fields])


def _term(term: str, fields: Iterable[str] = TEXT_FIELDS) -> wq.Query:
    return in_any_field(lambda name: wq.Term(name, term), fields)


@dataclass(frozen=True)
class _Alternative:
    """One way to have a concept: all of ``terms`` (a word, a compound's parts, a synonym's words), in
    any of ``fields``."""

    terms: tuple[str, ...]
    share: float
    fields: tuple[str, ...] = tuple(TEXT_FIELDS)

    def match(self, own_text_only: bool = False) -> wq.Query:
        fields = [name for name in self.fields if name in OWN_TEXT_FIELDS] if own_text_only else self.fields
        return _all([_term(t, fields) for t in self.terms])

    def scoring(self) -> list[Scoring]:
        share = self.share / len(self.terms)
        return [(share, {name: wq.Term(name, t) for name in self.fields}) for t in self.terms]


def _word_alternatives(own: str, parts: tuple[str, ...]) -> list[_Alternative]:
    alternatives = [_Alternative((own,), 1.0)]
    if parts:
        # A compound's parts found apart must be in the material's own words: 'taal' in a label and
        # 'klas' in the description make no 'taalklas'.
        alternatives.append(_Alternative(parts, PARTS_SHARE, OWN_TEXT_FIELDS))
    return alternatives


def _concept(label: str, alternatives: list[_Alternative], synonyms: tuple[str, ...] = ()) -> Concept:
    alternatives = list(dict.fromkeys(alternatives))
    scoring = [s for alt in alternatives for s in alt.scoring()]
    terms = tuple(dict.fromkeys(t for alt in alternatives for t in alt.terms))
    return Concept(
        label,
        _any([a.match() for a in alternatives]),
        _any([a.match(own_text_only=True) for a in alternatives]),
        tuple(scoring),
        terms=terms,
        synonyms=synonyms,
        alternatives=tuple((a.terms, a.share) for a in alternatives),
    )


# -- synonyms ----------------------------------------------------------------------------------------
def expression_terms(text: str) -> tuple[str, ...]:
    """The own terms of an expression's words, stop words left out: how synonyms are compared."""
    readings = [read_word(word) for word in typed_words(text)]
    return tuple(r[0] for r in readings if r is not None)


def typed_words(text: str) -> list[str]:
    """The words of ``text`` as the index's tokenizer finds them ('e-learning' and 'pc's' whole)."""
    return [w for piece in text.split() for w in re.findall(r"\w+(?:[-.']\w+)*", piece)]


@lru_cache(maxsize=8)
def synonym_table(synonyms: tuple[SynonymDef, ...]) -> dict[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """For each expression a searcher may type (as terms): what it also means, as (terms text, written).

    Two-way entries join every expression with every other; one-way entries widen only their phrase.
    """
    table: dict[tuple[str, ...], dict[str, str]] = {}
    for synonym in synonyms:
        phrase = expression_terms(synonym.phrase)
        expansions = [(expression_terms(e), e) for e in synonym.expansions]
        expansions = [(terms, written) for terms, written in expansions if terms and terms != phrase]
        if not phrase or not expansions:
            continue
        group = [(phrase, synonym.phrase), *expansions]
        sources = group if synonym.two_way else group[:1]
        for source, _written in sources:
            widened = table.setdefault(source, {})
            for terms, written in group:
                if terms != source:
                    widened.setdefault(" ".join(terms), written)
    return {source: tuple(widened.items()) for source, widened in table.items()}


def _plain_concepts(words: list[str], synonyms: tuple[SynonymDef, ...], parsed: ParsedQuery) -> list[Concept]:
    """One concept per typed word, except where a run of words is a synonym's expression: then one for
    the run, having either the words or one of what they also mean."""
    readings = [(w, r) for w in words if (r := read_word(w)) is not None]
    table = synonym_table(synonyms)
    longest = max((len(k) for k in table), default=0)
    concepts = []
    i = 0
    while i < len(readings):
        span = 1
        widened: tuple[tuple[str, str], ...] = ()
        for n in range(min(longest, len(readings) - i), 0, -1):
            found = table.get(tuple(r[0] for _w, r in readings[i : i + n]))
            if found:
                span, widened = n, found
                break
        run = readings[i : i + span]
        label = " ".join(w for w, _r in run)
        if span == 1:
            own, parts = run[0][1]
            alternatives = _word_alternatives(own, parts)
        else:
            alternatives = [_Alternative(tuple(r[0] for _w, r in run), 1.0)]
        alternatives += [_Alternative(tuple(terms.split()), SYNONYM_SHARE) for terms, _written in widened]
        concept = _concept(label, alternatives, tuple(written for _terms, written in widened))
        parsed.highlight_terms.update(concept.terms)
        concepts.append(concept)
        i += span
    return concepts


# -- the query --------------------------------------------------------------------------------------
def build_query(text: str, synonyms: tuple[SynonymDef, ...] = ()) -> ParsedQuery:
    """Read a cleaned user query; nothing searchable is left when it holds only stop words or signs."""
    parsed = ParsedQuery()
    plain_run: list[str] = []

    def flush_plain() -> None:
        parsed.concepts.extend(_plain_concepts(plain_run, synonyms, parsed))
        plain_run.clear()

    for match in _TOKEN.finditer(text):
        negated, quoted, word = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            terms = analyze(quoted)
            if not terms:
                continue
            flush_plain()
            phrase = _phrase(quoted)
            if negated:
                parsed.excluded.append(phrase.match)
            else:
                parsed.highlight_terms.update(phrase.terms)
                parsed.concepts.append(phrase)
            continue
        exclude = word.startswith("-") and len(word) > 1
        if exclude:
            word = word[1:]
        if word.endswith("*"):
            stem = "".join(fold(word.rstrip("*"))[:1])
            if len(stem) >= MIN_PREFIX:
                flush_plain()
                prefix = _prefix(word.rstrip("*"), stem)
                if exclude:
                    parsed.excluded.append(prefix.match)
                else:
                    parsed.highlight_prefixes.add(stem)
                    parsed.concepts.append(prefix)
            continue
        if exclude:
            flush_plain()
            excluded = [r for w in typed_words(word) if (r := read_word(w)) is not None]
            if excluded:
                parsed.excluded.append(_all([_term(own) for own, _parts in excluded]))
            continue
        words = typed_words(word)
        parsed.words.extend(w for w in fold(word) if read_word(w) is not None)
        plain_run.extend(words)
    flush_plain()

    parsed.concepts = parsed.concepts[:MAX_CONCEPTS]
    parsed.excluded = parsed.excluded[:MAX_CONCEPTS]
    return parsed


def _phrase(text: str) -> Concept:
    """A quoted phrase: the words in this order in one field (a single word is just that word)."""
    terms = [r[0] for w in typed_words(text) if (r := read_word(w)) is not None]
    if len(terms) == 1:
        concept = _concept(f"“{text.strip()}”", [_Alternative((terms[0],), 1.0)])
    else:
        per_field = {name: wq.Phrase(name, terms) for name in TEXT_FIELDS}
        concept = _fielded(f"“{text.strip()}”", per_field, terms=tuple(terms))
    return replace(concept, required=True)


def _fielded(label: str, per_field: dict[str, wq.Query], terms: tuple[str, ...] = ()) -> Concept:
    """A concept made of one query per field (a phrase, a prefix)."""
    return Concept(
        label,
        _any(list(per_field.values())),
        _any([per_field[name] for name in OWN_TEXT_FIELDS]),
        ((1.0, per_field),),
        terms=terms,
    )


def _prefix(typed: str, stem: str) -> Concept:
    """Words starting with ``stem``: matched against both the written words and the index terms (see
    ``Matcher``), so ``schrijf*`` finds 'schrijft' (term 'schrijven') and ``taal*`` finds 'taal'."""
    per_field = {name: wq.Prefix(name, stem, constantscore=True) for name in TEXT_FIELDS}
    return _fielded(f"{typed}*", per_field)
