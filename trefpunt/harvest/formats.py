"""The metadata formats a harvest can ask for: ``oai_dc`` (required by the protocol) and the material page's
schema.org JSON-LD. The README lists every field of both and where it comes from."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from trefpunt.catalog.models import Material

from .xmltext import xml_text

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# Ours: schema.org has no XML form, so its JSON-LD travels as the text of one element in this namespace
# (the schema, served at /oai/schema_org_jsonld.xsd, says just that).
JSON_LD_NS = "urn:trefpunt:oai:schema-org-jsonld"
JSON_LD_PREFIX = "schema_org_jsonld"
JSON_LD_SCHEMA_PATH = "/oai/schema_org_jsonld.xsd"

# Facets whose term labels are the subject, and whose are the type, of a Dublin Core record.
SUBJECT_FACET = "skill"
TYPE_FACET = "format"


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    render: Callable[[Material], etree._Element]


def dublin_core(material: Material, page_url: str) -> etree._Element:
    """Simple Dublin Core of a material, in Dutch like the material itself."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc",
        nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")

    def add(name: str, value: str | None) -> None:
        text = xml_text(value).strip()
        if text:
            etree.SubElement(root, f"{{{DC_NS}}}{name}").text = text

    add("title", material.title)
    for term in material.terms_of(SUBJECT_FACET):
        add("subject", term.label_nl)
    for keyword in material.keywords or []:
        add("subject", keyword)
    add("description", material.summary)
    add("description", material.description)
    add("publisher", material.provider)
    add("date", material.created_at.date().isoformat())
    for term in material.terms_of(TYPE_FACET):
        add("type", term.label_nl)
    add("identifier", page_url)
    add("identifier", material.url)
    add("language", "nl")
    return root


def json_ld_element(data: dict) -> etree._Element:
    """The JSON-LD of a material page as the text of one element."""
    root = etree.Element(f"{{{JSON_LD_NS}}}jsonld", nsmap={None: JSON_LD_NS})
    root.set("type", "application/ld+json")
    root.text = xml_text(json.dumps(data, ensure_ascii=False, sort_keys=False))
    return root


def metadata_formats(
    page_url: Callable[[Material], str],
    learning_resource: Callable[[Material, str], dict],
    base_url: str,
) -> dict[str, MetadataFormat]:
    """The formats by prefix, bound to how this site addresses a material page and describes it."""
    return {
        "oai_dc": MetadataFormat("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS, lambda m: dublin_core(m, page_url(m))),
        JSON_LD_PREFIX: MetadataFormat(
            JSON_LD_PREFIX,
            base_url + JSON_LD_SCHEMA_PATH,
            JSON_LD_NS,
            lambda m: json_ld_element(learning_resource(m, page_url(m))),
        ),
    }


JSON_LD_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{JSON_LD_NS}"
           xmlns="{JSON_LD_NS}" elementFormDefault="qualified">
  <xs:annotation>
    <xs:documentation>A Trefpunt material as schema.org LearningResource in JSON-LD (application/ld+json),
    exactly as its page embeds it, carried as the text of one element.</xs:documentation>
  </xs:annotation>
  <xs:element name="jsonld">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:string">
          <xs:attribute name="type" type="xs:string" fixed="application/ld+json"/>
        </xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
