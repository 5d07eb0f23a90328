"""A hostile payload typed into any text field stays text: on the editor's pages and on the public ones."""

from __future__ import annotations

import re

from .test_editor_materials import version_of

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">"\'><svg onload=alert(3)>'
URL = 'https://example.org/"><script>alert(4)</script>'


def dangerous(html: str) -> list[str]:
    """Markup an attacker would need: a script tag or an event handler that is real HTML, not text."""
    return re.findall(r"<script>alert|<img src=x onerror|<svg onload|(?:href|src)=\"?javascript:", html)


def test_a_payload_in_every_text_field_is_inert_everywhere(editor, client):
    fields = {
        "title": "Titel " + PAYLOAD,
        "provider": "Aanbieder " + PAYLOAD,
        "url": URL,
        "summary": "Samenvatting " + PAYLOAD,
        "description": "Beschrijving " + PAYLOAD + "\n\n[klik](javascript:alert(5))",
        "keywords": "trefwoord " + PAYLOAD.replace(";", ""),
        "vaardigheid": ["rekenen"],
        "kosten": "gratis",
        "not_a_duplicate": "y",
    }
    created = editor.post("/beheer/nieuw", data=fields)
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    page = created.headers["Location"]
    slug = page.rsplit("/", 1)[-1]
    version = version_of(editor.get(page))
    assert editor.post(f"{page}/publiceren", data={"version": version}).status_code == 302

    editor_pages = [
        "/beheer/",
        "/beheer/?q=Titel",
        page,
        f"{page}/geschiedenis?van=1&naar=2",
        f"{page}/archiveren",
    ]
    preview = editor.post("/beheer/voorbeeld", data={"description": fields["description"]})
    public_pages = [f"/leermiddel/{slug}", "/zoeken?q=samenvatting", "/"]
    for url in editor_pages:
        response = editor.get(url)
        assert response.status_code == 200, url
        assert dangerous(response.get_data(as_text=True)) == [], url
    assert dangerous(preview.get_data(as_text=True)) == []
    for url in public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert dangerous(response.get_data(as_text=True)) == [], url
    # The API hands the text over as JSON data, which a browser does not run as a page.
    api = client.get("/api/v1/materials?q=samenvatting")
    assert api.mimetype == "application/json" and api.headers["X-Content-Type-Options"] == "nosniff"
    # The text itself is still there, shown as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in editor.get(page).get_data(as_text=True)
