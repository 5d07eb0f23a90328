"""Every import file is read within limits, and a file past one is refused with a message that names it.

(The hostile files of issue 12 themselves, uploaded and measured, are in editor/test_editor_upload_limits.py.)
"""

from __future__ import annotations

import io
import json
import zipfile

import hostile_files as hostile
import pytest

from trefpunt.catalog import exchange, spreadsheet
from trefpunt.catalog.errors import ValidationError


def read(data: bytes, fmt: str, vocabulary) -> list[tuple[int, dict]]:
    if fmt == "xlsx":
        return spreadsheet.read_xlsx(data, vocabulary)
    return exchange.read_rows(data, fmt, vocabulary)


def refusal(data: bytes, fmt: str, vocabulary) -> list[tuple[int | None, str]]:
    with pytest.raises(ValidationError) as caught:
        read(data, fmt, vocabulary)
    return [(e.line, e.message) for e in caught.value.errors]


def csv_rows(count: int, row: str = "Boek;draft") -> bytes:
    return ("title;status\r\n" + f"{row}\r\n" * count).encode()


# -- CSV ------------------------------------------------------------------------------------------------


def test_a_csv_of_more_than_100000_rows_is_refused_at_the_first_row_too_many(vocabulary):
    assert len(read(csv_rows(100_000), "csv", vocabulary)) == 100_000
    assert refusal(csv_rows(100_001), "csv", vocabulary) == [
        (100_002, "het bestand heeft meer dan 100000 rijen; splits het in delen")
    ]


def test_a_csv_header_of_a_hundred_thousand_columns_is_refused_in_one_message(vocabulary):
    assert refusal((",title" * 100_000 + "\r\n").encode(), "csv", vocabulary) == [
        (1, "de kop heeft 100001 kolommen; het maximum is 64")
    ]


@pytest.mark.parametrize("length", [40_000, 200_000])
def test_a_csv_cell_longer_than_excel_allows_is_refused(vocabulary, length):
    data = ("title;summary\r\nBoek;" + "x" * length + "\r\n").encode()
    assert refusal(data, "csv", vocabulary) == [(2, "een cel is langer dan 32767 tekens")]


def test_an_unclosed_quote_is_named(vocabulary):
    data = b'title;summary\r\nBoek;"begint maar houdt niet op\r\n'
    assert refusal(data, "csv", vocabulary) == [
        (2, "het bestand houdt op midden in een cel tussen aanhalingstekens")
    ]


def test_reading_stops_after_a_hundred_problems(vocabulary):
    problems = refusal(csv_rows(10_000, "Boek;draft;te veel"), "csv", vocabulary)
    assert len(problems) == 101
    assert problems[0] == (2, "3 cellen, de kop heeft er 2")
    assert problems[-1] == (101, "meer dan 100 fouten: verbeter deze eerst")


# -- JSON Lines -----------------------------------------------------------------------------------------


def test_json_nested_a_hundred_thousand_deep_is_a_clear_error(vocabulary):
    assert refusal(hostile.deeply_nested_json(), "jsonl", vocabulary) == [
        (1, "de JSON is te diep genest (meer dan 2 niveaus)")
    ]


def test_json_nested_a_little_is_refused_by_column(vocabulary):
    line = json.dumps({"title": "Boek", "keywords": [["lezen"]], "summary": {"a": 1}})
    assert refusal(line.encode(), "jsonl", vocabulary) == [
        (1, "verwacht tekst, een getal of een lijst daarvan (de JSON is te diep genest)"),
        (1, "verwacht tekst, een getal of een lijst daarvan (de JSON is te diep genest)"),
    ]


def test_a_number_of_5000_digits_is_a_clear_error(vocabulary):
    assert refusal(hostile.long_number_json(), "jsonl", vocabulary) == [
        (1, "een getal is langer dan 30 cijfers")
    ]
    assert read(b'{"title": "Boek", "summary": 1234567890}\n', "jsonl", vocabulary)


