"""The /lijst pages: put a material on the list, edit it through its edit link, read and print it through
its read link. Thin: find the list by its token, call the service, render.

The list this device is building is the edit token in a long-lived cookie (no account). Search pages are
kept whole in the page cache and served to everybody, so they carry nothing of one visitor: the header's
list indicator and the "Zet op lijst" forms' CSRF tokens are filled in by ``header.fill`` after the cache,
and only for visitors who have a list.
"""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError as TokenError

from trefpunt.addresses import external_url_for
from trefpunt.auth.views import csrf_refused
from trefpunt.catalog.errors import NotFound, ValidationError
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import get_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import get_session
from trefpunt.extensions import csrf
from trefpunt.i18n import current_locale
from trefpunt.public import material_page
from trefpunt.search import get_engine

from . import header, service
from .messages import field_errors, limit_message
from .qr import qr_svg
from .service import LimitReached, Limits

bp = Blueprint("lists", __name__)
bp.register_error_handler(CSRFError, csrf_refused)
header.init(bp)
bp.add_app_template_global(qr_svg, "qr_svg")

LIMITS = Limits()
FLASH_CATEGORY = header.FLASH_CATEGORY


@bp.post("/zet-op-lijst")
@csrf.exempt
def add():
    """Put a material on this device's list (a new one when there is none). Without a valid CSRF token
    nothing changes: the visitor is asked to confirm, so a page from the cache (without a token) works."""
    session = get_session()
    material = _published(session, request.form.get("leermiddel", ""))
    back = _local(request.form.get("terug", "")) or url_for("public.material", slug=material.slug)
    if not _token_ok():
        return render_template("lists/confirm_add.html", material=material, back=back)
    token = request.cookies.get(header.COOKIE, "")
    found = service.count_items(session, token)
    advice_list = found[0] if found else None
    try:
        if advice_list is None:
            address = service.address_hash(_secret(), request.remote_addr or "")
            advice_list, token = service.create_list(session, address_key=address, limits=LIMITS)
        added = service.add_material(session, advice_list, material, LIMITS)
    except LimitReached as limit:
        session.rollback()
        return _limit_reached(limit, material, back)
    session.commit()
    message = (
        _("‘%(title)s’ staat nu op uw advieslijst.", title=material.title)
        if added
        else _("‘%(title)s’ stond al op uw advieslijst.", title=material.title)
    )
    if _wants_json():
        response = jsonify(
            message=message, count=len(advice_list.items), indicator=header.render(advice_list)
        )
    else:
        flash(message, FLASH_CATEGORY)
        response = redirect(back, 303)
    return header.remember(response, token)


@bp.get("/sleutel")
def token():
    """A CSRF token for static/js/lists.js, whose page came from the cache without one."""
    response = jsonify(csrf_token=generate_csrf())
    response.cache_control.no_store = True
    return response


@bp.get("/mijn")
def mine():
    """This device's list, or how to start one."""
    token = request.cookies.get(header.COOKIE, "")
    if service.count_items(get_session(), token):
        return redirect(url_for("lists.edit", token=token), 303)
    return render_template("lists/none.html", limits=LIMITS)


@bp.post("/nieuw")
def start_new():
    """Forget this device's list (it stays reachable through its edit link) so the next material starts
    a new one."""
    response = redirect(url_for("lists.mine"), 303)
    response.delete_cookie(header.COOKIE, samesite="Lax", httponly=True)
    return response


@bp.get("/bewerken/<token>")
def edit(token: str):
    advice_list = service.find_for_editing(get_session(), token)
    return _edit_page(advice_list, token)


