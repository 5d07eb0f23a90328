"""Taking over the address a link moved to: an ordinary save of the material, so it is a new revision,
journalled and re-indexed, and refused when the editor's page showed an older version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trefpunt.catalog.errors import Conflict, NotFound
from trefpunt.catalog.models import Material
from trefpunt.catalog.services import lock_material, record_of, update_material
from trefpunt.catalog.vocabulary import load_vocabulary

from .models import LinkCheck, Outcome

NOTE = "webadres bijgewerkt naar het nieuwe adres (linkcontrole)"
SUGGESTION_GONE = "deze suggestie geldt niet meer: het webadres of de laatste controle is intussen veranderd"


def adopt_new_address(
    session: Session, slug: str, check_id: int, *, expected_version: int, author: str
) -> tuple[Material, str]:
    """Save the material ``slug`` with the address its check ``check_id`` found it moved to.

    Only while that check is still the material's latest and its address still the one checked: the
    page the editor clicked on may be older than tonight's run or another editor's change.
    Raises NotFound, Conflict (stale version or stale suggestion) or ValidationError (an address the
    catalogue does not accept). Returns the material and its previous address; the caller commits.
    """
    material = lock_material(session, slug)
    check = session.get(LinkCheck, check_id)
    if check is None or check.material_id != material.id:
        raise NotFound(f"geen linkcontrole {check_id} bij '{slug}'")
    latest = session.scalar(select(func.max(LinkCheck.id)).where(LinkCheck.material_id == material.id))
    if check.id != latest or check.outcome != Outcome.MOVED or check.url != material.url:
        raise Conflict(SUGGESTION_GONE, material.version)
    vocabulary = load_vocabulary(session)
    record = record_of(material, vocabulary)
    previous, record.url = record.url, check.moved_to
    saved = update_material(
        session,
        material,
        record,
        author=author,
        vocabulary=vocabulary,
        expected_version=expected_version,
        note=NOTE,
    )
    return saved, previous
