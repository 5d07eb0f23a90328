"""An editor keeps the catalogue current: list, form, workflow, conflicts and the public search."""

from __future__ import annotations

import re

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, selectinload

from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Material, Revision
from trefpunt.db import session_factory

from .conftest import text_of

NEW = {
    "title": "Samen rekenen met geld",
    "provider": "Bibliotheek Oost",
    "url": "https://example.org/rekenen",
    "summary": "Oefenen met prijzen, kassabonnen en wisselgeld.",
    "description": "## Voor wie\n\nVoor volwassenen die **zekerder** willen worden.",
    "keywords": "geld; kassabon",
    "vaardigheid": ["rekenen", "geldzaken"],
    "doelgroep": ["laaggeletterden"],
    "kosten": "gratis",
    "level_scheme": "Referentieniveau (NT1 en rekenen)",
    "level_from": "instroom",
    "level_to": "2f",
}


def stored(app, slug: str) -> Material | None:
    with session_factory(app)() as session:
        return session.scalar(
            select(Material).where(Material.slug == slug).options(selectinload(Material.terms))
        )


def version_of(page) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', page.get_data(as_text=True)).group(1)


def test_the_list_shows_materials_newest_change_first_with_their_completeness(editor):
    page = text_of(editor.get("/beheer/"))
    assert "133 leermiddelen" in page
    assert "Ontbreekt:" in page or "Compleet" in page


def test_the_list_searches_and_filters_on_status_and_facet(editor):
    found = text_of(editor.get("/beheer/?q=klik"))
    assert "Klik & Tik" in found
    rekenen = text_of(editor.get("/beheer/?term=vaardigheid:rekenen&status=published"))
    assert "Rekenen" in rekenen or "rekenen" in rekenen
    none = text_of(editor.get("/beheer/?q=bestaat-echt-niet"))
    assert "0 leermiddelen" in none and "Geen leermiddelen gevonden." in none
    # Unknown values are ignored, never an error.
    assert editor.get("/beheer/?status=weg&term=x:y&sorteer=raar&pagina=-3").status_code == 200


def test_the_list_sorts_by_last_change(editor):
    editor.post("/beheer/nieuw", data={"title": "Een gloednieuw leermiddel"})
    rows = re.findall(
        r'<td><a href="/beheer/leermiddel/([^"]+)">', editor.get("/beheer/").get_data(as_text=True)
    )
    assert rows[0] == "een-gloednieuw-leermiddel"
    oldest = re.findall(
        r'<td><a href="/beheer/leermiddel/([^"]+)">',
        editor.get("/beheer/?sorteer=oudste").get_data(as_text=True),
    )
    assert "een-gloednieuw-leermiddel" not in oldest


def test_an_editor_creates_a_draft_that_is_not_public(app, editor, find):
    response = editor.post("/beheer/nieuw", data=NEW)
    assert response.status_code == 302
    assert response.headers["Location"] == "/beheer/leermiddel/samen-rekenen-met-geld"
    page = text_of(editor.get(response.headers["Location"]))
    assert "Opgeslagen als concept" in page
    material = stored(app, "samen-rekenen-met-geld")
    assert material.status == "draft" and material.created_by == "redacteur@example.org"
    assert sorted(material.term_keys("level")) == ["1f", "2f", "instroom"]
    assert material.keywords == ["geld", "kassabon"]
    assert find("kassabonnen wisselgeld").total == 0


def test_validation_errors_are_summarised_linked_and_keep_what_was_typed(app, editor):
    typed = dict(NEW, url="ftp://example.org", summary="x" * 301, level_from="a1", level_to="2f")
    response = editor.post("/beheer/nieuw", data=typed)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('id="foutmeldingen"') : html.index("</ul>", html.index('id="foutmeldingen"'))]
    assert 'href="#url"' in summary and "geen geldig webadres" in summary
    assert 'href="#summary"' in summary and "301 tekens" in summary
    assert 'href="#level_scheme"' in summary and "dezelfde niveauschaal" in summary
    assert 'value="Samen rekenen met geld"' in html
    assert 'value="ftp://example.org"' in html
    assert "x" * 301 in html
    assert 'value="rekenen" checked' in html and 'value="laaggeletterden" checked' in html
    assert 'aria-invalid="true"' in html
    assert stored(app, "samen-rekenen-met-geld") is None


