"""The web side of search reads the catalogue's state once per request and uses that reading throughout."""

from __future__ import annotations

from sqlalchemy import event

from trefpunt.db import session_factory


def statements_of(app, path: str) -> list[str]:
    """The SQL a GET of ``path`` runs, in order."""
    with session_factory(app)() as session:
        engine = session.get_bind()
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert app.test_client().get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_search_page_asks_for_the_vocabulary_version_once(app):
    app.test_client().get("/zoeken?q=rekenen")  # a warm process: vocabulary and index already open
    for path in ("/zoeken?q=lezen", "/api/v1/materials?q=lezen"):
        statements = statements_of(app, path)
        assert sum("vocabulary_version" in s for s in statements) == 1, path


def test_a_search_page_reads_the_journal_head_once(app):
    app.test_client().get("/zoeken?q=rekenen")
    for path in ("/zoeken?q=schrijven", "/api/v1/materials?q=schrijven"):
        statements = statements_of(app, path)
        assert sum("material_changes" in s for s in statements) == 1, (path, statements)
