"""A material's facet labels and provider name are searchable words, found through its facet values.

A volunteer who types "ouderen" or "Stichting Lezen" expects the materials carrying that label or that
provider, ranked below materials that say the word themselves; an editor who renames a label expects the
new word to find them at once, without re-indexing a single material.
"""

from sqlalchemy import func, select

from trefpunt.catalog.journal import MaterialChange
from trefpunt.catalog.models import Term
from trefpunt.catalog.vocab_admin import relabel
from trefpunt.db import session_factory


def slugs(result):
    return [hit.material.slug for hit in result.hits]


def test_a_label_word_finds_the_materials_that_carry_it_after_those_that_say_it(add_material, find_in_empty):
    add_material("Kaartspel voor iedereen", doelgroep=["ouderen"])
    add_material("Zo gaat dat met ouderen", summary="Een gesprek met ouderen over vroeger.")
    add_material("Taalspel", doelgroep=["anderstaligen"])
    assert slugs(find_in_empty("ouderen")) == ["zo-gaat-dat-met-ouderen", "kaartspel-voor-iedereen"]


def test_the_english_label_and_a_word_of_a_longer_label_are_found_too(add_material, find_in_empty):
    add_material("Loket oefenen", vaardigheid=["digitale-overheid"])
    add_material("Rekenblad", vaardigheid=["rekenen"])
    assert slugs(find_in_empty("government")) == ["loket-oefenen"]
    assert slugs(find_in_empty("overheid")) == ["loket-oefenen"]


def test_a_provider_name_is_found_by_its_words(add_material, find_in_empty):
    add_material("Voorleesboekjes", provider="Stichting Lezen en Schrijven")
    add_material("Rekenblad", provider="Oefenen.nl")
    assert slugs(find_in_empty("stichting")) == ["voorleesboekjes"]
    assert slugs(find_in_empty('"lezen en schrijven"')) == ["voorleesboekjes"]


def test_a_quoted_phrase_is_found_within_one_label_not_across_two(add_material, find_in_empty):
    add_material("Loket oefenen", vaardigheid=["digitale-overheid"])
    # "… Digitale vaardigheden" then "Overheid…" would be neighbours if the labels were one text.
    add_material("Twee labels", vaardigheid=["digitale-vaardigheden", "digitale-overheid"])
    add_material("Alleen digitaal", vaardigheid=["digitale-vaardigheden"])
    assert set(slugs(find_in_empty('"digitale overheid"'))) == {"loket-oefenen", "twee-labels"}
    assert slugs(find_in_empty('"vaardigheden digitale"')) == []


def test_a_prefix_reaches_label_words(add_material, find_in_empty):
    add_material("Loket oefenen", vaardigheid=["digitale-overheid"])
    add_material("Rekenblad", vaardigheid=["rekenen"])
    assert slugs(find_in_empty("overh*")) == ["loket-oefenen"]


def test_a_renamed_label_is_searched_by_its_new_word_at_once_without_reindexing(app, find):
    assert find("duimen", letterlijk="1").total == 0
    with session_factory(app)() as session:
        journal_before = session.scalar(select(func.count()).select_from(MaterialChange))
        term = session.scalar(select(Term).where(Term.facet_name == "audience", Term.key == "ouderen"))
        relabel(session, term.id, "Grijze duimen", "Grey thumbs")
        session.commit()
        assert session.scalar(select(func.count()).select_from(MaterialChange)) == journal_before
    with_label = find(doelgroep=["ouderen"]).total
    assert find("duimen", letterlijk="1").total == with_label
    assert find('"grijze duimen"').total == with_label
