"""The migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from jixiao.store.db import head_revision, is_current, make_engine, upgrade
from jixiao.store.models import Base


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert is_current(engine)
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
        names = set(inspect(engine).get_table_names())
        assert {"target_table", "indicator", "goal", "audit_log", "app_user"} <= names
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert is_current(engine)
        assert head_revision() is not None
    finally:
        engine.dispose()
