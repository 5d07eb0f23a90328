"""Review before publishing: with it switched on, an edit of a published material (or publishing a draft)
waits until another editor publishes it or sends it back; the public keeps the published version meanwhile."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from trefpunt.catalog import review
from trefpunt.catalog.models import Revision
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.review_models import ChangeReview
from trefpunt.catalog.services import get_material, record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

from .conftest import PASSWORD, make_user, text_of
from .test_editor_materials import _form_values, stored

SLUG = "klik-en-tik-de-basis"
EDIT = f"/beheer/leermiddel/{SLUG}"
RIK, ADA, SAM = "redacteur@example.org", "beheerder@example.org", "sam@example.org"
NEW_SUMMARY = "Muis en toetsenbord leren gebruiken, stap voor stap, met zebrapaardjes."


@pytest.fixture
def app(app):
    app.config["REVIEW_BEFORE_PUBLISHING"] = True
    make_user(app, SAM, "editor", name="Sam Tweede")
    return app


def client_of(app, email: str):
    """A browser of its own, logged in as ``email``."""
    client = app.test_client()
    assert client.post("/auth/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def form_of(page) -> dict:
    """What the browser sends for the edit form as served, the waiting change's version included."""
    html = page.get_data(as_text=True)
    values = _form_values(html)
    found = re.search(r'name="change_version"[^>]*value="(\d*)"', html)
    values["change_version"] = found.group(1) if found else ""
    return values


def submit(client, **changes):
    return client.post(EDIT, data=dict(form_of(client.get(EDIT)), **changes))


def open_changes(app) -> list[ChangeReview]:
    with session_factory(app)() as session:
        return list(session.scalars(select(ChangeReview).where(ChangeReview.state.in_(review.OPEN_STATES))))


def change_id(app) -> int:
    (change,) = open_changes(app)
    return change.id


def version_on(page) -> str:
    return re.search(
        r'action="[^"]*/publiceren"[^>]*>\s*<input[^>]*>\s*<input[^>]*value="(\d+)"', page
    ).group(1)


def public_views(app, client, find) -> tuple[str, str, int]:
    """The summary as the public page, the API and the search show it."""
    page = text_of(client.get(f"/leermiddel/{SLUG}"))
    api = client.get(f"/api/v1/materials/{SLUG}").get_json()["summary"]
    return page, api, find("zebrapaardjes").total


def test_review_is_off_by_default_and_an_edit_then_goes_live(app, editor):
    app.config["REVIEW_BEFORE_PUBLISHING"] = False
    from trefpunt.config import DEFAULTS

    assert DEFAULTS["REVIEW_BEFORE_PUBLISHING"] is False
    response = submit(editor, summary=NEW_SUMMARY)
    assert response.status_code == 302
    assert stored(app, SLUG).summary == NEW_SUMMARY
    assert open_changes(app) == []
    assert "Beoordelen vóór publiceren staat uit" in text_of(editor.get("/beheer/beoordelen"))


def test_an_edit_waits_and_public_page_search_and_api_keep_the_published_version(app, editor, client, find):
    published = stored(app, SLUG).summary
    response = submit(editor, summary=NEW_SUMMARY)
    assert response.status_code == 302
    flashed = text_of(editor.get(response.headers["Location"]))
    assert "Ingediend ter beoordeling" in flashed
    assert "Er wacht een wijziging op beoordeling" in flashed
    # The edit page goes on from the waiting change, so the editor sees what they submitted.
    assert form_of(editor.get(EDIT))["summary"] == NEW_SUMMARY

    assert stored(app, SLUG).summary == published
    page, api, found = public_views(app, client, find)
    assert published in page and NEW_SUMMARY not in page
    assert api == published
    assert found == 0
    queue = text_of(editor.get("/beheer/beoordelen"))
    assert "1 wijziging wacht op beoordeling" in queue and "Klik & Tik. De basis" in queue


