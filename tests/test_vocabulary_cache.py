"""Every request asks for the vocabulary; each process keeps the last one it read and asks the database only
whether it is still current. A rename, merge or hide made anywhere is seen by the very next request."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from trefpunt.catalog import vocab_admin
from trefpunt.catalog.models import Term
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import save_material
from trefpunt.catalog.vocabulary import load_vocabulary, vocabulary_version
from trefpunt.db import make_engine, session_factory


def term_id(session: Session, facet: str, key: str) -> int:
    return session.scalar(select(Term.id).where(Term.facet_name == facet, Term.key == key))


def current(app):
    with session_factory(app)() as session:
        return load_vocabulary(session)


def another_server(app):
    """Sessions of another server process: an engine of its own on the same database, no shared memory."""
    engine = make_engine(app.config["DATABASE_URL"])
    return engine, lambda: Session(engine, expire_on_commit=False)


def test_the_vocabulary_is_read_once_and_reused_while_nothing_changes(app):
    first = current(app)
    assert current(app) is first
    with session_factory(app)() as session:
        save_material(
            session,
            MaterialRecord(
                slug="nieuw",
                title="Nieuw",
                summary="Een nieuw leermiddel.",
                status="published",
                facets={"vaardigheid": ["taal-nt2"], "kosten": ["gratis"]},
            ),
            author="test",
        )
        session.commit()
    # Materials come and go without the vocabulary being read again.
    assert current(app) is first


def test_a_rename_hide_and_merge_in_another_process_reach_the_next_request(app):
    before = current(app)
    assert before.facet("audience").term("ouderen").label_nl == "Ouderen"
    engine, sessions = another_server(app)
    try:
        with sessions() as session:
            vocab_admin.relabel(session, term_id(session, "audience", "ouderen"), "Senioren", "Seniors")
            session.commit()
        assert current(app).facet("audience").term("ouderen").label_nl == "Senioren"

        with sessions() as session:
            vocab_admin.set_hidden(session, term_id(session, "format", "app"), True)
            session.commit()
        assert current(app).facet("format").term("app").hidden

        with sessions() as session:
            source, target = (
                term_id(session, "audience", "jongeren"),
                term_id(session, "audience", "werkzoekenden"),
            )
            vocab_admin.merge(session, source, target, author="test")
            session.commit()
        assert current(app).facet("audience").resolve("jongeren") == "werkzoekenden"
    finally:
        engine.dispose()
    # The snapshot handed out before is left as it was: requests that hold it see one consistent vocabulary.
    assert before.facet("audience").term("ouderen").label_nl == "Ouderen"


def test_every_committed_change_gets_a_new_version_number(app):
    with session_factory(app)() as session:
        start = vocabulary_version(session)
        vocab_admin.add_term(session, "format", "podcast", "Podcast", "Podcast")
        session.commit()
        added = vocabulary_version(session)
        vocab_admin.delete_term(session, term_id(session, "format", "podcast"))
        session.commit()
        assert start < added < vocabulary_version(session)


@pytest.mark.parametrize("flushed", [True, False], ids=["flushed", "pending"])
def test_a_session_sees_its_own_uncommitted_change_and_others_do_not(app, flushed):
    current(app)  # a snapshot is kept
    with session_factory(app)() as session:
        if flushed:
            vocab_admin.relabel(session, term_id(session, "audience", "ouderen"), "Senioren", "Seniors")
        else:
            session.get(Term, term_id(session, "audience", "ouderen")).label_nl = "Senioren"
        assert load_vocabulary(session).facet("audience").term("ouderen").label_nl == "Senioren"
        assert current(app).facet("audience").term("ouderen").label_nl == "Ouderen"
        session.rollback()
    assert current(app).facet("audience").term("ouderen").label_nl == "Ouderen"


def test_a_rolled_back_change_leaves_nothing_for_the_next_change_to_find(app):
    with session_factory(app)() as session:
        vocab_admin.relabel(session, term_id(session, "audience", "ouderen"), "Senioren", "Seniors")
        assert load_vocabulary(session).facet("audience").term("ouderen").label_nl == "Senioren"
        session.rollback()
    # The next committed change takes the version number the rolled-back one had for a moment.
    with session_factory(app)() as session:
        vocab_admin.relabel(session, term_id(session, "format", "app"), "Apps", "Apps")
        session.commit()
    vocabulary = current(app)
    assert vocabulary.facet("audience").term("ouderen").label_nl == "Ouderen"
    assert vocabulary.facet("format").term("app").label_nl == "Apps"
