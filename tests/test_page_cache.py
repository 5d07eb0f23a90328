"""Visitors asking the same search get the page the server already made, until something on it changes:
a material published, a term renamed. Editors always get a page made for them; nothing of one visitor
(cookies, session) ever reaches another."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import another_server
from sqlalchemy import select

from trefpunt.auth.services import create_user
from trefpunt.catalog import vocab_admin
from trefpunt.catalog.models import Term
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import save_material
from trefpunt.db import session_factory
from trefpunt.search import get_engine
from trefpunt.web_search import EXTENSION_KEY, Page, PageCache, catalogue_state

KEPT = b"<!-- kept -->"
PASSWORD = "correct paard batterij"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


def kept_pages(app) -> PageCache:
    return app.extensions[EXTENSION_KEY]


def mark_kept_pages(app) -> None:
    """Sign every kept page, so an answer that comes from the cache can be told apart.

    The pages are asked for as a request asks: under the catalogue's state read from the database now.
    """
    cache = kept_pages(app)
    with session_factory(app)() as session:
        state = catalogue_state(session)
    for key in list(cache):
        page = cache.get(state, key)
        assert page is not None, "a kept page is kept for the catalogue as it is now"
        cache.put(state, key, replace(page, body=page.body + KEPT))


def publish(app, title: str, summary: str) -> None:
    """An editor elsewhere publishes a material (another session, as another server process would)."""
    record = MaterialRecord(
        slug=title.lower().replace(" ", "-"),
        title=title,
        summary=summary,
        status="published",
        facets={"vaardigheid": ["taal-nt2"], "kosten": ["gratis"]},
    )
    with session_factory(app)() as session:
        save_material(session, record, author="elders")
        session.commit()


def rename(app, facet: str, key: str, label_nl: str) -> None:
    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.facet_name == facet, Term.key == key))
        vocab_admin.relabel(session, term.id, label_nl, label_nl)
        session.commit()


@pytest.mark.parametrize("url", ["/zoeken?q=zeppelin", "/api/v1/materials?q=zeppelin"])
def test_a_kept_answer_is_replaced_once_a_material_is_published(app, client, url):
    assert b"zeppelin-lezen" not in client.get(url).data
    mark_kept_pages(app)
    assert client.get(url).data.endswith(KEPT)

    publish(app, "Zeppelin lezen", "Lezen over luchtschepen.")
    answer = client.get(url)
    assert b"zeppelin-lezen" in answer.data and KEPT not in answer.data


def test_a_kept_page_shows_a_new_or_renamed_term_at_once(app, client):
    # Terms no material carries yet: the change is in the vocabulary alone, no material is touched.
    assert "Podcast" not in client.get("/zoeken?q=digid").get_data(as_text=True)
    with session_factory(app)() as session:
        vocab_admin.add_term(session, "format", "podcast", "Podcast", "Podcast")
        session.commit()
    assert "Podcast" in client.get("/zoeken?q=digid").get_data(as_text=True)
    rename(app, "format", "podcast", "Luisterboek")
    page = client.get("/zoeken?q=digid").get_data(as_text=True)
    assert "Luisterboek" in page and "Podcast" not in page


def test_each_language_has_its_own_kept_page(app, client):
    dutch = client.get("/zoeken?q=digid")
    client.set_cookie("taal", "en")
    english = client.get("/zoeken?q=digid")
    assert 'lang="en"' in english.get_data(as_text=True)
    client.delete_cookie("taal")
    again = client.get("/zoeken?q=digid")
    assert 'lang="nl"' in again.get_data(as_text=True) and again.data == dutch.data


def test_the_results_region_and_the_whole_page_are_kept_apart(app, client):
    whole = client.get("/zoeken?q=digid")
    region = client.get("/zoeken?q=digid", headers={"X-Trefpunt-Fragment": "1"})
    assert b"<html" in whole.data and b"<html" not in region.data
    assert client.get("/zoeken?q=digid").data == whole.data
    assert client.get("/zoeken?q=digid", headers={"X-Trefpunt-Fragment": "1"}).data == region.data
    assert len(kept_pages(app)) == 2


def test_a_kept_page_carries_the_same_headers_and_only_the_visitors_own_cookie(app):
    first = app.test_client().get("/zoeken?q=digid&lang=en")
    mark_kept_pages(app)
    second = app.test_client().get("/zoeken?q=digid&lang=en")
    assert second.data.endswith(KEPT)
    for name in (*SECURITY_HEADERS, "Content-Type", "Vary"):
        assert second.headers.get(name) == first.headers.get(name), name
    # The language cookie is set for this visitor too, by the answer rather than by the kept page.
    assert second.headers.getlist("Set-Cookie") == first.headers.getlist("Set-Cookie")
    assert all(c.startswith("taal=en;") for c in second.headers.getlist("Set-Cookie"))


def test_an_editor_never_gets_a_page_kept_for_visitors_and_leaves_none_behind(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with session_factory(app)() as session:
        create_user(session, "redacteur@example.org", PASSWORD, "editor", "Rik")
        session.commit()
    visitor, editor = app.test_client(), app.test_client()
    visitor.get("/zoeken?q=digid")
    mark_kept_pages(app)
    login = editor.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
    assert login.status_code == 302

    assert KEPT not in editor.get("/zoeken?q=digid").data
    editor.get("/zoeken?q=lezen")
    assert len(kept_pages(app)) == 1
    assert visitor.get("/zoeken?q=digid").data.endswith(KEPT)


def test_the_cache_can_be_switched_off(app_without_page_cache):
    client = app_without_page_cache.test_client()
    assert client.get("/zoeken?q=digid").status_code == 200
    assert app_without_page_cache.extensions[EXTENSION_KEY] is None


def test_the_least_recently_used_pages_go_first_when_the_cache_is_full():
    cache = PageCache(max_bytes=30)
    state = (1, 1)
    for name in ("a", "b", "c"):
        cache.put(state, name, Page(b"x" * 10, 200, ()))
    cache.get(state, "a")
    cache.put(state, "d", Page(b"x" * 10, 200, ()))
    assert sorted(cache) == ["a", "c", "d"]
    # A page of a newer catalogue state replaces them all; the old ones can never be asked for again.
    cache.put((2, 1), "e", Page(b"x", 200, ()))
    assert list(cache) == ["e"] and cache.get(state, "a") is None


@pytest.fixture
def app_without_page_cache(app, tmp_path):
    """A second server on the same catalogue, configured with PAGE_CACHE_SIZE = 0."""
    other = another_server(app, tmp_path / "index-2", PAGE_CACHE_SIZE=0)
    yield other
    get_engine(other).close()
    session_factory(other).kw["bind"].dispose()


def test_a_forged_host_gets_the_kept_page_and_keeps_no_page_of_its_own(app):
    visitor = app.test_client()
    visitor.get("/zoeken?q=digid")
    mark_kept_pages(app)
    forged = visitor.get("/zoeken?q=digid", headers={"Host": "aanvaller.example"})
    assert forged.data.endswith(KEPT) and b"aanvaller.example" not in forged.data
    assert len(kept_pages(app)) == 1
