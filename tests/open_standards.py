"""What the open-standards tests share: the app served on loopback, and editors' changes made meanwhile."""

from __future__ import annotations

import datetime as dt
import urllib.request
from dataclasses import dataclass

from sqlalchemy import select, update

from tests.browser.conftest import LiveServer
from trefpunt.catalog.models import Material, Status
from trefpunt.catalog.services import get_material, record_of, save_material, set_status
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import session_factory

# Long before the tests run: the seed catalogue is dated here, so "changed since" means changed by the test.
LONG_AGO = dt.datetime(2020, 1, 1, 12, 0, 0)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> Answer:
    """One HTTP request, as any client sends it; a 304 or 4xx is an answer too, not an exception."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, dict(error.headers), error.read())


def date_the_catalogue(app, when: dt.datetime = LONG_AGO) -> None:
    """Every material last changed at ``when`` (before anything is served: no journal row is written)."""
    with session_factory(app)() as session:
        session.execute(update(Material).values(updated_at=when))
        session.commit()


def edit_summary(app, slug: str, summary: str) -> None:
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        record = record_of(get_material(session, slug), vocabulary)
        record.summary = summary
        save_material(session, record, author="redacteur", original_slug=slug)
        session.commit()


def edit_title(app, slug: str, title: str) -> None:
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
        record = record_of(get_material(session, slug), vocabulary)
        record.title = title
        save_material(session, record, author="redacteur", original_slug=slug)
        session.commit()


def change_status(app, slug: str, status: Status) -> None:
    with session_factory(app)() as session:
        set_status(session, slug, status, author="redacteur")
        session.commit()


def material_ids(app, *statuses: Status) -> dict[str, int]:
    """Slug -> id of the materials with one of ``statuses``."""
    with session_factory(app)() as session:
        rows = session.execute(select(Material.slug, Material.id).where(Material.status.in_(statuses)))
        return {slug: material_id for slug, material_id in rows}


def slugs_by_id(app) -> dict[int, str]:
    with session_factory(app)() as session:
        rows = session.execute(select(Material.id, Material.slug))
        return {material_id: slug for material_id, slug in rows}


__all__ = ["LiveServer", "fetch"]
