"""What the material page says about a material: its facts in plain words, each a way into the search,
and the same facts for machines as schema.org ``LearningResource``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flask_babel import gettext

from trefpunt.catalog.cards import MaterialView, TermView
from trefpunt.catalog.facts import is_free_for_learner
from trefpunt.catalog.models import Material, Term
from trefpunt.catalog.vocabulary import LEVEL_FACET, Vocabulary
from trefpunt.search import SearchRequest

from .links import Link, request_href

# The order a reader asks in: what is it, what does it teach, for whom, how hard, how, with what, what cost.
FACT_ORDER = ("format", "skill", "audience", "level", "setting", "needs", "cost", "language")
ONLY_DUTCH = "nederlands"


@dataclass(frozen=True)
class Fact:
    name: str  # facet name; the template words the question
    values: list[Link]


def facts(material: Material, vocabulary: Vocabulary, locale: str, base: str) -> list[Fact]:
    """The material's controlled facets, each value linking to the search for it; empty facets left out."""
    found = []
    for name in FACT_ORDER:
        terms = material.terms_of(name)
        if not terms:
            continue
        if name == LEVEL_FACET:
            values = _level_ranges(terms, vocabulary, locale, base)
        else:
            values = [_search_link(name, [t.key], _label(t, locale), vocabulary, base) for t in terms]
        if name == "language" and [t.key for t in terms] == [ONLY_DUTCH]:
            name = "language_only_dutch"  # "Taal: Alleen Nederlands", not "Uitleg ook in: Alleen Nederlands"
        found.append(Fact(name, values))
    return found


def provider_link(material: Material, vocabulary: Vocabulary, base: str) -> Link | None:
    if not material.provider:
        return None
    return _search_link("provider", [material.provider], material.provider, vocabulary, base)


def _search_link(facet_name: str, values: list[str], label: str, vocabulary: Vocabulary, base: str) -> Link:
    request = SearchRequest().with_filter(facet_name, values, vocabulary)
    return Link(label, request_href(base, request, vocabulary))


def _label(term: TermView, locale: str) -> str:
    return term.label_en if locale == "en" else term.label_nl


def _level_ranges(terms: Sequence[TermView], vocabulary: Vocabulary, locale: str, base: str) -> list[Link]:
    """Levels said per scheme as a range: "ERK (NT2): A1 tot en met B1"."""
    return [
        _search_link(LEVEL_FACET, keys, f"{scheme}: {text}" if scheme else text, vocabulary, base)
        for scheme, text, keys in _schemes(terms, vocabulary, locale)
    ]


def _schemes(
    terms: Sequence[TermView], vocabulary: Vocabulary, locale: str
) -> Iterator[tuple[str, str, list[str]]]:
    """(scheme, "A1 tot en met B1", keys) per level scheme of ``terms``, in vocabulary order."""
    levels = vocabulary.facet(LEVEL_FACET)
    by_scheme: dict[str, list[TermView]] = {}
    for term in terms:
        by_scheme.setdefault(term.group_nl, []).append(term)
    for scheme_terms in by_scheme.values():
        keys = levels.order(t.key for t in scheme_terms)
        by_key = {t.key: t for t in scheme_terms}
        names = [_label(by_key[k], locale) for k in keys]
        if len(names) > 1 and vocabulary.level_range_error(keys) is None:
            text = gettext("%(low)s tot en met %(high)s", low=names[0], high=names[-1])
        else:
            text = ", ".join(names)
        first = by_key[keys[0]] if keys else scheme_terms[0]
        yield (first.group_en if locale == "en" else first.group_nl), text, keys


@dataclass(frozen=True)
class Card:
    """What a result list shows of a material beside its title and summary."""

    skills: list[str]
    levels: list[str]
    formats: list[str]
    cost: str
    # For whom and how it is used: without them a youth programme and a senior course look alike.
    audiences: list[str]
    settings: list[str]


def card(material: MaterialView, vocabulary: Vocabulary, locale: str) -> Card:
    """Labels from the terms the search's card of the material holds: no queries."""
    return Card(
        skills=[_label(t, locale) for t in material.terms_of("skill")],
        levels=[
            text for _scheme, text, _keys in _schemes(material.terms_of(LEVEL_FACET), vocabulary, locale)
        ],
        formats=[_label(t, locale) for t in material.terms_of("format")],
        cost=", ".join(_label(t, locale) for t in material.terms_of("cost")),
        audiences=[_label(t, locale) for t in material.terms_of("audience")],
        settings=[_label(t, locale) for t in material.terms_of("setting")],
    )


def learning_resource(material: Material, page_url: str) -> dict:
    """schema.org LearningResource, in Dutch like the material itself; rendered with ``|tojson``."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": page_url,
        "mainEntityOfPage": page_url,
        "name": material.title,
        "description": material.summary,
        "inLanguage": "nl",
        "dateModified": material.updated_at.date().isoformat(),
    }
    if material.url:
        data["url"] = material.url
    if material.provider:
        data["provider"] = {"@type": "Organization", "name": material.provider}
    terms = {name: material.terms_of(name) for name in FACT_ORDER}
    if terms["skill"]:
        data["about"] = [_defined_term(t) for t in terms["skill"]]
    if terms["level"]:
        data["educationalLevel"] = [_defined_term(t) for t in terms["level"]]
    if terms["format"]:
        data["learningResourceType"] = [t.label_nl for t in terms["format"]]
    if terms["audience"]:
        data["audience"] = [
            {"@type": "EducationalAudience", "audienceType": t.label_nl} for t in terms["audience"]
        ]
    free = is_free_for_learner([t.key for t in terms["cost"]])
    if free is not None:
        data["isAccessibleForFree"] = free
    if material.keywords:
        data["keywords"] = ", ".join(material.keywords)
    return data


def _defined_term(term: Term) -> dict:
    entry = {"@type": "DefinedTerm", "name": term.label_nl, "termCode": term.key}
    if term.group_nl:
        entry["inDefinedTermSet"] = term.group_nl
    return entry
