"""Dutch text analysis for the index and the queries: one chain, the same on both sides.

Lowercase, stop words out, then each word becomes its index terms (``dutch.word_terms``): its lemma from a
dictionary, a diminutive's base, a compound's parts, accents folded. All terms of one word share its
position, so a phrase still matches across a compound. Everyday synonyms are not analysis: they are data
editors keep (``Vocabulary.synonyms``), expanded when a query is built, so changing them needs no rebuild.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.formats import Positions
from whoosh.support.charset import accent_map

from .dutch import lemma_of, reading, split_compound, word_terms

STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "als",
        "bij",
        "dan",
        "dat",
        "de",
        "der",
        "deze",
        "die",
        "dit",
        "door",
        "een",
        "en",
        "er",
        "het",
        "hier",
        "hij",
        "hun",
        "ik",
        "in",
        "is",
        "je",
        "maar",
        "me",
        "met",
        "mijn",
        "na",
        "naar",
        "nog",
        "nu",
        "of",
        "om",
        "onder",
        "ons",
        "ook",
        "op",
        "over",
        "te",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "voor",
        "want",
        "was",
        "wat",
        "we",
        "wie",
        "zo",
    ]
)

# Hyphens, dots and a plural's apostrophe stay inside words: "e-learning", "oefenen.nl", "pc's".
TOKEN_PATTERN = r"\w+(?:[-.']\w+)*"


class DutchWordFilter(Filter):
    """Replaces each word by its index terms (``dutch.word_terms``), all at the word's position.

    It holds no data of its own: the schema, with its analyzers, is pickled into the index, and what a
    word becomes is decided by ``dutch.py`` and the installed dictionary (both in the index fingerprint).
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            for term in word_terms(token.text):
                token.text = term
                yield token


