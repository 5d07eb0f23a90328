"""The index schema and the one function that decides what of a material is indexed."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary

from .analysis import RememberedPositions, dutch_analyzer, fold, folding_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt, not served.
SCHEMA_VERSION = 7

# Every text of a material in one field: the match set reads one posting list per word, and this field
# also carries the description's weight (the description is by far the longest text: indexing it twice
# would double the cost of a rebuild).
ALL_FIELD = "alltext"

# Field weights on top of the catch-all: a title match outranks the same word in a keyword, summary,
# facet label, provider or description. Labels and provider weigh what the catch-all weighs, so they have
# no field of their own: each would cost a rebuild its postings and add nothing to a score.
TEXT_FIELDS: dict[str, float] = {
    "title": 6.0,
    "keywords": 3.0,
    "summary": 2.0,
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
        # Unstemmed words of the short texts, the vocabulary of "did you mean". Facet labels are left out:
        # the same few hundred words in every document; the engine takes them from the vocabulary.
        "words": TEXT(analyzer=folding_analyzer(), phrase=False),
    }
    for name, boost in TEXT_FIELDS.items():
        fields[name] = TEXT(analyzer=analyzer, field_boost=boost)
        fields[name].format = RememberedPositions(field_boost=boost)
    for facet in vocabulary.facets:
        # One indexed token per value: counting a facet reads the posting list of each value.
        fields[facet_field(facet.name)] = (
            ID() if facet.name == PROVIDER_FACET else KEYWORD(scorable=False, lowercase=False)
        )
    return Schema(**fields)


def title_sort_key(title: str, slug: str) -> str:
    """What a material sorts on by title: its folded words, so 'Ébook' sorts with 'ebook'."""
    return " ".join(fold(title)) or slug


def label_words(vocabulary: Vocabulary) -> list[str]:
    """The folded words of every term label, sorted: "did you mean" knows them beside the ``words`` field."""
    texts = [f"{t.label_nl} {t.label_en}" for facet in vocabulary.facets for t in facet.terms]
    return sorted({word for text in texts for word in fold(text)})


def document_for(material: Material, vocabulary: Vocabulary) -> dict:
    """The index document of a published material."""
    labels = [label for term in material.terms for label in (term.label_nl, term.label_en)]
    doc = {
        "id": str(material.id),
        "version": material.version,
        "title_sort": title_sort_key(material.title, material.slug),
        "created": int(material.created_at.timestamp() * 1_000_000),
        "title": material.title,
        "keywords": " ; ".join(material.keywords or []),
        "summary": material.summary,
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
        "words": " ".join([material.title, *(material.keywords or []), material.summary, material.provider]),
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
