"""A library starts with a sensible Dutch synonym list; seeding again never undoes an editor's work, and a
change made in one process reaches the next search of every other one."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trefpunt import resources
from trefpunt.catalog import synonyms
from trefpunt.catalog.models import SeededSynonym, Synonym
from trefpunt.catalog.seed import seed, seed_vocabularies
from trefpunt.catalog.vocabulary import SynonymDef, load_vocabulary, vocabulary_version
from trefpunt.db import make_engine, session_factory

DATA = resources.path("catalog_data")
SEED_ROWS = synonyms.read_csv((DATA / "synonyms.csv").read_text(encoding="utf-8"))


def stored(session: Session) -> list[tuple[str, list[str], bool, str]]:
    return [(s.phrase, s.expansions, s.two_way, s.note) for s in synonyms.list_synonyms(session)]


def by_phrase(session: Session) -> dict[str, SynonymDef]:
    return {s.phrase: s for s in load_vocabulary(session).synonyms}


def test_the_seed_list_is_long_valid_and_names_each_phrase_once():
    assert len(SEED_ROWS) >= 60
    keys = [synonyms.phrase_key(data.phrase) for _line, data in SEED_ROWS]
    assert len(keys) == len(set(keys))


def test_the_seeded_list_holds_the_everyday_words_volunteers_type(session):
    found = by_phrase(session)
    assert len(found) == len(SEED_ROWS)
    assert found["ziekenhuis"] == SynonymDef("ziekenhuis", ("gezondheid", "zorg"), False)
    assert found["rekeningen"] == SynonymDef("rekeningen", ("geldzaken", "geld"), False)
    assert found["post"] == SynonymDef("post", ("brieven",), False)
    assert found["senioren"] == SynonymDef("senioren", ("ouderen", "bejaarden", "65-plussers"), True)
    assert found["nt2"] == SynonymDef("nt2", ("nederlands als tweede taal", "tweede taal"), True)
    assert "e-overheid" in found["digitale overheid"].expansions
    assert found["kosteloos"].expansions == ("gratis",) and found["kosteloos"].two_way
    for phrase in ("ziek", "dokter", "huisarts", "pinnen", "belasting", "solliciteren", "kinderen voorlezen"):
        assert phrase in found, phrase


def test_what_the_search_once_hard_coded_is_all_in_the_seed(session):
    # Every group the search used to carry in code still joins all its members: as one two-way synonym,
    # or as one-way synonyms from each member to all the others (where one member means more besides).
    groups = [
        {"nt2", "nederlands als tweede taal", "tweede taal"},
        {"nt1", "nederlands als eerste taal", "moedertaal"},
        {"digivaardig", "digitaal vaardig", "digitale vaardigheden"},
        {"digitale overheid", "e-overheid", "overheid online"},
        {"laaggeletterd", "laaggeletterdheid", "moeite met lezen en schrijven", "laaggeletterden"},
        {"makkelijk lezen", "eenvoudige taal", "makkelijke taal", "duidelijke taal", "taal op niveau b1"},
        {"erk", "cefr", "europees referentiekader"},
        {"knm", "kennis van de nederlandse maatschappij"},
        {"app", "applicatie"},
        {"e-learning", "elearning", "online cursus", "online training"},
        {"senioren", "bejaarden", "65-plussers", "ouderen"},
        {"smartphone", "telefoon", "mobiel", "mobieltje"},
        {"computer", "laptop", "pc"},
        {"gratis", "kosteloos"},
        {"taalmaatje", "taalcoach"},
    ]
    synonyms = load_vocabulary(session).synonyms
    two_way = [{s.phrase, *s.expansions} for s in synonyms if s.two_way]
    one_way = {s.phrase: set(s.expansions) for s in synonyms if not s.two_way}

    def joined(group: set[str]) -> bool:
        return any(group <= members for members in two_way) or all(
            group - {member} <= one_way.get(member, set()) for member in group
        )

    assert [g for g in groups if not joined(g)] == []


def test_seeding_twice_changes_nothing(empty_app):
    with session_factory(empty_app)() as session:
        before, version = stored(session), vocabulary_version(session)
        assert len(before) == len(SEED_ROWS)
        report = seed(session, DATA)
        session.commit()
        assert report.synonyms_added == 0
        assert seed_vocabularies(session, DATA) == (0, 0, 0)
        session.commit()
        assert stored(session) == before
        assert vocabulary_version(session) == version


def test_an_editors_deletion_and_change_survive_a_reseed(empty_app):
    with session_factory(empty_app)() as session:
        post = synonyms.find_synonym(session, "post")
        synonyms.delete_synonym(session, post.id)
        dokter = synonyms.find_synonym(session, "dokter")
        synonyms.update_synonym(
            session, dokter.id, synonyms.SynonymData("Dokter", ("huisarts", "arts"), True, "eigen keuze")
        )
        session.commit()
        assert seed(session, DATA).synonyms_added == 0
        session.commit()
        assert synonyms.find_synonym(session, "post") is None
        kept = synonyms.find_synonym(session, "dokter")
        assert (kept.phrase, kept.expansions, kept.two_way, kept.note) == (
            "Dokter",
            ["huisarts", "arts"],
            True,
            "eigen keuze",
        )


def test_a_new_database_gets_the_whole_list_and_an_older_one_what_it_lacks(empty_app):
    with session_factory(empty_app)() as session:
        # As a database seeded before synonyms existed: no synonyms, none ever offered.
        session.execute(Synonym.__table__.delete())
        session.execute(SeededSynonym.__table__.delete())
        session.commit()
        assert seed_vocabularies(session, DATA) == (0, 0, len(SEED_ROWS))
        session.commit()
        assert session.scalar(select(func.count()).select_from(Synonym)) == len(SEED_ROWS)


def test_a_synonym_change_reaches_another_process_without_a_rebuild(app):
    engine = make_engine(app.config["DATABASE_URL"])
    try:
        with Session(engine) as reader:
            first = load_vocabulary(reader)
            version = vocabulary_version(reader)
            assert "thuiszorg" not in {s.phrase for s in first.synonyms}
        with session_factory(app)() as writer:
            synonyms.create_synonym(writer, synonyms.SynonymData("thuiszorg", ("zorg", "gezondheid"), False))
            writer.commit()
        with Session(engine) as reader:
            assert vocabulary_version(reader) > version
            after = load_vocabulary(reader)
            assert after is not first
            assert SynonymDef("thuiszorg", ("zorg", "gezondheid"), False) in after.synonyms
            assert after.synonyms[-1].phrase == "thuiszorg"  # in the order they were added
        with session_factory(app)() as writer:
            synonyms.delete_synonym(writer, synonyms.find_synonym(writer, "thuiszorg").id)
            writer.commit()
        with Session(engine) as reader:
            assert "thuiszorg" not in {s.phrase for s in load_vocabulary(reader).synonyms}
    finally:
        engine.dispose()


def test_a_rolled_back_change_is_never_cached(app):
    with session_factory(app)() as session:
        synonyms.create_synonym(session, synonyms.SynonymData("tandarts", ("gezondheid",), False))
        assert "tandarts" in {s.phrase for s in load_vocabulary(session).synonyms}
        session.rollback()
        assert "tandarts" not in {s.phrase for s in load_vocabulary(session).synonyms}
