"""Search engines and browsers find their way in: the sitemap lists every published material, robots.txt
keeps crawlers out of the CMS and the endless search combinations, and the OpenSearch description lets a
browser search Trefpunt from its address bar (with suggestions)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit
from urllib.robotparser import RobotFileParser

from lxml import etree

from tests.open_standards import change_status
from trefpunt.catalog.models import Material, Status
from trefpunt.db import session_factory

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def published(app) -> dict[str, str]:
    """Slug -> change time (as the sitemap writes it) of every published material."""
    with session_factory(app)() as session:
        rows = session.query(Material.slug, Material.updated_at).filter(Material.status == Status.PUBLISHED)
        return {slug: changed.strftime("%Y-%m-%dT%H:%M:%SZ") for slug, changed in rows}


def sitemap_of(client) -> tuple[object, dict[str, str | None]]:
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200 and answer.mimetype == "text/xml"
    root = etree.fromstring(answer.data)
    assert root.tag == f"{{{SITEMAP}}}urlset"
    ns = {"s": SITEMAP}
    return answer, {u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in root}


def test_the_sitemap_lists_the_main_pages_and_every_published_material_with_its_change_time(app, client):
    _answer, urls = sitemap_of(client)
    base = app.config["PUBLIC_BASE_URL"]
    assert urls.pop(f"{base}/") is None and urls.pop(f"{base}/zoeken") is None
    assert urls == {f"{base}/leermiddel/{slug}": changed for slug, changed in published(app).items()}
    for url in list(urls)[:5]:
        assert client.get(urlsplit(url).path).status_code == 200


def test_an_archived_material_leaves_the_sitemap_and_changes_its_etag(app, client):
    first, urls = sitemap_of(client)
    assert client.get("/sitemap.xml", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert any(url.endswith("/leermiddel/taalklas-nl") for url in urls)

    change_status(app, "taalklas-nl", Status.ARCHIVED)

    again, urls = sitemap_of(client)
    assert again.headers["ETag"] != first.headers["ETag"]
    assert not any(url.endswith("/leermiddel/taalklas-nl") for url in urls)


def disallowed(robots: str, path: str) -> bool:
    """Whether ``path`` is disallowed for every crawler, by the longest matching rule (RFC 9309: ``*`` is any
    run of characters, ``$`` the end; among rules of equal length Allow wins)."""
    best, allowed = -1, True
    for line in robots.splitlines():
        rule, _, value = line.partition(":")
        if rule.strip().lower() not in ("allow", "disallow") or not value.strip():
            continue
        pattern = "".join(".*" if c == "*" else "$" if c == "$" else re.escape(c) for c in value.strip())
        if re.match(pattern, path) and len(value.strip()) >= best:
            is_allow = rule.strip().lower() == "allow"
            if len(value.strip()) > best or is_allow:
                best, allowed = len(value.strip()), is_allow
    return not allowed


def test_robots_keeps_crawlers_out_of_the_cms_login_and_search_combinations(app, client):
    answer = client.get("/robots.txt")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    robots = answer.get_data(as_text=True)
    assert f"Sitemap: {app.config['PUBLIC_BASE_URL']}/sitemap.xml" in robots.splitlines()

    for path in (
        "/beheer",
        "/beheer/leermiddelen/nieuw",
        "/auth/login",
        "/zoeken?q=rekenen",
        "/zoeken?vaardigheid=rekenen&doelgroep=ouders&niveau=1f",
        "/zoeken/aanbieders?q=taal",
        "/feed?q=taal",
        "/api/v1/materials?q=taal",
        "/oai?verb=ListRecords",
    ):
        assert disallowed(robots, path), path
    for path in ("/", "/zoeken", "/leermiddel/taalklas-nl", "/sitemap.xml", "/static/css/theme.css"):
        assert not disallowed(robots, path), path

    standard = RobotFileParser()
    standard.parse(robots.splitlines())
    assert not standard.can_fetch("Googlebot", "/beheer/leermiddelen")
    assert not standard.can_fetch("Googlebot", "/auth/login")
    assert standard.can_fetch("Googlebot", "/leermiddel/taalklas-nl")


def test_the_opensearch_description_lets_a_browser_search_and_suggest(app, client):
    answer = client.get("/opensearch.xml")
    assert answer.status_code == 200 and answer.mimetype == "application/opensearchdescription+xml"
    root = etree.fromstring(answer.data)
    ns = {"o": OPENSEARCH}
    assert root.tag == f"{{{OPENSEARCH}}}OpenSearchDescription"
    assert 0 < len(root.findtext("o:ShortName", namespaces=ns)) <= 16
    assert len(root.findtext("o:Description", namespaces=ns)) <= 1024
    templates = {u.get("type"): u.get("template") for u in root.findall("o:Url", namespaces=ns)}
    base = app.config["PUBLIC_BASE_URL"]
    assert templates["text/html"] == f"{base}/zoeken?q={{searchTerms}}"

    search = urlsplit(templates["text/html"].replace("{searchTerms}", quote("digid ouderen")))
    page = client.get(f"{search.path}?{search.query}")
    assert page.status_code == 200 and b"DigiD" in page.data
    feed = urlsplit(templates["application/atom+xml"].replace("{searchTerms}", "digid"))
    assert client.get(f"{feed.path}?{feed.query}").mimetype == "application/atom+xml"

    suggest = urlsplit(templates["application/x-suggestions+json"].replace("{searchTerms}", "digid"))
    words, titles, _descriptions, pages = client.get(f"{suggest.path}?{suggest.query}").get_json()
    assert words == "digid" and 0 < len(titles) <= 8 and len(pages) == len(titles)
    assert any("DigiD" in title for title in titles)
    assert client.get("/suggesties?q=").get_json() == ["", [], [], []]


def test_every_page_names_the_opensearch_description(client):
    page = client.get("/").get_data(as_text=True)
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml" '
        'title="Trefpunt">' in page
    )
