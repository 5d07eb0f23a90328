"""Another catalogue (Edurep, a library's discovery system) harvests Trefpunt over OAI-PMH 2.0.

Through a real server on loopback with a real OAI-PMH client (oaipmh-scythe): the whole catalogue in pages,
a harvest that goes on while editors work, archived materials as deleted records, selective harvesting by
change time and by skill domain, and every error code for a harvester's mistakes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from lxml import etree, html
from oaipmh_scythe import Scythe
from oaipmh_scythe import exceptions as oai_errors
from sqlalchemy import select

from tests.open_standards import (
    LiveServer,
    change_status,
    date_the_catalogue,
    edit_summary,
    fetch,
    material_ids,
    slugs_by_id,
)
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import get_material, record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.harvest import oai_xml
from trefpunt.harvest.oai import Window

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"oai": OAI, "oai_dc": OAI_DC, "dc": DC}
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type", "format",
    "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip
UTC_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
PAGE = 20
HARVESTABLE = (Status.PUBLISHED, Status.ARCHIVED)


@pytest.fixture
def server(app):
    app.config["OAI_PAGE_SIZE"] = PAGE
    with LiveServer(app) as live:
        yield live


@pytest.fixture
def harvester(server):
    with Scythe(server.url + "/oai") as scythe:
        yield scythe


def identifier(material_id: int) -> str:
    return f"oai:127.0.0.1:trefpunt/{material_id}"


def oai_get(server, query: str) -> etree._Element:
    answer = fetch(f"{server.url}/oai?{query}")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/xml")
    return etree.fromstring(answer.body)


def utc_now_second() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the whole catalogue ---------------------------------------------------------------------------


def test_a_harvester_gets_every_published_material_and_every_archived_one_as_deleted(app, harvester):
    published = material_ids(app, Status.PUBLISHED)
    archived = material_ids(app, Status.ARCHIVED)
    assert len(published) > 5 * PAGE and archived  # a harvest of several pages, with deletions

    records = list(harvester.list_records(metadata_prefix="oai_dc"))

    live = {r.header.identifier: r for r in records if not r.deleted}
    assert set(live) == {identifier(i) for i in published.values()}
    assert {r.header.identifier for r in records if r.deleted} == {identifier(i) for i in archived.values()}
    assert len(records) == len(published) + len(archived)  # nothing twice in a quiet catalogue
    with session_factory(app)() as session:
        for slug, material_id in list(published.items())[:10]:
            material = get_material(session, slug)
            metadata = live[identifier(material_id)].metadata
            assert metadata["title"] == [material.title]
            assert metadata["publisher"] == [material.provider]
            assert f"/leermiddel/{slug}" in metadata["identifier"][0]


def test_the_answers_are_namespaced_as_the_protocol_and_oai_dc_require(app, server):
    root = oai_get(server, "verb=ListRecords&metadataPrefix=oai_dc")

    assert root.tag == f"{{{OAI}}}OAI-PMH"
    assert root.get(f"{{{XSI}}}schemaLocation") == f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
    response_date, request, answer = list(root)
    assert response_date.tag == f"{{{OAI}}}responseDate" and UTC_SECOND.fullmatch(response_date.text)
    assert request.tag == f"{{{OAI}}}request" and request.text == f"{server.url}/oai"
    assert dict(request.attrib) == {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    assert answer.tag == f"{{{OAI}}}ListRecords"
    records = answer.findall("oai:record", NS)
    assert len(records) == PAGE
    for record in records:
        header, *rest = list(record)
        assert [e.tag for e in header][:2] == [f"{{{OAI}}}identifier", f"{{{OAI}}}datestamp"]
        assert UTC_SECOND.fullmatch(header.findtext("oai:datestamp", namespaces=NS))
        assert all(e.tag == f"{{{OAI}}}setSpec" for e in list(header)[2:])
        if header.get("status") == "deleted":
            assert rest == []
            continue
        (metadata,) = rest
        (dc,) = list(metadata)
        assert dc.tag == f"{{{OAI_DC}}}dc"
        assert (
            dc.get(f"{{{XSI}}}schemaLocation") == f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
        )
        names = [etree.QName(e).localname for e in dc]
        assert all(etree.QName(e).namespace == DC for e in dc) and set(names) <= DC_ELEMENTS
        assert names.count("title") == 1 and "identifier" in names and "language" in names
    token = answer.find("oai:resumptionToken", NS)
    assert token is not None and token.text and token.get("cursor") == "0"
    assert int(token.get("completeListSize")) == len(material_ids(app, *HARVESTABLE))


def test_identify_list_metadata_formats_and_sets_describe_the_repository(app, harvester):
    identify = harvester.identify()
    assert identify.repositoryName == "Trefpunt leermiddelen"
    assert identify.baseURL.endswith("/oai") and identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.adminEmail == "beheer@127.0.0.1"
    assert UTC_SECOND.fullmatch(identify.earliestDatestamp)

    formats = {f.metadataPrefix: f for f in harvester.list_metadata_formats()}
    assert set(formats) == {"oai_dc", "schema_org_jsonld"}
    assert formats["oai_dc"].metadataNamespace == OAI_DC
    xsd = fetch(formats["schema_org_jsonld"].schema)
    assert xsd.status == 200 and etree.fromstring(xsd.body).get("targetNamespace") == (
        formats["schema_org_jsonld"].metadataNamespace
    )

    sets = {s.setSpec: s.setName for s in harvester.list_sets()}
    assert sets["vaardigheid"] == "Vaardigheid"
    assert sets["vaardigheid:rekenen"] == "Vaardigheid: Rekenen"
    with session_factory(app)() as session:
        skills = load_vocabulary(session).facet("skill").terms
    assert len(sets) == 1 + len(skills)


def test_a_set_holds_exactly_the_materials_of_that_skill_domain(app, server, harvester):
    found = {
        h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", set_="vaardigheid:rekenen")
    }
    with session_factory(app)() as session:
        expected = {
            identifier(m.id)
            for m in session.scalars(select(Material).where(Material.status.in_(HARVESTABLE)))
            if "rekenen" in m.term_keys("skill")
        }
    assert found == expected and len(found) > 3


def test_json_ld_is_what_the_material_page_embeds(app, server, harvester):
    slug, material_id = next(iter(material_ids(app, Status.PUBLISHED).items()))
    record = harvester.get_record(identifier=identifier(material_id), metadata_prefix="schema_org_jsonld")
    (element,) = record.xml.find("oai:metadata", NS)
    assert element.tag == "{urn:trefpunt:oai:schema-org-jsonld}jsonld"
    assert element.get("type") == "application/ld+json"

    page = html.fromstring(fetch(f"{server.url}/leermiddel/{slug}").body)
    (embedded,) = page.xpath('//script[@type="application/ld+json"]/text()')
    assert json.loads(element.text) == json.loads(embedded)


# -- while editors work ----------------------------------------------------------------------------


def test_a_harvest_resumed_across_edits_misses_nothing_and_gets_the_edits(app, server, harvester):
    date_the_catalogue(app)  # one change time for all: list order is id order
    ids = sorted(material_ids(app, Status.PUBLISHED).values())
    slugs = slugs_by_id(app)
    seen_first, unseen_edited, unseen_archived = ids[3], ids[-2], ids[-5]

    harvested = []
    for header in harvester.list_identifiers(metadata_prefix="oai_dc"):
        harvested.append(header)
        if len(harvested) == PAGE:  # the first page is in; the next request carries its token
            edit_summary(app, slugs[seen_first], "Bijgewerkt tijdens het oogsten.")
            edit_summary(app, slugs[unseen_edited], "Ook bijgewerkt.")
            change_status(app, slugs[unseen_archived], Status.ARCHIVED)

    by_id: dict[str, list] = {}
    for header in harvested:
        by_id.setdefault(header.identifier, []).append(header)
    everything = set(material_ids(app, Status.PUBLISHED, Status.ARCHIVED).values())
    assert set(by_id) == {identifier(i) for i in everything}  # nothing skipped
    again = by_id[identifier(seen_first)]
    assert len(again) == 2 and again[0].datestamp == "2020-01-01T12:00:00Z" and again[1].datestamp > "2025"
    assert (
        len(by_id[identifier(unseen_edited)]) == 1 and by_id[identifier(unseen_edited)][0].datestamp > "2025"
    )
    (archived,) = by_id[identifier(unseen_archived)]
    assert archived.deleted


def test_archiving_a_material_makes_it_a_deleted_record_with_the_same_identifier(app, server, harvester):
    slug, material_id = "taalklas-nl", material_ids(app, Status.PUBLISHED)["taalklas-nl"]
    before = utc_now_second()
    time.sleep(1)
    record = harvester.get_record(identifier=identifier(material_id), metadata_prefix="oai_dc")
    assert not record.deleted and record.metadata["title"]

    change_status(app, slug, Status.ARCHIVED)

    record = harvester.get_record(identifier=identifier(material_id), metadata_prefix="oai_dc")
    assert record.deleted and record.xml.find("oai:metadata", NS) is None
    changed = list(harvester.list_identifiers(metadata_prefix="oai_dc", from_=before))
    assert [(h.identifier, h.deleted) for h in changed] == [(identifier(material_id), True)]
    assert changed[0].datestamp >= before

    change_status(app, slug, Status.PUBLISHED)
    assert not harvester.get_record(identifier=identifier(material_id), metadata_prefix="oai_dc").deleted


def test_a_material_back_in_draft_is_deleted_and_a_draft_never_published_is_no_record(app, harvester):
    published = material_ids(app, Status.PUBLISHED)
    change_status(app, "zo-gezegd", Status.DRAFT)
    with session_factory(app)() as session:
        record = record_of(get_material(session, "taalklas-nl"), load_vocabulary(session))
        record.slug, record.status = "nog-geheim", Status.DRAFT.value
        never_published = save_material(session, record, author="redacteur").id
        session.commit()

    draft = harvester.get_record(identifier=identifier(published["zo-gezegd"]), metadata_prefix="oai_dc")
    assert draft.deleted
    with pytest.raises(oai_errors.IdDoesNotExist):
        harvester.get_record(identifier=identifier(never_published), metadata_prefix="oai_dc")
    every = {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc")}
    assert identifier(never_published) not in every and identifier(published["zo-gezegd"]) in every


def test_the_identifier_stays_when_the_slug_changes(app, server, harvester):
    material_id = material_ids(app, Status.PUBLISHED)["taalklas-nl"]
    with session_factory(app)() as session:
        record = record_of(get_material(session, "taalklas-nl"), load_vocabulary(session))
        record.slug = "taalklas-nieuw"
        save_material(session, record, author="redacteur", original_slug="taalklas-nl")
        session.commit()
    record = harvester.get_record(identifier=identifier(material_id), metadata_prefix="oai_dc")
    assert record.metadata["identifier"][0] == f"{server.url}/leermiddel/taalklas-nieuw"


def test_from_and_until_select_by_change_time(app, server, harvester):
    date_the_catalogue(app)
    everything = material_ids(app, Status.PUBLISHED, Status.ARCHIVED)
    start = utc_now_second()
    time.sleep(1)
    edit_summary(app, "taalklas-nl", "Nieuw.")
    change_status(app, "zo-gezegd", Status.ARCHIVED)
    changed = {identifier(everything["taalklas-nl"]), identifier(everything["zo-gezegd"])}

    def listed(**dates) -> set[str]:
        return {h.identifier for h in harvester.list_identifiers(metadata_prefix="oai_dc", **dates)}

    assert listed(from_=start) == changed
    assert listed(from_=dt.date.today().isoformat()) == changed
    old = listed(until="2020-01-01T12:00:00Z")
    assert old == {identifier(i) for i in everything.values()} - changed
    assert listed(until="2020-01-01") == old
    with pytest.raises(oai_errors.NoRecordsMatch):
        listed(from_="2020-01-01T12:00:01Z", until=start)
    with pytest.raises(oai_errors.NoRecordsMatch):
        listed(until="2019-12-31")


# -- a harvester's mistakes ------------------------------------------------------------------------

ERRORS = [
    ("", "badVerb"),
    ("verb=Harvest", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=Identify&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=gisteren", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T10:00Z", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-02-01T00:00:00Z", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&set=bad%20set", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x", "badArgument"),
    ("verb=GetRecord&identifier=oai:127.0.0.1:trefpunt/1", "badArgument"),
    ("verb=Identify&resumptionToken=x", "badArgument"),
    ("verb=ListRecords&resumptionToken=bm9uc2Vuc2U", "badResumptionToken"),
    ("verb=ListRecords&resumptionToken=%3Cscript%3E", "badResumptionToken"),
    ("verb=ListSets&resumptionToken=abc", "badResumptionToken"),
    ("verb=ListRecords&metadataPrefix=lom", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=lom&identifier=oai:127.0.0.1:trefpunt/1", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:127.0.0.1:trefpunt/999999", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elders.nl:trefpunt/1", "idDoesNotExist"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=taalklas-nl", "idDoesNotExist"),
    ("verb=ListMetadataFormats&identifier=oai:127.0.0.1:trefpunt/0", "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=vaardigheid:breien", "noRecordsMatch"),
]


@pytest.mark.parametrize(("query", "code"), ERRORS)
def test_each_mistake_gets_its_error_code(server, query, code):
    root = oai_get(server, query)
    error = root.find("oai:error", NS)
    assert error is not None and error.get("code") == code and error.text
    assert [etree.QName(e).localname for e in root] == ["responseDate", "request", "error"]
    request = root.find("oai:request", NS)
    assert request.text == f"{server.url}/oai"
    # After badVerb or badArgument the request may not be repeated back: the arguments were not valid.
    assert bool(request.attrib) == (code not in ("badVerb", "badArgument"))


def test_the_client_library_raises_what_each_error_code_means(app, harvester):
    with pytest.raises(oai_errors.BadVerb):
        harvester.harvest({"verb": "Oogst"})
    with pytest.raises(oai_errors.BadArgument):
        list(harvester.list_identifiers(metadata_prefix="oai_dc", from_="vorige week"))
    with pytest.raises(oai_errors.BadResumptionToken):
        list(harvester.list_records(resumption_token="eyJ2IjoxfQ"))
    with pytest.raises(oai_errors.CannotDisseminateFormat):
        list(harvester.list_records(metadata_prefix="nl_lom"))
    with pytest.raises(oai_errors.IdDoesNotExist):
        harvester.get_record(identifier="oai:127.0.0.1:trefpunt/424242")
    with pytest.raises(oai_errors.NoRecordsMatch):
        list(harvester.list_records(from_="2099-12-31"))


class NoSets:
    """A repository without a set hierarchy (a vocabulary without skill domains)."""

    def sets(self):
        return []

    def earliest_change(self):
        return None

    def item(self, material_id):
        return None

    def items(self, window: Window, set_spec, after, limit):
        return [], 0


@pytest.mark.parametrize(
    "args",
    [{"verb": ["ListSets"]}, {"verb": ["ListIdentifiers"], "metadataPrefix": ["oai_dc"], "set": ["a"]}],
)
def test_a_repository_without_sets_says_no_set_hierarchy(args):
    info = oai_xml.RepositoryInfo(
        "Trefpunt", "https://trefpunt.example.nl/oai", "a@b.nl", "trefpunt.example.nl"
    )
    formats = {"oai_dc": object()}
    root = etree.fromstring(oai_xml.respond(args, NoSets(), info, formats, 10))  # type: ignore[arg-type]
    assert root.find("oai:error", NS).get("code") == "noSetHierarchy"


def test_no_metadata_formats_is_never_said_every_record_has_both_formats(app, harvester):
    """``noMetadataFormats`` is for items without any format; every Trefpunt record has both, deleted too."""
    archived = next(iter(material_ids(app, Status.ARCHIVED).values()))
    formats = [f.metadataPrefix for f in harvester.list_metadata_formats(identifier=identifier(archived))]
    assert formats == ["oai_dc", "schema_org_jsonld"]


# -- HTTP: POST, caching, conditional GET ----------------------------------------------------------


def test_post_answers_as_get_does(server):
    query = "verb=ListIdentifiers&metadataPrefix=oai_dc&set=vaardigheid:rekenen"
    posted = fetch(
        f"{server.url}/oai",
        data=query.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    got = fetch(f"{server.url}/oai?{query}")
    assert posted.status == got.status == 200

    def without_date(body: bytes) -> bytes:
        return re.sub(rb"<responseDate>[^<]*</responseDate>", b"", body)

    assert without_date(posted.body) == without_date(got.body)


def test_a_kept_answer_is_sent_with_a_fresh_response_date_and_answers_304_until_a_change(app, server):
    url = f"{server.url}/oai?verb=ListRecords&metadataPrefix=oai_dc&set=vaardigheid:rekenen"
    first = fetch(url)
    time.sleep(1.1)
    second = fetch(url)
    assert first.headers["ETag"] == second.headers["ETag"]
    date = lambda a: etree.fromstring(a.body).findtext("oai:responseDate", namespaces=NS)  # noqa: E731
    assert date(second) > date(first)

    unchanged = fetch(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status == 304 and unchanged.body == b""
    assert fetch(url, headers={"If-Modified-Since": second.headers["Last-Modified"]}).status == 304

    slug, material_id = next(
        (slug, i)
        for slug, i in material_ids(app, Status.PUBLISHED).items()
        if f"trefpunt/{i}<" in first.body.decode()
    )
    record_url = f"{server.url}/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier(material_id)}"
    record_before = fetch(record_url).headers["ETag"]
    edit_summary(app, slug, "Een nieuwe samenvatting.")

    changed = fetch(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert b"Een nieuwe samenvatting." in changed.body
    assert fetch(record_url).headers["ETag"] != record_before


def test_pages_after_the_first_are_not_kept_so_a_harvest_cannot_push_search_pages_out(app, harvester):
    assert len(list(harvester.list_identifiers(metadata_prefix="oai_dc"))) > 3 * PAGE
    kept = [key for key in app.extensions["trefpunt.page_cache"] if key[0] == "/oai"]
    assert [key[1] for key in kept] == [b"verb=ListIdentifiers&metadataPrefix=oai_dc"]
