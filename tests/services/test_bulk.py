"""Bulk loading (SQLite and PostgreSQL): what ``jixiao synth`` loads is what the services
read, with the same facts the services compute, all or nothing, and the database goes on
working normally after it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from jixiao import synth
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Invalid, PermissionDenied, Services, bulk, oversight, tables
from jixiao.store.models import (
    AuditRow,
    TableFactRow,
    TableFindingRow,
    TargetTableRow,
    UnitRow,
)
from tests.conftest import SEED

CONFIG = synth.SynthConfig(units=12, projects_per_unit=3, years=(2024, 2025), seed=5)


def _items(config: synth.SynthConfig = CONFIG) -> list[bulk.Reported]:
    return [
        bulk.Reported(r.project, r.checkpoint, r.year_end, config.checkpoint_month)
        for r in synth.records(config)
    ]


def _facts(svc: Services) -> dict[tuple[str, int | None, str], tuple[Any, ...]]:
    """Every table's facts and findings, by unit, year and name (ids differ between loads)."""
    with svc.session() as s:
        rows = s.execute(
            select(UnitRow.name, TargetTableRow.fiscal_year, TargetTableRow.name, TableFactRow)
            .join(TargetTableRow, TargetTableRow.id == TableFactRow.table_id)
            .join(UnitRow, UnitRow.id == TargetTableRow.unit_id)
        ).all()
        codes: dict[int, list[tuple[str, int | None, str]]] = {}
        for table_id, code, position, message in s.execute(
            select(
                TableFindingRow.table_id,
                TableFindingRow.code,
                TableFindingRow.position,
                TableFindingRow.message,
            ).order_by(TableFindingRow.id)
        ):
            codes.setdefault(table_id, []).append((code, position, message))
        skip = {"table_id", "unit_id", "department_id", "computed_at"}
        return {
            (unit, year, name): (
                tuple(
                    getattr(fact, c.key)
                    for c in TableFactRow.__table__.columns
                    if c.key not in skip
                ),
                tuple(codes.get(fact.table_id, [])),
            )
            for unit, year, name, fact in rows
        }


def test_a_bulk_load_keeps_what_the_services_would(svc: Services) -> None:
    items = _items()
    result = bulk.load(svc.uow(), SYSTEM, items, svc.facts_settings())
    assert result.tables == len(items) == 12 * 3 * 2
    assert result.rows["indicator"] == sum(len(i.project.indicators) for i in items)
    loaded = _facts(svc)
    # the facts the services compute from what was stored are the same
    with svc.session() as s:
        oversight.forget_facts(s)
        assert oversight.refresh_missing(s, svc.facts_settings()) == len(items)
        s.commit()
    assert _facts(svc) == loaded
    # the summaries add up to the facts (a status filter reads the facts)
    f = oversight.Filter(year=2025)
    view = oversight.overview(svc.uow(), f)
    assert view.totals.projects == 12 * 3 and view.totals.evaluated == 12 * 3
    assert view == oversight.overview(svc.uow(), replace(f, status="approved"))
    assert oversight.findings(svc.uow(), f, code="JXW04")[1] > 0  # last year feeds this year
    # one audit entry for the load; the stored tables read like any other
    with svc.session() as s:
        (after,) = s.execute(select(AuditRow.after).where(AuditRow.action == "bulk-load")).scalars()
        assert after["tables"] == len(items)
        table_id = s.execute(select(func.min(TargetTableRow.id))).scalar_one()
    detail = tables.get_table(svc.uow(), table_id)
    assert detail.status.value == "approved" and detail.indicators
    # ids and sequences moved on: a normal import works afterwards
    tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
    assert oversight.overview(svc.uow(), oversight.Filter(year=2023)).totals.projects == 8


def test_facts_computed_in_worker_processes_are_the_same(svc: Services, tmp_path: Any) -> None:
    other = Services.connect(f"sqlite:///{tmp_path / 'workers.db'}", upgrade=True)
    try:
        bulk.load(svc.uow(), SYSTEM, _items(), svc.facts_settings())
        bulk.load(other.uow(), SYSTEM, _items(), other.facts_settings(), workers=2)
        assert _facts(other) == _facts(svc)
    finally:
        other.dispose()


def test_a_bad_load_leaves_nothing(svc: Services) -> None:
    items = _items()
    bad = [*items[:5], items[2]]  # the same table twice
    with pytest.raises(Invalid, match="已存在"):
        bulk.load(svc.uow(), SYSTEM, bad, svc.facts_settings())
    with pytest.raises(PermissionDenied):
        bulk.load(svc.uow(), Actor("renda", Role.CONGRESS), items, svc.facts_settings())
    with svc.session() as s:
        for model in (TargetTableRow, TableFactRow, UnitRow):
            assert s.execute(select(func.count()).select_from(model)).scalar_one() == 0


def test_values_are_stored_as_the_interchange_writes_them() -> None:
    """The loader's direct JSON of a value is the jixiao/1 object value_to_dict gives."""
    from jixiao.interchange import value_to_dict
    from jixiao.store.bulk import dumps

    seen = 0
    for item in _items():
        values = [v for i in item.project.indicators for v in (i.half_year, i.full_year)]
        for report in (item.half, item.full):
            assert report is not None
            values += [v for a in report.indicators for v in (a.value, a.forecast)]
        for value in values:
            assert bulk._value_json(value) == dumps(value_to_dict(value))
            seen += value is not None
    assert seen > 1000


def test_a_bulk_load_records_the_audited_state_of_every_table(svc: Services) -> None:
    """The load signs every table's state with its audit entry, in its own transaction:
    ``jixiao audit verify`` checks them at once (no ``checkpoint --adopt``), and a row
    changed with SQL afterwards is reported with its table."""
    from sqlalchemy import text

    from jixiao.services import audit, trail
    from jixiao.store.models import AuditStateRow

    items = _items()
    bulk.load(svc.uow(), SYSTEM, items, svc.facts_settings())
    report = audit.verify_states(svc.uow())
    assert report.ok, report.problems[:3]
    assert report.checked == len(items)
    assert audit.verify_chain(svc.uow()).ok
    with svc.session() as s:
        (load_seq,) = s.execute(
            select(AuditRow.seq).where(AuditRow.action == "bulk-load")
        ).scalars()
        states = {r.table_id: r for r in s.execute(select(AuditStateRow)).scalars()}
        assert {r.seq for r in states.values()} == {load_seq}
        # the batched digests are the one-table digests (actuals and their items included)
        ids = sorted(states)
        assert trail.table_states(s, ids) == {t: trail.table_state(s, t) for t in ids}
        table_id, name = s.execute(
            select(TargetTableRow.id, TargetTableRow.name).order_by(TargetTableRow.id.desc())
        ).first()  # type: ignore[misc]
    with svc.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE actual_item SET value = NULL WHERE id = (SELECT min(i.id) FROM "
                "actual_item i JOIN actual_report r ON r.id = i.report_id WHERE r.table_id = :t)"
            ),
            {"t": table_id},
        )
    changed = audit.verify_states(svc.uow())
    assert [(p.table_id, p.name) for p in changed.problems] == [(table_id, name)]
    assert "在 jixiao 之外被修改" in changed.problems[0].problem
