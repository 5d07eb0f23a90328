"""Editors see when the search index is catching up, so "why is my change not found yet?" has an answer."""

from test_index_catch_up import import_materials

from trefpunt.search.store import IndexStore
from trefpunt.worker import work_once

from .conftest import text_of


def test_editors_see_how_many_changes_the_index_has_yet_to_apply_until_it_has(app, editor):
    assert "zoekindex" not in text_of(editor.get("/beheer/")).lower()
    import_materials(app, 300)
    assert "De zoekindex verwerkt nog 300 wijzigingen" in text_of(editor.get("/beheer/"))
    while work_once(app):
        pass
    assert "zoekindex" not in text_of(editor.get("/beheer/")).lower()


def test_editors_see_a_missing_index_being_rebuilt(app, editor):
    (IndexStore(app.config["INDEX_DIR"]).root / "current").unlink()
    assert "De zoekindex ontbreekt" in text_of(editor.get("/beheer/"))
    work_once(app)
    assert "zoekindex" not in text_of(editor.get("/beheer/")).lower()
