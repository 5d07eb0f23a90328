"""GET-only pages for searchers: home, search, material page."""
