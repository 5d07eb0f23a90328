"""Import (upload, dry run, commit all-or-nothing) and export (CSV for Dutch Excel, XLSX, JSON Lines)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from trefpunt.catalog import exchange, listing, pending_imports, spreadsheet
from trefpunt.catalog.errors import FieldError, ValidationError
from trefpunt.catalog.records import MaterialRecord, validate
from trefpunt.catalog.services import ImportReport, export_records, import_records
from trefpunt.catalog.vocabulary import Vocabulary, load_vocabulary
from trefpunt.db import get_session

from .blueprint import bp

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/x-ndjson; charset=utf-8", "jsonl"),
}


@dataclass
class RowPlan:
    """What the import does with one row of the file."""

    line: int
    slug: str
    title: str
    action: str  # "nieuw", "wijzigen", "ongewijzigd" or "fout"
    changed: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def parse(data: bytes, fmt: str, vocabulary: Vocabulary) -> list[tuple[int, dict]]:
    if fmt == "xlsx":
        return spreadsheet.read_xlsx(data, vocabulary)
    return exchange.read_rows(data, fmt, vocabulary)


def plan(session, rows, report: ImportReport, vocabulary: Vocabulary) -> list[RowPlan]:
    """One line per row: created, changed (which fields) or unchanged, with its errors."""
    errors: dict[int, list[FieldError]] = {}
    for error in report.errors:
        errors.setdefault(error.line, []).append(error)
    stored = {r.slug: r.to_dict(vocabulary) for r in export_records(session)}
    plans = []
    for line, data in rows:
        slug = MaterialRecord.from_mapping(data, vocabulary).slug
        before = stored.get(slug)
        # As the import does: a file with fewer columns changes only the columns it has.
        merged = {**before, **data, "slug": slug} if before else data
        clean, _problems = validate(MaterialRecord.from_mapping(merged, vocabulary), vocabulary)
        row = RowPlan(line, clean.slug, clean.title, "fout", errors=errors.get(line, []))
        if not row.errors and before is None:
            row.action = "nieuw"
        elif not row.errors:
            after = clean.to_dict(vocabulary)
            row.changed = [k for k in after if after[k] != before.get(k)]
            row.action = "wijzigen" if row.changed else "ongewijzigd"
        plans.append(row)
    return plans


@bp.get("/import")
def import_upload():
    return render_template("editor/import.html")


@bp.post("/import")
def import_dry_run():
    upload = request.files.get("bestand")
    data = upload.read() if upload else b""
    if not data:
        return _import_error([FieldError("bestand", _("Kies een bestand om te importeren."))], 400)
    session = get_session()
    vocabulary = load_vocabulary(session)
    try:
        fmt = pending_imports.detect(upload.filename, data)
        rows = parse(data, fmt, vocabulary)
    except ValidationError as error:
        return _import_error(error.errors, 422)
    report = import_records(session, rows, author=current_user.email, dry_run=True)
    plans = plan(session, rows, report, vocabulary)
    token = None
    if not report.errors:
        token = pending_imports.store(session, current_user.id, data, fmt)
        session.commit()
    return render_template(
        "editor/import_plan.html",
        plans=plans,
        report=report,
        token=token,
        filename=upload.filename,
    )


@bp.post("/import/<token>")
def import_commit(token: str):
    session = get_session()
    vocabulary = load_vocabulary(session)
    data, fmt = pending_imports.load(session, current_user.id, token)
    try:
        report = import_records(session, parse(data, fmt, vocabulary), author=current_user.email)
    except ValidationError as error:
        session.rollback()
        return _import_error(error.errors, 422)
    pending_imports.discard(session, current_user.id, token)
    session.commit()
    flash(
        _(
            "Import klaar: %(created)s nieuw, %(updated)s gewijzigd, %(unchanged)s ongewijzigd. "
            "Gepubliceerde leermiddelen zijn meteen te vinden in de openbare zoekfunctie.",
            created=len(report.created),
            updated=len(report.updated),
            unchanged=len(report.unchanged),
        ),
        "success",
    )
    return redirect(url_for("editor.materials"))


def _import_error(errors: list[FieldError], status: int):
    return render_template("editor/import.html", errors=errors), status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    message = _("Het bestand is te groot: het maximum is %(mb)s MB. Er is niets veranderd.", mb=f"{limit:g}")
    return _import_error([FieldError("bestand", message)], 413)


@bp.get("/export")
def export():
    session = get_session()
    vocabulary = load_vocabulary(session)
    kind = request.args.get("formaat", "csv")
    if kind not in EXPORT_TYPES:
        kind = "csv"
    slugs = None
    if request.args.get("lijst"):
        slugs = listing.filtered_slugs(
            session, listing.ListRequest.from_args(request.args, vocabulary), vocabulary
        )
    records = export_records(session, slugs)
    mimetype, extension = EXPORT_TYPES[kind]
    body = render_export(records, kind, vocabulary)
    filename = f"trefpunt-leermiddelen-{dt.date.today():%Y%m%d}.{extension}"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def render_export(records: list, kind: str, vocabulary: Vocabulary) -> bytes:
    if kind == "xlsx":
        out = io.BytesIO()
        spreadsheet.write_xlsx(records, out, vocabulary)
        return out.getvalue()
    text = io.StringIO(newline="")
    if kind == "json":
        exchange.write_jsonl(records, text, vocabulary)
        return text.getvalue().encode("utf-8")
    # Dutch Excel opens a CSV with ';' and recognises UTF-8 only with a byte order mark.
    exchange.write_csv(records, text, vocabulary, delimiter=";")
    return ("\ufeff" + text.getvalue()).encode("utf-8")
