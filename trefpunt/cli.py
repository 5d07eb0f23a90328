"""The ``trefpunt`` command: thin click commands over the same functions the tests call."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import create_app, migrations, resources
from .auth import services as accounts
from .catalog import exchange, import_jobs, pending_imports
from .catalog import synonyms as synonym_rules
from .catalog.errors import ValidationError
from .catalog.seed import seed as load_seed
from .catalog.services import export_records
from .catalog.vocabulary import FACET_PARAMS, load_vocabulary
from .db import session_factory
from .search import InvalidParameter, SearchRequest, SearchUnavailable, get_engine
from .search.store import IndexProblem


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def main() -> None:
    """Trefpunt leermiddelen."""


def _session():
    _release_connections_on_exit()
    return session_factory()()


def _release_connections_on_exit() -> None:
    # Close pooled database connections when the command ends, rather than leaving them to the garbage
    # collector at exit (a ResourceWarning here, an aborted connection in PostgreSQL's log).
    click.get_current_context().call_on_close(session_factory().kw["bind"].dispose)


def _fail(error: ValidationError, count: int | None = None) -> None:
    count = len(error.errors) if count is None else count
    for problem in error.errors[:200]:
        click.echo(f"  {problem}", err=True)
    if count > len(error.errors[:200]):
        click.echo(f"  … en nog {count - len(error.errors[:200])} fouten", err=True)
    raise click.ClickException(f"{count} fout(en); er is niets veranderd")


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database to the current schema."""
    migrations.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is bijgewerkt.")


@main.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the seed vocabularies and catalogue; existing records are left as they are."""
    with _session() as session:
        with click.progressbar(length=1, label="Leermiddelen laden") as bar:
            with open(resources.path("catalog_data") / "materials.jsonl", encoding="utf-8") as lines:
                bar.length = sum(1 for _ in lines)
            report = load_seed(session, resources.path("catalog_data"), progress=lambda n: bar.update(1))
        session.commit()
    click.echo(
        f"{report.facets_added} facetten, {report.terms_added} termen en {report.synonyms_added} synoniemen "
        "toegevoegd; "
        f"{len(report.materials.created)} leermiddelen toegevoegd, "
        f"{len(report.materials.skipped)} bestonden al."
    )


@main.group("index")
def index_group() -> None:
    """Maintain the search index."""


@index_group.command("rebuild")
@with_appcontext
def index_rebuild() -> None:
    """Build a fresh index from the database and swap it in."""
    with _session() as session:
        vocabulary = load_vocabulary(session)
    with click.progressbar(length=1, label="Index bouwen") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        count = get_engine().rebuild(vocabulary, progress)
    click.echo(f"Index gebouwd: {count} gepubliceerde leermiddelen.")


@index_group.command("check")
@with_appcontext
def index_check() -> None:
    """Report materials missing from, stale in or extra in the index (exit 1 when any)."""
    _release_connections_on_exit()
    try:
        with _session() as session:
            vocabulary = load_vocabulary(session)
        report = get_engine().check(vocabulary)
    except IndexProblem as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"journal: {report.journal_seq}, index: {report.index_seq}")
    for label, slugs in (
        ("ontbreekt", report.missing),
        ("verouderd", report.stale),
        ("te veel", report.extra),
    ):
        for slug in slugs:
            click.echo(f"{label}: {slug}")
    if not report.ok:
        raise click.ClickException("de index loopt niet gelijk met de database: run `trefpunt index rebuild`")
    click.echo("Index in orde.")


def _facet_options(command):
    # One option per facet, named by its URL parameter, as in shared links.
    for param in reversed(FACET_PARAMS.values()):
        command = click.option(f"--{param}", multiple=True, help=f"filter op {param} (herhaalbaar)")(command)
    return command


@main.command("search")
@click.argument("query", required=False, default="")
@_facet_options
@click.option("--sorteer", default="relevantie", help="relevantie, titel of nieuwste")
@click.option("--pagina", default="1")
@click.option("--letterlijk", is_flag=True, help="search the words as typed, never their respelling")
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
@click.option("--explain", is_flag=True, help="show how the words were read and why each hit was found")
@with_appcontext
def search_command(
    query: str, sorteer: str, pagina: str, letterlijk: bool, as_json: bool, explain: bool, **facets
) -> None:
    """Search the published catalogue as the public does."""
    from .api.serialize import result_json

    args = {"q": [query], "sorteer": [sorteer], "pagina": [pagina], "letterlijk": ["1" if letterlijk else ""]}
    args.update({param: list(values) for param, values in facets.items() if values})
    with _session() as session:
        vocabulary = load_vocabulary(session)
        try:
            request = SearchRequest.from_args(args, vocabulary, strict=True)
        except InvalidParameter as exc:
            raise click.BadParameter(exc.message, param_hint=f"--{exc.param}") from exc
        # The operator's own search: build a missing index and catch it up fully first (a web search
        # does neither; the worker does).
        if get_engine().ensure(vocabulary):
            click.echo("Zoekindex ontbrak of was beschadigd en is opnieuw gebouwd.", err=True)
        get_engine().catch_up(vocabulary)
        try:
            if explain:
                explanation = get_engine().explain(session, request, vocabulary)
                result = explanation.result
            else:
                result = get_engine().search(session, request, vocabulary)
        except SearchUnavailable as problem:
            raise click.ClickException(str(problem)) from problem
        if explain:
            _print_explanation(explanation)
            return
        if as_json:
            click.echo(json.dumps(result_json(result, vocabulary, "nl"), ensure_ascii=False, indent=2))
            return
        if result.corrected_from:
            click.echo(
                f"Niets gevonden voor ‘{result.corrected_from}’; dit zijn de resultaten voor de verbetering."
            )
        click.echo(result.description)
        for notice in result.notices:
            click.echo(notice)
        if result.suggestion:
            click.echo(f"Bedoelde u: {result.suggestion}?")
        for number, hit in enumerate(result.hits, (request.page - 1) * request.per_page + 1):
            missing = f" — ontbreekt: {', '.join(hit.missing)}" if hit.missing else ""
            click.echo(
                f"{number:3}. {hit.material.title} ({hit.material.provider}) "
                f"/leermiddel/{hit.material.slug}{missing}"
            )


def _print_explanation(explanation) -> None:
    """The analysis of the words, then per hit what it has where (fields: title, keywords, ...)."""
    result = explanation.result
    if result.corrected_from:
        click.echo(f"Niets gevonden voor ‘{result.corrected_from}’; uitgelegd wordt de verbetering.")
    click.echo(result.description)
    click.echo("Woorden:")
    for reading in explanation.words:
        if reading.term is None:
            click.echo(f"  {reading.word}: stopwoord, niet gezocht")
            continue
        parts = f" (samenstelling: {' + '.join(reading.parts)})" if reading.parts else ""
        click.echo(f"  {reading.word} → {reading.term}{parts}")
    click.echo("Gezocht op (een leermiddel met meer hiervan komt eerst):")
    for concept in explanation.concepts:
        ways = " | ".join(f"{' + '.join(terms)} ×{share:g}" for terms, share in concept.alternatives)
        strict = " [verplicht]" if concept.required else ""
        synonyms = f"; synoniemen: {', '.join(concept.synonyms)}" if concept.synonyms else ""
        click.echo(f"  {concept.label}{strict}: {ways}{synonyms}")
    for number, reason in enumerate(
        explanation.hits, (result.request.page - 1) * result.request.per_page + 1
    ):
        score = f" score {reason.score:g}" if reason.score is not None else ""
        click.echo(f"{number:3}. {reason.title} /leermiddel/{reason.slug}{score}")
        for label, terms in reason.found.items():
            where = "; ".join(f"{term} in {', '.join(fields)}" for term, fields in terms.items())
            click.echo(f"       {label}: {where}")
        if reason.missing:
            click.echo(f"       ontbreekt: {', '.join(reason.missing)}")


@main.group("user")
def user_group() -> None:
    """Manage editor accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), default="editor")
