"""The judged set: queries with their needs and halves, and graded (query, material) pairs."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.tsv"
GRADES = HERE / "grades.tsv"
HALVES = ("tune", "test")
# A material graded at least this is "relevant" for P@5, recall@20 and the zero-result count.
RELEVANT = 2


@dataclass(frozen=True)
class Query:
    id: str
    half: str
    kind: str
    # The author's expectation, written with the query: does the catalogue hold a good answer?
    answerable: bool
    text: str
    need: str
    grades: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def relevant(self) -> set[str]:
        return {slug for slug, grade in self.grades.items() if grade >= RELEVANT}

    @property
    def has_answer(self) -> bool:
        """Judged to have at least one relevant material (what the metrics count)."""
        return bool(self.relevant)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def load(queries: Path = QUERIES, grades: Path = GRADES) -> list[Query]:
    """The queries in file order, each with its grades (slug -> 0..3)."""
    by_query: dict[str, dict[str, int]] = {}
    for row in _rows(grades):
        by_query.setdefault(row["query_id"], {})[row["slug"]] = int(row["grade"])
    return [
        Query(
            id=row["id"],
            half=row["half"],
            kind=row["kind"],
            answerable=row["answerable"] == "yes",
            text=row["query"],
            need=row["need"],
            grades=by_query.get(row["id"], {}),
        )
        for row in _rows(queries)
    ]


def grade_rows(grades: Path = GRADES) -> list[dict[str, str]]:
    """The grades file as it is written, for checks of its own shape."""
    return _rows(grades)


def catalogue(path: Path) -> list[dict]:
    """The catalogue's materials as exchange records (``catalog_data/materials.jsonl``)."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
