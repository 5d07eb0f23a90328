"""Where a material's facts come from, how sure we are of them, and what it costs the learner.

A volunteer acts on what a material page says. So each material keeps the source of its facts, a
certainty from a small closed set, and when (and by whom) they were last verified; the page says calmly
when a fact rests on the provider's word or on nobody's check. The cost facet answers the volunteer's
question "does the learner pay?" through a broader term: ``gratis`` (free for the learner) takes in the
three ways a learner gets something free.

Knows nothing of Flask: labels are message ids, translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a message for translation; views translate it when they show it."""
    return message


class Certainty(StrEnum):
    """How sure the catalogue is of a material's facts; the value is what files and the API carry."""

    # Checked against an independent source (the KB, a library network, a ministry).
    CERTAIN = "zeker"
    # Taken from the provider's own website or leaflet, and not checked elsewhere.
    PROVIDER = "volgens-aanbieder"
    # Probably right, but no source confirms it.
    LIKELY = "waarschijnlijk"
    # From general knowledge: nobody has checked it against a source.
    UNCHECKED = "niet-gecontroleerd"


# A material that says nothing about its facts has not been checked.
DEFAULT_CERTAINTY = Certainty.UNCHECKED

CERTAINTY_LABELS: dict[Certainty, str] = {
    Certainty.CERTAIN: N_("Gecontroleerd"),
    Certainty.PROVIDER: N_("Volgens de aanbieder"),
    Certainty.LIKELY: N_("Waarschijnlijk juist, niet bevestigd"),
    Certainty.UNCHECKED: N_("Niet gecontroleerd"),
}

# What the material page says under the facts when they are not certain: calm, and what to do about it.
CERTAINTY_NOTES: dict[Certainty, str] = {
    Certainty.PROVIDER: N_("Deze gegevens komen van de aanbieder zelf en zijn niet elders gecontroleerd."),
    Certainty.LIKELY: N_(
        "Deze gegevens zijn waarschijnlijk juist, maar geen bron bevestigt ze. "
        "Controleer ze voordat je het leermiddel aanraadt."
    ),
    Certainty.UNCHECKED: N_(
        "Deze gegevens zijn niet gecontroleerd. Controleer ze voordat je het leermiddel aanraadt."
    ),
}

MAX_SOURCE = 2000
MAX_VERIFIED_BY = 200
MAX_HOW_TO_GET = 300

# The cost facet's keys that the code itself reasons with (catalog_data/vocabularies.csv holds them all).
FREE_FOR_LEARNER = "gratis"
FREE_KINDS = ("gratis-voor-iedereen", "bibliotheeklicentie", "bibliotheek-betaalt")
LIBRARY_LICENCE = "bibliotheeklicentie"
PAID = "betaald"
LEARNER_PAYS = "deelnemer-betaalt"
COST_UNKNOWN = "onbekend"


def is_free_for_learner(cost_keys: list[str]) -> bool | None:
    """True when the learner pays nothing, False when someone asks money, None when nobody knows."""
    keys = set(cost_keys)
    if keys & {FREE_FOR_LEARNER, *FREE_KINDS}:
        return True
    if keys & {PAID, LEARNER_PAYS}:
        return False
    return None


def parse_certainty(value: str) -> Certainty | None:
    """The certainty a file or form names (its key, any case; empty: the default); None when unknown."""
    text = value.strip().lower()
    if not text:
        return DEFAULT_CERTAINTY
    try:
        return Certainty(text)
    except ValueError:
        return None


def parse_date(value: str) -> dt.date | None:
    """An ISO date (2026-11-24); raises ValueError for anything else."""
    return dt.date.fromisoformat(value.strip()) if value.strip() else None


# --- The facts file (catalog_data/facts/materials-facts.csv) read into the catalogue's model ---------------

GENERAL_KNOWLEDGE = "general knowledge"

# The facts file's cost texts, each read as one cost key. Where the file does not say who pays ("betaald"),
# the material says only that it is paid; "n.v.t." and "gratis/leden" do not answer the learner's question.
FACT_COSTS: dict[str, str] = {
    "gratis": "gratis-voor-iedereen",
    "gratis (kb-programma)": "gratis-voor-iedereen",
    "gratis (vrijwilligers getraind door l&s)": "gratis-voor-iedereen",
    "gratis/premium": "gratis-voor-iedereen",
    "gratis voor partners": FREE_FOR_LEARNER,
    "landelijk ingekocht via kb": LIBRARY_LICENCE,
    "landelijk ingekocht via kb (gratis voor leden)": LIBRARY_LICENCE,
    "landelijk ingekocht via kb (gratis voor leden t/m eind 2021)": LIBRARY_LICENCE,
    "landelijk (kb)": LIBRARY_LICENCE,
    "licentie voor bibliotheken": LIBRARY_LICENCE,
    "licentie voor bibliotheken (sinds 1-1-2016)": LIBRARY_LICENCE,
    "inbegrepen bij licentie": LIBRARY_LICENCE,
    "gratis (lenen)": "bibliotheek-betaalt",
    "gratis (in bibliotheek)": "bibliotheek-betaalt",
    "via startpakket/lidmaatschap": "bibliotheek-betaalt",
    "via gemeente/school": "bibliotheek-betaalt",
    "betaald": PAID,
    "betaald (pakket)": PAID,
    "betaald (via vve-locatie)": PAID,
    "betaald (lage bijdrage)": LEARNER_PAYS,
    "betaald (lidmaatschap)": LEARNER_PAYS,
    "betaald (lidmaatschap passend lezen)": LEARNER_PAYS,
    "gratis/leden": COST_UNKNOWN,
    "n.v.t.": COST_UNKNOWN,
    "onbekend": COST_UNKNOWN,
    "onbekend (in poi-startpakket rijnbrink)": COST_UNKNOWN,
}

_URL = re.compile(r"https?://\S+")


def fact_cost(text: str) -> str:
    """The cost key for a facts file's cost text; KeyError names a text nobody has read yet."""
    return FACT_COSTS[text.strip().lower()]


def fact_sources(source: str) -> list[str]:
    """The web addresses a facts row's source names (several are separated by " ; ")."""
    return _URL.findall(source)


def fact_certainty(row: dict[str, str], material_url: str = "") -> Certainty:
    """The certainty a facts row gives: general knowledge is unchecked, "likely" is likely; a certain fact
    is the provider's word when its only sources are pages of the material's own site, checked otherwise
    (a library network's page, a programme report)."""
    source = row.get("source", "").strip()
    if not source or source.lower() == GENERAL_KNOWLEDGE:
        return Certainty.UNCHECKED
    if row.get("certainty", "").strip().lower() != "certain":
        return Certainty.LIKELY
    sources, own = fact_sources(source), _host(material_url or row.get("url", ""))
    if own and sources and _URL.sub("", source).strip(" ;") == "" and all(_host(u) == own for u in sources):
        return Certainty.PROVIDER
    return Certainty.CERTAIN


def _host(url: str) -> str:
    match = re.match(r"https?://(?:www\.)?([^/:?#]+)", url.strip().lower())
    return match.group(1) if match else ""
