"""'Did you mean': the nearest known word to one typed wrongly, as a volunteer types in a hurry."""

from sqlalchemy import select

from trefpunt.catalog.models import Term
from trefpunt.catalog.vocab_admin import relabel
from trefpunt.db import session_factory
from trefpunt.search.spelling import Spelling

WORDS = Spelling(["rekenen", "smartphone", "belastingdienst", "lezen", "leven", "digitale", "vaardigheden"])


def test_a_missing_doubled_or_swapped_letter_is_one_edit():
    assert WORDS.nearest("smarphone") == "smartphone"
    assert WORDS.nearest("rekennen") == "rekenen"
    assert WORDS.nearest("belastingdinest") == "belastingdienst"  # two letters swapped


def test_of_equally_near_words_the_first_alphabetically_and_only_with_the_same_first_letter():
    assert WORDS.nearest("lezven") in {"leven", "lezen"}
    assert WORDS.nearest("lexen") == "leven"  # one edit to both: alphabetical order decides
    assert WORDS.nearest("mekenen") is None  # 'rekenen' but another first letter
    assert WORDS.nearest("vaardigheidjes") is None  # more than two edits away
    assert "lezen" in WORDS and "lezn" not in WORDS


def test_a_renamed_label_is_offered_at_once(app, find):
    assert find("kookgroepen").suggestion is None
    with session_factory(app)() as session:
        term = session.scalar(select(Term).where(Term.facet_name == "audience", Term.key == "ouders"))
        relabel(session, term.id, "Ouders en kookgroepen", "Parents and cooking groups")
        session.commit()
    corrected = find("kookgroepne")
    assert corrected.corrected_from == "kookgroepne" and corrected.request.q == "kookgroepen"
