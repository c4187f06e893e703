"""Shared fixtures: the real documents the tests read, and real databases.

``db_url`` gives each test a freshly migrated database on SQLite *and* on the PostgreSQL
server at 127.0.0.1:5432 (``JIXIAO_TEST_PG_URL`` names the admin connection).  Both are
cloned from a template migrated once per session.  PostgreSQL being down is an error, not
a skip: CI must run these tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed" / "000_782886cd0aa7e389.txt"
SEED_LAYOUT = FIXTURES / "seed_layout"

PG_ADMIN_URL = os.environ.get(
    "JIXIAO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session", autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The audit key and anchors of the tests' databases live in a folder of the session
    (never the user's data folder); subprocesses inherit it."""
    if os.environ.get("JIXIAO_DATA_DIR"):
        yield
        return
    os.environ["JIXIAO_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    yield
    os.environ.pop("JIXIAO_DATA_DIR", None)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jixiao.store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _pg_admin():  # type: ignore[no-untyped-def]
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str]:
    from jixiao.store.db import make_engine, upgrade

    admin = _pg_admin()
    name = f"jixiao_tmpl_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem, say so loudly
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is needed for these tests: {exc}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "jixiao.db"
        shutil.copy(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("_pg_template")
    name = f"jixiao_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def svc(db_url: str) -> Iterator[object]:
    """Services bound to a fresh database (typed loosely to keep this module import-light)."""
    from jixiao.services import Services

    services = Services.connect(db_url)
    yield services
    services.dispose()
