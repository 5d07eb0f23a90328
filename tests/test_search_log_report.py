"""An editor opens /beheer/zoekopdrachten and sees what searchers did not find, the most searched first,
with links to run each search, to add a synonym for its words or a material with its words as title."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from tests.editor.conftest import PASSWORD, make_user, text_of
from trefpunt.db import session_factory
from trefpunt.searchlog import store
from trefpunt.searchlog.web import recorder, utc_today

TODAY = utc_today()


@pytest.fixture
def app(app):
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 3600
    app.config["WTF_CSRF_ENABLED"] = False  # logging in through the form, as tests/editor does
    make_user(app, "redacteur@example.org", "editor")
    return app  # the app fixture stops its search log recorder, writing what it holds


@pytest.fixture
def editor(app):
    client = app.test_client()
    response = client.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
    assert response.status_code == 302
    return client


def searched(app, day: dt.date, *tallies: tuple[str, str, int, int]) -> None:
    """Store (query, filters, searches, results) for ``day`` as the flusher would."""
    with session_factory(app)() as session:
        store.record(
            session,
            day,
            [store.Tally(q, q.casefold(), f, n, r) for q, f, n, r in tallies],
            max_rows_per_day=100,
        )
        session.commit()


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def items(html: str, heading_id: str) -> list[str]:
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", li)).split())
        for li in re.findall(r"<li>(.*?)</li>", section(html, heading_id), re.S)
    ]


def hrefs(html: str, heading_id: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', section(html, heading_id))]


def test_the_report_needs_an_editor(app):
    response = app.test_client().get("/beheer/zoekopdrachten")
    assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"]


def test_zero_and_few_result_searches_are_ranked_by_how_often_they_were_made(app, editor):
    yesterday = TODAY - dt.timedelta(days=1)
    searched(app, TODAY, ("belastingaangifte", "", 3, 0), ("zeppelin", "", 1, 0), ("digid", "", 40, 12))
    searched(app, yesterday, ("Zeppelin", "", 4, 0), ("bijles", "niveau=a1", 2, 2))
    searched(app, TODAY, ("kookles", "", 2, 1), ("", "niveau=c1&doelgroep=ouders", 6, 0))
    searched(app, TODAY - dt.timedelta(days=60), ("oud", "", 99, 0))  # outside the last 30 days
    html = editor.get("/beheer/zoekopdrachten").get_data(as_text=True)
    zero = items(html, "niets-gevonden")
    assert [z.split(" ")[0] for z in zero] == ["‘zeppelin’", "‘belastingaangifte’"]
    assert zero[0].startswith("‘zeppelin’ 5 keer gezocht · 0 leermiddelen gevonden")
    few = items(html, "weinig-gevonden")
    assert [f.split(" —")[0].split(" ")[0] for f in few] == ["‘bijles’", "‘kookles’"]
    assert "— niveau: A1" in few[0] and "2 leermiddelen gevonden" in few[0]
    assert items(html, "lege-filters")[0].startswith("(zonder zoekwoorden) — niveau: C1; doelgroep: Ouders")
    assert "digid" not in text_of(editor.get("/beheer/zoekopdrachten")).lower().split("gezocht.")[1]
    assert "‘oud’" not in html


def test_each_row_links_to_the_search_and_to_a_prefilled_synonym_and_material(app, editor):
    searched(app, TODAY, ("Belasting aangifte", "niveau=a1", 3, 0), ("", "niveau=c1&doelgroep=ouders", 2, 0))
    html = editor.get("/beheer/zoekopdrachten").get_data(as_text=True)
    run, synonym, material = hrefs(html, "niets-gevonden")
    assert run == "/zoeken?q=Belasting+aangifte&niveau=a1"
    assert synonym == "/beheer/synoniemen/nieuw?zoekwoord=Belasting+aangifte"
    assert material == "/beheer/nieuw?titel=Belasting+aangifte"
    assert editor.get(run).status_code == 200  # canonical: no redirect
    form = editor.get(synonym).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="phrase"[^>]*value="Belasting aangifte"', form) or re.search(
        r'<input[^>]*value="Belasting aangifte"[^>]*name="phrase"', form
    )
    new = editor.get(material).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="title"[^>]*value="Belasting aangifte"', new) or re.search(
        r'value="Belasting aangifte"[^>]*id="title"', new
    )
    filters_only = hrefs(html, "lege-filters")
    assert filters_only == ["/zoeken?niveau=c1&doelgroep=ouders", "/beheer/nieuw"]


def test_a_masked_query_offers_no_synonym_or_material(app, editor):
    searched(app, TODAY, ("[e-mailadres] inloggen", "", 2, 0))
    html = editor.get("/beheer/zoekopdrachten").get_data(as_text=True)
    assert hrefs(html, "niets-gevonden") == ["/zoeken?q=%5Be-mailadres%5D+inloggen"]


def test_a_search_found_since_leaves_the_zero_list(app, editor):
    """Its highest result count over the period decides: once a synonym finds something, it moves up."""
    searched(app, TODAY - dt.timedelta(days=2), ("ziekenhuisbezoek", "", 5, 0))
    searched(app, TODAY, ("ziekenhuisbezoek", "", 1, 2))
    html = editor.get("/beheer/zoekopdrachten").get_data(as_text=True)
    assert items(html, "niets-gevonden") == []
    assert items(html, "weinig-gevonden")[0].startswith("‘ziekenhuisbezoek’ 6 keer gezocht")


def test_the_period_can_be_chosen_and_a_bad_date_is_explained(app, editor):
    searched(app, TODAY - dt.timedelta(days=60), ("oud", "", 9, 0))
    earlier = (TODAY - dt.timedelta(days=70)).isoformat()
    html = editor.get(f"/beheer/zoekopdrachten?van={earlier}").get_data(as_text=True)
    assert items(html, "niets-gevonden")[0].startswith("‘oud’ 9 keer gezocht")
    assert f'value="{earlier}"' in html
    bad = editor.get("/beheer/zoekopdrachten?van=gisteren")
    assert bad.status_code == 422
    assert "Van: geef een datum als 2026-11-29" in text_of(bad)
    reversed_ = editor.get(f"/beheer/zoekopdrachten?van={TODAY.isoformat()}&tot={earlier}")
    assert "De begindatum ligt na de einddatum" in text_of(reversed_)


def test_the_report_escapes_what_searchers_typed(app, editor):
    searched(app, TODAY, ('<script>alert("x")</script>', "", 1, 0))
    html = editor.get("/beheer/zoekopdrachten").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_search_on_the_public_site_shows_up_in_the_report(app, editor):
    visitor = app.test_client()
    visitor.get("/zoeken?q=zeppelinvaart")
    visitor.get("/zoeken?q=zeppelinvaart")
    recorder(app).flush()
    page = editor.get("/beheer/zoekopdrachten")
    assert items(page.get_data(as_text=True), "niets-gevonden")[0].startswith(
        "‘zeppelinvaart’ 2 keer gezocht"
    )
    assert 'href="/beheer/zoekopdrachten"' in page.get_data(as_text=True)  # in the editors' menu


def test_the_report_speaks_english_too(app, editor):
    searched(app, TODAY, ("zeppelin", "", 1, 0))
    page = text_of(editor.get("/beheer/zoekopdrachten?lang=en"))
    assert "What searchers do not find" in page and "Add synonym" in page
