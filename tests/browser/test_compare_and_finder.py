"""A volunteer chooses: compares three materials and sends the comparison to a colleague; answers the
finder's questions for a learner and reads why each material fits; on a phone sees "Toon N resultaten";
prints a whole result list. With JavaScript and without, at 320 px, and checked by axe-core.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trefpunt.catalog.models import Material
from trefpunt.db import session_factory

from .conftest import SCREENSHOTS, axe_violations, screenshot

DIGITAL_GOVERNMENT = "/zoeken?vaardigheid=digitale-overheid"
FINDER_ANSWERS = {
    "checkbox": ["Nederlands leren als nieuwe taal", "Smartphone of tablet"],
    "radio": [
        "Spreekt een beetje Nederlands: korte, eenvoudige zinnen",
        "Met een vrijwilliger of taalmaatje",
        "Ja, het moet gratis zijn",
    ],
}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def compare_three(page, server) -> list[str]:
    page.goto(server.url + DIGITAL_GOVERNMENT)
    titles = page.locator(".tp-hits .tp-card__link").all_inner_texts()[:3]
    for title in titles:
        page.get_by_role("checkbox", name=f"Vergelijk {title}", exact=True).check()
    page.get_by_role("button", name="Vergelijk de aangevinkte leermiddelen").click()
    page.wait_for_url("**/vergelijk?m=*")
    return titles


def column_titles(page) -> list[str]:
    return page.locator("thead .tp-compare__title").all_inner_texts()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_volunteer_compares_three_and_a_colleague_opens_the_same_comparison(
    live_server, open_page, javascript
):
    page = open_page(java_script_enabled=javascript)
    titles = compare_three(page, live_server)
    assert column_titles(page) == titles
    for row in (
        "Wat het traint",
        "Niveau",
        "Voor wie",
        "Werkvorm",
        "Wat de cursist nodig heeft",
        "Kosten",
        "Aanbieder",
        "Uitleg in andere talen",
        "Webadres",
    ):
        expect(page.get_by_role("rowheader", name=row, exact=True)).to_be_visible()
    link = page.locator("#deellink").input_value()
    assert re.fullmatch(
        re.escape(live_server.url) + r"/vergelijk\?m=[a-z0-9-]+&m=[a-z0-9-]+&m=[a-z0-9-]+", link
    )
    screenshot(page, f"vergelijk-{'js' if javascript else 'zonder-js'}")

    colleague = open_page(java_script_enabled=javascript)
    colleague.goto(link)
    assert column_titles(colleague) == titles

    colleague.emulate_media(media="print")
    expect(colleague.locator(".tp-compare__table")).to_be_visible()
    expect(colleague.locator(".tp-share")).to_be_hidden()
    if javascript:
        screenshot(colleague, "vergelijk-afdruk")


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_comparison_is_a_stack_without_sideways_scrolling(live_server, open_page, javascript):
    page = open_page(java_script_enabled=javascript)
    compare_three(page, live_server)
    phone = open_page(viewport={"width": 320, "height": 640}, java_script_enabled=javascript)
    phone.goto(page.url)
    expect(phone.locator(".tp-compare__table")).to_be_hidden()
    expect(phone.locator(".tp-compare__item")).to_have_count(3)
    assert no_sideways_scroll(phone)
    for path in ("/keuzehulp", "/toegankelijkheid", "/zoeken/afdrukken" + DIGITAL_GOVERNMENT[7:]):
        phone.goto(live_server.url + path)
        assert no_sideways_scroll(phone), f"{path} scrolls sideways (JavaScript {javascript})"
        if path == "/keuzehulp":  # the top of the screen: header, menu and the first question
            SCREENSHOTS.mkdir(exist_ok=True)
            phone.screenshot(
                path=str(SCREENSHOTS / f"keuzehulp-telefoon-{'js' if javascript else 'zonder-js'}.png")
            )
    screenshot(phone, f"vergelijk-telefoon-{'js' if javascript else 'zonder-js'}")


def expected_verdicts(material: Material) -> dict[str, str]:
    """What "waarom dit past" should say for the story's answers, worked out here from the terms."""
    keys = {facet: {t.key for t in material.terms_of(facet)} for facet in ("skill", "setting", "needs")}
    # The learner has a smartphone only: every other need is lacking; of the devices, one is enough.
    needs = keys["needs"] - {"niets"}
    devices = needs & {"computer", "smartphone-tablet"}
    lacking = (needs - devices) or (devices if devices and "smartphone-tablet" not in devices else set())
    has = "unknown" if not needs and "niets" not in keys["needs"] else "misfit" if lacking else "fits"
    costs = [t.label_nl.lower() for t in material.terms_of("cost")]
    free = [label for label in costs if "gratis" in label]

    def verdict(found: bool, known: bool) -> str:
        return "fits" if found else "misfit" if known else "unknown"

    return {
        "wil leren": verdict("taal-nt2" in keys["skill"], bool(keys["skill"])),
        "vrijwilliger": verdict("met-begeleider" in keys["setting"], bool(keys["setting"])),
        "heeft:": has,
        "gratis": verdict(bool(free), bool(costs)),
    }


