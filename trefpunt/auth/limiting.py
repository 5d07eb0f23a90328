"""Login limiting that slows an attacker without locking the owner out.

* Per account, a progressive delay: a few failed logins in a row cost nothing (typing errors), then each
  further failure makes the account's next try wait 1, 2, 4 … seconds (up to ``max_delay``). Guessing
  becomes slow, yet the owner with the right password is let in as soon as the short wait is over; a success
  ends the run of failures.
* Per client address, a hard limit: an address with ``failures`` failed logins within ``window`` (for any
  accounts) is refused until the oldest of them leaves the window.

Attempts are rows in the database, not counters in memory, so every server process (gunicorn worker) and
every server over the same database sees the same failures, and a restart does not reset them. Every
function takes ``now``, so the limits can be tried with a clock that is set rather than waited for.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from trefpunt.auth.models import LoginAttempt
from trefpunt.catalog.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """An address may fail ``failures`` times within ``window``. An account may fail ``free_failures`` times
    in a row; after the next failure it waits ``first_delay``, doubling with each further one (failures in a
    row within ``window``) up to ``max_delay``."""

    failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    free_failures: int = 3
    first_delay: dt.timedelta = dt.timedelta(seconds=1)
    max_delay: dt.timedelta = dt.timedelta(seconds=60)

    def delay_after(self, consecutive_failures: int) -> dt.timedelta:
        """How long an account waits after this many failures in a row."""
        beyond = consecutive_failures - self.free_failures
        if beyond <= 0:
            return dt.timedelta(0)
        # The exponent is capped before raising 2 to it: a long attack must not overflow anything.
        doubled = self.first_delay * 2 ** min(beyond - 1, 32)
        return min(doubled, self.max_delay)


@dataclass(frozen=True)
class Block:
    """Why logging in is refused for now, and for how long."""

    reason: str  # "account" (the progressive delay) or "address" (the hard limit)
    retry_after: dt.timedelta

    @property
    def seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds() / 60))


def check(
    session: Session, email: str, address: str, limit: Limit, now: dt.datetime | None = None
) -> Block | None:
    """The longest block on this account or address, or None when a login may be tried now."""
    now = now or utcnow()
    blocks = [
        b
        for b in (_account_block(session, email, limit, now), _address_block(session, address, limit, now))
        if b
    ]
    return max(blocks, key=lambda block: block.retry_after, default=None)


def _account_block(session: Session, email: str, limit: Limit, now: dt.datetime) -> Block | None:
    since = now - limit.window
    success = aliased(LoginAttempt)
    last_success = (
        select(func.max(success.created_at))
        .where(success.email == email, success.succeeded.is_(True))
        .scalar_subquery()
    )
    run, latest = session.execute(
        select(func.count(), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > since,
            # Only the failures since the account's last success form a run.
            LoginAttempt.created_at > func.coalesce(last_success, since),
        )
    ).one()
    if not run:
        return None
    free_at = latest + limit.delay_after(run)
    return Block("account", free_at - now) if free_at > now else None


def _address_block(session: Session, address: str, limit: Limit, now: dt.datetime) -> Block | None:
    failures = session.scalars(
        select(LoginAttempt.created_at)
        .where(
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > now - limit.window,
        )
        .order_by(LoginAttempt.created_at.desc())
        .limit(limit.failures)
    ).all()
    if len(failures) < limit.failures:
        return None
    # Free again when the oldest of the last ``failures`` failures leaves the window.
    return Block("address", failures[-1] + limit.window - now)


def record(
    session: Session, email: str, address: str, succeeded: bool, limit: Limit, now: dt.datetime | None = None
) -> None:
    """Remember an attempt. A success ends the account's run of failures; the address's failures still count,
    so logging in to one's own account does not buy an attacker more guesses at others."""
    now = now or utcnow()
    if not succeeded:
        log.warning("failed login for %s from %s", email, address)
    session.add(LoginAttempt(email=email, address=address, succeeded=succeeded, created_at=now))
    # Old rows say nothing any more; pruning here keeps the table small without a scheduled job.
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < now - max(limit.window, dt.timedelta(days=1)))
    )
    session.flush()


def failures(session: Session, email: str) -> int:
    """Failed attempts for an account that are still remembered (for admins and tests)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))
        )
        or 0
    )
