"""What the search page adds when it was reached from the finder: the answers, and why each hit fits.

The answers ride along as the ``keuzehulp`` parameter after the search's own parameters. Every link of
the page that keeps the search (pages, sort, chips, facet values, the share link) keeps them too, so a
volunteer can refine the finder's search and still read "waarom dit past".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from trefpunt.catalog.cards import MaterialView
from trefpunt.catalog.vocabulary import Vocabulary
from trefpunt.public.links import LANGUAGE_PARAM, Link, SearchPage
from trefpunt.search import SearchRequest

from . import finder, wording


def answers_in(args: MultiDict, vocabulary: Vocabulary) -> finder.Answers | None:
    """The finder's answers a search address carries, or None (also for a marker that says nothing)."""
    markers = args.getlist(finder.PARAM)
    if not markers:
        return None
    answers = finder.Answers.decode(markers[-1], vocabulary)
    return None if answers.empty else answers


def search_args(args: MultiDict) -> MultiDict:
    """The address's parameters without the finder's (for the search's own canonical check)."""
    return MultiDict([(k, v) for k, v in args.items(multi=True) if k != finder.PARAM])


def marker_is_canonical(args: MultiDict, answers: finder.Answers | None) -> bool:
    """The marker, when it says anything, is written once, canonically and last."""
    markers = args.getlist(finder.PARAM)
    if answers is None:
        return not markers
    keys = [k for k, _v in args.items(multi=True) if k != LANGUAGE_PARAM]
    return markers == [answers.encode()] and keys[-1] == finder.PARAM


def query(answers: finder.Answers | None) -> str:
    return urlencode([(finder.PARAM, answers.encode())]) if answers else ""


def keep(href: str, answers: finder.Answers | None) -> str:
    """``href`` (a search address) with the answers added."""
    if not answers:
        return href
    return f"{href}{'&' if '?' in href else '?'}{query(answers)}"


def keep_on_page(page: SearchPage, answers: finder.Answers | None) -> SearchPage:
    """The search page's links, each keeping the answers."""
    if not answers:
        return page

    def link(item: Link | None) -> Link | None:
        return None if item is None else replace(item, href=keep(item.href, answers))

    def href(value: str | None) -> str | None:
        return None if value is None else keep(value, answers)

    return replace(
        page,
        chips=[replace(c, href=keep(c.href, answers)) for c in page.chips],
        clear_filters=keep(page.clear_filters, answers),
        sorts=[replace(s, href=keep(s.href, answers)) for s in page.sorts],
        pages=[link(p) for p in page.pages],
        previous=href(page.previous),
        next=href(page.next),
        suggestion=href(page.suggestion),
        literal=href(page.literal),
        first_page=keep(page.first_page, answers),
    )


@dataclass(frozen=True)
class Fit:
    """The finder's answers on a search page: said back, and per hit why it fits."""

    answers: finder.Answers
    vocabulary: Vocabulary
    locale: str
    request: SearchRequest

    @property
    def marker(self) -> str:
        return self.answers.encode()

    @property
    def query(self) -> str:
        return query(self.answers)

    def summary(self) -> list[str]:
        return wording.summary(self.answers, self.vocabulary, self.locale)

    def soft(self) -> list[str]:
        """The answers that could be filters but are not in this search (left out by the finder because
        nothing would be left, or taken out since): the page says so, and each hit says if it fits."""
        left = []
        for criterion in finder.criteria(self.answers, self.vocabulary):
            chosen = self.request.selected(criterion.facet)
            if not chosen or not set(chosen) <= set(criterion.keys):
                left.append(wording.answer_text(criterion.answer, self.answers, self.vocabulary, self.locale))
        return left

    def edit_href(self) -> str:
        return f"{url_for('choose.finder')}?{urlencode(self.answers.form_args())}"

    def why(self, material: MaterialView) -> wording.Why:
        return wording.why(self.answers, material, self.vocabulary, self.locale)


def fit_for(
    answers: finder.Answers | None, vocabulary: Vocabulary, locale: str, request: SearchRequest
) -> Fit | None:
    return Fit(answers, vocabulary, locale, request) if answers else None


def print_href(args: MultiDict) -> str:
    """The print view of the search ``args`` describe (page and language left out)."""
    kept = [(k, v) for k, v in args.items(multi=True) if k not in ("pagina", LANGUAGE_PARAM)]
    query = urlencode(kept)
    return url_for("choose.print_search") + (f"?{query}" if query else "")
