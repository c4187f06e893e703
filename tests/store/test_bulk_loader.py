"""The bulk loader's foreign keys on PostgreSQL: dropped for a load into an empty store and
added back, checked, at the end; a load that breaks one or fails midway leaves every key
in place and no row behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import IntegrityError

from jixiao.store.bulk import Loader
from jixiao.store.models import DepartmentRow, UnitRow

# (keys are dropped for a load on PostgreSQL only)
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

# COPY's own error (the key checked per row) comes from the driver, not SQLAlchemy
Refused = (IntegrityError, psycopg.IntegrityError)


@pytest.fixture
def pg(db_url: str) -> Iterator[Engine]:
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def _keys(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as c:
        return {
            (str(table), str(name))
            for table, name in c.execute(
                text(
                    "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                    "WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
                )
            )
        }


def _table(loader: Loader, unit_id: int, name: str) -> int:
    now = datetime.now(UTC)
    table_id = loader.next_id("target_table")
    row = (table_id, "project", unit_id, 2025, name, None, None, None, None, None, None, None)
    loader.add("target_table", (*row, "万元", "", "", "approved", 1, 1, now, now))
    return table_id


def _indicator(loader: Loader, table_id: int) -> None:
    row = (loader.next_id("indicator"), table_id, 0, "产出指标", "数量指标", "人次")
    values = (None, None, None, '{"text":"≥1人次"}', None)
    loader.add("indicator", (*row, *values, None, None, None, "", "", "", "", 1))


def _school(loader: Loader) -> int:
    """A department, a unit and one table; the table's id."""
    loader.add("department", (loader.next_id("department"), "市教育局"))
    loader.add("unit", (loader.next_id("unit"), "市第一中学", 1))
    return _table(loader, 1, "课后服务")


def _broken(engine: Engine, *, first: bool) -> None:
    """A load whose indicator names a table that does not exist (with or without the
    stored school of ``first``); the flush in the middle writes the rows so far."""
    with engine.begin() as c:
        loader = Loader(c)
        if first:
            _school(loader)
        _indicator(loader, 99)
        loader.flush()
        loader.finish()


def _interrupted(engine: Engine) -> None:
    with engine.begin() as c:
        loader = Loader(c)
        _school(loader)
        loader.flush()
        raise RuntimeError("the source broke off")


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(model)).scalar_one())


def test_keys_are_dropped_for_a_load_into_an_empty_store_and_come_back(pg: Engine) -> None:
    before = _keys(pg)
    assert ("indicator", "fk_indicator_table_id_target_table") in before
    with pg.begin() as c:
        loader = Loader(c)
        inside = set(
            c.execute(
                text(
                    "SELECT conname FROM pg_constraint "
                    "WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
                )
            ).scalars()
        )
        assert "fk_indicator_table_id_target_table" not in inside  # dropped for the load
        _indicator(loader, _school(loader))
        written = loader.finish()
    assert written["indicator"] == 1
    assert _keys(pg) == before


def test_a_row_that_breaks_a_dropped_key_fails_the_load(pg: Engine) -> None:
    before = _keys(pg)
    with pytest.raises(Refused, match="fk_indicator_table_id_target_table"):
        _broken(pg, first=True)  # refused when the key comes back, in finish
    assert _keys(pg) == before
    assert _count(pg, DepartmentRow) == 0


def test_a_load_that_fails_midway_rolls_back_with_the_keys(pg: Engine) -> None:
    before = _keys(pg)
    with pytest.raises(RuntimeError, match="broke off"):
        _interrupted(pg)
    assert _keys(pg) == before
    assert _count(pg, DepartmentRow) == 0


def test_a_load_into_a_store_with_tables_keeps_its_keys(pg: Engine) -> None:
    with pg.begin() as c:
        loader = Loader(c)
        _school(loader)
        loader.finish()
    # a table is stored: the keys stay and refuse the row when it is written (the flush)
    with pytest.raises(Refused, match="fk_indicator_table_id_target_table"):
        _broken(pg, first=False)
    assert _count(pg, UnitRow) == 1