def test_a_new_material_never_takes_over_an_existing_slug(app, editor):
    response = editor.post("/beheer/nieuw", data=dict(NEW, slug="klik-en-tik-de-basis", not_a_duplicate="y"))
    assert response.status_code == 422
    assert 'href="#slug"' in response.get_data(as_text=True)
    assert stored(app, "klik-en-tik-de-basis").title == "Klik & Tik. De basis"
    # Without a chosen slug, the one made from the title gets a number.
    editor.post("/beheer/nieuw", data={"title": "Klik & Tik. De basis", "not_a_duplicate": "y"})
    assert stored(app, "klik-en-tik-de-basis-2").title == "Klik & Tik. De basis"


def test_a_look_alike_title_asks_bestaat_dit_al_before_saving(app, editor):
    response = editor.post("/beheer/nieuw", data={"title": "Klik en tik, de basis"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Bestaat dit al?" in page and "Klik & Tik. De basis" in page
    assert stored(app, "klik-en-tik-2") is None
    confirmed = editor.post(
        "/beheer/nieuw",
        data={"title": "Klik en tik, de basis", "slug": "klik-en-tik-2", "not_a_duplicate": "y"},
    )
    assert confirmed.status_code == 302
    assert stored(app, "klik-en-tik-2") is not None


def test_the_preview_renders_markdown_safely(editor):
    html = editor.post(
        "/beheer/voorbeeld", data={"description": "**vet** <script>alert(1)</script>"}
    ).get_data(as_text=True)
    assert "<strong>vet</strong>" in html and "<script>" not in html
    page = editor.post("/beheer/nieuw", data=dict(NEW, preview="1")).get_data(as_text=True)
    assert "<h2>Voor wie</h2>" in page
    assert 'value="Samen rekenen met geld"' in page


def test_hidden_terms_are_not_offered_for_new_use_but_kept_where_used(app, editor):
    from trefpunt.catalog.models import Term

    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.key == "gezin"))
        term.hidden = True
        session.commit()
    assert 'value="gezin"' not in editor.get("/beheer/nieuw").get_data(as_text=True)
    editor.post("/beheer/nieuw", data={"title": "Een boek", "vaardigheid": ["taal-nt1"]})
    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.key == "gezin"))
        term.hidden = False
        session.commit()
    version = version_of(editor.get("/beheer/leermiddel/een-boek"))
    editor.post(
        "/beheer/leermiddel/een-boek",
        data={"title": "Een boek", "version": version, "vaardigheid": ["gezin"]},
    )
    with session_factory(app)() as session:
        session.scalar(select(Term).where(Term.key == "gezin")).hidden = True
        session.commit()
    assert 'value="gezin" checked' in editor.get("/beheer/leermiddel/een-boek").get_data(as_text=True)


def test_publishing_asks_for_confirmation_and_makes_the_material_findable(app, editor, find):
    editor.post("/beheer/nieuw", data=NEW)
    confirm = editor.get("/beheer/leermiddel/samen-rekenen-met-geld/publiceren")
    assert confirm.status_code == 200 and "Ja, publiceren" in text_of(confirm)
    assert stored(app, "samen-rekenen-met-geld").status == "draft"
    version = version_of(editor.get("/beheer/leermiddel/samen-rekenen-met-geld"))
    response = editor.post("/beheer/leermiddel/samen-rekenen-met-geld/publiceren", data={"version": version})
    assert response.status_code == 302
    assert "meteen te vinden in de openbare zoekfunctie" in text_of(editor.get(response.headers["Location"]))
    assert [h.material.slug for h in find("kassabonnen wisselgeld").hits] == ["samen-rekenen-met-geld"]


