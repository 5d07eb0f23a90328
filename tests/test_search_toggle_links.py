"""Every facet value of every search links to that search with the value switched: the filter panel's links
are the canonical addresses of the searches they lead to, whatever else the search already holds."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "q, args",
    [
        ("", {}),
        ("digid", {}),
        ("", {"sorteer": "titel"}),
        ("", {"doelgroep": ["ouderen"], "pagina": "2"}),
        ("lezen", {"niveau": ["a1", "a2"], "aanbieder": ["Boom"], "sorteer": "nieuwste"}),
    ],
)
def test_each_value_links_to_the_canonical_search_with_it_switched(find, vocabulary, q, args):
    result = find(q, **args)
    checked = 0
    for facet in result.facets:
        for value in facet.values:
            toggled = result.request.toggled(facet.name, value.value, vocabulary)
            assert value.toggle_query == toggled.query_string(vocabulary)
            checked += 1
    assert checked > 50
