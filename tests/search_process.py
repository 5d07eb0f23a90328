"""A separate Trefpunt process for index tests, driven line by line over stdin/stdout.

search WORDS       -> prints the total of a public search
edit SLUG WORDS    -> appends WORDS to the material's summary and commits; prints its version
quit
"""

from __future__ import annotations

import json
import sys

from trefpunt import create_app
from trefpunt.catalog.services import get_material, record_of, save_material
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory
from trefpunt.search import SearchRequest, get_engine


def main() -> None:
    app = create_app(json.loads(sys.argv[1]))
    sessions = session_factory(app)
    with sessions() as session:
        get_engine(app).ensure(load_vocabulary(session))  # as `trefpunt serve` does before serving
    print("ready", flush=True)
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        with sessions() as session:
            vocabulary = load_vocabulary(session)
            if command == "search":
                request = SearchRequest.from_args({"q": [rest]}, vocabulary)
                print(get_engine(app).search(session, request, vocabulary).total, flush=True)
            elif command == "edit":
                slug, _, words = rest.partition(" ")
                record = record_of(get_material(session, slug), vocabulary)
                record.summary = f"{record.summary} {words}"
                material = save_material(session, record, author="proces", original_slug=slug)
                session.commit()
                print(material.version, flush=True)
            elif command == "quit":
                return


if __name__ == "__main__":
    main()
