"""What the outside world may send us: text without control characters, numbers in ASCII digits.

Plain functions, no Flask: the request guard (``trefpunt.guard``), the views and the catalogue's record
validation all ask the same questions here, so a value is refused the same way wherever it comes in.
"""

from __future__ import annotations

import re

# Unicode's control characters (category Cc) but tab, line feed and carriage return, which a text area
# sends. PostgreSQL refuses NUL in text outright; the others are invisible, break exports and never mean
# anything in a catalogue of learning materials.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Longest number any argument of ours takes: page numbers, versions, row ids. Nine digits stay within
# PostgreSQL's INTEGER, so a longer one is refused here instead of by the database.
MAX_DIGITS = 9


def control_character(text: str) -> str | None:
    """The first control character in ``text``, written as ``U+0000``, or None."""
    found = CONTROL_CHARACTER.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def is_number(text: str) -> bool:
    """True for 1 to ``MAX_DIGITS`` ASCII digits (``str.isdigit`` also takes '²', which int() refuses)."""
    return 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()


def parse_int(text: str | None, default: int) -> int:
    """``text`` as a whole number when it is one (see ``is_number``), else ``default``."""
    return int(text) if text is not None and is_number(text) else default
