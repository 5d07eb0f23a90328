"""A volunteer who does not know the vocabulary answers the finder's plain questions and gets a search
whose every hit says why it fits ("waarom dit past").

The domain (``trefpunt.choose.finder``) on SQLite and PostgreSQL, then the pages without JavaScript.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from public_html import hit_slugs, visit
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trefpunt.catalog.models import Material
from trefpunt.choose import finder
from trefpunt.choose.finder import Answers
from trefpunt.search import SearchRequest, get_engine

FATIMA = {  # A0, reads Arabic script, with a language buddy, a phone and nothing else, must be free
    "leren": ["taal-nt2"],
    "nederlands": ["geen"],
    "alfabet": ["nee"],
    "samen": ["met-begeleider"],
    "heeft": ["smartphone-tablet"],
    "gratis": ["ja"],
}


def answers(vocabulary, **form) -> Answers:
    return Answers.read(lambda name: form.get(name, []), vocabulary)


def counter(app, session, vocabulary):
    return lambda request: get_engine(app).count(session, request, vocabulary)


# ---------------------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------------------
def test_every_answer_can_be_skipped(vocabulary):
    assert answers(vocabulary).empty
    assert answers(vocabulary, nederlands=[""], alfabet=[""], samen=[""], gratis=[""]).empty


def test_answers_travel_as_one_readable_parameter_and_come_back_the_same(vocabulary):
    given = answers(vocabulary, **FATIMA)
    assert given.encode() == (
        "leren.taal-nt2_nederlands.geen_alfabet.nee_samen.met-begeleider_heeft.smartphone-tablet_gratis.ja"
    )
    assert Answers.decode(given.encode(), vocabulary) == given
    nothing = answers(vocabulary, heeft=["geen"])
    assert nothing.has == () and Answers.decode(nothing.encode(), vocabulary) == nothing


def test_unknown_or_hostile_answers_are_dropped_never_an_error(vocabulary):
    given = answers(
        vocabulary,
        leren=["<script>", "rekenen", "bestaat-niet"],
        nederlands=["vloeiend"],
        samen=["x' or 1=1"],
        heeft=["raket"],
    )
    assert given == Answers(learn=("rekenen",))
    assert Answers.decode("leren.<b>_heeft._" + "x" * 10_000, vocabulary).empty


def test_the_dutch_and_alphabet_answers_map_onto_levels(vocabulary):
    assert answers(vocabulary, nederlands=["beetje"]).levels(vocabulary) == ("a1", "a2")
    assert answers(vocabulary, nederlands=["beetje"], alfabet=["nee"]).levels(vocabulary) == ("a0",)
    assert answers(vocabulary, nederlands=["moedertaal"]).levels(vocabulary) == ("instroom", "1f")
    assert answers(vocabulary, nederlands=["goed"]).levels(vocabulary) == ()


def test_free_for_the_learner_is_read_from_the_cost_vocabulary(vocabulary):
    """ "Free for the learner" and every kind under it (the library's licence too), none that is paid or
    unknown; the search names only the broader term, which finds the kinds under it."""
    free = finder.free_cost_keys(vocabulary)
    assert set(free) == {"gratis", "gratis-voor-iedereen", "bibliotheeklicentie", "bibliotheek-betaalt"}
    assert finder.free_cost_filter(vocabulary) == ("gratis",)


# ---------------------------------------------------------------------------------------------------------
# Answers -> a search that never ends empty
# ---------------------------------------------------------------------------------------------------------
def test_answers_become_filters_of_an_ordinary_search(app, session, vocabulary):
    given = answers(vocabulary, leren=["digitale-overheid"], gratis=["ja"])
    plan = finder.plan(given, vocabulary, counter(app, session, vocabulary))
    assert plan.applied == ("leren", "gratis") and plan.loosened == ()
    assert plan.request.selected("skill") == ("digitale-overheid",)
    assert set(plan.request.selected("cost")) <= set(finder.free_cost_keys(vocabulary))


def test_an_answer_that_would_leave_nothing_is_kept_soft_and_named(app, session, vocabulary):
    count = counter(app, session, vocabulary)
    # Whatever the catalogue holds, some strict combination finds nothing: try them all.
    for dutch in finder.DUTCH_ANSWERS:
        for setting in finder.together_options(vocabulary):
            for skill in finder.learn_options(vocabulary):
                given = answers(vocabulary, leren=[skill], nederlands=[dutch], samen=[setting], gratis=["ja"])
                strict = SearchRequest()
                for criterion in finder.criteria(given, vocabulary):
                    strict = strict.with_filter(criterion.facet, criterion.keys, vocabulary)
                if count(strict) == 0 and count(SearchRequest().with_filter("skill", [skill], vocabulary)):
                    plan = finder.plan(given, vocabulary, count)
                    assert count(plan.request) > 0
                    assert plan.loosened
                    assert set(plan.applied) | set(plan.loosened) == {
                        c.answer for c in finder.criteria(given, vocabulary)
                    }
                    return
    raise AssertionError("no combination of answers finds nothing: the test needs another catalogue")


# ---------------------------------------------------------------------------------------------------------
# Why a material fits
# ---------------------------------------------------------------------------------------------------------
class Card:
    """A material as the search's card holds it: term keys per facet."""

    def __init__(self, **terms):
        self.terms = terms

    def term_keys(self, facet):
        return list(self.terms.get(facet, ()))


def reasons(given, card, vocabulary):
    return {r.answer: (r.fits, r.keys) for r in finder.explain(given, card, vocabulary)}


def test_a_device_is_one_of_alternatives_but_an_email_address_is_needed(vocabulary):
    phone_only = answers(vocabulary, heeft=["smartphone-tablet"])
    either = Card(needs=["computer", "smartphone-tablet"])
    assert reasons(phone_only, either, vocabulary)["heeft"] == (True, ("computer", "smartphone-tablet"))
    mail = Card(needs=["computer", "e-mailadres"])
    assert reasons(phone_only, mail, vocabulary)["heeft"] == (False, ("computer", "e-mailadres"))
    paper = Card(needs=["niets"])
    assert reasons(answers(vocabulary, heeft=["geen"]), paper, vocabulary)["heeft"] == (True, ("niets",))
    assert reasons(phone_only, Card(), vocabulary)["heeft"] == (None, ())


def test_levels_compare_within_their_scheme(vocabulary):
    beginner = answers(vocabulary, nederlands=["beetje"])
    assert reasons(beginner, Card(level=["a2", "b1"]), vocabulary)["niveau"] == (True, ("a2",))
    assert reasons(beginner, Card(level=["b1", "b2"]), vocabulary)["niveau"] == (False, ("b1", "b2"))
    # A numeracy material at 1F says nothing about CEFR A1.
    assert reasons(beginner, Card(level=["1f"]), vocabulary)["niveau"] == (None, ())


def test_every_answer_is_explained_matched_or_not(vocabulary):
    given = answers(vocabulary, **FATIMA)
    card = Card(
        skill=["taal-nt2"], level=["a0", "a1"], setting=["in-groep"], needs=["niets"], cost=["betaald"]
    )
    assert reasons(given, card, vocabulary) == {
        "leren": (True, ("taal-nt2",)),
        "niveau": (True, ("a0",)),
        "samen": (False, ("in-groep",)),
        "heeft": (True, ("niets",)),
        "gratis": (False, ("betaald",)),
    }


# ---------------------------------------------------------------------------------------------------------
# The pages, without JavaScript
# ---------------------------------------------------------------------------------------------------------
def test_the_finder_is_a_plain_get_form_of_plain_questions(client):
    page = visit(client, "/keuzehulp")
    form = page.one("form", cls="tp-finder")
    assert form["method"] == "get" and form["action"] == "/keuzehulp/resultaat"
    legends = [legend.text for legend in form.all("legend")]
    assert legends[0] == "1. Wat wil de cursist leren?"
    assert any("Nederlands" in text for text in legends) and any("alfabet" in text for text in legends)
    labels = {label.text for label in form.all("label")}
    assert "Omgaan met computer, telefoon en internet" in labels  # plain words, not "Digitale vaardigheden"
    assert "Met een vrijwilliger of taalmaatje" in labels
    assert "Weet ik niet / sla over" in labels


def test_the_finder_opens_again_with_the_answers_filled_in(client):
    page = visit(client, "/keuzehulp?leren=rekenen&nederlands=beetje&heeft=geen")
    assert "checked" in page.one("input", name="leren", value="rekenen").attrs
    assert "checked" in page.one("input", name="nederlands", value="beetje").attrs
    assert "checked" in page.one("input", name="heeft", value="geen").attrs


def test_skipping_everything_leads_to_all_materials(client):
    response = client.get("/keuzehulp/resultaat?nederlands=&samen=")
    assert response.status_code == 303 and response.headers["Location"] == "/zoeken"


def _material_terms(session, slugs):
    rows = session.scalars(
        select(Material).where(Material.slug.in_(slugs)).options(selectinload(Material.terms))
    )
    return {
        m.slug: {f: {t.key for t in m.terms_of(f)} for f in ("skill", "level", "setting", "needs", "cost")}
        for m in rows
    }


def test_fatimas_answers_lead_to_a_search_whose_why_is_right_for_every_hit(client, session, vocabulary):
    query = "&".join(f"{k}={v}" for k, values in FATIMA.items() for v in values)
    response = client.get(f"/keuzehulp/resultaat?{query}")
    assert response.status_code == 303
    target = response.headers["Location"]
    assert urlsplit(target).path == "/zoeken"
    params = parse_qsl(urlsplit(target).query)
    assert params[-1] == ("keuzehulp", answers(vocabulary, **FATIMA).encode())
    assert ("vaardigheid", "taal-nt2") in params

    page = visit(client, target)
    slugs = hit_slugs(page)
    assert slugs
    summary = page.one("section", cls="tp-finder-summary")
    assert "spreekt nog geen Nederlands; leest het Latijnse alfabet (nog) niet" in summary.text
    terms = _material_terms(session, slugs)
    free = set(finder.free_cost_keys(vocabulary))
    cefr = {t.key for t in vocabulary.facet("level").terms if t.group_nl == "ERK (NT2)"}
    for item, slug in zip(page.one("ol", cls="tp-hits").all("li", cls="tp-hits__item"), slugs, strict=True):
        said = {
            kind: [li.text for li in item.all("li", cls=f"tp-why__item--{kind}")]
            for kind in ("fits", "misfit", "unknown")
        }
        for fragment, expected in fatimas_verdicts(terms[slug], free, cefr).items():
            found = [kind for kind, lines in said.items() if any(fragment in line for line in lines)]
            assert found == [expected], (slug, fragment, said)


def fatimas_verdicts(mine: dict[str, set[str]], free: set[str], cefr: set[str]) -> dict[str, str]:
    """What "waarom dit past" must say for FATIMA's answers, worked out here from the material's terms."""

    def verdict(found: bool, known: bool) -> str:
        return "fits" if found else "misfit" if known else "unknown"

    levels = mine["level"] & cefr
    # She has a smartphone only: every other need is lacking; of the devices, one is enough.
    needs = mine["needs"] - {"niets"}
    devices = needs & {"computer", "smartphone-tablet"}
    lacking = (needs - devices) or (devices if "smartphone-tablet" not in devices else set())
    return {
        "wil leren": verdict("taal-nt2" in mine["skill"], bool(mine["skill"])),
        "alfabet": verdict("a0" in levels, bool(levels)),
        "vrijwilliger": verdict("met-begeleider" in mine["setting"], bool(mine["setting"])),
        "heeft:": verdict(not lacking, True) if mine["needs"] else "unknown",
        "gratis": verdict(bool(mine["cost"] & free), bool(mine["cost"])),
    }


def test_the_answers_ride_along_when_the_search_is_refined(client):
    target = client.get("/keuzehulp/resultaat?leren=digitale-vaardigheden&heeft=computer").headers["Location"]
    page = visit(client, target)
    marker = dict(parse_qsl(urlsplit(target).query))["keuzehulp"]
    assert page.one("input", type="hidden", name="keuzehulp")["value"] == marker
    for chip in page.all("a", cls="tp-chip"):
        assert chip["href"].endswith(f"keuzehulp={marker}")
    for link in page.all("a", cls="tp-value__link"):
        assert link["href"].endswith(f"keuzehulp={marker}")
    assert page.by_id("deellink")["value"].endswith(f"keuzehulp={marker}")


def test_a_marker_out_of_place_is_redirected_to_the_canonical_address_and_an_empty_one_dropped(client):
    response = client.get("/zoeken?keuzehulp=gratis.ja&vaardigheid=rekenen")
    assert response.status_code == 301
    assert response.headers["Location"] == "/zoeken?vaardigheid=rekenen&keuzehulp=gratis.ja"
    response = client.get("/zoeken?vaardigheid=rekenen&keuzehulp=onzin")
    assert response.status_code == 301 and response.headers["Location"] == "/zoeken?vaardigheid=rekenen"


def test_an_answer_without_a_filter_is_said_to_be_soft(client):
    page = visit(client, "/zoeken?vaardigheid=rekenen&keuzehulp=leren.rekenen_samen.in-groep")
    soft = page.one("p", cls="tp-finder-summary__soft").text
    assert "leert: in een groep of les" in soft
