"""Reading and writing the exchange files: CSV (``,`` or ``;``, UTF-8 with or without BOM) and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from typing import TextIO

from .errors import FieldError, ValidationError
from .records import MaterialRecord, columns
from .vocabulary import Vocabulary

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Limits on an uploaded file, so that a hostile or broken one is refused in a moment and in little memory.
MAX_ROWS = 100_000
# The exchange has 16 columns; a header far wider is not an inventory.
MAX_COLUMNS = 64
# Excel's own limit on a cell; the longest field the catalogue keeps (a description) is 20,000.
MAX_CELL_CHARS = 32_767
# One JSON line holds one material: a few long texts and lists of keys.
MAX_LINE_CHARS = 100_000
# Python refuses integers of more than 4,300 digits with a ValueError; no column needs more than a few.
MAX_NUMBER_CHARS = 30
# An object of lists is as deep as a material goes; a line with more brackets than this is looked at closely.
MAX_JSON_DEPTH = 2
BRACKETS_LOOKED_AT = 100
# Reported problems per file: after that many, reading stops (a broken file need not list a million).
MAX_ERRORS = 100


def detect_format(filename: str) -> str:
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    raise ValidationError([FieldError("bestand", "onbekend bestandstype: gebruik .csv of .jsonl")])


class Problems:
    """The problems found in a file so far; raises ValidationError once there are ``MAX_ERRORS``."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, column: str, message: str, line: int | None = None) -> None:
        self.errors.append(FieldError(column, message, line))
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(
                FieldError("bestand", f"meer dan {MAX_ERRORS} fouten: verbeter deze eerst", line)
            )
            raise ValidationError(self.errors)

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def too_many_rows(line: int | None = None) -> ValidationError:
    return ValidationError(
        [FieldError("bestand", f"het bestand heeft meer dan {MAX_ROWS} rijen; splits het in delen", line)]
    )


def read_rows(data: bytes, fmt: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    """Parse a file into ``(line, mapping)`` rows; raise ValidationError naming the line when it cannot."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [FieldError("bestand", "het bestand is geen UTF-8; sla het op als 'CSV UTF-8'", line)]
        ) from exc
    return _read_jsonl(text, vocabulary) if fmt == "jsonl" else _read_csv(text, vocabulary)


class _NumberTooLong(ValueError):
    pass


def _number(parse: type[int] | type[float]) -> Callable[[str], int | float]:
    def bounded(digits: str) -> int | float:
        if len(digits) > MAX_NUMBER_CHARS:
            raise _NumberTooLong(digits)
        return parse(digits)

    return bounded


_parse_int, _parse_float = _number(int), _number(float)


def _read_jsonl(text: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    known = set(columns(vocabulary))
    rows: list[tuple[int, dict]] = []
    problems = Problems()
    # Lines end at "\n" only: str.splitlines() would also split at U+2028, which JSON strings may hold.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if _too_deep(line):
            problems.add("json", f"de JSON is te diep genest (meer dan {MAX_JSON_DEPTH} niveaus)", number)
            continue
        if len(line) > MAX_LINE_CHARS:
            problems.add("json", f"de regel is langer dan {MAX_LINE_CHARS} tekens", number)
            continue
        try:
            value = json.loads(line, parse_int=_parse_int, parse_float=_parse_float)
        except json.JSONDecodeError as exc:
            problems.add("json", f"ongeldige JSON: {exc.msg} (kolom {exc.colno})", number)
            continue
        except _NumberTooLong:
            problems.add("json", f"een getal is langer dan {MAX_NUMBER_CHARS} cijfers", number)
            continue
        if not isinstance(value, dict):
            problems.add("json", "elke regel is één JSON-object", number)
            continue
        if len(rows) == MAX_ROWS:
            raise too_many_rows(number)
        for key, item in value.items():
            # As in CSV: an unknown key is a typo that would otherwise be lost without a word.
            if key not in known:
                problems.add(key[:100], "onbekende kolom", number)
            elif not _flat(item):
                problems.add(
                    key, "verwacht tekst, een getal of een lijst daarvan (de JSON is te diep genest)", number
                )
        rows.append((number, value))
    problems.check()
    return rows


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(line: str) -> bool:
    """Nested deeper than a material can be; counted before parsing, which would recurse that deep."""
    if line.count("[") + line.count("{") <= BRACKETS_LOOKED_AT:
        return False  # the structure check after parsing catches shallower nesting
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub("", line)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def _flat(value: object) -> bool:
    """A value a column can hold: a scalar, or a list of scalars (two levels of nesting with the object)."""
    if isinstance(value, list):
        return all(not isinstance(item, list | dict) for item in value)
    return not isinstance(value, dict)


def _read_csv(text: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValidationError([FieldError("bestand", "het bestand is leeg", 1)]) from None
    except csv.Error as exc:
        raise ValidationError([FieldError("bestand", _csv_problem(exc), 1)]) from exc
    if len(header) > MAX_COLUMNS:
        raise ValidationError(
            [FieldError("bestand", f"de kop heeft {len(header)} kolommen; het maximum is {MAX_COLUMNS}", 1)]
        )
    _check_header(header, vocabulary)
    rows: list[tuple[int, dict]] = []
    problems = Problems()
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(rows) == MAX_ROWS:
                    raise too_many_rows(line)
                if len(cells) != len(header):
                    problems.add("bestand", f"{len(cells)} cellen, de kop heeft er {len(header)}", line)
                elif any(len(c) > MAX_CELL_CHARS for c in cells):
                    problems.add("bestand", f"een cel is langer dan {MAX_CELL_CHARS} tekens", line)
                else:
                    rows.append((line, {h: _unescape(c) for h, c in zip(header, cells, strict=True)}))
            line = reader.line_num + 1
    except csv.Error as exc:
        problems.add("bestand", _csv_problem(exc), line)
    problems.check()
    return rows


def _check_header(header: list[str], vocabulary: Vocabulary) -> None:
    known = set(columns(vocabulary))
    errors = [FieldError(h[:100] or "(leeg)", "onbekende kolom", 1) for h in header if h not in known]
    if "title" not in header and "slug" not in header:
        errors.append(FieldError("title", "de kolom 'title' (of 'slug') ontbreekt", 1))
    if len(set(header)) != len(header):
        errors.append(FieldError("bestand", "een kolomnaam komt twee keer voor", 1))
    if errors:
        raise ValidationError(errors)


def _csv_problem(exc: csv.Error) -> str:
    """The csv module's complaint, in the editors' words."""
    message = str(exc)
    if "field larger than field limit" in message:
        return f"een cel is langer dan {MAX_CELL_CHARS} tekens"
    if "unexpected end of data" in message:
        return "het bestand houdt op midden in een cel tussen aanhalingstekens"
    if "expected after" in message:
        return "na een aanhalingsteken dat een cel sluit, hoort een scheidingsteken"
    return f"onleesbare CSV ({message})"


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
