"""An editor moves the catalogue in and out of a spreadsheet (CSV) or another system (JSON Lines).

Nothing is lost on the way, a file saved by Excel is understood, and a file with mistakes says where each
one is and changes nothing.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from trefpunt.catalog import exchange, services
from trefpunt.catalog.errors import ValidationError
from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Material, Revision
from trefpunt.catalog.records import MaterialRecord, columns
from trefpunt.catalog.services import import_records, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

VALID = {
    "title": "Taalklas op dinsdag",
    "summary": "Een groep anderstaligen oefent elke week samen met een vrijwilliger.",
    "status": "published",
    "vaardigheid": "taal-nt2",
    "kosten": "gratis",
}


@pytest.fixture
def empty_session(empty_app):
    with session_factory(empty_app)() as session:
        yield session


def export(session, fmt: str = "csv", delimiter: str = ",") -> bytes:
    from trefpunt.catalog.services import export_records

    vocabulary = load_vocabulary(session)
    out = io.StringIO(newline="")
    if fmt == "csv":
        exchange.write_csv(export_records(session), out, vocabulary, delimiter=delimiter)
    else:
        exchange.write_jsonl(export_records(session), out, vocabulary)
    return out.getvalue().encode("utf-8")


def import_file(session, data: bytes, fmt: str = "csv"):
    """Import as the command does: read, upsert all or nothing, commit."""
    rows = exchange.read_rows(data, fmt, load_vocabulary(session))
    report = import_records(session, rows, author="redacteur")
    session.commit()
    return report


def refused(session, data: bytes, fmt: str = "csv") -> list[tuple[int | None, str, str]]:
    """The (line, column, reason) of every problem of a file that must be refused as a whole."""
    with pytest.raises(ValidationError) as caught:
        import_file(session, data, fmt)
    session.rollback()
    return [(e.line, e.field, e.message) for e in caught.value.errors]


def csv_file(vocabulary, *rows: dict, delimiter: str = ",", header: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    header = header or columns(vocabulary)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def line_of(data: bytes, text: str) -> int:
    return data[: data.index(text.encode())].count(b"\n") + 1


# -- round trips -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_exported_catalogue_imported_elsewhere_exports_byte_for_byte_the_same(session, empty_session, fmt):
    original = export(session, fmt)
    report = import_file(empty_session, original, fmt)
    assert len(report.created) == 133 and not report.errors
    assert export(empty_session, fmt) == original
    again = import_file(empty_session, original, fmt)
    assert again.unchanged == report.created and not again.created and not again.updated


def test_csv_and_json_lines_carry_the_same_catalogue(session, empty_session):
    import_file(empty_session, export(session, "csv"), "csv")
    assert export(empty_session, "jsonl") == export(session, "jsonl")


def test_the_csv_export_is_what_the_documented_format_says(session, vocabulary):
    data = export(session)
    assert not data.startswith(b"\xef\xbb\xbf")
    header = data.split(b"\r\n", 1)[0].decode()
    assert header == (
        "slug,title,summary,description,provider,url,keywords,status,"
        "vaardigheid,niveau,doelgroep,vorm,werkvorm,kosten,taal,nodig,"
        "source,certainty,verified_on,verified_by,how_to_get"
    )
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    taal_centraal = next(r for r in rows if r["slug"] == "taal-centraal")
    assert taal_centraal["niveau"] == "instroom;1f;2f"  # a range carries every level in it
    assert taal_centraal["keywords"] == "lezen;schrijven;spelling;laaggeletterdheid"
    assert "\n" in taal_centraal["description"]  # Markdown paragraphs survive inside one cell
    lines = [json.loads(line) for line in export(session, "jsonl").decode().splitlines()]
    assert [line["slug"] for line in lines] == sorted(r["slug"] for r in rows)
    assert list(lines[0]) == columns(vocabulary)


# -- what Excel and others make of it ----------------------------------------------------------------


def test_a_byte_order_mark_is_accepted(session, empty_session):
    for fmt in ("csv", "jsonl"):
        assert import_file(empty_session, b"\xef\xbb\xbf" + export(session, fmt), fmt).total == 133
    assert export(empty_session) == export(session)


def test_semicolons_as_delimiter_are_detected(session, empty_session):
    semicolons = export(session, delimiter=";")
    assert semicolons.startswith(b"slug;title;summary;")
    import_file(empty_session, semicolons)
    assert export(empty_session) == export(session)


def test_a_hand_made_semicolon_file_with_list_cells_in_quotes(empty_session):
    data = (
        b"title;status;summary;vaardigheid;niveau;kosten;keywords\r\n"
        b'Praatgroep;published;Samen praten, in een kring.;taal-nt2;"a1;a2";gratis;"praten;groep"\r\n'
    )
    report = import_file(empty_session, data)
    assert report.created == ["praatgroep"]
    (record,) = [json.loads(line) for line in export(empty_session, "jsonl").decode().splitlines()]
    assert record["niveau"] == ["a1", "a2"] and record["keywords"] == ["praten", "groep"]
    assert record["summary"] == "Samen praten, in een kring."


def test_a_missing_slug_is_made_from_the_title(empty_session, vocabulary):
    without_column = csv_file(
        vocabulary,
        {**VALID, "title": "Rekenen & geld: de basis"},
        {**VALID, "title": "Geïntegreerd leren op de werkvloer"},
        header=["title", "summary", "status", "vaardigheid", "kosten"],
    )
    assert import_file(empty_session, without_column).created == [
        "rekenen-en-geld-de-basis",
        "geintegreerd-leren-op-de-werkvloer",
    ]
    empty_cell = csv_file(vocabulary, {**VALID, "slug": "", "title": "Lezen met de krant"})
    assert import_file(empty_session, empty_cell).created == ["lezen-met-de-krant"]


def test_an_import_updates_by_slug_and_leaves_the_rest_alone(session, vocabulary):
    before = export(session, "jsonl").decode().splitlines()
    rows = list(csv.DictReader(io.StringIO(export(session).decode(), newline="")))
    steffie = next(r for r in rows if r["slug"] == "steffie")
    steffie["title"] = "Steffie: uitleg in eenvoudige taal"
    report = import_file(session, csv_file(vocabulary, steffie, {**VALID, "slug": "taalklas-dinsdag"}))
    assert report.updated == ["steffie"] and report.created == ["taalklas-dinsdag"]
    after = export(session, "jsonl").decode().splitlines()
    changed = [line for line in after if line not in before]
    assert [json.loads(line)["slug"] for line in changed] == ["steffie", "taalklas-dinsdag"]
    assert len(after) == len(before) + 1


def test_an_import_leaves_a_revision_and_a_journal_entry_for_each_material_it_creates_or_changes(
    session, vocabulary, monkeypatch
):
    # The import writes in batches; a small batch makes this file span several of them.
    monkeypatch.setattr(services, "IMPORT_FLUSH_ROWS", 40)
    rows = list(csv.DictReader(io.StringIO(export(session).decode(), newline="")))
    for row in rows[::2]:
        row["title"] += " (bijgewerkt)"
    new = [{**VALID, "slug": f"nieuw-{n}", "title": f"Nieuw {n}"} for n in range(60)]
    revisions_before = last_revisions(session)
    journal_before = session.scalar(select(func.max(MaterialChange.seq))) or 0

    report = import_file(session, csv_file(vocabulary, *rows, *new))

    changed = report.updated + report.created
    assert (len(report.updated), len(report.created), len(report.unchanged)) == (67, 60, 66)
    revisions = last_revisions(session)
    assert {slug: number for slug, (number, _, _) in revisions.items() if slug in changed} == {
        slug: revisions_before.get(slug, (0,))[0] + 1 for slug in changed
    }
    assert {slug: revisions[slug][1] for slug in changed} == {slug: "import" for slug in changed}
    exported = {r["slug"]: r for r in map(json.loads, export(session, "jsonl").decode().splitlines())}
    assert {slug: revisions[slug][2] for slug in changed} == {slug: exported[slug] for slug in changed}
    unchanged = {slug: revisions[slug] for slug in report.unchanged}
    assert unchanged == {slug: revisions_before[slug] for slug in report.unchanged}
    journal = session.scalars(
        select(Material.slug)
        .join(MaterialChange, MaterialChange.material_id == Material.id)
        .where(MaterialChange.seq > journal_before)
    ).all()
    assert sorted(journal) == sorted(changed)  # one entry each: the search index replays exactly these


def last_revisions(session) -> dict[str, tuple[int, str, dict]]:
    """Each material's latest revision as (number, note, snapshot), by slug."""
    latest = (
        select(Revision.material_id, func.max(Revision.number).label("number"))
        .group_by(Revision.material_id)
        .subquery()
    )
    query = (
        select(Material.slug, Revision.number, Revision.note, Revision.snapshot)
        .join(Revision, Revision.material_id == Material.id)
        .join(latest, (latest.c.material_id == Revision.material_id) & (latest.c.number == Revision.number))
    )
    return {slug: (number, note, snapshot) for slug, number, note, snapshot in session.execute(query)}


