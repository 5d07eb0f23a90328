"""The words "did you mean" may offer, and the nearest of them to a word nobody wrote.

Whoosh's correctors build a Levenshtein automaton in Python for every unknown word: 10-20 ms a word, so
the misspellings were the slowest searches of a small catalogue. The words of one index generation are
few (the ``words`` field keeps each once) and fixed, so they are held in memory per generation, grouped
by first letter, and compared with rapidfuzz's edit distance (C++; a well-kept library doing exactly this
job, far faster than an automaton or a distance written here in Python).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_DISTANCE = 2
# Slips Dutch writers make because the sounds are the same: ei/ij, au/ou, d/t/dt at the end of a word,
# a doubled or single consonant or vowel. Words that are equal after these are each other's respelling.
_SAME_SOUND = (
    (re.compile(r"ij|y"), "ei"),
    (re.compile(r"au"), "ou"),
    (re.compile(r"(?:dt|d)\b"), "t"),
    (re.compile(r"([a-z])\1"), r"\1"),
)


def sound_key(word: str) -> str:
    """The word with the letters that sound alike written one way: 'vaardighijd' -> 'vardigheit'."""
    for pattern, replacement in _SAME_SOUND:
        word = pattern.sub(replacement, word)
    return word


class Spelling:
    def __init__(self, words: Iterable[str]):
        self.known = frozenset(words)
        self._by_first: dict[str, list[str]] = {}
        self._by_sound: dict[str, str] = {}
        for word in sorted(self.known):
            self._by_first.setdefault(word[:1], []).append(word)
            self._by_sound.setdefault(sound_key(word), word)

    def __contains__(self, word: str) -> bool:
        return word in self.known

    def nearest(self, word: str, found_in: Callable[[str], int] = lambda word: 0) -> str | None:
        """The known word that sounds the same ('vaardighijd' -> 'vaardigheid', 'wordt' -> 'word'), else
        the one fewest edits away (a swap of two letters is one), with the same first letter as people
        seldom mistype that one. Of equally near words, the one ``found_in`` the most materials, then the
        first alphabetically: 'nederlans' is 'nederlands' more often than 'nederland'. None when none is
        within two edits."""
        same_sound = self._by_sound.get(sound_key(word))
        if same_sound is not None and same_sound != word:
            return same_sound
        candidates = self._by_first.get(word[:1], [])
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=MAX_DISTANCE, limit=None)
        if not found:
            return None
        closest = min(distance for _word, distance, _index in found)
        nearest = sorted(known for known, distance, _index in found if distance == closest)
        return max(nearest, key=found_in) if len(nearest) > 1 else nearest[0]
