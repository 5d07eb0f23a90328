"""Advice lists as a volunteer uses them over HTTP: put materials on a list from search and material
pages, order and annotate it, share a read link that cannot edit and an edit link that can.

Run on SQLite and on PostgreSQL (the ``app`` fixture's backends)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from trefpunt.catalog.models import Material, Status
from trefpunt.db import session_factory
from trefpunt.lists import service
from trefpunt.lists.header import COOKIE
from trefpunt.lists.models import AdviceList, AdviceListItem, ListCreation
from trefpunt.lists.views import LIMITS

SEARCH = "/zoeken?q=digid"


def csrf(client) -> str:
    return client.get("/lijst/sleutel").get_json()["csrf_token"]


def put_on_list(client, slug: str, back: str = SEARCH, token: str | None = None):
    data = {"leermiddel": slug, "terug": back, "csrf_token": csrf(client) if token is None else token}
    return client.post("/lijst/zet-op-lijst", data=data)


def edit_token(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no list cookie"
    return cookie.value


def published_slugs(app, count: int) -> list[str]:
    with session_factory(app)() as session:
        return list(
            session.scalars(
                select(Material.slug)
                .where(Material.status == Status.PUBLISHED)
                .order_by(Material.slug)
                .limit(count)
            )
        )


def read_token_of(app, edit: str) -> str:
    with session_factory(app)() as session:
        return service.find_for_editing(session, edit).read_token


def titles_in_order(html: str) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(
            r'class="utrecht-heading-3 tp-list-item__title" lang="nl">(?:<a [^>]+>)?([^<]+)', html
        )
    ]


def test_a_volunteer_puts_two_materials_on_a_new_list_from_a_search(client):
    search = client.get(SEARCH)
    assert search.status_code == 200
    # The page is the same for everybody (kept in the page cache): no token, no list, no cookie.
    assert 'value="" data-list-csrf' in search.get_data(as_text=True)
    assert "Set-Cookie" not in search.headers

    added = put_on_list(client, "steffie-digid")
    assert added.status_code == 303 and added.headers["Location"] == SEARCH
    assert put_on_list(client, "digisterker").status_code == 303

    page = client.get(SEARCH).get_data(as_text=True)
    assert "Mijn advieslijst" in page and "2 leermiddelen" in page
    # The cached page now carries this visitor's token in every "Zet op lijst" form.
    assert 'value="" data-list-csrf' not in page
    edit = client.get(f"/lijst/bewerken/{edit_token(client)}").get_data(as_text=True)
    assert titles_in_order(edit) == ["Steffie legt uit: DigiD", "Digisterker - Werken met de e-overheid"]


def test_without_a_valid_token_nothing_changes_and_the_visitor_is_asked_to_confirm(client):
    asked = put_on_list(client, "steffie-digid", token="")
    assert asked.status_code == 200
    assert "Zet op een advieslijst" in asked.get_data(as_text=True)
    assert client.get_cookie(COOKIE) is None
    forged = put_on_list(client, "steffie-digid", token="vals")
    assert forged.status_code == 200 and client.get_cookie(COOKIE) is None


def make_list(client, slugs) -> str:
    for slug in slugs:
        assert put_on_list(client, slug).status_code == 303
    return edit_token(client)


def change_item(client, edit: str, item_id: int, action: str, note: str | None = None):
    """Press an item's button on the edit page (one form), with its note as typed."""
    data = {"actie": action if action == "bewaar" else f"{action}-{item_id}", "csrf_token": csrf(client)}
    if note is not None:
        data[f"notitie-{item_id}"] = note
    return client.post(f"/lijst/bewerken/{edit}", data=data)


def item_ids(app, edit: str) -> list[int]:
    with session_factory(app)() as session:
        advice_list = service.find_for_editing(session, edit)
        return [item.id for item in sorted(advice_list.items, key=lambda i: i.position)]


