"""The editor's rough edges from the audit: one version number, "bestaat dit al?", the empty title, length
checks that never cut a text, and the role `trefpunt user login` names."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from trefpunt.auth.services import find_user
from trefpunt.catalog.models import Material, Revision
from trefpunt.cli import main
from trefpunt.db import session_factory

from .conftest import text_of
from .test_editor_materials import NEW, _form_values, stored

SLUG = "klik-en-tik-de-basis"
EDIT = f"/beheer/leermiddel/{SLUG}"


def shown_version(page) -> int:
    return int(re.search(r"versie (\d+), laatst gewijzigd", text_of(page)).group(1))


def test_the_edit_page_shows_the_version_history_lists_while_the_conflict_check_stays(app, editor):
    # Anything that updates the row (a link check, a term merge) moves the lock counter, not the history.
    with session_factory(app)() as session:
        for _ in range(4):
            session.execute(
                update(Material).where(Material.slug == SLUG).values(version=Material.version + 1)
            )
        session.commit()
    page = editor.get(EDIT)
    history = text_of(editor.get(f"{EDIT}/geschiedenis"))
    with session_factory(app)() as session:
        newest = session.scalar(
            select(Revision.number)
            .join(Material)
            .where(Material.slug == SLUG)
            .order_by(Revision.number.desc())
            .limit(1)
        )
    assert shown_version(page) == newest == 1
    assert "versie 5" not in text_of(page) and f"Vergelijk van versie {newest}" in history

    form = _form_values(page.get_data(as_text=True))
    assert editor.post(EDIT, data=dict(form, summary="Eerste wijziging.")).status_code == 302
    assert shown_version(editor.get(EDIT)) == 2
    # The form of before that save still carries the old lock counter: it is a conflict, as before.
    conflict = editor.post(EDIT, data=dict(form, summary="Van een oud formulier."))
    assert conflict.status_code == 409
    assert "Opgeslagen versie: 2," in text_of(conflict)


@pytest.mark.parametrize(
    ("typed", "found", "reason"),
    [
        # The audit's case: a second "Digisterker" by the same provider.
        (
            {"title": "Digisterker", "provider": "Stichting Digisterker"},
            "Digisterker - Werken met de e-overheid",
            "dezelfde aanbieder en een vergelijkbare titel",
        ),
        # Accents and punctuation do not hide a title.
        ({"title": "Klík en tík: de básis"}, "Klik & Tik. De basis", "een vergelijkbare titel"),
        # Another title, the same web address (another spelling of it).
        (
            {"title": "Werken met de overheid online", "url": "http://digisterker.nl/"},
            "Digisterker - Werken met de e-overheid",
            "hetzelfde webadres",
        ),
    ],
)
def test_a_new_material_like_an_existing_one_asks_bestaat_dit_al_and_can_be_confirmed(
    app, editor, typed, found, reason
):
    data = dict(NEW, **typed)
    response = editor.post("/beheer/nieuw", data=data)
    assert response.status_code == 200
    page = text_of(response)
    assert "Bestaat dit al?" in page and found in page and reason in page
    assert 'name="not_a_duplicate"' in response.get_data(as_text=True)
    with session_factory(app)() as session:
        before = session.scalar(select(Material.id).where(Material.title == typed["title"]))
    assert before is None, "a warning, nothing saved yet"

    confirmed = editor.post("/beheer/nieuw", data=dict(data, not_a_duplicate="y"))
    assert confirmed.status_code == 302
    with session_factory(app)() as session:
        assert session.scalar(select(Material.id).where(Material.title == typed["title"])) is not None


def test_a_new_material_unlike_any_other_is_saved_without_a_question(app, editor):
    response = editor.post("/beheer/nieuw", data=NEW)
    assert response.status_code == 302
    assert stored(app, "samen-rekenen-met-geld") is not None


def test_an_empty_title_says_so_once_and_not_that_the_slug_is_missing(editor):
    response = editor.post("/beheer/nieuw", data=dict(NEW, title="  "))
    assert response.status_code == 422
    page = text_of(response)
    assert "een titel is verplicht" in page
    assert "slug is verplicht" not in page
    assert "Er is 1 probleem" in page


PASTED = (
    "Klik & Tik is een gratis online cursus voor mensen die nog nooit met een computer hebben gewerkt. "
    "Stap voor stap leert u de muis gebruiken, typen op het toetsenbord, een website openen en een "
    "e-mail sturen. Er is geen haast: u oefent in uw eigen tempo, thuis of in de bibliotheek, met "
    "uitleg in gewone woorden en veel herhaling."
)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", PASTED, f"de samenvatting is {len(PASTED)} tekens; het maximum is 300"),
        ("title", "T" * 201, "de titel is 201 tekens; het maximum is 200"),
        ("provider", "P" * 201, "de aanbieder is 201 tekens; het maximum is 200"),
        ("url", "https://example.org/" + "a" * 490, "het webadres is 510 tekens; het maximum is 500"),
        ("slug", "s" * 121, "de slug is 121 tekens; het maximum is 120"),
        ("how_to_get", "Te leen in de bibliotheek. " * 12, "'zo kom je eraan' is langer dan 300 tekens"),
        ("source", "https://example.org/folder " * 80, "de bron is langer dan 2000 tekens"),
        (
            "keywords",
            "geld; " + "k" * 101,
            "het trefwoord 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…' is 101 tekens; het maximum is 100",
        ),
    ],
)
def test_a_text_too_long_is_refused_by_the_server_and_kept_whole_in_the_form(
    app, editor, field, value, message
):
    assert len(PASTED) > 300
    form = _form_values(editor.get(EDIT).get_data(as_text=True))
    response = editor.post(EDIT, data=dict(form, **{field: value}))
    assert response.status_code == 422
    assert message in text_of(response)
    html = response.get_data(as_text=True)
    assert value.split(";")[-1].strip() in html.replace("&amp;", "&"), "the text comes back whole, not cut"
    assert stored(app, SLUG).summary != PASTED


def test_the_form_counts_characters_instead_of_cutting_a_pasted_text(editor):
    html = editor.get(EDIT).get_data(as_text=True)
    fields = (("title", 200), ("provider", 200), ("summary", 300), ("source", 2000), ("verified_by", 200))
    for name, limit in (*fields, ("how_to_get", 300)):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert "maxlength" not in tag, name
        assert f'data-counter="{limit}"' in tag, name


def test_a_summary_of_exactly_300_characters_with_a_line_break_is_accepted(app, editor):
    summary = "a" * 149 + "\r\n" + "b" * 150
    form = _form_values(editor.get(EDIT).get_data(as_text=True))
    assert editor.post(EDIT, data=dict(form, summary=summary)).status_code == 302
    assert stored(app, SLUG).summary == "a" * 149 + "\n" + "b" * 150


@pytest.mark.parametrize(
    ("options", "printed", "role"),
    [([], "Beheerder-login", "admin"), (["--role", "editor"], "Redacteur-login", "editor")],
)
def test_user_login_prints_the_role_it_gave(app, options, printed, role):
    result = CliRunner().invoke(
        main, ["user", "login", "nieuw@example.org", *options], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{printed}: http://127.0.0.1:5000/beheer  e-mail: nieuw@example.org")
    with session_factory(app)() as session:
        assert find_user(session, "nieuw@example.org").role == role
