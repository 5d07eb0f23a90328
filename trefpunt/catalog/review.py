"""Review before publishing: a change to a published material waits for a second editor.

An editor's save of a published material (or the request to publish a draft) becomes the material's one
open ``ChangeReview``: a snapshot of the record as it would be. Another editor sees the difference from the
published version and publishes it (an ordinary save, so it becomes a revision) or sends it back with a
comment. Nobody reviews a change they wrote part of. Nothing is lost silently: a later edit by anyone goes
into the same open change (checked against its version, as saves are), a sent-back change stays the
material's working copy with its comment until it is resubmitted or withdrawn, and a change whose published
version moved underneath is never published over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .errors import Conflict, FieldError, NotAllowed, NotFound, ValidationError
from .models import Material, Revision, Status, utcnow
from .records import MaterialRecord, validate
from .review_models import OPEN_STATES, ChangeReview, ChangeState, ReviewEvent
from .revisions import FieldChange, diff
from .services import conflicts_reported, lock_material, record_of, update_material
from .vocabulary import Vocabulary, load_vocabulary

MAX_COMMENT = 2_000

OWN_CHANGE = (
    "u kunt uw eigen wijziging niet beoordelen; een andere redacteur publiceert hem of stuurt hem terug"
)
NOT_WAITING = "deze wijziging wacht niet (meer) op beoordeling"
CHANGE_UPDATED = "de wijziging is intussen bijgewerkt; bekijk de nieuwe versie voordat u beslist"
PUBLISHED_CHANGED = (
    "het gepubliceerde leermiddel is gewijzigd sinds deze wijziging werd ingediend; "
    "stuur de wijziging terug, zodat de auteur hem bijwerkt vanaf de nieuwe versie"
)
CHANGE_SAVED_MEANWHILE = "iemand anders heeft de wachtende wijziging van dit leermiddel intussen bijgewerkt"
PUBLISHED_MEANWHILE = "dit leermiddel is intussen door iemand anders opgeslagen"

# What a change's events are called in its record (ReviewEvent.action).
SUBMITTED, UPDATED, SENT_BACK, PUBLISHED, WITHDRAWN = (
    "ingediend",
    "bijgewerkt",
    "teruggestuurd",
    "gepubliceerd",
    "ingetrokken",
)


def needs_review(enabled: bool, material: Material | None, change: ChangeReview | None) -> bool:
    """Whether a save of ``material`` waits for review: it is live, or it already has a waiting change."""
    if not enabled or material is None:
        return False
    return material.status == Status.PUBLISHED or change is not None


def open_change(session: Session, material_id: int, *, lock: bool = False) -> ChangeReview | None:
    """The material's waiting (or sent-back) change, if any; with ``lock``, its row stays locked."""
    query = select(ChangeReview).where(
        ChangeReview.material_id == material_id, ChangeReview.state.in_(OPEN_STATES)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    with conflicts_reported():
        return session.scalar(query)


def get_change(session: Session, change_id: int, *, lock: bool = False) -> ChangeReview:
    query = (
        select(ChangeReview).where(ChangeReview.id == change_id).options(selectinload(ChangeReview.events))
    )
    if lock:
        query = query.with_for_update(of=ChangeReview).execution_options(populate_existing=True)
    with conflicts_reported():
        change = session.scalar(query)
    if change is None:
        raise NotFound(f"geen wijziging met nummer {change_id}")
    return change


def queue(session: Session) -> list[ChangeReview]:
    """Every open change, oldest first, with its material: what reviewers have to do."""
    query = (
        select(ChangeReview)
        .where(ChangeReview.state.in_(OPEN_STATES))
        .options(selectinload(ChangeReview.material))
        .order_by(ChangeReview.submitted_at, ChangeReview.id)
    )
    return list(session.scalars(query))


def is_stale(change: ChangeReview, material: Material) -> bool:
    """The published material changed after the change was made from it."""
    return material.version != change.base_version


@dataclass
class WorkingCopy:
    """What the edit form starts from when a change is open: the change, carried over onto the published
    version when that moved meanwhile, and the fields both sides changed (the change's value is kept)."""

    record: MaterialRecord
    overlapping: list[str]


def working_copy(change: ChangeReview, material: Material, vocabulary: Vocabulary) -> WorkingCopy:
    """The change's own edits on top of the current published version (a field-by-field three-way merge).

    Without it, resubmitting a change made before someone else's save would quietly undo that save.
    """
    current = record_of(material, vocabulary).to_dict(vocabulary)
    merged, overlapping = dict(current), []
    for name, value in change.snapshot.items():
        if value == change.base_snapshot.get(name):
            continue  # the change left this field alone: the published value stands
        if current.get(name) not in (value, change.base_snapshot.get(name)):
            overlapping.append(name)
        merged[name] = value
    return WorkingCopy(MaterialRecord.from_mapping(merged, vocabulary), overlapping)


def submit(
    session: Session,
    material: Material,
    record: MaterialRecord,
    *,
    author: str,
    vocabulary: Vocabulary,
    expected_version: int | None,
    expected_change_version: int | None,
) -> ChangeReview | None:
    """Put an editor's save of ``material`` (read with ``lock_material``) up for review.

    Updates the material's open change or starts one. Raises ValidationError for a record that could not
    be published, Conflict when the published material or the open change is not the version the editor
    started from. Returns None when the record equals the published material (an open change is then
    withdrawn: there is nothing left to review).
    """
    if expected_version is not None and material.version != expected_version:
        raise Conflict(PUBLISHED_MEANWHILE, material.version)
    change = open_change(session, material.id, lock=True)
    if change is not None and expected_change_version != change.version:
        raise Conflict(CHANGE_SAVED_MEANWHILE, material.version)
    if change is None and expected_change_version is not None:
        raise Conflict(CHANGE_SAVED_MEANWHILE, material.version)
    clean, errors = validate(record, vocabulary)
    errors += _slug_taken(session, material, clean.slug)
    if errors:
        raise ValidationError(errors)
    snapshot = clean.to_dict(vocabulary)
    current = record_of(material, vocabulary).to_dict(vocabulary)
    with conflicts_reported():
        if snapshot == current:
            if change is not None:
                _close(change, ChangeState.WITHDRAWN, author, "gelijk aan de gepubliceerde versie")
                session.flush()
            return None
        if change is None:
            change = ChangeReview(material=material, authors=[], events=[])
            session.add(change)
            action = SUBMITTED
        else:
            action = SUBMITTED if change.state == ChangeState.SENT_BACK else UPDATED
        # The editor saw the published version as it is now (the version check above), so the change is
        # made from it: a reviewer's diff and the approval's check start here.
        change.snapshot = snapshot
        change.base_snapshot = current
        change.base_version = material.version
        change.state = ChangeState.PENDING.value
        change.authors = [*change.authors, author] if author not in change.authors else list(change.authors)
        change.submitted_by = author
        change.submitted_at = utcnow()
        change.events.append(ReviewEvent(actor=author, action=action))
        try:
            session.flush()
        except IntegrityError as exc:
            # Another editor's first change to this material got there first (one open change each).
            raise Conflict(CHANGE_SAVED_MEANWHILE, material.version) from exc
    return change


def request_publication(
    session: Session,
    slug: str,
    *,
    author: str,
    vocabulary: Vocabulary,
    expected_version: int | None,
) -> ChangeReview | None:
    """Ask for a draft (or archived material, or its open change) to be published after review."""
    material = lock_material(session, slug)
    change = open_change(session, material.id)
    if change is not None:
        record = working_copy(change, material, vocabulary).record
    else:
        record = record_of(material, vocabulary)
    record.status = Status.PUBLISHED.value
    return submit(
        session,
        material,
        record,
        author=author,
        vocabulary=vocabulary,
        expected_version=expected_version,
        expected_change_version=change.version if change is not None else None,
    )


def approve(session: Session, change_id: int, *, reviewer: str, expected_version: int | None) -> Material:
    """Publish a waiting change as a new revision of its material; never the reviewer's own change."""
    # The material's row first, then the change's, as ``submit`` takes them: never a deadlock between the two.
    material = lock_material(session, get_change(session, change_id).material.slug)
    change = _reviewable(session, change_id, reviewer, expected_version)
    if is_stale(change, material):
        raise Conflict(PUBLISHED_CHANGED, material.version)
    vocabulary = load_vocabulary(session)
    record = MaterialRecord.from_mapping(change.snapshot, vocabulary)
    saved = update_material(
        session,
        material,
        record,
        author=change.submitted_by,
        vocabulary=vocabulary,
        expected_version=change.base_version,
        note=f"gepubliceerd na beoordeling door {reviewer}"[:300],
    )
    with conflicts_reported():
        _close(change, ChangeState.PUBLISHED, reviewer, "")
        session.flush()
    return saved


def send_back(
    session: Session, change_id: int, *, reviewer: str, comment: str, expected_version: int | None
) -> ChangeReview:
    """Return a waiting change to its authors with what should be different; it stays their working copy."""
    comment = comment.strip().replace("\r\n", "\n")
    if not comment:
        raise ValidationError([FieldError("comment", "schrijf erbij wat er anders moet")])
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            [FieldError("comment", f"de opmerking is {len(comment)} tekens; het maximum is {MAX_COMMENT}")]
        )
    change = _reviewable(session, change_id, reviewer, expected_version)
    with conflicts_reported():
        _close(change, ChangeState.SENT_BACK, reviewer, comment)
        session.flush()
    return change


