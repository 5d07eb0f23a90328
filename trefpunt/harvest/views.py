"""The routes of the open standards: /oai, /feed, /opensearch.xml, /suggesties, /sitemap.xml, /robots.txt.

Thin: each reads the catalogue state once (``web_search``), asks the plain modules of this package for a
document and answers it with an ETag and Last-Modified. Anonymous answers are kept in the search pages'
cache, per catalogue state (journal head and vocabulary version), so a harvest or a feed reader polling
an unchanged catalogue costs one small query, and a conditional GET of an unchanged document answers 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, make_response, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from trefpunt import web_search
from trefpunt.addresses import external_url_for, public_url
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.vocabulary import FacetName
from trefpunt.db import get_session
from trefpunt.extensions import csrf
from trefpunt.i18n import current_locale
from trefpunt.public.links import request_href
from trefpunt.public.material_page import learning_resource
from trefpunt.search import SearchRequest
from trefpunt.search.request import DEFAULT_SORT

from . import atom, oai, oai_xml, site
from .catalogue import CatalogueRepository
from .formats import JSON_LD_SCHEMA_PATH, JSON_LD_XSD, MetadataFormat, metadata_formats

bp = Blueprint("harvest", __name__)

XML = "text/xml"
# The newest this many materials of a search are in its feed.
FEED_SIZE = 50
# Titles offered as suggestions while someone types in the browser's address bar.
SUGGESTIONS = 8


def conditional(view: Callable) -> Callable:
    """Answer 304 when the client's ETag or Last-Modified still holds (outermost, around the cache)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and request.method in ("GET", "HEAD"):
            response.make_conditional(request)
        return response

    return wrapper


def document(body: bytes | str, mimetype: str, *, weak: bool = False) -> Response:
    """``body`` with its ETag (a hash of it) and the moment it was made as Last-Modified."""
    data = body.encode() if isinstance(body, str) else body
    response = Response(data, mimetype=mimetype)
    response.set_etag(hashlib.sha256(data).hexdigest()[:32], weak=weak)
    response.last_modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return response


# -- OAI-PMH --------------------------------------------------------------------------------------


def _stamped(view: Callable) -> Callable:
    """Set the responseDate of a (possibly kept) OAI answer to now, then answer a conditional GET."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        response.set_data(oai_xml.stamp_response_date(response.get_data(), now))
        if request.method == "GET":
            response.make_conditional(request)
        return response

    return wrapper


@bp.get("/oai")
@_stamped
def oai_get():
    # A page after the first is asked for once per harvest: keeping it would only push the search pages
    # out of the shared page cache. First pages (Identify, a daily "from" harvest) are asked again.
    if "resumptionToken" in request.args:
        return _oai_answer(request.args.to_dict(flat=False))
    return _kept_oai_answer()


@web_search.cached()
def _kept_oai_answer():
    return _oai_answer(request.args.to_dict(flat=False))


@bp.post("/oai")
@csrf.exempt
@_stamped
def oai_post():
    """OAI-PMH allows POST with the same arguments as a form; harvesters send no CSRF token."""
    return _oai_answer(request.form.to_dict(flat=False))


def _oai_answer(args: dict[str, list[str]]) -> Response:
    vocabulary = web_search.request_vocabulary()
    repository = CatalogueRepository(get_session(), vocabulary)
    body = oai_xml.respond(
        args, repository, _repository_info(), _formats(), int(current_app.config["OAI_PAGE_SIZE"])
    )
    # Weak: each answer carries its own responseDate, the rest is the same while the catalogue is.
    return document(body, XML, weak=True)


@bp.get(JSON_LD_SCHEMA_PATH)
@conditional
def json_ld_schema():
    return document(JSON_LD_XSD, XML)


def _repository_info() -> oai_xml.RepositoryInfo:
    host = repository_host()
    return oai_xml.RepositoryInfo(
        name=_("Trefpunt leermiddelen"),
        base_url=external_url_for("harvest.oai_get"),
        admin_email=current_app.config["OAI_ADMIN_EMAIL"] or f"beheer@{host}",
        host=host,
    )


def repository_host() -> str:
    """The host of PUBLIC_BASE_URL: the repositoryIdentifier of every persistent identifier."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def _formats() -> dict[str, MetadataFormat]:
    return metadata_formats(
        lambda material: external_url_for("public.material", slug=material.slug),
        learning_resource,
        current_app.config["PUBLIC_BASE_URL"],
    )


# -- Atom feed of a search ------------------------------------------------------------------------