@click.option("--name", default="")
@with_appcontext
def user_create(email: str, role: str, name: str) -> None:
    """Create an account; asks the password twice at a terminal, reads one line from a pipe."""
    if sys.stdin.isatty():
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Nogmaals")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    with _session() as session:
        try:
            accounts.create_user(session, email, password, role, name)
        except ValidationError as error:
            _fail(error)
        session.commit()
    click.echo(f"Account {accounts.normalise_email(email)} ({role}) aangemaakt.")


@user_group.command("login")
@click.argument("email")
@click.option("--role", type=click.Choice(accounts.ROLES), default="admin")
@click.option("--url", default="http://127.0.0.1:5000", help="where the app will be served")
@with_appcontext
def user_login(email: str, role: str, url: str) -> None:
    """Create the account, or give it a new password, and print a one-time login."""
    password = accounts.generate_password()
    with _session() as session:
        accounts.set_or_create(session, email, password, role)
        session.commit()
    # The role the account now has, as the admin's user list names it: login makes an admin by default.
    given = {"admin": "Beheerder", "editor": "Redacteur"}[role]
    click.echo(f"{given}-login: {url.rstrip('/')}/beheer  e-mail: {email}  eenmalig wachtwoord: {password}")
    click.echo(
        "Het wachtwoord werkt één keer; daarna kiest u een eigen. Open logins van het account zijn beëindigd."
    )


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="only report what would change")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import materials from CSV, JSON Lines or XLSX, all or nothing; upserts by slug (a job, run here)."""
    data = path.read_bytes()
    with _session() as session:
        try:
            fmt = pending_imports.detect(path.name, data)
        except ValidationError as error:
            _fail(error)
        claim = import_jobs.new_claim()
        token = pending_imports.store(
            session, None, data, fmt, author="import", filename=path.name, claim=claim, dry_run=dry_run
        )
        session.commit()
    progress = _ProgressLine("Controleren" if dry_run else "Importeren")
    import_jobs.run(session_factory(), token, claim, progress=progress)
    progress.end()
    with _session() as session:
        job = session.get(pending_imports.PendingImport, token)
        assert job is not None
        outcome = import_jobs.Outcome.from_json(job.result)
        if outcome.error_count:
            _fail(ValidationError(outcome.errors), outcome.error_count)
        if job.status != pending_imports.DONE:
            raise click.ClickException(job.error)
    verb = "zou" if dry_run else "is"
    counts = f"{outcome.created} nieuw, {outcome.updated} gewijzigd, {outcome.unchanged} ongewijzigd"
    click.echo(f"Import {verb}: {counts}.")


class _ProgressLine:
    """One line on stderr that counts the rows done, rewritten at most a few times a second."""

    def __init__(self, label: str) -> None:
        self.label, self.last, self.shown = label, 0.0, False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last, self.shown = now, True
        click.echo(f"\r{self.label}: {done} van {total} rijen", nl=False, err=True)

    def end(self) -> None:
        if self.shown:
            click.echo(err=True)


@main.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(path: Path) -> None:
    """Export the whole catalogue to CSV or JSON Lines (by the file's extension)."""
    try:
        fmt = exchange.detect_format(path.name)
    except ValidationError as error:
        _fail(error)
    with _session() as session:
        vocabulary = load_vocabulary(session)
        records = export_records(session)
    out = io.StringIO(newline="")
    if fmt == "jsonl":
        exchange.write_jsonl(records, out, vocabulary)
    else:
        exchange.write_csv(records, out, vocabulary)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    click.echo(f"{len(records)} leermiddelen geëxporteerd naar {path}.")


@main.group("synonyms")
def synonyms_group() -> None:
    """Exchange the everyday synonyms as CSV (the format of catalog_data/synonyms.csv)."""


@synonyms_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def synonyms_export(path: Path) -> None:
    """Write every synonym to a CSV file, alphabetically."""
    out = io.StringIO(newline="")
    with _session() as session:
        count = synonym_rules.write_csv(synonym_rules.list_synonyms(session), out)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    click.echo(f"{count} synoniemen geëxporteerd naar {path}.")


@synonyms_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def synonyms_import(path: Path) -> None:
    """Add or update synonyms by phrase from a CSV file, all or nothing; others are left alone."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as problem:
        raise click.ClickException(f"{path} is geen UTF-8-bestand") from problem
    with _session() as session:
        try:
            report = synonym_rules.import_synonyms(session, synonym_rules.read_csv(text))
        except ValidationError as error:
            _fail(error)
        session.commit()
    click.echo(
        f"Synoniemen: {len(report.created)} nieuw, {len(report.updated)} gewijzigd, "
        f"{len(report.unchanged)} ongewijzigd."
    )


@main.group("links")
def links_group() -> None:
    """Check the materials' web addresses."""


@links_group.command("check")
@click.option("--only-due", is_flag=True, help="only addresses not checked within LINK_CHECK_INTERVAL_HOURS")
@click.option("--older-than", default="", help="only addresses not checked within this time: 12h, 7d")
@click.option("--slug", "slugs", multiple=True, help="only this material (repeatable)")
@with_appcontext
def links_check(only_due: bool, older_than: str, slugs: tuple[str, ...]) -> None:
    """Visit every material's web address and keep what answered (exit 1 when any link is broken)."""
    from .links.command import check_links

    _release_connections_on_exit()
    try:
        summary = check_links(current_app.config, session_factory(), only_due, older_than, slugs, click.echo)
    except ValueError as problem:
        raise click.BadParameter(str(problem), param_hint="--older-than") from problem
    except LookupError as problem:
        raise click.BadParameter(str(problem), param_hint="--slug") from problem
    if summary.broken:
        sys.exit(1)


@main.group("searchlog")
def searchlog_group() -> None:
    """The search log: searches counted per day, without personal data."""


@searchlog_group.command("purge")
@with_appcontext
def searchlog_purge() -> None:
    """Delete the days older than SEARCH_LOG_DAYS (everything when it is 0); the worker does this too."""
    from .searchlog import purge_old_days

    _release_connections_on_exit()
    deleted = purge_old_days(current_app._get_current_object())  # type: ignore[attr-defined]
    days = current_app.config["SEARCH_LOG_DAYS"]
    click.echo(f"Zoeklog: {deleted} regels ouder dan {days} dagen verwijderd.")


@main.command("worker")
@with_appcontext
def worker_command() -> None:
    """Keep the search index up with the database and run queued imports, until stopped."""
    import signal
    import threading
    from contextlib import suppress

    from .worker import run

    _release_connections_on_exit()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with suppress(KeyboardInterrupt):
        run(current_app._get_current_object(), stop)  # type: ignore[attr-defined]


@main.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=2, type=int)
@with_appcontext
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn (the index is built first when missing or damaged)."""
    from .server import serve

    with _session() as session:
        vocabulary = load_vocabulary(session)
    if get_engine().ensure(vocabulary):
        click.echo("Zoekindex ontbrak of was beschadigd en is opnieuw gebouwd.")
    serve(host, port, workers)
