"""Run the next queued import job in a process of its own, and stop half-way through its writing.

    python import_job_process.py DATABASE_URL STOP_AT

Prints "claimed" once it holds the job, and "stopped" when STOP_AT rows have been written; then it
waits for a line on stdin that never comes, in the middle of the import's transaction, to be killed.
"""

from __future__ import annotations

import sys

from sqlalchemy.orm import sessionmaker

from trefpunt.catalog import import_jobs
from trefpunt.db import make_engine


def main() -> None:
    url, stop_at = sys.argv[1], int(sys.argv[2])
    sessions = sessionmaker(make_engine(url), expire_on_commit=False)
    claimed = import_jobs.claim_next(sessions)
    assert claimed is not None
    print("claimed", flush=True)

    def progress(done: int, _total: int) -> None:
        if done == stop_at:
            print("stopped", flush=True)
            sys.stdin.readline()

    import_jobs.run(sessions, *claimed, progress=progress)


if __name__ == "__main__":
    main()
