"""The small fixed set of exceptions the catalogue's use cases raise; views map them to HTTP."""

from __future__ import annotations

from dataclasses import dataclass


class CatalogError(Exception):
    """Base of the domain errors."""


class NotFound(CatalogError):
    pass


class NotAllowed(CatalogError):
    pass


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; ``line`` is the file line for imports, else None."""

    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"regel {self.line}, " if self.line is not None else ""
        return f"{where}{self.field}: {self.message}"


class ValidationError(CatalogError):
    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:10]))


class Conflict(CatalogError):
    """Somebody else saved the material since it was opened; carries the stored version."""

    def __init__(self, message: str, current_version: int | None = None):
        self.current_version = current_version
        super().__init__(message)
