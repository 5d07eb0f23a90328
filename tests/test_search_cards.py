"""A page of hits is read from the search index's cards, not the database, and shows current labels."""

from sqlalchemy import event, select

from trefpunt.catalog.models import Term
from trefpunt.catalog.vocab_admin import relabel
from trefpunt.db import session_factory


def test_a_page_of_hits_asks_the_database_nothing_but_its_state(app, find):
    find("taal")  # the index is open and caught up
    statements: list[str] = []
    engine = session_factory(app).kw["bind"]

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        result = find("taal", doelgroep=["anderstaligen"])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(result.hits) > 3
    assert not [s for s in statements if "FROM materials" in s or "FROM terms" in s], statements
    hit = result.hits[0].material
    assert hit.slug and hit.title and hit.summary
    assert "anderstaligen" in hit.term_keys("audience")


def test_a_renamed_term_shows_its_new_label_on_the_hits_at_once(app, find, client):
    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.facet_name == "skill", Term.key == "taal-nt2"))
        relabel(session, term.id, "Nederlands voor anderstaligen", "Dutch as a second language")
        session.commit()
    hit = next(h for h in find(vaardigheid=["taal-nt2"]).hits)
    assert "Nederlands voor anderstaligen" in [t.label_nl for t in hit.material.terms_of("skill")]
    page = client.get("/zoeken?vaardigheid=taal-nt2").get_data(as_text=True)
    assert "Nederlands voor anderstaligen" in page
    answer = client.get("/api/v1/materials?vaardigheid=taal-nt2&lang=en").get_json()
    labels = {f["label"] for hit in answer["hits"] for f in hit["facets"]["vaardigheid"]}
    assert "Dutch as a second language" in labels
