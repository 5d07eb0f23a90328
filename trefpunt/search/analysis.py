"""Dutch text analysis: lowercase, accent folding, lemmas for irregular forms, Snowball stemming.

The Snowball Dutch stemmer is shallow (``lees`` -> ``les`` but ``lezen`` -> ``lez``), so irregular and
conjugated forms are first mapped to one lemma. Multi-word synonyms (NT2 = Nederlands als tweede taal) are
expanded at query time by ``synonym_groups``, because a filter cannot emit a phrase for one token.
"""

from __future__ import annotations

import re
from functools import cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.formats import Positions
from whoosh.support.charset import accent_map

# Kept small on purpose: words a searcher types that the stemmer leaves apart from their lemma.
LEMMAS: dict[str, str] = {
    **dict.fromkeys(["lees", "leest", "las", "lazen", "gelezen", "lezer", "lezers"], "lezen"),
    **dict.fromkeys(["schrijf", "schrijft", "schreef", "schreven", "geschreven"], "schrijven"),
    **dict.fromkeys(["reken", "rekent", "rekende", "gerekend", "rekensommen", "sommen"], "rekenen"),
    **dict.fromkeys(["spreek", "spreekt", "sprak", "gesproken"], "spreken"),
    **dict.fromkeys(["luister", "luistert", "geluisterd"], "luisteren"),
    **dict.fromkeys(["oefen", "oefent", "geoefend", "oefening", "oefeningen"], "oefenen"),
    **dict.fromkeys(["leer", "leert", "leerde", "geleerd"], "leren"),
    **dict.fromkeys(["oudere", "ouderen", "senioren", "bejaarden", "65-plussers", "65-plusser"], "senior"),
    **dict.fromkeys(["kinderen", "kids"], "kind"),
    **dict.fromkeys(["telefoon", "telefoons", "mobiel", "mobieltje", "smartphones"], "smartphone"),
    **dict.fromkeys(["tablets", "ipad", "ipads"], "tablet"),
    **dict.fromkeys(["laptop", "laptops", "pc", "computers"], "computer"),
    **dict.fromkeys(["financien", "financieel", "financiele", "budget", "budgetteren"], "geld"),
    **dict.fromkeys(["gratis", "kosteloos"], "gratis"),
    **dict.fromkeys(
        ["vrijwilliger", "vrijwilligers", "taalvrijwilliger", "taalvrijwilligers"], "vrijwilliger"
    ),
    **dict.fromkeys(["taalcoach", "taalcoaches", "taalmaatje", "taalmaatjes"], "taalcoach"),
    **dict.fromkeys(
        ["inburgeraar", "inburgeraars", "nieuwkomer", "nieuwkomers", "statushouders"], "inburgeren"
    ),
}

# Each group: expressions that mean the same thing. Matched on analysed tokens, longest first.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("nt2", "nederlands als tweede taal", "tweede taal"),
    ("nt1", "nederlands als eerste taal", "moedertaal"),
    ("digivaardig", "digitaal vaardig", "digitale vaardigheden", "digitale vaardigheid"),
    ("digitale overheid", "e-overheid", "overheid online"),
    ("laaggeletterd", "laaggeletterdheid", "moeite met lezen en schrijven", "laaggeletterden"),
    ("makkelijk lezen", "eenvoudige taal", "makkelijke taal", "duidelijke taal", "taal op niveau b1"),
    ("erk", "cefr", "europees referentiekader"),
    ("knm", "kennis van de nederlandse maatschappij"),
    ("app", "applicatie"),
    ("e-learning", "elearning", "online cursus", "online training"),
)

STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "als",
        "bij",
        "dan",
        "dat",
        "de",
        "der",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hier",
        "hij",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "maar",
        "me",
        "met",
        "mijn",
        "na",
        "naar",
        "nog",
        "nu",
        "of",
        "om",
        "onder",
        "ons",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "voor",
        "want",
        "was",
        "wat",
        "we",
        "wie",
        "zo",
    ]
)

# Hyphens and dots stay inside words so "e-learning", "1f" and "oefenen.nl" stay whole.
TOKEN_PATTERN = r"\w+(?:[-.]\w+)*"
COMPOUND_SPLIT = re.compile(r"[-.]")


class CompoundFilter(Filter):
    """Indexes 'Taalklas.nl' and 'e-learning' whole, joined ('elearning') and by part ('taalklas', 'nl').

    All forms share the compound's position, so a query for any part, or for the solid spelling, finds it.
    The query side splits compounds into parts (see ``query_terms``), which every indexed compound has.
    """

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if "-" not in text and "." not in text:
                yield token
                continue
            parts = [p for p in COMPOUND_SPLIT.split(text) if p]
            forms = dict.fromkeys([text, "".join(parts), *parts])
            for form in forms:
                token.text = form
                yield token


class LemmaFilter(Filter):
    """Replaces a word by its lemma before stemming."""

    def __init__(self, lemmas: dict[str, str]):
        self.lemmas = lemmas

    def __eq__(self, other):
        return type(other) is type(self) and other.lemmas == self.lemmas

    def __call__(self, tokens):
        for token in tokens:
            token.text = self.lemmas.get(token.text, token.text)
            yield token


