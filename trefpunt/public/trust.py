"""What the material page says about how far its facts can be trusted, and how to get a material that
has no web address: the volunteer acts on the page, so it says calmly what is the provider's word or
nobody's check, and never leaves a material without a way to reach it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext

from trefpunt.catalog import facts
from trefpunt.catalog.models import Material

_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class Source:
    """One source of the facts: a web address (shown as a link) or the name of a document."""

    text: str
    href: str | None


@dataclass(frozen=True)
class Trust:
    certainty: facts.Certainty
    label: str  # "Volgens de aanbieder"
    note: str | None  # the calm sentence under the facts; None when they were checked
    sources: list[Source]
    verified_on: dt.date | None
    verified_by: str
    how_to_get: str | None


def trust(material: Material) -> Trust:
    """The material's certainty, sources, last check and how to get it, in the visitor's language."""
    certainty = facts.parse_certainty(material.certainty or "") or facts.DEFAULT_CERTAINTY
    note = facts.CERTAINTY_NOTES.get(certainty)
    return Trust(
        certainty=certainty,
        label=gettext(facts.CERTAINTY_LABELS[certainty]),
        note=gettext(note) if note else None,
        sources=sources(material.source or ""),
        verified_on=material.verified_on,
        verified_by=material.verified_by or "",
        how_to_get=how_to_get(material),
    )


def sources(text: str) -> list[Source]:
    """The sources as editors wrote them, one per ``;`` or line; a bare web address becomes a link."""
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    result = []
    for part in parts:
        address = part.split(" ", 1)[0]
        result.append(Source(part, address if _URL.match(address) else None))
    return result


def how_to_get(material: Material) -> str | None:
    """How a learner gets it: the editors' words when they wrote some; for a material without a web
    address, a rule from what the catalogue knows (a library licence, the provider), never a guess."""
    if material.how_to_get:
        return material.how_to_get
    if material.url:
        return None
    costs = material.term_keys("cost")
    if facts.LIBRARY_LICENCE in costs:
        return gettext(
            "Er is geen webadres bekend. De bibliotheek heeft hiervoor een licentie: vraag in de "
            "bibliotheek of het Taalhuis hoe de deelnemer toegang krijgt."
        )
    if material.provider:
        return gettext(
            "Er is geen webadres bekend. Vraag ernaar in de bibliotheek of het Taalhuis, of bij de "
            "aanbieder: %(provider)s.",
            provider=material.provider,
        )
    return gettext("Er is geen webadres bekend. Vraag ernaar in de bibliotheek of het Taalhuis.")
