"""A separate Trefpunt process that rebuilds the index and holds still at its first progress report.

It prints ``progress DONE TOTAL`` when the rebuild first reports, then waits for a line on stdin before
going on: a test can kill it there, half way through writing the new generation, on any machine.
"""

from __future__ import annotations

import json
import sys

from trefpunt import create_app
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import get_engine


def main() -> None:
    app = create_app(json.loads(sys.argv[1]))
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)
        sys.stdin.readline()

    count = get_engine(app).rebuild(vocabulary, progress)
    print(f"rebuilt {count}", flush=True)


if __name__ == "__main__":
    main()
