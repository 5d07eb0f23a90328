"""An administrator sets Trefpunt up and looks after it with the ``trefpunt`` command.

Every test runs the installed console script in a subprocess, configured only through the environment,
against its own database (SQLite, and PostgreSQL when TREFPUNT_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PG_ADMIN_URL, new_database, new_pg_database
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from seed_catalogue import DIGID_MATERIALS
from sqlalchemy import text
from sqlalchemy.orm import Session

from trefpunt import resources
from trefpunt.auth.services import find_user, verify_password
from trefpunt.db import make_engine
from trefpunt.search.schema import title_sort_key

TREFPUNT = Path(sys.executable).with_name("trefpunt")
SPEC = json.loads((resources.PACKAGE / "api" / "openapi.json").read_text(encoding="utf-8"))


class Trefpunt:
    """Runs ``trefpunt ...`` the way an administrator would, in a shell configured by environment."""

    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TREFPUNT_")}
        self.env.update(
            TREFPUNT_DATABASE_URL=database_url,
            TREFPUNT_INDEX_DIR=str(folder / "index"),
            TREFPUNT_INSTANCE_PATH=str(folder / "instance"),
            PYTHONWARNINGS="error",
        )

    def __call__(self, *args: str, input: str = "", ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(TREFPUNT), *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=self.folder,
            timeout=120,
        )
        if ok:
            assert done.returncode == 0, f"trefpunt {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def export(self, name: str) -> bytes:
        self("export", str(self.folder / name))
        return (self.folder / name).read_bytes()

    def sql(self, statement: str, **params) -> None:
        """Change the database behind the application's back, as a database administrator might."""
        engine = make_engine(self.database_url)
        with engine.begin() as connection:
            connection.execute(text(statement), params)
        engine.dispose()


