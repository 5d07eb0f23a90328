"""Load tests over loopback: gunicorn (2 sync workers) serving an app, a load generator in another process.

The generator is wrk when it is installed (Debian's ``wrk``; ``make bench`` installs it when it can), else
a bounded Python client with one thread per connection. Both keep 8 connections busy for a fixed time and
rotate over the search URLs; every run is bounded in time and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
CONNECTIONS = 8
WORKERS = 2
START_TIMEOUT = 60.0
MAX_REQUESTS = 200_000

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, ' ..
    '"errors": %%d, "non2xx": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], cwd: Path):
    """A gunicorn master with two sync workers on a free loopback port; stopped on exit."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"{HOST}:{port}",
        "--log-level", "warning", "--timeout", "120", app_spec,
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=cwd)
    try:
        _wait_until_listening(port, server)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_listening(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {HOST}:{port} within {START_TIMEOUT}s")


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def load(port: int, paths: list[str], seconds: float) -> dict:
    """Throughput and latency of ``paths``, round robin, from 8 connections for ``seconds``."""
    if shutil.which("wrk"):
        return _wrk(port, paths, seconds)
    return _python_client(port, paths, seconds)


def _wrk(port: int, paths: list[str], seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths))
    try:
        command = [
            "wrk", "--threads", "1", "--connections", str(CONNECTIONS),
            "--duration", f"{max(1, round(seconds))}s", "--timeout", "30s", "--script", script.name, f"http://{HOST}:{port}",
        ]  # fmt: skip
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
    finally:
        Path(script.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    result["tool"] = "wrk"
    return result


def _python_client(port: int, paths: list[str], seconds: float) -> dict:
    latencies: list[float] = []
    errors = non2xx = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors, non2xx
        i = offset
        while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                status = status_of(port, path)
            except OSError:
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                non2xx += not 200 <= status < 400

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies) or [0.0]

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
        "p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99), "errors": errors, "non2xx": non2xx,
        "tool": "python",
    }  # fmt: skip
