"""Accounts as plain use cases (no Flask): create, find, check a password."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from trefpunt.catalog.errors import FieldError, ValidationError
from trefpunt.catalog.models import User

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