def test_publishing_an_incomplete_draft_says_what_is_missing(app, editor):
    editor.post("/beheer/nieuw", data={"title": "Nog heel leeg"})
    version = version_of(editor.get("/beheer/leermiddel/nog-heel-leeg"))
    response = editor.post("/beheer/leermiddel/nog-heel-leeg/publiceren", data={"version": version})
    assert response.status_code == 422
    assert "een gepubliceerd leermiddel heeft een samenvatting" in text_of(response)
    assert stored(app, "nog-heel-leeg").status == "draft"


def test_delete_is_soft_and_an_archived_material_can_be_restored(app, editor, find):
    assert find("klik tik").total >= 1
    version = version_of(editor.get("/beheer/leermiddel/klik-en-tik-de-basis"))
    assert "Ja, verwijderen" in text_of(editor.get("/beheer/leermiddel/klik-en-tik-de-basis/verwijderen"))
    editor.post("/beheer/leermiddel/klik-en-tik-de-basis/verwijderen", data={"version": version})
    assert stored(app, "klik-en-tik-de-basis").status == "archived"
    assert "klik-en-tik-de-basis" not in [h.material.slug for h in find("klik tik").hits]
    assert editor.get("/beheer/leermiddel/klik-en-tik-de-basis/publiceren").status_code == 200
    version = version_of(editor.get("/beheer/leermiddel/klik-en-tik-de-basis"))
    editor.post("/beheer/leermiddel/klik-en-tik-de-basis/herstellen", data={"version": version})
    assert stored(app, "klik-en-tik-de-basis").status == "draft"
    version = version_of(editor.get("/beheer/leermiddel/klik-en-tik-de-basis"))
    editor.post("/beheer/leermiddel/klik-en-tik-de-basis/publiceren", data={"version": version})
    assert "klik-en-tik-de-basis" in [h.material.slug for h in find("klik tik").hits]


def test_a_step_that_does_not_fit_the_status_is_refused(editor):
    editor.post("/beheer/nieuw", data={"title": "Een concept"})
    assert editor.get("/beheer/leermiddel/een-concept/herstellen").status_code == 409
    assert editor.post("/beheer/leermiddel/een-concept/concept", data={"version": "1"}).status_code == 409


def test_two_editors_saving_the_same_version_the_second_gets_the_conflict_page(app, editor, find):
    other = app.test_client()
    other.post(
        "/auth/inloggen", data={"email": "beheerder@example.org", "password": "correct paard batterij"}
    )
    first_view = editor.get("/beheer/leermiddel/klik-en-tik-de-basis")
    second_view = other.get("/beheer/leermiddel/klik-en-tik-de-basis")
    version = version_of(first_view)
    assert version == version_of(second_view)
    form = _form_values(first_view.get_data(as_text=True))
    assert (
        editor.post(
            "/beheer/leermiddel/klik-en-tik-de-basis", data=dict(form, summary="Eerste redacteur was hier.")
        ).status_code
        == 302
    )
    conflict = other.post(
        "/beheer/leermiddel/klik-en-tik-de-basis", data=dict(form, summary="Tweede redacteur wil dit.")
    )
    assert conflict.status_code == 409
    page = text_of(conflict)
    assert "Eerste redacteur was hier." in page and "Tweede redacteur wil dit." in page
    assert "verschilt" in page
    material = stored(app, "klik-en-tik-de-basis")
    assert material.summary == "Eerste redacteur was hier."
    # The second editor can deliberately keep their version; the first stays in the history.
    resend = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', conflict.get_data(as_text=True))
    )
    assert (
        other.post(
            "/beheer/leermiddel/klik-en-tik-de-basis",
            data=dict(form, summary="Tweede redacteur wil dit.", version=resend["version"]),
        ).status_code
        == 302
    )
    assert stored(app, "klik-en-tik-de-basis").summary == "Tweede redacteur wil dit."
    with session_factory(app)() as session:
        summaries = [
            r.snapshot["summary"]
            for r in session.scalars(select(Revision).where(Revision.material_id == material.id))
        ]
    assert "Eerste redacteur was hier." in summaries


