"""Sorted lists stay right while editors work: new, retitled and archived materials between searches.

Each search after a change reads the index as a large segment plus small new ones (see docsets.py);
the order must be the same as if the index had been built from scratch.
"""

from trefpunt.catalog.models import Status
from trefpunt.catalog.services import get_material, record_of, save_material, set_status
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import get_engine


def titles(result):
    return [hit.material.title for hit in result.hits]


def retitle(app, slug: str, title: str) -> None:
    with session_factory(app)() as session:
        record = record_of(get_material(session, slug), load_vocabulary(session))
        record.title = title
        save_material(session, record, author="redacteur", original_slug=slug)
        session.commit()


def archive(app, slug: str) -> None:
    with session_factory(app)() as session:
        set_status(session, slug, Status.ARCHIVED, author="redacteur")
        session.commit()


def test_title_and_newest_order_hold_through_edits_between_searches(empty_app, add_material, find_in_empty):
    for n in range(12):
        add_material(f"Werkblad {n:02d}")
    assert find_in_empty().total == 12
    add_material("Aan de slag")
    assert titles(find_in_empty(sorteer="titel"))[0] == "Aan de slag"
    add_material("Zelf oefenen")
    retitle(empty_app, "werkblad-05", "Boekje vijf")
    assert find_in_empty().total == 14
    archive(empty_app, "werkblad-07")
    add_material("Mijn eerste werkblad")

    by_title = titles(find_in_empty(sorteer="titel", per_page=50))
    werkbladen = [f"Werkblad {n:02d}" for n in range(12) if n not in (5, 7)]
    assert by_title == ["Aan de slag", "Boekje vijf", "Mijn eerste werkblad", *werkbladen, "Zelf oefenen"]

    newest = titles(find_in_empty(sorteer="nieuwste", per_page=50))
    werkbladen = ["Boekje vijf" if n == 5 else f"Werkblad {n:02d}" for n in reversed(range(12)) if n != 7]
    assert newest == ["Mijn eerste werkblad", "Zelf oefenen", "Aan de slag", *werkbladen]

    # A rebuild from scratch gives the very same lists.
    with session_factory(empty_app)() as session:
        get_engine(empty_app).rebuild(load_vocabulary(session))
    assert titles(find_in_empty(sorteer="titel", per_page=50)) == by_title
    assert titles(find_in_empty(sorteer="nieuwste", per_page=50)) == newest


def test_a_facet_count_follows_an_archived_material(empty_app, add_material, find_in_empty):
    for n in range(5):
        add_material(f"Rekenblad {n}", niveau=["a1"])
    assert {v.value: v.count for v in find_in_empty().facet("level").values}["a1"] == 5
    archive(empty_app, "rekenblad-3")
    assert {v.value: v.count for v in find_in_empty().facet("level").values}["a1"] == 4
