"""Maintaining the controlled vocabularies: add, relabel, reorder, hide, merge and delete terms.

Keys never change: shared links hold them. A merged term stays as a pointer to its target, so old links
keep working, and its materials move to the target through ``save_material`` so each move is a revision
and reaches the search index through the journal.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import FieldError, NotAllowed, NotFound, ValidationError
from .models import Facet, Material, Term, material_terms
from .records import SLUG_PATTERN
from .services import record_of, save_material
from .vocabulary import LEVEL_FACET, load_vocabulary

MAX_KEY = 60
MAX_LABEL = 200


def get_facet(session: Session, name: str) -> Facet:
    facet = session.get(Facet, name)
    if facet is None or facet.kind != "controlled":
        raise NotFound(f"geen vocabulaire '{name}'")
    return facet


def get_term(session: Session, term_id: int) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound(f"geen term met nummer {term_id}")
    return term


def usage(session: Session, facet_name: str) -> dict[int, int]:
    """How many materials carry each term of a facet, by term id."""
    rows = session.execute(
        select(material_terms.c.term_id, func.count())
        .join(Term, Term.id == material_terms.c.term_id)
        .where(Term.facet_name == facet_name)
        .group_by(material_terms.c.term_id)
    )
    return {term_id: count for term_id, count in rows}


def _check_labels(label_nl: str, label_en: str) -> list[FieldError]:
    errors = []
    if not label_nl.strip():
        errors.append(FieldError("label_nl", "een Nederlandse naam is verplicht"))
    if not label_en.strip():
        errors.append(FieldError("label_en", "een Engelse naam is verplicht"))
    for name, value in (("label_nl", label_nl), ("label_en", label_en)):
        if len(value) > MAX_LABEL:
            errors.append(FieldError(name, f"langer dan {MAX_LABEL} tekens"))
    return errors


def _check_key(facet: Facet, key: str) -> list[FieldError]:
    if not key or len(key) > MAX_KEY or not SLUG_PATTERN.match(key):
        return [FieldError("key", "alleen kleine letters, cijfers en koppeltekens, zoals 'taal-nt2'")]
    if any(t.key == key for t in facet.terms):
        return [FieldError("key", f"de sleutel '{key}' bestaat al in dit vocabulaire")]
    return []


def add_term(
    session: Session, facet_name: str, key: str, label_nl: str, label_en: str, *, scheme: str = ""
) -> Term:
    """Add a term at the end of its facet (a level: at the end of its scheme, so ranges stay in order)."""
    facet = get_facet(session, facet_name)
    key = key.strip().lower()
    errors = _check_labels(label_nl, label_en) + _check_key(facet, key)
    siblings = list(facet.terms)
    group_en = ""
    if facet_name == LEVEL_FACET:
        schemes = {t.group_nl: t.group_en for t in facet.terms}
        if scheme not in schemes:
            errors.append(FieldError("scheme", "kies de niveauschaal waar dit niveau bij hoort"))
        else:
            siblings = [t for t in facet.terms if t.group_nl == scheme]
            group_en = schemes[scheme]
    if errors:
        raise ValidationError(errors)
    position = max((t.position for t in siblings), default=-1) + 1
    # Make room: positions are one ordering over all terms.
    for term in session.scalars(select(Term).where(Term.position >= position)):
        term.position += 1
    term = Term(
        facet_name=facet_name,
        key=key,
        label_nl=label_nl.strip(),
        label_en=label_en.strip(),
        group_nl=scheme if facet_name == LEVEL_FACET else "",
        group_en=group_en,
        position=position,
    )
    session.add(term)
    session.flush()
    _forget_term_cache(session)
    return term


def relabel(session: Session, term_id: int, label_nl: str, label_en: str) -> Term:
    """Rename a term. No material is re-indexed: searches and lists take labels from the vocabulary, whose
    new version reaches every process with its next request."""
    errors = _check_labels(label_nl, label_en)
    if errors:
        raise ValidationError(errors)
    term = get_term(session, term_id)
    term.label_nl, term.label_en = label_nl.strip(), label_en.strip()
    session.flush()
    return term


def move(session: Session, term_id: int, step: int) -> Term:
    """Swap a term with its neighbour (``step`` -1: up, +1: down); levels only move within their scheme."""
    term = get_term(session, term_id)
    siblings = [t for t in term.facet.terms if t.group_nl == term.group_nl]
    index = siblings.index(term) + step
    if 0 <= index < len(siblings):
        other = siblings[index]
        term.position, other.position = other.position, term.position
        session.flush()
        session.expire(term.facet, ["terms"])
    return term


def set_hidden(session: Session, term_id: int, hidden: bool) -> Term:
    """Hide a term from new use (existing materials and links keep it), or offer it again."""
    term = get_term(session, term_id)
    if term.merged_into and not hidden:
        raise NotAllowed("een samengevoegde term kan niet terugkomen; voeg een nieuwe term toe")
    term.hidden = hidden
    session.flush()
    return term


def merge(session: Session, source_id: int, target_id: int, *, author: str) -> int:
    """Merge one term into another of the same facet; return how many materials moved along."""
    source, target = get_term(session, source_id), get_term(session, target_id)
    if source.id == target.id or source.facet_name != target.facet_name:
        raise ValidationError([FieldError("target", "kies een andere term uit hetzelfde vocabulaire")])
    if target.merged_into:
        raise ValidationError([FieldError("target", "deze term is zelf al samengevoegd")])
    if source.facet_name == LEVEL_FACET and source.group_nl != target.group_nl:
        raise ValidationError([FieldError("target", "niveaus voegt u alleen samen binnen één niveauschaal")])
    source.merged_into = target.key
    source.hidden = True
    # Terms merged into the source earlier now point at the target directly.
    for earlier in session.scalars(
        select(Term).where(Term.facet_name == source.facet_name, Term.merged_into == source.key)
    ):
        earlier.merged_into = target.key
    session.flush()
    vocabulary = load_vocabulary(session)  # now resolves the source key to the target
    materials = session.scalars(
        select(Material).join(material_terms).where(material_terms.c.term_id == source.id)
    ).all()
    for material in materials:
        save_material(
            session,
            record_of(material, vocabulary),
            author=author,
            vocabulary=vocabulary,
            original_slug=material.slug,
            note=f"term '{source.key}' samengevoegd met '{target.key}'",
        )
    return len(materials)


def delete_term(session: Session, term_id: int) -> None:
    """Delete a term nobody uses; a term in use (or a merge target) is refused."""
    term = get_term(session, term_id)
    used = session.scalar(
        select(func.count()).select_from(material_terms).where(material_terms.c.term_id == term.id)
    )
    if used:
        raise NotAllowed(f"de term '{term.key}' hoort bij {used} leermiddel(en) en kan niet weg; verberg hem")
    if session.scalar(
        select(Term.id).where(Term.facet_name == term.facet_name, Term.merged_into == term.key)
    ):
        raise NotAllowed(f"andere termen verwijzen naar '{term.key}'; hij kan niet weg")
    session.delete(term)
    session.flush()
    _forget_term_cache(session)


def _forget_term_cache(session: Session) -> None:
    # save_material caches terms per session; a new or deleted term must not be missed.
    session.info.pop("terms_by_key", None)