def withdraw(
    session: Session, change_id: int, *, editor: str, may_withdraw_any: bool, expected_version: int | None
) -> ChangeReview:
    """Take an open change back (its authors, or an admin): the published version stays as it is.

    The change keeps its row and its snapshot, so even a withdrawn text can be looked up later.
    """
    change = get_change(session, change_id, lock=True)
    if not change.is_open:
        raise Conflict(NOT_WAITING)
    if editor not in change.authors and not may_withdraw_any:
        raise NotAllowed("alleen wie de wijziging schreef (of een beheerder) kan hem intrekken")
    if expected_version is not None and change.version != expected_version:
        raise Conflict(CHANGE_UPDATED)
    with conflicts_reported():
        _close(change, ChangeState.WITHDRAWN, editor, "")
        session.flush()
    return change


def may_review(change: ChangeReview, reviewer: str) -> bool:
    return reviewer not in change.authors


def changes_of(change: ChangeReview, vocabulary: Vocabulary) -> list[FieldChange]:
    """What the change does to the published version it was made from."""
    return diff(change.base_snapshot, change.snapshot, vocabulary)


def changed_underneath(change: ChangeReview, material: Material, vocabulary: Vocabulary) -> list[FieldChange]:
    """What others changed in the published material since the change was made from it."""
    return diff(change.base_snapshot, record_of(material, vocabulary).to_dict(vocabulary), vocabulary)


