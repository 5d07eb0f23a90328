"""A developer at a library builds on the JSON API: every answer is one the OpenAPI document describes."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from seed_catalogue import DIGID_MATERIALS
from sqlalchemy import func, select

from trefpunt import create_app, resources
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import save_material, set_status
from trefpunt.db import session_factory

SPEC = json.loads((resources.PACKAGE / "api" / "openapi.json").read_text(encoding="utf-8"))
SPEC_URI = "urn:trefpunt:api:openapi"
REGISTRY = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(SPEC))

# Formats checked with the standard library, so the check does not depend on optional packages.
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(data, pointer: str) -> None:
    validator = Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=REGISTRY, format_checker=FORMATS
    )
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, f"answer does not match {pointer}:\n" + "\n".join(problems[:20])


def documented(response, path: str, method: str = "get"):
    """The response's JSON, after checking that the OpenAPI document describes exactly this answer."""
    status = str(response.status_code)
    answers = SPEC["paths"][path][method]["responses"]
    assert status in answers, f"GET {path} answered {status}, which the OpenAPI document does not describe"
    pointer = _pointer("paths", path, method, "responses", status)
    if "$ref" in answers[status]:
        pointer = answers[status]["$ref"].removeprefix("#")
    assert response.mimetype == "application/json"
    data = response.get_json()
    _validate(data, pointer + _pointer("content", "application/json", "schema"))
    return data


def is_error(response) -> dict:
    """An answer outside the documented operations (405, unknown route) still has the error shape."""
    data = response.get_json()
    _validate(data, "/components/schemas/Error")
    assert data["error"]["status"] == response.status_code
    return data["error"]


def search(client, query: str = "") -> dict:
    return documented(client.get("/api/v1/materials" + query), "/materials")


def every_hit(client, query: str) -> list[dict]:
    first = search(client, query)
    hits = list(first["hits"])
    separator = "&" if query else "?"
    for page in range(2, first["pages"] + 1):
        hits += search(client, f"{query}{separator}pagina={page}")["hits"]
    assert len(hits) == first["total"]
    return hits


def facet(result: dict, param: str) -> dict[str, dict]:
    return {v["value"]: v for v in next(f for f in result["facets"] if f["param"] == param)["values"]}


# -- the document ------------------------------------------------------------------------------------


def test_the_openapi_document_is_valid_json_schema_throughout():
    for schema in SPEC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises, naming the fault
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], f"{method} {path} documents no answer"
    assert SPEC["openapi"].startswith("3.1.")