def saves_of(app, slug: str) -> tuple[int, int, int]:
    """The material's version, its number of revisions and its number of journal rows."""
    with session_factory(app)() as session:
        material = session.scalar(select(Material).where(Material.slug == slug))
        revisions = session.scalar(select(func.count()).where(Revision.material_id == material.id))
        journal = session.scalar(select(func.count()).where(MaterialChange.material_id == material.id))
        return material.version, revisions, journal


def test_a_save_is_one_version_step_one_revision_and_one_journal_row(app, editor):
    version, revisions, journal = saves_of(app, "klik-en-tik-de-basis")
    form = _form_values(editor.get("/beheer/leermiddel/klik-en-tik-de-basis").get_data(as_text=True))
    changed = dict(form, summary="Een nieuwe samenvatting.", doelgroep=["ouderen", "laaggeletterden"])
    assert editor.post("/beheer/leermiddel/klik-en-tik-de-basis", data=changed).status_code == 302
    assert saves_of(app, "klik-en-tik-de-basis") == (version + 1, revisions + 1, journal + 1)
    page = editor.get("/beheer/leermiddel/klik-en-tik-de-basis")
    assert version_of(page) == str(version + 1)


def test_a_save_overtaken_between_its_check_and_its_write_gets_the_conflict_page(app, editor):
    """Another save committed after this one checked the version (SQLite takes no row lock there): the
    write finds a newer version, and the editor gets the conflict page, not a server error."""
    before = saves_of(app, "klik-en-tik-de-basis")
    form = _form_values(editor.get("/beheer/leermiddel/klik-en-tik-de-basis").get_data(as_text=True))

    def overtake(session, _context, _instances):
        if not any(isinstance(obj, Material) for obj in session.dirty):
            return
        # In the save's own transaction, so it waits for no lock and is rolled back with the save.
        session.connection().execute(
            update(Material)
            .where(Material.slug == "klik-en-tik-de-basis")
            .values(version=Material.version + 1)
        )

    event.listen(Session, "before_flush", overtake)
    try:
        response = editor.post(
            "/beheer/leermiddel/klik-en-tik-de-basis", data=dict(form, summary="Wat ik net typte.")
        )
    finally:
        event.remove(Session, "before_flush", overtake)
    assert response.status_code == 409
    assert "Iemand anders heeft dit leermiddel intussen opgeslagen" in text_of(response)
    resend = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', response.get_data(as_text=True))
    )
    assert resend["summary"] == "Wat ik net typte."
    assert saves_of(app, "klik-en-tik-de-basis") == before


def test_editing_without_a_version_is_treated_as_a_conflict(editor):
    form = _form_values(editor.get("/beheer/leermiddel/klik-en-tik-de-basis").get_data(as_text=True))
    del form["version"]
    response = editor.post("/beheer/leermiddel/klik-en-tik-de-basis", data=form)
    assert response.status_code == 409


def _form_values(html: str) -> dict:
    """The values a browser would send for the material form as it was served."""
    values: dict = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>', html):
        if name in ("title", "slug", "provider", "url", "keywords", "version"):
            values[name] = _unescape(value)
    for name, value in re.findall(
        r'<input id="[^"]+" type="(?:checkbox|radio)" name="([^"]+)" value="([^"]+)" checked>', html
    ):
        values.setdefault(name, []).append(value)
    for name in ("summary", "description"):
        # A browser drops the line break that opens a textarea (WTForms writes one).
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S)
        values[name] = _unescape(found.group(1)) if found else ""
    for name in ("level_scheme", "level_from", "level_to"):
        select_html = re.search(rf'<select id="{name}".*?</select>', html, re.S).group(0)
        chosen = re.search(r'<option(?: value="([^"]*)")?[^>]* selected>([^<]*)<', select_html)
        values[name] = (chosen.group(1) if chosen.group(1) is not None else chosen.group(2)) if chosen else ""
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
