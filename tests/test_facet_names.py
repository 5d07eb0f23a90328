"""The facets the code names exist in the seeded vocabulary, under the same URL parameters: the CLI's options,
the editors' list, the public links and the material page name no facet the catalogue does not have."""

from __future__ import annotations

import pytest

from trefpunt.catalog.listing import EXPECTED_FACETS
from trefpunt.catalog.vocabulary import FACET_PARAMS, LEVEL_FACET, PROVIDER_FACET, FacetName
from trefpunt.cli import search_command
from trefpunt.public.links import OPEN_FACETS
from trefpunt.public.material_page import FACT_ORDER


def test_every_named_facet_is_seeded_with_its_url_parameter(vocabulary):
    seeded = {facet.name: facet.param for facet in vocabulary.facets}
    assert {str(name): param for name, param in FACET_PARAMS.items()} == seeded
    assert set(FacetName) == set(FACET_PARAMS)


@pytest.mark.parametrize(
    "where, names",
    [
        ("editor list", EXPECTED_FACETS),
        ("public links", OPEN_FACETS),
        ("material page", FACT_ORDER),
        ("vocabulary", (LEVEL_FACET, PROVIDER_FACET)),
    ],
)
def test_the_facets_each_interface_names_are_seeded(vocabulary, where, names):
    assert [name for name in names if name not in vocabulary.by_name] == [], where


def test_the_material_page_lists_every_controlled_facet_once(vocabulary):
    controlled = {facet.name for facet in vocabulary.facets if facet.controlled}
    assert sorted(FACT_ORDER) == sorted(controlled)


def test_the_cli_search_offers_every_seeded_facet_by_its_parameter(vocabulary):
    options = {opt.lstrip("-") for param in search_command.params for opt in param.opts}
    assert {facet.param for facet in vocabulary.facets} <= options
