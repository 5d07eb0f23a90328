"""A change to the analysis rebuilds the index instead of leaving it analysed the old way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import SearchUnavailable, analysis, get_engine
from trefpunt.search.fingerprint import analysis_tables, index_fingerprint
from trefpunt.search.store import IndexBroken, IndexStore
from trefpunt.worker import work_once

ROOT = Path(__file__).parent.parent


@pytest.fixture
def recomputed():
    """``index_fingerprint()`` computed afresh in the test, and again after it."""
    index_fingerprint.cache_clear()
    yield index_fingerprint
    index_fingerprint.cache_clear()


def fingerprint_in_a_new_process(hash_seed: str) -> str:
    code = "from trefpunt.search.fingerprint import index_fingerprint; print(index_fingerprint())"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_fingerprint_is_the_same_on_every_call_and_in_every_process(recomputed):
    first = recomputed()
    assert len(first) == 64 and recomputed() == first
    recomputed.cache_clear()
    assert recomputed() == first
    # Other hash seeds order sets differently: the fingerprint must not notice.
    assert fingerprint_in_a_new_process("1") == first
    assert fingerprint_in_a_new_process("2") == first


def changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, set | frozenset):
        return type(value)(value | {"zwaluwstaart"})
    if isinstance(value, dict):
        return {**value, "zwaluwstaart": "zwaluw"}
    return type(value)([*value, "zwaluwstaart"])


def test_every_analysis_table_is_part_of_the_fingerprint(recomputed, monkeypatch):
    tables = analysis_tables()
    assert ("STOP_WORDS", analysis) in [(name, module) for module, name, _value in tables]
    before = recomputed()
    for module, name, value in tables:
        with monkeypatch.context() as patched:
            patched.setattr(module, name, changed(value))
            recomputed.cache_clear()
            assert recomputed() != before, name
        recomputed.cache_clear()
        assert recomputed() == before


def test_an_index_built_by_other_analysis_is_never_searched_and_the_worker_rebuilds_it(
    app, find, recomputed, monkeypatch, caplog
):
    found = [hit.material.slug for hit in find("taalklas").hits]
    assert found and find("").total > len(found)
    everything = find("").total
    caplog.clear()
    store = IndexStore(app.config["INDEX_DIR"])
    built = store.current_path()
    get_engine(app).close()  # from here on, as a new process running the changed code

    monkeypatch.setattr(analysis, "STOP_WORDS", analysis.STOP_WORDS | {"zwaluwstaart"})
    recomputed.cache_clear()
    with pytest.raises(IndexBroken, match="built by other analysis code: run `trefpunt index rebuild`"):
        store.open()

    with pytest.raises(SearchUnavailable, match="built by other analysis code"):
        find("taalklas")  # a search never rebuilds, and never answers from the other analysis
    assert work_once(app)
    assert [hit.material.slug for hit in find("taalklas").hits] == found
    assert find("").total == everything
    assert "rebuilding" in caplog.text
    assert store.current_path() != built
    path, _ix, _seq = store.open()
    assert path == store.current_path()
    with session_factory(app)() as session:
        assert get_engine(app).check(load_vocabulary(session)).ok
