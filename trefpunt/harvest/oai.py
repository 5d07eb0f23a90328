"""OAI-PMH 2.0 requests: the six verbs and their arguments, datestamps, identifiers and resumption tokens.

Everything a harvester can get wrong is an ``OaiError`` carrying one of the protocol's error codes; the
answer to a request is built by ``oai_xml``. Nothing here knows Flask or the database.

Resumption tokens hold the harvest's position, not an offset: lists are ordered by (change time, id), and a
token carries the last (change time, id) sent together with the request's own ``from``/``until``/``set``/
``metadataPrefix``. A material edited between two pages moves to the end of the order (its change time is
now later), so it is sent again with its new content and nothing after the position is skipped; a token
never expires, because it names no state the server keeps.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

PROTOCOL_VERSION = "2.0"
# Datestamps are given and accepted to the second, always in UTC.
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DAY_FORMAT = "%Y-%m-%d"
SECOND_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

IDENTIFY = "Identify"
LIST_METADATA_FORMATS = "ListMetadataFormats"
LIST_SETS = "ListSets"
LIST_IDENTIFIERS = "ListIdentifiers"
LIST_RECORDS = "ListRecords"
GET_RECORD = "GetRecord"

# Per verb: the arguments it requires and those it allows besides. ``resumptionToken`` is exclusive.
_REQUIRED: dict[str, frozenset[str]] = {
    IDENTIFY: frozenset(),
    LIST_METADATA_FORMATS: frozenset(),
    LIST_SETS: frozenset(),
    LIST_IDENTIFIERS: frozenset({"metadataPrefix"}),
    LIST_RECORDS: frozenset({"metadataPrefix"}),
    GET_RECORD: frozenset({"identifier", "metadataPrefix"}),
}
_OPTIONAL: dict[str, frozenset[str]] = {
    IDENTIFY: frozenset(),
    LIST_METADATA_FORMATS: frozenset({"identifier"}),
    LIST_SETS: frozenset(),
    LIST_IDENTIFIERS: frozenset({"from", "until", "set"}),
    LIST_RECORDS: frozenset({"from", "until", "set"}),
    GET_RECORD: frozenset(),
}
RESUMABLE = frozenset({LIST_IDENTIFIERS, LIST_RECORDS, LIST_SETS})
VERBS = tuple(_REQUIRED)

# What setSpec and metadataPrefix may be made of (the protocol's XML schema).
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
METADATA_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")


class OaiError(Exception):
    """A request the protocol answers with an error code (HTTP 200 and an ``<error>`` element)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """Whether the response's ``<request>`` element may repeat the arguments (not for these two)."""
        return self.code not in ("badVerb", "badArgument")


