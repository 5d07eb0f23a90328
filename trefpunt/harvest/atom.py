"""An Atom 1.0 feed (RFC 4287) of a search, written with lxml: every text escaped by the serializer.

Entry ids are the materials' persistent OAI identifiers, so an entry keeps its id when its title or slug
changes and a feed reader shows an edit as an update of the same entry; ``updated`` is the material's
change time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from .xmltext import xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class Category:
    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    page_url: str
    summary: str
    updated: dt.datetime
    resource_url: str = ""
    publisher: str = ""
    categories: Sequence[Category] = field(default_factory=tuple)


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    search_url: str
    updated: dt.datetime
    author: str
    language: str
    entries: Sequence[Entry]
    generator: str = "Trefpunt"


def timestamp(moment: dt.datetime) -> str:
    """A naive UTC datetime as RFC 3339, to the second, with Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_feed(feed: Feed) -> bytes:
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", feed.language)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title).set("type", "text")
    _text(root, "updated", timestamp(feed.updated))
    _text(_el(root, "author"), "name", feed.author)
    _link(root, "self", feed.self_url, MEDIA_TYPE)
    _link(root, "alternate", feed.search_url, "text/html")
    _text(root, "generator", feed.generator)
    for entry in feed.entries:
        _entry(root, entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _entry(root: etree._Element, entry: Entry) -> None:
    element = _el(root, "entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title).set("type", "text")
    _text(element, "updated", timestamp(entry.updated))
    _link(element, "alternate", entry.page_url, "text/html")
    if entry.resource_url:
        _link(element, "related", entry.resource_url, None)
    if entry.publisher:
        _text(_el(element, "contributor"), "name", entry.publisher)
    for category in entry.categories:
        tag = _el(element, "category")
        tag.set("term", xml_text(category.term))
        tag.set("label", xml_text(category.label))
        tag.set("scheme", xml_text(category.scheme))
    if entry.summary:
        _text(element, "summary", entry.summary).set("type", "text")


def _el(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ATOM_NS}}}{name}")


def _text(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = _el(parent, name)
    element.text = xml_text(text)
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str | None) -> None:
    link = _el(parent, "link")
    link.set("rel", rel)
    link.set("href", xml_text(href))
    if media_type:
        link.set("type", media_type)