def test_the_maker_orders_the_list_writes_notes_and_a_title_and_the_read_link_shows_the_same(client, app):
    edit = make_list(client, ["steffie-digid", "digisterker", "doe-je-digiding"])
    first, second, third = item_ids(app, edit)
    assert change_item(client, edit, third, "omhoog", note="Begin hiermee").status_code == 303
    assert change_item(client, edit, third, "omhoog").status_code == 303
    assert change_item(client, edit, first, "bewaar", note="Samen met de taalmaatje").status_code == 303
    saved = client.post(
        f"/lijst/bewerken/{edit}",
        data={"titel": "Beginnen met DigiD", "inleiding": "Voor een beginner.", "csrf_token": csrf(client)},
    )
    assert saved.status_code == 303

    read = read_token_of(app, edit)
    page = client.get(f"/lijst/{read}").get_data(as_text=True)
    assert titles_in_order(page) == [
        "Doe je digiding!",
        "Steffie legt uit: DigiD",
        "Digisterker - Werken met de e-overheid",
    ]
    assert "Begin hiermee" in page and "Samen met de taalmaatje" in page
    assert "Beginnen met DigiD" in page and "Voor een beginner." in page
    # Moving the second item down past the end, or the first up, keeps the order.
    assert change_item(client, edit, second, "omlaag").status_code == 303
    assert change_item(client, edit, second, "omlaag").status_code == 303
    assert item_ids(app, edit) == [third, first, second]
    assert change_item(client, edit, first, "weghalen").status_code == 303
    assert item_ids(app, edit) == [third, second]


