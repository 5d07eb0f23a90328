"""Saying a search back in words: "14 leermiddelen voor ‘digid’ — doelgroep: ouderen; kosten: gratis"."""

from __future__ import annotations

from collections.abc import Callable

from trefpunt.catalog.vocabulary import FacetDef, Vocabulary

from .request import SearchRequest


def _identity(text: str, **variables: object) -> str:
    return text % variables if variables else text


def _plural(singular: str, plural: str, num: int, **variables: object) -> str:
    return (singular if num == 1 else plural) % {"num": num, **variables}


def _label(facet: FacetDef, value: str, locale: str) -> str:
    term = facet.term(value) if facet.controlled else None
    return term.label(locale) if term is not None else value


def describe(
    request: SearchRequest,
    total: int,
    vocabulary: Vocabulary,
    *,
    locale: str = "nl",
    gettext: Callable[..., str] = _identity,
    ngettext: Callable[..., str] = _plural,
) -> str:
    """One sentence; the interface passes its gettext functions to say it in the visitor's language."""
    text = ngettext("%(num)d leermiddel", "%(num)d leermiddelen", total)
    if request.q:
        text += " " + gettext("voor ‘%(query)s’", query=request.q)
    parts = []
    for facet in vocabulary.facets:
        values = request.selected(facet.name)
        if not values:
            continue
        labels = [_label(facet, v, locale) for v in values]
        parts.append(f"{facet.label(locale).lower()}: {gettext(' of ').join(labels)}")
    if parts:
        text += " — " + "; ".join(parts)
    return text
