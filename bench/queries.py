"""The searches the benchmark times: what staff type between two learners, in the four modes of issue 5."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (kind, text). Words from the catalogue's own vocabulary and texts; misspellings as people make them.
QUERIES: tuple[tuple[str, str], ...] = (
    *(
        ("one word", w)
        for w in (
            *("rekenen", "lezen", "schrijven", "digid", "smartphone", "geld", "taal", "inburgering"),
            *("formulieren", "e-mail", "nt2", "oefenen", "ouders", "gezondheid", "werk", "computer"),
            *("tablet", "voorlezen", "uitspraak", "woordenschat", "grammatica", "belastingdienst"),
            *("cursus", "vrijwilligers", "app"),
        )
    ),
    *(
        ("two words", w)
        for w in (
            "digitale vaardigheden",
            "nederlands leren",
            "omgaan geld",
            "lezen schrijven",
            "taal ouders",
            "rekenen werk",
            "online oefenen",
            "tweede taal",
            "gratis app",
            "begeleider handleiding",
        )
    ),
    *(
        ("phrase", w)
        for w in ('"omgaan met geld"', '"digitale overheid"', '"makkelijk lezen"', '"voor wie wil leren"')
    ),
    *(("prefix", w) for w in ("digi*", "reken*", "taal*", "oefen*", "schrijf*")),
    *(
        ("misspelling", w)
        for w in (
            "rekennen",
            "digitale vaardigheeden",
            "inburgring",
            "smarphone",
            "nederlans",
            "belastingdinst",
        )
    ),
)

# Two facet filters per search in modes (b) and (c): pairs that co-occur in the seed catalogue.
FILTER_PAIRS: tuple[tuple[str, str], ...] = (
    ("taal-nt2", "anderstaligen"),
    ("taal-nt1", "laaggeletterden"),
    ("digitale-vaardigheden", "ouderen"),
    ("rekenen", "laaggeletterden"),
    ("geldzaken", "laaggeletterden"),
    ("digitale-vaardigheden", "begeleiders"),
    ("taal-nt2", "nieuwkomers"),
)

# Words for warming an engine up without touching the timed queries' cache entries.
WARMUP_WORDS = ("bibliotheek", "spel", "video", "begeleiding", "website")

# The hardest texts to answer (issue 12): short prefixes that stand for hundreds of index terms, several
# prefixes at once, and phrases of common words, which are matched by position in whoosh.
HARD_QUERIES = (
    *(("prefix", w) for w in ("b*", "bu*", "bu* bul* bulk*", "o*", "ver*", "de*", "ta* re* di*")),
    *(
        ("phrase", w)
        for w in (
            '"voor wie wil leren"',
            '"in de bibliotheek"',
            '"lezen en schrijven"',
            '"de taal van de"',
            '"digitale vaardigheden" oefen*',
        )
    ),
)

MODES = {
    "a": "text only",
    "b": "text + 2 facet filters",
    "c": "(b) + counts for all facets",
    "d": "no text, all facet counts, by title, page 3",
    "e": "hardest prefixes and phrases, all facet counts",
}
# The modes every engine runs; (e) is Trefpunt's own worst case.
COMPARED_MODES = "abcd"


@dataclass(frozen=True)
class Case:
    """One timed search: URL arguments as the public search page gets them."""

    kind: str
    args: dict[str, list[str]]
    # Whether the caller wants facet counts. Trefpunt's engine always computes them; the references only
    # when asked, so (a) and (b) time them without counts.
    counts: bool

    @property
    def text(self) -> str:
        return self.args.get("q", [""])[0]

    @property
    def filters(self) -> dict[str, list[str]]:
        return {k: v for k, v in self.args.items() if k not in ("q", "sorteer", "pagina")}

    @property
    def sort(self) -> str:
        return self.args.get("sorteer", ["relevantie"])[0]

    @property
    def page(self) -> int:
        return int(self.args.get("pagina", ["1"])[0])


def cases(mode: str) -> list[Case]:
    """The searches of one mode, in a fixed shuffled order so any prefix of them is a fair sample."""
    if mode == "e":
        return [Case(kind, {"q": [text]}, counts=True) for kind, text in HARD_QUERIES]
    result: list[Case] = []
    for number, (kind, text) in enumerate(QUERIES):
        skill, audience = FILTER_PAIRS[number % len(FILTER_PAIRS)]
        if mode == "a":
            result.append(Case(kind, {"q": [text]}, counts=False))
        elif mode in ("b", "c"):
            args = {"q": [text], "vaardigheid": [skill], "doelgroep": [audience]}
            result.append(Case(kind, args, counts=mode == "c"))
        else:
            result.append(Case("browse", {"sorteer": ["titel"], "pagina": ["3"]}, counts=True))
    random.Random(5).shuffle(result)
    return result


def warmup_cases(mode: str) -> list[Case]:
    """Searches of the same shape as the mode's, with words the timed queries do not use."""
    result = []
    for case in cases(mode)[:5]:
        args = dict(case.args)
        if "q" in args:
            args["q"] = [WARMUP_WORDS[len(result)]]
        result.append(Case("warm-up", args, case.counts))
    return result


def http_paths() -> list[str]:
    """Search URLs with a query and three facets, for the load test (``/zoeken`` and the API share them)."""
    paths = []
    for number, (_kind, text) in enumerate(QUERIES):
        skill, audience = FILTER_PAIRS[number % len(FILTER_PAIRS)]
        cost = ("gratis", "bibliotheeklicentie", "betaald")[number % 3]
        q = text.replace('"', "%22").replace(" ", "+").replace("*", "%2A")
        paths.append(f"?q={q}&vaardigheid={skill}&doelgroep={audience}&kosten={cost}")
    return paths
