"""Everyday synonyms as editors keep them: validate, add, change and delete, and their CSV exchange.

A synonym rule says what a searcher's phrase also means. The search reads the rules from the vocabulary
snapshot; every change here bumps the vocabulary version (see ``models._count_vocabulary_changes``), so
each process's searches follow the next request without a rebuild.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import FieldError, NotFound, ValidationError
from .models import SeededSynonym, Synonym

MAX_PHRASE = 200
MAX_NOTE = 300
CSV_COLUMNS = ("phrase", "expansions", "two_way", "note")
YES, NO = "yes", "no"
# Editors type one expansion per line or separate them by semicolons; commas are no phrase's part.
EXPANSION_SEPARATORS = re.compile(r"[\n;,]")


def N_(message: str) -> str:
    """Mark a message for translation; views translate it when they show it."""
    return message


PHRASE_MISSING = N_("Vul het zoekwoord in.")
PHRASE_TOO_LONG = N_("Het zoekwoord is langer dan 200 tekens.")
PHRASE_TAKEN = N_("Voor dit zoekwoord bestaat al een synoniem; pas dat aan in plaats van een nieuw te maken.")
EXPANSIONS_MISSING = N_("Vul minstens één woord of woordgroep in die hetzelfde betekent.")
EXPANSION_TOO_LONG = N_("Een synoniem is langer dan 200 tekens.")
EXPANSION_IS_PHRASE = N_(
    "Het zoekwoord staat ook bij de synoniemen; een woord is geen synoniem van zichzelf."
)
NOTE_TOO_LONG = N_("De toelichting is langer dan 300 tekens.")


@dataclass(frozen=True)
class SynonymData:
    """A synonym as an editor or a file gives it, before it is checked."""

    phrase: str
    expansions: tuple[str, ...]
    two_way: bool
    note: str = ""


def tidy(text: str) -> str:
    """``text`` with its whitespace squeezed, as a phrase is stored."""
    return " ".join(text.split())


def phrase_key(text: str) -> str:
    """What makes two phrases the same phrase: case and spacing do not count."""
    return tidy(text).casefold()


def split_expansions(text: str) -> tuple[str, ...]:
    """The phrases in ``text``, one per line or separated by semicolons (or commas)."""
    return tuple(p for p in (tidy(part) for part in EXPANSION_SEPARATORS.split(text)) if p)


def validate(session: Session, data: SynonymData, *, synonym_id: int | None = None) -> SynonymData:
    """``data`` tidied, or a ValidationError listing every problem with it."""
    phrase = tidy(data.phrase)
    unique: dict[str, str] = {}
    for expansion in map(tidy, data.expansions):
        if expansion:
            unique.setdefault(phrase_key(expansion), expansion)  # the first spelling of a repeat stays
    expansions = tuple(unique.values())
    note = data.note.strip()
    errors = []
    if not phrase:
        errors.append(FieldError("phrase", PHRASE_MISSING))
    elif len(phrase) > MAX_PHRASE:
        errors.append(FieldError("phrase", PHRASE_TOO_LONG))
    elif _taken(session, phrase, synonym_id):
        errors.append(FieldError("phrase", PHRASE_TAKEN))
    if not expansions:
        errors.append(FieldError("expansions", EXPANSIONS_MISSING))
    if any(len(e) > MAX_PHRASE for e in expansions):
        errors.append(FieldError("expansions", EXPANSION_TOO_LONG))
    if phrase and any(phrase_key(e) == phrase_key(phrase) for e in expansions):
        errors.append(FieldError("expansions", EXPANSION_IS_PHRASE))
    if len(note) > MAX_NOTE:
        errors.append(FieldError("note", NOTE_TOO_LONG))
    if errors:
        raise ValidationError(errors)
    return SynonymData(phrase, expansions, bool(data.two_way), note)


def _taken(session: Session, phrase: str, synonym_id: int | None) -> bool:
    key = phrase_key(phrase)
    return any(
        phrase_key(other) == key
        for other in session.scalars(select(Synonym.phrase).where(Synonym.id != (synonym_id or -1)))
    )


def list_synonyms(session: Session) -> list[Synonym]:
    """Every synonym, alphabetically by phrase."""
    return sorted(session.scalars(select(Synonym)), key=lambda s: (phrase_key(s.phrase), s.id))


def get_synonym(session: Session, synonym_id: int) -> Synonym:
    synonym = session.get(Synonym, synonym_id)
    if synonym is None:
        raise NotFound(f"geen synoniem met nummer {synonym_id}")
    return synonym


def find_synonym(session: Session, phrase: str) -> Synonym | None:
    """The synonym for ``phrase`` (whatever its case or spacing), or None."""
    key = phrase_key(phrase)
    return next((s for s in session.scalars(select(Synonym)) if phrase_key(s.phrase) == key), None)


def create_synonym(session: Session, data: SynonymData) -> Synonym:
    clean = validate(session, data)
    synonym = Synonym(
        phrase=clean.phrase, expansions=list(clean.expansions), two_way=clean.two_way, note=clean.note
    )
    session.add(synonym)
    session.flush()
    return synonym


def update_synonym(session: Session, synonym_id: int, data: SynonymData) -> Synonym:
    synonym = get_synonym(session, synonym_id)
    clean = validate(session, data, synonym_id=synonym_id)
    # Assigning an equal value leaves the row clean, so an unchanged save bumps no version.
    if synonym.phrase != clean.phrase:
        synonym.phrase = clean.phrase
    if synonym.expansions != list(clean.expansions):
        synonym.expansions = list(clean.expansions)
    if synonym.two_way != clean.two_way:
        synonym.two_way = clean.two_way
    if synonym.note != clean.note:
        synonym.note = clean.note
    session.flush()
    return synonym


def delete_synonym(session: Session, synonym_id: int) -> None:
    session.delete(get_synonym(session, synonym_id))
    session.flush()


# The exchange file: the seed's ``catalog_data/synonyms.csv`` and ``trefpunt synonyms import/export``.


def read_csv(text: str) -> list[tuple[int, SynonymData]]:
    """The rows of a synonyms CSV with their line numbers; a file without the right columns is refused."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = [c for c in CSV_COLUMNS[:3] if c not in (reader.fieldnames or ())]
    if missing:
        raise ValidationError([FieldError(c, "deze kolom ontbreekt", line=1) for c in missing])
    rows, errors = [], []
    for row in reader:
        line = reader.line_num
        direction = (row["two_way"] or "").strip().lower()
        if direction not in (YES, NO):
            errors.append(FieldError("two_way", "vul 'yes' of 'no' in", line=line))
        expansions = tuple(p for p in (tidy(e) for e in (row["expansions"] or "").split(";")) if p)
        rows.append(
            (line, SynonymData(row["phrase"] or "", expansions, direction == YES, row.get("note") or ""))
        )
    if errors:
        raise ValidationError(errors)
    return rows


