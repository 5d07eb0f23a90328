"""Searches on the public search page are counted per day without anything about who searched: the
words (with e-mail addresses and numbers masked), the filters, the number found. Counted in memory and
written in batches, cached answers included; kept for SEARCH_LOG_DAYS days."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from tests.editor.conftest import PASSWORD, make_user
from trefpunt import searchlog
from trefpunt.cli import main
from trefpunt.db import session_factory
from trefpunt.searchlog import privacy, store
from trefpunt.searchlog.models import SearchLogEntry
from trefpunt.searchlog.web import EXTENSION_KEY, RESULTS_HEADER, recorder
from trefpunt.web_search import EXTENSION_KEY as PAGE_CACHE
from trefpunt.worker import work_once

DAY = dt.date(2026, 11, 20)

# Every column the log stores, and why it may. A column added later fails
# test_the_log_stores_only_these_columns until it is judged here.
JUDGED_COLUMNS = {
    "id": "a row number",
    "day": "the calendar day, no time",
    "query": "the words searched, masked",
    "query_key": "the same, case folded, to group by",
    "filters": "the chosen filters as URL parameters",
    "combination": "a hash of query_key and filters",
    "searches": "how often that day",
    "results": "how many materials it found",
}
VISITOR = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "Mozilla/5.0 (Bezoeker-Browser 9.9)",
}


@pytest.fixture
def app(app):
    # The tests flush themselves, on a day they choose; the background thread waits an hour.
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 3600
    app.config["WTF_CSRF_ENABLED"] = False  # an editor logs in through the form in one story
    return app  # the app fixture stops its search log recorder, writing what it holds


def rows(app) -> list[SearchLogEntry]:
    with session_factory(app)() as session:
        return list(session.scalars(select(SearchLogEntry).order_by(SearchLogEntry.query_key)))


def logged(app) -> dict[tuple[str, str], tuple[int, int]]:
    """(query as typed, filters) -> (searches, results), over all days."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows(app):
        searches, results = found.get((row.query, row.filters), (0, 0))
        found[(row.query, row.filters)] = (searches + row.searches, row.results)
    return found


def flush(app, day: dt.date = DAY):
    return recorder(app).flush(today=day)


# -- what is stored ---------------------------------------------------------------------------------


def test_the_log_stores_only_these_columns(app):
    columns = sa.inspect(session_factory(app).kw["bind"]).get_columns("search_log")
    assert {c["name"] for c in columns} == set(JUDGED_COLUMNS)
    types = {c["name"]: c["type"] for c in columns}
    assert isinstance(types["day"], sa.Date) and not isinstance(types["day"], sa.DateTime)
    assert not any(isinstance(t, sa.DateTime | sa.Time | sa.Interval) for t in types.values())


def test_nothing_about_the_searcher_is_stored(app):
    client = app.test_client()
    client.set_cookie("bezoeker", "koekje-42")
    client.get("/zoeken?q=zeppelin", environ_base=VISITOR)
    client.get("/zoeken?q=digid", environ_base=VISITOR, headers={"Cookie": "sessie=geheim-sessie-77"})
    flush(app)
    with session_factory(app)() as session:
        stored = session.execute(sa.text("SELECT * FROM search_log")).mappings().all()
    assert len(stored) == 2
    values = " ".join(str(v) for row in stored for v in row.values())
    for personal in ("203.0.113.77", "Bezoeker-Browser", "koekje-42", "geheim-sessie-77", "sessie"):
        assert personal not in values
    # The day, and no time of day anywhere: nothing that looks like hh:mm.
    assert {row["day"] for row in stored} in ({DAY}, {DAY.isoformat()})
    assert not re.search(r"\d{1,2}:\d{2}", values)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("jan.jansen@example.nl inloggen", "[e-mailadres] inloggen"),
        ("06-12345678 bellen", "[nummer] bellen"),
        ("+31 6 1234 5678", "[nummer]"),
        ("(020) 123 45 67", "[nummer]"),
        ("bsn 123456789", "bsn [nummer]"),
        ("NL91 ABNA 0417 1643 00", "[rekeningnummer]"),
        ("taalcafé 1234 AB", "taalcafé [postcode]"),
        ("rekenen 2F digid 2024", "rekenen 2F digid 2024"),
        ("nt2 a1 a2 b1", "nt2 a1 a2 b1"),
    ],
)
def test_personal_looking_parts_of_a_query_are_masked(typed, kept):
    assert privacy.mask_personal(typed) == kept