class MemoTokenizer(Tokenizer):
    """Tokenizes like ``RegexTokenizer(pattern) | filters``, remembering what the filters make of each word.

    A rebuild sends the same few thousand words through the filters millions of times, and a word's
    terms never depend on its neighbours; looking them up instead of running five generators per token
    halves a rebuild. Terms, positions (renumbered over stop words as ``StopFilter`` does) and character
    spans are those of the plain chain; calls asking for what the lookup does not model use the chain.
    """

    def __init__(
        self, pattern: str, filters: tuple[Filter, ...], *, renumber: bool, cachesize: int = 100_000
    ):
        self.pattern = pattern
        self.filters = filters
        self.renumber = renumber
        self.cachesize = cachesize
        self.is_morph = any(f.is_morph for f in filters)
        self._setup()

    def _setup(self) -> None:
        self.expression = re.compile(self.pattern)
        self.chain = RegexTokenizer(self.pattern)
        for f in self.filters:
            self.chain = self.chain | f
        self.cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self):
        # The schema, with its analyzers, is pickled into the index: leave the cache out.
        return {k: self.__dict__[k] for k in ("pattern", "filters", "renumber", "cachesize", "is_morph")}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other):
        return type(other) is type(self) and (other.pattern, other.filters, other.renumber) == (
            self.pattern,
            self.filters,
            self.renumber,
        )

    def clean(self) -> None:
        self.cache.clear()

    def terms_of(self, word: str) -> tuple[str, ...]:
        """What the filters make of one word the pattern matched."""
        terms = self.cache.get(word)
        if terms is None:
            token = Token(removestops=True, mode="index")
            token.text, token.boost, token.stopped = word, 1.0, False
            stream = iter([token])
            for f in self.filters:
                stream = f(stream)
            terms = tuple(t.text for t in stream)
            if len(self.cache) >= self.cachesize:
                self.cache.clear()
            self.cache[word] = terms
        return terms

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if keeporiginal or not removestops or not tokenize or kwargs.get("no_morph"):
            yield from self.chain(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        renumber = self.renumber
        pos = None
        for index, match in enumerate(self.expression.finditer(value)):
            terms = self.terms_of(match.group())
            if not terms:
                continue
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for text in terms:
                token.text, token.boost, token.stopped = text, 1.0, False
                if positions:
                    if not renumber:
                        token.pos = start_pos + index
                    elif pos is None:
                        pos = token.pos = start_pos + index
                    else:
                        pos += 1
                        token.pos = pos
                yield token

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions: what ``__call__`` yields, without a token each."""
        found: dict[str, list[int]] = {}
        pos = -1
        for index, match in enumerate(self.expression.finditer(value)):
            for text in self.terms_of(match.group()):
                pos = pos + 1 if self.renumber and pos >= 0 else index
                found.setdefault(text, []).append(pos)
        return found


class RememberedPositions(Positions):
    """Whoosh's ``Positions`` format, fed by ``MemoTokenizer.positions`` and remembering its encodings.

    Posting values are byte for byte whoosh's; most terms occur once or twice in a field, so the same
    few thousand position lists are encoded over and over in a rebuild.
    """

    cachesize = 100_000

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, MemoTokenizer) or not isinstance(value, str) or set(kwargs) - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encoded = self.__dict__.setdefault("_encoded", {})
        for text, positions in analyzer.positions(value).items():
            key = tuple(positions)
            data = encoded.get(key)
            if data is None:
                if len(encoded) >= self.cachesize:
                    encoded.clear()
                data = encoded[key] = self.encode(positions)
            yield text, len(positions), float(len(positions)) * boost, data

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_encoded"}


DUTCH_FILTERS = (
    LowercaseFilter(),
    CharsetFilter(accent_map),
    CompoundFilter(),
    StopFilter(stoplist=STOP_WORDS, minsize=1),
    LemmaFilter(LEMMAS),
    StemFilter(lang="nl", cachesize=0),
)
FOLDING_FILTERS = (LowercaseFilter(), CharsetFilter(accent_map))


def dutch_analyzer():
    """The analyzer of every full-text field: the same on the index and the query side."""
    return MemoTokenizer(TOKEN_PATTERN, DUTCH_FILTERS, renumber=True)


def folding_analyzer():
    """Lowercase and accent folding without stemming: for spelling suggestions and prefix search."""
    return MemoTokenizer(TOKEN_PATTERN, FOLDING_FILTERS, renumber=False)


@cache
def _dutch():
    return dutch_analyzer()


@cache
def _folding():
    return folding_analyzer()


def analyze(text: str) -> list[str]:
    """The index terms of ``text``."""
    return [t.text for t in _dutch()(text)]


def analyze_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """The index terms of ``text`` with the character span of the word each came from."""
    return [(t.text, t.startchar, t.endchar) for t in _dutch()(text, chars=True)]


def query_terms(text: str) -> list[str]:
    """The terms a query word stands for: compounds split into their parts, each analysed."""
    return analyze(COMPOUND_SPLIT.sub(" ", text))


def fold(text: str) -> list[str]:
    return [t.text for t in _folding()(text)]


@cache
def synonym_groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Every synonym group as analysed token tuples (empty expressions dropped)."""
    groups = []
    for group in SYNONYM_GROUPS:
        expressions = tuple(dict.fromkeys(tuple(query_terms(e)) for e in group if query_terms(e)))
        if len(expressions) > 1:
            groups.append(expressions)
    return tuple(groups)
