"""Serving the app with gunicorn from the ``trefpunt serve`` command."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


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


def serve(host: str, port: int, workers: int) -> None:
    _Gunicorn({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"}).run()
