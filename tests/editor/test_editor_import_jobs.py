"""An editor imports a large inventory: it is checked and imported as a job, off the request, and the
editor watches its progress; a job whose process died runs again from the start, and is applied once."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select, update

from trefpunt.catalog import import_jobs
from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Material, Revision, utcnow
from trefpunt.catalog.pending_imports import PendingImport
from trefpunt.db import session_factory

from .conftest import text_of
from .test_editor_exchange import count

HERE = Path(__file__).parent.parent


def inventory(rows: int, prefix: str = "Bulkboek") -> dict:
    lines = ["title;summary;vaardigheid;kosten;status"]
    lines += [f"{prefix} {n};Oefenen met lezen.;taal-nt2;gratis;published" for n in range(1, rows + 1)]
    data = ("\r\n".join(lines) + "\r\n").encode()
    return {"bestand": (io.BytesIO(data), "inventaris.csv")}


def upload(editor, rows: int, prefix: str = "Bulkboek"):
    return editor.post("/beheer/import", data=inventory(rows, prefix), content_type="multipart/form-data")


def job_of(app, token: str) -> PendingImport:
    with session_factory(app)() as session:
        job = session.get(PendingImport, token)
        assert job is not None
        return job


def token_of(response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_file_of_at_most_200_rows_is_checked_in_the_request_a_larger_one_as_a_job(editor):
    small = upload(editor, import_jobs.INLINE_ROWS)
    assert small.status_code == 200
    assert "De import maakt 200 nieuwe leermiddelen" in text_of(small)
    large = upload(editor, import_jobs.INLINE_ROWS + 1)
    assert large.status_code == 303
    assert re.fullmatch(r"/beheer/import/[\w-]+", large.headers["Location"])


def test_a_large_import_is_checked_then_imported_by_the_worker_while_the_editor_watches(app, editor):
    before = count(app)
    status_url = upload(editor, 250).headers["Location"]
    waiting = editor.get(status_url)
    assert "In de wachtrij" in text_of(waiting)
    assert '<meta http-equiv="refresh" content="2">' in waiting.get_data(as_text=True)

    assert import_jobs.run_next(session_factory(app))
    checked = editor.get(status_url)
    assert "De import maakt 250 nieuwe leermiddelen, wijzigt er 0 en laat 0 ongewijzigd." in text_of(checked)
    assert "de eerste" not in text_of(checked) and "Bulkboek 250" in text_of(checked)
    assert 'http-equiv="refresh"' not in checked.get_data(as_text=True)

    confirmed = editor.post(status_url)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == status_url
    assert "In de wachtrij" in text_of(editor.get(status_url))
    assert count(app) == before, "nothing changes before the job has run"
    assert editor.post(status_url).status_code == 404, "a second click queues nothing more"

    assert import_jobs.run_next(session_factory(app))
    finished = text_of(editor.get(status_url))
    assert "Import klaar: 250 nieuw, 0 gewijzigd, 0 ongewijzigd." in finished
    assert "Gestart door redacteur@example.org" in finished
    assert count(app) == before + 250
    assert not import_jobs.run_next(session_factory(app)), "the queue is empty"
    job = job_of(app, token_of(confirmed))
    assert (job.status, job.done, job.total, job.author) == ("done", 250, 250, "redacteur@example.org")
    assert job.finished_at is not None and job.data == b""


def test_while_a_job_runs_its_page_shows_the_rows_done(app, editor):
    status_url = upload(editor, 300).headers["Location"]
    pages = {}

    def look(done: int, total: int) -> None:
        if done in (0, total):
            pages[done] = editor.get(status_url)

    claimed = import_jobs.claim_next(session_factory(app))
    assert claimed is not None
    import_jobs.run(session_factory(app), *claimed, progress=look)
    assert "Het bestand wordt gecontroleerd (300 rijen)." in text_of(pages[0])
    assert "300 van 300 rijen verwerkt" in text_of(pages[300])
    html = pages[300].get_data(as_text=True)
    assert '<progress id="voortgang" max="300" value="300">' in html
    assert '<meta http-equiv="refresh" content="2">' in html


def test_another_editor_cannot_see_or_confirm_a_job(app, editor):
    status_url = upload(editor, 250).headers["Location"]
    other = app.test_client()
    other.post(
        "/auth/inloggen", data={"email": "beheerder@example.org", "password": "correct paard batterij"}
    )
    assert other.get(status_url).status_code == 404
    assert other.post(status_url).status_code == 404


def test_a_job_whose_process_was_killed_runs_again_from_the_start_and_is_applied_once(app, editor):
    before = count(app)
    status_url = upload(editor, 2_500, "Overleefboek").headers["Location"]
    assert import_jobs.run_next(session_factory(app))
    assert editor.post(status_url).status_code == 303
    worker = subprocess.Popen(
        [sys.executable, str(HERE / "import_job_process.py"), app.config["DATABASE_URL"], "1500"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE,
    )
    try:
        assert worker.stdout.readline() == "claimed\n"
        assert worker.stdout.readline() == "stopped\n"  # 1,500 rows written, uncommitted
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        worker.stdin.close()
    token = status_url.rsplit("/", 1)[1]
    assert job_of(app, token).status == "running"
    assert count(app) == before, "nothing of the killed run was applied"
    assert not import_jobs.run_next(session_factory(app)), "within the minute the job is left alone"

    a_minute_later = utcnow() - import_jobs.STALE_AFTER - dt.timedelta(seconds=1)
    with session_factory(app)() as session:
        session.execute(update(PendingImport).values(heartbeat_at=a_minute_later))
        session.commit()
    assert import_jobs.run_next(session_factory(app))
    job = job_of(app, token)
    assert (job.status, job.attempts, job.done) == ("done", 2, 2_500)
    assert count(app) == before + 2_500
    with session_factory(app)() as session:
        imported = select(Material.id).where(Material.slug.like("overleefboek-%"))
        revisions = select(func.count()).select_from(Revision).where(Revision.material_id.in_(imported))
        assert session.scalar(revisions) == 2_500
        changes = (
            select(func.count()).select_from(MaterialChange).where(MaterialChange.material_id.in_(imported))
        )
        assert session.scalar(changes) == 2_500
    assert "Import klaar: 2500 nieuw" in text_of(editor.get(status_url))


def test_processes_claiming_at_once_never_take_the_same_job(app, editor):
    tokens = {token_of(upload(editor, 250, f"Boek{n}")) for n in range(3)}
    sessions = session_factory(app)
    claims: list[tuple[str, str] | None] = []
    threads = [
        threading.Thread(target=lambda: claims.append(import_jobs.claim_next(sessions))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while (claimed := import_jobs.claim_next(sessions)) is not None:
        claims.append(claimed)
    taken = [claim[0] for claim in claims if claim is not None]
    assert sorted(taken) == sorted(tokens)
    with sessions() as session:
        jobs = session.scalars(select(PendingImport).where(PendingImport.token.in_(tokens))).all()
        assert {(job.status, job.attempts) for job in jobs} == {("running", 1)}


def test_the_worker_beside_the_server_runs_the_job_and_brings_the_search_up_to_date(app, editor, find):
    from trefpunt.worker import work_once

    status_url = upload(editor, 250, prefix="Wachtrijboek").headers["Location"]
    while work_once(app):  # the check
        pass
    editor.post(status_url)
    while work_once(app):  # the import, then the index
        pass
    assert "Import klaar: 250 nieuw" in text_of(editor.get(status_url))
    assert find("wachtrijboek").total == 250
