"""Two editors press save on the same material at the same moment, or an editor saves while an import
changes it: one save wins and the other editor gets the conflict page with everything they typed, never a
server error, and every save that went through is one version step, one revision and one journal row."""

from __future__ import annotations

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tests.editor.conftest import PASSWORD, make_user
from tests.editor.test_editor_materials import _form_values
from trefpunt.catalog.errors import Conflict, ValidationError
from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Material, Revision
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import conflicts_reported, import_records, save_material
from trefpunt.db import session_factory

SLUG = "klik-en-tik-de-basis"
PAGE = f"/beheer/leermiddel/{SLUG}"
ROUNDS = 100
EDITORS = ("redacteur@example.org", "beheerder@example.org")
# Longest a thread of these tests may take; a deadlock would otherwise hang the run.
STUCK = 60


@pytest.fixture
def editors(app):
    """Two editors, each logged in with a browser (a test client) of their own."""
    app.config["WTF_CSRF_ENABLED"] = False
    clients = []
    for email in EDITORS:
        make_user(app, email)
        client = app.test_client()
        assert client.post("/auth/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def counts(app) -> tuple[int, int, int]:
    """The material's version, its number of revisions and its number of journal rows."""
    with session_factory(app)() as session:
        material = session.scalar(select(Material).where(Material.slug == SLUG))
        revisions = session.scalar(select(func.count()).where(Revision.material_id == material.id))
        journal = session.scalar(select(func.count()).where(MaterialChange.material_id == material.id))
        return material.version, revisions, journal


def stored_summary(app) -> str:
    with session_factory(app)() as session:
        return session.scalar(select(Material.summary).where(Material.slug == SLUG))


def hidden_fields(page) -> dict[str, str]:
    """What the conflict page's 'save mine anyway' button would send again."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.get_data(as_text=True))
    return {name: html.unescape(value) for name, value in found}


def test_simultaneous_double_saves_give_one_save_and_one_conflict_page_every_time(app, editors):
    version, revisions, journal = counts(app)
    barrier = threading.Barrier(len(editors))

    def open_and_save(client, summary: str):
        try:
            form = _form_values(client.get(PAGE).get_data(as_text=True))
        except BaseException:
            barrier.abort()
            raise
        barrier.wait(timeout=STUCK)  # both editors hold the same version before either saves
        return client.post(PAGE, data=dict(form, summary=summary))

    with ThreadPoolExecutor(len(editors)) as pool:
        for round_number in range(ROUNDS):
            typed = [f"Ronde {round_number}: samenvatting van {email}." for email in EDITORS]
            futures = [pool.submit(open_and_save, c, s) for c, s in zip(editors, typed, strict=True)]
            responses = [f.result(timeout=STUCK) for f in futures]
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [302, 409], f"round {round_number}: {statuses}"
            won = typed[[r.status_code for r in responses].index(302)]
            lost, conflict = next(
                (t, r) for t, r in zip(typed, responses, strict=True) if r.status_code == 409
            )
            assert "Iemand anders heeft dit leermiddel intussen opgeslagen" in conflict.get_data(as_text=True)
            # Nothing the losing editor typed is lost: the page offers it to be saved again.
            assert hidden_fields(conflict)["summary"] == lost
            assert stored_summary(app) == won

    assert counts(app) == (version + ROUNDS, revisions + ROUNDS, journal + ROUNDS)


def database_error(sqlstate: str) -> DBAPIError:
    """The error SQLAlchemy raises when PostgreSQL refuses a statement with ``sqlstate``."""
    orig = psycopg.errors.lookup(sqlstate)("refused")
    return DBAPIError.instance("UPDATE materials ...", {}, orig, psycopg.Error)


@pytest.mark.parametrize(
    "lost_race",
    [
        StaleDataError("UPDATE statement on table 'materials' expected to update 1 row(s); 0 were matched."),
        database_error("40001"),  # serialization_failure
        database_error("40P01"),  # deadlock_detected
        database_error("55P03"),  # lock_not_available: a lock_timeout ran out
    ],
    ids=["stale", "serialization", "deadlock", "lock-timeout"],
)
def test_every_way_a_database_reports_a_lost_race_is_a_conflict(lost_race):
    with pytest.raises(Conflict), conflicts_reported():
        raise lost_race


def test_other_database_errors_are_not_mistaken_for_a_conflict():
    unique_violation = database_error("23505")
    with pytest.raises(DBAPIError) as raised, conflicts_reported():
        raise unique_violation
    assert raised.value is unique_violation


def blocking_statement(app) -> str:
    """What a writer that must wait for another's uncommitted change of the material waits on: its row
    lock on PostgreSQL, the database's write lock (the first UPDATE) on SQLite."""
    backend = session_factory(app).kw["bind"].dialect.name
    return "FOR UPDATE OF materials" if backend == "postgresql" else "UPDATE materials"


def when_about_to_wait(app, threads: str, reached: threading.Event) -> None:
    """Set ``reached`` when one of the ``threads`` (a name prefix) sends the statement that would wait."""
    statement = blocking_statement(app)

    @event.listens_for(session_factory(app).kw["bind"], "before_cursor_execute")
    def watch(_conn, _cursor, sql, _params, _context, _executemany):
        if threading.current_thread().name.startswith(threads) and statement in sql:
            reached.set()


def import_title(app, title: str) -> None:
    """Import a file that changes only the material's title, and commit it."""
    with session_factory(app)() as session:
        import_records(session, [(2, {"slug": SLUG, "title": title})], author="import@example.org")
        session.commit()


def test_an_edit_meeting_an_uncommitted_import_waits_and_gets_the_conflict_page(app, editors):
    client = editors[0]
    form = _form_values(client.get(PAGE).get_data(as_text=True))
    waiting = threading.Event()
    when_about_to_wait(app, "edit", waiting)
    with ThreadPoolExecutor(1, thread_name_prefix="edit") as pool:
        # Inside the pool's block: a failure rolls the import back before the pool waits for the edit.
        with session_factory(app)() as importing:
            import_records(importing, [(2, {"slug": SLUG, "title": "Titel uit de import"})], author="import")
            # The import holds the material now; the editor saves the version they opened before it.
            save = pool.submit(client.post, PAGE, data=dict(form, summary="Mijn nieuwe samenvatting."))
            reached = waiting.wait(timeout=STUCK)
            importing.commit()
        assert reached
        response = save.result(timeout=STUCK)
    assert response.status_code == 409
    assert hidden_fields(response)["summary"] == "Mijn nieuwe samenvatting."
    assert "Titel uit de import" in response.get_data(as_text=True)
    assert stored_summary(app) != "Mijn nieuwe samenvatting."


def test_an_import_meeting_an_uncommitted_edit_waits_and_never_deadlocks(app, editors):
    """On PostgreSQL the import waits for the edit's row lock, then applies its columns on top of the
    edit; SQLite has no row locks, so the import read the material before the edit committed and reports
    a conflict, changing nothing, and runs cleanly when tried again."""
    client = editors[0]
    form = _form_values(client.get(PAGE).get_data(as_text=True))
    version, revisions, journal = counts(app)
    edit_flushed, edit_may_commit, import_waits = threading.Event(), threading.Event(), threading.Event()

    def hold_the_edit(session, _context):
        # Right after the edit wrote the material: it holds the row (the database, on SQLite) till commit.
        if threading.current_thread().name.startswith("edit") and any(
            isinstance(obj, Material) for obj in session.dirty
        ):
            edit_flushed.set()
            assert edit_may_commit.wait(timeout=STUCK)

    when_about_to_wait(app, "import", import_waits)
    event.listen(Session, "after_flush", hold_the_edit)
    try:
        with (
            ThreadPoolExecutor(1, thread_name_prefix="edit") as edits,
            ThreadPoolExecutor(1, thread_name_prefix="import") as imports,
        ):
            save = edits.submit(client.post, PAGE, data=dict(form, summary="Samenvatting van de redacteur."))
            assert edit_flushed.wait(timeout=STUCK)
            imported = imports.submit(import_title, app, "Titel uit de import")
            assert import_waits.wait(timeout=STUCK)
            edit_may_commit.set()
            assert save.result(timeout=STUCK).status_code == 302
            import_error = imported.exception(timeout=STUCK)
    finally:
        edit_may_commit.set()
        event.remove(Session, "after_flush", hold_the_edit)

    assert stored_summary(app) == "Samenvatting van de redacteur."
    if session_factory(app).kw["bind"].dialect.name == "postgresql":
        assert import_error is None
        assert counts(app) == (version + 2, revisions + 2, journal + 2)
    else:
        assert isinstance(import_error, Conflict)
        assert counts(app) == (version + 1, revisions + 1, journal + 1)
        import_title(app, "Titel uit de import")
    with session_factory(app)() as session:
        material = session.scalar(select(Material).where(Material.slug == SLUG))
        assert (material.title, material.summary) == ("Titel uit de import", "Samenvatting van de redacteur.")


def new_material(app, slug: str, title: str) -> None:
    with session_factory(app)() as session:
        record = MaterialRecord(slug=slug, title=title, summary="Nieuw.", facets={"kosten": ["gratis"]})
        save_material(session, record, author="redacteur@example.org")
        session.commit()


def test_two_new_materials_given_the_same_slug_at_once_give_the_later_one_a_slug_error(app):
    """Both found the slug free; the later insert waits for the first and then fails: the slug's field
    error (the form shown again, nothing lost), never a server error."""
    inserting = threading.Event()

    @event.listens_for(session_factory(app).kw["bind"], "before_cursor_execute")
    def watch(_conn, _cursor, sql, _params, _context, _executemany):
        if threading.current_thread().name.startswith("second") and sql.startswith("INSERT INTO materials"):
            inserting.set()

    with ThreadPoolExecutor(1, thread_name_prefix="second") as pool:
        with session_factory(app)() as first:
            record = MaterialRecord(slug="taalkoffer", title="Taalkoffer", summary="Eerst.", facets={})
            save_material(first, record, author="redacteur@example.org")
            first.flush()
            later = pool.submit(new_material, app, "taalkoffer", "Taalkoffer bis")
            reached = inserting.wait(timeout=STUCK)
            first.commit()
        assert reached
        with pytest.raises(ValidationError) as refused:
            later.result(timeout=STUCK)
    assert [e.field for e in refused.value.errors] == ["slug"]
