"""Login limiting: too many failed logins for one account or from one address block further tries.

Attempts are rows in the database, not counters in memory, so every server process (gunicorn worker)
sees the same failures and a restart does not reset them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trefpunt.auth.models import LoginAttempt
from trefpunt.catalog.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` failed logins per account and per address within ``window``."""

    failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Block:
    """Why logging in is refused for now, and for how long."""

    reason: str  # "account" or "address"
    retry_after: dt.timedelta

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def check(
    session: Session, email: str, address: str, limit: Limit, now: dt.datetime | None = None
) -> Block | None:
    """The block on this account or address, or None when a login may be tried."""
    now = now or utcnow()
    since = now - limit.window
    for reason, column, value in (
        ("account", LoginAttempt.email, email),
        ("address", LoginAttempt.address, address),
    ):
        failures = session.scalars(
            select(LoginAttempt.created_at)
            .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(limit.failures)
        ).all()
        if len(failures) >= limit.failures:
            # Free again when the oldest of the last ``failures`` failures leaves the window.
            return Block(reason, failures[-1] + limit.window - now)
    return None


def record(
    session: Session, email: str, address: str, succeeded: bool, limit: Limit, now: dt.datetime | None = None
) -> None:
    """Remember an attempt; a success forgives the account's earlier failures (not the address's)."""
    now = now or utcnow()
    if succeeded:
        session.execute(
            delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))
        )
    else:
        log.warning("failed login for %s from %s", email, address)
    session.add(LoginAttempt(email=email, address=address, succeeded=succeeded, created_at=now))
    # Old rows say nothing any more; pruning here keeps the table small without a scheduled job.
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < now - max(limit.window, dt.timedelta(days=1)))
    )
    session.flush()


def failures(session: Session, email: str) -> int:
    """Failed attempts for an account that are still remembered (for admins and tests)."""
    return session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))
    )
