"""A volunteer compares two to four materials side by side, and shares the comparison by its address.

The domain (``trefpunt.choose.compare``) on SQLite and PostgreSQL, then the page as a browser without
JavaScript receives it. The browser stories are in tests/browser/test_compare_and_finder.py.
"""

from __future__ import annotations

import pytest
from public_html import hit_slugs, visit
from sqlalchemy import select

from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import set_status
from trefpunt.choose import compare
from trefpunt.choose.compare import MAX_COMPARED, read_request


def published(session, count: int) -> list[Material]:
    """``count`` published materials that each have a skill, a level, an audience and a web address."""
    found = []
    for material in session.scalars(
        select(Material).where(Material.status == Status.PUBLISHED).order_by(Material.slug)
    ):
        if material.url and all(material.terms_of(f) for f in ("skill", "level", "audience")):
            found.append(material)
        if len(found) == count:
            return found
    raise AssertionError("the seed catalogue has too few complete materials")


# ---------------------------------------------------------------------------------------------------------
# Reading the address
# ---------------------------------------------------------------------------------------------------------
def test_the_address_keeps_the_order_asked_and_says_which_slugs_were_doubled_or_not_slugs():
    asked = read_request(["steffie", "Digisterker ", "steffie", "oefenen-nl,klik-en-tik", "<b>", ""])
    assert asked.slugs == ("steffie", "digisterker", "oefenen-nl", "klik-en-tik")
    assert asked.duplicates == ("steffie",)
    assert asked.malformed == ("<b>",)
    assert asked.too_many == 0


def test_more_than_four_is_counted_so_the_page_can_refuse_clearly():
    asked = read_request([f"materiaal-{n}" for n in range(6)])
    assert asked.too_many == 6 > MAX_COMPARED


def test_an_address_with_thousands_of_slugs_is_read_only_to_a_bound():
    asked = read_request([",".join(f"m{n}" for n in range(5000))])
    assert len(asked.slugs) == compare.MAX_READ


# ---------------------------------------------------------------------------------------------------------
# The rows (SQLite and PostgreSQL)
# ---------------------------------------------------------------------------------------------------------
def test_three_materials_become_three_columns_with_every_row_a_volunteer_asks_about(session, vocabulary):
    materials = published(session, 3)
    asked = read_request([m.slug for m in reversed(materials)])
    result = compare.compare(session, asked, vocabulary, "nl")
    assert [m.slug for m in result.materials] == [m.slug for m in reversed(materials)]
    rows = {row.name: row for row in result.rows}
    assert list(rows) == list(compare.ROW_ORDER)
    for column, material in enumerate(reversed(materials)):
        assert rows["skill"].cells[column] == tuple(t.label_nl for t in material.terms_of("skill"))
        assert rows["audience"].cells[column] == tuple(t.label_nl for t in material.terms_of("audience"))
        assert rows["setting"].cells[column] == tuple(t.label_nl for t in material.terms_of("setting"))
        assert rows["needs"].cells[column] == tuple(t.label_nl for t in material.terms_of("needs"))
        assert rows["cost"].cells[column] == tuple(t.label_nl for t in material.terms_of("cost"))
        assert rows["language"].cells[column] == tuple(t.label_nl for t in material.terms_of("language"))
        assert rows["url"].cells[column] == (material.url,)
        assert rows["provider"].cells[column] == ((material.provider,) if material.provider else ())
        levels = " ".join(rows["level"].cells[column])
        assert all(t.label_nl in levels or "tot en met" in levels for t in material.terms_of("level"))
    assert result.canonical_query() == "&".join(f"m={m.slug}" for m in reversed(materials))


def test_levels_read_as_a_range_per_scheme_and_labels_follow_the_language(session, vocabulary):
    material = next(
        m
        for m in session.scalars(select(Material).where(Material.status == Status.PUBLISHED))
        if len({t.group_nl for t in m.terms_of("level")}) == 1 and len(m.terms_of("level")) >= 3
    )
    levels = material.terms_of("level")
    english = compare.compare(session, read_request([material.slug]), vocabulary, "en")
    (text,) = dict((r.name, r.cells) for r in english.rows)["level"][0]
    assert text.startswith(levels[0].group_en + ": ")
    assert f"{levels[0].label_en} tot en met {levels[-1].label_en}" in text


def test_unknown_drafts_and_archived_materials_are_left_out_and_named(app, session, vocabulary):
    first, second, gone = published(session, 3)
    set_status(session, gone.slug, Status.ARCHIVED, author="redactie@example.org")
    session.commit()
    asked = read_request([first.slug, "bestaat-niet", gone.slug, second.slug])
    result = compare.compare(session, asked, vocabulary, "nl")
    assert [m.slug for m in result.materials] == [first.slug, second.slug]
    assert result.unknown == ("bestaat-niet",)
    assert result.archived == ((gone.slug, gone.title),)
    assert result.canonical_query() == f"m={first.slug}&m={second.slug}"


