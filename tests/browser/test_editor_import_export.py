"""An editor imports a spreadsheet in a real browser: the dry run shows each row's errors, a clean file
imports every row, and an export re-imports to the same catalogue."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from trefpunt.catalog.models import Material
from trefpunt.db import session_factory

from .conftest import axe_violations, screenshot
from .editor_steps import log_in, make_user

HEADER = "title;summary;provider;vaardigheid;kosten;status"


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


def upload(page, base: str, path: Path) -> None:
    page.goto(base + "/beheer/import")
    page.get_by_label("Bestand", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Controleren (proefimport)").click()


def test_import_dry_run_commit_and_export_round_trip(app, live_server, page, tmp_path):
    base = live_server.url
    make_user(app, "rik@example.org")
    log_in(page, base, "rik@example.org")

    broken = write(
        tmp_path,
        "fouten.csv",
        [
            "Woordenspel;Spel met woorden.;Uitgeverij Noord;taal-nt2;duur;published",
            ";Zonder titel;;rekenen;gratis;draft",
        ],
    )
    upload(page, base, broken)
    summary = page.locator("#foutmeldingen").inner_text()
    assert "Regel 2, kolom kosten: onbekende waarde 'duur'" in summary
    assert "Regel 3, kolom title: een titel is verplicht" in summary
    assert page.get_by_role("button", name="Import uitvoeren").count() == 0
    assert page.locator("tr.plan-fout").count() == 2
    assert axe_violations(page) == [], "dry run with errors"
    screenshot(page, "editor-import-errors")

    clean = write(
        tmp_path,
        "goed.csv",
        [
            "Woordenspel;Spel met woorden.;Uitgeverij Noord;taal-nt2;betaald;published",
            "Rekenkwartet;Kwartet met sommen.;Uitgeverij Noord;rekenen;betaald;draft",
        ],
    )
    upload(page, base, clean)
    assert page.locator("tr.plan-nieuw").count() == 2
    page.get_by_role("button", name="Import uitvoeren").click()
    assert "Import klaar: 2 nieuw, 0 gewijzigd, 0 ongewijzigd." in page.locator(".flashes").inner_text()
    page.get_by_label("Zoek op titel, aanbieder of samenvatting", exact=True).fill("Uitgeverij Noord")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/beheer/?q=Uitgeverij+Noord*")
    assert page.locator("table.materials tbody tr").count() == 2

    # The whole catalogue exported as CSV for Excel re-imports without a single change.
    page.locator("details.export summary").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="hele catalogus").first.click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.suffix == ".csv" and exported.read_bytes().startswith("\ufeff".encode())
    upload(page, base, exported)
    with session_factory(app)() as session:
        stored = session.scalar(select(func.count(Material.id)))
    assert (
        f"De import maakt 0 nieuwe leermiddelen, wijzigt er 0 en laat {stored} ongewijzigd."
        in page.locator(".notice").inner_text()
    )
