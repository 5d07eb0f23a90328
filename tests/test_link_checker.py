"""The link checker's stories over the catalogue database (SQLite and PostgreSQL), against a website on
127.0.0.1 that answers 200, redirects (chains and a loop), 404, 410, 500, slowly, without HEAD, and a
closed port. Every other address in the catalogue is blanked first: nothing in these tests leaves the
machine."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date
from link_server import Site, closed_port
from public_html import dom, visit
from sqlalchemy import select, update

from trefpunt.auth.services import create_user
from trefpunt.catalog.models import Material, Revision, Status, utcnow
from trefpunt.cli import links_check
from trefpunt.db import session_factory
from trefpunt.links.checker import forget_before
from trefpunt.links.models import LinkCheck

PASSWORD = "correct paard batterij"
PATHS = {
    "werkt": "/ok",
    "verhuisd": "/oud",
    "kring": "/lus-a",
    "weg": "/weg",
    "verdwenen": "/verdwenen",
    "kapot": "/kapot",
    "traag": "/traag",
    "geen-head": "/geen-head",
    "ook-werkt": "/ok",
}


@pytest.fixture(scope="module")
def site():
    with Site() as running:
        yield running


@pytest.fixture
def app(app):
    app.config.update(
        LINK_CHECK_PRIVATE_NETWORKS=["127.0.0.0/8"],
        LINK_CHECK_CONNECT_TIMEOUT=1,
        LINK_CHECK_READ_TIMEOUT=0.5,
        LINK_CHECK_HOST_PAUSE=0.01,
        LINK_CHECK_CONTACT="linkcontrole@example.nl",
        PUBLIC_BASE_URL="https://trefpunt.example.nl",
        WTF_CSRF_ENABLED=False,
    )
    return app


@pytest.fixture
def materials(app, site):
    """Slug per role in PATHS (plus "dicht": a closed port), each pointing at the local site; every other
    material's address blanked, so a run can only visit 127.0.0.1."""
    with session_factory(app)() as session:
        slugs = session.scalars(
            select(Material.slug)
            .where(Material.status == Status.PUBLISHED)
            .order_by(Material.slug)
            .limit(len(PATHS) + 1)
        ).all()
        roles = dict(zip([*PATHS, "dicht"], slugs, strict=True))
        table = Material.__table__
        session.execute(update(table).values(url=""))
        for role, slug in roles.items():
            url = f"http://127.0.0.1:{closed_port()}/" if role == "dicht" else site.url + PATHS[role]
            session.execute(update(table).where(table.c.slug == slug).values(url=url))
        session.commit()
    return roles


def run_check(app, *args):
    return app.test_cli_runner().invoke(links_check, list(args))


def checks_of(app, slug) -> list[LinkCheck]:
    with session_factory(app)() as session:
        material = session.scalar(select(Material).where(Material.slug == slug))
        return list(
            session.scalars(
                select(LinkCheck).where(LinkCheck.material_id == material.id).order_by(LinkCheck.id)
            )
        )


def material(app, slug) -> Material:
    with session_factory(app)() as session:
        return session.scalar(select(Material).where(Material.slug == slug))


def today_in_dutch() -> str:
    return format_date(utcnow().date(), "long", locale="nl")


