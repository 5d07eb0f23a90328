"""The advice lists' use cases: make, find by token, add, note, reorder, remove, and each item as it is now.

Knows nothing of Flask. Tokens are ``secrets.token_urlsafe(24)`` (192 bits); a list is found by the
SHA-256 of its token and the token is then compared in constant time, so neither the database's index nor
the comparison tells an attacker how much of a guess was right. Bad input raises the catalogue's domain
errors (``ValidationError`` with the field, ``NotAllowed`` for a limit, ``NotFound``) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from trefpunt.catalog.errors import FieldError, NotAllowed, NotFound, ValidationError
from trefpunt.catalog.models import Material, Status, utcnow
from trefpunt.inputs import control_character

from .models import AdviceList, AdviceListItem, ListCreation

# 24 random bytes: 192 bits, 32 URL-safe characters.
TOKEN_BYTES = 24
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Limits:
    """How big a list may grow and how many lists one address may start per hour."""

    items: int = 30
    title: int = 120
    introduction: int = 1000
    note: int = 500
    lists_per_hour: int = 20
    window: dt.timedelta = dt.timedelta(hours=1)


class LimitReached(NotAllowed):
    """A limit was reached; nothing was changed. ``minutes`` says when to try again, when that helps."""

    def __init__(self, message: str, minutes: int | None = None):
        self.minutes = minutes
        super().__init__(message)


class ItemState(StrEnum):
    AVAILABLE = "available"  # published: as the guide shows it today
    ARCHIVED = "archived"  # no longer offered; its page says so and shows similar ones
    UNAVAILABLE = "unavailable"  # back to draft: not public for now
    DELETED = "deleted"  # gone from the catalogue; only the name kept on the list remains


@dataclass(frozen=True)
class Entry:
    """An item on a list together with its material as it is now."""

    item: AdviceListItem
    material: Material | None
    state: ItemState
    similar: Sequence = ()

    @property
    def available(self) -> bool:
        return self.state == ItemState.AVAILABLE


# -- tokens -----------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_key(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def address_hash(secret: str, address: str) -> str:
    """The address as the hourly limit keeps it: keyed with the site's secret, so it cannot be looked up."""
    key = hashlib.sha256(b"trefpunt advice list addresses\0" + secret.encode("utf-8")).digest()
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def _well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.fullmatch(token or ""))


def find_for_reading(session: Session, read_token: str) -> AdviceList:
    """The list this read token opens, or ``NotFound``."""
    found = None
    if _well_formed(read_token):
        found = session.scalar(select(AdviceList).where(AdviceList.read_key == token_key(read_token)))
    if found is None or not hmac.compare_digest(found.read_token, read_token):
        raise NotFound("geen advieslijst met deze link")
    return found


def find_for_editing(session: Session, edit_token: str) -> AdviceList:
    """The list this edit token may change, or ``NotFound`` (a read token is not an edit token)."""
    found = None
    if _well_formed(edit_token):
        key = token_key(edit_token)
        found = session.scalar(select(AdviceList).where(AdviceList.edit_key == key))
    if found is None or not hmac.compare_digest(found.edit_key, token_key(edit_token)):
        raise NotFound("geen advieslijst met deze link")
    return found


def find_by_link(session: Session, link: str) -> tuple[AdviceList, str] | None:
    """For editors: the list a pasted read or edit link (or bare token) names, and which kind it was."""
    for candidate in reversed(re.findall(r"[A-Za-z0-9_-]{32}", link or "")):
        for kind, find in (("read", find_for_reading), ("edit", find_for_editing)):
            try:
                return find(session, candidate), kind
            except NotFound:
                continue
    return None


# -- making and changing ----------------------------------------------------------------------------


