"""The search's URL state has two writers: ``to_args`` (the canonical link of a search) and ``toggle_links``
(the filter panel's links, built fast). For any search and any facet value they write the same address."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from trefpunt.catalog.vocabulary import FacetDef, TermDef, Vocabulary
from trefpunt.search.request import SORTS, SearchRequest, clean_query


def _facet(name: str, param: str, keys: list[str]) -> FacetDef:
    terms = tuple(TermDef(key, key.upper(), key.upper(), position=i) for i, key in enumerate(keys))
    return FacetDef(name, param, name, name, "controlled", terms)


VOCABULARY = Vocabulary(
    [
        _facet("skill", "vaardigheid", ["rekenen", "taal-nt1", "digitaal", "lezen"]),
        _facet("level", "niveau", ["a0", "a1", "a2", "1f", "2f"]),
        _facet("audience", "doelgroep", ["ouders", "ouderen", "jongeren"]),
        _facet("cost", "kosten", ["gratis", "betaald"]),
        FacetDef("provider", "aanbieder", "Aanbieder", "Provider", "free"),
    ]
)
CONTROLLED = [f for f in VOCABULARY.facets if f.controlled]
# Providers' names hold what URLs treat specially: commas, ampersands, pluses, slashes, quotes, accents.
PROVIDERS = st.text(
    alphabet=st.sampled_from("ab Z,&+=/?#%'\"éë-_.1"), min_size=1, max_size=12
) | st.sampled_from(["Boom", "Stichting Lezen & Schrijven", "Taal, Rekenen en Digitaal", "A+B"])


@st.composite
def requests(draw, *, cleaned: bool = False) -> SearchRequest:
    """A search as ``from_args`` could make it (``cleaned``), or with any query text at all."""
    q = draw(st.text(max_size=20))
    if cleaned:
        q = clean_query(q, 200)[0]
    filters = {}
    for facet in CONTROLLED:
        keys = draw(st.lists(st.sampled_from([t.key for t in facet.terms]), max_size=3))
        if keys:
            filters[facet.name] = tuple(facet.order(keys))
    providers = draw(st.lists(PROVIDERS, max_size=3))
    if cleaned:  # from_args reads a provider's name with its spaces collapsed, and no blank one
        providers = [" ".join(p.split()) for p in providers if p.strip()]
    if providers:
        filters["provider"] = tuple(sorted(set(providers)))
    return SearchRequest(
        q=q,
        filters=filters,
        sort=draw(st.sampled_from(SORTS)),
        page=draw(st.integers(1, 30)),
        literal=bool(q) and draw(st.booleans()),
    )


def values_to_toggle(search: SearchRequest, extra_provider: str) -> list[tuple[str, str]]:
    """Every term of every controlled facet, every chosen provider and one more."""
    pairs = [(f.name, t.key) for f in CONTROLLED for t in f.terms]
    pairs += [("provider", p) for p in search.selected("provider")]
    return [*pairs, ("provider", extra_provider)]


@given(requests(), PROVIDERS)
def test_a_toggle_link_is_the_canonical_address_of_the_toggled_search(search, extra_provider):
    link = search.toggle_links(VOCABULARY)
    for facet, value in values_to_toggle(search, extra_provider):
        expected = urlencode(search.toggled(facet, value, VOCABULARY).to_args(VOCABULARY))
        assert link(facet, value) == expected, (facet, value)


@given(requests(cleaned=True))
def test_the_canonical_address_reads_back_as_the_same_search(search):
    args: dict[str, list[str]] = {}
    for name, value in search.to_args(VOCABULARY):
        args.setdefault(name, []).append(value)
    read = SearchRequest.from_args(args, VOCABULARY, per_page=search.per_page, max_page=100)
    assert read.to_args(VOCABULARY) == search.to_args(VOCABULARY)
