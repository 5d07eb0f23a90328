"""Import (upload, dry run, commit all or nothing; a large file as a job) and export (CSV, XLSX, JSONL)."""

from __future__ import annotations

import datetime as dt
import io

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from trefpunt.catalog import exchange, import_jobs, listing, pending_imports, spreadsheet
from trefpunt.catalog.errors import FieldError, NotFound, ValidationError
from trefpunt.catalog.services import export_records
from trefpunt.catalog.vocabulary import Vocabulary, load_vocabulary
from trefpunt.db import get_session, session_factory

from .blueprint import bp

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/x-ndjson; charset=utf-8", "jsonl"),
}
# Seconds between reloads of a running job's status page.
STATUS_REFRESH_SECONDS = 2


@bp.get("/import")
def import_upload():
    return render_template("editor/import.html")


@bp.post("/import")
def import_dry_run():
    """Read the file within the limits (a bad one is refused here), then check it as a job."""
    upload = request.files.get("bestand")
    data = upload.read() if upload else b""
    if not upload or not data:
        return _import_error([FieldError("bestand", _("Kies een bestand om te importeren."))], 400)
    session = get_session()
    try:
        fmt = pending_imports.detect(upload.filename or "", data)
        rows = pending_imports.read(data, fmt, load_vocabulary(session))
    except ValidationError as error:
        return _import_error(error.errors, 422)
    claim = import_jobs.new_claim() if len(rows) <= import_jobs.INLINE_ROWS else None
    token = pending_imports.store(
        session,
        current_user.id,
        data,
        fmt,
        author=current_user.email,
        filename=upload.filename or "",
        total=len(rows),
        claim=claim,
    )
    session.commit()
    if claim is None:
        return redirect(url_for("editor.import_status", token=token), 303)
    import_jobs.run(session_factory(), token, claim)
    return import_status(token)


@bp.get("/import/<token>")
def import_status(token: str):
    """A job's page: its progress while it runs (reloading itself), then what it found or did."""
    session = get_session()
    session.expire_all()
    pending = pending_imports.get(session, current_user.id, token)
    checked = pending.dry_run and pending.status == pending_imports.DONE
    running = pending.status in (pending_imports.QUEUED, pending_imports.RUNNING)
    return render_template(
        "editor/import_plan.html" if checked else "editor/import_status.html",
        job=pending,
        outcome=import_jobs.Outcome.from_json(pending.result),
        confirmable=pending_imports.confirmable(pending),
        refresh=STATUS_REFRESH_SECONDS if running else None,
    )


@bp.post("/import/<token>")
def import_commit(token: str):
    """Import a checked file: at once when it is small, else as a job whose page shows its progress."""
    session = get_session()
    pending = pending_imports.get(session, current_user.id, token)
    claim = import_jobs.new_claim() if pending.total <= import_jobs.INLINE_ROWS else None
    if not import_jobs.confirm(session, pending, claim=claim):
        raise NotFound("dit importbestand is niet (meer) beschikbaar; upload het opnieuw")
    session.commit()
    if claim is None:
        return redirect(url_for("editor.import_status", token=token), 303)
    import_jobs.run(session_factory(), token, claim)
    session.expire_all()
    pending = pending_imports.get(session, current_user.id, token)
    if pending.status != pending_imports.DONE:
        return redirect(url_for("editor.import_status", token=token), 303)
    outcome = import_jobs.Outcome.from_json(pending.result)
    flash(
        _(
            "Import klaar: %(created)s nieuw, %(updated)s gewijzigd, %(unchanged)s ongewijzigd. "
            "Gepubliceerde leermiddelen zijn meteen te vinden in de openbare zoekfunctie.",
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
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
