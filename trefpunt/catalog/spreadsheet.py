"""XLSX in the same columns as the CSV exchange file: written with openpyxl, read with limits.

Editors keep inventories in Excel; reading the workbook directly spares them the "save as CSV UTF-8"
step that goes wrong so often. An uploaded workbook is untrusted: a few hundred kilobytes can unpack to
gigabytes, hold a million shared strings, or carry XML entities. So the reader checks the zip's entries
before unpacking anything, reads the workbook's table of contents with defusedxml, and streams the shared
strings and the first sheet through expat (no DTD, so no entities), keeping one row in memory and stopping
at the first limit it meets, with a message that names it. (openpyxl, even in read-only mode, keeps every
shared string and fills the gaps between cells, which is what made the issue's "empty rows" workbook cost
a worker 30 seconds and its shared-strings variant 2.2 GB.)
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable, Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .errors import FieldError, ValidationError
from .exchange import FORMULA_PREFIXES, MAX_ROWS, Problems, too_many_rows
from .records import MaterialRecord, columns
from .vocabulary import Vocabulary
from .xlsx_stream import refused, shared_strings, sheet_rows

SHEET_TITLE = "Leermiddelen"

# Limits on the zip, checked against its directory before anything is unpacked. A 4 MB workbook of 10,000
# real materials unpacks to 20 MB at a ratio of 5 (and is read in 1.5 to 3.5 s); these leave room for
# that and refuse a "zip bomb".
MAX_ENTRIES = 500
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 48 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # small entries may compress oddly well, and cost nothing
# The workbook's table of contents (workbook.xml and the relationship files) is read whole: kept small.
MAX_PART_BYTES = 1024 * 1024

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
UNREADABLE = "dit is geen leesbaar Excel-bestand (.xlsx); sla het opnieuw op als .xlsx"


def write_xlsx(records: Iterable[MaterialRecord], out: BinaryIO, vocabulary: Vocabulary) -> None:
    """One sheet, a header row, one row per material; no cell is ever a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    header = columns(vocabulary)
    sheet.append(header)
    for record in records:
        row = record.to_row(vocabulary)
        sheet.append([_text_cell(sheet, _escape(row[c])) for c in header])
    workbook.save(out)


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    # openpyxl would otherwise store "=..." as a formula; a string cell is shown, never run.
    cell.data_type = TYPE_STRING
    return cell


