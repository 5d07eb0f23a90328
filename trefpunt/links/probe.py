"""Visit one web address as a polite robot and say what happened: no database, no Flask.

A material's address is typed by an editor, so the checker treats it as untrusted input: only http and
https, every host name resolved first and refused when it points into a private network (loopback, RFC
1918, link-local, ...) unless that network is configured as allowed, and the connection then made to the
very address that was vetted, so a second DNS answer cannot slip a private one in (DNS rebinding). Every
redirect hop is vetted the same way. Without this, an editor (or a redirect from any website) could make
the server knock on http://127.0.0.1:5432 or a cloud metadata address and learn what answers there.

HEAD first, because it costs the site nothing; GET when HEAD is refused or answered with an error (405,
501, and the 403s and 404s of servers that only implement GET). A GET reads the status and headers and
hangs up before the body.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

# What went wrong, when no HTTP status says it: stored in ``LinkCheck.error_kind``.
TIMEOUT = "timeout"
REFUSED = "refused"
DNS = "dns"
TLS = "tls"
CONNECTION = "connection"
PROTOCOL = "protocol"
PRIVATE = "private"
SCHEME = "scheme"
REDIRECT_LOOP = "redirect_loop"
TOO_MANY_REDIRECTS = "too_many_redirects"

PERMANENT_REDIRECTS = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Answers to HEAD that say nothing about GET: retry with GET before believing them.
HEAD_UNTRUSTED_FROM = 400

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Policy:
    """How the checker behaves on the network; built from the app's LINK_CHECK_* settings."""

    user_agent: str
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_redirects: int = 10
    # Private networks the checker may visit anyway (tests: 127.0.0.0/8). Empty in production.
    allowed_networks: tuple[Network, ...] = ()

    @staticmethod
    def networks(values: Sequence[str]) -> tuple[Network, ...]:
        return tuple(ipaddress.ip_network(v, strict=False) for v in values)


@dataclass(frozen=True)
class Hop:
    """One answer on the way: the address asked and its status (a redirect's ``location`` follows it)."""

    url: str
    status: int
    method: str


@dataclass
class Probe:
    """What one visit found: the answers on the way, the last status, where it ended, or what failed."""

    url: str
    hops: list[Hop] = field(default_factory=list)
    status: int | None = None
    final_url: str = ""
    error_kind: str = ""
    error_detail: str = ""
    elapsed_ms: int = 0

    @property
    def moved_to(self) -> str:
        """The address a run of permanent redirects from the start leads to ('' when there is none).

        Only permanent ones (301, 308) and only from the first answer on: a temporary redirect (to a
        login, a language, today's page) says nothing about where the material now lives.
        """
        target = ""
        for number, hop in enumerate(self.hops):
            if hop.status not in PERMANENT_REDIRECTS:
                break
            target = self.hops[number + 1].url if number + 1 < len(self.hops) else self.final_url
        return target if target and target != self.url else ""


