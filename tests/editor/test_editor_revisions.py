"""Every save is a revision; the history shows who changed what, compares any two and restores an old one."""

from __future__ import annotations

from sqlalchemy import select

from trefpunt.catalog import revisions as history
from trefpunt.catalog.models import Revision, Status
from trefpunt.catalog.services import get_material, record_of, save_material, set_status
from trefpunt.catalog.vocabulary import load_vocabulary

from .conftest import text_of
from .test_editor_materials import _form_values, saves_of, stored, version_of

SLUG = "klik-en-tik-de-basis"


def edit(editor, **changes):
    form = _form_values(editor.get(f"/beheer/leermiddel/{SLUG}").get_data(as_text=True))
    response = editor.post(f"/beheer/leermiddel/{SLUG}", data=dict(form, **changes))
    assert response.status_code == 302, text_of(response)[:600]


def test_the_diff_names_changed_fields_lists_and_lines(vocabulary):
    old = {
        "title": "Oud",
        "description": "regel een\nregel twee",
        "vaardigheid": ["rekenen"],
        "keywords": ["a"],
    }
    new = {
        "title": "Nieuw",
        "description": "regel een\nregel drie",
        "vaardigheid": ["rekenen", "geldzaken"],
        "keywords": ["a"],
    }
    changes = {c.field: c for c in history.diff(old, new, vocabulary)}
    assert set(changes) == {"title", "description", "vaardigheid"}
    assert (changes["title"].old, changes["title"].new) == ("Oud", "Nieuw")
    assert changes["vaardigheid"].added == ["geldzaken"] and changes["vaardigheid"].removed == []
    lines = [(line.op, line.text) for line in changes["description"].lines]
    assert lines == [(" ", "regel een"), ("-", "regel twee"), ("+", "regel drie")]


def test_restoring_makes_a_new_revision_and_keeps_the_status(session):
    material = get_material(session, SLUG)
    vocabulary = load_vocabulary(session)
    record = record_of(material, vocabulary)
    record.title = "Andere titel"
    save_material(session, record, author="a@example.org", original_slug=SLUG)
    session.commit()
    count = len(material.revisions)
    restored = history.restore(session, SLUG, 1, author="b@example.org")
    session.commit()
    assert restored.title == "Klik & Tik. De basis" and restored.status == "published"
    numbers = [r.number for r in session.scalars(select(Revision).where(Revision.material_id == restored.id))]
    assert len(numbers) == count + 1
    assert (
        session.scalar(
            select(Revision).where(Revision.number == max(numbers), Revision.material_id == restored.id)
        ).note
        == "versie 1 teruggezet"
    )


def test_an_edit_a_status_step_and_a_restore_are_each_one_version_and_one_revision(app, session):
    def edit(version: int) -> None:
        vocabulary = load_vocabulary(session)
        record = record_of(get_material(session, SLUG), vocabulary)
        record.title, record.facets["doelgroep"] = "Klik & Tik, vernieuwd", ["ouderen"]
        save_material(session, record, author="a@example.org", original_slug=SLUG, expected_version=version)

    steps = [
        ("bewerkt", edit),
        (
            "gearchiveerd",
            lambda v: set_status(session, SLUG, Status.ARCHIVED, author="b", expected_version=v),
        ),
        ("versie 1 teruggezet", lambda v: history.restore(session, SLUG, 1, author="c", expected_version=v)),
    ]
    for note, step in steps:
        version, revisions, journal = saves_of(app, SLUG)
        step(version)
        session.commit()
        assert saves_of(app, SLUG) == (version + 1, revisions + 1, journal + 1), note
        assert history.revisions(session, SLUG)[1][0].note == note


def test_the_history_page_shows_who_changed_what_and_the_difference(editor):
    edit(editor, title="Klik & Tik: de basis", summary="Een nieuwe samenvatting.")
    page = text_of(editor.get(f"/beheer/leermiddel/{SLUG}/geschiedenis"))
    assert "redacteur@example.org" in page and "bewerkt: Titel, Samenvatting" in page
    assert "Verschil tussen versie 1 en versie 2" in page
    assert "Klik & Tik. De basis" in page and "Klik & Tik: de basis" in page


def test_any_two_revisions_can_be_compared(editor):
    edit(editor, title="Tweede titel")
    edit(editor, title="Derde titel", keywords="computer; nieuw")
    page = text_of(editor.get(f"/beheer/leermiddel/{SLUG}/geschiedenis?van=1&naar=3"))
    assert "Verschil tussen versie 1 en versie 3" in page
    assert "Derde titel" in page and "Tweede titel" not in page.split("Verschil tussen")[1]
    # Nonsense numbers fall back to the newest two.
    assert editor.get(f"/beheer/leermiddel/{SLUG}/geschiedenis?van=x&naar=99").status_code == 200


def test_an_editor_restores_the_first_version_after_confirming(app, editor, find):
    edit(editor, title="Een verkeerde titel")
    confirm = editor.get(f"/beheer/leermiddel/{SLUG}/versie/1/terugzetten")
    assert confirm.status_code == 200 and "Een verkeerde titel" in text_of(confirm)
    assert stored(app, SLUG).title == "Een verkeerde titel"
    response = editor.post(
        f"/beheer/leermiddel/{SLUG}/versie/1/terugzetten", data={"version": version_of(confirm)}
    )
    assert response.status_code == 302
    page = text_of(editor.get(response.headers["Location"]))
    assert "Versie 1 is teruggezet als nieuwe versie." in page
    assert "versie 1 teruggezet" in page
    assert stored(app, SLUG).title == "Klik & Tik. De basis"
    assert SLUG in [h.material.slug for h in find("klik tik basis").hits]


def test_restoring_over_a_newer_save_is_refused(editor):
    confirm = editor.get(f"/beheer/leermiddel/{SLUG}/versie/1/terugzetten")
    edit(editor, title="Ondertussen gewijzigd")
    response = editor.post(
        f"/beheer/leermiddel/{SLUG}/versie/1/terugzetten", data={"version": version_of(confirm)}
    )
    assert "Terugzetten lukte niet" in text_of(editor.get(response.headers["Location"]))


def test_an_unknown_revision_is_a_404(editor):
    assert editor.get(f"/beheer/leermiddel/{SLUG}/versie/999/terugzetten").status_code == 404