@pytest.mark.parametrize("javascript", [True, False])
def test_the_finders_answers_lead_to_a_search_that_says_why_each_hit_fits(
    live_server, open_page, app, javascript
):
    page = open_page(java_script_enabled=javascript)
    page.goto(live_server.url + "/keuzehulp")
    for label in FINDER_ANSWERS["checkbox"]:
        page.get_by_role("checkbox", name=label, exact=True).check()
    for label in FINDER_ANSWERS["radio"]:
        page.get_by_role("radio", name=label, exact=True).check()
    screenshot(page, f"keuzehulp-{'js' if javascript else 'zonder-js'}")
    page.get_by_role("button", name="Toon passende leermiddelen").click()
    page.wait_for_url(re.compile(r".*/zoeken\?.*keuzehulp=.*"))
    assert "vaardigheid=taal-nt2" in page.url
    expect(page.locator(".tp-finder-summary")).to_contain_text("spreekt een beetje Nederlands")

    hits = page.locator(".tp-hits > li")
    slugs = [
        href.rsplit("/", 1)[1]
        for href in hits.locator(".tp-card__link").evaluate_all("as => as.map(a => a.href)")
    ]
    assert slugs
    with session_factory(app)() as session:
        materials = {
            m.slug: m
            for m in session.scalars(
                select(Material).where(Material.slug.in_(slugs)).options(selectinload(Material.terms))
            )
        }
        for index, slug in enumerate(slugs):
            item = hits.nth(index)
            for fragment, kind in expected_verdicts(materials[slug]).items():
                lines = item.locator(f".tp-why__item--{kind}").all_inner_texts()
                assert any(fragment in line for line in lines), (slug, fragment, kind, lines)
    screenshot(page, f"keuzehulp-resultaat-{'js' if javascript else 'zonder-js'}")

    # The result is an ordinary search: refined with a filter, the reasons stay.
    box = page.locator("#facet-doelgroep input[type=checkbox]:not([disabled])").first
    box.check()
    if not javascript:
        page.get_by_role("button", name="Toon resultaten").click()
    page.wait_for_url(re.compile(r".*doelgroep=.*keuzehulp=.*"))
    expect(page.locator(".tp-why").first).to_be_visible()


def test_on_a_phone_ticking_a_filter_shows_a_button_with_the_live_count(live_server, open_page):
    page = open_page(viewport={"width": 320, "height": 640})
    page.goto(live_server.url + "/zoeken")
    show = page.locator("[data-show-results]")
    expect(show).to_be_hidden()  # folded filters: the results are right there
    page.get_by_role("button", name=re.compile("^Filters")).click()
    page.get_by_role("checkbox", name=re.compile(r"^Ouderen\b")).check()
    expect(page.locator("#resultaten-titel")).to_contain_text("doelgroep: Ouderen")
    count = re.match(r"\d+", page.locator("#resultaten-titel").inner_text()).group()
    expect(show).to_be_visible()
    expect(show).to_have_text(f"Toon {count} resultaten")
    assert show.bounding_box()["y"] + show.bounding_box()["height"] <= 640  # on screen, not 1,100 px below
    page.get_by_role("checkbox", name=re.compile(r"^Jongeren\b")).check()
    expect(page.locator("#resultaten-titel")).to_contain_text("Ouderen of Jongeren")
    wider = re.match(r"\d+", page.locator("#resultaten-titel").inner_text()).group()
    expect(show).to_have_text(f"Toon {wider} resultaten")
    assert no_sideways_scroll(page)
    SCREENSHOTS.mkdir(exist_ok=True)  # what the phone's screen shows, not the whole long page
    page.screenshot(path=str(SCREENSHOTS / "zoeken-telefoon-toon-resultaten.png"))
    show.click()
    heading = page.locator("#resultaten-titel")
    expect(heading).to_be_focused()
    expect(heading).to_be_in_viewport()
    expect(page.get_by_role("button", name=re.compile("^Filters"))).to_have_attribute(
        "aria-expanded", "false"
    )


