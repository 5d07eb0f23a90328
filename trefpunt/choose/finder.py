"""The guided finder ("keuzehulp"): plain answers about a learner, turned into a search and into reasons.

A volunteer need not know the vocabulary. Five questions, each skippable:

* what the learner wants to learn (the skill facet's terms),
* how well they speak and read Dutch, and whether they read the Latin alphabet (mapped onto levels),
* alone, with a volunteer or in a group (the setting facet's terms),
* what they have: a device, an e-mail address, DigiD ... (the needs facet's terms),
* whether it must be free for the learner (the cost terms that are free for the learner).

Some answers become filters of an ordinary search (skill, free, level, setting), each only when the search
still finds something with it, so the answers never end in an empty list; an answer that would empty it is
kept as a soft answer instead. What the learner has is always soft: a material that needs a computer *or*
a phone fits a learner with either, which an OR-within-facet filter cannot say. For every hit, ``explain``
tells which answers it matches, which it does not and where the catalogue does not say.

The answers travel with the search as one readable parameter (``keuzehulp=leren.rekenen_gratis.ja``), so
the search page can say "waarom dit past" and the link can be shared and refined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from trefpunt.catalog.cards import MaterialView
from trefpunt.catalog.facts import FREE_FOR_LEARNER
from trefpunt.catalog.vocabulary import FacetName, Vocabulary
from trefpunt.search import SearchRequest

# The search page's parameter that carries the answers.
PARAM = "keuzehulp"
# The finder form's parameters, one per question (also the names inside the marker).
LEARN, DUTCH, LATIN, TOGETHER, HAS, FREE = "leren", "nederlands", "alfabet", "samen", "heeft", "gratis"
QUESTIONS = (LEARN, DUTCH, LATIN, TOGETHER, HAS, FREE)
YES, NO = "ja", "nee"
# "Heeft": none of the listed things (different from skipping the question).
NONE_OF_THESE = "geen"
# The level answer, for reasons and filters (it combines the Dutch and the alphabet questions).
LEVEL = "niveau"

# How well the learner speaks and reads Dutch, in plain steps, and the levels each one fits. The keys are
# the level vocabulary's (CEFR for second-language learners, reference levels for native speakers); keys
# an editor removed are skipped.
DUTCH_LEVELS: dict[str, tuple[str, ...]] = {
    "geen": ("a0", "a1"),
    "beetje": ("a1", "a2"),
    "redelijk": ("a2", "b1"),
    "moedertaal": ("instroom", "1f"),
    "goed": (),
}
DUTCH_ANSWERS = tuple(DUTCH_LEVELS)
# Not reading the Latin alphabet: literacy first. A0 is the CEFR's literacy level for second-language
# learners; for a native speaker it is the entry reference level.
LATIN_SCRIPT_LEVELS: dict[str, tuple[str, ...]] = {"moedertaal": ("instroom",), "": ("a0",)}
# Devices are alternatives: a material that lists both runs on either.
DEVICES = frozenset({"computer", "smartphone-tablet"})
# The needs term for "nothing: paper" is no thing to have; it is not asked.
NOTHING_NEEDED = "niets"

# Marker syntax: answers joined by "_", an answer's name and values by "." (keys are [a-z0-9-]).
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_MARKER_LENGTH = 600


def free_cost_keys(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The cost terms that cost the learner nothing: "gratis voor de deelnemer" and the kinds under it
    (free for everyone, the library's licence, the library pays), read from the vocabulary's broader
    terms as it is now, not from what a label happens to say."""
    facet = vocabulary.by_name.get(FacetName.COST)
    if facet is None:
        return ()
    return tuple(t.key for t in facet.terms if not t.merged_into and FREE_FOR_LEARNER in (t.key, t.broader))