def test_a_searched_e_mail_address_or_bsn_never_reaches_the_database(app):
    client = app.test_client()
    client.get("/zoeken?q=piet%40voorbeeld.nl")
    client.get("/zoeken?q=123456789")
    client.get("/zoeken?q=Piet%40Voorbeeld.nl")
    flush(app)
    found = logged(app)
    assert set(found) == {("[e-mailadres]", ""), ("[nummer]", "")}
    assert (found[("[e-mailadres]", "")][0], found[("[nummer]", "")][0]) == (2, 1)
    values = " ".join(f"{r.query} {r.query_key} {r.filters}" for r in rows(app))
    assert "voorbeeld" not in values.lower() and "123456789" not in values


# -- what counts as a search ------------------------------------------------------------------------


def test_every_public_search_counts_cached_or_not_grouped_per_day(app):
    client = app.test_client()
    for _ in range(3):
        client.get("/zoeken?q=Zeppelin")  # the first fills the page cache, the others are served from it
    assert any(key[0] == "/zoeken" and key[1] == b"q=Zeppelin" for key in app.extensions[PAGE_CACHE])
    client.get("/zoeken?q=zeppelin")
    client.get("/zoeken?q=zeppelin", headers={"X-Trefpunt-Fragment": "1"})  # the live update
    client.get("/zoeken?q=digid&sorteer=titel")
    flush(app)
    client.get("/zoeken?q=zeppelin")
    flush(app)  # the same day: added to the same row
    client.get("/zoeken?q=zeppelin")
    flush(app, DAY + dt.timedelta(days=1))
    by_day = {(r.day, r.query_key): (r.query, r.searches, r.results) for r in rows(app)}
    digid = next(r for r in rows(app) if r.query_key == "digid")
    assert by_day[(DAY, "zeppelin")] == ("Zeppelin", 6, 0)
    assert by_day[(DAY + dt.timedelta(days=1), "zeppelin")] == ("zeppelin", 1, 0)
    assert digid.results > 0 and digid.searches == 1
    assert len(by_day) == 3


def test_filters_are_kept_canonically_and_by_their_keys(app):
    client = app.test_client()
    client.get("/zoeken?doelgroep=ouders&niveau=c1")  # not canonical: redirected, not counted
    client.get("/zoeken?niveau=c1&doelgroep=ouders")
    client.get("/zoeken?q=rekenen&niveau=a1")
    flush(app)
    found = logged(app)
    assert set(found) == {("", "niveau=c1&doelgroep=ouders"), ("rekenen", "niveau=a1")}
    assert found[("", "niveau=c1&doelgroep=ouders")][0] == 1


def test_what_is_not_a_public_search_is_not_counted(app):
    make_user(app, "redacteur@example.org", "editor")
    client = app.test_client()
    client.get("/zoeken")  # the search page, nothing asked
    client.get("/zoeken?q=rekenen&pagina=2")  # a further page of a search already counted
    client.get("/api/v1/materials?q=zeppelin")  # programs, not searchers (see README)
    client.get("/zoeken/aanbieders?q=zeppelin")
    editor = app.test_client()
    editor.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
    editor.get("/zoeken?q=proefje")  # an editor trying the search out
    assert flush(app) == store.Recorded(0, 0)
    assert rows(app) == []


def test_hostile_query_strings_are_stored_cleanly(app):
    counter = recorder(app).counter
    for query_string in (
        b"q=a%00b",  # a NUL, which PostgreSQL refuses in text
        b"q=%ff%fe%80",  # not UTF-8
        b"q=" + b"123456+a+" * 25,  # a query the masking makes longer than the 200 the search allows
        b"q=x&aanbieder=" + b"&aanbieder=".join(b"p%d" % n for n in range(300)),  # far too many filters
        b"q=%E2%80%AE%E2%80%8Bstil",  # direction and zero-width characters
    ):
        counter.count(query_string, 0)
    flush(app)
    stored = {r.query: r for r in rows(app)}
    assert "a b" in stored and "stil" in stored
    assert all(len(r.query) <= 200 and "\x00" not in r.query for r in stored.values())
    assert set(stored) == {"a b", "\ufffd\ufffd\ufffd", "stil", "x", stored_number(stored)}
    assert stored["x"].filters.count("aanbieder=") == 50  # as many as the search itself reads
    assert len(stored_number(stored)) == 200


def stored_number(stored) -> str:
    return next(q for q in stored if q.startswith("[nummer]"))


def test_the_results_header_stays_inside(app):
    client = app.test_client()
    for _ in range(2):
        response = client.get("/zoeken?q=digid")
        assert RESULTS_HEADER not in response.headers