def create_list(
    session: Session,
    *,
    address_key: str,
    limits: Limits,
    title: str = "",
    now: dt.datetime | None = None,
) -> tuple[AdviceList, str]:
    """A new empty list and its edit token (the only time the token is known in full).

    ``address_key`` is ``address_hash(...)`` of the maker's address; kept one hour for the limit.
    """
    now = now or utcnow()
    since = now - limits.window
    session.execute(delete(ListCreation).where(ListCreation.created_at <= since))
    made = session.scalars(
        select(ListCreation.created_at)
        .where(ListCreation.address_hash == address_key, ListCreation.created_at > since)
        .order_by(ListCreation.created_at)
    ).all()
    if len(made) >= limits.lists_per_hour:
        wait = made[len(made) - limits.lists_per_hour] + limits.window - now
        minutes = max(1, int(wait.total_seconds() + 59) // 60)
        raise LimitReached(
            f"vanaf dit adres zijn het afgelopen uur al {limits.lists_per_hour} lijsten gemaakt",
            minutes=minutes,
        )
    edit_token, read_token = new_token(), new_token()
    advice_list = AdviceList(
        read_key=token_key(read_token),
        read_token=read_token,
        edit_key=token_key(edit_token),
        title=_checked({"title": title}, limits)["title"],
        introduction="",
        created_at=now,
        updated_at=now,
    )
    session.add(advice_list)
    session.add(ListCreation(address_hash=address_key, created_at=now))
    session.flush()
    return advice_list, edit_token


def add_material(session: Session, advice_list: AdviceList, material: Material, limits: Limits) -> bool:
    """Put a published material at the end of the list; False when it is on it already."""
    if material.status != Status.PUBLISHED:
        raise NotFound(f"geen leermiddel met slug '{material.slug}'")
    if any(item.slug == material.slug or item.material_id == material.id for item in advice_list.items):
        return False
    if len(advice_list.items) >= limits.items:
        raise LimitReached(f"er kunnen hoogstens {limits.items} leermiddelen op een lijst")
    position = max((item.position for item in advice_list.items), default=-1) + 1
    advice_list.items.append(
        AdviceListItem(material=material, slug=material.slug, title=material.title, position=position)
    )
    _touch(advice_list)
    session.flush()
    return True


def save_texts(
    advice_list: AdviceList,
    limits: Limits,
    *,
    title: str | None = None,
    introduction: str | None = None,
    notes: dict[int, str] | None = None,
) -> None:
    """Save the title, introduction and notes given (None: leave as is), all or nothing.

    Raises ``ValidationError`` naming every text that is too long (a note as ``note-<item id>``), and then
    changes none of them: the form shows them all again as typed.
    """
    notes = notes or {}
    items = {item.id: item for item in advice_list.items}
    unknown = [item_id for item_id in notes if item_id not in items]
    if unknown:
        raise NotFound("dit leermiddel staat niet (meer) op de lijst")
    texts = {
        **({"title": title} if title is not None else {}),
        **({"introduction": introduction} if introduction is not None else {}),
        **{f"note-{item_id}": note for item_id, note in notes.items()},
    }
    checked = _checked(texts, limits)
    changed = False
    if title is not None and checked["title"] != advice_list.title:
        advice_list.title, changed = checked["title"], True
    if introduction is not None and checked["introduction"] != advice_list.introduction:
        advice_list.introduction, changed = checked["introduction"], True
    for item_id in notes:
        if checked[f"note-{item_id}"] != items[item_id].note:
            items[item_id].note, changed = checked[f"note-{item_id}"], True
    if changed:
        _touch(advice_list)


def move(advice_list: AdviceList, item_id: int, step: int) -> None:
    """Move an item ``step`` places (-1 up, +1 down); at either end it stays where it is."""
    items = sorted(advice_list.items, key=lambda i: i.position)
    item = _item(advice_list, item_id)
    at = items.index(item)
    to = min(max(at + step, 0), len(items) - 1)
    items.insert(to, items.pop(at))
    for position, each in enumerate(items):
        each.position = position
    _touch(advice_list)


def remove(session: Session, advice_list: AdviceList, item_id: int) -> None:
    advice_list.items.remove(_item(advice_list, item_id))
    _touch(advice_list)
    session.flush()


def delete_list(session: Session, advice_list: AdviceList) -> None:
    session.delete(advice_list)
    session.flush()


def _item(advice_list: AdviceList, item_id: int) -> AdviceListItem:
    for item in advice_list.items:
        if item.id == item_id:
            return item
    raise NotFound("dit leermiddel staat niet (meer) op de lijst")


def _touch(advice_list: AdviceList) -> None:
    advice_list.updated_at = utcnow()


def limit_of(field: str, limits: Limits) -> int:
    """The longest text ``field`` (title, introduction, note-<id>) may hold."""
    return int(getattr(limits, field.split("-", 1)[0]))


# The message of a text refused for an invisible control character (the form names the character).
CONTROL_CHARACTER = "bevat een onzichtbaar stuurteken"


def _checked(values: dict[str, str], limits: Limits) -> dict[str, str]:
    """The texts trimmed, or ``ValidationError`` naming every one that is too long or holds a control
    character (pasted from elsewhere, invisible in the form, and never meant for a handout)."""
    cleaned = {name: (value or "").strip().replace("\r\n", "\n") for name, value in values.items()}
    errors = []
    for name, value in cleaned.items():
        character = control_character(value)
        if character:
            errors.append(FieldError(name, f"{CONTROL_CHARACTER} {character}"))
        elif len(value) > (limit := limit_of(name, limits)):
            errors.append(FieldError(name, f"hoogstens {limit} tekens ({len(value)} getypt)"))
    if errors:
        raise ValidationError(errors)
    return cleaned


# -- reading ----------------------------------------------------------------------------------------


def load_list(session: Session, advice_list: AdviceList) -> AdviceList:
    """The list with its items and their materials (with terms) loaded in three queries."""
    session.scalars(
        select(AdviceListItem)
        .where(AdviceListItem.list_id == advice_list.id)
        .options(selectinload(AdviceListItem.material).selectinload(Material.terms))
    ).all()
    return advice_list


def entries(advice_list: AdviceList, similar: Callable[[Material], Sequence] | None = None) -> list[Entry]:
    """Every item as its material is now; ``similar(material)`` is asked only for archived ones."""
    found = []
    for item in sorted(advice_list.items, key=lambda i: i.position):
        material = item.material
        if material is None:
            state = ItemState.DELETED
        elif material.status == Status.PUBLISHED:
            state = ItemState.AVAILABLE
        elif material.status == Status.ARCHIVED:
            state = ItemState.ARCHIVED
        else:
            state = ItemState.UNAVAILABLE
        alike = similar(material) if similar and material is not None and state != ItemState.AVAILABLE else ()
        found.append(Entry(item, material, state, alike))
    return found


def count_items(session: Session, edit_token: str) -> tuple[AdviceList, int] | None:
    """The list an edit token names and how many items it has, in one query; None when there is none."""
    if not _well_formed(edit_token):
        return None
    row = session.execute(
        select(AdviceList, func.count(AdviceListItem.id))
        .outerjoin(AdviceListItem, AdviceListItem.list_id == AdviceList.id)
        .where(AdviceList.edit_key == token_key(edit_token))
        .group_by(AdviceList.id)
    ).first()
    if row is None or not hmac.compare_digest(row[0].edit_key, token_key(edit_token)):
        return None
    return row[0], row[1]
