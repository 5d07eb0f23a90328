"""The search service: one ``SearchEngine`` per process, answering ``SearchRequest``s.

Before it answers, the engine compares the journal head in the database with the seq its open
searcher has seen; when behind, it catches the index up (or sees that another process already did) and
reopens. So a change committed anywhere is visible to the next search everywhere.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker
from whoosh.searching import Searcher

from trefpunt.catalog.cards import MaterialCard
from trefpunt.catalog.models import Material
from trefpunt.catalog.vocabulary import FacetDef, FacetName, Vocabulary

from .analysis import is_dutch_word
from .describe import describe
from .docsets import DocSets, SegmentCache
from .explain import Explanation, hit_reason, read_words, readings
from .highlight import fragments, snippet
from .labels import LabelIndex
from .matching import Matcher
from .query import ParsedQuery, build_query
from .ranking import SCALE
from .request import SearchRequest
from .result import FacetResult, FacetValue, Hit, SearchResult
from .schema import label_words
from .spelling import Spelling
from .store import CheckReport, IndexProblem, IndexStore, journal_head
from .upkeep import REBUILD_AFTER, IndexStatus, IndexUpkeep

log = logging.getLogger(__name__)

EXTENSION_KEY = "trefpunt.search"


def N_(message: str) -> str:
    """Mark a message for translation where it is said, without translating it here."""
    return message


class SearchUnavailable(Exception):
    """The index cannot answer; the message tells an operator what to run."""


@dataclass
class _View:
    """One opened index generation and what is cached for it; replaced, never mutated, on change."""

    path: Path
    seq: int
    searcher: Searcher
    docsets: DocSets | None = None
    matcher: Matcher | None = None
    # Document numbers of each material's similar ones (they hold for this generation only).
    similar: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # With the vocabulary it was made with: label words change with the vocabulary, not the index.
    spelling: tuple[Vocabulary, Spelling] | None = None


class SearchEngine:
    def __init__(self, index_dir: str | Path, session_factory: sessionmaker):
        self.store = IndexStore(index_dir)
        self.session_factory = session_factory
        self.upkeep = IndexUpkeep(self.store, session_factory)
        self._view: _View | None = None
        self._segments = SegmentCache()
        self._lock = threading.RLock()

    # -- maintenance (upkeep.py) ------------------------------------------------------------------
    def rebuild(self, vocabulary: Vocabulary, progress: Callable[[int, int], None] | None = None) -> int:
        return self.upkeep.rebuild(vocabulary, progress)

    def ensure(self, vocabulary: Vocabulary) -> bool:
        return self.upkeep.ensure(vocabulary)

    def check(self, vocabulary: Vocabulary) -> CheckReport:
        return self.upkeep.check(vocabulary)

    def catch_up(self, vocabulary: Vocabulary) -> int:
        return self.upkeep.catch_up(vocabulary)

    def status(self, session: Session) -> IndexStatus:
        return self.upkeep.status(session)

    def maintain(self, vocabulary: Vocabulary, *, rebuild_after: int = REBUILD_AFTER) -> str | None:
        return self.upkeep.maintain(vocabulary, rebuild_after=rebuild_after)

    def close(self) -> None:
        """Close the open searcher (its files); the next search opens a new one."""
        with self._lock:
            if self._view is not None:
                self._view.searcher.close()
                self._view = None

    # -- searching -------------------------------------------------------------------------------
    def search(
        self,
        session: Session,
        request: SearchRequest,
        vocabulary: Vocabulary,
        *,
        locale: str = "nl",
        head: int | None = None,
        **i18n: Callable[..., str],
    ) -> SearchResult:
        """Answer ``request`` with published materials, facet counts, a suggestion and a description.

        ``head`` is the journal head when the caller has read it already (a web request reads the
        catalogue's state once)."""
        with self._reading(session, vocabulary, head) as (view, head):
            result = self._run(view, request, vocabulary, locale)
            if result.correction and not result.total and not request.literal:
                # Nothing found as typed, and the respelled words find something: show that at once,
                # with a way back to the search as typed.
                corrected = self._run(view, request.with_query(result.correction), vocabulary, locale)
                corrected.corrected_from = request.q
                corrected.notices = result.notices + corrected.notices
                result = corrected
            result.behind = view.seq < head
        result.description = describe(result.request, result.total, vocabulary, locale=locale, **i18n)
        return result

    def explain(self, session: Session, request: SearchRequest, vocabulary: Vocabulary) -> Explanation:
        """How ``request``'s words were read and, for each hit of its page, where it has them."""
        result = self.search(session, request, vocabulary)
        parsed = build_query(result.request.q, vocabulary.synonyms)
        with self._reading(session, vocabulary) as (view, _head):
            docs, matcher = self._prepared(view, vocabulary)
            reasons = []
            for hit in result.hits:
                doc = next(iter(view.searcher.document_numbers(id=str(hit.material.id))))
                reasons.append(hit_reason(matcher, parsed, int(docs.rank_of_doc[doc]), hit))
        return Explanation(read_words(result.request.q), readings(parsed), reasons, result)

    def similar(
        self, session: Session, material: Material, vocabulary: Vocabulary, limit: int = 4
    ) -> list[MaterialCard]:
        """Published materials most like ``material``: its skills and audiences, ranked by its words.

        Cached per index generation: it only changes when the index does.
        """
        with self._reading(session, vocabulary) as (view, _head):
            key = (material.id, limit)
            if key not in view.similar:
                view.similar[key] = self._similar(view, material, vocabulary, limit)
            return [_card(view, doc, vocabulary) for doc in view.similar[key]]

    def _similar(self, view: _View, material: Material, vocabulary: Vocabulary, limit: int) -> list[int]:
        docs, matcher = self._prepared(view, vocabulary)
        candidates = docs.union(FacetName.SKILL, material.term_keys(FacetName.SKILL))
        audience = docs.union(FacetName.AUDIENCE, material.term_keys(FacetName.AUDIENCE))
        if candidates & audience:
            candidates &= audience
        candidates &= ~docs.bitmap_of_docs(view.searcher.document_numbers(id=str(material.id)))
        # Any of its title words and keywords scores; the rest of the candidates follow in title order.
        parsed = build_query(" ".join([material.title, *(material.keywords or [])]))
        if parsed.concepts:
            ranks = [r for r, _score in matcher.scores(parsed).page(candidates, 0, limit)]
        else:
            ranks = docs.ranks_in_title_order(candidates, limit)
        return [docs.doc_at_rank[r] for r in ranks]

    def count(
        self, session: Session, request: SearchRequest, vocabulary: Vocabulary, *, head: int | None = None
    ) -> int:
        """How many published materials ``request`` finds, without ranking, facets or loading hits."""
        with self._reading(session, vocabulary, head) as (view, _head):
            docs, matcher = self._prepared(view, vocabulary)
            parsed = build_query(request.q, vocabulary.synonyms)
            return self._select(docs, matcher, parsed, request, vocabulary)[2].bit_count()

    def _select(
        self,
        docs: DocSets,
        matcher: Matcher,
        parsed: ParsedQuery,
        request: SearchRequest,
        vocabulary: Vocabulary,
        concepts: list[int] | None = None,
    ) -> tuple[int, dict[str, int], int]:
        """The text match, each facet's selection and their intersection, as bitmaps.

        A broader term selects its narrower ones too ("gratis voor de deelnemer" finds the licences)."""
        if concepts is None:
            concepts = matcher.concepts(parsed)
        matching = matcher.matching(parsed, concepts)
        selections = {
            name: docs.union(name, _with_narrower(vocabulary, name, values))
            for name, values in request.filters.items()
        }
        result = matching
        for bits in selections.values():
            result &= bits
        return matching, selections, result

    @contextmanager
    def _reading(
        self, session: Session, vocabulary: Vocabulary, head: int | None = None
    ) -> Iterator[tuple[_View, int]]:
        """The generation to answer from, held for this thread while it reads, and the journal head.

        A search never rebuilds the index and never waits long for the writer lock: it catches up a little
        (outside the thread lock, so other threads keep searching), and when the journal is far ahead or
        another writer keeps the lock, answers from the generation it has while the worker (``trefpunt
        worker``) catches up.
        """
        if head is None:
            head = journal_head(session)
        self.upkeep.keep_up(head, vocabulary, self._view.seq if self._view else -1)
        with self._lock:
            yield self._fresh_view(head), head

    def _fresh_view(self, head: int) -> _View:
        view = self._view
        path = self.store.current_path()
        if view is not None and view.path == path and view.seq >= head:
            return view
        if view is not None and view.path == path and view.seq >= self.store.applied():
            return view  # nothing newer on disk yet
        try:
            path, ix, seq = self.store.open()
        except IndexProblem as problem:
            if view is None:
                raise SearchUnavailable(str(problem)) from problem
            log.warning("search index unusable (%s); answering from the generation already open", problem)
            return view
        previous, self._view = self._view, _View(path, seq, ix.searcher())
        if previous is not None:
            previous.searcher.close()
        return self._view

    def _spelling(self, view: _View, vocabulary: Vocabulary) -> Spelling:
        """The index's ``words`` and the vocabulary's label words (which ``words`` leaves out)."""
        if view.spelling is None or view.spelling[0] is not vocabulary:
            indexed = (word.decode("utf-8") for word in view.searcher.reader().lexicon("words"))
            view.spelling = (vocabulary, Spelling([*indexed, *label_words(vocabulary)]))
        return view.spelling[1]

    def _prepared(self, view: _View, vocabulary: Vocabulary) -> tuple[DocSets, Matcher]:
        """The view's document sets and the matcher over them, made on first use."""
        if view.docsets is None:
            view.docsets = DocSets(view.searcher, [f.name for f in vocabulary.facets], self._segments)
        # The labels a word is found in are the vocabulary's: a relabelled term is searched by its new label
        # at once, with a new matcher (its cached bitmaps held the old labels).
        if view.matcher is None or view.matcher.labels.vocabulary is not vocabulary:
            view.matcher = Matcher(view.searcher, view.docsets, LabelIndex(vocabulary, view.docsets))
        return view.docsets, view.matcher

    def _run(self, view: _View, request: SearchRequest, vocabulary: Vocabulary, locale: str) -> SearchResult:
        """The search itself, from the index alone: bitmaps, scores and the cards of the page's hits."""
        docs, matcher = self._prepared(view, vocabulary)
        notices: list[str] = []
        if request.query_was_cut:
            notices.append(N_("Uw zoekvraag was erg lang; alleen het begin is gebruikt."))
        parsed = build_query(request.q, vocabulary.synonyms)
        if request.q and not parsed.searchable:
            notices.append(
                N_("Uw zoekvraag bevat geen woorden om op te zoeken; alle leermiddelen worden getoond.")
            )
        concepts = matcher.concepts(parsed)
        matching, selections, result = self._select(docs, matcher, parsed, request, vocabulary, concepts)
        total = result.bit_count()
        every_word = result
        for bits in concepts:
            every_word &= bits
        partial = len(parsed.concepts) > 1 and total > 0 and not every_word
        if partial:
            notices.append(
                N_(
                    "Geen leermiddel bevat alle woorden. "
                    "Dit zijn de leermiddelen met de meeste van uw woorden."
                )
            )

        offset, limit = (request.page - 1) * request.per_page, request.per_page
        scores: dict[int, float] = {}
        if parsed.concepts and request.sort == "relevantie":
            page = matcher.scores(parsed).page(result, offset, limit)
            page_docs = [docs.doc_at_rank[r] for r, _score in page]
            scores = {docs.doc_at_rank[r]: score / SCALE for r, score in page}
        elif request.sort == "nieuwste":
            page_docs = docs.page_by_newest(result, offset, limit)
        else:
            page_docs = docs.page_by_title(result, offset, limit)
        hits = []
        for doc in page_docs:
            card = _card(view, doc, vocabulary)
            rank = int(docs.rank_of_doc[doc])
            missing = [
                c.label for c, bits in zip(parsed.concepts, concepts, strict=True) if not bits >> rank & 1
            ]
            hits.append(
                Hit(
                    material=card,
                    score=scores.get(doc),
                    title=fragments(card.title, parsed.highlight_terms, parsed.highlight_prefixes),
                    summary=snippet(card.summary, parsed.highlight_terms, parsed.highlight_prefixes),
                    missing=missing if len(parsed.concepts) > 1 else [],
                )
            )
        link = request.toggle_links(vocabulary)
        facets = [
            self._facet(facet, matching, selections, docs, request, link, locale)
            for facet in vocabulary.facets
        ]
        suggestion = correction = None
        if parsed.words:
            found = every_word.bit_count() if total else -1
            correction = self._respell(view, parsed, selections, found, vocabulary)
            # Found nothing as typed: ``search`` shows the correction's results instead, unless asked not to.
            suggestion = correction if total or request.literal else None
        return SearchResult(
            request,
            hits,
            total,
            facets,
            suggestion,
            notices,
            every_word=0 if partial else every_word.bit_count(),
            correction=correction,
        )

    def _facet(
        self,
        facet: FacetDef,
        matching: int,
        selections: dict[str, int],
        docs: DocSets,
        request: SearchRequest,
        link: Callable[[str, str], str],
        locale: str,
    ) -> FacetResult:
        """Counts under every selection but this facet's own, so its other values stay choosable.

        Each count is one AND and a popcount; with nothing to narrow by, the value's own set is counted.
        Toggle links are left to be built by whoever shows them.
        """
        others = matching
        for name, bits in selections.items():
            if name != facet.name:
                others &= bits
        per_value = docs.values.get(facet.name, {})
        if others == docs.all:
            counted = {v: bits.bit_count() for v, bits in per_value.items()}
        else:
            counted = {v: (others & bits).bit_count() for v, bits in per_value.items()}
        if facet.controlled:
            # A broader term counts what it would find: its own materials and its narrower terms'.
            for key in facet.has_narrower:
                bits = docs.union(facet.name, facet.with_narrower([key]))
                counted[key] = (bits if others == docs.all else others & bits).bit_count()
        chosen = request.selected(facet.name)

        def toggles(value: str) -> str:
            return link(facet.name, value)

        values: list[FacetValue] = []
        if facet.controlled:
            for term in facet.terms:
                if term.merged_into:
                    continue
                count, selected = counted.get(term.key, 0), term.key in chosen
                if count or selected or not term.hidden:
                    values.append(
                        FacetValue(term.key, term.label(locale), count, selected, term.group(locale), toggles)
                    )
        else:
            # Most found first, then alphabetically: two stable sorts with built-in keys (400 providers).
            alphabetical = sorted((v for v, c in counted.items() if c), key=str.lower)
            names = sorted(alphabetical, key=counted.__getitem__, reverse=True)
            names += [v for v in chosen if v not in names]
            values = [FacetValue(v, v, counted.get(v, 0), v in chosen, "", toggles) for v in names]
        return FacetResult(facet.name, facet.param, facet.label(locale), values)

    def _respell(
        self, view: _View, parsed: ParsedQuery, selections: dict[str, int], found: int, vocabulary: Vocabulary
    ) -> str | None:
        """The query with each word that neither the catalogue nor the Dutch dictionary knows respelled,
        when that finds more materials with all the words than the query as typed (``found``; -1 when it
        found nothing at all, so that any material the respelling finds will do): 'digtale vaardighijd'.
        A real word the catalogue lacks ('post') is left alone: it is no slip."""
        spelling = self._spelling(view, vocabulary)
        docs, matcher = self._prepared(view, vocabulary)

        def found_in(word: str) -> int:
            candidate = build_query(word)
            return matcher.matching(candidate, matcher.concepts(candidate)).bit_count()

        respelled, changed = [], False
        for word in parsed.words:
            nearest = None if word in spelling or is_dutch_word(word) else spelling.nearest(word, found_in)
            respelled.append(nearest or word)
            changed = changed or nearest is not None
        if not changed:
            return None
        text = " ".join(respelled)
        corrected = build_query(text, vocabulary.synonyms)
        if not corrected.concepts:
            return None
        concepts = matcher.concepts(corrected)
        within = docs.all
        for bits in selections.values():
            within &= bits
        if found < 0:
            return text if matcher.matching(corrected, concepts) & within else None
        for bits in concepts:
            within &= bits
        return text if within.bit_count() > found else None


def _with_narrower(vocabulary: Vocabulary, facet_name: str, values: tuple[str, ...]) -> Sequence[str]:
    facet = vocabulary.by_name.get(facet_name)
    return facet.with_narrower(values) if facet is not None and facet.controlled else values


def _card(view: _View, doc: int, vocabulary: Vocabulary) -> MaterialCard:
    """What a list shows of the material at ``doc``, from the index: no database query."""
    return MaterialCard.from_data(view.searcher.stored_fields(doc)["card"], vocabulary)


def init_app(app: Flask) -> None:
    from trefpunt.db import session_factory

    app.extensions[EXTENSION_KEY] = SearchEngine(app.config["INDEX_DIR"], session_factory(app))


def get_engine(app: Flask | None = None) -> SearchEngine:
    return (app or current_app).extensions[EXTENSION_KEY]
