"""The glue every interface shares: parse URL args, run the search, in the visitor's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext, ngettext

from .catalog.vocabulary import Vocabulary, load_vocabulary
from .db import get_session
from .i18n import current_locale
from .search import SearchRequest, SearchResult, get_engine


def request_from_args(args, vocabulary: Vocabulary, *, strict: bool) -> SearchRequest:
    config = current_app.config
    return SearchRequest.from_args(
        args,
        vocabulary,
        per_page=config["SEARCH_PER_PAGE"],
        max_query_length=config["SEARCH_MAX_QUERY_LENGTH"],
        max_page=config["SEARCH_MAX_PAGE"],
        strict=strict,
    )


def run_search(args, *, strict: bool = False) -> tuple[SearchResult, Vocabulary]:
    session = get_session()
    vocabulary = load_vocabulary(session)
    request = request_from_args(args, vocabulary, strict=strict)
    result = get_engine().search(
        session, request, vocabulary, locale=current_locale(), gettext=gettext, ngettext=ngettext
    )
    return result, vocabulary
