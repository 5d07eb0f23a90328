"""What an index was built with, as one hash: an index with another fingerprint is rebuilt, not served.

The schema, with its analyzers, is pickled into the index; the analysis code and its tables are not.
Were a table or a library to change while the index stayed, queries would be analysed one way and the
index the other, silently. So the fingerprint covers what decides the indexed terms and the files: the
library versions, the source of the modules that analyse and write, and the analysis tables as they are
at run time.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from functools import cache
from pathlib import Path

from . import analysis, dutch

LIBRARIES = ("whoosh-reloaded", "simplemma", "snowballstemmer")
# Modules whose source decides what is indexed and how it is written (the flush is in whoosh_internals).
SOURCES = ("analysis.py", "dutch.py", "schema.py", "bulk.py", "whoosh_internals.py")
# A module-level UPPER_CASE constant of these types in these modules is part of the fingerprint.
TABLE_MODULES = (analysis, dutch)
TABLE_TYPES = (str, int, float, bool, tuple, list, set, frozenset, dict)
UPPER_CASE = re.compile(r"[A-Z][A-Z0-9_]*")
# How deep the attributes of an object inside a table are followed (filters hold their own tables).
MAX_DEPTH = 6


@cache
def index_fingerprint() -> str:
    """The sha256 of the library versions, the analysing and writing modules' source and the analysis tables.

    Computed once per process; ``index_fingerprint.cache_clear()`` makes the next call compute it again.
    """
    digest = hashlib.sha256()
    for name in LIBRARIES:
        digest.update(f"library {name} {_version(name)}\n".encode())
    here = Path(__file__).parent
    for name in SOURCES:
        source = (here / name).read_bytes()
        digest.update(f"source {name} {hashlib.sha256(source).hexdigest()}\n".encode())
    for module, name, value in analysis_tables():
        digest.update(f"table {module.__name__}.{name} {canonical(value)}\n".encode())
    return digest.hexdigest()


def analysis_tables() -> list[tuple]:
    """(module, name, value) of every table the fingerprint covers, in a fixed order."""
    return [
        (module, name, value)
        for module in TABLE_MODULES
        for name, value in sorted(vars(module).items())
        if UPPER_CASE.fullmatch(name) and isinstance(value, TABLE_TYPES)
    ]


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def canonical(value: object, depth: int = 0) -> str:
    """``value`` as text that is the same in every process: sets and dict keys sorted, no memory addresses."""
    if value is None or isinstance(value, str | bytes | int | float | bool):
        return repr(value)
    if isinstance(value, dict):
        items = (f"{canonical(k, depth + 1)}: {canonical(v, depth + 1)}" for k, v in value.items())
        return "{" + ", ".join(sorted(items)) + "}"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(canonical(v, depth + 1) for v in value)) + "}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(canonical(v, depth + 1) for v in value) + "]"
    if isinstance(value, re.Pattern):
        return f"re({value.pattern!r}, {value.flags})"
    kind = type(value)
    name = getattr(value, "__qualname__", None)  # a function, method or class: named, not repr'd
    if name is not None:
        return f"{getattr(value, '__module__', kind.__module__)}.{name}"
    label = f"{kind.__module__}.{kind.__qualname__}"
    state = getattr(value, "__dict__", None)
    if state is None or depth >= MAX_DEPTH:
        return label
    public = {k: v for k, v in state.items() if not k.startswith("_")}
    return f"{label}({canonical(public, depth + 1)})"