def write_csv(synonyms: Iterable[Synonym], out: io.TextIOBase) -> int:
    """Write ``synonyms`` in the exchange format; return how many rows were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for s in synonyms:
        writer.writerow([s.phrase, ";".join(s.expansions), YES if s.two_way else NO, s.note])
        count += 1
    return count


@dataclass
class SynonymImport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]


def import_synonyms(session: Session, rows: list[tuple[int, SynonymData]]) -> SynonymImport:
    """Add or update (by phrase) every row; any invalid row raises, listing them all, and the caller then
    rolls back, so an import with errors changes nothing."""
    report = SynonymImport([], [], [])
    errors: list[FieldError] = []
    seen: set[str] = set()
    for line, data in rows:
        key = phrase_key(data.phrase)
        if key and key in seen:
            errors.append(FieldError("phrase", "dit zoekwoord staat al eerder in het bestand", line=line))
            continue
        seen.add(key)
        existing = find_synonym(session, data.phrase)
        try:
            if existing is None:
                report.created.append(create_synonym(session, data).phrase)
            elif _same(existing, validate(session, data, synonym_id=existing.id)):
                report.unchanged.append(existing.phrase)
            else:
                report.updated.append(update_synonym(session, existing.id, data).phrase)
        except ValidationError as error:
            errors += [FieldError(e.field, e.message, line=line) for e in error.errors]
    if errors:
        raise ValidationError(errors)
    return report


def _same(synonym: Synonym, clean: SynonymData) -> bool:
    return (synonym.phrase, tuple(synonym.expansions), synonym.two_way, synonym.note) == (
        clean.phrase,
        clean.expansions,
        clean.two_way,
        clean.note,
    )


def seed_synonyms(session: Session, rows: list[tuple[int, SynonymData]]) -> int:
    """Add the seed's synonyms the seed never offered before; return how many were added.

    A phrase is offered once: one an editor changed or deleted since is not touched or brought back.
    """
    offered = set(session.scalars(select(SeededSynonym.phrase)))
    present = {phrase_key(p) for p in session.scalars(select(Synonym.phrase))}
    added = 0
    for line, data in rows:
        key = phrase_key(data.phrase)
        if key in offered:
            continue
        if key not in present:
            try:
                create_synonym(session, data)
            except ValidationError as error:
                lines = [FieldError(e.field, e.message, line=line) for e in error.errors]
                raise ValidationError(lines) from error
            present.add(key)
            added += 1
        session.add(SeededSynonym(phrase=key))
        offered.add(key)
    session.flush()
    return added
