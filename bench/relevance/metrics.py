"""Ranking metrics over graded judgements: nDCG@k, P@k and recall@k. Ungraded materials count as 0."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .judgements import RELEVANT


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain: the gain at rank r (from 1) divided by log2(r + 1)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, 1))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with the grade itself as the gain; the ideal ranks every graded material by grade."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(slug, 0) for slug in ranking[:k]]) / ideal


def precision_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 5) -> float:
    """Relevant materials among the first k, divided by k (a short list is not rewarded)."""
    return sum(grades.get(slug, 0) >= RELEVANT for slug in ranking[:k]) / k


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 20) -> float:
    """Share of all relevant materials found among the first k; 0 when there are none to find."""
    relevant = {slug for slug, grade in grades.items() if grade >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)
