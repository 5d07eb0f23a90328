"""A real Trefpunt server for tests: `trefpunt serve` (gunicorn and its worker) on 127.0.0.1, stopped by pid,
and visitors searching it from threads while something else happens."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def trefpunt_env(database_url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TREFPUNT_INSTANCE_PATH": str(instance),
        "TREFPUNT_DATABASE_URL": database_url,
        "TREFPUNT_INDEX_DIR": str(instance / "index"),
        "TREFPUNT_SECRET_KEY": "gedeeld-geheim",
    }


def trefpunt(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run a `trefpunt` command as an operator would."""
    done = subprocess.run([sys.executable, "-m", "trefpunt", *args], env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"trefpunt {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done


class Server:
    """`trefpunt serve` with two gunicorn workers; stopped (with its worker) by the pid it was started as."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log = open(log, "w")  # noqa: SIM115 - open for the server's whole life
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trefpunt", "serve", "--host", HOST, "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_SECONDS
        while get(self.port, "/api/v1/materials?q=taal")[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"trefpunt serve did not answer; see {log}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn stops its workers, then the worker process
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def total(self, query: str) -> int:
        status, body = get(self.port, f"/api/v1/materials?q={query}")
        return json.loads(body)["total"] if status == 200 else -1


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


@dataclass
class Visitors:
    """Threads searching the given servers over and over, keeping every answer's status and time."""

    ports: list[int]
    paths: list[str]
    threads: int = 4
    answers: list[tuple[int, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._workers = [threading.Thread(target=self._visit, args=(n,)) for n in range(self.threads)]

    def __enter__(self) -> Visitors:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join()

    def _visit(self, number: int) -> None:
        step = number
        while not self._stop.is_set():
            port = self.ports[step % len(self.ports)]
            path = self.paths[step % len(self.paths)]
            started = time.perf_counter()
            status, _body = get(port, path)
            self.answers.append((status, time.perf_counter() - started))
            step += 1

    def failures(self) -> list[int]:
        return [status for status, _seconds in self.answers if not 200 <= status < 400]

    def p99(self) -> float:
        seconds = sorted(s for _status, s in self.answers)
        return seconds[int(len(seconds) * 0.99)] if seconds else float("nan")
