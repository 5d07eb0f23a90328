"""What an import job found (a dry run: row by row) or did, in the shape its row keeps as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from .errors import FieldError
from .records import MaterialRecord, validate
from .services import ImportReport, export_records
from .vocabulary import Vocabulary

# A check shows this many rows one by one (and counts all of them); a job keeps this many errors.
PLAN_ROWS = 500
KEPT_ERRORS = 200


@dataclass
class RowPlan:
    """What the import does with one row of the file."""

    line: int
    slug: str
    title: str
    action: str  # "nieuw", "wijzigen", "ongewijzigd" or "fout"
    changed: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class Outcome:
    """What a job found (a check) or did (an import), as kept in its row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)
    error_count: int = 0
    rows: list[RowPlan] = field(default_factory=list)
    row_count: int = 0

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> Outcome:
        data = dict(data or {})
        errors = [FieldError(**e) for e in data.pop("errors", [])]
        rows = [
            RowPlan(**{**r, "errors": [FieldError(**e) for e in r.get("errors", [])]})
            for r in data.pop("rows", [])
        ]
        return cls(errors=errors, rows=rows, **data)


def outcome_of(
    session: Session,
    rows: list[tuple[int, dict]],
    report: ImportReport,
    vocabulary: Vocabulary,
    *,
    plan: bool,
) -> Outcome:
    return Outcome(
        created=len(report.created),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
        errors=report.errors[:KEPT_ERRORS],
        error_count=len(report.errors),
        rows=plan_rows(session, rows[:PLAN_ROWS], report, vocabulary) if plan else [],
        row_count=len(rows),
    )


def plan_rows(
    session: Session, rows: list[tuple[int, dict]], report: ImportReport, vocabulary: Vocabulary
) -> list[RowPlan]:
    """One line per row: created, changed (which fields) or unchanged, with its errors."""
    errors: dict[int | None, list[FieldError]] = {}
    for error in report.errors:
        errors.setdefault(error.line, []).append(error)
    slugs = [MaterialRecord.from_mapping(data, vocabulary).slug for _line, data in rows]
    stored = {r.slug: r.to_dict(vocabulary) for r in export_records(session, slugs)}
    plans = []
    for (line, data), slug in zip(rows, slugs, strict=True):
        before = stored.get(slug)
        # As the import does: a file with fewer columns changes only the columns it has.
        merged = {**before, **data, "slug": slug} if before else data
        clean, _problems = validate(MaterialRecord.from_mapping(merged, vocabulary), vocabulary)
        row = RowPlan(line, clean.slug, clean.title, "fout", errors=errors.get(line, []))
        if not row.errors and before is None:
            row.action = "nieuw"
        elif not row.errors:
            after = clean.to_dict(vocabulary)
            row.changed = [k for k in after if after[k] != (before or {}).get(k)]
            row.action = "wijzigen" if row.changed else "ongewijzigd"
        plans.append(row)
    return plans