def test_nobody_reviews_their_own_change_not_even_by_posting_directly(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    own = editor.get(f"/beheer/beoordelen/{number}")
    assert "Dit is uw eigen wijziging" in text_of(own)
    assert "/publiceren" not in own.get_data(as_text=True)

    refused = editor.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": "1"})
    assert refused.status_code == 403
    assert "u kunt uw eigen wijziging niet beoordelen" in text_of(refused)
    sent_back = editor.post(
        f"/beheer/beoordelen/{number}/terugsturen", data={"version": "1", "comment": "ok"}
    )
    assert sent_back.status_code == 403
    assert stored(app, SLUG).summary != NEW_SUMMARY
    assert open_changes(app)[0].state == "pending"


def test_another_editor_sees_the_difference_and_publishes_it_as_a_revision(app, editor, client, find):
    published = stored(app, SLUG).summary
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    ada = client_of(app, ADA)
    page = ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True)
    assert f"<del>{published}</del>" in page and f"<ins>{NEW_SUMMARY}</ins>" in page
    assert (
        "Beschrijving"
        not in text_of(ada.get(f"/beheer/beoordelen/{number}"))
        .split("Verloop")[0]
        .split("Wat de wijziging verandert")[1]
    ), "only the changed field is shown"

    done = ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": version_on(page)})
    assert done.status_code == 302
    assert stored(app, SLUG).summary == NEW_SUMMARY
    page, api, found = public_views(app, client, find)
    assert NEW_SUMMARY in page and api == NEW_SUMMARY and found == 1
    history = text_of(ada.get(f"{EDIT}/geschiedenis"))
    assert f"gepubliceerd na beoordeling door {ADA}" in history and RIK in history
    assert open_changes(app) == []
    assert "Er wacht een wijziging" not in text_of(editor.get(EDIT))


def test_sent_back_with_a_comment_the_change_stays_with_its_author_and_can_be_resubmitted(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    ada = client_of(app, ADA)
    version = version_on(ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True))
    empty = ada.post(f"/beheer/beoordelen/{number}/terugsturen", data={"version": version, "comment": "  "})
    assert empty.status_code == 422 and "schrijf erbij wat er anders moet" in text_of(empty)

    comment = "Zebrapaardjes komen niet in Klik & Tik voor; schrijf wat de cursus echt doet."
    back = ada.post(f"/beheer/beoordelen/{number}/terugsturen", data={"version": version, "comment": comment})
    assert back.status_code == 302
    page = text_of(editor.get(EDIT))
    assert "Uw wijziging is teruggestuurd" in page and comment in page
    assert form_of(editor.get(EDIT))["summary"] == NEW_SUMMARY, "nothing the author wrote is lost"
    assert "teruggestuurd door beheerder@example.org" in text_of(editor.get("/beheer/beoordelen"))

    better = "Muis en toetsenbord leren gebruiken, stap voor stap."
    assert submit(editor, summary=better).status_code == 302
    (change,) = open_changes(app)
    assert change.state == "pending" and change.snapshot["summary"] == better
    steps = text_of(ada.get(f"/beheer/beoordelen/{number}")).split("Verloop")[1]
    assert "ingediend" in steps and "teruggestuurd" in steps and comment in steps


def test_publishing_a_draft_waits_for_review_too(app, editor, client):
    with session_factory(app)() as session:
        record = record_of(get_material(session, SLUG), load_vocabulary(session))
        record.slug, record.title, record.status = "muis-oefenen", "Muis oefenen", "draft"
        save_material(session, record, author="import")
        session.commit()
    confirm = editor.get("/beheer/leermiddel/muis-oefenen/publiceren")
    assert "Ter beoordeling aanbieden" in text_of(confirm)
    version = re.search(r'name="version" value="(\d+)"', confirm.get_data(as_text=True)).group(1)
    assert (
        editor.post("/beheer/leermiddel/muis-oefenen/publiceren", data={"version": version}).status_code
        == 302
    )
    assert stored(app, "muis-oefenen").status == "draft"
    assert client.get("/leermiddel/muis-oefenen").status_code == 404

    ada = client_of(app, ADA)
    number = change_id(app)
    page = ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True)
    assert "<del>Concept</del>" in page and "<ins>Gepubliceerd</ins>" in page
    assert (
        ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": version_on(page)}).status_code
        == 302
    )
    assert stored(app, "muis-oefenen").status == "published"
    assert client.get("/leermiddel/muis-oefenen").status_code == 200


