"""``/api/v1``: read-only JSON over the search service and the catalogue."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify, request

from trefpunt import resources, web_search
from trefpunt.addresses import external_url_for
from trefpunt.catalog.errors import NotFound
from trefpunt.catalog.models import Status
from trefpunt.catalog.services import get_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.i18n import current_locale

from .serialize import material_json, result_json

bp = Blueprint("api", __name__)


@bp.get("/materials")
@web_search.cached()
def materials():
    result, vocabulary = web_search.run_search(request.args, strict=True)
    return jsonify(result_json(result, vocabulary, current_locale()))


@bp.get("/materials/<slug>")
def material(slug: str):
    session = get_session()
    found = get_material(session, slug)
    if found.status != Status.PUBLISHED:
        # Answered exactly like an unknown slug: the API does not reveal drafts or archived materials.
        raise NotFound(f"geen leermiddel met slug '{slug}'")
    return jsonify(material_json(found, load_vocabulary(session), current_locale(), full=True))


@bp.get("/lists/<token>")
def advice_list(token: str):
    """An advice list by its read token (see trefpunt/lists)."""
    from trefpunt.lists.views import list_answer

    return jsonify(list_answer(token))


@bp.get("/openapi.json")
def openapi():
    spec = json.loads((resources.PACKAGE / "api" / "openapi.json").read_text(encoding="utf-8"))
    spec["servers"] = [{"url": external_url_for("api.materials").removesuffix("/materials")}]
    return jsonify(spec)
