"""Accounts as plain use cases (no Flask): create, find, authenticate, invite, deactivate."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trefpunt.auth.models import User
from trefpunt.catalog.errors import FieldError, NotAllowed, NotFound, ValidationError
from trefpunt.catalog.models import utcnow

from . import limiting

log = logging.getLogger(__name__)

ROLES = ("editor", "admin")
MIN_PASSWORD_LENGTH = 12
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(session: Session, email: str, password: str, role: str = "editor", name: str = "") -> User:
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
    user = User(email=email, name=name, role=role, password_hash=generate_password_hash(password))
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
    user.last_login_at = utcnow()
    session.flush()
    return user


def session_token(user: User) -> str:
    """Identifies the account in the session cookie; changes with the password, which ends other sessions."""
    digest = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    return f"{user.id}:{digest}"


def user_for_token(session: Session, token: str) -> User | None:
    """The active account a session token belongs to; None when it is unknown, stale or deactivated."""
    user_id, _sep, digest = token.partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or not secrets.compare_digest(session_token(user), token):
        return None
    return user


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
    return create_user(session, email, password, role, name), password


def reset_password(session: Session, user_id: int) -> tuple[User, str]:
    """Give an account a new one-time password (for an editor who forgot theirs)."""
    user = get_user(session, user_id)
    password = generate_password()
    user.password_hash = generate_password_hash(password)
    session.flush()
    return user, password


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Let an editor replace their password; the current one must be right."""
    errors = []
    if not verify_password(user, current):
        errors.append(FieldError("current", "het huidige wachtwoord klopt niet"))
    if len(new) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("new", f"een wachtwoord heeft minstens {MIN_PASSWORD_LENGTH} tekens"))
    if errors:
        raise ValidationError(errors)
    user.password_hash = generate_password_hash(new)
    session.flush()


def set_active(session: Session, user_id: int, active: bool, *, acting: User) -> User:
    """Deactivate (or reactivate) an account; an admin cannot lock themselves out."""
    user = get_user(session, user_id)
    if user.id == acting.id and not active:
        raise NotAllowed("u kunt uw eigen account niet uitschakelen")
    user.active = active
    session.flush()
    return user


def set_or_create(session: Session, email: str, password: str, role: str) -> User:
    """Give ``email`` this password (and role), creating the account when it does not exist."""
    user = find_user(session, email)
    if user is None:
        return create_user(session, email, password, role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError([FieldError("password", f"minstens {MIN_PASSWORD_LENGTH} tekens")])
    user.password_hash = generate_password_hash(password)
    user.role = role
    user.active = True
    session.flush()
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """The account that logged in, or the block that refused the try (both None: wrong e-mail or password)."""

    user: User | None = None
    block: limiting.Block | None = None


def attempt_login(
    session: Session, email: str, password: str, *, address: str, limit: limiting.Limit
) -> LoginOutcome:
    """Check a login under the limits; a blocked account or address is refused before any password check."""
    email = normalise_email(email)[:254]
    address = (address or "unknown")[:64]
    block = limiting.check(session, email, address, limit)
    if block is not None:
        log.warning("login refused for %s from %s: too many failures (%s)", email, address, block.reason)
        return LoginOutcome(block=block)
    user = authenticate(session, email, password)
    limiting.record(session, email, address, user is not None, limit)
    if user is not None:
        log.info("login of %s from %s", email, address)
    return LoginOutcome(user=user)