def test_a_second_edit_goes_into_the_one_waiting_change_and_a_stale_form_gets_the_conflict_page(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    sam = client_of(app, SAM)
    sams_form = form_of(sam.get(EDIT))
    riks_form = form_of(editor.get(EDIT))
    assert sams_form["summary"] == NEW_SUMMARY and sams_form["change_version"]

    assert (
        editor.post(EDIT, data=dict(riks_form, title="Klik & Tik. De basis (vernieuwd)")).status_code == 302
    )
    conflict = sam.post(EDIT, data=dict(sams_form, summary="Sam schrijft iets anders."))
    assert conflict.status_code == 409
    page = text_of(conflict)
    assert "Klik & Tik. De basis (vernieuwd)" in page and "Sam schrijft iets anders." in page
    (change,) = open_changes(app)
    assert change.snapshot["title"] == "Klik & Tik. De basis (vernieuwd)"
    assert change.snapshot["summary"] == NEW_SUMMARY

    # From a fresh form Sam's edit joins the change: now neither of them may publish it.
    assert submit(sam, summary="Sam schrijft iets anders.").status_code == 302
    (change,) = open_changes(app)
    assert change.authors == [RIK, SAM] and change.snapshot["title"].endswith("(vernieuwd)")
    assert (
        sam.post(f"/beheer/beoordelen/{change.id}/publiceren", data={"version": change.version}).status_code
        == 403
    )
    ada = client_of(app, ADA)
    assert (
        ada.post(f"/beheer/beoordelen/{change.id}/publiceren", data={"version": change.version}).status_code
        == 302
    )


def test_a_change_is_never_published_over_a_published_version_that_moved(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    ada = client_of(app, ADA)
    version = version_on(ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True))
    # Meanwhile an import changes the published material's provider.
    with session_factory(app)() as session:
        record = record_of(get_material(session, SLUG), load_vocabulary(session))
        record.provider = "Stichting Oefenen (via import)"
        save_material(session, record, author="import")
        session.commit()

    page = text_of(ada.get(f"/beheer/beoordelen/{number}"))
    assert "Het gepubliceerde leermiddel is intussen gewijzigd" in page and "via import" in page
    refused = ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": version})
    assert refused.status_code == 409 and "sinds deze wijziging werd ingediend" in text_of(refused)
    assert stored(app, SLUG).provider == "Stichting Oefenen (via import)"
    assert stored(app, SLUG).summary != NEW_SUMMARY

    # The author's form carries the change onto the new published version: both edits are there.
    form = form_of(editor.get(EDIT))
    assert form["summary"] == NEW_SUMMARY and form["provider"] == "Stichting Oefenen (via import)"
    assert editor.post(EDIT, data=form).status_code == 302
    page = ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True)
    assert "intussen gewijzigd" not in page
    assert (
        ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": version_on(page)}).status_code
        == 302
    )
    material = stored(app, SLUG)
    assert (material.summary, material.provider) == (NEW_SUMMARY, "Stichting Oefenen (via import)")


def test_a_reviewer_publishes_only_the_version_they_looked_at(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    ada = client_of(app, ADA)
    seen = version_on(ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True))
    submit(editor, summary="Toch weer anders.")
    refused = ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": seen})
    assert refused.status_code == 409 and "intussen bijgewerkt" in text_of(refused)
    assert stored(app, SLUG).summary != "Toch weer anders."


def test_its_author_withdraws_a_change_and_the_published_version_stays(app, editor):
    published = stored(app, SLUG).summary
    submit(editor, summary=NEW_SUMMARY)
    number = change_id(app)
    (change,) = open_changes(app)
    sam = client_of(app, SAM)
    assert (
        sam.post(f"/beheer/beoordelen/{number}/intrekken", data={"version": change.version}).status_code
        == 403
    )
    done = editor.post(f"/beheer/beoordelen/{number}/intrekken", data={"version": change.version})
    assert done.status_code == 302
    assert open_changes(app) == [] and stored(app, SLUG).summary == published
    # Kept, not deleted: the withdrawn text can still be looked up.
    assert NEW_SUMMARY in editor.get(f"/beheer/beoordelen/{number}").get_data(as_text=True)