@dataclass(frozen=True)
class Window:
    """The change times a list covers: ``start`` inclusive, ``end`` exclusive; None is open."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True)
class Position:
    """The last item a page sent, in list order: its exact change time and its id."""

    changed: dt.datetime
    id: int


@dataclass(frozen=True)
class ListRequest:
    """What ListIdentifiers/ListRecords ask for, first page or resumed."""

    verb: str
    metadata_prefix: str
    set_spec: str | None = None
    from_: str | None = None
    until: str | None = None
    after: Position | None = None
    cursor: int = 0

    @property
    def window(self) -> Window:
        return Window(
            parse_datestamp(self.from_) if self.from_ else None,
            _end_of(self.until) if self.until else None,
        )

    def resumed_after(self, position: Position, sent: int) -> ListRequest:
        return replace(self, after=position, cursor=self.cursor + sent)


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    arguments: Mapping[str, str]
    identifier: str | None = None
    metadata_prefix: str | None = None
    listing: ListRequest | None = None


def parse_request(args: Mapping[str, Sequence[str]]) -> OaiRequest:
    """The request ``args`` (every value of every parameter) make, or the ``OaiError`` they deserve."""
    verbs = list(args.get("verb", ()))
    if len(verbs) != 1 or verbs[0] not in _REQUIRED:
        if len(verbs) > 1:
            raise OaiError("badVerb", "The verb argument is repeated.")
        if not verbs:
            raise OaiError("badVerb", "The verb argument is missing.")
        raise OaiError("badVerb", f"'{verbs[0]}' is not an OAI-PMH verb.")
    verb = verbs[0]
    repeated = sorted(name for name, values in args.items() if len(values) > 1)
    if repeated:
        raise OaiError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    given = {name: values[0] for name, values in args.items() if name != "verb"}
    if "resumptionToken" in given:
        if verb not in RESUMABLE:
            raise OaiError("badArgument", f"{verb} does not take a resumptionToken.")
        if len(given) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument.")
        return _resumed(verb, given)
    allowed = _REQUIRED[verb] | _OPTIONAL[verb]
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise OaiError("badArgument", f"Illegal argument for {verb}: {', '.join(unknown)}.")
    missing = sorted(_REQUIRED[verb] - set(given))
    if missing:
        raise OaiError("badArgument", f"{verb} requires: {', '.join(missing)}.")
    arguments = {"verb": verb, **given}
    if verb in (LIST_IDENTIFIERS, LIST_RECORDS):
        listing = ListRequest(
            verb, given["metadataPrefix"], given.get("set"), given.get("from"), given.get("until")
        )
        _check_listing(listing)
        return OaiRequest(verb, arguments, metadata_prefix=listing.metadata_prefix, listing=listing)
    return OaiRequest(
        verb, arguments, identifier=given.get("identifier"), metadata_prefix=given.get("metadataPrefix")
    )


def _check_listing(listing: ListRequest) -> None:
    if listing.set_spec is not None and not SET_SPEC.fullmatch(listing.set_spec):
        raise OaiError("badArgument", "The set argument is not a setSpec.")
    for name, value in (("from", listing.from_), ("until", listing.until)):
        if value is not None:
            parse_datestamp(value, argument=name)
    if listing.from_ and listing.until:
        if len(listing.from_) != len(listing.until):
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if parse_datestamp(listing.from_) > parse_datestamp(listing.until):
            raise OaiError("badArgument", "from is later than until.")


def parse_datestamp(value: str, *, argument: str = "from") -> dt.datetime:
    """A UTC datestamp of either granularity as a naive UTC datetime (the database's own)."""
    for form, length in ((DAY_FORMAT, 10), (SECOND_FORMAT, 20)):
        if len(value) == length:
            try:
                return dt.datetime.strptime(value, form)
            except ValueError:
                break
    raise OaiError(
        "badArgument", f"{argument} must be a UTC date (YYYY-MM-DD) or time (YYYY-MM-DDThh:mm:ssZ)."
    )


def _end_of(until: str) -> dt.datetime:
    """The first moment after ``until``: a day includes all of it, a second all of that second."""
    start = parse_datestamp(until, argument="until")
    return start + (dt.timedelta(days=1) if len(until) == 10 else dt.timedelta(seconds=1))


def datestamp(moment: dt.datetime) -> str:
    """A naive UTC datetime as the protocol writes it, to the second."""
    return moment.strftime(SECOND_FORMAT)


# -- identifiers ----------------------------------------------------------------------------------


def oai_identifier(repository: str, material_id: int) -> str:
    """The persistent identifier of a material: its database id, never its slug (which editors change)."""
    return f"oai:{repository}:trefpunt/{material_id}"


def material_id_of(repository: str, identifier: str) -> int | None:
    """The material id an identifier of this repository names, or None."""
    prefix = f"oai:{repository}:trefpunt/"
    if not identifier.startswith(prefix):
        return None
    number = identifier[len(prefix) :]
    if not (number.isascii() and number.isdigit()) or len(number) > 10 or number.startswith("0"):
        return None
    return int(number)


# -- resumption tokens ----------------------------------------------------------------------------

_TOKEN_VERSION = 1


def encode_token(listing: ListRequest) -> str:
    """The token that resumes ``listing`` after its position: URL-safe, no state kept on the server."""
    assert listing.after is not None
    data = {
        "v": _TOKEN_VERSION,
        "verb": listing.verb,
        "p": listing.metadata_prefix,
        "s": listing.set_spec,
        "f": listing.from_,
        "u": listing.until,
        "t": listing.after.changed.isoformat(timespec="microseconds"),
        "i": listing.after.id,
        "c": listing.cursor,
    }
    packed = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def _resumed(verb: str, given: Mapping[str, str]) -> OaiRequest:
    token = given["resumptionToken"]
    data = _decode(token)
    arguments = {"verb": verb, "resumptionToken": token}
    if data.get("verb") != verb:
        # ListSets answers in one piece, so no token of ours names it.
        raise OaiError("badResumptionToken", "This resumptionToken belongs to another verb.")
    try:
        listing = ListRequest(
            verb,
            _text(data["p"]),
            _optional_text(data["s"]),
            _optional_text(data["f"]),
            _optional_text(data["u"]),
            Position(dt.datetime.fromisoformat(_text(data["t"])), _count(data["i"])),
            _count(data["c"]),
        )
        _check_listing(listing)
    except (KeyError, TypeError, ValueError, OaiError) as exc:
        raise OaiError("badResumptionToken", "The resumptionToken is damaged.") from exc
    if listing.after is None or listing.after.changed.tzinfo is not None:
        raise OaiError("badResumptionToken", "The resumptionToken is damaged.")
    return OaiRequest(verb, arguments, metadata_prefix=listing.metadata_prefix, listing=listing)


def _decode(token: str) -> dict:
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(packed)
    except (binascii.Error, ValueError):
        data = None
    if not isinstance(data, dict) or data.get("v") != _TOKEN_VERSION:
        raise OaiError("badResumptionToken", "The resumptionToken is not one this repository issued.")
    return data


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise TypeError("count expected")
    return value
