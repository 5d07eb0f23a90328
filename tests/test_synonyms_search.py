"""An editor adds an everyday word; every server's searches understand it at once, with no rebuild."""

import pytest
from conftest import another_server

from trefpunt.catalog.synonyms import SynonymData, create_synonym, delete_synonym, find_synonym
from trefpunt.db import session_factory
from trefpunt.search import get_engine


@pytest.fixture
def second_server(app, tmp_path):
    """Another server on the same catalogue, with an index of its own (as a second machine has)."""
    other = another_server(app, tmp_path / "index-2")
    yield other
    get_engine(other).close()
    session_factory(other).kw["bind"].dispose()


def hit_slugs(client, query: str) -> list[str]:
    return [hit["slug"] for hit in client.get(f"/api/v1/materials?q={query}").get_json()["hits"]]


def test_a_new_synonym_reaches_every_servers_search_and_cached_pages_without_a_rebuild(app, second_server):
    first, second = app.test_client(), second_server.test_client()
    assert hit_slugs(first, "zwemles") == [] and hit_slugs(second, "zwemles") == []
    rebuilt = get_engine(app).store.current_path()

    with session_factory(app)() as session:
        create_synonym(session, SynonymData("zwemles", ("taalcafé",), two_way=False))
        session.commit()

    assert hit_slugs(first, "zwemles") == ["taalcafe"]  # the cached empty page is not served again
    assert hit_slugs(second, "zwemles") == ["taalcafe"]
    assert get_engine(app).store.current_path() == rebuilt  # no new index generation
    # One-way: the expansion does not find the phrase's materials.
    assert "zwemles" not in str(first.get("/api/v1/materials?q=taalcafé").get_json()["hits"])


def test_a_two_way_synonym_works_both_ways_and_deleting_it_ends_it(app):
    client = app.test_client()
    with session_factory(app)() as session:
        create_synonym(session, SynonymData("kletsuurtje", ("taalcafé",), two_way=True))
        session.commit()
    assert "taalcafe" in hit_slugs(client, "kletsuurtje")
    page = client.get("/zoeken?q=kletsuurtje").get_data(as_text=True)
    assert "Ontbreekt" not in page  # having a synonym is having the word

    with session_factory(app)() as session:
        delete_synonym(session, find_synonym(session, "kletsuurtje").id)
        session.commit()
    assert hit_slugs(client, "kletsuurtje") == []


def test_the_seeded_list_reads_everyday_words(find):
    # rekeningen -> geldzaken, ziekenhuis -> gezondheid, senioren = ouderen (issue 9's examples)
    assert "wijzer-in-geldzaken" in [hit.material.slug for hit in find("rekeningen").hits][:5]
    senioren = {hit.material.slug for hit in find("senioren", per_page=100).hits}
    ouderen = {hit.material.slug for hit in find("ouderen", per_page=100).hits}
    assert senioren == ouderen
