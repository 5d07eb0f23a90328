"""An administrator moves the synonym list in and out as CSV: ``trefpunt synonyms export/import``."""

from __future__ import annotations

from pathlib import Path

from trefpunt import resources
from trefpunt.catalog import synonyms
from trefpunt.cli import main
from trefpunt.db import session_factory

SEED_FILE = resources.path("catalog_data") / "synonyms.csv"


def run(app, *args: str):
    return app.test_cli_runner().invoke(main, list(args))


def test_export_then_import_gives_the_same_file(app, tmp_path: Path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    exported = run(app, "synonyms", "export", str(first))
    assert exported.exit_code == 0, exported.output
    rows = synonyms.read_csv(first.read_text(encoding="utf-8"))
    assert f"{len(rows)} synoniemen geëxporteerd" in exported.output
    assert len(rows) == len(synonyms.read_csv(SEED_FILE.read_text(encoding="utf-8")))
    imported = run(app, "synonyms", "import", str(first))
    assert imported.exit_code == 0, imported.output
    assert f"0 nieuw, 0 gewijzigd, {len(rows)} ongewijzigd" in imported.output
    run(app, "synonyms", "export", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_import_adds_and_updates_by_phrase_and_leaves_the_rest(app, tmp_path: Path):
    file = tmp_path / "eigen.csv"
    file.write_text(
        "\ufeffphrase,expansions,two_way,note\n"
        "Thuiszorg,zorg;gezondheid,no,Zorg aan huis\n"
        "POST,brieven;poststukken,yes,\n",
        encoding="utf-8",
    )
    done = run(app, "synonyms", "import", str(file))
    assert done.exit_code == 0, done.output
    assert "1 nieuw, 1 gewijzigd, 0 ongewijzigd" in done.output
    with session_factory(app)() as session:
        home = synonyms.find_synonym(session, "thuiszorg")
        assert (home.expansions, home.two_way, home.note) == (["zorg", "gezondheid"], False, "Zorg aan huis")
        post = synonyms.find_synonym(session, "post")
        assert (post.phrase, post.expansions, post.two_way) == ("POST", ["brieven", "poststukken"], True)
        assert synonyms.find_synonym(session, "ziekenhuis") is not None


def test_an_import_with_errors_changes_nothing_and_says_where(app, tmp_path: Path):
    file = tmp_path / "fout.csv"
    file.write_text(
        "phrase,expansions,two_way,note\n"
        "thuiszorg,zorg,no,\n"
        "ziek,ziek,no,\n"
        ",gezondheid,no,\n"
        "thuiszorg,gezondheid,no,\n",
        encoding="utf-8",
    )
    done = run(app, "synonyms", "import", str(file))
    assert done.exit_code == 1
    assert "regel 3, expansions: Het zoekwoord staat ook bij de synoniemen" in done.output
    assert "regel 4, phrase: Vul het zoekwoord in." in done.output
    assert "regel 5, phrase: dit zoekwoord staat al eerder in het bestand" in done.output
    assert "er is niets veranderd" in done.output
    with session_factory(app)() as session:
        assert synonyms.find_synonym(session, "thuiszorg") is None
        assert synonyms.find_synonym(session, "ziek").expansions == ["gezondheid", "ziekte"]


def test_a_file_without_the_columns_or_not_in_utf8_is_refused(app, tmp_path: Path):
    columns = tmp_path / "kolommen.csv"
    columns.write_text("woord,betekenis\nziek,gezondheid\n", encoding="utf-8")
    done = run(app, "synonyms", "import", str(columns))
    assert done.exit_code == 1 and "regel 1, phrase: deze kolom ontbreekt" in done.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("phrase,expansions,two_way,note\nfinanciën,geld,no,\n".encode("latin-1"))
    done = run(app, "synonyms", "import", str(latin))
    assert done.exit_code == 1 and "geen UTF-8-bestand" in done.output
