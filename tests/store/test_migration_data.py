"""Migrations keep the data: on SQLite a batch migration re-creates a table, and the rows
that refer to it must survive (foreign keys off while migrating, store/migrations/env.py)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from jixiao.ingest import read_path
from jixiao.services import Services, demo
from jixiao.store.db import _alembic_config, make_engine, upgrade
from tests.conftest import SEED


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in ("target_table", "indicator", "goal", "actual_report", "actual_item")
            }
    finally:
        engine.dispose()


def test_sqlite_batch_migrations_keep_the_rows_that_refer_to_the_table(tmp_path: Path) -> None:
    """SQLite alters a table by copying it, dropping it and renaming the copy: with foreign
    keys on, the drop deleted every row referring to it ON DELETE CASCADE (0009 on
    target_table: all indicators, goals and actuals).  Down to 0008 and up again, nothing
    is lost."""
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    svc = Services.connect(url, upgrade=True)
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    svc.dispose()
    before = _counts(url)
    assert all(before.values()), before
    engine = make_engine(url)
    try:
        command.downgrade(_alembic_config(engine), "0008")
        assert _counts(url) == before
        upgrade(engine)
        assert _counts(url) == before
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()
