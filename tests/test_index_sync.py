"""The index is a cache of the database that every process keeps in step, and that survives crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_index_catch_up import import_materials

from trefpunt.catalog.services import get_material, record_of, save_material, set_status
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import SearchUnavailable, get_engine
from trefpunt.search.store import STATE_FILE, IndexStore
from trefpunt.worker import work_once

HERE = Path(__file__).parent


class OtherProcess:
    """Another server process on the same database (and the given index directory)."""

    def __init__(self, app, index_dir: str):
        config = {"DATABASE_URL": app.config["DATABASE_URL"], "INDEX_DIR": index_dir, "SECRET_KEY": "x"}
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "search_process.py"), json.dumps(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(HERE.parent)},
        )
        assert self.ask(None) == "ready"

    def ask(self, line: str | None) -> str:
        if line is not None:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def search(self, words: str) -> int:
        return int(self.ask(f"search {words}"))

    def close(self) -> None:
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(30)
        self.process.stdout.close()


@pytest.fixture
def other_process(app, tmp_path):
    processes = []

    def start(index_dir: str | None = None) -> OtherProcess:
        process = OtherProcess(app, index_dir or str(tmp_path / "other-index"))
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.close()


def edit_summary(app, slug: str, words: str) -> None:
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        record = record_of(get_material(session, slug), vocabulary)
        record.summary += " " + words
        save_material(session, record, author="redacteur", original_slug=slug)
        session.commit()


def test_an_edit_is_found_by_the_next_search_in_the_same_process(app, find):
    assert find("zwaluwstaart").total == 0
    edit_summary(app, "taalklas-nl", "zwaluwstaart")
    assert [h.material.slug for h in find("zwaluwstaart").hits] == ["taalklas-nl"]


def test_an_edit_in_one_server_is_found_by_the_next_search_of_another(app, find, other_process):
    server = other_process()  # its own index directory, same database
    assert server.search("pimpelmees") == 0
    edit_summary(app, "taalklas-nl", "pimpelmees")
    assert server.search("pimpelmees") == 1


def test_an_edit_in_one_worker_is_found_by_another_worker_sharing_the_index(app, find, other_process):
    assert find("koolmees").total == 0  # builds the shared index
    worker = other_process(app.config["INDEX_DIR"])
    assert worker.search("koolmees") == 0
    assert worker.ask("edit taalklas-nl koolmees").isdigit()
    assert find("koolmees").total == 1
    assert worker.search("koolmees") == 1


def test_publishing_archiving_and_drafts_follow_into_the_index(app, find):
    assert find("taalklas").total == 1
    with session_factory(app)() as session:
        set_status(session, "taalklas-nl", "archived", author="redacteur")
        session.commit()
    assert find("taalklas").total == 0
    with session_factory(app)() as session:
        set_status(session, "taalklas-nl", "published", author="redacteur")
        session.commit()
    assert find("taalklas").total == 1


def test_an_uncommitted_change_is_not_searchable(app, find):
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        record = record_of(get_material(session, "taalklas-nl"), vocabulary)
        record.summary += " sperwer"
        save_material(session, record, author="redacteur", original_slug="taalklas-nl")
        session.rollback()
    assert find("sperwer").total == 0


def test_two_processes_writing_at_once_never_trip_over_the_index_lock(app, find, other_process):
    find("start")  # build the shared index
    workers = [other_process(app.config["INDEX_DIR"]) for _ in range(2)]
    slugs = ["taalklas-nl", "zo-gezegd"]
    for round_ in range(10):
        for worker, slug in zip(workers, slugs, strict=True):
            worker.process.stdin.write(f"edit {slug} ronde{round_}\nsearch ronde{round_}\n")
            worker.process.stdin.flush()
        for worker in workers:
            assert worker.process.stdout.readline().strip().isdigit()
            assert int(worker.process.stdout.readline()) >= 1
    assert find("ronde9").total == 2
    assert get_engine(app).check(load_vocabulary_of(app)).ok


def test_replaying_the_journal_twice_changes_nothing(app, find):
    before = find("").total
    state = IndexStore(app.config["INDEX_DIR"]).current_path() / STATE_FILE
    recorded = state.read_bytes()
    edit_summary(app, "taalklas-nl", "boomklever")
    assert find("boomklever").total == 1
    # As if the process died after whoosh committed the edit but before it recorded the journal position:
    # the next process to open the index applies the edit again.
    state.write_bytes(recorded)
    get_engine(app).close()
    assert find("").total == before
    assert find("boomklever").total == 1
    assert get_engine(app).check(load_vocabulary_of(app)).ok


def test_a_rebuild_killed_half_way_leaves_the_working_index(app, find):
    import_materials(app, 300)
    get_engine(app).catch_up(load_vocabulary_of(app))
    assert find("kwispelboek").total == 300
    store = IndexStore(app.config["INDEX_DIR"])
    serving = store.current_path()
    config = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "INDEX_DIR": app.config["INDEX_DIR"],
        "SECRET_KEY": "x",
    }
    rebuild = subprocess.Popen(
        [sys.executable, str(HERE / "rebuild_process.py"), json.dumps(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
    )
    # The rebuild holds still at its first progress report until it is killed.
    _word, done, total = rebuild.stdout.readline().split()
    assert 0 < int(done) < int(total)
    (partial,) = [p for p in Path(app.config["INDEX_DIR"]).glob("gen-*") if p != serving]
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait()
    rebuild.stdin.close()
    rebuild.stdout.close()
    assert store.current_path() == serving
    edit_summary(app, "taalklas-nl", "goudvink")
    assert find("goudvink").total == 1
    assert find("kwispelboek").total == 300
    assert get_engine(app).check(load_vocabulary_of(app)).ok
    assert get_engine(app).rebuild(load_vocabulary_of(app)) == find("").total
    # The next rebuild removed what the killed one left, and kept the complete generation before it.
    generations = set(Path(app.config["INDEX_DIR"]).glob("gen-*"))
    assert generations == {store.current_path(), serving} and partial not in generations


def test_a_missing_index_leaves_the_open_generation_serving_and_the_worker_rebuilds_it(app, find, caplog):
    assert find("taalklas").total == 1
    store = IndexStore(app.config["INDEX_DIR"])
    os.unlink(Path(app.config["INDEX_DIR"]) / "current")
    assert find("taalklas").total == 1  # from the generation this process has open
    assert "answering from the generation already open" in caplog.text
    assert store.current_path() is None  # a search never rebuilds
    assert work_once(app)
    assert store.current_path() is not None
    get_engine(app).close()
    assert find("taalklas").total == 1


def test_a_damaged_index_is_reported_loudly_never_as_no_results(app, find):
    assert find("taalklas").total == 1
    generation = IndexStore(app.config["INDEX_DIR"]).current_path()
    get_engine(app).close()  # from here on, as a new process opening the damaged index
    for segment_file in generation.glob("MAIN_*"):
        segment_file.write_bytes(b"\0" * 64)
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(SearchUnavailable, match="trefpunt index rebuild"):
        find("taalklas")
    response = app.test_client().get("/api/v1/materials?q=taalklas")
    assert response.status_code == 503
    assert response.get_json()["error"]["status"] == 503
    assert work_once(app)  # the worker rebuilds it
    assert find("taalklas").total == 1


def test_index_check_names_what_is_missing_or_stale(app, find):
    find("")  # build
    store = IndexStore(app.config["INDEX_DIR"])
    path = store.current_path()
    from whoosh import index as whoosh_index  # the test inspects the cache directly

    ix = whoosh_index.open_dir(str(path))
    with session_factory(app)() as session:
        taalklas = get_material(session, "taalklas-nl")
        writer = ix.writer()
        writer.delete_by_term("id", str(taalklas.id))
        writer.commit()
    report = get_engine(app).check(load_vocabulary_of(app))
    assert report.missing == ["taalklas-nl"] and not report.ok


def load_vocabulary_of(app):
    with session_factory(app)() as session:
        return load_vocabulary(session)
