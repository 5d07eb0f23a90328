"""The shared strings and a worksheet of an XLSX, streamed through expat with limits (see spreadsheet.py)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from .errors import FieldError, ValidationError
from .exchange import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS

# The sheet and the shared strings are unpacked and parsed this much at a time.
CHUNK_BYTES = 64 * 1024
# Distinct texts in the workbook: five per row (title, summary, description, slug, address) at most.
MAX_SHARED_STRINGS = 500_000
# Excel's own last row: a larger row number is not a workbook Excel wrote.
LAST_ROW = 1_048_576
# Row elements in the sheet, empty ones included (a sheet formatted to its last row has a million).
MAX_SHEET_ROWS = 2 * MAX_ROWS
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def refused(message: str, line: int | None = None) -> ValidationError:
    return ValidationError([FieldError("bestand", message, line)])


class _Part:
    """One part of the workbook parsed as it is unpacked, by expat with a handler per event.

    The element tree parsers (defusedxml's included) build an object per element: for a million rows
    that is seconds of work. expat with handlers keeps nothing; it is hardened as defusedxml hardens it,
    only more strictly: a DOCTYPE is refused outright, so no entity (internal, external or a "billion
    laughs") can be declared, and an entity that is not declared is an XML error.
    """

    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        self.archive, self.path = archive, path
        self.finished = False
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.buffer_text = True
        self.names: dict[str, str] = {}

    def local(self, name: str) -> str:
        """The element's name without its namespace (looked up: a part has only a few names)."""
        local = self.names.get(name)
        if local is None:
            local = self.names[name] = name[name.rfind(" ") + 1 :]
        return local

    def _refuse_dtd(self, *_args: object) -> None:
        raise refused(
            "het Excel-bestand bevat XML met een DTD of entiteiten; die komen in een werkmap niet voor "
            "en worden om veiligheidsredenen geweigerd"
        )

    def chunks(self) -> Iterator[None]:
        """Parse the part a piece at a time, pausing after each piece (``finished`` stops it early)."""
        with self.archive.open(self.path) as source:
            try:
                while not self.finished:
                    chunk = source.read(CHUNK_BYTES)
                    self.parser.Parse(chunk, not chunk)
                    yield
                    if not chunk:
                        return
            except expat.ExpatError as exc:
                raise refused(
                    f"het onderdeel {self.path} van het Excel-bestand is geen geldige XML "
                    f"({expat.errors.messages[exc.code]}, regel {exc.lineno}, kolom {exc.offset + 1}); "
                    "sla het bestand opnieuw op in Excel"
                ) from exc

    def start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def end(self, name: str) -> None:
        raise NotImplementedError

    def text(self, data: str) -> None:
        raise NotImplementedError


class _Texts(_Part):
    """Collects the text of ``<t>`` elements inside a string or cell, without the phonetic hints."""

    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        super().__init__(archive, path)
        self.parts: list[str] = []
        self.size = 0
        self.collecting = False
        self.phonetic = 0

    def start_text(self, local: str) -> None:
        if local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.collecting = True

    def end_text(self, local: str) -> None:
        if local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.collecting = False

    def text(self, data: str) -> None:
        if self.collecting:
            self.size += len(data)
            if self.size > MAX_CELL_CHARS:
                raise refused(f"het Excel-bestand heeft een tekst van meer dan {MAX_CELL_CHARS} tekens")
            self.parts.append(data)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts, self.size = [], 0
        return text


class _SharedStrings(_Texts):
    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        super().__init__(archive, path)
        self.strings: list[str] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = self.local(name)
        if local == "si":
            if len(self.strings) == MAX_SHARED_STRINGS:
                raise refused(f"het Excel-bestand heeft meer dan {MAX_SHARED_STRINGS} verschillende teksten")
            self.take()
        else:
            self.start_text(local)

    def end(self, name: str) -> None:
        local = self.local(name)
        if local == "si":
            self.strings.append(self.take())
        else:
            self.end_text(local)


def shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    part = _SharedStrings(archive, path)
    for _ in part.chunks():
        pass
    return part.strings


class _Sheet(_Texts):
    """The rows of a worksheet that hold any text, as ``(row number, {column number: text})``."""

    def __init__(self, archive: zipfile.ZipFile, path: str, strings: list[str]) -> None:
        super().__init__(archive, path)
        self.strings = strings
        self.rows_seen = self.number = self.column = 0
        self.kind = ""
        self.cells: dict[int, str] = {}
        self.ready: list[tuple[int, dict[int, str]]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = self.local(name)
        if local == "c":
            self.column = _column(attributes.get("r"), self.column, self.number)
            self.kind = attributes.get("t", "n")
            self.take()
        elif local == "v":
            self.collecting = True
        elif local == "row":
            self.rows_seen += 1
            if self.rows_seen > MAX_SHEET_ROWS:
                raise refused(
                    f"het werkblad heeft meer dan {MAX_SHEET_ROWS} rijen, lege meegeteld; "
                    "verwijder de lege rijen onder de gegevens"
                )
            self.number = _row_number(attributes.get("r"), self.number)
            self.column, self.cells = 0, {}
        else:
            self.start_text(local)

    def end(self, name: str) -> None:
        local = self.local(name)
        if local == "c":
            value = self._value(self.take())
            if value.strip():
                if self.column > MAX_COLUMNS:
                    raise refused(
                        f"een cel staat in kolom {self.column}; het maximum is {MAX_COLUMNS}", self.number
                    )
                self.cells[self.column] = value
        elif local == "v":
            self.collecting = False
        elif local == "row":
            if self.cells:
                self.ready.append((self.number, self.cells))
        elif local == "sheetData":
            self.finished = True  # what follows (merged cells, print settings) holds no values
        else:
            self.end_text(local)

    def _value(self, text: str) -> str:
        if self.kind == "s" and text:
            index = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1
            if not 0 <= index < len(self.strings):
                raise refused("een cel verwijst naar een tekst die niet in het bestand staat", self.number)
            return self.strings[index]
        return _number_text(text) if self.kind == "n" else text

    def rows(self) -> Iterator[tuple[int, dict[int, str]]]:
        for _ in self.chunks():
            yield from self.ready
            self.ready = []


def sheet_rows(
    archive: zipfile.ZipFile, path: str, strings: list[str]
) -> Iterator[tuple[int, dict[int, str]]]:
    return _Sheet(archive, path, strings).rows()


def _row_number(reference: str | None, previous: int) -> int:
    if reference is None:
        return previous + 1
    if not reference.isascii() or not reference.isdigit() or not 0 < int(reference) <= LAST_ROW:
        raise refused(f"het werkblad heeft een ongeldig rijnummer ({reference[:20]})")
    return int(reference)


def _column(reference: str | None, previous: int, row: int) -> int:
    if reference is None:
        return previous + 1
    match = CELL_REFERENCE.fullmatch(reference)
    if match is None:
        raise refused(f"het werkblad heeft een ongeldige celverwijzing ({reference[:20]})", row)
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _number_text(text: str) -> str:
    """A number as Excel shows it by default: 12 rather than 12.0."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else text
