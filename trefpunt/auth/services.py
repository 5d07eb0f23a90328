"""Accounts as plain use cases (no Flask): create, find, authenticate, invite, deactivate, passwords."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trefpunt.auth.models import User
from trefpunt.catalog.errors import FieldError, NotAllowed, NotFound, ValidationError
from trefpunt.catalog.models import utcnow

from . import limiting, sessions

log = logging.getLogger(__name__)

ROLES = ("editor", "admin")
MIN_PASSWORD_LENGTH = 12
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def N_(message: str) -> str:
    """Mark a message for translation; the view that shows it translates it."""
    return message


CURRENT_PASSWORD_WRONG = N_("Het huidige wachtwoord klopt niet.")
PASSWORD_UNCHANGED = N_("Kies een ander wachtwoord dan het huidige.")
ONE_TIME_PASSWORD_REUSED = N_("Kies een eigen wachtwoord, niet het eenmalige wachtwoord dat u kreeg.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str = "editor",
    name: str = "",
    *,
    one_time: bool = False,
) -> User:
    """Create an account; a ``one_time`` password (handed out by someone else) opens one login only."""
    email = normalise_email(email)
    errors = []
    if not EMAIL_PATTERN.match(email):
        errors.append(FieldError("email", "geen geldig e-mailadres"))
    elif session.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors.append(FieldError("email", "er is al een account met dit e-mailadres"))
    if role not in ROLES:
        errors.append(FieldError("role", f"kies uit {', '.join(ROLES)}"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens"))
    if errors:
        raise ValidationError(errors)
    # Werkzeug's default method is scrypt.
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=generate_password_hash(password),
        must_change_password=one_time,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


# Checked when the account does not exist, so a wrong e-mail address takes as long as a wrong password
# and response times do not tell which accounts exist.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail address and password, or None (never says which was wrong)."""
    user = find_user(session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not verify_password(user, password) or not user.active:
        return None
    return user


def _spend_one_time_password(session: Session, user: User, now: dt.datetime) -> bool:
    """Mark the account's handed-out password used; False when it was used before.

    One conditional UPDATE, so of two logins racing with the same password in different workers or servers,
    exactly one wins."""
    spent = session.execute(
        update(User)
        .where(
            User.id == user.id,
            User.must_change_password.is_(True),
            User.one_time_password_used_at.is_(None),
            User.password_hash == user.password_hash,
        )
        .values(one_time_password_used_at=now)
    )
    return spent.rowcount == 1  # type: ignore[attr-defined]


def _set_password(session: Session, user: User, password: str, *, one_time: bool) -> None:
    """Store a new password and end every login of the account, in every worker and on every server."""
    user.password_hash = generate_password_hash(password)
    user.must_change_password = one_time
    user.one_time_password_used_at = None
    ended = sessions.end_all(session, user.id)
    log.info("new password for %s; %d open login(s) ended", user.email, ended)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.active.desc(), func.lower(User.email))))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"geen account met nummer {user_id}")
    return user


def invite_user(session: Session, email: str, role: str, name: str = "") -> tuple[User, str]:
    """Create an account with a one-time password for the admin to pass on; the password is not stored."""
    password = generate_password()
    return create_user(session, email, password, role, name, one_time=True), password


def reset_password(session: Session, user_id: int) -> tuple[User, str]:
    """Give an account a new one-time password (for an editor who forgot theirs); its logins end."""
    user = get_user(session, user_id)
    password = generate_password()
    _set_password(session, user, password, one_time=True)
    return user, password


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Let an editor replace their password; the current one must be right, the new one differ from it.
    Every login of the account ends; the view opens a fresh one for the browser that asked."""
    errors = []
    if not verify_password(user, current):
        errors.append(FieldError("current", CURRENT_PASSWORD_WRONG))
    elif new == current:
        errors.append(FieldError("new", PASSWORD_UNCHANGED))
    if len(new) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("new", f"een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens"))
    if errors:
        raise ValidationError(errors)
    _set_password(session, user, new, one_time=False)


def choose_own_password(session: Session, user: User, new: str) -> None:
    """Replace the one-time password the editor logged in with by one of their own (no current password
    asked: the one-time one is spent). Every login of the account ends."""
    if not user.must_change_password:
        raise NotAllowed("dit account heeft al een eigen wachtwoord")
    errors = []
    if len(new) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("new", f"een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens"))
    elif verify_password(user, new):
        errors.append(FieldError("new", ONE_TIME_PASSWORD_REUSED))
    if errors:
        raise ValidationError(errors)
    _set_password(session, user, new, one_time=False)


def set_active(session: Session, user_id: int, active: bool, *, acting: User) -> User:
    """Deactivate (or reactivate) an account; an admin cannot lock themselves out."""
    user = get_user(session, user_id)
    if user.id == acting.id and not active:
        raise NotAllowed("u kunt uw eigen account niet uitschakelen")
    user.active = active
    if not active:
        sessions.end_all(session, user.id)
    session.flush()
    return user


def set_or_create(session: Session, email: str, password: str, role: str) -> User:
    """Give ``email`` this one-time password (and role), creating the account when it does not exist; the
    account's open logins end."""
    user = find_user(session, email)
    if user is None:
        return create_user(session, email, password, role, one_time=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError([FieldError("password", f"minstens {MIN_PASSWORD_LENGTH} tekens")])
    _set_password(session, user, password, one_time=True)
    user.role = role
    user.active = True
    session.flush()
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """The account that logged in, or why not: the block that refused the try, a one-time password that was
    used before, or (all empty) a wrong e-mail address or password."""

    user: User | None = None
    block: limiting.Block | None = None
    one_time_password_spent: bool = False


def attempt_login(
    session: Session,
    email: str,
    password: str,
    *,
    address: str,
    limit: limiting.Limit,
    now: dt.datetime | None = None,
) -> LoginOutcome:
    """Check a login under the limits; a blocked account or address is refused before any password check."""
    now = now or utcnow()
    email = normalise_email(email)[:254]
    address = (address or "unknown")[:64]
    block = limiting.check(session, email, address, limit, now)
    if block is not None:
        log.warning("login refused for %s from %s: too many failures (%s)", email, address, block.reason)
        return LoginOutcome(block=block)
    user = authenticate(session, email, password)
    spent = (
        user is not None and user.must_change_password and not _spend_one_time_password(session, user, now)
    )
    limiting.record(session, email, address, user is not None and not spent, limit, now)
    if user is None or spent:
        if spent:
            log.warning("spent one-time password of %s tried again from %s", email, address)
        return LoginOutcome(one_time_password_spent=spent)
    user.last_login_at = now
    session.flush()
    log.info("login of %s from %s", email, address)
    return LoginOutcome(user=user)