@pytest.fixture
def empty_database(backend, tmp_path, request) -> str:
    """A database with nothing in it, not even tables."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'trefpunt.sqlite3'}"
    assert PG_ADMIN_URL
    return new_pg_database(request, prefix="tp_cli")


@pytest.fixture
def fresh(tmp_path, empty_database) -> Trefpunt:
    return Trefpunt(tmp_path, empty_database)


@pytest.fixture
def trefpunt(templates, backend, tmp_path, request) -> Trefpunt:
    """A migrated, seeded catalogue (copied from the test templates), with no index built yet."""
    return Trefpunt(tmp_path, new_database(templates[backend], tmp_path, seeded=True, request=request))


def search_json(trefpunt: Trefpunt, *args: str) -> dict:
    result = json.loads(trefpunt("search", *args, "--json").stdout)
    registry = Registry().with_resource("urn:spec", DRAFT202012.create_resource(SPEC))
    Draft202012Validator({"$ref": "urn:spec#/components/schemas/SearchResult"}, registry=registry).validate(
        result
    )
    return result


# -- setting up ----------------------------------------------------------------------------------------


def test_init_seed_and_index_set_up_a_searchable_catalogue_and_seeding_twice_changes_nothing(fresh):
    assert "Database is bijgewerkt" in fresh("init").stdout
    fresh("init")  # running it again is harmless
    first = fresh("seed").stdout
    assert "133 leermiddelen toegevoegd" in first
    csv_once, jsonl_once = fresh.export("eens.csv"), fresh.export("eens.jsonl")

    second = fresh("seed").stdout
    assert (
        "0 facetten, 0 termen en 0 synoniemen toegevoegd; 0 leermiddelen toegevoegd, 133 bestonden al"
        in second
    )
    assert fresh.export("twee.csv") == csv_once
    assert fresh.export("twee.jsonl") == jsonl_once

    assert "Index gebouwd: 129 gepubliceerde leermiddelen" in fresh("index", "rebuild").stdout
    assert "Index in orde" in fresh("index", "check").stdout
    assert {
        hit["slug"] for hit in search_json(fresh, "digid")["hits"][: len(DIGID_MATERIALS)]
    } == DIGID_MATERIALS


# -- the index -----------------------------------------------------------------------------------------


def test_index_check_applies_the_journal_before_it_judges(trefpunt):
    trefpunt("index", "rebuild")
    data = trefpunt.export("catalogus.csv").replace(b"Steffie legt uit: DigiD", b"DigiD met Steffie", 1)
    (trefpunt.folder / "bijgewerkt.csv").write_bytes(data)
    assert "1 gewijzigd" in trefpunt("import", str(trefpunt.folder / "bijgewerkt.csv")).stdout

    # Nothing has searched since the import; the check catches the index up first, so normal lag is
    # no alarm: only drift the journal cannot repair is.
    assert "Index in orde" in trefpunt("index", "check").stdout
    assert "DigiD met Steffie" in trefpunt("search", "digid").stdout


def test_index_check_finds_changes_made_behind_the_applications_back_and_rebuild_repairs_them(trefpunt):
    trefpunt("index", "rebuild")
    trefpunt.sql("UPDATE materials SET status = 'published' WHERE slug = 'coronacheck-app'")
    trefpunt.sql("UPDATE materials SET status = 'draft' WHERE slug = 'steffie'")
    trefpunt.sql("UPDATE materials SET version = version + 1 WHERE slug = 'oefenen-nl'")

    check = trefpunt("index", "check", ok=False)
    assert check.returncode == 1
    assert check.stdout.splitlines()[1:] == [
        "ontbreekt: coronacheck-app",
        "verouderd: oefenen-nl",
        "te veel: steffie",
    ]
    # The journal knows nothing of these changes, so searching does not repair them ...
    trefpunt("search", "digid")
    assert trefpunt("index", "check", ok=False).returncode == 1
    # ... and a rebuild from the database does.
    trefpunt("index", "rebuild")
    assert "Index in orde" in trefpunt("index", "check").stdout
    slugs = {hit["slug"] for hit in search_json(trefpunt, "digid")["hits"]}
    assert "coronacheck-app" in slugs and "steffie" not in slugs


def test_without_an_index_check_says_what_to_run_and_search_builds_one(trefpunt):
    check = trefpunt("index", "check", ok=False)
    assert check.returncode == 1
    assert "run `trefpunt index rebuild`" in check.stderr

    searched = trefpunt("search", "digid")
    assert "opnieuw gebouwd" in searched.stderr  # the operator's search builds it, and says so
    assert "leermiddelen voor ‘digid’" in searched.stdout
    assert "Index in orde" in trefpunt("index", "check").stdout


# -- searching -----------------------------------------------------------------------------------------


def test_search_prints_the_apis_json_and_takes_facet_options(trefpunt):
    trefpunt("index", "rebuild")
    everything = search_json(trefpunt, "digid")
    assert {hit["slug"] for hit in everything["hits"][: len(DIGID_MATERIALS)]} == DIGID_MATERIALS
    gratis = search_json(trefpunt, "digid", "--kosten", "gratis", "--sorteer", "titel")
    assert gratis["query"]["args"] == [["q", "digid"], ["kosten", "gratis"], ["sorteer", "titel"]]
    assert 0 < gratis["total"] < everything["total"]
    titles = [hit["title"] for hit in gratis["hits"]]
    # By title as the search sorts: its folded words ("Digisterker - Werken" after "Digisterker maatwerk").
    assert titles == sorted(titles, key=lambda title: title_sort_key(title, ""))

    levels = search_json(trefpunt, "--niveau", "a1", "--niveau", "a2", "--vaardigheid", "taal-nt2")
    assert levels["total"] > 0
    assert all({"a1", "a2"} & {t["value"] for t in hit["facets"]["niveau"]} for hit in levels["hits"])


def test_search_in_words_says_the_search_back_and_lists_the_hits(trefpunt):
    trefpunt("index", "rebuild")
    lines = trefpunt("search", "digid", "--doelgroep", "lvb").stdout.splitlines()
    assert lines[0].endswith("voor ‘digid’ — doelgroep: Mensen met een licht verstandelijke beperking")
    assert "Steffie legt uit: DigiD (Leer Zelf Online) /leermiddel/steffie-digid" in lines[1]


def test_search_refuses_a_bad_sort_or_page_by_name(trefpunt):
    for option, value in (("--sorteer", "populair"), ("--pagina", "0")):
        refused = trefpunt("search", "digid", option, value, ok=False)
        assert refused.returncode == 2
        assert option in refused.stderr


# -- accounts ------------------------------------------------------------------------------------------


def test_user_create_reads_the_password_from_a_pipe(trefpunt):
    done = trefpunt(
        "user", "create", "Redacteur@Bibliotheek.nl", "--name", "Ria", input="een lang wachtwoord\n"
    )
    assert "Account redacteur@bibliotheek.nl (editor) aangemaakt" in done.stdout
    engine = make_engine(trefpunt.database_url)
    with Session(engine) as session:
        user = find_user(session, "redacteur@bibliotheek.nl")
        assert user is not None and user.role == "editor" and user.name == "Ria"
        assert verify_password(user, "een lang wachtwoord")
    engine.dispose()

    again = trefpunt(
        "user", "create", "redacteur@bibliotheek.nl", input="nog een lang wachtwoord\n", ok=False
    )
    assert again.returncode == 1 and "er is al een account met dit e-mailadres" in again.stderr


@pytest.mark.parametrize("password", ["kort\n", "\n", ""])
def test_user_create_refuses_a_short_password_with_a_clear_message(trefpunt, password):
    done = trefpunt("user", "create", "vrijwilliger@bibliotheek.nl", input=password, ok=False)
    assert done.returncode == 1
    assert "een wachtwoord heeft minstens 12 tekens" in done.stderr
    assert "er is niets veranderd" in done.stderr
    engine = make_engine(trefpunt.database_url)
    with Session(engine) as session:
        assert find_user(session, "vrijwilliger@bibliotheek.nl") is None
    engine.dispose()


# -- import and export ---------------------------------------------------------------------------------


def test_an_import_with_errors_exits_non_zero_names_every_problem_and_changes_nothing(trefpunt):
    before = trefpunt.export("voor.csv")
    lines = before.decode().split("\r\n")
    header = lines[0]
    bad = "\r\n".join(
        [
            header,
            "nieuw-boek,Nieuw boek,Een boek.,,,,,published,taal-nt2,,,,,gratis,,,,,,,",
            "fout-niveau,Fout niveau,Een boek.,,,,,published,taal-nt2,a1;b1,,,,gratis,,,,,,,",
            "fout-url,Fout adres,Een boek.,,,www.boek.nl,,published,taal-nt2,,,,,gratis,,,,,,,",
            "",
        ]
    )
    (trefpunt.folder / "fouten.csv").write_text(bad, encoding="utf-8", newline="")
    done = trefpunt("import", str(trefpunt.folder / "fouten.csv"), ok=False)
    assert done.returncode == 1
    assert (
        "regel 3, niveau: een niveaubereik bevat elk niveau tussen het laagste en het hoogste" in done.stderr
    )
    assert "regel 4, url: geen geldig webadres" in done.stderr
    assert "2 fout(en); er is niets veranderd" in done.stderr
    assert trefpunt.export("na.csv") == before


def test_import_dry_run_reports_without_changing_and_then_imports(trefpunt):
    before = trefpunt.export("voor.jsonl")
    new = {"title": "Taalcafé op zaterdag", "summary": "Praten bij de koffie.", "status": "published",
           "vaardigheid": ["taal-nt2"], "kosten": ["gratis"]}  # fmt: skip
    path = trefpunt.folder / "nieuw.jsonl"
    path.write_text(json.dumps(new, ensure_ascii=False) + "\n", encoding="utf-8")
    assert (
        "Import zou: 1 nieuw, 0 gewijzigd, 0 ongewijzigd" in trefpunt("import", "--dry-run", str(path)).stdout
    )
    assert trefpunt.export("droog.jsonl") == before
    assert "Import is: 1 nieuw" in trefpunt("import", str(path)).stdout
    assert b'"slug": "taalcafe-op-zaterdag"' in trefpunt.export("na.jsonl")


def test_an_edited_catalogue_moves_to_a_new_installation_without_a_byte_changing(
    trefpunt, tmp_path, empty_database
):
    edited = trefpunt.export("origineel.csv").replace(b",Oefenen.nl,", b",Oefenen.nl (KB-licentie),", 1)
    edited += b"taalcafe-zaterdag,Taalcafe,Praten bij de koffie.,,,,,published,taal-nt2,,,,,gratis,,,,,,,\r\n"
    (trefpunt.folder / "bewerkt.csv").write_bytes(edited)
    assert "1 nieuw, 1 gewijzigd" in trefpunt("import", str(trefpunt.folder / "bewerkt.csv")).stdout
    csv_file, jsonl_file = trefpunt.export("catalogus.csv"), trefpunt.export("catalogus.jsonl")

    elsewhere = Trefpunt(tmp_path / "elders", empty_database)
    elsewhere.folder.mkdir()
    elsewhere("init")
    elsewhere("seed")
    assert "1 nieuw, 1 gewijzigd" in elsewhere("import", str(trefpunt.folder / "catalogus.jsonl")).stdout
    assert elsewhere.export("terug.csv") == csv_file
    assert elsewhere.export("terug.jsonl") == jsonl_file


def test_export_refuses_a_file_type_it_does_not_write(trefpunt):
    done = trefpunt("export", str(trefpunt.folder / "catalogus.xlsx"), ok=False)
    assert done.returncode == 1 and "onbekend bestandstype" in done.stderr
    assert not (trefpunt.folder / "catalogus.xlsx").exists()
