"""An advice list as the JSON API shows it to whoever has its read link (never its edit token)."""

from __future__ import annotations

from collections.abc import Sequence

from trefpunt.api.serialize import material_json
from trefpunt.catalog.vocabulary import Vocabulary

from .models import AdviceList
from .service import Entry


def list_json(
    advice_list: AdviceList, entries: Sequence[Entry], vocabulary: Vocabulary, locale: str, urls: dict
) -> dict:
    """The list with each item as its material is now; ``urls`` holds the read page and handout addresses."""
    return {
        "title": advice_list.title,
        "introduction": advice_list.introduction,
        "updated_at": advice_list.updated_at.isoformat(timespec="seconds") + "Z",
        "url": urls["read"],
        "handout_url": urls["handout"],
        "items": [
            {
                "position": position,
                "slug": entry.item.slug,
                "title": entry.material.title if entry.material else entry.item.title,
                "note": entry.item.note,
                "state": str(entry.state),
                "material": material_json(entry.material, vocabulary, locale, full=False)
                if entry.available and entry.material
                else None,
                "similar": [{"slug": other.slug, "title": other.title} for other in entry.similar],
            }
            for position, entry in enumerate(entries, start=1)
        ],
    }
