"""Controlled vocabularies and synonyms as an immutable snapshot, read from the database once per change.

The snapshot answers the questions every interface asks: which facet a URL parameter means, whether a key
exists (following merges), what a key is called in Dutch or English, and whether a level range is valid;
it also carries the editors' synonyms for the search. Each process keeps the last snapshot it read and
reuses it while the database's vocabulary version (bumped with every facet, term or synonym change, see
``models.VocabularyVersion``) stays the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from .models import VOCABULARY_CHANGED, Facet, Synonym, VocabularyVersion


class FacetName(StrEnum):
    """The facets the code itself names, as ``catalog_data/facets.csv`` seeds them (tests/test_facet_names.py
    checks the two agree). Editors may add facets; these must exist."""

    SKILL = "skill"
    LEVEL = "level"
    AUDIENCE = "audience"
    FORMAT = "format"
    SETTING = "setting"
    COST = "cost"
    LANGUAGE = "language"
    NEEDS = "needs"
    PROVIDER = "provider"


# Their URL parameters, for what is defined before a vocabulary can be read (the CLI's options).
FACET_PARAMS: dict[FacetName, str] = {
    FacetName.SKILL: "vaardigheid",
    FacetName.LEVEL: "niveau",
    FacetName.AUDIENCE: "doelgroep",
    FacetName.FORMAT: "vorm",
    FacetName.SETTING: "werkvorm",
    FacetName.COST: "kosten",
    FacetName.LANGUAGE: "taal",
    FacetName.NEEDS: "nodig",
    FacetName.PROVIDER: "aanbieder",
}
LEVEL_FACET = FacetName.LEVEL
PROVIDER_FACET = FacetName.PROVIDER


@dataclass(frozen=True)
class TermDef:
    key: str
    label_nl: str
    label_en: str
    group_nl: str = ""
    group_en: str = ""
    position: int = 0
    hidden: bool = False
    merged_into: str | None = None
    broader: str | None = None

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl

    def group(self, locale: str = "nl") -> str:
        return self.group_en if locale == "en" else self.group_nl


@dataclass(frozen=True)
class FacetDef:
    name: str
    param: str
    label_nl: str
    label_en: str
    kind: str = "controlled"
    terms: tuple[TermDef, ...] = ()
    _by_key: dict[str, TermDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({t.key: t for t in self.terms})

    @property
    def controlled(self) -> bool:
        return self.kind == "controlled"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl

    def term(self, key: str) -> TermDef | None:
        return self._by_key.get(key)

    def resolve(self, key: str) -> str | None:
        """The current key for ``key``, following merges; None when it is unknown."""
        seen: set[str] = set()
        term = self._by_key.get(key)
        while term is not None and term.merged_into and term.key not in seen:
            seen.add(term.key)
            term = self._by_key.get(term.merged_into)
        return term.key if term is not None else None

    def order(self, keys: Iterable[str]) -> list[str]:
        """Keys in vocabulary order, duplicates dropped."""
        wanted = set(keys)
        return [t.key for t in self.terms if t.key in wanted]

    def with_narrower(self, keys: Iterable[str]) -> list[str]:
        """``keys`` and every term under them (at any depth): what a search for ``keys`` finds."""
        found = list(dict.fromkeys(keys))
        for key in found:  # grows while it is read: each narrower term's own narrower terms follow
            found += [t.key for t in self.terms if t.broader == key and t.key not in found]
        return found

    @cached_property
    def has_narrower(self) -> frozenset[str]:
        """The keys that have narrower terms."""
        return frozenset(t.broader for t in self.terms if t.broader)


@dataclass(frozen=True)
class SynonymDef:
    """An everyday phrase and what it also means: one-way (phrase finds expansions) or two-way (all alike)."""

    phrase: str
    expansions: tuple[str, ...]
    two_way: bool


class Vocabulary:
    """All facets, in display order, and the synonyms, in the order editors added them."""

    def __init__(self, facets: list[FacetDef], synonyms: tuple[SynonymDef, ...] = ()):
        self.facets = tuple(facets)
        self.synonyms = tuple(synonyms)
        self.by_name = {f.name: f for f in self.facets}
        self.by_param = {f.param: f for f in self.facets}

    @cached_property
    def controlled(self) -> tuple[FacetDef, ...]:
        return tuple(f for f in self.facets if f.controlled)

    def facet(self, name: str) -> FacetDef:
        return self.by_name[name]

    def level_range_error(self, keys: list[str]) -> str | None:
        """Why ``keys`` is not an unbroken range of levels in each scheme it uses, or None when it is.

        One range per scheme: a reader of "Instroom-1F / A1-A2" keeps both the NT1 and the NT2 levels."""
        if not keys:
            return None
        levels = self.by_name[LEVEL_FACET]
        terms = [t for t in (levels.term(k) for k in keys) if t is not None]
        if len(terms) < len(keys):
            return None  # unknown keys are reported on their own
        for scheme in {t.group_nl for t in terms}:
            scheme_terms = [t for t in levels.terms if t.group_nl == scheme]
            index = sorted(scheme_terms.index(t) for t in set(terms) if t.group_nl == scheme)
            if index != list(range(index[0], index[-1] + 1)):
                return "een niveaubereik bevat elk niveau tussen het laagste en het hoogste"
        return None

    def level_range(self, low: str, high: str) -> list[str]:
        """Every level from ``low`` to ``high`` within their scheme (empty when they do not form one)."""
        levels = self.by_name[LEVEL_FACET]
        lo, hi = levels.term(low), levels.term(high)
        if lo is None or hi is None or lo.group_nl != hi.group_nl:
            return []
        scheme = [t for t in levels.terms if t.group_nl == lo.group_nl]
        i, j = scheme.index(lo), scheme.index(hi)
        return [t.key for t in scheme[min(i, j) : max(i, j) + 1]]


# Per database engine: (version, snapshot). Snapshots are immutable, so threads and requests share them.
_snapshots: WeakKeyDictionary[Engine, tuple[int, Vocabulary]] = WeakKeyDictionary()


# Built once and run on the connection: it is asked on every request, and composing it costs more than it.
VERSION_QUERY = select(VocabularyVersion.version).where(VocabularyVersion.id == 1)


def vocabulary_version(session: Session) -> int:
    """The number of the vocabulary as this session sees it; it changes with every committed change."""
    return session.connection().execute(VERSION_QUERY).scalar() or 0


def load_vocabulary(session: Session, *, version: int | None = None) -> Vocabulary:
    """The vocabulary as ``session`` sees it: this process's snapshot while the stored version is unchanged.

    ``version`` is the stored version when the caller has just read it (a request reads it once, with the
    journal's head). A session that has itself changed the vocabulary in its open transaction reads it
    afresh and caches nothing: what it sees may yet be rolled back.
    """
    if session.autoflush:
        session.flush()  # as a query would: a pending term change is then counted and seen
    if session.info.get(VOCABULARY_CHANGED):
        return read_vocabulary(session)
    engine = session.get_bind().engine  # an Engine's engine is itself
    # Version first: a change committed between the two reads is then at worst cached under the older
    # number, which no later reader asks for.
    if version is None:
        version = vocabulary_version(session)
    cached = _snapshots.get(engine)
    if cached is not None and cached[0] == version:
        return cached[1]
    vocabulary = read_vocabulary(session)
    _snapshots[engine] = (version, vocabulary)
    return vocabulary


def read_vocabulary(session: Session) -> Vocabulary:
    """The vocabulary read from the database now, bypassing the cache."""
    facets = session.scalars(select(Facet).options(selectinload(Facet.terms)).order_by(Facet.position))
    synonyms = session.scalars(select(Synonym).order_by(Synonym.id)).all()
    return Vocabulary(
        [
            FacetDef(
                name=f.name,
                param=f.param,
                label_nl=f.label_nl,
                label_en=f.label_en,
                kind=f.kind,
                terms=tuple(
                    TermDef(
                        key=t.key,
                        label_nl=t.label_nl,
                        label_en=t.label_en,
                        group_nl=t.group_nl,
                        group_en=t.group_en,
                        position=t.position,
                        hidden=t.hidden,
                        merged_into=t.merged_into,
                        broader=t.broader,
                    )
                    for t in f.terms
                ),
            )
            for f in facets
        ],
        tuple(SynonymDef(s.phrase, tuple(s.expansions), s.two_way) for s in synonyms),
    )
