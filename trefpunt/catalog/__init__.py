"""The catalogue: the truth. Models, vocabularies, use cases, seed loading, import and export.

Knows nothing of Flask requests, forms or the search index.
"""

# The journal's flush listener must be registered wherever a material can be saved.
from . import journal  # noqa: E402,F401