@bp.post("/bewerken/<token>")
def save(token: str):
    """The whole edit page is one form: every button saves the title, introduction and every note as
    typed (all or nothing), then does what it says (move or remove one item), so nothing typed is lost."""
    session = get_session()
    advice_list = service.find_for_editing(session, token)
    notes = {
        item.id: request.form[f"notitie-{item.id}"]
        for item in advice_list.items
        if f"notitie-{item.id}" in request.form
    }
    action, _sep, target = request.form.get("actie", "bewaar").partition("-")
    try:
        service.save_texts(
            advice_list,
            LIMITS,
            title=request.form.get("titel"),
            introduction=request.form.get("inleiding"),
            notes=notes,
        )
        item_id = int(target) if target.isdigit() else None
        if item_id is not None and action in ("omhoog", "omlaag"):
            service.move(advice_list, item_id, -1 if action == "omhoog" else 1)
        elif item_id is not None and action == "weghalen":
            service.remove(session, advice_list, item_id)
    except ValidationError as error:
        session.rollback()
        return _edit_page(advice_list, token, errors=field_errors(error, LIMITS), status=422)
    session.commit()
    if action == "bewaar":
        flash(_("De lijst is bewaard."), FLASH_CATEGORY)
    anchor = f"#item-{target}" if action in ("omhoog", "omlaag") else "#lijst" if target else ""
    return redirect(url_for("lists.edit", token=token) + anchor, 303)


@bp.get("/<token>")
def read(token: str):
    session = get_session()
    advice_list = service.find_for_reading(session, token)
    return _read_page("lists/read.html", session, advice_list, token)


@bp.get("/<token>/afdrukken")
def handout(token: str):
    session = get_session()
    advice_list = service.find_for_reading(session, token)
    return _read_page("lists/handout.html", session, advice_list, token)


# -- helpers ----------------------------------------------------------------------------------------


def _read_page(template: str, session, advice_list, token: str):
    vocabulary = load_vocabulary(session)
    service.load_list(session, advice_list)
    similar = partial(get_engine().similar, session, vocabulary=vocabulary, limit=3)
    response = make_response(
        render_template(
            template,
            advice_list=advice_list,
            entries=service.entries(advice_list, similar),
            card=partial(material_page.card, vocabulary=vocabulary, locale=current_locale()),
            read_url=external_url_for("lists.read", token=token),
            handout_url=url_for("lists.handout", token=token),
        )
    )
    return _private(response)


def _edit_page(advice_list, token: str, *, errors=None, status: int = 200):
    session = get_session()
    service.load_list(session, advice_list)
    vocabulary = load_vocabulary(session)
    response = make_response(
        render_template(
            "lists/edit.html",
            advice_list=advice_list,
            entries=service.entries(advice_list),
            card=partial(material_page.card, vocabulary=vocabulary, locale=current_locale()),
            token=token,
            read_url=external_url_for("lists.read", token=advice_list.read_token),
            edit_url=external_url_for("lists.edit", token=token),
            errors=errors or {},
            # After a refused save the form shows every text as it was typed, not as it is stored.
            typed=request.form if status != 200 else {},
            limits=LIMITS,
        ),
        status,
    )
    # Opening the edit link makes this the list this device builds, on any device.
    return header.remember(_private(response), token)


def _private(response):
    """List pages are nobody's business but the link holders': not stored, not indexed, no referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _limit_reached(limit: LimitReached, material: Material, back: str):
    message = limit_message(limit, LIMITS)
    if _wants_json():
        return jsonify(message=message), 429 if limit.minutes else 409
    return (
        render_template("lists/limit.html", message=message, material=material, back=back),
        429 if limit.minutes else 409,
    )


def _published(session, slug: str) -> Material:
    material = get_material(session, slug[:120])
    if material.status != Status.PUBLISHED:
        raise NotFound(f"geen leermiddel met slug '{slug}'")
    return material


def _local(path: str) -> str:
    """``path`` when it is a path on this site (never another site's address), else empty."""
    if path.startswith("/") and not path.startswith(("//", "/\\")) and len(path) <= 2000:
        return path
    return ""


def _token_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except TokenError:
        return False
    return True


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def list_answer(token: str) -> dict:
    """The JSON API's answer for a read token (``NotFound`` when there is no such list)."""
    from .serialize import list_json

    session = get_session()
    advice_list = service.find_for_reading(session, token)
    vocabulary = load_vocabulary(session)
    service.load_list(session, advice_list)
    similar = partial(get_engine().similar, session, vocabulary=vocabulary, limit=3)
    urls = {
        "read": external_url_for("lists.read", token=token),
        "handout": url_for("lists.handout", token=token),
    }
    return list_json(advice_list, service.entries(advice_list, similar), vocabulary, current_locale(), urls)
