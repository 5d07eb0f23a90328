"""The words "did you mean" may offer, and the nearest of them to a word nobody wrote.

Whoosh's correctors build a Levenshtein automaton in Python for every unknown word: 10-20 ms a word, so
the misspellings were the slowest searches of a small catalogue. The words of one index generation are
few (the ``words`` field keeps each once) and fixed, so they are held in memory per generation, grouped
by first letter, and compared with rapidfuzz's edit distance (C++; a well-kept library doing exactly this
job, far faster than an automaton or a distance written here in Python).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_DISTANCE = 2


class Spelling:
    def __init__(self, words: Iterable[str]):
        self.known = frozenset(words)
        self._by_first: dict[str, list[str]] = {}
        for word in sorted(self.known):
            self._by_first.setdefault(word[:1], []).append(word)

    def __contains__(self, word: str) -> bool:
        return word in self.known

    def nearest(self, word: str) -> str | None:
        """The known word fewest edits away (a swap of two letters is one), with the same first letter as
        people seldom mistype that one; of equally near words the first alphabetically. None when none is
        within two edits."""
        candidates = self._by_first.get(word[:1], [])
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=MAX_DISTANCE, limit=None)
        if not found:
            return None
        best, _distance, _index = min(found, key=lambda match: (match[1], match[2]))
        return best
