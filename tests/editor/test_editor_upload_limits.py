"""An attacker (or an unlucky editor) uploads the files that took the site down in issue 12.

Each is refused with a 4xx that names the problem, in under 5 seconds, by a server process that stays
under 300 MB, and the catalogue is unchanged. The uploads run in a process of their own, so that its peak
memory (ru_maxrss) is theirs and not this test run's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import hostile_files as hostile
import pytest

from .conftest import PASSWORD
from .test_editor_exchange import count

HERE = Path(__file__).parent.parent
SECONDS = 5.0
MEGABYTES = 300

# file name -> (builder, HTTP status, what the page must say)
UPLOADS = {
    "lege-rijen.xlsx": (
        hostile.empty_rows_bomb,
        422,
        "xl/worksheets/sheet1.xml van het Excel-bestand is uitgepakt 190 MB; het maximum is 32 MB",
    ),
    "gedeelde-teksten.xlsx": (
        hostile.shared_strings_bomb,
        422,
        "xl/sharedStrings.xml van het Excel-bestand is uitgepakt 190 MB; het maximum is 32 MB",
    ),
    "veel-teksten.xlsx": (
        hostile.many_shared_strings,
        422,
        "het Excel-bestand heeft meer dan 500000 verschillende teksten",
    ),
    "miljoen-rijen.xlsx": (
        hostile.million_empty_rows,
        422,
        "het werkblad heeft meer dan 200000 rijen, lege meegeteld",
    ),
    "verre-cel.xlsx": (hostile.far_right_text, 422, "een cel staat in kolom 16384; het maximum is 64"),
    "kapotte-xml.xlsx": (
        hostile.bad_sheet_xml,
        422,
        "xl/worksheets/sheet1.xml van het Excel-bestand is geen geldige XML (mismatched tag",
    ),
    "externe-entiteit.xlsx": (hostile.external_entity, 422, "bevat XML met een DTD of entiteiten"),
    "billion-laughs.xlsx": (hostile.billion_laughs, 422, "bevat XML met een DTD of entiteiten"),
    "diep.jsonl": (hostile.deeply_nested_json, 422, "Regel 1, kolom json: de JSON is te diep genest"),
    "getal.jsonl": (hostile.long_number_json, 422, "een getal is langer dan 30 cijfers"),
    # Within every limit: read in a moment, without filling 16,384 empty cells a row; nothing to import.
    "lege-verre-cellen.xlsx": (
        hostile.far_right_empty_cells,
        200,
        "De import maakt 0 nieuwe leermiddelen, wijzigt er 0 en laat 0 ongewijzigd.",
    ),
}


@pytest.fixture(scope="session")
def upload_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (build, _status, _message) in UPLOADS.items():
        (folder / name).write_bytes(build())
    return folder


@pytest.fixture
def uploaded(app, upload_folder) -> dict:
    """Every file uploaded by an editor in a fresh server process: each answer, and the peak memory."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "INDEX_DIR": app.config["INDEX_DIR"],
    }
    files = [str(upload_folder / name) for name in UPLOADS]
    before = count(app)
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "upload_process.py"),
            json.dumps(config),
            "redacteur@example.org",
            PASSWORD,
        ]
        + files,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    answers = {line["file"]: line for line in lines if "file" in line}
    return {
        "answers": answers,
        "catalogue_before": before,
        "before_mb": lines[0]["before_mb"],
        "peak_mb": lines[-1]["peak_mb"],
    }


def test_every_hostile_upload_is_refused_quickly_and_clearly_without_the_server_growing(app, uploaded):
    for name, (_build, status, message) in UPLOADS.items():
        answer = uploaded["answers"][name]
        assert answer["status"] == status, (name, answer["text"][-400:])
        assert message in answer["text"], (name, answer["text"][-400:])
        assert answer["seconds"] < SECONDS, (name, answer["seconds"])
    assert uploaded["peak_mb"] < MEGABYTES, uploaded
    assert count(app) == uploaded["catalogue_before"]


def test_nothing_of_an_external_entity_reaches_the_page(uploaded):
    assert "root:" not in uploaded["answers"]["externe-entiteit.xlsx"]["text"]
