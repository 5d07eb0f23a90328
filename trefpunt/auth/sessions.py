"""Logins as rows: a session cookie opens the editor only while its row exists.

The cookie carries a random token; the database keeps its SHA-256. Logging out deletes the row, and a new
password deletes every row of the account, so a copied or replayed cookie opens nothing afterwards, in every
worker and on every server over the same database. Checking a cookie is one primary-key read joined to the
account, which the request reads anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trefpunt.auth.models import User, UserSession
from trefpunt.catalog.models import utcnow

# A login ends this long after it began, even when the browser keeps its cookie: rows cannot pile up, and a
# cookie copied from a shared computer stops working by itself.
LIFETIME = dt.timedelta(days=14)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, now: dt.datetime | None = None) -> str:
    """Open a login for ``user`` and return the token for its cookie (the database keeps only its hash)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_digest(token), user_id=user.id, created_at=now))
    # Expired logins say nothing any more; pruning here keeps the table small without a scheduled job.
    session.execute(delete(UserSession).where(UserSession.created_at < now - LIFETIME))
    session.flush()
    return token


def user_for(session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The active account whose login ``token`` opens; None when it was ended, has expired or is unknown."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    return session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.id == _digest(token),
            UserSession.created_at > now - LIFETIME,
            User.active.is_(True),
        )
    )


def end(session: Session, token: str) -> None:
    """End one login (logging out)."""
    session.execute(delete(UserSession).where(UserSession.id == _digest(token)))
    session.flush()


def end_all(session: Session, user_id: int) -> int:
    """End every login of an account (a new password, a deactivation); how many there were."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    session.flush()
    return result.rowcount or 0  # type: ignore[attr-defined]


def count(session: Session, user_id: int) -> int:
    """How many logins of an account are open (for admins and tests)."""
    return session.scalar(select(func.count()).where(UserSession.user_id == user_id)) or 0
