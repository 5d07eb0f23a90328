"""The search log: what public searchers look for and do not find, counted per day without personal data.

``models`` (the table), ``privacy`` (what of a query may be kept), ``counter`` (counting in memory, writing
in batches), ``store`` (the database side: add, purge, report) and ``web`` (the view decorator and each
process's flusher). What is logged, why and for how long is written down in the README ("Search log").
"""

from __future__ import annotations

import datetime as dt

from flask import Flask

from trefpunt.db import session_factory

from . import store


def purge_old_days(app: Flask, today: dt.date | None = None) -> int:
    """Delete the days past SEARCH_LOG_DAYS (all of them when logging is off); the rows deleted."""
    today = today or dt.datetime.now(dt.UTC).date()
    days = int(app.config["SEARCH_LOG_DAYS"])
    with session_factory(app)() as session:
        # Logging switched off (0 days) keeps nothing: what was logged before goes too.
        deleted = store.purge(session, today=today, keep_days=max(days, 0))
        session.commit()
    return deleted


# The worker purges at most this often; a day's rows age by a day, so once an hour is plenty.
PURGE_EVERY = dt.timedelta(hours=1)
_PURGED_KEY = "trefpunt.search_log_purged_at"


def purge_when_due(app: Flask) -> bool:
    """Purge old days if the last purge by this process was over an hour ago; True when it purged."""
    now = dt.datetime.now(dt.UTC)
    last = app.extensions.get(_PURGED_KEY)
    if last is not None and now - last < PURGE_EVERY:
        return False
    purge_old_days(app, now.date())
    app.extensions[_PURGED_KEY] = now
    return True
