"""One visit of one address, against a real HTTP server on 127.0.0.1: what the checker asks and what it
makes of every kind of answer. No database; nothing leaves the machine."""

from __future__ import annotations

import time

import pytest
from link_server import SLOW_SECONDS, Site, closed_port

from trefpunt.links import policy_from, user_agent
from trefpunt.links.checker import HostGate, outcome_of
from trefpunt.links.models import Outcome
from trefpunt.links.probe import Policy, probe

UA = "Trefpunt-linkcontrole/1.0 (+https://trefpunt.example.nl; linkcontrole@example.nl)"
LOCAL = Policy(UA, connect_timeout=1, read_timeout=0.5, allowed_networks=Policy.networks(["127.0.0.1/32"]))


@pytest.fixture(scope="module")
def site():
    with Site() as running:
        yield running


def check(site, path, policy=LOCAL):
    found = probe(site.url + path, policy)
    return found, outcome_of(found)


def test_a_working_page_is_asked_with_head_only_and_an_honest_user_agent(site):
    site.requests.clear()
    found, outcome = check(site, "/ok")
    assert (outcome, found.status, found.final_url) == (Outcome.OK, 200, site.url + "/ok")
    assert site.paths() == ["/ok"] and site.paths("HEAD") == ["/ok"]
    assert site.requests[0]["user_agent"] == UA
    assert site.requests[0]["host"] == site.url.removeprefix("http://")


def test_the_user_agent_names_the_site_and_its_contact():
    config = {
        "PUBLIC_BASE_URL": "https://trefpunt.example.nl",
        "LINK_CHECK_CONTACT": "linkcontrole@example.nl",
    }
    assert user_agent(config) == UA
    assert user_agent({"PUBLIC_BASE_URL": "https://trefpunt.example.nl"}) == (
        "Trefpunt-linkcontrole/1.0 (+https://trefpunt.example.nl)"
    )


def test_a_chain_of_permanent_redirects_is_followed_recorded_hop_by_hop_and_suggests_the_new_address(site):
    found, outcome = check(site, "/oud")
    assert outcome == Outcome.MOVED
    assert [(h.url.removeprefix(site.url), h.status) for h in found.hops] == [
        ("/oud", 301),
        ("/tussen", 301),
        ("/nieuw", 200),
    ]
    assert found.final_url == found.moved_to == site.url + "/nieuw"


def test_a_temporary_redirect_works_and_suggests_nothing(site):
    found, outcome = check(site, "/tijdelijk")
    assert (outcome, found.status, found.final_url, found.moved_to) == (Outcome.OK, 200, site.url + "/ok", "")


def test_only_the_permanent_part_of_a_chain_is_suggested(site):
    # Moved for good to /nieuw-thuis, which then sends visitors to a login for today: keep /nieuw-thuis.
    found, outcome = check(site, "/permanent-dan-tijdelijk")
    assert outcome == Outcome.MOVED
    assert found.moved_to == site.url + "/nieuw-thuis"
    assert found.final_url == site.url + "/inloggen"


def test_a_redirect_loop_is_broken_and_says_so(site):
    found, outcome = check(site, "/lus-a")
    assert outcome == Outcome.BROKEN
    assert found.error_kind == "redirect_loop"
    assert [h.url.removeprefix(site.url) for h in found.hops] == ["/lus-a", "/lus-b"]


@pytest.mark.parametrize("path, status", [("/weg", 404), ("/verdwenen", 410), ("/kapot", 500)])
def test_error_statuses_are_broken_and_confirmed_with_get(site, path, status):
    site.requests.clear()
    found, outcome = check(site, path)
    assert (outcome, found.status, found.error_kind) == (Outcome.BROKEN, status, "")
    # A server may answer HEAD wrongly; GET is asked before the link is called broken.
    assert [(r["method"], r["path"]) for r in site.requests] == [("HEAD", path), ("GET", path)]
    assert found.hops[-1].method == "GET"


def test_head_not_allowed_falls_back_to_get(site):
    found, outcome = check(site, "/geen-head")
    assert (outcome, found.status) == (Outcome.OK, 200)
    assert [h.method for h in found.hops] == ["GET"]


def test_a_site_that_refuses_robots_is_not_called_broken(site):
    found, outcome = check(site, "/robots-niet")
    assert (outcome, found.status) == (Outcome.TURNED_AWAY, 403)


def test_a_slow_answer_times_out_after_the_read_timeout(site):
    started = time.monotonic()
    found, outcome = check(site, "/traag")
    took = time.monotonic() - started
    assert (outcome, found.error_kind, found.status) == (Outcome.BROKEN, "timeout", None)
    assert 0.4 < took < SLOW_SECONDS - 1


def test_a_refused_connection_is_broken():
    found = probe(f"http://127.0.0.1:{closed_port()}/", LOCAL)
    assert (outcome_of(found), found.error_kind, found.hops) == (Outcome.BROKEN, "refused", [])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",
        "http://localhost:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_addresses_are_never_visited_unless_allowed(url):
    found = probe(url, Policy(UA, connect_timeout=0.2))
    assert (outcome_of(found), found.error_kind, found.hops) == (Outcome.NOT_CHECKED, "private", [])
    assert "intern adres" in found.error_detail


def test_a_redirect_into_a_private_network_is_not_followed(site):
    found, outcome = check(site, "/naar-binnen")
    assert (outcome, found.error_kind) == (Outcome.NOT_CHECKED, "private")
    assert [h.status for h in found.hops] == [301]


@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https_are_visited(url):
    found = probe(url, LOCAL)
    assert (outcome_of(found), found.error_kind) == (Outcome.NOT_CHECKED, "scheme")


def test_the_settings_become_the_policy():
    policy = policy_from(
        {
            "PUBLIC_BASE_URL": "https://trefpunt.example.nl",
            "LINK_CHECK_CONTACT": "linkcontrole@example.nl",
            "LINK_CHECK_CONNECT_TIMEOUT": 2,
            "LINK_CHECK_READ_TIMEOUT": 3,
            "LINK_CHECK_PRIVATE_NETWORKS": ["127.0.0.0/8"],
        }
    )
    assert (policy.user_agent, policy.connect_timeout, policy.read_timeout) == (UA, 2.0, 3.0)
    assert [str(n) for n in policy.allowed_networks] == ["127.0.0.0/8"]


def test_one_request_at_a_time_per_host_with_a_pause_between(site):
    from concurrent.futures import ThreadPoolExecutor

    site.requests.clear()
    gate = HostGate(pause=0.1)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: probe(site.url + p, LOCAL, gate), ["/ok", "/nieuw", "/a", "/b"]))
    assert [r.status for r in results] == [200] * 4
    visits = sorted(site.requests, key=lambda r: r["started"])
    assert len(visits) == 4
    # Each request starts only after the one before it ended, and a pause later.
    gaps = [later["started"] - earlier["ended"] for earlier, later in zip(visits, visits[1:], strict=False)]
    assert min(gaps) >= 0.09


def test_a_certificate_nobody_vouches_for_is_a_broken_link(tmp_path):
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        found = probe(f"https://127.0.0.1:{server.server_port}/", LOCAL)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert (outcome_of(found), found.error_kind, found.hops) == (Outcome.BROKEN, "tls", [])
    assert "certificate" in found.error_detail.lower()
