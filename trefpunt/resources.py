"""Where the top-level folders (templates, static, catalog_data) are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The folder ``name``: inside the package when installed from a wheel, beside it in a checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name