def test_restoring_an_old_revision_of_a_published_material_waits_for_review(app, editor):
    with session_factory(app)() as session:
        record = record_of(get_material(session, SLUG), load_vocabulary(session))
        first_summary = record.summary
        record.summary = "Een tweede versie."
        save_material(session, record, author="import")
        session.commit()
    confirm = editor.get(f"{EDIT}/versie/1/terugzetten").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', confirm).group(1)
    assert editor.post(f"{EDIT}/versie/1/terugzetten", data={"version": version}).status_code == 302
    assert stored(app, SLUG).summary == "Een tweede versie."
    (change,) = open_changes(app)
    assert change.snapshot["summary"] == first_summary


def test_the_review_use_case_refuses_self_review_whoever_calls_it(app):
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        material = get_material(session, SLUG)
        record = MaterialRecord.from_mapping(
            {**record_of(material, vocabulary).to_dict(vocabulary), "summary": NEW_SUMMARY}, vocabulary
        )
        change = review.submit(
            session,
            material,
            record,
            author=RIK,
            vocabulary=vocabulary,
            expected_version=material.version,
            expected_change_version=None,
        )
        session.commit()
        with pytest.raises(review.NotAllowed, match="eigen wijziging"):
            review.approve(session, change.id, reviewer=RIK, expected_version=None)
        session.rollback()
        assert review.approve(session, change.id, reviewer=ADA, expected_version=None).summary == NEW_SUMMARY
        session.commit()


def test_an_author_saving_a_form_of_a_change_published_meanwhile_gets_the_conflict_page(app, editor):
    submit(editor, summary=NEW_SUMMARY)
    riks_form = form_of(editor.get(EDIT))
    ada = client_of(app, ADA)
    number = change_id(app)
    page = ada.get(f"/beheer/beoordelen/{number}").get_data(as_text=True)
    assert (
        ada.post(f"/beheer/beoordelen/{number}/publiceren", data={"version": version_on(page)}).status_code
        == 302
    )

    conflict = editor.post(EDIT, data=dict(riks_form, summary="Nog een laatste verbetering."))
    assert conflict.status_code == 409
    page = text_of(conflict)
    assert "Nog een laatste verbetering." in page and NEW_SUMMARY in page
    assert stored(app, SLUG).summary == NEW_SUMMARY and open_changes(app) == []


def test_two_reviewers_publishing_at_the_same_moment_publish_once_and_the_other_is_told(app, editor):
    """Every round: Rik submits a change, Ada and Sam press Publiceren together. One publishes, the other
    gets the review page saying it no longer waits (never a server error), and each round is one revision."""
    reviewers = [client_of(app, ADA), client_of(app, SAM)]
    with session_factory(app)() as session:
        before = session.scalar(select(func.count()).select_from(Revision))
    rounds = 8
    with ThreadPoolExecutor(len(reviewers)) as pool:
        for number in range(rounds):
            assert submit(editor, summary=f"Ronde {number}: {NEW_SUMMARY}").status_code == 302
            change = change_id(app)
            barrier = threading.Barrier(len(reviewers))

            def publish(client, change=change, barrier=barrier):
                version = version_on(client.get(f"/beheer/beoordelen/{change}").get_data(as_text=True))
                barrier.wait(timeout=60)
                return client.post(f"/beheer/beoordelen/{change}/publiceren", data={"version": version})

            responses = [f.result(timeout=60) for f in [pool.submit(publish, c) for c in reviewers]]
            assert sorted(r.status_code for r in responses) == [302, 409], number
            refused = next(r for r in responses if r.status_code == 409)
            assert "deze wijziging wacht niet (meer) op beoordeling" in text_of(refused)
            assert stored(app, SLUG).summary == f"Ronde {number}: {NEW_SUMMARY}"
    with session_factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == before + rounds
