"""The list this device is building, shown in every page's header, and the cookie that remembers it.

Pages render ``PLACEHOLDER`` in the header and "Zet op lijst" forms with an empty CSRF token: the same
bytes for every visitor, so the page cache can keep them. After the view (and after the cache), ``fill``
puts in this visitor's list and a token, only when the visitor has a list cookie: everybody else's pages
are sent as they are, without a query.
"""

from __future__ import annotations

from flask import Blueprint, Response, get_flashed_messages, render_template, request
from flask_wtf.csrf import generate_csrf  # type: ignore[import-untyped]
from markupsafe import Markup

from trefpunt.db import get_session

from . import service
from .models import AdviceList

COOKIE = "trefpunt_advieslijst"
# Chromium keeps a cookie at most 400 days; the list is remembered that long after its last use.
COOKIE_MAX_AGE = 400 * 24 * 3600
PLACEHOLDER = '<div class="tp-listbar" data-list-indicator hidden></div>'
EMPTY_TOKEN = 'value="" data-list-csrf'
FLASH_CATEGORY = "advieslijst"
_PLACEHOLDER = PLACEHOLDER.encode()
_EMPTY_TOKEN = EMPTY_TOKEN.encode()


def remember(response: Response, edit_token: str) -> Response:
    """Make ``edit_token``'s list the one this device builds (HttpOnly: no script reads it)."""
    if request.cookies.get(COOKIE) != edit_token:
        response.set_cookie(COOKIE, edit_token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")
    return response


def render(advice_list: AdviceList, count: int | None = None) -> str:
    """The header's indicator for ``advice_list``: its title, how many materials, a link to open it."""
    messages = get_flashed_messages(category_filter=[FLASH_CATEGORY])
    return render_template(
        "lists/_indicator.html",
        advice_list=advice_list,
        count=len(advice_list.items) if count is None else count,
        messages=messages,
    )


def fill(response: Response) -> Response:
    """Put this visitor's list and CSRF tokens into a page rendered without them (see the module)."""
    token = request.cookies.get(COOKIE)
    if not token or response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return response
    body = response.get_data()
    has_indicator, has_forms = _PLACEHOLDER in body, _EMPTY_TOKEN in body
    if not (has_indicator or has_forms):
        return response
    found = service.count_items(get_session(), token)
    if found is None:
        # The list was removed (by an editor): forget it; the next material starts a new one.
        response.delete_cookie(COOKIE, samesite="Lax", httponly=True)
        return response
    if has_indicator:
        body = body.replace(_PLACEHOLDER, render(*found).encode(), 1)
    if has_forms:
        body = body.replace(_EMPTY_TOKEN, f'value="{generate_csrf()}" data-list-csrf'.encode())
    response.set_data(body)
    return response


def placeholder() -> Markup:
    """What the header holds until ``fill`` (or static/js/lists.js) puts the visitor's list in."""
    return Markup(PLACEHOLDER)


def init(bp: Blueprint) -> None:
    bp.after_app_request(fill)
    bp.add_app_template_global(placeholder, "list_placeholder")
