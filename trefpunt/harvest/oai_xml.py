"""OAI-PMH 2.0 answers: one request's arguments in, the XML document out (lxml; no Flask, no database).

``respond`` parses the request (``oai``), asks a ``Repository`` for what it names and writes the answer:
an ``<error>`` with the protocol's code for anything a harvester got wrong, never an HTTP error. The
``responseDate`` is left as a placeholder that ``stamp_response_date`` fills in per answer, so the rest of
the document can be kept and validated (ETag) per catalogue state while every answer says when it was sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from . import oai
from .catalogue import DELETED_RECORD_POLICY, Item, SetDef
from .formats import XSI_NS, MetadataFormat
from .oai import OaiError, OaiRequest, Position, Window
from .xmltext import xml_text

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
RESPONSE_DATE_PLACEHOLDER = "RESPONSE-DATE"
_PLACEHOLDER_ELEMENT = f"<responseDate>{RESPONSE_DATE_PLACEHOLDER}</responseDate>".encode()
# Before the first material: the earliest datestamp of a repository that has no record yet.
EPOCH = dt.datetime(1970, 1, 1)
# A repositoryIdentifier the oai-identifier scheme accepts (a domain name).
_DOMAIN = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")


class Repository(Protocol):
    """What the protocol asks of the catalogue (``catalogue.CatalogueRepository``)."""

    def sets(self) -> list[SetDef]: ...
    def earliest_change(self) -> dt.datetime | None: ...
    def item(self, material_id: int) -> Item | None: ...
    def items(
        self, window: Window, set_spec: str | None, after: Position | None, limit: int
    ) -> tuple[list[Item], int]: ...


@dataclass(frozen=True)
class RepositoryInfo:
    name: str
    base_url: str  # of the OAI endpoint itself
    admin_email: str
    host: str  # the repositoryIdentifier in every oai identifier


def respond(
    args: Mapping[str, Sequence[str]],
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> bytes:
    """The answer to an OAI-PMH request, with its responseDate still to be stamped."""
    try:
        request = oai.parse_request(args)
        echoed = dict(request.arguments)
        answer = _ANSWERS[request.verb](request, repository, info, formats, page_size)
    except OaiError as error:
        echoed = {k: v[0] for k, v in args.items() if v} if error.echoes_arguments else {}
        answer = _error(error)
    root = _envelope(info, echoed)
    root.append(answer)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def stamp_response_date(body: bytes, now: dt.datetime) -> bytes:
    """``body`` with its responseDate, the first element after the root, set to ``now`` (UTC)."""
    stamp = f"<responseDate>{oai.datestamp(now)}</responseDate>".encode()
    return body.replace(_PLACEHOLDER_ELEMENT, stamp, 1)


def _envelope(info: RepositoryInfo, arguments: Mapping[str, str]) -> etree._Element:
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _add(root, "responseDate", RESPONSE_DATE_PLACEHOLDER)
    request = _add(root, "request", info.base_url)
    for name, value in arguments.items():
        request.set(name, xml_text(value))
    return root


def _add(parent: etree._Element, name: str, text: str | None = None, ns: str = OAI_NS) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = xml_text(text)
    return element


def _error(error: OaiError) -> etree._Element:
    element = etree.Element(f"{{{OAI_NS}}}error")
    element.set("code", error.code)
    element.text = xml_text(error.message)
    return element


# -- the six verbs --------------------------------------------------------------------------------


def _identify(
    request: OaiRequest,
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> etree._Element:
    verb = etree.Element(f"{{{OAI_NS}}}Identify")
    _add(verb, "repositoryName", info.name)
    _add(verb, "baseURL", info.base_url)
    _add(verb, "protocolVersion", oai.PROTOCOL_VERSION)
    _add(verb, "adminEmail", info.admin_email)
    _add(verb, "earliestDatestamp", oai.datestamp(repository.earliest_change() or EPOCH))
    _add(verb, "deletedRecord", DELETED_RECORD_POLICY)
    _add(verb, "granularity", oai.GRANULARITY)
    if _DOMAIN.fullmatch(info.host):
        description = _add(verb, "description")
        scheme = etree.SubElement(
            description, f"{{{OAI_IDENTIFIER_NS}}}oai-identifier", nsmap={None: OAI_IDENTIFIER_NS}
        )
        scheme.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_SCHEMA}")
        _add(scheme, "scheme", "oai", ns=OAI_IDENTIFIER_NS)
        _add(scheme, "repositoryIdentifier", info.host, ns=OAI_IDENTIFIER_NS)
        _add(scheme, "delimiter", ":", ns=OAI_IDENTIFIER_NS)
        _add(scheme, "sampleIdentifier", oai.oai_identifier(info.host, 1), ns=OAI_IDENTIFIER_NS)
    return verb


def _list_metadata_formats(
    request: OaiRequest,
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> etree._Element:
    if request.identifier is not None:
        _find(repository, info, request.identifier)
    verb = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
    for form in formats.values():
        element = _add(verb, "metadataFormat")
        _add(element, "metadataPrefix", form.prefix)
        _add(element, "schema", form.schema)
        _add(element, "metadataNamespace", form.namespace)
    return verb


def _list_sets(
    request: OaiRequest,
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> etree._Element:
    sets = repository.sets()
    if not sets:
        raise OaiError("noSetHierarchy", "This repository has no sets.")
    verb = etree.Element(f"{{{OAI_NS}}}ListSets")
    for found in sets:
        element = _add(verb, "set")
        _add(element, "setSpec", found.spec)
        _add(element, "setName", found.name)
    return verb


def _get_record(
    request: OaiRequest,
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> etree._Element:
    form = _format(formats, request.metadata_prefix)
    item = _find(repository, info, request.identifier or "")
    verb = etree.Element(f"{{{OAI_NS}}}GetRecord")
    _record(verb, item, info, form)
    return verb


def _list(
    request: OaiRequest,
    repository: Repository,
    info: RepositoryInfo,
    formats: Mapping[str, MetadataFormat],
    page_size: int,
) -> etree._Element:
    listing = request.listing
    assert listing is not None
    form = _format(formats, listing.metadata_prefix)
    if listing.set_spec is not None and not repository.sets():
        raise OaiError("noSetHierarchy", "This repository has no sets.")
    items, total = repository.items(listing.window, listing.set_spec, listing.after, page_size + 1)
    if not items:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    more = len(items) > page_size
    items = items[:page_size]
    verb = etree.Element(f"{{{OAI_NS}}}{listing.verb}")
    for item in items:
        if listing.verb == oai.LIST_RECORDS:
            _record(verb, item, info, form)
        else:
            _header(verb, item, info)
    if more or listing.after is not None:
        token = _add(verb, "resumptionToken")
        token.set("completeListSize", str(max(total, listing.cursor + len(items))))
        token.set("cursor", str(listing.cursor))
        if more:
            token.text = oai.encode_token(listing.resumed_after(items[-1].position, len(items)))
    return verb


_ANSWERS = {
    oai.IDENTIFY: _identify,
    oai.LIST_METADATA_FORMATS: _list_metadata_formats,
    oai.LIST_SETS: _list_sets,
    oai.GET_RECORD: _get_record,
    oai.LIST_IDENTIFIERS: _list,
    oai.LIST_RECORDS: _list,
}


def _format(formats: Mapping[str, MetadataFormat], prefix: str | None) -> MetadataFormat:
    form = formats.get(prefix or "")
    if form is None:
        raise OaiError("cannotDisseminateFormat", f"'{prefix}' is not a metadataPrefix of this repository.")
    return form


def _find(repository: Repository, info: RepositoryInfo, identifier: str) -> Item:
    material_id = oai.material_id_of(info.host, identifier)
    item = repository.item(material_id) if material_id is not None else None
    if item is None:
        raise OaiError("idDoesNotExist", f"'{identifier}' is not an identifier of this repository.")
    return item


def _header(parent: etree._Element, item: Item, info: RepositoryInfo) -> None:
    header = _add(parent, "header")
    if item.deleted:
        header.set("status", "deleted")
    _add(header, "identifier", oai.oai_identifier(info.host, item.id))
    _add(header, "datestamp", oai.datestamp(item.changed))
    for spec in item.sets:
        _add(header, "setSpec", spec)


def _record(parent: etree._Element, item: Item, info: RepositoryInfo, form: MetadataFormat) -> None:
    record = _add(parent, "record")
    _header(record, item, info)
    if not item.deleted:
        _add(record, "metadata").append(form.render(item.material))
