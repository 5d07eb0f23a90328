"""The public pages. Thin: parse, call the search service or the catalogue, render."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from trefpunt import web_search
from trefpunt.addresses import external_url_for, public_url
from trefpunt.catalog.errors import NotFound
from trefpunt.catalog.models import Status
from trefpunt.catalog.services import get_material
from trefpunt.catalog.vocabulary import PROVIDER_FACET, FacetName, load_vocabulary
from trefpunt.choose import search_notes
from trefpunt.db import get_session
from trefpunt.i18n import current_locale
from trefpunt.links import report as link_report
from trefpunt.rendering import render_markdown
from trefpunt.search import get_engine
from trefpunt.searchlog import web as search_log

from . import links, material_page, trust

bp = Blueprint("public", __name__)

# Sent by static/js/search.js: answer with the results region only, to swap in without a page load.
FRAGMENT_HEADER = "X-Trefpunt-Fragment"
# The home page shows this many of the newest materials.
NEWEST = 6
# A canonical redirect may be cached, but not forever: editors can still add the term an old link names.
REDIRECT_MAX_AGE = 24 * 3600


@bp.get("/")
def home():
    search, vocabulary = web_search.parse({"sorteer": ["nieuwste"]})
    result = web_search.answer(replace(search, per_page=NEWEST), vocabulary)
    base = url_for("public.search")
    return render_template(
        "public/home.html",
        result=result,
        base=base,
        skills=links.entry_points(result, vocabulary, base, FacetName.SKILL),
        audiences=links.entry_points(result, vocabulary, base, FacetName.AUDIENCE),
        card=_cards(vocabulary),
    )


@bp.get("/zoeken")
@search_log.counted  # outside the page cache: cached answers are searches too
@web_search.cached(FRAGMENT_HEADER)
def search():
    search, vocabulary = web_search.parse(request.args)
    base = url_for("public.search")
    # Reached from the finder ("keuzehulp"): its answers ride along, to say why each hit fits.
    answers = search_notes.answers_in(request.args, vocabulary)
    canonical = links.is_canonical(
        search_notes.search_args(request.args), search, vocabulary
    ) and search_notes.marker_is_canonical(request.args, answers)
    # A cut query keeps its URL so the page can say it was cut; the share link is canonical anyway.
    if not search.query_was_cut and not canonical:
        response = redirect(search_notes.keep(links.request_href(base, search, vocabulary), answers), 301)
        response.cache_control.max_age = REDIRECT_MAX_AGE
        return response
    result = web_search.answer(search, vocabulary)
    template = "public/_results.html" if request.headers.get(FRAGMENT_HEADER) else "public/search.html"
    response = make_response(
        render_template(
            template,
            result=result,
            base=base,
            page=search_notes.keep_on_page(links.search_page(result, vocabulary, base), answers),
            card=_cards(vocabulary),
            ways_out=[] if result.total else web_search.ways_out(result, vocabulary, base),
            share_url=public_url(search_notes.keep(links.request_href(base, search, vocabulary), answers)),
            fit=search_notes.fit_for(answers, vocabulary, current_locale(), search),
            print_href=search_notes.print_href(request.args),
        )
    )
    response.vary.add(FRAGMENT_HEADER)
    response.headers[search_log.RESULTS_HEADER] = str(result.total)  # kept with the page, read by counted
    return response


@bp.get(f"/zoeken/{links.ALL_VALUES_PATH}")
@web_search.cached()
def all_providers():
    """Every provider the search finds, alphabetically, each a link that adds it to (or takes it out of)
    the search: "toon meer" on the search page holds only the most found ones."""
    search, vocabulary = web_search.parse(request.args)
    result = web_search.answer(search, vocabulary)
    base = url_for("public.search")
    return render_template(
        "public/providers.html",
        result=result,
        base=base,
        providers=links.all_values(result, PROVIDER_FACET),
        back=links.request_href(base, search, vocabulary),
    )


@bp.get("/leermiddel/<slug>")
def material(slug: str):
    session = get_session()
    found = get_material(session, slug)
    if found.status == Status.DRAFT:
        raise NotFound(slug)
    vocabulary = load_vocabulary(session)
    similar = get_engine().similar(session, found, vocabulary)
    base, locale = url_for("public.search"), current_locale()
    page_url = external_url_for("public.material", slug=found.slug)
    archived = found.status == Status.ARCHIVED
    return render_template(
        "public/material.html",
        material=found,
        archived=archived,
        description=render_markdown(found.description),
        facts=material_page.facts(found, vocabulary, locale, base),
        trust=trust.trust(found),
        link_failing=None if archived else link_report.failing(session, found),
        provider=material_page.provider_link(found, vocabulary, base),
        similar=similar,
        card=_cards(vocabulary),
        page_url=page_url,
        json_ld=None if archived else material_page.learning_resource(found, page_url),
    ), 410 if archived else 200


def _cards(vocabulary):
    """``card(material)`` for the templates: badges and cost in the visitor's language."""
    return partial(material_page.card, vocabulary=vocabulary, locale=current_locale())