def test_a_json_line_longer_than_100000_characters_is_refused(vocabulary):
    line = json.dumps({"title": "Boek", "description": "x" * 100_000})
    assert refusal(line.encode(), "jsonl", vocabulary) == [(1, "de regel is langer dan 100000 tekens")]


def test_a_line_separator_inside_a_json_text_does_not_end_the_line(vocabulary):
    rows = read('{"title": "Boek\u2028twee"}\n'.encode(), "jsonl", vocabulary)
    assert rows == [(1, {"title": "Boek\u2028twee"})]


def test_json_lines_of_more_than_100000_rows_are_refused(vocabulary):
    data = b'{"title": "Boek"}\n' * 100_001
    assert refusal(data, "jsonl", vocabulary) == [
        (100_001, "het bestand heeft meer dan 100000 rijen; splits het in delen")
    ]


# -- XLSX -----------------------------------------------------------------------------------------------


def workbook_with(rows: list[str], strings: list[str] | None = None) -> bytes:
    shared = None if strings is None else [f'<sst xmlns="{hostile.MAIN}">{"".join(strings)}</sst>'.encode()]
    return hostile.workbook([f'<worksheet xmlns="{hostile.MAIN}"><sheetData>{"".join(rows)}</sheetData>'
                             "<mergeCells/></worksheet>".encode()], shared)  # fmt: skip


def test_a_workbook_reads_as_excel_shows_it(vocabulary):
    """Shared and inline texts, rich-text runs without their phonetic hints, 12 rather than 12.0."""
    strings = [
        "<si><t>title</t></si>",
        "<si><t>keywords</t></si>",
        "<si><r><t>Klik </t></r><r><rPr><b/></rPr><t>&amp; Tik</t></r><rPh><t>kurikku</t></rPh></si>",
    ]
    data = workbook_with(
        [
            '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c></row>',
            '<row r="5"><c r="A5" t="s"><v>2</v></c><c r="B5"><v>12.0</v></c></row>',
            '<row r="6"><c r="A6" t="inlineStr"><is><t xml:space="preserve"> Taal </t></is></c>'
            '<c r="B6" t="str"><v>lezen;schrijven</v></c></row>',
        ],
        strings,
    )
    assert spreadsheet.read_xlsx(data, vocabulary) == [
        (5, {"title": "Klik & Tik", "keywords": "12"}),
        (6, {"title": " Taal ", "keywords": "lezen;schrijven"}),
    ]


def test_a_workbook_cell_outside_the_header_is_refused(vocabulary):
    data = workbook_with(
        [
            '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>',
            '<row r="2"><c r="A2" t="inlineStr"><is><t>Boek</t></is></c>'
            '<c r="C2" t="inlineStr"><is><t>zoek</t></is></c></row>',
        ]
    )
    assert refusal(data, "xlsx", vocabulary) == [(2, "een cel staat buiten de kolommen van de kop")]


def test_a_cell_pointing_at_a_text_that_is_not_there_is_refused(vocabulary):
    data = workbook_with(['<row r="1"><c r="A1" t="s"><v>7</v></c></row>'], ["<si><t>title</t></si>"])
    assert refusal(data, "xlsx", vocabulary) == [
        (1, "een cel verwijst naar een tekst die niet in het bestand staat")
    ]


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_of_many_entries_is_refused_before_unpacking(vocabulary):
    data = zipped({f"xl/media/{n}.xml": b"" for n in range(501)})
    assert refusal(data, "xlsx", vocabulary) == [
        (None, "het Excel-bestand bestaat uit meer dan 500 onderdelen")
    ]


def test_an_entry_compressed_like_a_zip_bomb_is_refused_before_unpacking(vocabulary):
    data = zipped({"xl/worksheets/sheet1.xml": b" " * (2 * 1024 * 1024)})
    assert refusal(data, "xlsx", vocabulary) == [
        (
            None,
            "het onderdeel xl/worksheets/sheet1.xml van het Excel-bestand is meer dan 100 keer samengeperst: "
            "zo ziet een 'zip-bom' eruit, geen werkmap",
        )
    ]