@bp.get("/feed")
@conditional
@web_search.cached()
def feed():
    """The newest materials of the search the same parameters as /zoeken ask for."""
    asked, vocabulary = web_search.parse(request.args)
    search = replace(asked, page=1)
    result = web_search.answer(replace(search, sort="nieuwste", per_page=FEED_SIZE), vocabulary)
    host, locale = repository_host(), current_locale()
    skill = vocabulary.by_name.get(FacetName.SKILL)
    scheme = external_url_for("public.search") + f"?{skill.param if skill else 'vaardigheid'}="
    entries = [
        atom.Entry(
            id=oai.oai_identifier(host, hit.material.id),
            title=hit.material.title,
            page_url=external_url_for("public.material", slug=hit.material.slug),
            summary=hit.material.summary,
            updated=hit.material.updated_at,
            resource_url=hit.material.url,
            publisher=hit.material.provider,
            categories=[
                atom.Category(t.key, t.label(locale), scheme) for t in hit.material.terms_of(FacetName.SKILL)
            ],
        )
        for hit in result.hits
    ]
    query = search.query_string(vocabulary)
    body = atom.build_feed(
        atom.Feed(
            id=public_url(request_href(url_for("public.search"), search, vocabulary)),
            title=_("Trefpunt: %(search)s", search=result.description),
            self_url=external_url_for("harvest.feed") + (f"?{query}" if query else ""),
            search_url=public_url(request_href(url_for("public.search"), search, vocabulary)),
            updated=max((e.updated for e in entries), default=None) or _latest_change(),
            author=_("Trefpunt leermiddelen"),
            language=locale,
            entries=entries,
        )
    )
    return document(body, atom.MEDIA_TYPE)


def _latest_change() -> dt.datetime:
    """When a published material last changed: the ``updated`` of a feed with no entries."""
    latest = get_session().scalar(
        select(func.max(Material.updated_at)).where(Material.status == Status.PUBLISHED)
    )
    return latest or oai_xml.EPOCH


# -- OpenSearch, sitemap, robots.txt ---------------------------------------------------------------


@bp.get("/opensearch.xml")
@conditional
@web_search.cached()
def opensearch():
    terms = "?q={searchTerms}"
    body = site.opensearch(
        site.OpenSearchDescription(
            short_name="Trefpunt",
            description=_("Zoek leermiddelen voor basisvaardigheden in Trefpunt"),
            search_url=external_url_for("public.search") + terms,
            feed_url=external_url_for("harvest.feed") + terms,
            suggestions_url=external_url_for("harvest.suggestions") + terms,
            self_url=external_url_for("harvest.opensearch"),
            icon_url=external_url_for("static", filename="img/favicon.svg"),
            language=current_locale(),
        )
    )
    return document(body, site.OPENSEARCH_TYPE)


@bp.get("/suggesties")
@conditional
@web_search.cached()
def suggestions():
    """OpenSearch suggestions: the titles (and pages) of the best materials for what has been typed."""
    asked, vocabulary = web_search.parse({"q": request.args.getlist("q")})
    hits = web_search.answer(replace(asked, per_page=SUGGESTIONS), vocabulary).hits if asked.q else []
    titles = [hit.material.title for hit in hits]
    pages = [external_url_for("public.material", slug=hit.material.slug) for hit in hits]
    response = jsonify([asked.q, titles, ["" for _hit in hits], pages])
    response.mimetype = site.SUGGESTIONS_TYPE
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    return response


@bp.get("/sitemap.xml")
@conditional
@web_search.cached()
def sitemap():
    """The home and search pages, then every published material with its change time."""
    rows = get_session().execute(
        select(Material.slug, Material.updated_at)
        .where(Material.status == Status.PUBLISHED)
        .order_by(Material.id)
        .limit(site.SITEMAP_LIMIT - 2)
    )
    locations = [
        site.Location(external_url_for("public.home")),
        site.Location(external_url_for("public.search")),
        *(site.Location(external_url_for("public.material", slug=slug), changed) for slug, changed in rows),
    ]
    return document(site.sitemap(locations), XML)


@bp.get("/robots.txt")
@conditional
def robots():
    return document(site.robots(current_app.config["PUBLIC_BASE_URL"]), "text/plain")


@bp.app_template_global()
def search_feed_url(search: SearchRequest) -> str:
    """The address of the Atom feed of ``search`` (its words and filters; a feed has no page or order)."""
    vocabulary = web_search.request_vocabulary()
    query = replace(search, page=1, sort=DEFAULT_SORT).query_string(vocabulary)
    return url_for("harvest.feed") + (f"?{query}" if query else "")
