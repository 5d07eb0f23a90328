"""The material form: WTForms for the text fields, vocabulary choices read from the database per request.

The form only translates between what the browser sends and a ``MaterialRecord``; every rule about what
makes a record valid lives in ``catalog.records.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from trefpunt.catalog.errors import FieldError
from trefpunt.catalog.records import MaterialRecord, slugify, split_list
from trefpunt.catalog.vocabulary import LEVEL_FACET, FacetDef, FacetName, TermDef, Vocabulary

TEXT_FIELDS = ("title", "slug", "provider", "url", "summary", "description", "keywords")
SINGLE_CHOICE = (FacetName.COST,)  # facets that take exactly one value: radio buttons


class MaterialForm(FlaskForm):
    title = StringField(_l("Titel"))
    slug = StringField(_l("Slug (deel van het webadres)"))
    provider = StringField(_l("Aanbieder"))
    url = StringField(_l("Webadres"))
    summary = TextAreaField(_l("Samenvatting"))
    description = TextAreaField(_l("Beschrijving"))
    keywords = StringField(_l("Trefwoorden"))
    # The level picker: rendered as selects by the template, from ``Choices.schemes`` and ``.levels``.
    level_scheme = StringField(_l("Niveauschaal"))
    level_from = StringField(_l("Van niveau"))
    level_to = StringField(_l("Tot en met niveau"))
    version = HiddenField()
    # The version of the material's waiting change the form was filled from (review before publishing).
    change_version = HiddenField()
    not_a_duplicate = BooleanField(_l("Ik heb gekeken: dit is een ander leermiddel. Toch opslaan."))


@dataclass
class FacetChoices:
    """One facet's checkboxes (or radio buttons): the terms on offer and which are chosen."""

    facet: FacetDef
    terms: list[TermDef]
    selected: list[str]

    @property
    def single(self) -> bool:
        return self.facet.name in SINGLE_CHOICE


@dataclass
class Choices:
    facets: list[FacetChoices] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    levels: list[TermDef] = field(default_factory=list)


def offered(facet: FacetDef, selected: list[str]) -> list[TermDef]:
    """Terms to offer: not merged away, and hidden ones only where the material already has them."""
    return [t for t in facet.terms if not t.merged_into and (not t.hidden or t.key in selected)]


def choices(form: MaterialForm, selections: dict[str, list[str]], vocabulary: Vocabulary) -> Choices:
    """The level picker's options and the facet checkboxes for ``selections``."""
    result = Choices()
    for facet in vocabulary.controlled:
        if facet.name == LEVEL_FACET:
            continue
        chosen = selections.get(facet.param, [])
        result.facets.append(FacetChoices(facet, offered(facet, chosen), chosen))
    levels = vocabulary.facet(LEVEL_FACET)
    picked = [form.level_from.data, form.level_to.data]
    result.levels = offered(levels, [k for k in picked if k])
    result.schemes = list(dict.fromkeys(t.group_nl for t in result.levels))
    return result


def form_for(
    record: MaterialRecord, vocabulary: Vocabulary, version: int | None
) -> tuple[MaterialForm, dict]:
    """A filled form for a stored (or new) record."""
    levels = record.facets.get(vocabulary.facet(LEVEL_FACET).param, [])
    level_terms = [vocabulary.facet(LEVEL_FACET).term(k) for k in levels]
    form = MaterialForm(
        data={
            "title": record.title,
            "slug": record.slug,
            "provider": record.provider,
            "url": record.url,
            "summary": record.summary,
            "description": record.description,
            "keywords": "; ".join(record.keywords),
            "level_scheme": level_terms[0].group_nl if level_terms and level_terms[0] else "",
            "level_from": levels[0] if levels else "",
            "level_to": levels[-1] if levels else "",
            "version": "" if version is None else str(version),
        }
    )
    selections = {p: list(keys) for p, keys in record.facets.items()}
    return form, selections


def selections_from(formdata, vocabulary: Vocabulary) -> dict[str, list[str]]:
    """The checked terms per facet parameter, as sent by the browser."""
    return {
        f.param: [v for v in formdata.getlist(f.param) if v]
        for f in vocabulary.controlled
        if f.name != LEVEL_FACET
    }


def record_from(
    form: MaterialForm, selections: dict[str, list[str]], vocabulary: Vocabulary, status: str
) -> tuple[MaterialRecord, list[FieldError]]:
    """The record the editor asked for, and the problems only the form can see (the level picker)."""
    levels, errors = level_range(form, vocabulary)
    facets = dict(selections)
    facets[vocabulary.facet(LEVEL_FACET).param] = levels
    title = (form.title.data or "").strip()
    record = MaterialRecord(
        slug=(form.slug.data or "").strip().lower() or slugify(title),
        title=title,
        # As the browser sends it, a line break is two characters; the counter and the limit count one.
        summary=(form.summary.data or "").strip().replace("\r\n", "\n"),
        description=(form.description.data or "").strip().replace("\r\n", "\n"),
        provider=(form.provider.data or "").strip(),
        url=(form.url.data or "").strip(),
        keywords=[k.lower() for k in split_list((form.keywords.data or "").replace(",", ";"))],
        status=status,
        facets=facets,
    )
    return record, errors


def level_range(form: MaterialForm, vocabulary: Vocabulary) -> tuple[list[str], list[FieldError]]:
    """Every level from the picker's "from" to its "to", within the chosen scheme."""
    levels = vocabulary.facet(LEVEL_FACET)
    param = levels.param
    low, high = form.level_from.data or "", form.level_to.data or ""
    scheme = form.level_scheme.data or ""
    if not low and not high:
        return [], []
    low, high = low or high, high or low
    lo, hi = levels.term(low), levels.term(high)
    if lo is None or hi is None:
        return [], [FieldError(param, "kies niveaus uit de lijst")]
    if lo.group_nl != hi.group_nl:
        return [], [FieldError(param, "‘van’ en ‘tot en met’ horen bij dezelfde niveauschaal")]
    if scheme and lo.group_nl != scheme:
        return [], [FieldError(param, f"de gekozen niveaus horen niet bij de schaal ‘{scheme}’")]
    return vocabulary.level_range(low, high), []


def anchor(field_name: str, vocabulary: Vocabulary, picked: Choices) -> str:
    """The id of the input an error about ``field_name`` links to from the summary."""
    if field_name in TEXT_FIELDS:
        return field_name
    if field_name == vocabulary.facet(LEVEL_FACET).param:
        return "level_scheme"
    for group in picked.facets:
        if group.facet.param == field_name and group.terms:
            return f"{group.facet.param}-{group.terms[0].key}"
    return "title"