class Refused(Exception):
    """The checker will not visit this address (scheme or private network); ``kind`` says why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind


# A gate a request waits at for its turn with a host (see checker.HostGate); none in a one-off probe.
Gate = Callable[[str], AbstractContextManager[object]]


def probe(url: str, policy: Policy, gate: Gate | None = None) -> Probe:
    """Visit ``url``, following redirects, and return what was found; never raises for network trouble."""
    gate = gate or (lambda host: nullcontext())
    found = Probe(url)
    started = time.monotonic()
    try:
        _follow(found, policy, gate)
    except Refused as refusal:
        found.error_kind, found.error_detail = refusal.kind, str(refusal)
    except TimeoutError as error:
        found.error_kind, found.error_detail = TIMEOUT, str(error) or "timed out"
    except ConnectionRefusedError as error:
        found.error_kind, found.error_detail = REFUSED, str(error)
    except socket.gaierror as error:
        found.error_kind, found.error_detail = DNS, str(error)
    except (ssl.SSLError, ssl.CertificateError) as error:
        found.error_kind, found.error_detail = TLS, str(error)
    except (http.client.HTTPException, UnicodeError, ValueError) as error:
        found.error_kind, found.error_detail = PROTOCOL, f"{type(error).__name__}: {error}"
    except OSError as error:
        found.error_kind, found.error_detail = CONNECTION, str(error) or type(error).__name__
    found.error_detail = found.error_detail[:300]
    found.elapsed_ms = round((time.monotonic() - started) * 1000)
    return found


def _follow(found: Probe, policy: Policy, gate: Gate) -> None:
    current, seen = found.url, {found.url}
    while True:
        status, location, method = _ask(current, policy, gate)
        found.hops.append(Hop(current, status, method))
        found.status, found.final_url = status, current
        if status not in REDIRECTS or not location:
            return
        if len(found.hops) > policy.max_redirects:
            raise Refused(TOO_MANY_REDIRECTS, f"meer dan {policy.max_redirects} doorverwijzingen")
        current = urljoin(current, location.strip())
        if current in seen:
            found.final_url = current
            raise Refused(REDIRECT_LOOP, f"doorverwijzing in een kring terug naar {current}")
        seen.add(current)


def _ask(url: str, policy: Policy, gate: Gate) -> tuple[int, str, str]:
    """(status, Location, method) for one address: HEAD, and GET when HEAD's answer cannot be trusted."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(SCHEME, f"alleen http- en https-adressen worden gecontroleerd, niet {url[:80]}")
    address = _vetted_address(parts.hostname, parts.port or _default_port(parts.scheme), policy)
    with gate(parts.hostname):
        try:
            status, location = _request("HEAD", url, address, policy)
            if status < HEAD_UNTRUSTED_FROM:
                return status, location, "HEAD"
        except (http.client.RemoteDisconnected, http.client.BadStatusLine):
            pass  # some servers hang up on HEAD; GET decides
        status, location = _request("GET", url, address, policy)
        return status, location, "GET"


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _vetted_address(host: str, port: int, policy: Policy) -> tuple[str, int]:
    """The first address ``host`` resolves to, once every address it resolves to may be visited."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4] for info in infos]
    for sockaddr in addresses:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not _may_visit(ip, policy):
            raise Refused(PRIVATE, f"{host} wijst naar een intern adres ({ip}); dat wordt niet bezocht")
    return str(addresses[0][0]), port


def _may_visit(ip: IPAddress, policy: Policy) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in policy.allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def _request(method: str, url: str, address: tuple[str, int], policy: Policy) -> tuple[int, str]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    connection = _connection(parts.scheme, host, address, policy)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.putrequest(method, _ascii_path(path), skip_host=True, skip_accept_encoding=True)
        for name, value in _headers(parts.scheme, host, parts.port, policy):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        # Only the status line and headers: the body of a GET is never read.
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def _headers(scheme: str, host: str, port: int | None, policy: Policy) -> Iterator[tuple[str, str]]:
    name = host.encode("idna").decode("ascii") if not host.isascii() else host
    if ":" in name:
        name = f"[{name}]"
    yield "Host", name if port in (None, _default_port(scheme)) else f"{name}:{port}"
    yield "User-Agent", policy.user_agent
    yield "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"
    yield "Accept-Language", "nl,en;q=0.5"
    yield "Connection", "close"


def _ascii_path(path: str) -> str:
    # An address with a space or an accented letter typed into it: send it percent-encoded, as a browser.
    return quote(path, safe="/?&=%:@!$'()*+,;~-._[]")


def _connection(
    scheme: str, host: str, address: tuple[str, int], policy: Policy
) -> http.client.HTTPConnection:
    if scheme == "https":
        return _PinnedHTTPSConnection(host, address, policy)
    return _PinnedHTTPConnection(host, address, policy)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the vetted address, with the connect timeout for connecting and the read timeout after."""

    def __init__(self, host: str, address: tuple[str, int], policy: Policy) -> None:
        super().__init__(host, address[1], timeout=policy.connect_timeout)
        self.pinned, self.read_timeout = address, policy.read_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection(self.pinned, self.timeout)
        self.sock.settimeout(self.read_timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to the vetted address, with the certificate checked against the host name (SNI)."""

    context = ssl.create_default_context()

    def connect(self) -> None:
        raw = socket.create_connection(self.pinned, self.timeout)
        try:
            self.sock = self.context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        self.sock.settimeout(self.read_timeout)
