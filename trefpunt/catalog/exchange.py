"""Reading and writing the exchange files: CSV (``,`` or ``;``, UTF-8 with or without BOM) and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TextIO

from .errors import FieldError, ValidationError
from .records import MaterialRecord, columns
from .vocabulary import Vocabulary

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 100_000


def detect_format(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    raise ValidationError([FieldError("bestand", "onbekend bestandstype: gebruik .csv of .jsonl")])


def read_rows(data: bytes, fmt: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    """Parse a file into ``(line, mapping)`` rows; raise ValidationError naming the line when it cannot."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [FieldError("bestand", "het bestand is geen UTF-8; sla het op als 'CSV UTF-8'", line)]
        ) from exc
    rows = _read_jsonl(text, vocabulary) if fmt == "jsonl" else _read_csv(text, vocabulary)
    if len(rows) > MAX_ROWS:
        raise ValidationError([FieldError("bestand", f"meer dan {MAX_ROWS} rijen")])
    return rows


def _read_jsonl(text: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    known = set(columns(vocabulary))
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(FieldError("json", f"ongeldige JSON: {exc.msg} (kolom {exc.colno})", number))
            continue
        if not isinstance(value, dict):
            errors.append(FieldError("json", "elke regel is één JSON-object", number))
            continue
        # As in CSV: an unknown key is a typo that would otherwise be lost without a word.
        errors.extend(FieldError(key, "onbekende kolom", number) for key in value if key not in known)
        rows.append((number, value))
    if errors:
        raise ValidationError(errors)
    return rows


def _read_csv(text: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError([FieldError("bestand", "het bestand is leeg", 1)]) from None
    except csv.Error as exc:
        raise ValidationError([FieldError("bestand", f"onleesbare CSV: {exc}", 1)]) from exc
    known = set(columns(vocabulary))
    errors = [FieldError(h or "(leeg)", "onbekende kolom", 1) for h in header if h not in known]
    if "title" not in header and "slug" not in header:
        errors.append(FieldError("title", "de kolom 'title' (of 'slug') ontbreekt", 1))
    if len(set(header)) != len(header):
        errors.append(FieldError("bestand", "een kolomnaam komt twee keer voor", 1))
    if errors:
        raise ValidationError(errors)
    rows, line = [], reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) != len(header):
                    errors.append(
                        FieldError("bestand", f"{len(cells)} cellen, de kop heeft er {len(header)}", line)
                    )
                else:
                    rows.append((line, {h: _unescape(c) for h, c in zip(header, cells, strict=True)}))
            line = reader.line_num + 1
    except csv.Error as exc:
        errors.append(FieldError("bestand", f"onleesbare CSV: {exc}", line))
    if errors:
        raise ValidationError(errors)
    return rows


def write_csv(
    records: Iterable[MaterialRecord], out: TextIO, vocabulary: Vocabulary, *, delimiter: str = ","
) -> None:
    """Write CSV; cells that a spreadsheet would run as a formula get a leading apostrophe."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns(vocabulary))
    for record in records:
        row = record.to_row(vocabulary)
        writer.writerow([_escape(row[c]) for c in columns(vocabulary)])


def write_jsonl(records: Iterable[MaterialRecord], out: TextIO, vocabulary: Vocabulary) -> None:
    for record in records:
        out.write(json.dumps(record.to_dict(vocabulary), ensure_ascii=False) + "\n")


def _escape(value: str) -> str:
    # Also a value that already starts with apostrophes before a formula character ("'=x"), so that
    # _unescape, which removes one apostrophe, gives back exactly what was stored.
    return "'" + value if value.lstrip("'").startswith(FORMULA_PREFIXES) else value


def _unescape(value: str) -> str:
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_PREFIXES) else value
