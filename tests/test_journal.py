"""The material journal: one row per changed material per committed transaction, in commit order, and
writers that do not wait for each other's whole transaction."""

import pytest
from conftest import PG_ADMIN_URL
from sqlalchemy import select, text

from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.services import get_material
from trefpunt.db import session_factory


def journal(session) -> list[int]:
    return list(session.scalars(select(MaterialChange.material_id).order_by(MaterialChange.seq)))


def test_a_transaction_that_flushes_a_material_many_times_journals_it_once(app):
    with session_factory(app)() as session:
        before = journal(session)
        material = get_material(session, "taalklas-nl")
        for word in ("een", "twee", "drie"):
            material.summary += f" {word}"
            session.flush()
        session.commit()
        assert journal(session) == [*before, material.id]


def test_a_rolled_back_change_is_not_journalled(app):
    with session_factory(app)() as session:
        before = journal(session)
        get_material(session, "taalklas-nl").summary += " weg"
        session.flush()
        session.rollback()
        get_material(session, "zo-gezegd").summary += " blijft"
        session.commit()
        assert journal(session) == [*before, get_material(session, "zo-gezegd").id]


# SQLite has one writer at a time by design; PostgreSQL runs writers side by side.
@pytest.mark.parametrize("backend", ["postgresql"] if PG_ADMIN_URL else [])
def test_two_editors_changing_materials_at_once_do_not_wait_for_each_other(app):
    """Before its commit, a writer holds nothing that stops another writer (the journal table used to be
    locked until commit); the journal stays in commit order."""
    factory = session_factory(app)
    with factory() as first, factory() as second:
        get_material(first, "taalklas-nl").summary += " eerst begonnen"
        first.flush()
        second.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail, not hang
        zo_gezegd = get_material(second, "zo-gezegd")
        zo_gezegd.summary += " eerst klaar"
        second.commit()
        first.commit()
        changes = journal(second)
        assert changes[-2:] == [zo_gezegd.id, get_material(second, "taalklas-nl").id]
