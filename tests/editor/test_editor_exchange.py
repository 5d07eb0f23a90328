"""An editor imports an inventory (dry run first, then all or nothing) and exports the catalogue."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from trefpunt.catalog import spreadsheet
from trefpunt.catalog.errors import ValidationError
from trefpunt.catalog.models import Material
from trefpunt.catalog.records import MaterialRecord
from trefpunt.db import session_factory

from .conftest import text_of
from .test_editor_materials import stored

HEADER = "title;summary;provider;vaardigheid;kosten;niveau;status"
GOOD = [
    "Taalspel voor thuis;Een spel om samen woorden te oefenen.;Uitgeverij Noord;taal-nt2;betaald;a1;"
    "published",
    "Klik & Tik. De basis;Nieuwe samenvatting van de basis.;Stichting Expertisecentrum Oefenen.nl;"
    "digitale-vaardigheden;bibliotheeklicentie;digi-start;published",
]
BAD = [
    "Taalspel voor thuis;Een spel.;Uitgeverij Noord;taal-nt2;duur;a1;published",
    ";Zonder titel;;rekenen;gratis;;draft",
    'Gat in het bereik;Fout niveau.;X;rekenen;gratis;"a1;b1";draft',
]


def csv_file(lines: list[str], name: str = "inventaris.csv") -> dict:
    data = ("\ufeff" + "\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8")
    return {"bestand": FileStorage(io.BytesIO(data), name)}


def count(app) -> int:
    with session_factory(app)() as session:
        return session.scalar(select(func.count()).select_from(Material))


def test_a_dry_run_shows_per_row_what_would_happen_and_changes_nothing(app, editor):
    before = count(app)
    response = editor.post("/beheer/import", data=csv_file(GOOD), content_type="multipart/form-data")
    assert response.status_code == 200
    page = text_of(response)
    assert "De import maakt 1 nieuwe leermiddelen, wijzigt er 1 en laat 0 ongewijzigd." in page
    assert re.search(r"2 Taalspel voor thuis taalspel-voor-thuis Nieuw", page)
    assert re.search(r"3 Klik & Tik\. De basis klik-en-tik-de-basis Wijzigen velden: summary(?!,)", page)
    assert count(app) == before
    assert stored(app, "klik-en-tik-de-basis").summary != "Nieuwe samenvatting van de basis."


def test_a_file_with_fewer_columns_changes_only_those(app, editor):
    data = b"slug;kosten\r\nklik-en-tik-de-basis;betaald\r\n"
    dry = editor.post(
        "/beheer/import",
        data={"bestand": (io.BytesIO(data), "kosten.csv")},
        content_type="multipart/form-data",
    )
    assert re.search(r"Wijzigen velden: kosten(?!,)", text_of(dry))
    action = re.search(r'action="(/beheer/import/[^"]+)"', dry.get_data(as_text=True)).group(1)
    editor.post(action)
    material = stored(app, "klik-en-tik-de-basis")
    assert material.term_keys("cost") == ["betaald"] and material.title == "Klik & Tik. De basis"


def test_every_error_is_shown_with_its_row_and_column_and_nothing_can_be_committed(app, editor):
    response = editor.post("/beheer/import", data=csv_file(BAD), content_type="multipart/form-data")
    page = text_of(response)
    assert "er wordt niets geïmporteerd" in page
    assert "Regel 2, kolom kosten: onbekende waarde 'duur'" in page
    assert "Regel 3, kolom title: een titel is verplicht" in page
    assert (
        "Regel 4, kolom niveau: een niveaubereik bevat elk niveau tussen het laagste en het hoogste" in page
    )
    assert "Import uitvoeren" not in page


def test_a_clean_file_is_committed_all_at_once_after_the_dry_run(app, editor, find):
    before = count(app)
    dry = editor.post("/beheer/import", data=csv_file(GOOD), content_type="multipart/form-data")
    action = re.search(r'action="(/beheer/import/[^"]+)"', dry.get_data(as_text=True)).group(1)
    response = editor.post(action)
    assert response.status_code == 302
    assert "Import klaar: 1 nieuw, 1 gewijzigd, 0 ongewijzigd." in text_of(editor.get("/beheer/"))
    assert count(app) == before + 1
    assert stored(app, "klik-en-tik-de-basis").summary == "Nieuwe samenvatting van de basis."
    assert [h.material.slug for h in find("taalspel").hits][0] == "taalspel-voor-thuis"
    # The kept file is used once.
    assert editor.post(action).status_code == 404


def test_another_editor_cannot_commit_someone_elses_upload(app, editor):
    dry = editor.post("/beheer/import", data=csv_file(GOOD), content_type="multipart/form-data")
    action = re.search(r'action="(/beheer/import/[^"]+)"', dry.get_data(as_text=True)).group(1)
    other = app.test_client()
    other.post(
        "/auth/inloggen", data={"email": "beheerder@example.org", "password": "correct paard batterij"}
    )
    assert other.post(action).status_code == 404
    assert other.post("/beheer/import/../../secret_key").status_code == 404


def test_an_xlsx_inventory_imports_like_a_csv(app, editor):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(GOOD[0].split(";"))
    out = io.BytesIO()
    workbook.save(out)
    data = {"bestand": (io.BytesIO(out.getvalue()), "inventaris.xlsx")}
    dry = editor.post("/beheer/import", data=data, content_type="multipart/form-data")
    assert "De import maakt 1 nieuwe leermiddelen" in text_of(dry)
    action = re.search(r'action="(/beheer/import/[^"]+)"', dry.get_data(as_text=True)).group(1)
    editor.post(action)
    assert stored(app, "taalspel-voor-thuis").provider == "Uitgeverij Noord"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("inventaris.xlsx", b"PK\x03\x04 geen echt excel", "geen leesbaar Excel-bestand"),
        ("inventaris.csv", b"PK\x03\x04 toch een zip", "past niet bij de extensie"),
        ("inventaris.pdf", b"%PDF-1.4", "onbekend bestandstype"),
        ("inventaris.csv", "title;summary\r\nÄ;b\r\n".encode("latin-1"), "geen UTF-8"),
        ("inventaris.csv", b"title;onzin\r\nx;y\r\n", "onbekende kolom"),
        ("inventaris.jsonl", b'{"title": "x"}\n{kapot\n', "ongeldige JSON"),
    ],
)
def test_a_malformed_file_gives_a_clear_error_and_changes_nothing(app, editor, name, data, message):
    before = count(app)
    response = editor.post(
        "/beheer/import", data={"bestand": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert count(app) == before


def test_a_file_over_the_size_limit_is_refused_clearly(app, editor):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Encoded in memory: the test client would otherwise spool a body this big to a temporary file.
    boundary, body = encode_multipart(MultiDict(csv_file(GOOD * 20_000)))
    response = editor.post(
        "/beheer/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "Het bestand is te groot: het maximum is 1 MB. Er is niets veranderd." in text_of(response)


def test_no_file_chosen_is_an_error(editor):
    response = editor.post("/beheer/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Kies een bestand" in text_of(response)


def test_the_csv_export_is_for_dutch_excel(editor):
    response = editor.get("/beheer/export?formaat=csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    header = body.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header.startswith("slug;title;summary;description")
    assert body.decode("utf-8-sig").count("\r\n") > 133


def test_exports_escape_cells_that_a_spreadsheet_would_run(app, editor):
    for title in ('=HYPERLINK("https://evil.example")', "+31 20 123", "-korting", "@SUM(A1)"):
        editor.post(
            "/beheer/nieuw",
            data={
                "title": title,
                "slug": re.sub(r"\W+", "-", title).strip("-").lower() or "x",
                "not_a_duplicate": "y",
            },
        )
    csv_text = editor.get("/beheer/export?formaat=csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ";=HYPERLINK" not in csv_text
    assert "'+31 20 123" in csv_text and "'-korting" in csv_text and "'@SUM(A1)" in csv_text
    xlsx = load_workbook(io.BytesIO(editor.get("/beheer/export?formaat=xlsx").get_data()))
    cells = [c for row in xlsx.active.iter_rows() for c in row]
    titles = {c.value for c in cells if c.column == 2}
    assert '\'=HYPERLINK("https://evil.example")' in titles and "'@SUM(A1)" in titles
    assert all(c.data_type != "f" for c in cells)


def test_the_current_list_can_be_exported(editor):
    body = editor.get("/beheer/export?formaat=json&lijst=1&q=klik").get_data(as_text=True)
    titles = [json.loads(line)["title"] for line in body.splitlines()]
    assert titles and all("klik" in t.lower() for t in titles)
    everything = editor.get("/beheer/export?formaat=json").get_data(as_text=True)
    assert len(everything.splitlines()) == 133


@pytest.mark.parametrize(
    "kind, name", [("csv", "export.csv"), ("xlsx", "export.xlsx"), ("json", "export.jsonl")]
)
def test_an_export_reimports_to_the_same_catalogue(app, editor, kind, name):
    exported = editor.get(f"/beheer/export?formaat={kind}").get_data()
    dry = editor.post(
        "/beheer/import", data={"bestand": (io.BytesIO(exported), name)}, content_type="multipart/form-data"
    )
    page = text_of(dry)
    assert "De import maakt 0 nieuwe leermiddelen, wijzigt er 0 en laat 133 ongewijzigd." in page


def test_the_spreadsheet_module_reads_what_it_writes(vocabulary):
    records = [
        MaterialRecord(slug="a", title="=1+1", keywords=["x", "y"], facets={"vaardigheid": ["rekenen"]})
    ]
    out = io.BytesIO()
    spreadsheet.write_xlsx(records, out, vocabulary)
    rows = spreadsheet.read_xlsx(out.getvalue(), vocabulary)
    assert rows[0][0] == 2
    assert rows[0][1]["title"] == "=1+1" and rows[0][1]["keywords"] == "x;y"
    with pytest.raises(ValidationError):
        spreadsheet.read_xlsx(b"not a zip", vocabulary)
