"""Dutch word forms: what one written word stands for in the index.

A word is looked up in simplemma's Dutch lemma dictionary (shipped in its wheel, 370,000 forms):
``rekeningen`` -> ``rekening``, ``cursussen`` -> ``cursus``, ``lees`` -> ``lezen``. One lookup, never a
chain, because the dictionary's chains join words that mean different things (``ouders`` -> ``ouder`` ->
``oud``, ``ouderen`` -> ``oudere`` -> ``oud``). A diminutive is reduced to its base (``boekjes`` ->
``boekje`` -> ``boek``), and a compound is split into the known words it is made of, allowing for the
linking letters Dutch puts between them (``gezondheid-s-zorg``, ``woord-en-schat``), as Lucene's
dictionary decompounder does: the whole and its parts are all index terms at the word's position.

A word the dictionary does not know (a brand name, jargon, a new compound) keeps its own form: a stemmer
guessing at suffixes would fold brand names onto ordinary words, and every guess measured on the judged
query set (``make relevance``) did worse than leaving such words alone. Only a plural ``-s`` or
``'s`` is taken off (``apps``, ``pc's``), and only when that leaves a word of four letters or more, and
an adjective's ``-e`` or ``-en`` where that leaves a word the dictionary knows or a compound of its words
(``laaggeletterden`` -> ``laaggeletterd``).

This module knows nothing of Whoosh: it maps strings to strings, and ``analysis.py`` puts it in a chain.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from simplemma.strategies.dictionaries.dictionary_factory import (
    DEFAULT_DICTIONARY_FACTORY,
    MappingStrToByteString,
)
from whoosh.support.charset import accent_map

LANGUAGE = "nl"
# Parts shorter than this are no part of a compound: 'ge', 'on', 'eet' would split too much.
MIN_PART = 4
# Short heads that are whole words in this catalogue's domain (taal-app, reken-les).
SHORT_HEADS = frozenset({"app", "les", "web"})
# Suffixes that are also words: 'gezond-heid' is no compound of 'heid' (heath), 'blad-eren' (leaves) none
# of 'eren' (to honour).
SUFFIX_HEADS = frozenset(
    {"heid", "heden", "schap", "achtig", "matig", "loos", "baar", "zaam", "lijk", "eren"}
)
# Separable particles: 'voor-lezen' and 'uit-spraak' do not mean 'lezen' or 'spraak'.
PARTICLES = frozenset(
    {
        *("voor", "door", "over", "onder", "aan", "uit", "mee", "tegen", "achter", "samen", "terug"),
        *("weg", "toe", "bij", "af", "op", "om", "in", "na", "vol", "los", "mis", "neer", "boven"),
        *("buiten", "binnen", "rond", "vast", "open", "dicht", "weer", "verder", "ver", "her", "ont"),
    }
)
LINKS = ("s", "en", "e")
DIMINUTIVE = re.compile(r"(?:et|p|k)?je$")
SPLIT_PARTS = re.compile(r"[-.]")


class _Dictionary:
    """simplemma's Dutch forms -> lemma, read on first use (about 3 s and 60 MB, once per process).

    Lookups are lowercase, so the forms the dictionary keeps only capitalized are not found
    ('Nederlandse' -> 'Nederlands'). That is kept: 'Nederlandse' (of the country: 'de Nederlandse
    samenleving') is no 'nederlands' (the language), and joining them lowered nDCG@10 on the judged
    set (query 'nederlands').
    """

    def __init__(self) -> None:
        forms = DEFAULT_DICTIONARY_FACTORY.get_dictionary(LANGUAGE)
        if not isinstance(forms, MappingStrToByteString):
            # The raw dict below is simplemma's own layout, pinned with its exact version.
            raise RuntimeError(f"simplemma's dictionary is a {type(forms).__name__}, not bytes to bytes")
        self.forms = forms
        raw = forms._dict  # bytes -> bytes; a set of its values answers "is this a lemma?" fast
        self.lemmas = frozenset(value.decode() for value in set(raw.values()))
        # Forms with accents, reachable when typed without them ('financien', 'cafe').
        self.unaccented: dict[str, str] = {}
        for key, value in raw.items():
            if not key.isascii():
                form = key.decode()
                self.unaccented.setdefault(fold(form), value.decode())

    def lemma(self, form: str) -> str | None:
        return self.forms.get(form) or self.unaccented.get(form)

    def is_lemma(self, form: str) -> bool:
        return form in self.lemmas


@cache
def dictionary() -> _Dictionary:
    return _Dictionary()


def fold(text: str) -> str:
    """Accents off: 'café' -> 'cafe', 'financiën' -> 'financien'."""
    return text.translate(accent_map)


def lemma_of(word: str) -> str | None:
    """The dictionary's lemma of a lowercase word, or None when the dictionary does not know it.

    A form that is itself a lemma keeps itself where the dictionary makes it another word: 'ouder'
    (parent) stays 'ouder', not 'oud' (old); 'app' and 'les' stay nouns, not the verbs 'appen' and
    'lessen'. A diminutive becomes its base: 'boekje' -> 'boek'. A noun made of an adjective reaches
    the adjective, though the dictionary stops at the noun: 'anderstaligen' -> 'anderstalige' ->
    'anderstalig', as 'anderstalige' alone does.
    """
    words = dictionary()
    lemma = words.lemma(word)
    if lemma is None:
        return None
    lemma = lemma.replace("_", "")  # separable verbs: 'samen_werken'
    if lemma != word and words.is_lemma(word) and (lemma.startswith(word) or _another_word(word, lemma)):
        lemma = word
    if lemma != word and lemma.endswith("e") and words.lemma(lemma) == lemma[:-1]:
        lemma = lemma[:-1]
    if DIMINUTIVE.search(lemma):
        base = words.lemma(lemma)
        if base and base != lemma and len(base) >= 3:
            lemma = base
    return lemma


def _another_word(word: str, lemma: str) -> bool:
    """Whether the dictionary's lemma is another word, not a form of this one: the person 'oudere' (an
    elderly person) of 'oud' (old), the female 'werkgeefster' of 'werkgever'. Not the singular 'ouder':
    in running text it is mostly the comparative ('45 jaar en ouder'), so it stays 'oud', and parents are
    found by the plural 'ouders'."""
    return word == lemma + "ere" or (lemma.endswith("ster") and not word.endswith("ster"))


def _head(text: str, strict: bool) -> str | None:
    """The lemma of ``text`` as the last part of a compound, or None when it cannot be one.

    ``strict`` (the whole word is a dictionary lemma): the head must be a lemma itself, so
    'vrij-williger' is not read as a compound of 'willig'.
    """
    if text in SUFFIX_HEADS or (len(text) < MIN_PART and text not in SHORT_HEADS):
        return None
    lemma = lemma_of(text)
    if lemma is None or (strict and lemma != text):
        return None
    return lemma


def _modifier(text: str) -> str | None:
    """The lemma of ``text`` as the first part of a compound (linking letters off), or None.

    A part is the term its word has alone, so that a search for the word finds the compound:
    'boeken-kast' has the part 'boek', as 'boeken' is 'boek'.
    """
    words = dictionary()
    if len(text) < MIN_PART or text in PARTICLES:
        return None
    if words.lemma(text) == text or words.is_lemma(text):
        lemma = lemma_of(text) or text
        if text == lemma + "er":  # a comparative is no first part: 'ouder-avond' is for parents
            lemma = text
        return None if lemma in PARTICLES else lemma
    for link in LINKS:
        stem = text[: -len(link)]
        if text.endswith(link) and len(stem) >= MIN_PART and words.lemma(stem) == stem:
            return None if stem in PARTICLES else stem
    found = lemma_of(text)
    return None if found in PARTICLES else found


@lru_cache(maxsize=50_000)
def split_compound(word: str, strict: bool = True) -> tuple[int, str, str] | None:
    """Where ``word`` splits into two known words, and their lemmas; None when it is no such compound.

    The longest possible head wins: 'gezondheidszorg' is 'gezondheid' + 'zorg', 'computercursus' is
    'computer' + 'cursus'.
    """
    for cut in range(MIN_PART, len(word) - min(3, MIN_PART) + 1):
        head = _head(word[cut:], strict)
        if head is None:
            continue
        modifier = _modifier(word[:cut])
        if modifier is not None:
            return cut, modifier, head
    return None


def _uninflected(word: str) -> str | None:
    """An unknown adjective (or a noun made of one) without its -e or -en, when what is left is a
    dictionary word or a compound of them: 'laaggeletterde(n)' -> 'laaggeletterd'. Not after an -s:
    'Nederlandse' (of the country) is no 'nederlands' (the language), and joining them cost the judged
    query 'nederlands'."""
    for suffix in ("en", "e"):
        stem = word[: -len(suffix)]
        if not word.endswith(suffix) or stem.endswith("s") or len(stem) < MIN_PART:
            continue
        if dictionary().is_lemma(stem) or split_compound(stem, strict=False) is not None:
            return stem
    return None


def _unknown(word: str) -> str:
    """An unknown word's own form, a plural 's or -s taken off."""
    for suffix in ("'s", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PART and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _pieces(word: str) -> list[str]:
    """The words a hyphen or dot joins: 'e-learning' -> e, learning. A web address's last piece is its
    domain ('oefenen.nl'), which says nothing of what the site is about: 'nl' is no 'Nederland' there."""
    pieces = [p for p in SPLIT_PARTS.split(word) if p]
    if "." in word and len(pieces) > 1 and word.rfind(".") > word.rfind("-"):
        pieces.pop()
    return pieces


def _joined(word: str) -> str:
    """The term of a hyphenated or dotted word: as it is written together, so that 'e-learning' and
    'elearning', '65-plussers' and '65plussers' are one term (the dictionary's own hyphenated
    words, 'e-mails' -> 'e-mail', first)."""
    lemma = lemma_of(word)
    if lemma is not None:
        return fold(SPLIT_PARTS.sub("", lemma))
    return word_terms("".join(p for p in SPLIT_PARTS.split(word) if p))[0]


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one lowercase word (accents kept): its own term first, then its parts.

    Words joined by hyphens or dots ('e-learning', 'oefenen.nl') have their joined form's term, their
    written form, and each part's terms. An infinitive that the dictionary reads as a noun's plural
    ('leren': leathers, 'spelen': games) has the noun as its term and the verb besides, which the
    verb's other forms ('leert', 'speelt') have.
    """
    if SPLIT_PARTS.search(word):
        terms = [_joined(word), fold(word)]
        for piece in _pieces(word):
            terms.extend(word_terms(piece))
        return tuple(dict.fromkeys(terms))
    lemma = lemma_of(word)
    if lemma is not None:
        split = split_compound(lemma)
        if split is None and lemma != word and word.endswith("en") and dictionary().is_lemma(word):
            return tuple(dict.fromkeys(fold(t) for t in (lemma, word)))
        return tuple(dict.fromkeys(fold(t) for t in (lemma, *(split[1:] if split else ()))))
    split = split_compound(word, strict=False)
    if split is not None:
        # The whole with its head in lemma form: 'taalcafés' and 'taalcafé' are one term.
        cut, modifier, head = split
        return tuple(dict.fromkeys(fold(t) for t in (word[:cut] + head, modifier, head)))
    stem = _uninflected(word)
    if stem is not None:
        return word_terms(stem)
    return (fold(_unknown(word)),)


def reading(word: str) -> tuple[str, tuple[str, ...]]:
    """A typed word as the query side needs it: its own term and the parts it must otherwise all have
    (a compound's; for an infinitive read as a plural, the verb: 'leren' is 'leer' or 'leren')."""
    terms = word_terms(word)
    if SPLIT_PARTS.search(word):
        return terms[0], tuple(t for piece in _pieces(word) for t in word_terms(piece)[:1])
    return terms[0], terms[1:]
