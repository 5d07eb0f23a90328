"""Whatever arrives, the answer is a 4xx that says what was wrong, never a 500, and nothing is lost.

NUL and other control characters (PostgreSQL refuses NUL in text), digits that are not ASCII ('²' passes
``str.isdigit``), values too long or too large: in addresses, parameters, forms, file names and imports.
Every test runs on SQLite and, with TREFPUNT_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.editor.conftest import PASSWORD, make_user, text_of
from trefpunt.catalog.models import Material, Term
from trefpunt.db import session_factory

SLUG = "klik-en-tik-de-basis"


@pytest.fixture
def app(app):
    app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "redacteur@example.org", "editor")
    make_user(app, "beheerder@example.org", "admin")
    return app


def log_in(client, email: str = "redacteur@example.org"):
    assert client.post("/auth/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def material(app, slug: str = SLUG) -> Material | None:
    with session_factory(app)() as session:
        return session.scalar(select(Material).where(Material.slug == slug))


@pytest.mark.parametrize(
    "address",
    [
        "/leermiddel/a%00b",
        "/zoeken?q=digid%00",
        "/zoeken?q=%01%02%1b",
        "/zoeken?doelgroep=ouderen%00",
        "/zoeken/aanbieders?q=%7f",
        "/?lang=en%00",
        "/zoeken?q%00=digid",
    ],
)
def test_a_control_character_in_a_public_address_is_a_400_page_that_says_so(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "onzichtbaar stuurteken" in text_of(response)
    assert response.mimetype == "text/html"


def test_the_page_names_the_parameter_and_the_character(client):
    page = text_of(client.get("/zoeken?doelgroep=ouderen%00"))
    assert "De parameter ‘doelgroep’ bevat een onzichtbaar stuurteken (U+0000)." in page


def test_the_api_answers_a_control_character_with_a_json_400_naming_the_parameter(client):
    for address, parameter in [
        ("/api/v1/materials/a%00b", None),
        ("/api/v1/materials?q=%00", "q"),
        ("/api/v1/materials?niveau=%1f", "niveau"),
    ]:
        response = client.get(address)
        assert response.status_code == 400, address
        error = response.get_json()["error"]
        assert error["status"] == 400 and "onzichtbaar stuurteken" in error["message"], address
        assert error.get("parameter") == parameter, address


def test_tab_and_new_line_are_ordinary_white_space_in_a_search(client):
    response = client.get("/zoeken?q=digid%09ouderen%0A", follow_redirects=True)
    assert response.status_code == 200


def test_a_login_with_a_nul_in_the_e_mail_is_refused_and_logs_nobody_in(client):
    data = {"email": "redacteur@example.org\x00", "password": PASSWORD}
    response = client.post("/auth/inloggen", data=data)
    assert response.status_code == 400
    assert "onzichtbaar stuurteken" in text_of(response)
    assert client.get("/beheer/").status_code == 302


def test_an_editor_address_with_a_nul_is_a_400(client):
    editor = log_in(client)
    assert editor.get("/beheer/leermiddel/a%00b").status_code == 400
    assert editor.get("/beheer/?q=digid%00").status_code == 400
    assert editor.get(f"/beheer/leermiddel/{SLUG}/geschiedenis?van=%00").status_code == 400


def test_a_nul_in_a_title_shows_the_form_again_with_the_fields_error_and_everything_typed(app, client):
    editor = log_in(client)
    typed = {
        "title": "Rekenkwartet\x00 voor onderweg",
        "summary": "Samen woorden oefenen.",
        "description": "Een **spel**\r\nmet kaartjes.",
        "provider": "Uitgeverij Noord",
    }
    response = editor.post("/beheer/nieuw", data=typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "bevat een onzichtbaar stuurteken (U+0000)" in page
    for value in (
        "Rekenkwartet\x00 voor onderweg",
        "Samen woorden oefenen.",
        "Uitgeverij Noord",
        "met kaartjes.",
    ):
        assert value in page
    assert material(app, "rekenkwartet-voor-onderweg") is None


def test_a_nul_in_an_edited_summary_keeps_the_stored_material(app, client):
    editor = log_in(client)
    before = material(app)
    response = editor.post(
        f"/beheer/leermiddel/{SLUG}",
        data={"title": before.title, "summary": "Nieuw\x07 en beter", "version": str(before.version)},
    )
    assert response.status_code == 422
    assert "Nieuw\x07 en beter" in response.get_data(as_text=True)
    after = material(app)
    assert (after.summary, after.version) == (before.summary, before.version)


def test_a_nul_in_another_form_is_a_400_that_says_nothing_was_saved(client):
    admin = log_in(client, "beheerder@example.org")
    response = admin.post("/beheer/synoniemen/nieuw", data={"phrase": "zieken\x00huis", "expansions": "zorg"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Het veld ‘phrase’ bevat een onzichtbaar stuurteken (U+0000)." in page
    assert "Er is niets opgeslagen" in page


@pytest.mark.parametrize(
    "address",
    [
        "/beheer/?pagina=%C2%B2",
        f"/beheer/leermiddel/{SLUG}/geschiedenis?van=%C2%B2",
        f"/beheer/leermiddel/{SLUG}/geschiedenis?naar=%C2%B2",
        f"/beheer/leermiddel/{SLUG}/geschiedenis?van=99999999999999999999",
    ],
)
def test_a_number_that_is_no_ascii_number_in_an_editor_address_falls_back_to_the_default(client, address):
    assert log_in(client).get(address).status_code == 200


@pytest.mark.parametrize(
    ("address", "form"),
    [
        (f"/beheer/leermiddel/{SLUG}/archiveren", {"version": "²"}),
        (f"/beheer/leermiddel/{SLUG}/versie/1/terugzetten", {"version": "²"}),
        (f"/beheer/leermiddel/{SLUG}", {"version": "²", "title": "Klik & Tik"}),
        (f"/beheer/leermiddel/{SLUG}/publiceren", {"version": "99999999999"}),
    ],
)
def test_a_version_that_is_no_ascii_number_is_a_400_and_changes_nothing(app, client, address, form):
    editor = log_in(client)
    before = material(app)
    response = editor.post(address, data=form)
    assert response.status_code == 400
    assert "Het veld ‘version’ moet een getal zijn." in text_of(response)
    after = material(app)
    assert (after.version, after.status, after.title) == (before.version, before.status, before.title)


def test_merging_into_a_term_written_in_superscript_digits_is_a_400(app, client):
    admin = log_in(client, "beheerder@example.org")
    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.facet_name == "skill", Term.key == "rekenen"))
    response = admin.post(f"/beheer/vocabulaires/skill/termen/{term.id}/samenvoegen", data={"target": "²"})
    assert response.status_code == 400
    with session_factory(app)() as session:
        assert session.get(Term, term.id) is not None


@pytest.mark.parametrize(
    "address",
    [
        "/beheer/synoniemen/99999999999",
        "/beheer/synoniemen/2147483648/verwijderen",
        f"/beheer/leermiddel/{SLUG}/versie/99999999999999999999/terugzetten",
    ],
)
def test_a_row_number_beyond_the_databases_integers_is_a_404(client, address):
    assert log_in(client, "beheerder@example.org").get(address).status_code == 404


def test_an_address_of_more_than_8_kb_is_a_414_with_a_message(client):
    response = client.get("/zoeken?q=" + "a" * 9000)
    assert response.status_code == 414
    assert "Het adres is te lang." in text_of(response)
    api = client.get("/api/v1/materials?q=" + "a" * 9000)
    assert api.status_code == 414 and api.get_json()["error"]["message"] == "Het adres is te lang."


def test_long_but_reasonable_values_are_answered(client):
    assert client.get("/zoeken?q=" + "lezen " * 1000, follow_redirects=True).status_code == 200
    assert client.get("/leermiddel/" + "a" * 5000).status_code == 404
    assert client.get("/api/v1/materials?pagina=99999999999999999999").status_code == 400


def _upload(editor, content: str, name: str = "inventaris.csv"):
    data = {"bestand": FileStorage(io.BytesIO(content.encode("utf-8")), name)}
    return editor.post("/beheer/import", data=data, content_type="multipart/form-data")


def test_a_nul_in_an_import_cell_is_a_row_error_and_changes_nothing(app, client):
    editor = log_in(client)
    before = material(app)
    content = f"slug;title;summary\n{SLUG};Klik & Tik. De basis;Nieuwe\x00samenvatting\n"
    response = _upload(editor, content)
    assert response.status_code in (200, 422)
    assert "bevat een onzichtbaar stuurteken (U+0000)" in text_of(response)
    assert material(app).summary == before.summary


def test_a_nul_in_an_import_slug_is_a_row_error_and_changes_nothing(app, client):
    editor = log_in(client)
    response = _upload(editor, "slug;title;summary\nnieuw\x00leermiddel;Nieuw;Een samenvatting.\n")
    assert response.status_code in (200, 422)
    assert "slug" in text_of(response) and "onverwachte" not in text_of(response)
    with session_factory(app)() as session:
        added = select(func.count()).select_from(Material).where(Material.title == "Nieuw")
        assert session.scalar(added) == 0


def test_a_file_name_with_a_control_character_is_a_400(client):
    response = _upload(log_in(client), "slug;title\nnieuw;Nieuw\n", name="inventaris\x00.csv")
    assert response.status_code == 400
    assert "De bestandsnaam bevat een onzichtbaar stuurteken" in text_of(response)
