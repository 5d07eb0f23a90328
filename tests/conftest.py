"""Every test gets a fresh database (SQLite, and PostgreSQL when TREFPUNT_TEST_DATABASE_URL is set)
and a fresh index built from that database, as `trefpunt serve` builds one before serving (a search never
builds one itself): both are copies of templates made once per run."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from trefpunt import create_app, migrations, resources
from trefpunt.catalog.seed import seed, seed_vocabularies
from trefpunt.catalog.vocabulary import load_vocabulary
from trefpunt.db import make_engine

PG_ADMIN_URL = os.environ.get("TREFPUNT_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if PG_ADMIN_URL else [])]
DATA = resources.path("catalog_data")


@dataclass
class Templates:
    """Migrated databases to copy from, vocabularies only and the whole seed catalogue, with their indexes."""

    backend: str
    vocab_only: str
    seeded: str
    vocab_only_index: Path
    seeded_index: Path


def _fill(url: str, with_materials: bool) -> None:
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        if with_materials:
            seed(session, DATA)
        else:
            seed_vocabularies(session, DATA)
        session.commit()
    engine.dispose()


def _build_index(url: str, folder: Path) -> Path:
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url, "INDEX_DIR": str(folder)})
    with session_factory(app)() as session:
        vocabulary = load_vocabulary(session)
    get_engine(app).rebuild(vocabulary)
    get_engine(app).close()
    session_factory(app).kw["bind"].dispose()
    return folder


def another_server(app, index_dir: Path, **config):
    """Another server over ``app``'s database with an index of its own, built at start as `trefpunt serve`
    builds it."""
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine

    base = {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": app.config["DATABASE_URL"]}
    other = create_app({**base, "INDEX_DIR": str(index_dir), **config})
    with session_factory(other)() as session:
        get_engine(other).ensure(load_vocabulary(session))
    return other


_admin_engine = None


def _pg_admin():
    """One AUTOCOMMIT engine for CREATE/DROP DATABASE, disposed when the session ends."""
    global _admin_engine
    if _admin_engine is None:
        _admin_engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    return _admin_engine


def _pg_url(name: str) -> str:
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Templates]:
    result = {}
    folder = tmp_path_factory.mktemp("templates")
    vocab, seeded = folder / "vocab.sqlite3", folder / "seeded.sqlite3"
    _fill(f"sqlite:///{vocab}", False)
    _fill(f"sqlite:///{seeded}", True)
    result["sqlite"] = Templates(
        "sqlite",
        str(vocab),
        str(seeded),
        _build_index(f"sqlite:///{vocab}", folder / "vocab-index"),
        _build_index(f"sqlite:///{seeded}", folder / "seeded-index"),
    )
    created = []
    if PG_ADMIN_URL:
        suffix = uuid.uuid4().hex[:8]
        admin = _pg_admin()
        names = (f"tp_tpl_vocab_{suffix}", f"tp_tpl_seeded_{suffix}")
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                created.append(name)
        _fill(_pg_url(names[0]), False)
        _fill(_pg_url(names[1]), True)
        result["postgresql"] = Templates(
            "postgresql",
            *names,
            _build_index(_pg_url(names[0]), folder / "pg-vocab-index"),
            _build_index(_pg_url(names[1]), folder / "pg-seeded-index"),
        )
    yield result
    if created:
        with _pg_admin().connect() as connection:
            for name in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def new_database(templates: Templates, folder: Path, *, seeded: bool, request) -> str:
    """A fresh database copied from a template; dropped after the test."""
    source = templates.seeded if seeded else templates.vocab_only
    if templates.backend == "sqlite":
        target = folder / f"db-{uuid.uuid4().hex[:6]}.sqlite3"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    return new_pg_database(request, template=source)


def new_pg_database(request, *, template: str | None = None, prefix: str = "tp_test") -> str:
    """A PostgreSQL database of its own for one test (a copy of ``template``), dropped after it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with _pg_admin().connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))

    def drop():
        from trefpunt.searchlog import web as search_log

        # An app made inside the test (a restart, another server) may still hold search counts for it.
        search_log.close_all()
        with _pg_admin().connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    request.addfinalizer(drop)
    return _pg_url(name)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _make_app(templates, backend, tmp_path, request, *, seeded: bool, **config):
    template = templates[backend]
    url = new_database(template, tmp_path, seeded=seeded, request=request)
    instance = tmp_path / "instance"
    if instance.exists():  # a second app in the same test (an export imported elsewhere)
        instance = tmp_path / f"instance-{uuid.uuid4().hex[:6]}"
    shutil.copytree(
        template.seeded_index if seeded else template.vocab_only_index, instance / "index", symlinks=True
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": url,
            "INDEX_DIR": str(instance / "index"),
            **config,
        }
    )
    yield app
    from trefpunt.db import session_factory
    from trefpunt.search import get_engine
    from trefpunt.searchlog import web as search_log

    search_log.close(app)
    get_engine(app).close()
    session_factory(app).kw["bind"].dispose()


@pytest.fixture
def app(templates, backend, tmp_path, request):
    """The app over the seed catalogue."""
    yield from _make_app(templates, backend, tmp_path, request, seeded=True)


@pytest.fixture
def empty_app(templates, backend, tmp_path, request):
    """The app with vocabularies but no materials."""
    yield from _make_app(templates, backend, tmp_path, request, seeded=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    from trefpunt.db import session_factory

    with session_factory(app)() as session:
        yield session


@pytest.fixture
def vocabulary(session):
    return load_vocabulary(session)


@pytest.fixture
def find(app):
    """Search as the public does: ``find(q="digid", doelgroep=["ouderen"])`` -> SearchResult."""
    return _finder(app)


@pytest.fixture
def find_in_empty(empty_app):
    return _finder(empty_app)


def _finder(app):
    from trefpunt.db import session_factory
    from trefpunt.search import SearchRequest, get_engine

    def find(q: str = "", **args):
        with session_factory(app)() as session:
            vocabulary = load_vocabulary(session)
            params = {"q": [q], **{k: v if isinstance(v, list) else [v] for k, v in args.items()}}
            request = SearchRequest.from_args(params, vocabulary, per_page=args.pop("per_page", 20))
            return get_engine(app).search(session, request, vocabulary)

    return find


@pytest.fixture
def add_material(empty_app):
    """Store a material in the empty catalogue: ``add_material("titel", niveau=["a1"], ...)``."""
    from trefpunt.catalog.records import MaterialRecord, slugify
    from trefpunt.catalog.services import save_material
    from trefpunt.db import session_factory

    def add(title: str, *, summary: str = "Een leermiddel.", status: str = "published", **fields):
        text_fields = {
            k: fields.pop(k) for k in ("description", "provider", "url", "keywords") if k in fields
        }
        fields.setdefault("vaardigheid", ["taal-nt2"])
        fields.setdefault("kosten", ["gratis"])
        record = MaterialRecord(
            slug=slugify(title), title=title, summary=summary, status=status, facets=fields, **text_fields
        )
        with session_factory(empty_app)() as session:
            material = save_material(session, record, author="test")
            session.commit()
            return material

    return add