def test_logging_switched_off_counts_nothing(app):
    app.config["SEARCH_LOG_DAYS"] = 0
    app.test_client().get("/zoeken?q=zeppelin")
    assert EXTENSION_KEY not in app.extensions


# -- writing in batches -----------------------------------------------------------------------------


def test_the_background_thread_writes_the_counts_within_its_interval(app):
    app.config["SEARCH_LOG_FLUSH_SECONDS"] = 0.2
    app.test_client().get("/zoeken?q=zeppelin")
    deadline = time.monotonic() + 5
    while not rows(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [(r.query, r.searches) for r in rows(app)] == [("zeppelin", 1)]


def test_enough_searches_wake_the_thread_before_its_interval(app):
    app.config["SEARCH_LOG_FLUSH_SEARCHES"] = 3
    client = app.test_client()
    for _ in range(3):
        client.get("/zoeken?q=zeppelin")
    deadline = time.monotonic() + 5
    while not rows(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r.searches for r in rows(app)] == [3]


def test_stopping_the_process_writes_what_was_counted(app):
    app.test_client().get("/zoeken?q=zeppelin")
    recorder(app).stop()  # what atexit does
    assert [(r.query, r.searches) for r in rows(app)] == [("zeppelin", 1)]


def test_counts_a_failed_write_could_not_store_wait_for_the_next(app, monkeypatch):
    app.test_client().get("/zoeken?q=zeppelin")

    def database_gone(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is away"))

    monkeypatch.setattr(store, "record", database_gone)
    with pytest.raises(sa.exc.OperationalError):
        flush(app)
    monkeypatch.undo()
    flush(app)
    assert [(r.query, r.searches) for r in rows(app)] == [("zeppelin", 1)]


def test_a_crawler_cannot_fill_the_log(app):
    app.config["SEARCH_LOG_MAX_NEW_PER_FLUSH"] = 5
    app.config["SEARCH_LOG_MAX_ROWS_PER_DAY"] = 8
    client = app.test_client()
    client.get("/zoeken?q=digid")
    for n in range(20):  # twenty different searches before one write: only five are held
        client.get(f"/zoeken?q=woord{n}")
    client.get("/zoeken?q=digid")  # a search already held still counts
    flush(app)
    assert len(rows(app)) == 5 and logged(app)[("digid", "")][0] == 2
    client.get("/zoeken?q=digid")
    for n in range(20, 30):  # digid and four new ones are held; four new would make nine rows
        client.get(f"/zoeken?q=woord{n}")
    recorded = flush(app)
    assert len(rows(app)) == 8  # the day is full; the rest is refused
    assert recorded.refused == 1 and logged(app)[("digid", "")][0] == 3
    flush(app, DAY + dt.timedelta(days=1))  # nothing new: nothing to write
    client.get("/zoeken?q=woord99")
    flush(app, DAY + dt.timedelta(days=1))
    assert len(rows(app)) == 9  # a new day has room again


# -- retention ---------------------------------------------------------------------------------------


def store_days(app, *days: dt.date) -> None:
    with session_factory(app)() as session:
        for day in days:
            store.record(session, day, [store.Tally("rekenen", "rekenen", "", 1, 4)], max_rows_per_day=10)
        session.commit()


def test_days_older_than_the_retention_are_purged(app):
    app.config["SEARCH_LOG_DAYS"] = 30
    today = dt.date(2026, 11, 29)
    store_days(app, today, today - dt.timedelta(days=29), today - dt.timedelta(days=30), dt.date(2025, 1, 1))
    assert searchlog.purge_old_days(app, today) == 2
    assert sorted(r.day for r in rows(app)) == [today - dt.timedelta(days=29), today]


def test_the_command_and_the_worker_purge(app):
    app.config["SEARCH_LOG_DAYS"] = 7
    today = dt.datetime.now(dt.UTC).date()
    store_days(app, today, today - dt.timedelta(days=7))
    result = app.test_cli_runner().invoke(main, ["searchlog", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 regels ouder dan 7 dagen verwijderd" in result.output
    store_days(app, today - dt.timedelta(days=8))
    work_once(app)
    assert [r.day for r in rows(app)] == [today]
    store_days(app, today - dt.timedelta(days=9))
    work_once(app)  # the worker purges once an hour, not every round
    assert len(rows(app)) == 2


def test_switching_the_log_off_deletes_what_it_held(app):
    store_days(app, DAY)
    app.config["SEARCH_LOG_DAYS"] = 0
    assert searchlog.purge_old_days(app, DAY) == 1
    with session_factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(SearchLogEntry)) == 0
