"""XLSX in the same columns as the CSV exchange file, read and written with openpyxl.

Editors keep inventories in Excel; reading the workbook directly spares them the "save as CSV UTF-8"
step that goes wrong so often.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING, Cell
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .errors import FieldError, ValidationError
from .exchange import FORMULA_PREFIXES, MAX_ROWS
from .records import MaterialRecord, columns
from .vocabulary import Vocabulary

SHEET_TITLE = "Leermiddelen"
# A small file can unpack to gigabytes (a "zip bomb"); refuse before openpyxl unpacks it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


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
    """Rows of the first sheet as ``(row number, mapping)``; ValidationError naming the row if unreadable."""
    workbook = _open(data)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise ValidationError([FieldError("bestand", "het werkblad is leeg", 1)])
        header = [_cell_text(h).strip().lower() for h in header_cells]
        while header and not header[-1]:
            header.pop()
        _check_header(header, vocabulary)
        result: list[tuple[int, dict]] = []
        for number, cells in enumerate(rows, 2):
            values = [_cell_text(c) for c in cells]
            extra = [v for v in values[len(header) :] if v.strip()]
            if extra:
                raise ValidationError(
                    [FieldError("bestand", "een cel staat buiten de kolommen van de kop", number)]
                )
            if any(v.strip() for v in values):
                values += [""] * (len(header) - len(values))
                result.append(
                    (number, {h: _unescape(v) for h, v in zip(header, values[: len(header)], strict=True)})
                )
            if len(result) > MAX_ROWS:
                raise ValidationError([FieldError("bestand", f"meer dan {MAX_ROWS} rijen")])
        return result
    finally:
        workbook.close()


def _open(data: bytes) -> Workbook:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValidationError([FieldError("bestand", "het Excel-bestand is uitgepakt te groot")])
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValidationError(
            [
                FieldError(
                    "bestand", "dit is geen leesbaar Excel-bestand (.xlsx); sla het opnieuw op als .xlsx"
                )
            ]
        ) from exc


def _check_header(header: list[str], vocabulary: Vocabulary) -> None:
    known = set(columns(vocabulary))
    errors = [FieldError(h or "(leeg)", "onbekende kolom", 1) for h in header if h not in known]
    if "title" not in header:
        errors.append(FieldError("title", "de kolom 'title' ontbreekt", 1))
    if len(set(header)) != len(header):
        errors.append(FieldError("bestand", "een kolomnaam komt twee keer voor", 1))
    if errors:
        raise ValidationError(errors)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