def test_the_document_names_the_sites_public_address_whatever_host_it_was_fetched_from(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://trefpunt.example.nl"
    response = client.get("/api/v1/openapi.json", base_url="http://forged.example")
    served = documented(response, "/openapi.json")
    assert served["servers"] == [{"url": "https://trefpunt.example.nl/api/v1"}]
    assert {k: v for k, v in served.items() if k != "servers"} == {
        k: v for k, v in SPEC.items() if k != "servers"
    }


def test_every_api_route_is_documented_and_every_documented_path_exists(app):
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes == set(SPEC["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            documented_methods = {
                m.upper()
                for m in SPEC["paths"][rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")]
            }
            assert rule.methods - {"HEAD", "OPTIONS"} == documented_methods


def test_every_parameter_of_the_shared_search_links_is_documented(vocabulary):
    operation = SPEC["paths"]["/materials"]["get"]
    names = {
        SPEC["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"] for p in operation["parameters"]
    }
    facet_params = {f.param for f in vocabulary.facets}
    assert facet_params == {
        "vaardigheid",
        "niveau",
        "doelgroep",
        "vorm",
        "werkvorm",
        "kosten",
        "taal",
        "nodig",
        "aanbieder",
    }
    assert names == {"q", "letterlijk", "sorteer", "pagina", "lang", *facet_params}
    material_facets = SPEC["components"]["schemas"]["MaterialFacets"]["required"]
    assert material_facets == [f.param for f in vocabulary.controlled]


# -- searching ---------------------------------------------------------------------------------------


def test_a_search_for_digid_finds_the_digid_materials_with_facet_counts(client):
    result = search(client, "?q=digid")
    # The DigiD materials first; then those found through the seeded synonyms (inloggen, digitale overheid).
    assert {hit["slug"] for hit in result["hits"][: len(DIGID_MATERIALS)]} == DIGID_MATERIALS
    assert result["total"] == len(result["hits"]) > len(DIGID_MATERIALS)
    assert result["every_word"] == result["total"] and result["corrected_from"] is None
    assert all(hit["missing"] == [] for hit in result["hits"])
    assert result["query"] == {"q": "digid", "args": [["q", "digid"]]}
    assert "digid" in result["description"].lower()
    # Every published material has exactly one kind of cost, so the counts of the narrowest kinds (not
    # the broader "gratis" and "betaald", which count their narrower kinds too) add up to the total.
    costs = facet(result, "kosten")
    broader = costs["gratis"]["count"] + costs["betaald"]["count"]
    assert broader + costs["onbekend"]["count"] == result["total"]
    assert facet(result, "vaardigheid")["digitale-overheid"]["count"] >= 1
    assert facet(result, "niveau")["c1"]["count"] == 0  # reported, to be greyed out
    steffie = next(hit for hit in result["hits"] if hit["slug"] == "steffie-digid")
    assert "<mark>DigiD</mark>" in steffie["title_html"]
    assert steffie["score"] > 0


def test_choosing_a_value_narrows_the_hits_but_keeps_the_other_values_countable(client):
    everything = search(client, "?q=digid")
    gratis = search(client, "?q=digid&kosten=gratis")
    assert 0 < gratis["total"] < everything["total"]
    # "Gratis voor de deelnemer" finds every kind of free: each hit has one of them.
    free_kinds = {"gratis", "gratis-voor-iedereen", "bibliotheeklicentie", "bibliotheek-betaalt"}
    assert all(hit["facets"]["kosten"][0]["value"] in free_kinds for hit in gratis["hits"])
    costs = facet(gratis, "kosten")
    assert costs["gratis"]["selected"] and costs["gratis"]["toggle"] == "?q=digid"
    assert costs["gratis"]["count"] == gratis["total"]
    # Free for the learner, paid or unknown: every material is one of the three.
    families = costs["gratis"]["count"] + costs["betaald"]["count"] + costs["onbekend"]["count"]
    assert families == everything["total"]


def test_providers_are_chosen_by_their_full_name_commas_and_all(client):
    result = search(client, "?q=digid&aanbieder=Leer+Zelf+Online")
    assert {hit["slug"] for hit in result["hits"]} == {"steffie", "steffie-digid"}
    providers = facet(result, "aanbieder")
    assert providers["Leer Zelf Online"]["selected"] and providers["Stichting Digisterker"]["count"] == 3
    assert search(client, "?q=digid&aanbieder=Leer+Zelf+Online,Stichting+Digisterker")["total"] == 0


def test_repeated_and_comma_separated_values_mean_the_same(client):
    repeated = search(client, "?niveau=a1&niveau=a2&sorteer=titel")
    commas = search(client, "?niveau=a2,a1&sorteer=titel")
    assert repeated == commas
    assert repeated["query"]["args"] == [["niveau", "a1"], ["niveau", "a2"], ["sorteer", "titel"]]
    levels = [{t["value"] for t in hit["facets"]["niveau"]} for hit in repeated["hits"]]
    assert levels and all(found & {"a1", "a2"} for found in levels)


def test_unknown_facet_values_and_parameters_are_ignored(client):
    plain = search(client, "?q=digid")
    with_noise = search(client, "?q=digid&niveau=z9&vaardigheid=toveren&onbekend=1&kosten=&aanbieder=")
    assert with_noise == plain
    assert search(client, "?q=digid&kosten=GRATIS")["query"]["args"] == [["q", "digid"], ["kosten", "gratis"]]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?sorteer=populair", "sorteer"),
        ("?q=digid&sorteer=RELEVANTIE", "sorteer"),
        ("?pagina=0", "pagina"),
        ("?pagina=-1", "pagina"),
        ("?pagina=twee", "pagina"),
        ("?pagina=1.5", "pagina"),
        ("?pagina=%EF%BC%92", "pagina"),  # a full-width digit two
        ("?pagina=501", "pagina"),
        ("?pagina=99999999999999999999", "pagina"),
    ],
)
def test_a_bad_sort_or_page_is_a_400_that_names_the_parameter(client, query, parameter):
    response = client.get("/api/v1/materials" + query)
    assert response.status_code == 400
    error = documented(response, "/materials")["error"]
    assert error["parameter"] == parameter
    assert error["status"] == 400 and error["message"]


def test_paging_walks_through_the_published_catalogue_once(client, session):
    published = session.scalar(
        select(func.count()).select_from(Material).where(Material.status == Status.PUBLISHED)
    )
    first = search(client, "?sorteer=titel")
    assert first["total"] == published
    assert first["per_page"] == 20 and first["pages"] == -(-published // 20)
    slugs = [hit["slug"] for hit in every_hit(client, "?sorteer=titel")]
    assert len(slugs) == len(set(slugs)) == published
    past_the_end = search(client, f"?sorteer=titel&pagina={first['pages'] + 1}")
    assert past_the_end["hits"] == [] and past_the_end["total"] == published


def test_sorting_is_part_of_the_canonical_query(client):
    for sort in ("titel", "nieuwste"):
        result = search(client, f"?q=digid&sorteer={sort}")
        assert {hit["slug"] for hit in result["hits"]} >= DIGID_MATERIALS
        assert result["query"]["args"][-1] == ["sorteer", sort]
        assert all(hit["score"] is None for hit in result["hits"])
    assert search(client, "?q=digid&sorteer=relevantie")["query"]["args"] == [["q", "digid"]]


def test_labels_follow_the_chosen_language(client):
    dutch = search(client, "?q=digid")
    english = search(client, "?q=digid&lang=en")
    assert facet(dutch, "kosten")["gratis"]["label"] == "Gratis voor de deelnemer"
    assert facet(english, "kosten")["gratis"]["label"] == "Free for the learner"
    assert {f["param"]: f["label"] for f in english["facets"]}["doelgroep"] == "Target group"


def test_a_misspelled_search_suggests_the_right_words(client):
    result = search(client, "?q=digitale+vaardigheeden")
    assert result["suggestion"] == "digitale vaardigheden"


def test_notices_say_how_an_odd_query_was_read(client):
    long = search(client, "?q=" + "lezen+" * 300)
    assert long["notices"] == ["Uw zoekvraag was erg lang; alleen het begin is gebruikt."]
    assert long["total"] > 0 and len(long["query"]["q"]) <= 200
    wordless = search(client, "?q=*+-+%22%22")
    assert wordless["notices"] == [
        "Uw zoekvraag bevat geen woorden om op te zoeken; alle leermiddelen worden getoond."
    ]
    assert wordless["total"] == search(client)["total"]


def test_hit_texts_are_escaped_html_with_only_the_marks_added(empty_app, add_material):
    add_material("Rekenen <b>snel</b> & goed", summary='Sommen "oefenen" <script>alert(1)</script>')
    result = search(empty_app.test_client(), "?q=rekenen")
    (hit,) = result["hits"]
    assert hit["title"] == "Rekenen <b>snel</b> & goed"
    assert hit["title_html"] == "<mark>Rekenen</mark> &lt;b&gt;snel&lt;/b&gt; &amp; goed"
    assert "<script>" not in hit["summary_html"] and "&lt;script&gt;" in hit["summary_html"]


# -- only what is published --------------------------------------------------------------------------


def test_no_draft_or_archived_material_is_ever_answered(app, client, session):
    unpublished = set(session.scalars(select(Material.slug).where(Material.status != Status.PUBLISHED)))
    assert "coronacheck-app" in unpublished  # archived in the seed catalogue, and about DigiD
    assert not unpublished & {hit["slug"] for hit in every_hit(client, "")}
    for slug in unpublished:
        response = client.get(f"/api/v1/materials/{slug}")
        assert response.status_code == 404
        documented(response, "/materials/{slug}")


def test_a_material_appears_when_published_and_disappears_when_archived(app, client, session):
    record = MaterialRecord(
        slug="digid-stap-voor-stap",
        title="DigiD stap voor stap",
        summary="Een nieuwe uitleg over inloggen met DigiD.",
        status="draft",
        facets={"vaardigheid": ["digitale-overheid"], "kosten": ["gratis"]},
    )
    save_material(session, record, author="redacteur")
    session.commit()
    assert "digid-stap-voor-stap" not in {hit["slug"] for hit in search(client, "?q=digid")["hits"]}
    assert client.get("/api/v1/materials/digid-stap-voor-stap").status_code == 404

    set_status(session, "digid-stap-voor-stap", Status.PUBLISHED, author="redacteur")
    session.commit()
    assert "digid-stap-voor-stap" in {hit["slug"] for hit in search(client, "?q=digid")["hits"]}
    material = documented(client.get("/api/v1/materials/digid-stap-voor-stap"), "/materials/{slug}")
    assert material["status"] == "published" and material["url"] is None

    set_status(session, "digid-stap-voor-stap", Status.ARCHIVED, author="redacteur")
    session.commit()
    assert "digid-stap-voor-stap" not in {hit["slug"] for hit in search(client, "?q=digid")["hits"]}
    archived = client.get("/api/v1/materials/digid-stap-voor-stap")
    unknown = client.get("/api/v1/materials/bestaat-niet")
    assert archived.status_code == unknown.status_code == 404
    # An unpublished slug answers exactly like one that never existed.
    archived_says = documented(archived, "/materials/{slug}")["error"]["message"]
    unknown_says = documented(unknown, "/materials/{slug}")["error"]["message"]
    assert archived_says.replace("digid-stap-voor-stap", "…") == unknown_says.replace("bestaat-niet", "…")


# -- one material ------------------------------------------------------------------------------------


def test_one_material_has_its_full_description_and_facets(client):
    material = documented(client.get("/api/v1/materials/steffie-digid"), "/materials/{slug}")
    assert material["slug"] == "steffie-digid"
    assert material["title"] == "Steffie legt uit: DigiD"
    assert len(material["description"].split()) >= 40
    assert {"value": "digitale-overheid", "label": "Digitale overheid"} in material["facets"]["vaardigheid"]
    assert material["url"] is None  # the facts know no web address for it; none is made up
    english = documented(client.get("/api/v1/materials/steffie-digid?lang=en"), "/materials/{slug}")
    assert {"value": "digitale-overheid", "label": "Digital government"} in english["facets"]["vaardigheid"]


def test_a_material_with_a_web_address_gives_it(client):
    material = documented(client.get("/api/v1/materials/oefenen-nl"), "/materials/{slug}")
    assert material["url"] == "https://oefenen.nl"
    assert material["facets"]["kosten"] == [
        {"value": "bibliotheeklicentie", "label": "Gratis via de bibliotheek (licentie)"}
    ]


@pytest.mark.parametrize("slug", ["bestaat-niet", "Steffie-DigiD", "steffie%20digid"])
def test_an_unknown_slug_is_a_404_in_json(client, slug):
    response = client.get(f"/api/v1/materials/{slug}")
    assert response.status_code == 404
    assert documented(response, "/materials/{slug}")["error"]["message"]


# -- errors outside the operations -------------------------------------------------------------------


def test_unknown_routes_and_methods_answer_json_errors(client):
    assert client.get("/api/v1/leermiddelen").status_code == 404
    assert is_error(client.get("/api/v1/leermiddelen"))["message"]
    response = client.post("/api/v1/materials")
    assert response.status_code == 405
    assert is_error(response)["message"]


@pytest.fixture
def app_without_index(app, tmp_path):
    """A second server over the same database whose index is gone (a search never rebuilds it)."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "INDEX_DIR": str(tmp_path / "lost-index"),
        }
    )
    yield other
    session_factory(other).kw["bind"].dispose()


def test_a_missing_index_is_a_503_never_an_empty_result(app_without_index, caplog):
    response = app_without_index.test_client().get("/api/v1/materials?q=digid")
    assert response.status_code == 503
    error = documented(response, "/materials")["error"]
    assert error["message"] and "trefpunt index rebuild" in caplog.text
    # The material itself comes from the database and is still there.
    assert app_without_index.test_client().get("/api/v1/materials/steffie-digid").status_code == 200
