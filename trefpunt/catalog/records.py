"""The exchange record: a material as editors, files and the API see it, and its validation.

One record shape serves CSV, JSON Lines, the seed catalogue and revisions, so a round trip through any of
them keeps everything.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from trefpunt.inputs import control_character

from . import facts
from .errors import FieldError
from .models import Status
from .vocabulary import LEVEL_FACET, FacetName, Vocabulary

TEXT_COLUMNS = ("slug", "title", "summary", "description", "provider", "url", "keywords", "status")
# Where the facts come from and how sure they are (catalog/facts.py); after the facets in files.
FACT_COLUMNS = ("source", "certainty", "verified_on", "verified_by", "how_to_get")
LIST_SEPARATOR = ";"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_DESCRIPTION = 20_000
MAX_PROVIDER = 200
MAX_URL = 500
MAX_SLUG = 120
MAX_KEYWORDS = 30
MAX_KEYWORD = 100  # one keyword (a word or a short phrase)


def columns(vocabulary: Vocabulary) -> list[str]:
    """The exchange columns: the text columns, one per controlled facet by URL parameter, then the facts'."""
    return [*TEXT_COLUMNS, *(f.param for f in vocabulary.controlled), *FACT_COLUMNS]


def slugify(text: str) -> str:
    # Accents are dropped (é -> e); other non-ASCII punctuation and symbols (en dash, ·) separate words.
    ascii_text = "".join(
        c if c.isascii() else ("" if unicodedata.category(c)[0] in "LMN" else " ")
        for c in unicodedata.normalize("NFKD", text)
    )
    ascii_text = ascii_text.replace("&", " en ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


def split_list(value: object) -> list[str]:
    """A list from a list, or from a ``;``-separated string; blanks dropped, order kept."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(LIST_SEPARATOR)
    result: list[str] = []
    for item in items:
        item = str(item).strip()
        if item and item not in result:
            result.append(item)
    return result


@dataclass
class MaterialRecord:
    slug: str
    title: str
    summary: str = ""
    description: str = ""
    provider: str = ""
    url: str = ""
    keywords: list[str] = field(default_factory=list)
    status: str = Status.DRAFT.value
    # Vocabulary keys per facet, keyed by the facet's URL parameter (vaardigheid, niveau, ...).
    facets: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""
    certainty: str = facts.DEFAULT_CERTAINTY.value
    verified_on: str = ""  # ISO date, as files carry it
    verified_by: str = ""
    how_to_get: str = ""

    @classmethod
    def from_mapping(cls, data: dict, vocabulary: Vocabulary) -> MaterialRecord:
        """Read a record from a CSV row or a JSON object; types are coerced, nothing is validated."""

        def text(name: str) -> str:
            value = data.get(name)
            return "" if value is None else str(value).strip()

        title = text("title")
        return cls(
            slug=text("slug") or slugify(title),
            title=title,
            summary=text("summary"),
            description=str(data.get("description") or "").strip().replace("\r\n", "\n"),
            provider=text("provider"),
            url=text("url"),
            keywords=split_list([k.lower() for k in split_list(data.get("keywords"))]),
            status=text("status").lower() or Status.DRAFT.value,
            facets={f.param: split_list(data.get(f.param)) for f in vocabulary.controlled},
            source=str(data.get("source") or "").strip().replace("\r\n", "\n"),
            certainty=text("certainty").lower() or facts.DEFAULT_CERTAINTY.value,
            verified_on=text("verified_on"),
            verified_by=text("verified_by"),
            how_to_get=text("how_to_get"),
        )

    def to_dict(self, vocabulary: Vocabulary) -> dict:
        """The JSON shape: fixed key order, facets in vocabulary order."""
        result: dict = {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "description": self.description,
            "provider": self.provider,
            "url": self.url,
            "keywords": list(self.keywords),
            "status": self.status,
        }
        for facet in vocabulary.controlled:
            result[facet.param] = list(self.facets.get(facet.param, []))
        for name in FACT_COLUMNS:
            result[name] = getattr(self, name)
        return result

    def to_row(self, vocabulary: Vocabulary) -> dict[str, str]:
        """The CSV shape: lists joined with ``;``."""
        return {
            key: LIST_SEPARATOR.join(value) if isinstance(value, list) else value
            for key, value in self.to_dict(vocabulary).items()
        }


def validate(record: MaterialRecord, vocabulary: Vocabulary) -> tuple[MaterialRecord, list[FieldError]]:
    """Check a record; return it with keys resolved (merged terms, vocabulary order) and the errors."""
    errors: list[FieldError] = []

    def error(column: str, message: str) -> None:
        errors.append(FieldError(column, message))

    def too_long(column: str, what: str, value: str, maximum: int) -> bool:
        # Say how long it is, so the editor knows how much to cut; nothing is cut for them.
        if len(value) > maximum:
            error(column, f"{what} is {len(value)} tekens; het maximum is {maximum}")
        return len(value) > maximum

    if not record.title:
        error("title", "een titel is verplicht")
    else:
        too_long("title", "de titel", record.title, MAX_TITLE)
    # The slug is made from the title: without either, the title's error says it all.
    if not record.slug and record.title:
        error("slug", "een slug is verplicht (of een titel om hem van te maken)")
    elif (
        record.slug
        and not too_long("slug", "de slug", record.slug, MAX_SLUG)
        and not SLUG_PATTERN.match(record.slug)
    ):
        error("slug", "alleen kleine letters, cijfers en koppeltekens, zoals 'klik-en-tik'")
    too_long("summary", "de samenvatting", record.summary, MAX_SUMMARY)
    too_long("description", "de beschrijving", record.description, MAX_DESCRIPTION)
    too_long("provider", "de aanbieder", record.provider, MAX_PROVIDER)
    if (
        record.url
        and not too_long("url", "het webadres", record.url, MAX_URL)
        and not is_web_address(record.url)
    ):
        error("url", "geen geldig webadres: begin met http:// of https://")
    if len(record.keywords) > MAX_KEYWORDS:
        error("keywords", f"{len(record.keywords)} trefwoorden; het maximum is {MAX_KEYWORDS}")
    for keyword in record.keywords:
        too_long("keywords", f"het trefwoord '{keyword[:30]}…'", keyword, MAX_KEYWORD)
    if record.status not in {s.value for s in Status}:
        error("status", f"onbekende status '{record.status}': kies draft, published of archived")
    _check_facts(record, error)
    for column in (*TEXT_COLUMNS, *FACT_COLUMNS):
        value = getattr(record, column)
        character = control_character(value if isinstance(value, str) else "".join(value))
        if character:
            error(column, f"bevat een onzichtbaar stuurteken ({character}); haal het weg")

    resolved: dict[str, list[str]] = {}
    for facet in vocabulary.controlled:
        keys = []
        for key in record.facets.get(facet.param, []):
            current = facet.resolve(key.lower())
            if current is None:
                error(facet.param, f"onbekende waarde '{key}'")
            else:
                keys.append(current)
        resolved[facet.param] = facet.order(keys)

    level_param = vocabulary.facet(LEVEL_FACET).param
    problem = vocabulary.level_range_error(resolved.get(level_param, []))
    if problem:
        error(level_param, problem)
    cost_param = vocabulary.facet(FacetName.COST).param
    if len(resolved.get(cost_param, [])) > 1:
        error(cost_param, "kies precies één soort kosten")
    unbound = [k for k in resolved.get(level_param, []) if k in NOT_A_LEVEL]
    if unbound and len(resolved[level_param]) > 1:
        error(level_param, "'per niveau' en 'niet aan een niveau gebonden' staan alleen, zonder ander niveau")

    if record.status == Status.PUBLISHED and not errors:
        if not record.summary:
            error("summary", "een gepubliceerd leermiddel heeft een samenvatting")
        if not resolved.get(vocabulary.facet(FacetName.SKILL).param):
            error(vocabulary.facet(FacetName.SKILL).param, "kies minstens één vaardigheid om te publiceren")
        if not resolved.get(cost_param):
            error(cost_param, "kies de kosten om te publiceren")

    clean = MaterialRecord(
        slug=record.slug,
        title=record.title,
        summary=record.summary,
        description=record.description,
        provider=record.provider,
        url=record.url,
        keywords=list(record.keywords),
        status=record.status,
        facets=resolved,
        source=record.source,
        certainty=str(facts.parse_certainty(record.certainty) or record.certainty),
        verified_on=_iso_date(record.verified_on),
        verified_by=record.verified_by,
        how_to_get=record.how_to_get,
    )
    return clean, errors


# Level terms that say a material has no one level (catalog_data/vocabularies.csv, "Geen vaste niveauschaal").
NOT_A_LEVEL = frozenset({"per-niveau", "niet-niveaugebonden"})


def _iso_date(value: str) -> str:
    """The date in one spelling (2026-11-24) when it is one; as typed otherwise (it was reported)."""
    try:
        date = facts.parse_date(value)
    except ValueError:
        return value
    return date.isoformat() if date else ""


def _check_facts(record: MaterialRecord, error: Callable[[str, str], None]) -> None:
    """Source, certainty and verification: a known certainty, a real date not in the future, short texts."""
    if facts.parse_certainty(record.certainty) is None:
        keys = ", ".join(c.value for c in facts.Certainty)
        error("certainty", f"onbekende zekerheid '{record.certainty}': kies uit {keys}")
    if len(record.source) > facts.MAX_SOURCE:
        error("source", f"de bron is langer dan {facts.MAX_SOURCE} tekens")
    if len(record.verified_by) > facts.MAX_VERIFIED_BY:
        error("verified_by", f"'gecontroleerd door' is langer dan {facts.MAX_VERIFIED_BY} tekens")
    if len(record.how_to_get) > facts.MAX_HOW_TO_GET:
        error("how_to_get", f"'zo kom je eraan' is langer dan {facts.MAX_HOW_TO_GET} tekens")
    try:
        verified = facts.parse_date(record.verified_on)
    except ValueError:
        error("verified_on", f"geen geldige datum '{record.verified_on[:40]}': schrijf hem als 2026-11-24")
    else:
        if verified is not None and verified > dt.date.today():
            error("verified_on", "de datum van de controle ligt in de toekomst")


def is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url and len(url) <= MAX_URL
    )
