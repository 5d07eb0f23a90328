"""Searching the words of a material's facet labels and provider name without indexing them as text.

A material's labels ("Ouderen", "Digitale overheid", "Alleen Nederlands") and its provider are its facet
values, and the documents of every facet value are already a bitmap for the counts. So the documents
whose labels hold a word are the union of the values whose label holds it: a handful of label texts
analysed once per vocabulary and generation, instead of a text field whose postings are as long as the
catalogue (every material carries a dozen labels) and were read again for every searched word.
"""

from __future__ import annotations

from collections.abc import Iterable

from trefpunt.catalog.vocabulary import PROVIDER_FACET, Vocabulary

from .analysis import analyze_words, fold
from .docsets import DocSets


class LabelIndex:
    """Each facet value's label texts (Dutch and English; a provider its name), as analysed words, with
    the value's documents: what a ``labels`` field would have matched, made from the facet bitmaps."""

    def __init__(self, vocabulary: Vocabulary, docs: DocSets):
        self.vocabulary = vocabulary
        # One entry per label text: its words (each word's terms, in order) and its value's documents.
        self._labels: list[tuple[list[tuple[str, ...]], int]] = []
        self._by_term: dict[str, int] = {}
        self._words: dict[str, set[str]] = {}
        for facet in vocabulary.facets:
            for value, bits in docs.values.get(facet.name, {}).items():
                for text in self._texts(facet.name, value):
                    self._add(text, bits)

    def _texts(self, facet_name: str, value: str) -> Iterable[str]:
        if facet_name == PROVIDER_FACET:
            return (value,)
        term = self.vocabulary.facet(facet_name).term(value)
        return (term.label_nl, term.label_en) if term is not None else ()

    def _add(self, text: str, bits: int) -> None:
        words = analyze_words(text)
        self._labels.append((words, bits))
        for terms in words:
            for term in terms:
                self._by_term[term] = self._by_term.get(term, 0) | bits
        for word in fold(text):
            self._words.setdefault(word, set()).update(t for terms in analyze_words(word) for t in terms)

    def term(self, text: str) -> int:
        """The documents with ``text`` among the terms of their labels."""
        return self._by_term.get(text, 0)

    def phrase(self, terms: Iterable[str]) -> int:
        """The documents with ``terms`` as consecutive words of one label."""
        wanted = list(terms)
        result = 0
        for words, bits in self._labels:
            if any(
                all(term in words[start + i] for i, term in enumerate(wanted))
                for start in range(len(words) - len(wanted) + 1)
            ):
                result |= bits
        return result

    def terms_starting(self, prefix: str) -> set[str]:
        """The label terms starting with ``prefix``, and the terms of label words starting with it."""
        found = {term for term in self._by_term if term.startswith(prefix)}
        for word, terms in self._words.items():
            if word.startswith(prefix):
                found |= terms
        return found
