"""The editors' CMS under ``/beheer``: materials, their history, import/export, vocabularies and users."""

from . import materials, revisions, transfer, users, vocabularies, workflow  # noqa: F401  (they add routes)
from .blueprint import bp

__all__ = ["bp"]
