"""A real browser (Debian's Chromium via Playwright) against the app served over HTTP on loopback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.10.2.min.js"
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def backend() -> str:
    """Browser stories run on SQLite; the database layer is covered on PostgreSQL elsewhere."""
    return "sqlite"


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # As a deployment configures it: the address its visitors use, in every link it writes.
        app.config["PUBLIC_BASE_URL"] = self.url
        # Polled every 20 ms, not every 500: shutdown waits for the next poll, after every test.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    """The seed catalogue served over HTTP on a free loopback port."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page for WCAG 2.1 A/AA; injected by evaluate because the CSP blocks script tags."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under tests/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def open_page(browser):
    """``open_page(**context_options)``: a page in a fresh browser context of its own (own cookies, own
    clipboard), as a second person on another computer would have; every context is closed after the test."""
    contexts = []

    def open_(**options):
        defaults = {"locale": "nl-NL", "viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(**{**defaults, **options})
        contexts.append(context)
        new = context.new_page()
        new.set_default_timeout(10_000)
        return new

    yield open_
    for context in contexts:
        context.close()
