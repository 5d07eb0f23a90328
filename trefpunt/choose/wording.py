"""The finder's questions and reasons in plain words, in the visitor's language.

The domain (``finder``) speaks in term keys; this module words them for people who do not know the
vocabulary. A term without a plain wording here (one editors added later) is shown with its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from trefpunt.catalog.cards import MaterialView
from trefpunt.catalog.vocabulary import FacetName, Vocabulary

from . import finder

SKILL_WORDS = {
    "taal-nt1": _l("Beter lezen en schrijven (Nederlands is de moedertaal)"),
    "taal-nt2": _l("Nederlands leren als nieuwe taal"),
    "digitale-vaardigheden": _l("Omgaan met computer, telefoon en internet"),
    "digitale-overheid": _l("Zaken regelen met de overheid online, zoals met DigiD"),
    "werk-en-inkomen": _l("Werk vinden of houden"),
    "inburgering": _l("Inburgeren en meedoen in Nederland"),
}
SETTING_WORDS = {
    "zelfstandig": _l("Alleen, in eigen tempo"),
    "met-begeleider": _l("Met een vrijwilliger of taalmaatje"),
    "in-groep": _l("In een groep of les"),
}
DUTCH_WORDS = {
    "geen": _l("Spreekt nog (bijna) geen Nederlands"),
    "beetje": _l("Spreekt een beetje Nederlands: korte, eenvoudige zinnen"),
    "redelijk": _l("Spreekt redelijk Nederlands, maar het is niet de moedertaal"),
    "moedertaal": _l("Nederlands is de moedertaal, maar lezen en schrijven is moeilijk"),
    "goed": _l("Spreekt, leest en schrijft goed Nederlands"),
}
DUTCH_SHORT = {
    "geen": _l("spreekt nog geen Nederlands"),
    "beetje": _l("spreekt een beetje Nederlands"),
    "redelijk": _l("spreekt redelijk Nederlands"),
    "moedertaal": _l("moedertaal Nederlands, lezen en schrijven is moeilijk"),
    "goed": _l("spreekt en leest goed Nederlands"),
}


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def _term_label(vocabulary: Vocabulary, facet: str, key: str, locale: str) -> str:
    term = vocabulary.facet(facet).term(key) if facet in vocabulary.by_name else None
    return term.label(locale) if term is not None else key


def labels(vocabulary: Vocabulary, facet: str, keys: Sequence[str], locale: str) -> list[str]:
    return [_term_label(vocabulary, facet, key, locale) for key in keys]


def learn_options(vocabulary: Vocabulary, locale: str) -> list[Option]:
    return [
        Option(key, str(SKILL_WORDS.get(key) or _term_label(vocabulary, FacetName.SKILL, key, locale)))
        for key in finder.learn_options(vocabulary)
    ]


def together_options(vocabulary: Vocabulary, locale: str) -> list[Option]:
    return [
        Option(key, str(SETTING_WORDS.get(key) or _term_label(vocabulary, FacetName.SETTING, key, locale)))
        for key in finder.together_options(vocabulary)
    ]


def has_options(vocabulary: Vocabulary, locale: str) -> list[Option]:
    return [
        Option(key, _term_label(vocabulary, FacetName.NEEDS, key, locale))
        for key in finder.has_options(vocabulary)
    ]


def dutch_options() -> list[Option]:
    return [Option(key, str(DUTCH_WORDS[key])) for key in finder.DUTCH_ANSWERS]


def _or(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return gettext("%(some)s of %(last)s", some=", ".join(items[:-1]), last=items[-1])


def answer_text(answer: str, answers: finder.Answers, vocabulary: Vocabulary, locale: str) -> str:
    """One answer said back: "wil leren: Rekenen of Omgaan met geld"."""
    if answer == finder.LEARN:
        return gettext(
            "wil leren: %(what)s", what=_or(labels(vocabulary, FacetName.SKILL, answers.learn, locale))
        )
    if answer == finder.LEVEL:
        parts = [str(DUTCH_SHORT[answers.dutch])] if answers.dutch else []
        if answers.latin == finder.NO:
            parts.append(gettext("leest het Latijnse alfabet (nog) niet"))
        return "; ".join(parts)
    if answer == finder.TOGETHER:
        return gettext(
            "leert: %(how)s",
            how=str(
                SETTING_WORDS.get(answers.together)
                or _term_label(vocabulary, FacetName.SETTING, answers.together, locale)
            ).lower(),
        )
    if answer == finder.HAS:
        if not answers.has:
            return gettext("heeft geen apparaat of account uit de lijst")
        return gettext(
            "heeft: %(things)s", things=", ".join(labels(vocabulary, FacetName.NEEDS, answers.has, locale))
        )
    if answer == finder.FREE:
        return gettext("moet gratis zijn voor de cursist")
    return answer


def summary(answers: finder.Answers, vocabulary: Vocabulary, locale: str) -> list[str]:
    """Every given answer said back, in the order of the questions."""
    names = []
    if answers.learn:
        names.append(finder.LEARN)
    if answers.dutch or answers.latin == finder.NO:
        names.append(finder.LEVEL)
    if answers.together:
        names.append(finder.TOGETHER)
    if answers.has is not None:
        names.append(finder.HAS)
    if answers.free:
        names.append(finder.FREE)
    return [answer_text(name, answers, vocabulary, locale) for name in names]


@dataclass(frozen=True)
class Line:
    """One line of "waarom dit past": the answer and what the material says about it."""

    answer: str
    detail: str


@dataclass(frozen=True)
class Why:
    fits: list[Line]
    misfits: list[Line]
    unknown: list[Line]


def why(answers: finder.Answers, material: MaterialView, vocabulary: Vocabulary, locale: str) -> Why:
    """The reasons ``finder.explain`` gives for ``material``, worded."""
    fits, misfits, unknown = [], [], []
    for reason in finder.explain(answers, material, vocabulary):
        answer = answer_text(reason.answer, answers, vocabulary, locale)
        named = ", ".join(labels(vocabulary, reason.facet, reason.keys, locale))
        if reason.fits is None:
            unknown.append(Line(answer, gettext("niet bekend bij dit leermiddel")))
        elif reason.fits:
            fits.append(Line(answer, named))
        elif reason.answer == finder.HAS:
            misfits.append(Line(answer, gettext("nodig: %(things)s", things=named)))
        else:
            misfits.append(Line(answer, gettext("dit leermiddel: %(values)s", values=named)))
    return Why(fits, misfits, unknown)