def test_a_run_visits_every_address_once_and_keeps_what_answered(app, site, materials):
    versions = {slug: material(app, slug).version for slug in materials.values()}
    site.requests.clear()
    result = run_check(app)
    assert result.exit_code == 1, result.output  # some links are broken
    summary = result.output.strip().splitlines()[-1]
    assert summary == "9 adressen gecontroleerd: 2 werkt, 1 verhuisd, 6 kapot."
    assert f"kapot (404): {site.url}/weg\n" in result.output
    assert f"kapot (timeout): {site.url}/traag\n" in result.output
    assert f"verhuisd (301): {site.url}/oud -> {site.url}/nieuw\n" in result.output

    # Two materials share /ok: one visit, a check for each.
    assert site.paths().count("/ok") == 1
    assert {r["user_agent"] for r in site.requests} == {
        "Trefpunt-linkcontrole/1.0 (+https://trefpunt.example.nl; linkcontrole@example.nl)"
    }
    found = {role: checks_of(app, slug) for role, slug in materials.items()}
    assert all(len(checks) == 1 for checks in found.values())
    latest = {role: checks[0] for role, checks in found.items()}
    assert {role: (c.outcome, c.status_code, c.error_kind) for role, c in latest.items()} == {
        "werkt": ("ok", 200, ""),
        "ook-werkt": ("ok", 200, ""),
        "verhuisd": ("moved", 200, ""),
        "kring": ("broken", 301, "redirect_loop"),
        "weg": ("broken", 404, ""),
        "verdwenen": ("broken", 410, ""),
        "kapot": ("broken", 500, ""),
        "traag": ("broken", None, "timeout"),
        "geen-head": ("ok", 200, ""),
        "dicht": ("broken", None, "refused"),
    }
    moved = latest["verhuisd"]
    assert moved.final_url == moved.moved_to == site.url + "/nieuw"
    assert [(h["url"].removeprefix(site.url), h["status"]) for h in moved.hops] == [
        ("/oud", 301),
        ("/tussen", 301),
        ("/nieuw", 200),
    ]
    assert all(abs(c.checked_at - utcnow()) < dt.timedelta(minutes=1) for c in latest.values())

    # The day a working address was last found working; versions untouched (no editor form goes stale).
    for role, slug in materials.items():
        stored = material(app, slug)
        assert stored.version == versions[slug], role
        expected = utcnow().date() if role in ("werkt", "ook-werkt", "verhuisd", "geen-head") else None
        assert stored.link_checked_on == expected, role


def test_runs_keep_a_history_and_only_due_skips_what_was_checked_recently(app, site, materials):
    assert run_check(app, "--only-due").exit_code == 1
    again = run_check(app, "--only-due")
    assert again.exit_code == 0
    assert again.output.strip().splitlines()[-1] == "0 adressen gecontroleerd."
    everything = run_check(app, "--older-than", "0m")
    assert "9 adressen gecontroleerd" in everything.output
    assert [c.outcome for c in checks_of(app, materials["weg"])] == ["broken", "broken"]

    # An address changed since its last check is due at once.
    with session_factory(app)() as session:
        table = Material.__table__
        session.execute(update(table).where(table.c.slug == materials["weg"]).values(url=site.url + "/ok"))
        session.commit()
    due = run_check(app, "--only-due", "--older-than", "12h")
    assert due.exit_code == 0 and due.output.strip() == "1 adressen gecontroleerd: 1 werkt."


def test_one_material_can_be_checked_by_its_slug_and_bad_options_are_refused(app, site, materials):
    result = run_check(app, "--slug", materials["werkt"])
    assert result.exit_code == 0 and result.output.strip() == "1 adressen gecontroleerd: 1 werkt."
    assert checks_of(app, materials["ook-werkt"]) == []
    unknown = run_check(app, "--slug", "bestaat-niet")
    assert unknown.exit_code == 2 and "geen leermiddel met slug 'bestaat-niet'" in unknown.output
    bad = run_check(app, "--older-than", "een week")
    assert bad.exit_code == 2 and "schrijf bijvoorbeeld 90m, 12h of 7d" in bad.output


def test_the_material_page_says_when_the_link_was_checked(app, client, site, materials):
    slug = materials["werkt"]
    page = visit(client, f"/leermiddel/{slug}")
    assert "Link gecontroleerd" not in page.text  # never checked: nothing claimed
    run_check(app, "--slug", slug)
    page = visit(client, f"/leermiddel/{slug}")
    assert page.one("span", cls="tp-material__checked").text == f"Link gecontroleerd op {today_in_dutch()}"
    english = visit(client, f"/leermiddel/{slug}?lang=en")
    day = format_date(utcnow().date(), "long", locale="en")
    assert english.one("span", cls="tp-material__checked").text == f"Link checked on {day}"
    api = client.get(f"/api/v1/materials/{slug}").get_json()
    assert api["link_checked_on"] == utcnow().date().isoformat()


def test_a_calm_warning_only_after_two_failed_checks_in_a_row(app, client, site, materials):
    slug = materials["weg"]
    run_check(app, "--slug", slug)
    page = visit(client, f"/leermiddel/{slug}")
    assert not page.has(id="link-werkt-niet"), "one failure may be a blip: no warning yet"
    run_check(app, "--slug", slug)
    page = visit(client, f"/leermiddel/{slug}")
    warning = page.by_id("link-werkt-niet").text
    assert warning.startswith(
        f"Bij de laatste 2 controles, de laatste op {today_in_dutch()}, gaf deze website"
    )
    assert "vraag ernaar in de bibliotheek" in warning
    english = visit(client, f"/leermiddel/{slug}?lang=en").by_id("link-werkt-niet").text
    assert english.startswith("At the last 2 checks")

    # Fixed by the provider: the next check works and the warning is gone.
    with session_factory(app)() as session:
        table = Material.__table__
        session.execute(update(table).where(table.c.slug == slug).values(url=site.url + "/ok"))
        session.commit()
    run_check(app, "--slug", slug)
    page = visit(client, f"/leermiddel/{slug}?lang=nl")
    assert not page.has(id="link-werkt-niet")
    assert page.one("span", cls="tp-material__checked").text == f"Link gecontroleerd op {today_in_dutch()}"