class MemoTokenizer(Tokenizer):
    """Tokenizes like ``RegexTokenizer(pattern) | filters``, remembering what the filters make of each word.

    A rebuild sends the same few thousand words through the filters millions of times, and a word's
    terms never depend on its neighbours; looking them up instead of running five generators per token
    halves a rebuild. Terms, positions (renumbered over stop words as ``StopFilter`` does) and character
    spans are those of the plain chain; calls asking for what the lookup does not model use the chain.
    """

    def __init__(
        self, pattern: str, filters: tuple[Filter, ...], *, renumber: bool, cachesize: int = 100_000
    ):
        self.pattern = pattern
        self.filters = filters
        self.renumber = renumber
        self.cachesize = cachesize
        self.is_morph = any(f.is_morph for f in filters)
        self._setup()

    def _setup(self) -> None:
        self.expression = re.compile(self.pattern)
        self.chain = RegexTokenizer(self.pattern)
        for f in self.filters:
            self.chain = self.chain | f
        self.cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, object]:
        # The schema, with its analyzers, is pickled into the index: leave the cache out.
        return {k: self.__dict__[k] for k in ("pattern", "filters", "renumber", "cachesize", "is_morph")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MemoTokenizer) or type(other) is not type(self):
            return False
        return (other.pattern, other.filters, other.renumber) == (self.pattern, self.filters, self.renumber)

    def clean(self) -> None:
        self.cache.clear()

    def terms_of(self, word: str) -> tuple[str, ...]:
        """What the filters make of one word the pattern matched."""
        terms = self.cache.get(word)
        if terms is None:
            token = Token(removestops=True, mode="index")
            token.text, token.boost, token.stopped = word, 1.0, False
            stream = iter([token])
            for f in self.filters:
                stream = f(stream)
            terms = tuple(t.text for t in stream)
            if len(self.cache) >= self.cachesize:
                self.cache.clear()
            self.cache[word] = terms
        return terms

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if keeporiginal or not removestops or not tokenize or kwargs.get("no_morph"):
            yield from self.chain(
                value,
                positions=positions,
                chars=chars,
                keeporiginal=keeporiginal,
                removestops=removestops,
                start_pos=start_pos,
                start_char=start_char,
                tokenize=tokenize,
                mode=mode,
                **kwargs,
            )
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, match, terms in self._words(value, start_pos):
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for text in terms:
                token.text, token.boost, token.stopped = text, 1.0, False
                if positions:
                    token.pos = pos
                yield token

    def _words(self, value: str, start_pos: int = 0) -> Iterator[tuple[int, re.Match[str], tuple[str, ...]]]:
        """Each word that has terms, with its position: the words after a stop word move up when
        renumbering (as ``StopFilter`` does), and every term of one word shares its position."""
        pos = None
        for index, match in enumerate(self.expression.finditer(value)):
            terms = self.terms_of(match.group())
            if not terms:
                continue
            pos = start_pos + index if pos is None or not self.renumber else pos + 1
            yield pos, match, terms

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions: what ``__call__`` yields, without a token each."""
        found: dict[str, list[int]] = {}
        for pos, _match, terms in self._words(value):
            for text in terms:
                found.setdefault(text, []).append(pos)
        return found


class RememberedPositions(Positions):
    """Whoosh's ``Positions`` format, fed by ``MemoTokenizer.positions`` and remembering its encodings.

    Posting values are byte for byte whoosh's; most terms occur once or twice in a field, so the same
    few thousand position lists are encoded over and over in a rebuild.
    """

    cachesize = 100_000

    def word_values(
        self, value: object, analyzer: object, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, MemoTokenizer) or not isinstance(value, str) or set(kwargs) - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encoded = self.__dict__.setdefault("_encoded", {})
        for text, positions in analyzer.positions(value).items():
            key = tuple(positions)
            data = encoded.get(key)
            if data is None:
                if len(encoded) >= self.cachesize:
                    encoded.clear()
                data = encoded[key] = self.encode(positions)
            yield text, len(positions), float(len(positions)) * boost, data

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "_encoded"}


DUTCH_FILTERS = (
    LowercaseFilter(),
    StopFilter(stoplist=STOP_WORDS, minsize=1),
    DutchWordFilter(),
)
FOLDING_FILTERS = (LowercaseFilter(), CharsetFilter(accent_map))


def dutch_analyzer() -> MemoTokenizer:
    """The analyzer of every full-text field: the same on the index and the query side."""
    return MemoTokenizer(TOKEN_PATTERN, DUTCH_FILTERS, renumber=True)


def folding_analyzer() -> MemoTokenizer:
    """Lowercase and accent folding without stemming: for spelling suggestions and prefix search."""
    return MemoTokenizer(TOKEN_PATTERN, FOLDING_FILTERS, renumber=False)


@cache
def _dutch() -> MemoTokenizer:
    return dutch_analyzer()


@cache
def _folding() -> MemoTokenizer:
    return folding_analyzer()


def analyze(text: str) -> list[str]:
    """The index terms of ``text``."""
    return [t.text for t in _dutch()(text)]


def analyze_words(text: str) -> list[tuple[str, ...]]:
    """The terms of each word of ``text`` that has any, in order: consecutive words are neighbours in a
    phrase, as they are in the index."""
    return [terms for _start, _end, terms in word_spans(text)]


def word_spans(text: str) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """Each word of ``text`` that has index terms: its character span and its terms."""
    for _pos, match, terms in _dutch()._words(text):
        yield match.start(), match.end(), terms


def read_word(word: str) -> tuple[str, tuple[str, ...]] | None:
    """What a typed word stands for: its own term and the parts it otherwise needs all of (a compound's);
    None for a stop word."""
    word = word.lower()
    return None if word in STOP_WORDS else reading(word)


def fold(text: str) -> list[str]:
    return [t.text for t in _folding()(text)]


def is_dutch_word(word: str) -> bool:
    """Whether the Dutch dictionary knows ``word``, or the two words it is made of: then it is no slip,
    even where the catalogue lacks it ('post', 'ziek', 'taalklas'), and "did you mean" leaves it alone."""
    word = word.lower()
    return lemma_of(word) is not None or split_compound(word, strict=False) is not None