# ---------------------------------------------------------------------------------------------------------
# The page, without JavaScript
# ---------------------------------------------------------------------------------------------------------
def test_ticking_three_results_and_pressing_compare_opens_a_shareable_comparison(client):
    results = visit(client, "/zoeken?vaardigheid=digitale-overheid")
    form = results.by_id("vergelijkformulier")  # outside the results region that search.js swaps
    assert form["method"] == "get" and form["action"] == "/vergelijk"
    boxes = results.all("input", type="checkbox", name="m")
    assert [b["value"] for b in boxes] == hit_slugs(results)
    assert all(b["form"] == "vergelijkformulier" for b in boxes)
    chosen = hit_slugs(results)[:3]

    page = visit(client, "/vergelijk?" + "&".join(f"m={slug}" for slug in chosen))
    heads = page.one("table").one("thead").all("th", scope="col")
    assert [h.one("a", cls="tp-compare__title")["href"] for h in heads] == [
        f"/leermiddel/{s}" for s in chosen
    ]
    row_heads = [th.text for th in page.one("table").all("th", scope="row")]
    for label in (
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
        assert label in row_heads
    share = page.by_id("deellink")["value"]
    assert share.endswith("/vergelijk?" + "&".join(f"m={slug}" for slug in chosen))
    assert page.one("link", rel="canonical")["href"] == share
    # The phone's stack says the same, one material after the other.
    stack = page.all("section", cls="tp-compare__item")
    assert [s.one("h2").text for s in stack] == [h.one("a", cls="tp-compare__title").text for h in heads]


def test_each_column_can_be_taken_out_keeping_the_others_in_order(client, session):
    slugs = [m.slug for m in published(session, 3)]
    page = visit(client, "/vergelijk?" + "&".join(f"m={s}" for s in slugs))
    remove = page.one("table").all("a", cls="tp-compare__remove")
    assert remove[1]["href"] == f"/vergelijk?m={slugs[0]}&m={slugs[2]}"


def test_five_materials_are_refused_with_a_clear_message_and_a_way_on(client, session):
    slugs = [m.slug for m in published(session, 5)]
    response = client.get("/vergelijk?" + "&".join(f"m={s}" for s in slugs))
    assert response.status_code == 400
    page = visit(client, "/vergelijk?" + "&".join(f"m={s}" for s in slugs), status=400)
    alert = page.one(role="alert")
    assert "4 leermiddelen tegelijk vergelijken; u koos er 5" in alert.text
    assert alert.one("a", href="/vergelijk?" + "&".join(f"m={s}" for s in slugs[:4]))
    assert not page.has("table")


def test_doubles_unknown_and_archived_slugs_are_said_back_and_left_out_of_the_shared_address(
    app, client, session
):
    first, second, gone = published(session, 3)
    set_status(session, gone.slug, Status.ARCHIVED, author="redactie@example.org")
    session.commit()
    page = visit(
        client, f"/vergelijk?m={first.slug}&m={first.slug}&m=weg-ermee&m={gone.slug}&m={second.slug}"
    )
    notices = " ".join(n.text for n in page.all("p", cls="tp-notice"))
    assert f"Dubbel gekozen, één keer getoond: {first.slug}" in notices
    assert "Niet (meer) in Trefpunt, overgeslagen: weg-ermee" in notices
    assert f"‘{gone.title}’ is niet meer beschikbaar" in notices
    assert page.by_id("deellink")["value"].endswith(f"/vergelijk?m={first.slug}&m={second.slug}")


def test_one_or_no_material_asks_for_at_least_two(client, session):
    (only,) = published(session, 1)
    page = visit(client, f"/vergelijk?m={only.slug}")
    assert "Kies minstens twee leermiddelen" in page.one("div", cls="tp-empty").text
    assert "Kies minstens twee" in visit(client, "/vergelijk").text


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "' onmouseover='x", "a" * 5000])
def test_hostile_slugs_stay_inert(client, hostile):
    response = client.get("/vergelijk", query_string={"m": hostile})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_the_comparison_prints_on_a4_landscape(client, session):
    slugs = [m.slug for m in published(session, 2)]
    page = visit(client, "/vergelijk?" + "&".join(f"m={s}" for s in slugs))
    sheet = page.one("link", media="print")["href"]
    css = client.get(sheet).get_data(as_text=True)
    assert "size: A4 landscape" in css
