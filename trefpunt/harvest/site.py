"""What crawlers and browsers read about the site: the sitemap, robots.txt and the OpenSearch description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .xmltext import xml_text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
OPENSEARCH_TYPE = "application/opensearchdescription+xml"
SUGGESTIONS_TYPE = "application/x-suggestions+json"
# A sitemap file holds at most this many addresses (sitemaps.org); past it an index of sitemaps is needed.
SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class Location:
    url: str
    changed: dt.datetime | None = None


def sitemap(locations: Iterable[Location]) -> bytes:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    for location in locations:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = xml_text(location.url)
        if location.changed is not None:
            lastmod = location.changed.strftime("%Y-%m-%dT%H:%M:%SZ")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = lastmod
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def robots(base_url: str) -> str:
    """Crawl the pages people read; stay out of the CMS, the login and the endless search combinations.

    Every combination of search words, facets, sort order and page is an address of its own, so the search
    page is crawled bare only; the material pages are all in the sitemap.
    """
    return "\n".join(
        [
            "User-agent: *",
            "Disallow: /beheer",
            "Disallow: /auth",
            "Disallow: /zoeken?",
            "Disallow: /zoeken/",
            "Disallow: /feed",
            "Disallow: /suggesties",
            "Disallow: /api/",
            "Disallow: /oai",
            "",
            f"Sitemap: {base_url}/sitemap.xml",
            "",
        ]
    )


@dataclass(frozen=True)
class OpenSearchDescription:
    short_name: str
    description: str
    search_url: str  # the search page, with {searchTerms} in it
    feed_url: str
    suggestions_url: str
    self_url: str
    icon_url: str
    language: str = "nl"


def opensearch(description: OpenSearchDescription) -> bytes:
    root = etree.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription", nsmap={None: OPENSEARCH_NS})

    def add(name: str, text: str) -> etree._Element:
        element = etree.SubElement(root, f"{{{OPENSEARCH_NS}}}{name}")
        element.text = xml_text(text)
        return element

    add("ShortName", description.short_name)
    add("Description", description.description)
    add("InputEncoding", "UTF-8")
    add("Language", description.language)
    icon = add("Image", description.icon_url)
    icon.set("type", "image/svg+xml")
    icon.set("width", "16")
    icon.set("height", "16")
    for media_type, template, rel in (
        ("text/html", description.search_url, "results"),
        ("application/atom+xml", description.feed_url, "results"),
        (SUGGESTIONS_TYPE, description.suggestions_url, "suggestions"),
        (OPENSEARCH_TYPE, description.self_url, "self"),
    ):
        url = etree.SubElement(root, f"{{{OPENSEARCH_NS}}}Url")
        url.set("type", media_type)
        url.set("method", "get")
        url.set("rel", rel)
        url.set("template", xml_text(template))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
