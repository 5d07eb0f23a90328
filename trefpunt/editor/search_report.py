"""What searchers miss: the search log's report for editors, with a way to act on each row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import parse_qs

from flask import current_app, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from trefpunt.catalog.vocabulary import Vocabulary, load_vocabulary
from trefpunt.db import get_session
from trefpunt.i18n import current_locale
from trefpunt.public.links import request_href
from trefpunt.search import SearchRequest
from trefpunt.searchlog import privacy, store
from trefpunt.searchlog.web import utc_today

from .blueprint import bp

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
# "Few results": a search that found at most this many materials.
FEW = 3
ROWS_PER_LIST = 50
PLACEHOLDERS = (privacy.EMAIL, privacy.ACCOUNT, privacy.NUMBER, privacy.POSTCODE)


@dataclass(frozen=True)
class ReportLine:
    """A report row as the page shows it: the search in words and where each action goes."""

    row: store.ReportRow
    filters: str  # "niveau: A1; kosten: gratis"
    run_href: str
    synonym_href: str | None
    material_href: str | None


@bp.get("/zoekopdrachten")
def search_report():
    today = utc_today()
    start, end, problems = _period(request.args, today)
    session = get_session()
    vocabulary = load_vocabulary(session)
    found = store.report(session, start=start, end=end, few=FEW, limit=ROWS_PER_LIST)
    lines = {
        name: [_line(row, vocabulary) for row in getattr(found, name)]
        for name in ("zero", "few", "empty_filters")
    }
    page = render_template(
        "editor/search_report.html",
        report=found,
        lines=lines,
        few=FEW,
        problems=problems,
        periods=[(days, today - dt.timedelta(days=days - 1), today) for days in PERIODS],
        keep_days=current_app.config["SEARCH_LOG_DAYS"],
        format_date=format_date,
    )
    return page, 422 if problems else 200


def _period(args, today: dt.date) -> tuple[dt.date, dt.date, list[tuple[str, str]]]:
    """The chosen days (``van``, ``tot``, both inclusive); the last 30 days with a reason when unusable."""
    start, end = today - dt.timedelta(days=DEFAULT_DAYS - 1), today
    problems = []
    for name, label in (("van", _("Van")), ("tot", _("Tot en met"))):
        text = (args.get(name) or "").strip()
        if not text:
            continue
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            problems.append((name, _("%(label)s: geef een datum als 2026-11-29", label=label)))
            continue
        start, end = (day, end) if name == "van" else (start, day)
    if start > end:
        problems.append(("van", _("De begindatum ligt na de einddatum; de laatste 30 dagen worden getoond.")))
        start, end = today - dt.timedelta(days=DEFAULT_DAYS - 1), today
    return start, end, problems


def _line(row: store.ReportRow, vocabulary: Vocabulary) -> ReportLine:
    args: dict[str, list[str]] = {**parse_qs(row.filters), "q": [row.query]}
    search = SearchRequest.from_args(args, vocabulary)
    masked = any(placeholder in row.query for placeholder in PLACEHOLDERS)
    words = row.query and not masked
    return ReportLine(
        row,
        _filters_in_words(search, vocabulary, current_locale()),
        request_href(url_for("public.search"), search, vocabulary),
        url_for("editor.new_synonym", zoekwoord=row.query) if words else None,
        # A filter combination that finds nothing may want a material too, but has no title to offer.
        url_for("editor.new_material", titel=row.query) if words else (None if masked else _new_material()),
    )


def _new_material() -> str:
    return url_for("editor.new_material")


def _filters_in_words(search: SearchRequest, vocabulary: Vocabulary, locale: str) -> str:
    parts = []
    for facet in vocabulary.facets:
        values = search.selected(facet.name)
        if values:
            terms = [facet.term(v) if facet.controlled else None for v in values]
            labels = [t.label(locale) if t else v for t, v in zip(terms, values, strict=True)]
            parts.append(f"{facet.label(locale).lower()}: {', '.join(labels)}")
    return "; ".join(parts)
