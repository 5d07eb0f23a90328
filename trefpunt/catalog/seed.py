"""Loading the seed catalogue from ``catalog_data/``: vocabularies and synonyms first, then the materials.

Idempotent: terms, synonyms and materials that exist are left as editors made them; only what is missing
is added. A seed synonym is offered once, so one an editor deleted stays deleted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Facet, Term
from .services import ImportReport, Progress, import_records
from .synonyms import read_csv, seed_synonyms

SEED_AUTHOR = "seed"


@dataclass
class SeedReport:
    facets_added: int
    terms_added: int
    materials: ImportReport
    synonyms_added: int = 0


def seed_vocabularies(session: Session, data_dir: Path) -> tuple[int, int, int]:
    """Add the facets, terms and synonyms of the seed files that the database does not have yet;
    return how many of each were added."""
    facets = {f.name: f for f in session.scalars(select(Facet))}
    terms = {(t.facet_name, t.key): t for t in session.scalars(select(Term))}
    facets_added = terms_added = 0
    with open(data_dir / "facets.csv", encoding="utf-8") as f:
        for position, row in enumerate(csv.DictReader(f)):
            if row["facet"] not in facets:
                facet = Facet(
                    name=row["facet"],
                    param=row["param"],
                    label_nl=row["label_nl"],
                    label_en=row["label_en"],
                    kind=row["kind"],
                    position=position,
                )
                session.add(facet)
                facets[facet.name] = facet
                facets_added += 1
    session.flush()
    with open(data_dir / "vocabularies.csv", encoding="utf-8") as f:
        for position, row in enumerate(csv.DictReader(f)):
            broader = row.get("broader") or None
            existing = terms.get((row["facet"], row["key"]))
            if existing is not None:
                # Broader terms came after the first seed: a term without one gets the seed's (editors
                # cannot set it yet, so nothing of theirs is overwritten).
                if broader and existing.broader is None and not existing.merged_into:
                    existing.broader = broader
            else:
                session.add(
                    Term(
                        facet_name=row["facet"],
                        key=row["key"],
                        label_nl=row["label_nl"],
                        label_en=row["label_en"],
                        group_nl=row["group_nl"] or "",
                        group_en=row["group_en"] or "",
                        position=position,
                        broader=broader,
                    )
                )
                terms_added += 1
    session.flush()
    synonyms = read_csv((data_dir / "synonyms.csv").read_text(encoding="utf-8"))
    return facets_added, terms_added, seed_synonyms(session, synonyms)


def seed_rows(data_dir: Path) -> list[tuple[int, dict]]:
    with open(data_dir / "materials.jsonl", encoding="utf-8") as f:
        return [(n, json.loads(line)) for n, line in enumerate(f, 1) if line.strip()]


def seed(session: Session, data_dir: Path, progress: Progress | None = None) -> SeedReport:
    facets_added, terms_added, synonyms_added = seed_vocabularies(session, data_dir)
    report = import_records(
        session, seed_rows(data_dir), author=SEED_AUTHOR, only_new=True, progress=progress
    )
    return SeedReport(facets_added, terms_added, report, synonyms_added)
