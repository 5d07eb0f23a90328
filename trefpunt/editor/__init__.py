"""The editors' CMS under ``/beheer``: materials, history, import/export, vocabularies, synonyms, users,
review, link checks and the report of what searchers miss."""

# The modules are imported for their routes on the blueprint.
from . import (  # noqa: F401
    exchange,
    links,
    materials,
    review,
    revisions,
    search_report,
    synonyms,
    users,
    vocabularies,
    workflow,
)
from .blueprint import bp

__all__ = ["bp"]