def free_cost_filter(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The free cost terms a search needs to name: a term under a broader free term is found through it,
    so the address stays short."""
    facet = vocabulary.by_name.get(FacetName.COST)
    if facet is None:
        return ()
    free = free_cost_keys(vocabulary)
    return tuple(t.key for t in facet.terms if t.key in free and t.broader not in free)


def has_options(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The needs terms the finder asks about: every current one but "nothing"."""
    facet = vocabulary.by_name.get(FacetName.NEEDS)
    if facet is None:
        return ()
    return tuple(t.key for t in facet.terms if not t.merged_into and not t.hidden and t.key != NOTHING_NEEDED)


def _terms(vocabulary: Vocabulary, facet_name: str) -> tuple[str, ...]:
    facet = vocabulary.by_name.get(facet_name)
    return () if facet is None else tuple(t.key for t in facet.terms if not t.merged_into and not t.hidden)


def learn_options(vocabulary: Vocabulary) -> tuple[str, ...]:
    return _terms(vocabulary, FacetName.SKILL)


def together_options(vocabulary: Vocabulary) -> tuple[str, ...]:
    return _terms(vocabulary, FacetName.SETTING)


@dataclass(frozen=True)
class Answers:
    """What the volunteer answered; an empty value is a skipped question."""

    learn: tuple[str, ...] = ()
    dutch: str = ""
    latin: str = ""
    together: str = ""
    # None: skipped. Empty: "none of these".
    has: tuple[str, ...] | None = None
    free: bool = False

    @property
    def empty(self) -> bool:
        return self == Answers()

    @classmethod
    def read(cls, getlist: Callable[[str], Sequence[str]], vocabulary: Vocabulary) -> Answers:
        """The answers in form parameters (``getlist(name)``); unknown values are dropped, never an error."""
        skill = vocabulary.by_name.get(FacetName.SKILL)
        setting = vocabulary.by_name.get(FacetName.SETTING)
        learn = _known(getlist(LEARN), skill.resolve if skill else None, learn_options(vocabulary))
        dutch = _last(getlist(DUTCH))
        latin = _last(getlist(LATIN))
        together = _known(
            getlist(TOGETHER), setting.resolve if setting else None, together_options(vocabulary)
        )
        raw_has = [v for raw in getlist(HAS) for v in str(raw).split(".") if v]
        has: tuple[str, ...] | None = None
        if raw_has:
            needs = vocabulary.by_name.get(FacetName.NEEDS)
            known = _known(raw_has, needs.resolve if needs else None, has_options(vocabulary))
            if known or NONE_OF_THESE in raw_has:
                has = known
        return cls(
            learn=learn,
            dutch=dutch if dutch in DUTCH_LEVELS else "",
            latin=latin if latin in (YES, NO) else "",
            together=together[0] if together else "",
            has=has,
            free=_last(getlist(FREE)) == YES,
        )

    @classmethod
    def decode(cls, marker: str, vocabulary: Vocabulary) -> Answers:
        """The answers a search's ``keuzehulp`` parameter carries (see ``encode``)."""
        parts: dict[str, list[str]] = {}
        for chunk in marker[:MAX_MARKER_LENGTH].split("_"):
            name, _, values = chunk.partition(".")
            if name in QUESTIONS:
                parts.setdefault(name, []).extend(values.split(".") if values else [])
        return cls.read(lambda name: parts.get(name, []), vocabulary)

    def encode(self) -> str:
        """``leren.rekenen.geldzaken_nederlands.beetje_...``: fixed order, skipped answers left out."""
        parts = []
        if self.learn:
            parts.append(".".join((LEARN, *self.learn)))
        if self.dutch:
            parts.append(f"{DUTCH}.{self.dutch}")
        if self.latin:
            parts.append(f"{LATIN}.{self.latin}")
        if self.together:
            parts.append(f"{TOGETHER}.{self.together}")
        if self.has is not None:
            parts.append(".".join((HAS, *(self.has or (NONE_OF_THESE,)))))
        if self.free:
            parts.append(f"{FREE}.{YES}")
        return "_".join(parts)

    def form_args(self) -> list[tuple[str, str]]:
        """The finder form's parameters for these answers: to open the questions again, filled in."""
        args = [(LEARN, key) for key in self.learn]
        args += [(DUTCH, self.dutch)] if self.dutch else []
        args += [(LATIN, self.latin)] if self.latin else []
        args += [(TOGETHER, self.together)] if self.together else []
        if self.has is not None:
            args += [(HAS, key) for key in self.has] or [(HAS, NONE_OF_THESE)]
        args += [(FREE, YES)] if self.free else []
        return args

    def levels(self, vocabulary: Vocabulary) -> tuple[str, ...]:
        """The levels the Dutch and alphabet answers fit (empty: no level wanted)."""
        if self.latin == NO:
            wanted = LATIN_SCRIPT_LEVELS.get(self.dutch, LATIN_SCRIPT_LEVELS[""])
        else:
            wanted = DUTCH_LEVELS.get(self.dutch, ())
        facet = vocabulary.by_name.get(FacetName.LEVEL)
        if facet is None:
            return ()
        return tuple(facet.order(k for k in (facet.resolve(w) for w in wanted) if k))


def _last(values: Sequence[str]) -> str:
    return str(values[-1]).strip().lower() if values else ""


def _known(
    values: Iterable[str], resolve: Callable[[str], str | None] | None, allowed: Sequence[str]
) -> tuple[str, ...]:
    if resolve is None:
        return ()
    wanted = set()
    for value in values:
        value = str(value).strip().lower()
        if _KEY.match(value):
            key = resolve(value)
            if key:
                wanted.add(key)
    return tuple(key for key in allowed if key in wanted)


# -- answers -> a search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """An answer that can narrow the search: its name (a question, or ``niveau``), facet and terms."""

    answer: str
    facet: str
    keys: tuple[str, ...]


def criteria(answers: Answers, vocabulary: Vocabulary) -> list[Criterion]:
    """The answers that can be filters, most important first: the order they are tried in."""
    found = []
    if answers.learn:
        found.append(Criterion(LEARN, FacetName.SKILL, answers.learn))
    if answers.free:
        free = free_cost_filter(vocabulary)
        if free:
            found.append(Criterion(FREE, FacetName.COST, free))
    levels = answers.levels(vocabulary)
    if levels:
        found.append(Criterion(LEVEL, FacetName.LEVEL, levels))
    if answers.together:
        found.append(Criterion(TOGETHER, FacetName.SETTING, (answers.together,)))
    return found


@dataclass(frozen=True)
class Plan:
    """The search the answers lead to, and which answers it could not use as filters."""

    request: SearchRequest
    applied: tuple[str, ...] = ()
    loosened: tuple[str, ...] = ()


def plan(answers: Answers, vocabulary: Vocabulary, count: Callable[[SearchRequest], int]) -> Plan:
    """Add the answers as filters one by one, most important first, each only when the search still finds
    something (``count``); an answer that would empty it is left soft and named in ``loosened``."""
    request = SearchRequest()
    applied: list[str] = []
    loosened: list[str] = []
    for criterion in criteria(answers, vocabulary):
        narrower = request.with_filter(criterion.facet, criterion.keys, vocabulary)
        if count(narrower):
            request = narrower
            applied.append(criterion.answer)
        else:
            loosened.append(criterion.answer)
    return Plan(request, tuple(applied), tuple(loosened))


# -- why a material fits --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """How one answer meets one material.

    ``fits`` is True (it matches), False (it does not) or None (the catalogue does not say). ``keys`` are
    the material's terms that say so: the ones that match, or, when it does not fit, what it has instead
    (for what the learner has: what the material needs that the learner lacks). ``facet`` names their facet.
    """

    answer: str
    fits: bool | None
    facet: str
    keys: tuple[str, ...] = field(default=())


def explain(answers: Answers, material: MaterialView, vocabulary: Vocabulary) -> list[Reason]:
    """Per answered question, whether ``material`` fits it, in the order of the questions.

    Reads only the material's term keys (the search's card holds them): no query per hit.
    """
    reasons = []
    if answers.learn:
        reasons.append(_overlap(LEARN, FacetName.SKILL, answers.learn, material))
    levels = answers.levels(vocabulary)
    if levels:
        reasons.append(_level(levels, material, vocabulary))
    if answers.together:
        reasons.append(_overlap(TOGETHER, FacetName.SETTING, (answers.together,), material))
    if answers.has is not None:
        reasons.append(_has(answers.has, material))
    if answers.free:
        reasons.append(_overlap(FREE, FacetName.COST, free_cost_keys(vocabulary), material))
    return reasons


def _overlap(answer: str, facet: str, wanted: Sequence[str], material: MaterialView) -> Reason:
    own = material.term_keys(facet)
    if not own:
        return Reason(answer, None, facet)
    matched = tuple(k for k in own if k in wanted)
    return Reason(answer, bool(matched), facet, matched or tuple(own))


def _level(wanted: Sequence[str], material: MaterialView, vocabulary: Vocabulary) -> Reason:
    """Levels compare within a scheme: a numeracy material at 1F says nothing about CEFR A1."""
    facet = vocabulary.facet(FacetName.LEVEL)
    schemes = {t.group_nl for t in (facet.term(k) for k in wanted) if t is not None}
    own = [k for k in material.term_keys(FacetName.LEVEL) if (t := facet.term(k)) and t.group_nl in schemes]
    if not own:
        return Reason(LEVEL, None, FacetName.LEVEL)
    matched = tuple(k for k in own if k in wanted)
    return Reason(LEVEL, bool(matched), FacetName.LEVEL, matched or tuple(own))


def _has(has: Sequence[str], material: MaterialView) -> Reason:
    """Everything the material needs, the learner has; of the devices it names, one is enough."""
    needs = [k for k in material.term_keys(FacetName.NEEDS) if k != NOTHING_NEEDED]
    if not needs:
        if NOTHING_NEEDED in material.term_keys(FacetName.NEEDS):
            return Reason(HAS, True, FacetName.NEEDS, (NOTHING_NEEDED,))
        return Reason(HAS, None, FacetName.NEEDS)
    devices = [k for k in needs if k in DEVICES]
    lacking = [k for k in needs if k not in DEVICES and k not in has]
    if devices and not any(k in has for k in devices):
        lacking = devices + lacking
    if lacking:
        return Reason(HAS, False, FacetName.NEEDS, tuple(lacking))
    return Reason(HAS, True, FacetName.NEEDS, tuple(needs))
