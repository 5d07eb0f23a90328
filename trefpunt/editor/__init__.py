"""The editors' CMS under ``/beheer``: materials, history, import/export, vocabularies, synonyms, users."""

from . import exchange, materials, review, revisions, synonyms, users, vocabularies, workflow  # noqa: F401
from . import links  # noqa: F401  (routes)
from . import search_report  # noqa: F401  (routes)
from .blueprint import bp

__all__ = ["bp"]
