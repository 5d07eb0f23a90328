"""200 hostile texts typed as a list's title, introduction and note stay text on every page that shows them:
the edit page, the read page, the handout, the header, the editors' page and the API (SQLite, PostgreSQL)."""

from __future__ import annotations

import json

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.editor.conftest import make_user
from tests.test_advice_lists import csrf, edit_token, put_on_list, read_token_of
from trefpunt.db import session_factory
from trefpunt.lists import service
from trefpunt.lists.views import LIMITS

# What attackers type: markup, event handlers, script URLs, template and format syntax, broken quoting,
# right-to-left overrides, look-alike characters and very long words.
KNOWN = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "\"'><svg onload=alert(3)>",
    "javascript:alert(4)",
    '<a href="javascript:alert(5)">klik</a>',
    "{{ 7*7 }} {% raw %}{{ config }}{% endraw %}",
    "%(title)s %s {0} ${jndi:ldap://x}",
    "</textarea><script>alert(6)</script>",
    '</title><meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<!-- <div data-list-indicator hidden></div> -->",
    'value="" data-list-csrf',
    "<style>*{display:none}</style>",
    "&lt;script&gt; &amp;amp; &#x3C;",
    "‮gnp.exe",
    "'; DROP TABLE advice_lists; --",
    "𝕯𝖎𝖌𝖎𝕯 😀 汉字 عربى",
    "a" * 499,
    "<iframe srcdoc='<script>parent.alert(7)</script>'>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(8)>",
    "\u200b<script\u200b>alert(9)</script>",
]
# Any printable text (control characters are refused before any view, see test_control_characters...).
PRINTABLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=300
)
HOSTILE = st.one_of(
    st.sampled_from(KNOWN), PRINTABLE, st.builds("".join, st.lists(st.sampled_from(KNOWN), max_size=6))
)
TEXTS = 200


def inert(html: str) -> list[str]:
    """Whatever in the page is active markup that no template of ours wrote: scripts that are not our
    files, event handler attributes, script URLs, frames, objects, style elements, meta refreshes."""
    tree = lxml.html.document_fromstring(html)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and not (
            element.get("src", "").startswith("/static/") or element.get("type") == "application/ld+json"
        ):
            found.append(lxml.html.tostring(element, encoding="unicode")[:80])
        if element.tag in ("iframe", "object", "embed", "style", "base") or (
            element.tag == "meta" and element.get("http-equiv")
        ):
            found.append(element.tag)
        for name, value in element.attrib.items():
            url = name in ("href", "src", "action", "formaction", "srcdoc", "data")
            if name.lower().startswith("on") or (url and value.strip().lower().startswith("javascript:")):
                found.append(f"{element.tag} {name}={value[:40]}")
    return found


def shown(text: str) -> str:
    """How a text is written into a page: trimmed and escaped."""
    return str(escape(text.strip().replace("\r\n", "\n")))


def test_two_hundred_hostile_texts_in_titles_and_notes_stay_inert(app, client):
    make_user(app, "redacteur@example.org")
    editor = app.test_client()
    editor.post(
        "/auth/inloggen",
        data={
            "email": "redacteur@example.org",
            "password": "correct paard batterij",
            "csrf_token": csrf(editor),
        },
    )
    assert put_on_list(client, "steffie-digid").status_code == 303
    edit = edit_token(client)
    read = read_token_of(app, edit)
    with session_factory(app)() as session:
        (item,) = [i.id for i in service.find_for_editing(session, edit).items]
    token = csrf(client)
    tried = []

    @settings(
        max_examples=TEXTS,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=HOSTILE)
    def stays_text(text):
        title, note = text[: LIMITS.title], text[: LIMITS.note]
        saved = client.post(
            f"/lijst/bewerken/{edit}",
            data={
                "titel": title,
                "inleiding": text,
                f"notitie-{item}": note,
                "actie": "bewaar",
                "csrf_token": token,
            },
        )
        assert saved.status_code == 303, saved.get_data(as_text=True)[:300]
        tried.append(text)
        pages = {
            "edit": client.get(f"/lijst/bewerken/{edit}").get_data(as_text=True),
            "read": client.get(f"/lijst/{read}").get_data(as_text=True),
            "handout": client.get(f"/lijst/{read}/afdrukken").get_data(as_text=True),
            "beheer": editor.get(f"/beheer/advieslijsten/?link={read}").get_data(as_text=True),
        }
        for name, html in pages.items():
            assert inert(html) == [], (name, text)
            if title.strip():
                assert shown(title) in html, (name, text)
            assert shown(note) in html or not note.strip(), (name, text)
        data = json.loads(client.get(f"/api/v1/lists/{read}").get_data(as_text=True))
        assert data["title"] == title.strip() and data["items"][0]["note"] == note.strip()

    stays_text()
    assert len(tried) == TEXTS


def test_control_characters_are_refused_and_nothing_is_saved(client, app):
    assert put_on_list(client, "steffie-digid").status_code == 303
    edit = edit_token(client)
    token = csrf(client)
    client.post(f"/lijst/bewerken/{edit}", data={"titel": "Goed", "actie": "bewaar", "csrf_token": token})
    refused = client.post(
        f"/lijst/bewerken/{edit}", data={"titel": "Slecht\x00", "actie": "bewaar", "csrf_token": token}
    )
    # The edit form again, naming the character: the list's own check, not an error page.
    assert refused.status_code == 422
    assert "onzichtbaar stuurteken U+0000" in refused.get_data(as_text=True)
    with session_factory(app)() as session:
        assert service.find_for_editing(session, edit).title == "Goed"