def revision_number(session: Session, material: Material) -> int:
    """The number of the material's latest revision: the version editors see, as History lists it.

    ``Material.version`` is the optimistic lock's counter and moves on every UPDATE of the row (a link
    check, a term merge), so it is for conflict checks only.
    """
    query = select(func.max(Revision.number)).where(Revision.material_id == material.id)
    return session.scalar(query) or 0


def _reviewable(
    session: Session, change_id: int, reviewer: str, expected_version: int | None
) -> ChangeReview:
    change = get_change(session, change_id, lock=True)
    if change.state != ChangeState.PENDING:
        raise Conflict(NOT_WAITING)
    if not may_review(change, reviewer):
        raise NotAllowed(OWN_CHANGE)
    if expected_version is not None and change.version != expected_version:
        raise Conflict(CHANGE_UPDATED)
    return change


def _close(change: ChangeReview, state: ChangeState, actor: str, comment: str) -> None:
    change.state = state.value
    if state in (ChangeState.PUBLISHED, ChangeState.SENT_BACK):
        change.reviewed_by = actor
        change.reviewed_at = utcnow()
        change.comment = comment
    change.events.append(ReviewEvent(actor=actor, action=_ACTIONS[state], comment=comment))


_ACTIONS = {
    ChangeState.PUBLISHED: PUBLISHED,
    ChangeState.SENT_BACK: SENT_BACK,
    ChangeState.WITHDRAWN: WITHDRAWN,
}


def _slug_taken(session: Session, material: Material, slug: str) -> list[FieldError]:
    if slug == material.slug:
        return []
    if session.scalar(select(Material.id).where(Material.slug == slug)) is None:
        return []
    return [FieldError("slug", f"de slug '{slug}' is al in gebruik")]
