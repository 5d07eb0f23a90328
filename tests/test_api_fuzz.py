"""Hostile searchers and a fuzzed API get 4xx answers or results, never a server error.

The hostile run sends 20,000 search requests built from what attackers and unlucky users type (quotes,
operators, wildcards, unicode, control characters, very long words, huge page numbers, unknown and
repeated facets, broken percent-encoding) through the app, on SQLite and on PostgreSQL. The API fuzz run
lets schemathesis generate requests from ``trefpunt/api/openapi.json`` itself and checks every answer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from trefpunt.catalog.vocabulary import FACET_PARAMS

HOSTILE_REQUESTS = 20_000
# Fixed, so a failure names a request that fails again on the next run.
SEED = 20_261_112

WORDS = ["digid", "rekenen", "taal", "lezen", "ouders", "computercursus", "zorg", "geld", "nt2", "a1"]
OPERATORS = [
    "NOT",
    "OR",
    "AND",
    "-",
    "+",
    "*",
    "?",
    "~",
    "^2",
    ":",
    "title:",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    "\\",
    "/",
    "&&",
    "||",
    "!",
    "%",
    "_",
    "\u00a0",
    "*" * 40,
    '"' * 21,
    "-" * 30,
]
UNICODE = [
    "café",
    "ĳsje",
    "straße",
    "😀",
    "\u202e",
    "e\u0301",
    "\ufeff",
    "𝕯𝖎𝖌𝖎𝕯",
    "汉字",
    "عربى",
    "²",
    "٣",
    "İ",
    "ﬁ",
    "Ⅻ",
    "\u200b",
    "\U0010ffff",
    "Ω" * 50,
]
CONTROL = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r\n"]
INJECTION = ["<script>alert(1)</script>", "' OR 1=1 --", "%00", "${jndi:x}", "{{7*7}}", "../../etc/passwd"]
LONG = ["a" * 300, "lezen " * 60, "x" * 5000, "ab*" * 100]
FACET_VALUES = [
    "ouderen",
    "gratis",
    "a1",
    "1f",
    "digitale-vaardigheden",
    "online",
    "",
    "onbekend",
    "A1",
    "a1 ",
    "ouderen\x00",
    "²",
    "x" * 500,
    "gratis;betaald",
    "%",
    "1f&niveau=a1",
]
PAGES = [
    "0",
    "-1",
    "1",
    "2",
    "500",
    "501",
    "²",
    "٣",
    "1e9",
    "1.5",
    "0x10",
    " 2",
    "",
    "99999999999999999999",
    "9" * 400,
    "NaN",
]
SORTS = ["relevantie", "titel", "nieuwste", "", "TITEL", "random", "titel\x00", "relevantie,titel"]
UNKNOWN_PARAMS = ["foo", "niveau[]", "q ", "Q", "", "__proto__", "lang", "letterlijk", "x" * 200]
# Percent-encodings no browser sends: invalid UTF-8, an overlong NUL, a lone surrogate, half escapes.
RAW = ["%ff%fe", "%c0%80", "%ed%a0%80", "%", "%zz", "%e2%82", "%00", "%0d%0a"]
FACETS = [*FACET_PARAMS.values(), "aanbieder"]
ENDPOINTS = ["/zoeken"] * 12 + ["/api/v1/materials"] * 5 + ["/zoeken/aanbieders"] * 2 + ["/"]


def hostile_q(rng: random.Random) -> str:
    pools = [WORDS, WORDS, OPERATORS, UNICODE, CONTROL, INJECTION, LONG]
    parts = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 6))]
    return (
        (rng.choice(["", " "]) if rng.random() < 0.5 else "").join(parts)
        if rng.random() < 0.3
        else " ".join(parts)
    )


def hostile_address(rng: random.Random) -> tuple[str, str]:
    """A path and a raw query string: each piece percent-encoded, sometimes raw bytes spliced in."""
    args: list[tuple[str, str]] = []
    if rng.random() < 0.9:
        args.append(("q", hostile_q(rng)))
    for _ in range(rng.choice([0, 0, 1, 2, 3, 8])):
        args.append((rng.choice(FACETS), rng.choice(FACET_VALUES)))
    if rng.random() < 0.3:
        args.append(("pagina", rng.choice(PAGES)))
    if rng.random() < 0.2:
        args.append(("sorteer", rng.choice(SORTS)))
    if rng.random() < 0.1:
        args.append(("letterlijk", rng.choice(["1", "0", "ja", ""])))
    if rng.random() < 0.1:
        args.append((rng.choice(UNKNOWN_PARAMS), rng.choice(FACET_VALUES)))
    rng.shuffle(args)
    pieces = [f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in args]
    if rng.random() < 0.05:
        pieces.append("q=" + rng.choice(RAW))
    return rng.choice(ENDPOINTS), "&".join(pieces)


@pytest.fixture
def hostile_app(app):
    # Count a failure as the 500 a visitor would get, instead of raising it into the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


# The settings a hostile run's server takes beside the test app's own database and index. Fewer cards
# per page: the same code, a quarter of the rendering, so 20,000 requests fit in well under a minute.
HOSTILE_SERVER = {"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "SEARCH_PER_PAGE": 5}
# One server process per core, each sending its share: as a real server's workers would take them.
PROCESSES = 2


def hostile_run(config: dict, seed: int, count: int) -> tuple[Counter[int], list[str]]:
    """Send ``count`` hostile requests to a server made with ``config``: half as many addresses, each
    asked twice (the second time in another order, as a crawler comes back), so kept pages are attacked
    too. Returns the statuses and the first problems: a server error, or a second answer that differs."""
    from trefpunt import create_app
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine

    app = create_app(config)
    client = app.test_client()
    rng = random.Random(seed)
    # As the page's script asks too, sometimes: just the results region.
    addresses = [(*hostile_address(rng), rng.random() < 0.3) for _ in range(count // 2)]
    first: dict[int, int] = {}
    statuses: Counter[int] = Counter()
    problems = []
    for round_ in range(2):
        order = list(range(len(addresses)))
        if round_:
            rng.shuffle(order)
        for i in order:
            path, query, fragment = addresses[i]
            headers = {"X-Trefpunt-Fragment": "1"} if fragment else {}
            status = client.get(path, query_string=query, headers=headers).status_code
            statuses[status] += 1
            if status >= 500 or first.setdefault(i, status) != status:
                problems.append(f"{status} (first {first[i]}) {path}?{query}")
    get_engine(app).close()
    session_factory(app).kw["bind"].dispose()
    return statuses, problems[:5]


# A minute or two per backend: in `make soak` (run by .ci/run), keeping `make test` within its 20 minutes.
@pytest.mark.soak
def test_twenty_thousand_hostile_searches_get_no_server_error(app):
    config = {**HOSTILE_SERVER, **{k: app.config[k] for k in ("DATABASE_URL", "INDEX_DIR", "SECRET_KEY")}}
    share = HOSTILE_REQUESTS // PROCESSES
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = list(
            pool.map(hostile_run, [config] * PROCESSES, range(SEED, SEED + PROCESSES), [share] * PROCESSES)
        )
    statuses = sum((run_statuses for run_statuses, _ in runs), Counter())
    problems = [problem for _, run_problems in runs for problem in run_problems]
    assert sum(statuses.values()) == HOSTILE_REQUESTS
    assert problems == [], dict(statuses)
    # The run searched for real, not only into the guard: most requests got results or a redirect.
    assert statuses[200] + statuses[301] > HOSTILE_REQUESTS / 2, dict(statuses)
    assert statuses[400] > 0, dict(statuses)


# -- the API, fuzzed from its own OpenAPI document --------------------------------------------------

# Cases per operation and kind (fitting the document, and not): about 400 in all.
# Not checked: that every value outside the document is refused. By design the API ignores what it
# cannot use where the document says so (an unknown facet value, `lang=xx`), as the search pages do.
FUZZ_EXAMPLES = 100


def test_the_api_fuzzed_from_its_openapi_document_gives_no_server_error(hostile_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", hostile_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/materials", "/materials/{slug}", "/lists/{token}"}
    answered: Counter[int] = Counter()
    for operation, mode in itertools.product(operations, GenerationMode):

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode))
        def answers_as_documented(case):
            response = case.call()
            answered[response.status_code] += 1
            assert response.status_code < 500, case.as_curl_command()
            # Status, content type and body as the document says (raises, naming what differs).
            case.validate_response(response, excluded_checks=[negative_data_rejection])

        answers_as_documented()
    assert sum(answered.values()) >= len(operations) * 2 * 20, dict(answered)
    assert answered[200] and answered[400] and answered[404], dict(answered)
