"""An admin maintains the vocabularies: terms are added, renamed, reordered, hidden and merged, never lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trefpunt.catalog import vocab_admin
from trefpunt.catalog.errors import NotAllowed, ValidationError
from trefpunt.catalog.models import Material, Revision, Term
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

from .conftest import text_of


def term(app, facet: str, key: str) -> Term | None:
    with session_factory(app)() as session:
        return session.scalar(select(Term).where(Term.facet_name == facet, Term.key == key))


def keys(app, facet: str) -> list[str]:
    with session_factory(app)() as session:
        return [t.key for t in load_vocabulary(session).facet(facet).terms]


def carrying(app, facet: str, key: str) -> set[str]:
    with session_factory(app)() as session:
        return {m.slug for m in session.scalars(select(Material)) if key in m.term_keys(facet)}


def test_an_admin_adds_a_term_that_editors_can_choose(app, admin):
    response = admin.post(
        "/beheer/vocabulaires/format/termen",
        data={"key": "podcast", "label_nl": "Podcast", "label_en": "Podcast"},
    )
    assert response.status_code == 302
    assert keys(app, "format")[-1] == "podcast"
    assert 'value="podcast"' in admin.get("/beheer/nieuw").get_data(as_text=True)


def test_a_new_level_joins_the_end_of_its_scheme(app, admin):
    admin.post(
        "/beheer/vocabulaires/level/termen",
        data={"key": "c2-plus", "label_nl": "C2+", "label_en": "C2+", "scheme": "ERK (NT2)"},
    )
    levels = keys(app, "level")
    assert levels.index("c2-plus") == levels.index("c2") + 1
    with session_factory(app)() as session:
        assert load_vocabulary(session).level_range("c1", "c2-plus") == ["c1", "c2", "c2-plus"]


def test_bad_terms_are_refused_with_the_reason(app, admin):
    response = admin.post(
        "/beheer/vocabulaires/format/termen", data={"key": "App!", "label_nl": "", "label_en": "x"}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "alleen kleine letters" in page and "een Nederlandse naam is verplicht" in page
    duplicate = admin.post(
        "/beheer/vocabulaires/format/termen", data={"key": "app", "label_nl": "App", "label_en": "App"}
    )
    assert "bestaat al" in text_of(duplicate)


def test_renaming_a_term_reaches_the_public_search(app, admin, find):
    before = find(vorm=["app"]).total
    target = term(app, "format", "app")
    admin.post(
        f"/beheer/vocabulaires/format/termen/{target.id}/naam",
        data={"label_nl": "Mobiele app", "label_en": "Mobile app"},
    )
    assert term(app, "format", "app").label_nl == "Mobiele app"
    labels = {v.value: v.label for v in find().facet("format").values}
    assert labels["app"] == "Mobiele app"
    assert find(vorm=["app"]).total == before


def test_terms_move_up_and_down(app, admin):
    order = keys(app, "setting")
    target = term(app, "setting", order[1])
    admin.post(f"/beheer/vocabulaires/setting/termen/{target.id}/omhoog")
    assert keys(app, "setting")[:2] == [order[1], order[0]]
    admin.post(f"/beheer/vocabulaires/setting/termen/{target.id}/omlaag")
    assert keys(app, "setting") == order


def test_a_hidden_term_is_not_offered_but_stays_on_its_materials(app, admin):
    target = term(app, "format", "spel")
    users = carrying(app, "format", "spel")
    admin.post(f"/beheer/vocabulaires/format/termen/{target.id}/verbergen")
    assert term(app, "format", "spel").hidden
    assert 'value="spel"' not in admin.get("/beheer/nieuw").get_data(as_text=True)
    assert carrying(app, "format", "spel") == users
    admin.post(f"/beheer/vocabulaires/format/termen/{target.id}/tonen")
    assert not term(app, "format", "spel").hidden


def test_merging_moves_the_materials_records_revisions_and_keeps_old_links_working(app, admin, find):
    source, target = term(app, "format", "lesbrief"), term(app, "format", "werkboek")
    moving = carrying(app, "format", "lesbrief")
    assert moving
    expected = moving | carrying(app, "format", "werkboek")
    response = admin.post(
        f"/beheer/vocabulaires/format/termen/{source.id}/samenvoegen", data={"target": str(target.id)}
    )
    assert response.status_code == 302
    assert f"{len(moving)} leermiddel(en) zijn meeverhuisd" in text_of(
        admin.get(response.headers["Location"])
    )
    merged = term(app, "format", "lesbrief")
    assert merged.merged_into == "werkboek" and merged.hidden
    assert carrying(app, "format", "lesbrief") == set()
    assert carrying(app, "format", "werkboek") == expected
    with session_factory(app)() as session:
        notes = session.scalars(select(Revision.note).where(Revision.note.like("%samengevoegd%"))).all()
    assert len(notes) == len(moving)
    # A shared link with the old key finds the materials under the new one.
    published = {h.material.slug for h in find(vorm=["lesbrief"], per_page=100).hits}
    assert published == {h.material.slug for h in find(vorm=["werkboek"], per_page=100).hits}
    assert published & moving
    old_link = admin.get("/zoeken?vorm=lesbrief")
    assert old_link.status_code in (301, 302, 308)
    assert "vorm=werkboek" in old_link.headers["Location"]


def test_a_term_in_use_cannot_be_deleted_an_unused_one_can(app, admin):
    used = term(app, "format", "app")
    response = admin.post(f"/beheer/vocabulaires/format/termen/{used.id}/verwijderen")
    assert response.status_code == 422 and "kan niet weg" in text_of(response)
    assert term(app, "format", "app") is not None
    admin.post(
        "/beheer/vocabulaires/format/termen",
        data={"key": "poster", "label_nl": "Poster", "label_en": "Poster"},
    )
    admin.post(f"/beheer/vocabulaires/format/termen/{term(app, 'format', 'poster').id}/verwijderen")
    assert term(app, "format", "poster") is None


def test_merge_rules(session):
    lesbrief = session.scalar(select(Term).where(Term.key == "lesbrief"))
    app_term = session.scalar(select(Term).where(Term.key == "app"))
    a1 = session.scalar(select(Term).where(Term.key == "a1"))
    onef = session.scalar(select(Term).where(Term.key == "1f"))
    gratis = session.scalar(select(Term).where(Term.key == "gratis"))
    with pytest.raises(ValidationError):
        vocab_admin.merge(session, lesbrief.id, lesbrief.id, author="t")
    with pytest.raises(ValidationError):
        vocab_admin.merge(session, lesbrief.id, gratis.id, author="t")
    with pytest.raises(ValidationError):
        vocab_admin.merge(session, a1.id, onef.id, author="t")
    vocab_admin.merge(session, lesbrief.id, app_term.id, author="t")
    with pytest.raises(NotAllowed):
        vocab_admin.set_hidden(session, lesbrief.id, False)
    with pytest.raises(NotAllowed):
        vocab_admin.delete_term(session, app_term.id)
