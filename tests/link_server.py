"""A small website on 127.0.0.1 for the link checker's tests: every answer a real site gives, nothing
leaving the machine."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 3


class Site:
    """Serves on a free loopback port and remembers every request (method, path, User-Agent, times)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self) -> None:
                site._answer(self, "HEAD")

            def do_GET(self) -> None:
                site._answer(self, "GET")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def paths(self, method: str | None = None) -> list[str]:
        return [r["path"] for r in self.requests if method is None or r["method"] == method]

    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        record = {"method": method, "path": handler.path}
        with self._lock:
            self.requests.append(record)
        record.update(
            user_agent=handler.headers.get("User-Agent", ""),
            host=handler.headers.get("Host", ""),
            started=time.monotonic(),
        )
        try:
            status, headers = self._route(handler.path, method)
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            body = b"" if status in (301, 302, 308) else f"<h1>{status}</h1>".encode()
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if method == "GET":
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            record["ended"] = time.monotonic()

    def _route(self, path: str, method: str) -> tuple[int, dict[str, str]]:
        if path == "/traag":
            time.sleep(SLOW_SECONDS)
            return 200, {}
        if path == "/geen-head" and method == "HEAD":
            return 405, {"Allow": "GET"}
        redirects = {
            "/oud": (301, "/tussen"),
            "/tussen": (301, f"{self.url}/nieuw"),
            "/lus-a": (301, "/lus-b"),
            "/lus-b": (301, "/lus-a"),
            "/tijdelijk": (302, "/ok"),
            "/permanent-dan-tijdelijk": (308, "/nieuw-thuis"),
            "/nieuw-thuis": (302, "/inloggen"),
            "/naar-binnen": (301, f"http://127.0.0.2:{self.server.server_port}/ok"),
        }
        if path in redirects:
            status, location = redirects[path]
            return status, {"Location": location}
        statuses = {"/weg": 404, "/verdwenen": 410, "/kapot": 500, "/robots-niet": 403}
        return statuses.get(path, 200), {}


def closed_port() -> int:
    """A loopback port nobody listens on: a connection there is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
