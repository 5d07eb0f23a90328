"""Dutch text analysis: lowercase, accent folding, lemmas for irregular forms, Snowball stemming.

The Snowball Dutch stemmer is shallow (``lees`` -> ``les`` but ``lezen`` -> ``lez``), so irregular and
conjugated forms are first mapped to one lemma. Multi-word synonyms (NT2 = Nederlands als tweede taal) are
expanded at query time by ``synonym_groups``, because a filter cannot emit a phrase for one token.
"""

from __future__ import annotations

import re
from functools import cache

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
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


def dutch_analyzer():
    """The analyzer of every full-text field: the same on the index and the query side."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | CompoundFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | LemmaFilter(LEMMAS)
        | StemFilter(lang="nl", cachesize=50_000)
    )


def folding_analyzer():
    """Lowercase and accent folding without stemming: for spelling suggestions and prefix search."""
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


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
