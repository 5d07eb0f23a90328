"""An editor opens the link check page after the nightly run, sees what is broken and what moved, and
takes over a new address with one click; the page passes axe in Dutch and English, also at 320 px."""

from __future__ import annotations

import pytest
from link_server import Site, closed_port
from sqlalchemy import select, update

from trefpunt.catalog.models import Material, Status
from trefpunt.cli import links_check
from trefpunt.db import session_factory

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user

PATHS = {"weg": "/weg", "verhuisd": "/oud", "werkt": "/ok", "robots": "/robots-niet"}


@pytest.fixture
def site():
    with Site() as running:
        yield running


@pytest.fixture
def checked(app, site):
    """The nightly run has visited four materials' addresses on the local site (every other address
    blanked: nothing leaves the machine) and one on a closed port."""
    app.config.update(LINK_CHECK_PRIVATE_NETWORKS=["127.0.0.0/8"], LINK_CHECK_HOST_PAUSE=0)
    with session_factory(app)() as session:
        slugs = session.scalars(
            select(Material.slug).where(Material.status == Status.PUBLISHED).order_by(Material.slug).limit(5)
        ).all()
        roles = dict(zip([*PATHS, "dicht"], slugs, strict=True))
        table = Material.__table__
        session.execute(update(table).values(url=""))
        for role, slug in roles.items():
            url = f"http://127.0.0.1:{closed_port()}/" if role == "dicht" else site.url + PATHS[role]
            session.execute(update(table).where(table.c.slug == slug).values(url=url))
        session.commit()
    result = app.test_cli_runner().invoke(links_check, [])
    assert result.exit_code == 1, result.output
    return roles


def test_an_editor_takes_over_a_moved_address_with_one_click(app, live_server, page, site, checked):
    base = live_server.url
    make_user(app, "rik@example.org", "editor", "Rik")
    log_in(page, base, "rik@example.org")
    page.get_by_role("link", name="Linkcontrole").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Linkcontrole"

    broken = page.locator("section", has=page.get_by_role("heading", name="Kapotte links"))
    assert broken.locator("li.link-problem").count() == 2
    assert "404 niet gevonden" in broken.inner_text() and "verbinding geweigerd" in broken.inner_text()
    refusing = page.locator("section", has=page.get_by_role("heading", name="Sites die de controle weigeren"))
    assert "403 geen toegang" in refusing.inner_text()
    moved = page.locator("section", has=page.get_by_role("heading", name="Verhuisde links"))
    assert f"{site.url}/nieuw" in moved.inner_text()
    assert axe_violations(page) == [], "link check page"
    screenshot(page, "editor-links-nl")

    moved.get_by_role("button", name="Nieuw adres overnemen").click()
    assert f"is nu {site.url}/nieuw" in page.locator(".flashes").inner_text()
    assert (
        page.locator("section", has=page.get_by_role("heading", name="Verhuisde links"))
        .locator("li.link-problem")
        .count()
        == 0
    )
    with session_factory(app)() as session:
        stored = session.scalar(select(Material).where(Material.slug == checked["verhuisd"]))
        assert stored.url == f"{site.url}/nieuw"

    # The history of the material shows the change as a revision by Rik.
    page.goto(f"{base}/beheer/leermiddel/{checked['verhuisd']}/geschiedenis")
    assert (
        "webadres bijgewerkt naar het nieuwe adres (linkcontrole)"
        in page.locator("table.revisions").inner_text()
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_link_check_page_is_accessible_at_every_width(app, live_server, open_page, checked, language):
    make_user(app, "rik@example.org", "editor", "Rik")
    page = open_page()
    log_in(page, live_server.url, "rik@example.org")
    page.goto(f"{live_server.url}/beheer/links?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == [], language
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 320, f"sideways scrolling at 320 px ({wide} px)"
    assert axe_violations(page) == [], f"{language} at 320 px"
    screenshot(page, f"editor-links-{language}-320")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_calm_warning_on_a_material_page_is_accessible(app, live_server, open_page, checked, language):
    # A second night with the same answer: two failures in a row, so the public page warns.
    assert app.test_cli_runner().invoke(links_check, ["--slug", checked["weg"]]).exit_code == 1
    page = open_page()
    page.goto(f"{live_server.url}/leermiddel/{checked['weg']}?lang={language}")
    warning = page.locator("#link-werkt-niet")
    assert warning.is_visible()
    assert warning.inner_text().startswith(
        "Bij de laatste 2 controles" if language == "nl" else "At the last 2 checks"
    )
    page.get_by_role(
        "link",
        name="Werkte niet bij de laatste controles"
        if language == "nl"
        else "Did not work at the last checks",
    ).click()
    assert page.evaluate("location.hash") == "#link-werkt-niet"
    assert axe_violations(page) == [], language
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, f"leermiddel-link-werkt-niet-{language}-320")
