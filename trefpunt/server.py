"""Serving the app with gunicorn from the ``trefpunt serve`` command, with the worker beside it."""

from __future__ import annotations

import subprocess
import sys

from gunicorn.app.base import BaseApplication

# Seconds the worker gets to finish its slice when the server stops.
WORKER_STOP_SECONDS = 30


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker makes its own app: database pools and index searchers are not shared across fork.
        from trefpunt import create_app

        return create_app()


class _Worker:
    """The ``trefpunt worker`` process, started when gunicorn is ready and stopped when it exits."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self, _server: object) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "trefpunt", "worker"])

    def stop(self, _server: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve(host: str, port: int, workers: int) -> None:
    worker = _Worker()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "when_ready": worker.start,
        "on_exit": worker.stop,
    }
    _Gunicorn(options).run()
