"""Relevance as integer scores held bit-sliced in bitmaps, so ranking is a few dozen big-int operations.

Whoosh scores a query by walking every posting of every field in Python: at 10,000 materials that was
90% of a search. Here a query's score is a sum of weights: for each clause and each text field the
clause matches in, the field's weight times the clause's rarity (idf). The per-field document sets are
the bitmaps the matcher caches per index generation anyway, so adding a weight to every document in a
set is a handful of AND/XOR operations on whole bitmaps (a ripple-carry adder over "slices": slice ``i``
holds bit ``i`` of every document's score), and the best ``k`` documents are found by walking the slices
from the highest bit down. Only the page's own documents are ever looked at one by one.

What this gives up against BM25 is term frequency and field length: a word said five times in a
description counts as once. In a catalogue whose titles, keywords and summaries are written to be
found, field presence carries the ranking; ties are broken by title order, so a result never shuffles.

This module knows nothing of Whoosh: bitmaps are Python ints, bit ``r`` is the document at position ``r``.
"""

from __future__ import annotations

import math

from .docsets import bitmap_of, set_bits

# Weights are scaled to integers: a sixteenth of an idf point is finer than any difference worth ranking on.
SCALE = 16


def idf(matching: int, total: int) -> float:
    """BM25's inverse document frequency: a clause found in few documents says more about each of them."""
    return math.log(1 + (total - matching + 0.5) / (matching + 0.5))


def weight(field_weight: float, rarity: float) -> int:
    return max(1, round(field_weight * rarity * SCALE))


class Scores:
    """Every document's integer score, bit-sliced: ``slices[i]`` has bit ``r`` set when bit ``i`` of the
    score of the document at position ``r`` is 1."""

    def __init__(self) -> None:
        self.slices: list[int] = []

    @property
    def nbytes(self) -> int:
        return sum((bits.bit_length() + 7) // 8 for bits in self.slices) + 64

    def add(self, bitmap: int, amount: int) -> None:
        """Add ``amount`` to the score of every document in ``bitmap`` (a ripple-carry adder)."""
        slices = self.slices
        carry = 0
        i = 0
        while amount or carry:
            addend = bitmap if amount & 1 else 0
            if i == len(slices):
                slices.append(0)
            current = slices[i]
            slices[i] = current ^ addend ^ carry
            carry = (current & addend) | (carry & (current ^ addend))
            amount >>= 1
            i += 1

    def best(self, candidates: int, k: int) -> int:
        """The ``k`` best of ``candidates`` as a bitmap; among equal scores the lowest positions win."""
        if k <= 0 or not candidates:
            return 0
        if candidates.bit_count() <= k:
            return candidates
        chosen = 0
        needed = k
        for bits in reversed(self.slices):
            higher = candidates & bits
            count = higher.bit_count()
            if count >= needed:
                candidates = higher
            else:
                chosen |= higher
                needed -= count
                candidates &= ~bits
            if not needed:
                return chosen
        return chosen | bitmap_of(set_bits(candidates, limit=needed), candidates.bit_length())

    def of(self, wanted: int) -> dict[int, int]:
        """The scores of the few documents in ``wanted`` (a page), read back from the slices."""
        scores = dict.fromkeys(set_bits(wanted), 0)
        for i, bits in enumerate(self.slices):
            for position in set_bits(bits & wanted):
                scores[position] += 1 << i
        return scores

    def page(self, candidates: int, offset: int, limit: int) -> list[tuple[int, int]]:
        """``(position, score)`` of the page's documents, best first, ties in position order."""
        top = self.best(candidates, offset + limit)
        scores = self.of(top)
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return ordered[offset : offset + limit]
