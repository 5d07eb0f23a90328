"""Pages for choosing: compare, the finder, the printable result list, the accessibility statement.

Thin: read the address, ask ``compare``/``finder``/the search, render.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, gettext

from trefpunt import web_search
from trefpunt.addresses import public_url
from trefpunt.db import get_session
from trefpunt.i18n import current_locale
from trefpunt.public import links, material_page

from . import compare as comparing
from . import finder as finding
from . import search_notes, wording

bp = Blueprint("choose", __name__)

# A printed result list holds at most this many materials; the page says so when there are more.
PRINT_MAX = 200
# The date of the accessibility statement: change it with every review of the statement.
STATEMENT_DATE = dt.date(2026, 11, 29)


@bp.get("/vergelijk")
def compare() -> ResponseReturnValue:
    asked = comparing.read_request(request.args.getlist(comparing.PARAM))
    vocabulary = web_search.request_vocabulary()
    locale = current_locale()
    result = comparing.compare(
        get_session(),
        asked,
        vocabulary,
        locale,
        level_range=lambda low, high: gettext("%(low)s tot en met %(high)s", low=low, high=high),
    )
    canonical = url_for("choose.compare") + (f"?{result.canonical_query()}" if result.materials else "")
    status = 400 if result.refused else 200
    return render_template(
        "choose/compare.html",
        comparison=result,
        max_compared=comparing.MAX_COMPARED,
        first_allowed=url_for("choose.compare")
        + "?"
        + comparing.query_for(asked.slugs[: comparing.MAX_COMPARED]),
        share_url=public_url(canonical),
        without=lambda slug: _compare_without(result, slug),
    ), status


def _compare_without(result: comparing.Comparison, slug: str) -> str:
    rest = [m.slug for m in result.materials if m.slug != slug]
    return url_for("choose.compare") + (f"?{comparing.query_for(rest)}" if rest else "")


@bp.get("/keuzehulp")
def finder() -> ResponseReturnValue:
    vocabulary = web_search.request_vocabulary()
    locale = current_locale()
    answers = finding.Answers.read(request.args.getlist, vocabulary)
    return render_template(
        "choose/finder.html",
        answers=answers,
        learn=wording.learn_options(vocabulary, locale),
        dutch=wording.dutch_options(),
        together=wording.together_options(vocabulary, locale),
        has=wording.has_options(vocabulary, locale),
        free_available=bool(finding.free_cost_keys(vocabulary)),
        F=finding,
    )


@bp.get("/keuzehulp/resultaat")
def finder_result() -> ResponseReturnValue:
    """The finder's answers as a search: filters that still find something, the answers as the marker."""
    search, vocabulary = web_search.parse({})
    answers = finding.Answers.read(request.args.getlist, vocabulary)
    plan = finding.plan(answers, vocabulary, lambda candidate: web_search.total(candidate, vocabulary))
    base = url_for("public.search")
    target = links.request_href(base, replace(plan.request, per_page=search.per_page), vocabulary)
    return redirect(search_notes.keep(target, None if answers.empty else answers), 303)


@bp.get("/zoeken/afdrukken")
@web_search.cached()
def print_search() -> ResponseReturnValue:
    """Every result of a search (up to PRINT_MAX) on one page, to print; the search said back on top."""
    search, vocabulary = web_search.parse(request.args)
    result = web_search.answer(replace(search, page=1, per_page=PRINT_MAX), vocabulary)
    base = url_for("public.search")
    answers = search_notes.answers_in(request.args, vocabulary)
    locale = current_locale()
    back = search_notes.keep(links.request_href(base, replace(search, page=1), vocabulary), answers)
    return render_template(
        "choose/print.html",
        result=result,
        shown=len(result.hits),
        print_max=PRINT_MAX,
        chips=links.chips(result, base),
        back=back,
        share_url=public_url(back),
        fit=search_notes.fit_for(answers, vocabulary, locale, search),
        card=partial(material_page.card, vocabulary=vocabulary, locale=locale),
        today=format_date(dt.date.today(), format="long"),
    )


@bp.get("/toegankelijkheid")
def accessibility() -> ResponseReturnValue:
    return render_template(
        "choose/accessibility.html",
        statement_date=format_date(STATEMENT_DATE, format="long"),
        contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
    )