def log_in(app, client, email="redacteur@example.org"):
    with session_factory(app)() as session:
        create_user(session, email, PASSWORD, "editor", "Rik Redacteur")
        session.commit()
    response = client.post("/auth/inloggen", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302


def form_data(page) -> dict:
    """What the editor's form would send as it stands."""
    form = page.one("form", id="materiaal-formulier") if page.has("form", id="materiaal-formulier") else None
    form = form or next(f for f in page.all("form") if f.has("input", name="version"))
    data: dict = {}
    for field in form.all("input"):
        kind, name = field.get("type", "text"), field.get("name")
        if not name or (kind in ("checkbox", "radio") and "checked" not in field.attrs):
            continue
        if kind == "submit":
            continue
        data.setdefault(name, []).append(field.get("value", ""))
    for area in form.all("textarea"):
        data[area["name"]] = [area.text]
    for select_ in form.all("select"):
        chosen = [o.get("value", o.text) for o in select_.all("option") if "selected" in o.attrs]
        if chosen:
            data[select_["name"]] = chosen
    return data


def test_an_editors_open_form_still_saves_after_a_link_check(app, client, site, materials):
    slug = materials["werkt"]
    log_in(app, client)
    page = dom(client.get(f"/beheer/leermiddel/{slug}"))
    data = form_data(page)
    run_check(app)  # the nightly run happens while the form is open
    data["summary"] = ["Na de linkcontrole bijgewerkt."]
    response = client.post(f"/beheer/leermiddel/{slug}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert material(app, slug).summary == "Na de linkcontrole bijgewerkt."
    # The address did not change, so the day it was found working stays.
    assert material(app, slug).link_checked_on == utcnow().date()


def test_changing_the_address_forgets_when_the_old_one_was_checked(app, client, site, materials):
    from trefpunt.catalog.services import lock_material, record_of, update_material
    from trefpunt.catalog.vocabulary import load_vocabulary

    slug = materials["werkt"]
    run_check(app, "--slug", slug)
    assert material(app, slug).link_checked_on is not None
    with session_factory(app)() as session:
        stored = lock_material(session, slug)
        record = record_of(stored, load_vocabulary(session))
        record.url = "https://example.org/elders"
        update_material(session, stored, record, author="test", vocabulary=load_vocabulary(session))
        session.commit()
    assert material(app, slug).link_checked_on is None
    assert "Link gecontroleerd" not in visit(client, f"/leermiddel/{slug}").text


def test_editors_see_broken_and_moved_links_and_take_over_the_new_address(app, client, site, materials):
    run_check(app)
    log_in(app, client)
    page = visit(client, "/beheer/links")
    broken = page.by_id("links-broken").parent
    titles = [a.text for a in broken.all("h3")]
    assert len(titles) == 6
    weg = next(li for li in broken.all("li", cls="link-problem") if site.url + "/weg" in li.text)
    assert "404 niet gevonden" in weg.text and f"Zo sinds {today_in_dutch()}" in weg.text
    assert "verbinding geweigerd" in broken.text and "geen antwoord binnen de tijd" in broken.text
    assert "doorverwijzingen in een kring" in broken.text
    moved_section = page.by_id("links-moved").parent
    (moved,) = moved_section.all("li", cls="link-problem")
    assert f"Nieuw adres {site.url}/nieuw" in moved.text
    form = moved.one("form")
    fields = {i["name"]: i["value"] for i in form.all("input")}

    slug = materials["verhuisd"]
    before = material(app, slug)
    response = client.post(form["action"], data=fields)
    assert response.status_code == 302 and response.headers["Location"].endswith("/beheer/links")
    after = material(app, slug)
    assert after.url == site.url + "/nieuw" and after.version == before.version + 1
    with session_factory(app)() as session:
        revision = session.scalars(
            select(Revision).where(Revision.material_id == after.id).order_by(Revision.number.desc())
        ).first()
        assert revision.changed_fields == ["url"] and "linkcontrole" in revision.note
        assert revision.author == "redacteur@example.org"
    page = visit(client, "/beheer/links")
    assert "is nu " + site.url + "/nieuw" in page.one(cls="flashes").text
    assert page.by_id("links-moved").parent.all("li", cls="link-problem") == []

    # The same click again (a second tab): the suggestion is gone, nothing changes.
    again = client.post(form["action"], data=fields, follow_redirects=True)
    assert "intussen gewijzigd of opnieuw gecontroleerd" in dom(again).one(cls="flashes").text
    assert material(app, slug).version == after.version


def test_a_stale_page_cannot_take_over_an_address(app, client, site, materials):
    run_check(app)
    log_in(app, client)
    moved = visit(client, "/beheer/links").by_id("links-moved").parent.one("li", cls="link-problem")
    form = moved.one("form")
    fields = {i["name"]: i["value"] for i in form.all("input")}
    slug = materials["verhuisd"]
    with session_factory(app)() as session:
        from trefpunt.catalog.services import lock_material, record_of, update_material
        from trefpunt.catalog.vocabulary import load_vocabulary

        stored = lock_material(session, slug)
        record = record_of(stored, load_vocabulary(session))
        record.summary = "Intussen door een ander bewerkt."
        update_material(session, stored, record, author="ander", vocabulary=load_vocabulary(session))
        session.commit()
    response = client.post(form["action"], data=fields, follow_redirects=True)
    assert "intussen gewijzigd" in dom(response).one(cls="flashes").text
    assert material(app, slug).url == site.url + "/oud"


def test_taking_over_an_address_needs_the_csrf_token(app, client, site, materials):
    run_check(app)
    log_in(app, client)
    app.config["WTF_CSRF_ENABLED"] = True
    page = visit(client, "/beheer/links")
    form = page.by_id("links-moved").parent.one("form")
    fields = {i["name"]: i["value"] for i in form.all("input")}
    assert fields["csrf_token"]
    refused = client.post(form["action"], data={k: v for k, v in fields.items() if k != "csrf_token"})
    assert refused.status_code == 400
    assert material(app, materials["verhuisd"]).url.endswith("/oud")
    assert client.post(form["action"], data=fields).status_code == 302
    assert material(app, materials["verhuisd"]).url.endswith("/nieuw")


def test_the_links_page_is_for_editors_only(app, client):
    response = client.get("/beheer/links")
    assert response.status_code == 302 and "/auth/inloggen" in response.headers["Location"]
    assert client.post("/beheer/links/oefenen-nl/nieuw-adres").status_code in (302, 400)


def test_old_checks_are_forgotten_but_each_materials_latest_is_kept(app, site, materials):
    run_check(app, "--slug", materials["weg"])
    run_check(app, "--slug", materials["weg"])
    with session_factory(app)() as session:
        assert forget_before(session, utcnow() + dt.timedelta(days=1)) == 1
        session.commit()
    assert len(checks_of(app, materials["weg"])) == 1


def test_the_readme_shows_a_nightly_cron_line_and_a_systemd_timer():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\s*30 3 \* +\* +\* .*trefpunt links check --only-due$", readme, re.M)
    assert "OnCalendar=" in readme and "ExecStart=/srv/trefpunt/.venv/bin/trefpunt links check" in readme


def test_migration_0008_makes_the_table_the_model_describes_and_takes_it_away_again(
    backend, tmp_path, request
):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from conftest import new_pg_database
    from sqlalchemy import inspect

    from trefpunt import migrations
    from trefpunt.catalog.models import Base
    from trefpunt.db import make_engine

    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}" if backend == "sqlite" else new_pg_database(request)
    migrations.upgrade(url, "0008")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [
                d
                for d in compare_metadata(context, Base.metadata)
                if "link_checks" in repr(d) and not repr(d).startswith("('remove_table'")
            ]
            assert differences == []
            indexes = {i["name"] for i in inspect(connection).get_indexes("link_checks")}
            assert {"ix_link_checks_material_latest", "ix_link_checks_checked_at"} <= indexes
        command.downgrade(migrations.alembic_config(url), "0007")
        assert not inspect(engine).has_table("link_checks")
        migrations.upgrade(url, "0008")
        assert inspect(engine).has_table("link_checks")
    finally:
        engine.dispose()
