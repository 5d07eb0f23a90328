"""Every piece of interface text exists in Dutch and English, and the compiled catalogue is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent.parent
CATALOGUE = ROOT / "trefpunt" / "translations" / "en" / "LC_MESSAGES"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
METHODS = [("trefpunt/**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found - {""}


def test_every_interface_text_has_an_english_translation():
    with open(CATALOGUE / "messages.po", "rb") as f:
        catalogue = read_po(f)

    def translated(msgid: str) -> bool:
        entry = catalogue.get(msgid)
        if entry is None:
            return False
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings) and not entry.fuzzy

    untranslated = sorted(m for m in source_messages() if not translated(m))
    assert untranslated == [], "run `make translations` and translate these"


def test_the_compiled_catalogue_matches_the_source_catalogue():
    def entries(catalogue) -> dict:
        return {_plain(m.id): _plain(m.string) for m in catalogue if m.id}

    with open(CATALOGUE / "messages.po", "rb") as f:
        source = entries(read_po(f))
    with open(CATALOGUE / "messages.mo", "rb") as f:
        compiled = entries(read_mo(f))
    assert compiled == source, "run `make translations` (pybabel compile)"


def _plain(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_pages_speak_english_when_asked(client):
    english = client.get("/?lang=en").get_data(as_text=True)
    dutch = client.get("/?lang=nl").get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="nl"' in dutch
    assert "Trefpunt learning materials" in english and "Trefpunt leermiddelen" in dutch
