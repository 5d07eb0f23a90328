"""What a list of hits shows of a material, as a plain value the search index can keep.

A page of hits used to load twenty materials and their terms through the ORM: most of a search without
words. The search index is a derived copy of the catalogue kept in step with every commit (the journal),
so it stores this card beside each document, and a page of hits needs no database at all. The card has
the attributes and methods of ``Material`` that lists use (templates, the API's hit objects, the CLI),
``MaterialView`` names them; term labels come from the current vocabulary, so a renamed term shows its
new name at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .models import Material
from .vocabulary import TermDef, Vocabulary


class TermView(Protocol):
    """What a list says of a term: a ``Term`` row or the vocabulary's ``TermDef`` both answer it."""

    @property
    def key(self) -> str: ...
    @property
    def label_nl(self) -> str: ...
    @property
    def label_en(self) -> str: ...
    @property
    def group_nl(self) -> str: ...
    @property
    def group_en(self) -> str: ...


class MaterialView(Protocol):
    """What a list shows of a material: a ``Material`` row or the ``MaterialCard`` the index keeps."""

    @property
    def id(self) -> int: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def keywords(self) -> list[str]: ...
    @property
    def updated_at(self) -> dt.datetime: ...
    def term_keys(self, facet_name: str) -> list[str]: ...
    def terms_of(self, facet_name: str) -> Sequence[TermView]: ...


def card_data(material: Material, vocabulary: Vocabulary) -> dict:
    """The card of ``material`` as plain data, to be stored in the index."""
    return {
        "id": material.id,
        "slug": material.slug,
        "title": material.title,
        "summary": material.summary,
        "provider": material.provider,
        "url": material.url,
        "keywords": list(material.keywords or []),
        "updated_at": material.updated_at,
        "terms": {f.name: material.term_keys(f.name) for f in vocabulary.controlled},
    }


@dataclass(frozen=True)
class MaterialCard:
    id: int
    slug: str
    title: str
    summary: str
    provider: str
    url: str
    keywords: list[str]
    updated_at: dt.datetime
    terms: dict[str, list[str]]
    vocabulary: Vocabulary

    @classmethod
    def from_data(cls, data: dict, vocabulary: Vocabulary) -> MaterialCard:
        return cls(**data, vocabulary=vocabulary)

    def term_keys(self, facet_name: str) -> list[str]:
        return list(self.terms.get(facet_name, ()))

    def terms_of(self, facet_name: str) -> list[TermDef]:
        facet = self.vocabulary.by_name.get(facet_name)
        if facet is None:
            return []
        found = (facet.term(key) for key in self.terms.get(facet_name, ()))
        return [term for term in found if term is not None]