def test_cells_a_spreadsheet_would_run_as_a_formula_are_escaped_and_come_back_unchanged(empty_session):
    record = MaterialRecord(
        slug="formules",
        title='=HYPERLINK("https://example.org","klik")',
        summary="+31 20 123 45 67 is het nummer van de helpdesk.",
        description="- eerste punt\n- tweede punt",
        provider="@Taalhuis",
        keywords=["-korting", "=som"],
        status="published",
        facets={"vaardigheid": ["rekenen"], "kosten": ["gratis"]},
    )
    literal = MaterialRecord(
        slug="apostrof", title="'t Kofschip", provider="'=al een apostrof", status="draft"
    )
    save_material(empty_session, record, author="redacteur")
    save_material(empty_session, literal, author="redacteur")
    empty_session.commit()

    data = export(empty_session)
    cells = [cell for row in csv.reader(io.StringIO(data.decode(), newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert '\'=HYPERLINK("https://example.org","klik")' in cells
    assert "'-korting;=som" in cells and "'@Taalhuis" in cells and "'t Kofschip" in cells

    vocabulary = load_vocabulary(empty_session)
    read_back = [
        MaterialRecord.from_mapping(row, vocabulary)
        for _line, row in exchange.read_rows(data, "csv", vocabulary)
    ]
    assert [r.to_dict(vocabulary) for r in read_back] == [
        literal.to_dict(vocabulary),
        record.to_dict(vocabulary),
    ]
    assert import_file(empty_session, data).unchanged == ["apostrof", "formules"]
    assert export(empty_session) == data


# -- mistakes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mistake", "column", "reason"),
    [
        ({"niveau": "a1;z9"}, "niveau", "onbekende waarde 'z9'"),
        ({"vaardigheid": "toveren"}, "vaardigheid", "onbekende waarde 'toveren'"),
        ({"doelgroep": "ouderen;senioren"}, "doelgroep", "onbekende waarde 'senioren'"),
        ({"niveau": "a1;b1"}, "niveau", "elk niveau tussen het laagste en het hoogste"),
        ({"niveau": "per-niveau;b1"}, "niveau", "staan alleen"),
        ({"niveau": "a1;b1"}, "niveau", "elk niveau tussen het laagste en het hoogste"),
        ({"niveau": "instroom;2f"}, "niveau", "elk niveau tussen het laagste en het hoogste"),
        ({"kosten": "gratis;betaald"}, "kosten", "precies één"),
        ({"url": "www.taalklas.nl"}, "url", "geen geldig webadres"),
        ({"url": "javascript:alert(1)"}, "url", "geen geldig webadres"),
        ({"url": "https://taal klas.nl"}, "url", "geen geldig webadres"),
        ({"status": "gepubliceerd"}, "status", "onbekende status 'gepubliceerd'"),
        ({"slug": "Taalklas Dinsdag"}, "slug", "alleen kleine letters"),
        ({"summary": ""}, "summary", "samenvatting"),
        ({"kosten": ""}, "kosten", "kies de kosten"),
        ({"summary": "x" * 301}, "summary", "het maximum is 300"),
    ],
)
def test_a_bad_row_is_reported_with_line_column_and_reason_and_nothing_changes(
    session, vocabulary, mistake, column, reason
):
    before = export(session)
    data = csv_file(
        vocabulary,
        {**VALID, "slug": "goed-1", "title": "Goed een"},
        {**VALID, "slug": "fout", "title": "Fout", **mistake},
        {**VALID, "slug": "goed-2", "title": "Goed twee"},
    )
    problems = refused(session, data)
    assert [(line, col) for line, col, _ in problems] == [(3, column)]
    assert reason in problems[0][2]
    assert export(session) == before


def test_every_bad_row_is_reported_not_only_the_first(session, vocabulary):
    before = export(session)
    data = csv_file(
        vocabulary,
        {**VALID, "slug": "a", "kosten": "duur"},
        {**VALID, "slug": "b"},
        {**VALID, "slug": "c", "niveau": "a1;b1", "url": "ftp://x.nl"},
        {**VALID, "slug": "d", "status": "klaar"},
    )
    assert [(line, column) for line, column, _ in refused(session, data)] == [
        (2, "kosten"),
        (4, "url"),
        (4, "niveau"),
        (5, "status"),
    ]
    assert export(session) == before


def test_a_slug_used_twice_in_one_file_is_reported_at_its_second_line(session, vocabulary):
    before = export(session)
    data = csv_file(
        vocabulary, {**VALID}, {**VALID, "slug": "iets-anders"}, {**VALID, "summary": "Nog eens."}
    )
    assert refused(session, data) == [(4, "slug", "dubbele slug 'taalklas-op-dinsdag' (ook op regel 2)")]
    assert export(session) == before


def test_line_numbers_count_the_lines_of_multi_line_cells(session):
    before = export(session)
    row_start = line_of(before, "\r\noefenen-nl,") + 1
    assert row_start > 3  # the rows before it span several lines each
    broken = before.replace(b"https://oefenen.nl,", b"oefenen.nl,", 1)
    assert refused(session, broken) == [
        (row_start, "url", "geen geldig webadres: begin met http:// of https://")
    ]
    assert export(session) == before


def test_a_row_with_the_wrong_number_of_cells(session):
    before = export(session)
    data = before + b"extra,Een rij,met te weinig cellen\r\n"
    (problem,) = refused(session, data)
    assert problem[:2] == (before.count(b"\n") + 1, "bestand")
    assert "3 cellen, de kop heeft er 21" in problem[2]
    assert export(session) == before


def test_unknown_or_missing_columns_are_refused(empty_session, vocabulary):
    assert refused(empty_session, b"title,kleur\r\nRode draad,rood\r\n") == [(1, "kleur", "onbekende kolom")]
    assert refused(empty_session, b"summary\r\nIets.\r\n") == [
        (1, "title", "de kolom 'title' (of 'slug') ontbreekt")
    ]
    # Without a title column a file can only change materials that exist: a new slug needs a title.
    assert refused(empty_session, b"slug,summary\r\nzonder-titel,Iets.\r\n") == [
        (2, "title", "een titel is verplicht")
    ]


def test_a_bad_json_line_is_reported_with_its_line(session):
    before = export(session, "jsonl")
    lines = before.split(b"\n")
    lines[1] = lines[1][:40]  # cut off, as when a file is truncated
    lines[4] = b'["not", "an", "object"]'
    problems = refused(session, b"\n".join(lines), "jsonl")
    assert [(line, column) for line, column, _ in problems] == [(2, "json"), (5, "json")]
    assert problems[0][2].startswith("ongeldige JSON") and "één JSON-object" in problems[1][2]
    assert export(session, "jsonl") == before


def test_json_lines_rows_are_validated_like_csv_rows(session, vocabulary):
    before = export(session, "jsonl")
    good = json.dumps({**VALID, "vaardigheid": ["taal-nt2"]})
    bad = json.dumps({**VALID, "title": "Andere", "niveau": ["c1", "a0"]})
    assert refused(session, f"{good}\n\n{bad}\n".encode(), "jsonl") == [
        (3, "niveau", "een niveaubereik bevat elk niveau tussen het laagste en het hoogste")
    ]
    assert export(session, "jsonl") == before


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_first_bad_character(session, vocabulary):
    before = export(session)
    good = {**VALID, "slug": "goed"}
    windows = csv_file(vocabulary, good, good | {"slug": "cafe", "title": "Taalcafé"}, good | {"slug": "c"})
    windows = windows.decode().encode("cp1252")
    problems = refused(session, windows)
    assert [(line, column) for line, column, _ in problems] == [(3, "bestand")]
    assert "UTF-8" in problems[0][2]
    lines = [
        json.dumps({**VALID, "title": title}, ensure_ascii=False).encode("cp1252")
        for title in ("Koffie", "Taalcafé")
    ]
    assert [line for line, _, _ in refused(session, b"\n".join(lines), "jsonl")] == [2]
    assert export(session) == before


def test_a_file_with_errors_changes_nothing_even_when_most_rows_are_fine(session, vocabulary):
    before = export(session)
    rows = list(csv.DictReader(io.StringIO(before.decode(), newline="")))
    for row in rows:
        row["title"] += " (bijgewerkt)"
    rows.append({**VALID, "slug": "nieuw"})
    rows.append({**VALID, "slug": "kapot", "kosten": "gratis;betaald"})
    data = csv_file(vocabulary, *rows)
    assert [column for _, column, _ in refused(session, data)] == ["kosten"]
    assert export(session) == before
    without_the_mistake = import_file(session, csv_file(vocabulary, *rows[:-1]))
    assert len(without_the_mistake.updated) == 133 and without_the_mistake.created == ["nieuw"]


def test_the_file_type_comes_from_the_name():
    assert exchange.detect_format("Catalogus.CSV") == "csv"
    assert exchange.detect_format("export.jsonl") == "jsonl"
    with pytest.raises(ValidationError, match="onbekend bestandstype"):
        exchange.detect_format("catalogus.xlsx")


def test_a_file_with_fewer_columns_changes_only_those_columns(app, session):
    from trefpunt.catalog import exchange
    from trefpunt.catalog.services import get_material, import_records
    from trefpunt.catalog.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(session)
    before = get_material(session, "taalklas-nl")
    summary, levels = before.summary, before.term_keys("level")
    rows = exchange.read_rows(b"slug;kosten\ntaalklas-nl;betaald\n", "csv", vocabulary)
    report = import_records(session, rows, author="redacteur")
    session.commit()
    after = get_material(session, "taalklas-nl")
    assert report.updated == ["taalklas-nl"]
    assert after.term_keys("cost") == ["betaald"]
    assert after.summary == summary and after.term_keys("level") == levels


def test_json_lines_refuse_unknown_keys_like_csv_refuses_unknown_columns(app, session):
    import pytest

    from trefpunt.catalog import exchange
    from trefpunt.catalog.errors import ValidationError
    from trefpunt.catalog.vocabulary import load_vocabulary

    with pytest.raises(ValidationError) as raised:
        exchange.read_rows(
            b'{"slug": "x", "title": "X", "nivo": ["a1"]}\n', "jsonl", load_vocabulary(session)
        )
    assert [(e.field, e.line) for e in raised.value.errors] == [("nivo", 1)]
