"""Actuals' money in 元 (migration 0010): a report's 年初预算数, 全年预算数 and 执行数 are kept
as exact decimals in 元 with the unit they were given in, as the target tables' funds; a
report stored before (floats in 万元) reads back the same after the upgrade, and the
downgrade gives the old figures back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from alembic import command
from sqlalchemy import text

from jixiao.ingest import read_path
from jixiao.services import Services, actuals, demo, tables
from jixiao.store.db import _alembic_config, make_engine, upgrade
from tests.conftest import SEED

ACTIVITIES = "代表活动经费"  # year end: 全年预算数 120, 执行数 98 (万元)


def _stored(url: str, table_id: int) -> tuple[object, ...]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            columns = "budget, executed, budget_initial"
            row = conn.execute(
                text(
                    f"SELECT {columns} FROM actual_report "
                    "WHERE table_id = :t AND period = 'full_year'"
                ),
                {"t": table_id},
            ).one()
            return tuple(row)
    finally:
        engine.dispose()


def test_reports_stored_in_wan_read_the_same_in_yuan(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    svc = Services.connect(url, upgrade=True)
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    summaries, _ = tables.list_tables(svc.uow(), tables.TableFilter(q=ACTIVITIES))
    tid = next(s.id for s in summaries if s.name == ACTIVITIES)
    before = actuals.report(svc.uow(), tid, "full_year")
    assert before is not None and (before.budget, before.executed) == (120, 98)
    assert before.money_unit == "万元"
    score = actuals.evaluate_table(svc.uow(), tid).score
    svc.dispose()

    budget, executed, _ = _stored(url, tid)
    assert (Decimal(str(budget)), Decimal(str(executed))) == (Decimal(1_200_000), Decimal(980_000))

    # As stored before 0010: floats in 万元, no unit.
    engine = make_engine(url)
    try:
        command.downgrade(_alembic_config(engine), "0009")
    finally:
        engine.dispose()
    assert _stored(url, tid)[:2] == (120.0, 98.0)

    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    svc = Services.connect(url)
    try:
        after = actuals.report(svc.uow(), tid, "full_year")
        assert after == before
        assert after is not None and after.money_unit == "万元"
        assert actuals.evaluate_table(svc.uow(), tid).score == score
    finally:
        svc.dispose()
