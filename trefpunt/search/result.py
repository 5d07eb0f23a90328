"""What a search answers: the same shape for the pages, the API and the command line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from trefpunt.catalog.cards import MaterialCard

from .request import SearchRequest


@dataclass(frozen=True)
class Fragment:
    """A piece of hit text; ``match`` pieces are the words the query found."""

    text: str
    match: bool = False


@dataclass
class Hit:
    # The card the index keeps of the material (what a list shows), not the database row.
    material: MaterialCard
    score: float | None
    title: list[Fragment]
    summary: list[Fragment]
    # The typed words (or phrases) this material lacks, when the query has several: "Ontbreekt: …".
    missing: list[str] = field(default_factory=list)


# Not frozen: a search makes hundreds of these (every provider), and a frozen init costs four times as much.
@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    group: str = ""
    # ``toggles(value)`` is the query string with this value switched; asked only where a link is shown,
    # since a search answers hundreds of values (every provider) and most callers link none of them.
    toggles: Callable[[str], str] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def toggle_query(self) -> str:
        return self.toggles(self.value) if self.toggles is not None else ""


@dataclass
class FacetResult:
    name: str
    param: str
    label: str
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: list[FacetResult]
    suggestion: str | None = None
    # Dutch message ids (translated by the interface) about how the query was read.
    notices: list[str] = field(default_factory=list)
    # How many of the found materials have every searched word (0 when none has: the list is partial).
    every_word: int = 0
    # The respelled query when the words as typed are unknown to the catalogue; when it found nothing as
    # typed, ``corrected_from`` holds what was typed and the result is the respelled query's.
    correction: str | None = None
    corrected_from: str | None = None
    description: str = ""
    # Answered from an index generation that has not yet applied every committed change (the worker is
    # catching up): right for now, but not to be kept as the answer for this catalogue state.
    behind: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def facet(self, name: str) -> FacetResult:
        return next(f for f in self.facets if f.name == name)
