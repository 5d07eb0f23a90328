"""An editor keeps the everyday synonyms under /beheer/synoniemen: listed, added, changed and deleted,
refused with a clear Dutch reason, and never lost on the way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trefpunt.catalog.models import Synonym
from trefpunt.catalog.vocabulary import SynonymDef, load_vocabulary, vocabulary_version
from trefpunt.db import session_factory

from .conftest import PASSWORD, text_of


def stored(app, phrase: str) -> Synonym | None:
    with session_factory(app)() as session:
        return session.scalar(select(Synonym).where(Synonym.phrase == phrase))


def version(app) -> int:
    with session_factory(app)() as session:
        return vocabulary_version(session)


def synonyms_seen_by_search(app) -> tuple[SynonymDef, ...]:
    with session_factory(app)() as session:
        return load_vocabulary(session).synonyms


def test_the_list_shows_each_synonym_with_its_direction_and_note(editor):
    response = editor.get("/beheer/synoniemen")
    assert response.status_code == 200
    page = text_of(response)
    assert "ziekenhuis gezondheid, zorg één kant op" in page
    assert "senioren ouderen, bejaarden, 65-plussers twee kanten op" in page
    assert "Niet rekenen: rekeningen gaan over betalen" in page
    assert 'href="/beheer/synoniemen"' in editor.get("/beheer/").get_data(as_text=True)


def test_an_editor_adds_a_synonym_and_every_search_sees_it(app, editor):
    before = version(app)
    form = editor.get("/beheer/synoniemen/nieuw")
    assert form.status_code == 200 and "Zoekwoord" in text_of(form)
    response = editor.post(
        "/beheer/synoniemen/nieuw",
        data={
            "phrase": "  Thuiszorg ",
            "expansions": "zorg\ngezondheid; mantelzorg",
            "direction": "een-kant",
            "note": "Zorg aan huis",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/beheer/synoniemen"
    assert "Het synoniem voor ‘Thuiszorg’ is opgeslagen." in text_of(editor.get("/beheer/synoniemen"))
    saved = stored(app, "Thuiszorg")
    assert (saved.expansions, saved.two_way, saved.note) == (
        ["zorg", "gezondheid", "mantelzorg"],
        False,
        "Zorg aan huis",
    )
    assert version(app) > before
    assert SynonymDef("Thuiszorg", ("zorg", "gezondheid", "mantelzorg"), False) in synonyms_seen_by_search(
        app
    )


def test_an_editor_changes_a_synonym_to_two_way(app, editor):
    synonym = stored(app, "post")
    form = editor.get(f"/beheer/synoniemen/{synonym.id}")
    assert form.status_code == 200
    assert "brieven</textarea>" in form.get_data(as_text=True)
    before = version(app)
    response = editor.post(
        f"/beheer/synoniemen/{synonym.id}",
        data={"phrase": "post", "expansions": "brieven\npoststukken", "direction": "twee-kanten", "note": ""},
    )
    assert response.status_code == 302
    changed = stored(app, "post")
    assert (changed.expansions, changed.two_way, changed.note) == (["brieven", "poststukken"], True, "")
    assert version(app) > before
    assert SynonymDef("post", ("brieven", "poststukken"), True) in synonyms_seen_by_search(app)


def test_saving_without_changes_leaves_the_caches_alone(app, editor):
    synonym = stored(app, "ziekenhuis")
    before = version(app)
    editor.post(
        f"/beheer/synoniemen/{synonym.id}",
        data={
            "phrase": synonym.phrase,
            "expansions": "\n".join(synonym.expansions),
            "direction": "een-kant",
            "note": synonym.note,
        },
    )
    assert version(app) == before


def test_deleting_asks_first_and_then_removes_it_everywhere(app, editor):
    synonym = stored(app, "rekeningen")
    question = editor.get(f"/beheer/synoniemen/{synonym.id}/verwijderen")
    assert question.status_code == 200
    assert "Wie ‘rekeningen’ zoekt, vindt dan niet meer vanzelf ook: geldzaken, geld." in text_of(question)
    assert stored(app, "rekeningen") is not None  # asking changes nothing
    response = editor.post(f"/beheer/synoniemen/{synonym.id}/verwijderen")
    assert response.status_code == 302
    assert stored(app, "rekeningen") is None
    assert "rekeningen" not in {s.phrase for s in synonyms_seen_by_search(app)}
    assert "Het synoniem voor ‘rekeningen’ is verwijderd." in text_of(editor.get("/beheer/synoniemen"))
    assert editor.get(f"/beheer/synoniemen/{synonym.id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phrase": " ", "expansions": "gezondheid"}, "Vul het zoekwoord in."),
        (
            {"phrase": "dokter", "expansions": ""},
            "Vul minstens één woord of woordgroep in die hetzelfde betekent.",
        ),
        (
            {"phrase": "Huisarts", "expansions": "dokter\nhuisarts"},
            "Het zoekwoord staat ook bij de synoniemen; een woord is geen synoniem van zichzelf.",
        ),
        ({"phrase": "x" * 201, "expansions": "gezondheid"}, "Het zoekwoord is langer dan 200 tekens."),
        ({"phrase": "tandarts", "expansions": "y" * 201}, "Een synoniem is langer dan 200 tekens."),
        (
            {"phrase": "tandarts", "expansions": "zorg", "note": "z" * 301},
            "De toelichting is langer dan 300 tekens.",
        ),
        (
            {"phrase": "ZIEKENHUIS", "expansions": "zorg"},
            "Voor dit zoekwoord bestaat al een synoniem; pas dat aan in plaats van een nieuw te maken.",
        ),
    ],
    ids=[
        "empty-phrase",
        "no-expansions",
        "phrase-is-expansion",
        "long-phrase",
        "long-expansion",
        "long-note",
        "duplicate",
    ],
)
def test_a_bad_synonym_is_refused_with_the_reason_and_what_was_typed_stays(app, editor, data, message):
    count = len(synonyms_seen_by_search(app))
    response = editor.post("/beheer/synoniemen/nieuw", data={"direction": "twee-kanten", **data})
    assert response.status_code == 422
    page = text_of(response)
    assert "er is nog niets opgeslagen" in page and message in page
    html = response.get_data(as_text=True)
    assert f'value="{data["phrase"]}"' in html
    assert f"{data['expansions']}</textarea>" in html
    assert 'id="direction-twee-kanten" name="direction" value="twee-kanten" checked' in html
    assert len(synonyms_seen_by_search(app)) == count


def test_an_edit_may_not_take_another_synonyms_phrase(app, editor):
    synonym = stored(app, "post")
    response = editor.post(
        f"/beheer/synoniemen/{synonym.id}", data={"phrase": "Rekeningen", "expansions": "brieven"}
    )
    assert response.status_code == 422
    assert "Voor dit zoekwoord bestaat al een synoniem" in text_of(response)
    assert stored(app, "post").expansions == ["brieven"]


def test_the_messages_speak_english_when_asked(editor):
    editor.get("/?lang=en")
    response = editor.post("/beheer/synoniemen/nieuw", data={"phrase": "", "expansions": ""})
    page = text_of(response)
    assert "Fill in the search word." in page
    assert editor.get("/beheer/synoniemen").status_code == 200
    assert "Synonyms" in text_of(editor.get("/beheer/synoniemen"))


def test_anonymous_visitors_are_sent_to_the_login(app, client):
    synonym = stored(app, "post")
    for method, url in [
        ("GET", "/beheer/synoniemen"),
        ("GET", "/beheer/synoniemen/nieuw"),
        ("POST", "/beheer/synoniemen/nieuw"),
        ("POST", f"/beheer/synoniemen/{synonym.id}"),
        ("POST", f"/beheer/synoniemen/{synonym.id}/verwijderen"),
    ]:
        response = client.open(url, method=method, data={"phrase": "x", "expansions": "y"})
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/inloggen?next=")
    assert stored(app, "post") is not None and stored(app, "x") is None


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_changes_without_a_csrf_token_are_refused(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    token = _token(client.get("/auth/inloggen").get_data(as_text=True))
    client.post(
        "/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD, "csrf_token": token}
    )
    synonym = stored(app, "post")
    assert client.post("/beheer/synoniemen/nieuw", data={"phrase": "a", "expansions": "b"}).status_code == 400
    assert client.post(f"/beheer/synoniemen/{synonym.id}/verwijderen").status_code == 400
    assert stored(app, "post") is not None and stored(app, "a") is None
    form_token = _token(client.get("/beheer/synoniemen/nieuw").get_data(as_text=True))
    saved = client.post(
        "/beheer/synoniemen/nieuw", data={"phrase": "a", "expansions": "b", "csrf_token": form_token}
    )
    assert saved.status_code == 302 and stored(app, "a") is not None


def test_what_an_editor_types_is_shown_as_text_never_as_html(app, editor):
    editor.post(
        "/beheer/synoniemen/nieuw",
        data={"phrase": "<b>vet</b>", "expansions": "<script>x()</script>", "note": "<i>n</i>"},
    )
    synonym = stored(app, "<b>vet</b>")
    for url in ("/beheer/synoniemen", f"/beheer/synoniemen/{synonym.id}/verwijderen"):
        html = editor.get(url).get_data(as_text=True)
        assert "<b>vet</b>" not in html and "<script>x()" not in html, url
        assert "&lt;b&gt;vet&lt;/b&gt;" in html, url
