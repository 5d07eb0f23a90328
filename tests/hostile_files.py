"""Hostile and broken upload files, as issue 12 found them (and a few that stay just within the limits).

Each builder returns the file's bytes; the large ones are written as a stream, so building them costs
little memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("title", "summary", "vaardigheid", "kosten", "status")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Leermiddelen" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)


def workbook(sheet: Iterable[bytes], shared_strings: Iterable[bytes] | None = None) -> bytes:
    """An XLSX with one sheet (and shared strings), its big parts streamed into the zip at level 9."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", shared_strings)):
            if chunks is None:
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def _inline(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    cells = "".join(_inline(chr(ord("A") + i), 1, name) for i, name in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def sheet(rows: Iterable[str], prolog: str = "") -> Iterator[bytes]:
    yield f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'.encode()
    batch: list[str] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


def empty_rows_bomb(megabytes: int = 190) -> bytes:
    """The issue's workbook: a few hundred kilobytes that unpack to ~190 MB of rows of empty cells."""
    row = "<row>" + '<c s="1"/>' * 16 + "</row>"
    return workbook(sheet(row for _ in range(megabytes * 1024 * 1024 // len(row))))


def million_empty_rows() -> bytes:
    """Excel's every row, empty: within the zip limits, so it is read, and must be read quickly."""
    return workbook(sheet(f'<row r="{n}"/>' for n in range(2, 1_048_577)))


def far_right_empty_cells(rows: int = 100_000) -> bytes:
    """Rows whose one (empty) cell is in Excel's last column: filling the gaps would make 16,384 a row."""
    return workbook(sheet(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, rows + 2)))


def far_right_text() -> bytes:
    return workbook(sheet([f'<row r="2">{_inline("A", 2, "Boek")}{_inline("XFD", 2, "verstopt")}</row>']))


def shared_strings(strings: Iterable[str]) -> Iterator[bytes]:
    yield f'<sst xmlns="{MAIN}">'.encode()
    batch: list[str] = []
    for text in strings:
        batch.append(f"<si><t>{text}</t></si>")
        if len(batch) == 10_000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sst>").encode()


def shared_strings_bomb(megabytes: int = 190) -> bytes:
    """The issue's shared-strings variant: one short text repeated to ~190 MB, grew a worker to 2.2 GB."""
    count = megabytes * 1024 * 1024 // len("<si><t>leermiddel</t></si>")
    return workbook(sheet([]), shared_strings("leermiddel" for _ in range(count)))


def many_shared_strings(count: int = 600_000) -> bytes:
    """More distinct texts than any inventory has, each different, so the zip looks ordinary."""
    return workbook(sheet([]), shared_strings(f"t{n * 7919 % 1_000_003:x}{n:x}" for n in range(count)))


def bad_sheet_xml() -> bytes:
    return workbook(sheet([f'<row r="2">{_inline("A", 2, "Boek")}<c r="B2"></row>']))


def external_entity() -> bytes:
    prolog = '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return workbook(sheet([f'<row r="2">{_inline("A", 2, "&xxe;")}</row>'], prolog=prolog))


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    prolog = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
    strings = [f'{prolog}<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'.encode()]
    return workbook(sheet(['<row r="2"><c r="A2" t="s"><v>0</v></c></row>']), strings)


def deeply_nested_json(depth: int = 100_000) -> bytes:
    return ('{"title": "Diep", "keywords": ' + "[" * depth + "]" * depth + "}\n").encode()


def long_number_json(digits: int = 5_000) -> bytes:
    return ('{"title": "Groot getal", "summary": ' + "7" * digits + "}\n").encode()