def a_long_search(app) -> tuple[str, int]:
    """A search of more than one page: 24 results when a skill or audience has exactly that many."""
    client = app.test_client()
    facets = client.get("/api/v1/materials").get_json()["facets"]
    options = []
    for name, param in (("skill", "vaardigheid"), ("audience", "doelgroep"), ("format", "vorm")):
        facet = next(f for f in facets if f.get("name") == name or f.get("param") == param)
        options += [(f"{param}={v['value']}", v["count"]) for v in facet["values"] if 20 < v["count"] <= 200]
    assert options, "no search of more than one page"
    return min(options, key=lambda option: abs(option[1] - 24))


def test_printing_a_long_list_prints_all_of_it(live_server, open_page, app):
    query, total = a_long_search(app)
    page = open_page()
    page.goto(f"{live_server.url}/zoeken?{query}")
    page.emulate_media(media="print")
    expect(page.locator(".tp-hits > li")).to_have_count(20)
    note = page.locator(".tp-print-partial")
    expect(note).to_be_visible()
    expect(note).to_contain_text(f"Deze afdruk toont 20 van de {total} leermiddelen.")
    expect(note).to_contain_text(f"{live_server.url}/zoeken/afdrukken?{query}")

    page.emulate_media(media="screen")
    page.get_by_role("link", name="Afdrukversie van de hele lijst").click()
    page.wait_for_url(f"**/zoeken/afdrukken?{query}")
    page.emulate_media(media="print")
    cards = page.locator(".tp-printout .tp-card")
    expect(cards).to_have_count(total)
    visible = cards.evaluate_all("cs => cs.filter(c => c.getBoundingClientRect().height > 0).length")
    assert visible == total
    expect(page.locator(".tp-printout__search")).to_contain_text("Gezocht:")
    expect(page.locator(".tp-footer")).to_be_hidden()
    screenshot(page, f"zoeken-afdruk-alle-{total}")


PAGES = {
    "vergelijk": None,  # filled in with three materials of the story
    "keuzehulp": "/keuzehulp",
    "keuzehulp-resultaat": "/keuzehulp/resultaat?leren=taal-nt2&nederlands=geen&alfabet=nee"
    "&samen=in-groep&heeft=computer&gratis=ja",
    "afdrukversie": "/zoeken/afdrukken?vaardigheid=rekenen",
    "toegankelijkheid": "/toegankelijkheid",
    "vergelijk-te-veel": None,
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_compare_finder_and_statement_have_no_wcag_violations(live_server, open_page, language):
    page = open_page()
    page.goto(f"{live_server.url}/?lang={language}")
    page.goto(live_server.url + DIGITAL_GOVERNMENT)
    slugs = [
        h.rsplit("/", 1)[1]
        for h in page.locator(".tp-hits .tp-card__link").evaluate_all("as => as.map(a => a.href)")
    ]
    pages = dict(PAGES)
    pages["vergelijk"] = "/vergelijk?" + "&".join(f"m={s}" for s in slugs[:3])
    pages["vergelijk-te-veel"] = "/vergelijk?" + "&".join(f"m={s}" for s in slugs[:6])
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, f"{path} needs exactly one h1"
        violations = axe_violations(page)
        assert violations == [], f"{path} ({language}): {violations}"
        screenshot(page, f"{name}-{language}")
    # The search page after a live update, reached from the finder, and the phone's layout.
    phone = open_page(viewport={"width": 320, "height": 640})
    phone.goto(f"{live_server.url}/?lang={language}")
    phone.goto(live_server.url + pages["vergelijk"])
    assert axe_violations(phone) == []
