"""The index schema and the one function that decides what of a material is indexed."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary

from .analysis import dutch_analyzer, fold, folding_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt, not served.
SCHEMA_VERSION = 6

# Every text of a material in one field: the match set reads one posting list per word, and this field
# also carries the description's weight (the description is by far the longest text: indexing it twice
# would double the cost of a rebuild).
ALL_FIELD = "alltext"

# Field weights on top of the catch-all: a title match outranks the same word in a keyword, summary,
# facet label, provider or description.
TEXT_FIELDS: dict[str, float] = {
    "title": 6.0,
    "keywords": 3.0,
    "summary": 2.0,
    "labels": 1.0,
    "provider_text": 1.0,
    ALL_FIELD: 1.0,
}


def facet_field(facet_name: str) -> str:
    return f"f_{facet_name}"


def build_schema(vocabulary: Vocabulary) -> Schema:
    analyzer = dutch_analyzer()
    fields: dict = {
        "id": ID(stored=True, unique=True),
        "version": NUMERIC(stored=True),
        "title_sort": ID(sortable=True),
        "created": NUMERIC(sortable=True, bits=64),
        # Unstemmed words of the short texts and facet labels, the vocabulary of "did you mean".
        "words": TEXT(analyzer=folding_analyzer(), phrase=False),
    }
    for name, boost in TEXT_FIELDS.items():
        fields[name] = TEXT(analyzer=analyzer, field_boost=boost)
    for facet in vocabulary.facets:
        # One indexed token per value: counting a facet reads the posting list of each value.
        fields[facet_field(facet.name)] = (
            ID() if facet.name == PROVIDER_FACET else KEYWORD(scorable=False, lowercase=False)
        )
    return Schema(**fields)


def document_for(material: Material, vocabulary: Vocabulary) -> dict:
    """The index document of a published material."""
    labels = [label for term in material.terms for label in (term.label_nl, term.label_en)]
    doc = {
        "id": str(material.id),
        "version": material.version,
        "title_sort": " ".join(fold(material.title)) or material.slug,
        "created": int(material.created_at.timestamp() * 1_000_000),
        "title": material.title,
        "keywords": " ; ".join(material.keywords or []),
        "summary": material.summary,
        "provider_text": material.provider,
        "labels": " ; ".join(labels),
        "alltext": " ; ".join(
            [
                material.title,
                *(material.keywords or []),
                material.summary,
                material.description,
                material.provider,
                *labels,
            ]
        ),
        "words": " ".join(
            [material.title, *(material.keywords or []), material.summary, material.provider, *labels]
        ),
    }
    for facet in vocabulary.facets:
        if facet.name == PROVIDER_FACET:
            if material.provider:
                doc[facet_field(facet.name)] = material.provider
        else:
            keys = material.term_keys(facet.name)
            if keys:
                doc[facet_field(facet.name)] = " ".join(keys)
    return doc
