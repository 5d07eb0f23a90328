"""The exchange record: a material as editors, files and the API see it, and its validation.

One record shape serves CSV, JSON Lines, the seed catalogue and revisions, so a round trip through any of
them keeps everything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from trefpunt.inputs import control_character

from .errors import FieldError
from .models import Status
from .vocabulary import LEVEL_FACET, FacetName, Vocabulary

TEXT_COLUMNS = ("slug", "title", "summary", "description", "provider", "url", "keywords", "status")
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
    """The exchange columns: the text columns, then one per controlled facet by URL parameter."""
    return [*TEXT_COLUMNS, *(f.param for f in vocabulary.controlled)]


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
    for column in TEXT_COLUMNS:
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
    )
    return clean, errors


def is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url and len(url) <= MAX_URL
    )
