"""The public pages. Thin: parse, call the search service or the catalogue, render."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from trefpunt.catalog.errors import NotFound
from trefpunt.catalog.models import Status
from trefpunt.catalog.services import get_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.search import get_engine
from trefpunt.search_service import run_search

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    result, vocabulary = run_search({"sorteer": ["nieuwste"]})
    return render_template("public/home.html", result=result, vocabulary=vocabulary)


@bp.get("/zoeken")
def search():
    result, vocabulary = run_search(request.args)
    return render_template("public/search.html", result=result, vocabulary=vocabulary)


@bp.get("/leermiddel/<slug>")
def material(slug: str):
    session = get_session()
    found = get_material(session, slug)
    vocabulary = load_vocabulary(session)
    if found.status == Status.DRAFT:
        raise NotFound(slug)
    similar = get_engine().similar(session, found, vocabulary)
    status = 410 if found.status == Status.ARCHIVED else 200
    return render_template("public/material.html", material=found, vocabulary=vocabulary, similar=similar), status
