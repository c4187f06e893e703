"""Alembic environment: migrations run on the engine jixiao hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jixiao.store.models import Base

config = context.config
target_metadata = Base.metadata


def _pragma(connection: Connection, state: str) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={state}")


def run() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from jixiao.store.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration re-creates a table (copy, drop, rename); with foreign keys
            # on, dropping it would delete the rows of every table that refers to it ON
            # DELETE CASCADE (all of a database's indicators when target_table is altered).
            # The pragma has no effect inside a transaction: set on the driver's connection
            # (in autocommit, see store.db) before SQLAlchemy begins one.
            _pragma(connection, "OFF")
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,
                    compare_type=True,
                )
                context.run_migrations()
        finally:
            if sqlite:
                _pragma(connection, "ON")


run()