def _escape(value: str) -> str:
    # The same leading apostrophe as the CSV export, so a cell copied elsewhere stays inert too.
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _unescape(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value


def read_xlsx(data: bytes, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    """Rows of the first sheet as ``(row number, mapping)``; ValidationError naming the problem otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refused(UNREADABLE) from exc
    with archive:
        _check_entries(archive)
        try:
            sheet, strings_part = _first_sheet(archive)
            strings = shared_strings(archive, strings_part) if strings_part else []
            return _read_rows(sheet_rows(archive, sheet, strings), vocabulary)
        except DefusedXmlException as exc:
            raise refused(
                "het Excel-bestand bevat XML met een DTD of entiteiten; die komen in een werkmap niet voor "
                "en worden om veiligheidsredenen geweigerd"
            ) from exc
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise refused(UNREADABLE) from exc
        except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown compression
            raise refused(
                "het Excel-bestand is versleuteld of vreemd ingepakt; sla het opnieuw op als .xlsx"
            ) from exc


def _check_entries(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory promises too much, before a byte of it is unpacked."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise refused(f"het Excel-bestand bestaat uit meer dan {MAX_ENTRIES} onderdelen")
    total = 0
    for entry in entries:
        # zipfile stops every entry at its declared size (and then fails its checksum), so these are
        # the most that will ever be unpacked.
        if entry.file_size > MAX_ENTRY_BYTES:
            raise refused(
                f"het onderdeel {entry.filename[:100]} van het Excel-bestand is uitgepakt "
                f"{_megabytes(entry.file_size)}; het maximum is {_megabytes(MAX_ENTRY_BYTES)}"
            )
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise refused(
                f"het onderdeel {entry.filename[:100]} van het Excel-bestand is meer dan {MAX_RATIO} keer "
                "samengeperst: zo ziet een 'zip-bom' eruit, geen werkmap"
            )
        total += entry.file_size
    if total > MAX_UNPACKED_BYTES:
        raise refused(
            f"het Excel-bestand is uitgepakt {_megabytes(total)}; het maximum is "
            f"{_megabytes(MAX_UNPACKED_BYTES)}"
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The paths of the first worksheet and of the shared strings (None when the workbook has none)."""
    workbook = "xl/workbook.xml"
    for relation in _relations(archive, "_rels/.rels"):
        if relation.get("Type", "").endswith("/officeDocument"):
            workbook = _target("", relation)
    base = posixpath.dirname(workbook)
    relations = _relations(archive, posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"))
    targets = {r.get("Id"): _target(base, r) for r in relations}
    strings = next(
        (_target(base, r) for r in relations if r.get("Type", "").endswith("/sharedStrings")), None
    )
    sheets = _part(archive, workbook).find(f"{MAIN}sheets")
    first = sheets.find(f"{MAIN}sheet") if sheets is not None else None
    path = targets.get(first.get(f"{DOC_RELS}id")) if first is not None else None
    if path is None:
        raise refused("het Excel-bestand heeft geen werkblad")
    return path, strings if strings in archive.namelist() else None


def _relations(archive: zipfile.ZipFile, path: str) -> list[Element]:
    if path not in archive.namelist():
        return []
    return list(_part(archive, path).iter(f"{RELS}Relationship"))


def _target(base: str, relation: Element) -> str:
    target = relation.get("Target", "")
    path = target[1:] if target.startswith("/") else posixpath.join(base, target)
    return posixpath.normpath(path)


def _part(archive: zipfile.ZipFile, path: str) -> Element:
    """A small XML part, read whole (the table of contents of the workbook)."""
    if archive.getinfo(path).file_size > MAX_PART_BYTES:
        raise refused(f"het onderdeel {path} van het Excel-bestand is ongewoon groot")
    try:
        return fromstring(archive.read(path), forbid_dtd=True)
    except ParseError as exc:
        raise _not_xml(path, exc) from exc


def _not_xml(path: str, exc: ParseError) -> ValidationError:
    line, column = exc.position
    return refused(
        f"het onderdeel {path} van het Excel-bestand is geen geldige XML (regel {line}, kolom {column}); "
        "sla het bestand opnieuw op in Excel"
    )


def _read_rows(rows: Iterator[tuple[int, dict[int, str]]], vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    first = next(rows, None)
    if first is None:
        raise refused("het werkblad is leeg", 1)
    header_line, cells = first
    header = [cells.get(n, "").strip().lower() for n in range(1, max(cells) + 1)]
    _check_header(header, vocabulary, header_line)
    result: list[tuple[int, dict]] = []
    problems = Problems()
    for number, cells in rows:
        if max(cells) > len(header):
            problems.add("bestand", "een cel staat buiten de kolommen van de kop", number)
            continue
        if len(result) == MAX_ROWS:
            raise too_many_rows(number)
        result.append((number, {h: _unescape(cells.get(n, "")) for n, h in enumerate(header, 1)}))
    problems.check()
    return result


def _check_header(header: list[str], vocabulary: Vocabulary, line: int) -> None:
    known = set(columns(vocabulary))
    errors = [FieldError(h[:100] or "(leeg)", "onbekende kolom", line) for h in header if h not in known]
    if "title" not in header:
        errors.append(FieldError("title", "de kolom 'title' ontbreekt", line))
    if len(set(header)) != len(header):
        errors.append(FieldError("bestand", "een kolomnaam komt twee keer voor", line))
    if errors:
        raise ValidationError(errors)
