"""After a bulk change, searches keep answering at once while the worker catches the index up.

A search applies at most a small slice of the journal itself and never waits long for the writer lock;
the worker applies the rest in committed slices, or rebuilds when the index is far behind, while the
last good generation serves. A full disk leaves that generation serving too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import another_server

from trefpunt.catalog.records import MaterialRecord
from trefpunt.catalog.services import save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import get_engine
from trefpunt.search.store import IndexStore
from trefpunt.search.upkeep import REQUEST_CATCH_UP, WORKER_CATCH_UP
from trefpunt.worker import work_once


def import_materials(app, count: int, word: str = "kwispelboek") -> None:
    """What an import of ``count`` new materials does to the database: one transaction."""
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        for n in range(count):
            record = MaterialRecord(
                slug=f"{word}-{n}",
                title=f"{word.capitalize()} deel {n}",
                summary=f"Een {word} om zelf mee te werken.",
                status="published",
                facets={"vaardigheid": ["rekenen"], "kosten": ["gratis"]},
            )
            save_material(session, record, author="import", vocabulary=vocabulary)
        session.commit()


def vocabulary_of(app):
    with session_factory(app)() as session:
        return load_vocabulary(session)


def test_a_search_after_a_large_import_answers_at_once_and_the_worker_applies_it_in_slices(app, find):
    size = 2 * WORKER_CATCH_UP + 1
    import_materials(app, size)
    assert find("kwispelboek").total == 0  # answered from the generation it has, at once
    store = IndexStore(app.config["INDEX_DIR"])
    applied = []
    while work_once(app):
        applied.append(store.applied())
    assert len(applied) == 3 and applied == sorted(set(applied))  # committed slice by slice
    assert find("kwispelboek").total == size
    assert get_engine(app).check(vocabulary_of(app)).ok


def test_a_few_changes_are_applied_by_the_next_search_itself(app, find):
    import_materials(app, REQUEST_CATCH_UP)
    assert find("kwispelboek").total == REQUEST_CATCH_UP
    assert get_engine(app).check(vocabulary_of(app)).ok


def test_a_search_does_not_wait_for_another_writer_and_shows_the_change_once_it_is_done(app, find):
    assert find("zilverreiger").total == 0
    import_materials(app, 1, word="zilverreiger")
    store = IndexStore(app.config["INDEX_DIR"])
    with store.write_lock():  # another process is writing the index
        assert find("zilverreiger").total == 0  # answered from the generation it has
    assert find("zilverreiger").total == 1


def test_an_index_far_behind_is_rebuilt_while_the_old_generation_serves(app, find):
    store = IndexStore(app.config["INDEX_DIR"])
    serving = store.current_path()
    import_materials(app, 300)
    engine = get_engine(app)
    assert engine.maintain(vocabulary_of(app), rebuild_after=100) == "rebuilt"
    assert store.current_path() != serving and serving.exists()  # kept for processes still reading it
    assert find("kwispelboek").total == 300
    assert engine.maintain(vocabulary_of(app)) is None  # nothing left to do


@pytest.fixture
def small_disk(tmp_path):
    """A real filesystem of 8 MB, filled up and freed at will (tmpfs; needs the right to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:  # CI and `make test` here run as root, where this test always runs
        pytest.skip("mounting a small filesystem needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"cannot mount a small filesystem: {done.stderr.decode().strip()}"
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder: Path) -> Path:
    filler = folder / f"filler-{uuid.uuid4().hex[:6]}"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_leaves_the_last_good_generation_serving_and_catching_up_resumes(app, small_disk):
    server = another_server(app, small_disk / "index")
    client = server.test_client()
    assert client.get("/zoeken?q=taalklas").status_code == 200
    filler = fill(small_disk)
    import_materials(app, 40, word="grutto")
    for _ in range(3):
        response = client.get("/zoeken?q=grutto")
        assert response.status_code == 200  # the search answers, from the generation it has
        assert client.get("/api/v1/materials?q=grutto").get_json()["total"] == 0
    filler.unlink()
    assert client.get("/api/v1/materials?q=grutto").get_json()["total"] == 40
    assert get_engine(server).check(vocabulary_of(server)).ok
    get_engine(server).close()
    session_factory(server).kw["bind"].dispose()
    shutil.rmtree(small_disk / "index", ignore_errors=True)
