"""The index schema and the one function that decides what of a material is indexed."""

from __future__ import annotations

from collections.abc import Callable

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from trefpunt.catalog.cards import card_data
from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary

from .analysis import RememberedPositions, dutch_analyzer, fold, folding_analyzer

# What a material says, field by field, and what a match in each weighs: a title match outranks the same
# word in a keyword, the summary or the description; the provider's name and the facet labels it carries
# count least, since many materials share them ("Alleen Nederlands"). No field repeats another's text: a
# word is matched in any of them, so each posting is written once per rebuild.
BODY_FIELD = "body"
LABELS_FIELD = "labels"
TEXT_FIELDS: dict[str, float] = {
    "title": 6.0,
    "keywords": 3.0,
    "summary": 2.0,
    BODY_FIELD: 1.0,
    LABELS_FIELD: 0.5,
}
# The material's own words, indexed as text. The labels are not: the engine finds a word in them through the
# facet values that carry it (see labels.py).
OWN_TEXT_FIELDS = tuple(name for name in TEXT_FIELDS if name != LABELS_FIELD)
WORDS_FIELD = "words"


def facet_field(facet_name: str) -> str:
    return f"f_{facet_name}"


def build_schema(vocabulary: Vocabulary) -> Schema:
    analyzer = dutch_analyzer()
    fields: dict = {
        "id": ID(stored=True, unique=True),
        "version": NUMERIC(stored=True),
        # What a list of hits shows (catalog/cards.py): a page of hits is read from here, not the database.
        "card": STORED(),
        "title_sort": ID(sortable=True),
        "created": NUMERIC(sortable=True, bits=64),
        # Unstemmed words of the material's own texts, the vocabulary of "did you mean" and of prefixes (not
        # the provider's name: brand names are no respelling of a Dutch word): each word once per index
        # (see ``NewWords``). Facet labels are left out; the engine takes them from the vocabulary.
        WORDS_FIELD: TEXT(analyzer=folding_analyzer(), phrase=False),
    }
    for name in OWN_TEXT_FIELDS:
        boost = TEXT_FIELDS[name]
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
    """The folded words of every Dutch term label, sorted: "did you mean" knows them beside the ``words``
    field. Not the English labels: a Dutch searcher's slip is never corrected into English."""
    texts = [t.label_nl for facet in vocabulary.facets for t in facet.terms]
    return sorted({word for text in texts for word in fold(text)})


def document_for(material: Material, vocabulary: Vocabulary) -> dict:
    """The index document of a published material."""
    doc = {
        "id": str(material.id),
        "version": material.version,
        "card": card_data(material, vocabulary),
        "title_sort": title_sort_key(material.title, material.slug),
        "created": int(material.created_at.timestamp() * 1_000_000),
        "title": material.title,
        "keywords": " ; ".join(material.keywords or []),
        "summary": material.summary,
        BODY_FIELD: material.description,
        WORDS_FIELD: " ".join(
            [material.title, *(material.keywords or []), material.summary, material.description]
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


class NewWords:
    """Keeps a document's ``words`` to those the index does not have yet.

    "Did you mean" needs to know that a word exists, not where: a word indexed in every document that
    says it cost a rebuild a sixth of its postings. A word whose one document is later deleted stays
    known until whoosh merges that segment away; the next rebuild restores it.
    """

    def __init__(self, known: Callable[[str], bool] = lambda word: False):
        self.known = known
        self.seen: set[str] = set()

    def only_new(self, doc: dict) -> dict:
        words = [w for w in dict.fromkeys(fold(doc[WORDS_FIELD])) if w not in self.seen and not self.known(w)]
        self.seen.update(words)
        return {**doc, WORDS_FIELD: " ".join(words)}
