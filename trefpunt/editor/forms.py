"""The material form: WTForms for the text fields, vocabulary choices read from the database per request.

The form only translates between what the browser sends and a ``MaterialRecord``; every rule about what
makes a record valid lives in ``catalog.records.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from trefpunt.catalog import facts
from trefpunt.catalog.errors import FieldError
from trefpunt.catalog.records import MaterialRecord, slugify, split_list
from trefpunt.catalog.vocabulary import LEVEL_FACET, FacetDef, FacetName, TermDef, Vocabulary

TEXT_FIELDS = ("title", "slug", "provider", "url", "summary", "description", "keywords")
FACT_FIELDS = ("source", "certainty", "verified_on", "verified_by", "how_to_get")
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
    # A second range in another scheme, for a material with both NT1 and NT2 levels ("Instroom-1F / A1-A2").
    level_scheme2 = StringField(_l("Tweede niveauschaal"))
    level_from2 = StringField(_l("Van niveau (tweede schaal)"))
    level_to2 = StringField(_l("Tot en met niveau (tweede schaal)"))
    # Where the facts come from and how sure they are (catalog/facts.py).
    source = TextAreaField(_l("Bron van de gegevens"))
    certainty = SelectField(
        _l("Zekerheid"),
        choices=[SelectChoice(c.value, _l(label)) for c, label in facts.CERTAINTY_LABELS.items()],
    )
    verified_on = StringField(_l("Gecontroleerd op"))
    verified_by = StringField(_l("Gecontroleerd door"))
    how_to_get = StringField(_l("Zo kom je eraan"))
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
    picked = [form.level_from.data, form.level_to.data, form.level_from2.data, form.level_to2.data]
    result.levels = offered(levels, [k for k in picked if k])
    result.schemes = list(dict.fromkeys(t.group_nl for t in result.levels))
    return result


def form_for(
    record: MaterialRecord, vocabulary: Vocabulary, version: int | None
) -> tuple[MaterialForm, dict]:
    """A filled form for a stored (or new) record."""
    all_levels = record.facets.get(vocabulary.facet(LEVEL_FACET).param, [])
    by_scheme: dict[str, list[str]] = {}
    for key in all_levels:
        term = vocabulary.facet(LEVEL_FACET).term(key)
        by_scheme.setdefault(term.group_nl if term else "", []).append(key)
    ranges = list(by_scheme.items()) + [("", [])] * 2
    (scheme, levels), (scheme2, levels2) = ranges[0], ranges[1]
    form = MaterialForm(
        data={
            "title": record.title,
            "slug": record.slug,
            "provider": record.provider,
            "url": record.url,
            "summary": record.summary,
            "description": record.description,
            "keywords": "; ".join(record.keywords),
            **{name: getattr(record, name) for name in FACT_FIELDS},
            "level_scheme": scheme,
            "level_from": levels[0] if levels else "",
            "level_to": levels[-1] if levels else "",
            "level_scheme2": scheme2,
            "level_from2": levels2[0] if levels2 else "",
            "level_to2": levels2[-1] if levels2 else "",
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
    second, second_errors = level_range(form, vocabulary, "2")
    levels = vocabulary.facet(LEVEL_FACET).order([*levels, *second])
    errors += second_errors
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
        source=(form.source.data or "").strip().replace("\r\n", "\n"),
        certainty=(form.certainty.data or "").strip(),
        verified_on=(form.verified_on.data or "").strip(),
        verified_by=(form.verified_by.data or "").strip(),
        how_to_get=(form.how_to_get.data or "").strip(),
    )
    return record, errors


def level_range(
    form: MaterialForm, vocabulary: Vocabulary, picker: str = ""
) -> tuple[list[str], list[FieldError]]:
    """Every level from the picker's "from" to its "to", within the chosen scheme (``picker`` "2": the
    second range)."""
    levels = vocabulary.facet(LEVEL_FACET)
    param = levels.param
    low, high = form[f"level_from{picker}"].data or "", form[f"level_to{picker}"].data or ""
    scheme = form[f"level_scheme{picker}"].data or ""
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
    if field_name in TEXT_FIELDS or field_name in FACT_FIELDS:
        return field_name
    if field_name == vocabulary.facet(LEVEL_FACET).param:
        return "level_scheme"
    for group in picked.facets:
        if group.facet.param == field_name and group.terms:
            return f"{group.facet.param}-{group.terms[0].key}"
    return "title"