def test_tokens_are_long_random_and_the_read_page_never_holds_the_edit_token(client, app):
    edit = make_list(client, ["steffie-digid"])
    read = read_token_of(app, edit)
    for token in (edit, read):
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 32 × 6 bits = 192 bits
    assert edit != read
    tokens = {service.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    # Each position of a token takes many values: a counter or a timestamp would not.
    assert all(len({t[i] for t in tokens}) > 40 for i in range(32))

    # The maker's own browser (with the list cookie) opens the read page, the handout and the API.
    for url in (f"/lijst/{read}", f"/lijst/{read}/afdrukken", f"/api/v1/lists/{read}", SEARCH):
        body = client.get(url).get_data(as_text=True)
        assert edit not in body, url
    # The database keeps only the edit token's hash.
    with session_factory(app)() as session:
        row = session.scalars(select(AdviceList)).one()
        assert edit not in (row.edit_key, row.read_key, row.read_token)
        assert row.edit_key == service.token_key(edit)


def test_the_read_link_cannot_edit_and_the_edit_link_can(client, app):
    edit = make_list(client, ["steffie-digid"])
    read = read_token_of(app, edit)
    (item,) = item_ids(app, edit)
    colleague = app.test_client()
    token = csrf(colleague)
    assert colleague.get(f"/lijst/bewerken/{read}").status_code == 404
    refused = colleague.post(f"/lijst/bewerken/{read}", data={"titel": "Gekaapt", "csrf_token": token})
    assert refused.status_code == 404
    refused = colleague.post(
        f"/lijst/bewerken/{read}", data={"actie": f"weghalen-{item}", "csrf_token": token}
    )
    assert refused.status_code == 404
    read_page = colleague.get(f"/lijst/{read}").get_data(as_text=True)
    assert "Gekaapt" not in read_page and "<form" not in read_page.split('id="inhoud"')[1].split("</main>")[0]
    # A colleague with the edit link can change it, from another browser.
    assert colleague.get(f"/lijst/bewerken/{edit}").status_code == 200
    changed = colleague.post(f"/lijst/bewerken/{edit}", data={"titel": "Samen", "csrf_token": token})
    assert changed.status_code == 303
    assert "Samen" in client.get(f"/lijst/{read}").get_data(as_text=True)
    # Made-up and truncated tokens find nothing.
    for bad in (edit[:-1], edit[:-1] + ("A" if edit[-1] != "A" else "B"), "x" * 32, "mijn-lijst"):
        assert client.get(f"/lijst/bewerken/{bad}").status_code == 404
        assert client.get(f"/lijst/{bad}").status_code == 404


def test_a_list_survives_a_restart(client, app, tmp_path):
    from tests.conftest import another_server

    edit = make_list(client, ["steffie-digid", "digisterker"])
    read = read_token_of(app, edit)
    restarted = another_server(app, tmp_path / "index-after-restart")
    try:
        page = restarted.test_client().get(f"/lijst/{read}")
        assert page.status_code == 200
        assert "Steffie legt uit: DigiD" in page.get_data(as_text=True)
        browser = restarted.test_client()
        browser.set_cookie(COOKIE, edit)
        assert "2 leermiddelen" in browser.get(SEARCH).get_data(as_text=True)
    finally:
        from trefpunt.db import session_factory as factory
        from trefpunt.search import get_engine

        get_engine(restarted).close()
        factory(restarted).kw["bind"].dispose()


def test_texts_too_long_are_refused_in_dutch_and_nothing_saved_is_lost(client, app):
    edit = make_list(client, ["steffie-digid"])
    (item,) = item_ids(app, edit)
    token = csrf(client)
    client.post(
        f"/lijst/bewerken/{edit}", data={"titel": "Goede titel", "inleiding": "Goed.", "csrf_token": token}
    )
    change_item(client, edit, item, "bewaar", note="Eerste notitie")

    long_title = "T" * (LIMITS.title + 1)
    refused = client.post(
        f"/lijst/bewerken/{edit}",
        data={"titel": long_title, "inleiding": "Nieuwe inleiding", "csrf_token": token},
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert f"Deze tekst is te lang: hoogstens {LIMITS.title} tekens" in body
    assert long_title in body and "Nieuwe inleiding" in body  # what was typed is shown again
    # One save is all or nothing: a good title beside a note that is too long changes neither.
    long_note = "n" * (LIMITS.note + 1)
    refused = client.post(
        f"/lijst/bewerken/{edit}",
        data={"titel": "Andere titel", f"notitie-{item}": long_note, "actie": "bewaar", "csrf_token": token},
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert long_note in body and 'value="Andere titel"' in body and "Er is niets bewaard." in body
    with session_factory(app)() as session:
        advice_list = service.find_for_editing(session, edit)
        assert (advice_list.title, advice_list.introduction) == ("Goede titel", "Goed.")
        assert advice_list.items[0].note == "Eerste notitie"


def test_a_pasted_control_character_is_named_on_the_form_and_nothing_typed_is_lost(client, app):
    edit = make_list(client, ["steffie-digid"])
    (item,) = item_ids(app, edit)
    token = csrf(client)
    change_item(client, edit, item, "bewaar", note="Eerste notitie")

    refused = client.post(
        f"/lijst/bewerken/{edit}",
        data={
            "titel": "Voor de groep van dinsdag",
            f"notitie-{item}": "begin\x0bhiermee",
            "actie": "bewaar",
            "csrf_token": token,
        },
    )
    # The edit page again, not an error page: the field says what is wrong and keeps what was typed.
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Deze tekst bevat een onzichtbaar stuurteken U+000B" in body
    assert 'value="Voor de groep van dinsdag"' in body and "begin\x0bhiermee" in body
    with session_factory(app)() as session:
        advice_list = service.find_for_editing(session, edit)
        assert advice_list.items[0].note == "Eerste notitie"
        assert advice_list.title != "Voor de groep van dinsdag"


def test_a_full_list_says_so_in_dutch_and_keeps_what_it_has(client, app):
    slugs = published_slugs(app, LIMITS.items + 1)
    assert len(slugs) == LIMITS.items + 1
    edit = make_list(client, slugs[: LIMITS.items])
    refused = put_on_list(client, slugs[-1])
    assert refused.status_code == 409
    assert f"Uw advieslijst is vol: er kunnen hoogstens {LIMITS.items} leermiddelen op" in refused.get_data(
        as_text=True
    )
    assert len(item_ids(app, edit)) == LIMITS.items
    # Putting one on the list twice keeps one.
    assert put_on_list(client, slugs[0]).status_code == 303
    assert len(item_ids(app, edit)) == LIMITS.items


def test_one_address_may_start_a_limited_number_of_lists_per_hour_and_keeps_its_lists(app):
    made = []
    for _ in range(LIMITS.lists_per_hour):
        browser = app.test_client()
        assert put_on_list(browser, "steffie-digid").status_code == 303
        made.append(edit_token(browser))
    late = app.test_client()
    refused = put_on_list(late, "steffie-digid")
    assert refused.status_code == 429
    text_ = refused.get_data(as_text=True)
    assert f"Vanaf dit internetadres zijn het afgelopen uur al {LIMITS.lists_per_hour} advieslijsten" in text_
    assert late.get_cookie(COOKIE) is None
    with session_factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(AdviceList)) == LIMITS.lists_per_hour
        # The limit keeps a keyed hash of the address, never the address itself.
        hashes = set(session.scalars(select(ListCreation.address_hash)))
        assert hashes == {service.address_hash(app.config["SECRET_KEY"], "127.0.0.1")}
        assert all("127.0.0.1" not in h for h in hashes)
    # An existing list still takes materials.
    old = app.test_client()
    old.set_cookie(COOKIE, made[0])
    assert put_on_list(old, "digisterker").status_code == 303


def test_the_address_trace_is_gone_after_an_hour(session):
    import datetime as dt

    limits = service.Limits(lists_per_hour=1)
    start = dt.datetime(2026, 11, 29, 9, 0)
    service.create_list(session, address_key="a", limits=limits, now=start)
    with pytest.raises(service.LimitReached) as refused:
        service.create_list(session, address_key="a", limits=limits, now=start + dt.timedelta(minutes=20))
    assert refused.value.minutes == 40
    service.create_list(session, address_key="a", limits=limits, now=start + dt.timedelta(minutes=61))
    # The first trace was deleted when the next list was made; only the last one is left.
    assert session.scalar(select(func.count()).select_from(ListCreation)) == 1


def test_an_archived_or_deleted_material_says_so_and_points_to_similar_ones(client, app):
    edit = make_list(client, ["steffie-digid", "digisterker"])
    read = read_token_of(app, edit)
    with session_factory(app)() as session:
        steffie = session.scalar(select(Material).where(Material.slug == "steffie-digid"))
        steffie.status = Status.ARCHIVED
        session.commit()
        # Deleted outright (as a database clean-up would): the list keeps its name.
        digisterker = session.scalar(select(Material).where(Material.slug == "digisterker"))
        session.delete(digisterker)
        session.commit()
    for url in (f"/lijst/{read}", f"/lijst/{read}/afdrukken", f"/lijst/bewerken/{edit}"):
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.get_data(as_text=True)
        assert "Steffie legt uit: DigiD" in body and "Digisterker - Werken met de e-overheid" in body
        if "bewerken" not in url:
            assert "Dit leermiddel wordt niet meer aangeboden." in body
            assert "Dit leermiddel is uit de gids gehaald." in body
            assert "Lijkt erop:" in body  # similar materials, as the material page finds them
            assert "Zoek vergelijkbare leermiddelen" in body
    api = client.get(f"/api/v1/lists/{read}").get_json()
    assert [i["state"] for i in api["items"]] == ["archived", "deleted"]
    assert api["items"][0]["similar"] and api["items"][0]["material"] is None


def test_a_list_is_answered_by_the_api_by_its_read_token(client, app):
    edit = make_list(client, ["digisterker"])
    read = read_token_of(app, edit)
    change_item(client, edit, item_ids(app, edit)[0], "bewaar", note="In de bibliotheek")
    answer = client.get(f"/api/v1/lists/{read}")
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["url"].endswith(f"/lijst/{read}")
    assert data["items"][0]["note"] == "In de bibliotheek"
    assert data["items"][0]["material"]["url"] == "https://www.digisterker.nl"
    assert client.get(f"/api/v1/lists/{edit}").status_code == 404
    assert client.get("/api/v1/lists/onbekend").get_json()["error"]["status"] == 404


def test_the_handout_has_every_web_address_written_out_and_as_a_qr_code(client, app):
    edit = make_list(client, ["steffie-digid", "digisterker", "doe-je-digiding"])
    read = read_token_of(app, edit)
    body = client.get(f"/lijst/{read}/afdrukken").get_data(as_text=True)
    base = app.config["PUBLIC_BASE_URL"]
    for address in (
        f"{base}/lijst/{read}",
        f"{base}/leermiddel/steffie-digid",
        "https://www.digisterker.nl",
        f"{base}/leermiddel/doe-je-digiding",
    ):
        assert address in body, address
        assert f'aria-label="QR-code van {address}"' in body or address.endswith(read), address
    # One QR code for the list and one per material; each an inline SVG, hidden behind its label.
    assert body.count('class="tp-qr" role="img"') == 4
    assert body.count("<svg") == 4
    for heading in ("Wat is het?", "Voor wie?", "Hoe begin je?", "Wat kost het?", "Waar vind je het?"):
        assert body.count(heading) == 3
    assert "Datum:" in body


def test_the_material_page_and_a_new_list_warn_about_personal_data(client):
    page = client.get("/leermiddel/digisterker").get_data(as_text=True)
    assert 'action="/lijst/zet-op-lijst"' in page and 'name="leermiddel" value="digisterker"' in page
    confirm = put_on_list(client, "digisterker", back="/leermiddel/digisterker", token="").get_data(
        as_text=True
    )
    assert "Zet geen namen of andere persoonsgegevens op de lijst." in confirm
    assert "geen IP-adres" in confirm


def test_an_archived_or_unknown_material_cannot_be_put_on_a_list(client, app):
    with session_factory(app)() as session:
        session.scalar(select(Material).where(Material.slug == "steffie-digid")).status = Status.ARCHIVED
        session.commit()
    assert put_on_list(client, "steffie-digid").status_code == 404
    assert put_on_list(client, "bestaat-niet").status_code == 404
    assert client.get_cookie(COOKIE) is None


def test_a_redirect_back_only_goes_to_this_site(client):
    assert put_on_list(client, "digisterker", back="https://elders.example/").headers["Location"] == (
        "/leermiddel/digisterker"
    )
    assert put_on_list(client, "steffie-digid", back="//elders.example/").headers["Location"] == (
        "/leermiddel/steffie-digid"
    )


def test_the_header_shows_this_devices_list_and_others_get_the_page_unchanged(client, app):
    anonymous = app.test_client()
    before = anonymous.get(SEARCH).get_data()
    make_list(client, ["steffie-digid"])
    mine = client.get(SEARCH).get_data(as_text=True)
    assert 'href="/lijst/mijn"' in mine and "1 leermiddel" in mine
    assert "staat nu op uw advieslijst" in mine  # said once, after adding
    assert "staat nu op uw advieslijst" not in client.get(SEARCH).get_data(as_text=True)
    assert anonymous.get(SEARCH).get_data() == before
    assert client.get("/lijst/mijn").headers["Location"] == f"/lijst/bewerken/{edit_token(client)}"
    # "Begin een nieuwe lijst" forgets it on this device; the next material starts another list.
    assert client.post("/lijst/nieuw", data={"csrf_token": csrf(client)}).status_code == 303
    assert client.get_cookie(COOKIE) is None
    assert "U heeft op dit apparaat nog geen advieslijst." in client.get("/lijst/mijn").get_data(as_text=True)


def test_an_editor_finds_a_list_by_either_link_and_removes_it(client, app):
    from tests.editor.conftest import PASSWORD, make_user

    edit = make_list(client, ["steffie-digid"])
    read = read_token_of(app, edit)
    base = app.config["PUBLIC_BASE_URL"]
    visitor = app.test_client()
    assert visitor.get("/beheer/advieslijsten/").status_code == 302  # to the login page

    make_user(app, "redacteur@example.org")
    editor = app.test_client()
    editor.post(
        "/auth/inloggen",
        data={"email": "redacteur@example.org", "password": PASSWORD, "csrf_token": csrf(editor)},
    )
    for pasted in (
        f"{base}/lijst/{read}",
        f" {base}/lijst/bewerken/{edit}?x=1 ",
        f"{base}/lijst/{read}/afdrukken",
    ):
        found = editor.get("/beheer/advieslijsten/", query_string={"link": pasted}).get_data(as_text=True)
        assert "Steffie legt uit: DigiD" in found and "Verwijder deze lijst" in found, pasted
    missing = editor.get("/beheer/advieslijsten/", query_string={"link": f"{base}/lijst/{'x' * 32}"})
    assert "Geen advieslijst gevonden met deze link." in missing.get_data(as_text=True)

    with session_factory(app)() as session:
        list_id = service.find_for_reading(session, read).id
    removed = editor.post(
        f"/beheer/advieslijsten/{list_id}/verwijderen",
        data={"leeslink_token": read, "csrf_token": csrf(editor)},
    )
    assert removed.status_code == 303
    assert client.get(f"/lijst/{read}").status_code == 404
    assert client.get(f"/lijst/bewerken/{edit}").status_code == 404
    # The maker's browser forgets the removed list at its next page.
    client.get(SEARCH)
    assert client.get_cookie(COOKIE) is None
    with session_factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(AdviceListItem)) == 0
