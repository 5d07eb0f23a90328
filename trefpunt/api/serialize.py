"""Materials and search results as JSON."""

from __future__ import annotations

from typing import Literal, overload

from flask_babel import gettext
from markupsafe import escape

from trefpunt.catalog.cards import MaterialView
from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import Vocabulary
from trefpunt.public.trust import trust
from trefpunt.search import SearchResult
from trefpunt.search.result import Fragment


def highlighted_html(pieces: list[Fragment]) -> str:
    return "".join(f"<mark>{escape(p.text)}</mark>" if p.match else str(escape(p.text)) for p in pieces)


@overload
def material_json(
    material: Material, vocabulary: Vocabulary, locale: str, *, full: Literal[True]
) -> dict: ...
@overload
def material_json(
    material: MaterialView, vocabulary: Vocabulary, locale: str, *, full: Literal[False]
) -> dict: ...
def material_json(material: MaterialView, vocabulary: Vocabulary, locale: str, *, full: bool) -> dict:
    """The material as the API shows it: a hit's card, or (``full``) the whole row of the material page."""
    data: dict = {
        "slug": material.slug,
        "title": material.title,
        "summary": material.summary,
        "provider": material.provider,
        "url": material.url or None,
        "keywords": list(material.keywords or []),
        "updated_at": material.updated_at.isoformat(timespec="seconds") + "Z",
        "facets": {
            f.param: [
                {"value": t.key, "label": t.label_en if locale == "en" else t.label_nl}
                for t in material.terms_of(f.name)
            ]
            for f in vocabulary.controlled
        },
    }
    if full:
        assert isinstance(material, Material), "only a Material row has the full record"
        data["description"] = material.description
        data["status"] = material.status
        data["link_checked_on"] = material.link_checked_on.isoformat() if material.link_checked_on else None
        found = trust(material)
        data["facts"] = {
            "source": material.source or "",
            "certainty": found.certainty.value,
            "certainty_label": found.label,
            "verified_on": found.verified_on.isoformat() if found.verified_on else None,
            "verified_by": found.verified_by,
            "how_to_get": found.how_to_get,
        }
    return data


def result_json(result: SearchResult, vocabulary: Vocabulary, locale: str) -> dict:
    request = result.request
    return {
        "query": {"q": request.q, "args": [list(a) for a in request.to_args(vocabulary)]},
        "total": result.total,
        "every_word": result.every_word,
        "page": request.page,
        "pages": result.pages,
        "per_page": request.per_page,
        "description": result.description,
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
        # The search layer gives Dutch message ids; say them in the visitor's language, as the pages do.
        "notices": [gettext(notice) for notice in result.notices],
        "hits": [
            {
                **material_json(hit.material, vocabulary, locale, full=False),
                "score": hit.score,
                "title_html": highlighted_html(hit.title),
                "summary_html": highlighted_html(hit.summary),
                "missing": hit.missing,
            }
            for hit in result.hits
        ],
        "facets": [
            {
                "name": facet.name,
                "param": facet.param,
                "label": facet.label,
                "values": [
                    {
                        "value": v.value,
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                        "group": v.group or None,
                        "toggle": "?" + v.toggle_query if v.toggle_query else "?",
                    }
                    for v in facet.values
                ],
            }
            for facet in result.facets
        ],
    }
