"""Oversight facts kept per table and the views over them (SQLite and PostgreSQL).

Every fact row is compared with :func:`jixiao.domain.oversight.table_facts` computed in the
test from the same targets and actuals; the views' counts and sums with the facts summed in
Python.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from jixiao.domain.actuals import pair
from jixiao.domain.monitoring import MonitoringConfig
from jixiao.domain.oversight import size_class, table_facts
from jixiao.domain.values import parse_value
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.interchange.actuals import load_actuals
from jixiao.services import SYSTEM, Invalid, Services, actuals, demo, oversight, tables
from jixiao.store.models import TableFactRow, TableFindingRow, TargetTableRow
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
DEPARTMENT = "无锡市人大常委会"
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
YEAR = 2023


def _example(period: str) -> Any:
    data = json.loads((EXAMPLES / f"seed-actuals-2023-{period}.json").read_text("utf-8"))
    return load_actuals(data, where=f"{period}.json")


@pytest.fixture
def loaded(svc: Services) -> Services:
    """The seed approved, with the example checkpoint and year-end actuals."""
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    return svc


def _facts(svc: Services) -> dict[str, TableFactRow]:
    with svc.session() as s:
        rows = s.execute(
            select(TargetTableRow.name, TableFactRow).join(
                TableFactRow, TableFactRow.table_id == TargetTableRow.id
            )
        ).all()
        return {name: fact for name, fact in rows}  # noqa: C416 (rows of two columns)


def test_every_change_keeps_the_facts_as_the_domain_computes_them(loaded: Services) -> None:
    seed = read_path(SEED)
    half, full = _example("half-year"), _example("full-year")
    halves = {a.project: a for a in half.projects}
    fulls = {a.project: a for a in full.projects}
    kept = _facts(loaded)
    assert len(kept) == len(seed.projects) + len(seed.overall_targets)
    config = MonitoringConfig(month=half.month or 6)
    for project in seed.projects:
        expected = table_facts(
            project, half=halves.get(project.name), full=fulls[project.name], monitoring=config
        )
        row = kept[project.name]
        assert (row.fiscal_year, row.kind, row.status) == (YEAR, "project", "approved")
        assert row.review_grade == expected.review_grade.value
        assert row.findings == expected.review_errors + expected.review_warnings
        assert row.indicators == len(project.indicators)
        assert row.size_class == size_class(project.funds.total if project.funds else None)
        cp = expected.checkpoint
        if cp is None:
            assert row.month is None and row.execution_light is None
        else:
            assert (row.month, row.execution_light, row.red, row.yellow, row.green) == (
                cp.month,
                cp.light.value,
                cp.red,
                cp.yellow,
                cp.green,
            )
            assert row.time_adjusted == pytest.approx(cp.time_adjusted)
        ye = expected.year_end
        assert ye is not None
        assert (row.score, row.grade, row.shortfalls) == (ye.score, ye.grade.value, ye.shortfalls)
        assert row.warnings == len(expected.warnings)
    overall = kept[UNIT]  # the overall table is named after its unit
    assert overall.kind == "overall" and overall.score is not None

    # a checkpoint change is kept in the same transaction
    red = next(n for n, r in kept.items() if r.execution_light == "red")
    table_id = kept[red].table_id
    report = actuals.report(loaded.uow(), table_id, "half_year")
    assert report is not None
    actuals.save_report(loaded.uow(), UNIT_ACTOR, table_id, replace(report, executed=report.budget))
    after = _facts(loaded)[red]
    assert after.execution_light == "green" and after.half_rate == pytest.approx(100)
    with loaded.session() as s:
        codes = set(
            s.execute(select(TableFindingRow.code).where(TableFindingRow.table_id == table_id))
            .scalars()
            .all()
        )
    assert "JXW01" not in codes and "JXM2" not in codes
    # the unit's summary followed in the same transaction
    f = oversight.Filter(year=YEAR)
    assert oversight.overview(loaded.uow(), f) == oversight.overview(
        loaded.uow(), replace(f, status="approved")
    )


def test_facts_go_with_their_table_and_can_be_rebuilt(loaded: Services) -> None:
    with loaded.session() as s:
        before = {
            r.table_id: (r.score, r.findings, r.red)
            for r in s.execute(select(TableFactRow)).scalars()
        }
        findings = s.execute(select(func.count()).select_from(TableFindingRow)).scalar_one()
        s.execute(delete(TableFindingRow))
        s.execute(delete(TableFactRow))
        s.commit()
    with loaded.session() as s:
        assert oversight.refresh_missing(s) == len(before)
        s.commit()
    with loaded.session() as s:
        again = {
            r.table_id: (r.score, r.findings, r.red)
            for r in s.execute(select(TableFactRow)).scalars()
        }
        assert again == before
        assert s.execute(select(func.count()).select_from(TableFindingRow)).scalar_one() == findings


def test_the_overview_counts_what_the_facts_hold(loaded: Services) -> None:
    kept = [r for r in _facts(loaded).values() if r.kind == "project"]
    f = oversight.Filter(year=YEAR)
    view = oversight.overview(loaded.uow(), f)
    t = view.totals
    assert (t.units, t.projects) == (1, len(kept))
    assert t.indicators == sum(r.indicators for r in kept)
    assert t.red == sum(r.red for r in kept) and t.green == sum(r.green for r in kept)
    assert t.monitored == sum(1 for r in kept if r.month is not None)
    assert t.half_executed == pytest.approx(sum(r.half_executed or 0 for r in kept))
    assert t.evaluated == len(kept)
    assert t.mean_score == pytest.approx(sum(r.score or 0 for r in kept) / len(kept), abs=0.01)
    assert sum(view.grades.values()) == len(kept)
    assert sum(view.review_grades.values()) == len(kept)
    assert sum(n for _, n in view.scores) == len(kept)
    assert view.execution_lights == {
        light: sum(1 for r in kept if r.execution_light == light)
        for light in {r.execution_light for r in kept if r.execution_light}
    }
    # the per-unit summary and the facts give the same (a status filter reads the facts)
    assert oversight.overview(loaded.uow(), replace(f, status="approved")) == view
    assert oversight.groups(loaded.uow(), replace(f, status="approved"), "unit") == (
        oversight.groups(loaded.uow(), f, "unit")
    )
    # filters: the department and unit give the same; another department nothing
    for narrower in (replace(f, department=DEPARTMENT), replace(f, unit=UNIT)):
        assert oversight.overview(loaded.uow(), narrower).totals == t
    empty = oversight.overview(loaded.uow(), replace(f, department="某某局"))
    assert empty.totals.projects == 0 and empty.totals.mean_score is None
    (group,) = oversight.groups(loaded.uow(), f, "department")
    assert (group.key, group.totals) == (DEPARTMENT, t)
    (unit,) = oversight.groups(loaded.uow(), f, "unit")
    assert (unit.key, unit.department, unit.totals) == (UNIT, DEPARTMENT, t)


def test_rankings_findings_and_warnings(loaded: Services) -> None:
    kept = [r for r in _facts(loaded).values() if r.kind == "project"]
    f = oversight.Filter(year=YEAR)
    lagging, total = oversight.projects(loaded.uow(), f, order="lagging", limit=3)
    monitored = sorted(
        (r for r in kept if r.time_adjusted is not None), key=lambda r: r.time_adjusted
    )
    assert total == len(monitored)
    assert [p.table_id for p in lagging] == [r.table_id for r in monitored[:3]]
    low, _ = oversight.projects(loaded.uow(), f, order="low-score", limit=1)
    assert low[0].score == min(r.score for r in kept if r.score is not None)
    with pytest.raises(Invalid):
        oversight.projects(loaded.uow(), f, order="random")

    with loaded.session() as s:
        stored = s.execute(
            select(TableFindingRow.code, TableFindingRow.table_id)
            .join(TargetTableRow, TargetTableRow.id == TableFindingRow.table_id)
            .where(TargetTableRow.kind == "project")
        ).all()
    by_code = oversight.findings_by_code(loaded.uow(), f)
    assert {c.code: c.count for c in by_code} == {
        code: sum(1 for c, _ in stored if c == code) for code in {c for c, _ in stored}
    }
    assert [c.count for c in by_code] == sorted((c.count for c in by_code), reverse=True)
    warnings, n = oversight.findings(loaded.uow(), f, source="warning")
    assert n == sum(1 for c, _ in stored if c.startswith("JXW")) > 0
    assert all(w.code.startswith("JXW") and w.message for w in warnings)
    red = [w for w in warnings if w.code == "JXW02"]
    assert red and all(w.position is not None and w.indicator for w in red)


def test_year_over_year_finds_targets_below_last_years_actual(loaded: Services) -> None:
    """Next year's table of a project with a target below this year's actual: JX310 and
    the early warning JXW04, also when this year's actual arrives after the new table."""
    seed = read_path(SEED)
    project = seed.projects[0]
    full = _example("full-year")
    actual = next(a for a in full.projects if a.project == project.name).indicators[0]
    assert actual.value is not None and actual.value.value is not None
    low = f"≥{int(actual.value.value) - 10}{actual.value.unit}"
    first = replace(project.indicators[0], full_year=parse_value(low), half_year=None)
    nxt = replace(project, fiscal_year=YEAR + 1, indicators=(first, *project.indicators[1:]))
    doc = replace(seed, fiscal_year=YEAR + 1, projects=(nxt,), overall_targets=(), source=None)
    tables.import_document(loaded.uow(), SYSTEM, doc)
    f = oversight.Filter(year=YEAR + 1)
    warnings, n = oversight.findings(loaded.uow(), f, code="JXW04")
    # the lowered target, and the seed's own ≥90% satisfaction below last year's 95%
    assert (project.name, first.name, 0) in [(w.project, w.indicator, w.position) for w in warnings]
    assert n == len(warnings) == 2
    (unit,), total = oversight.year_over_year(loaded.uow(), f)
    assert total == 1 and unit.unit == UNIT and unit.below_last_year == 2
    assert unit.score is None  # no actuals yet in the new year
    assert (
        unit.score_before
        == oversight.overview(loaded.uow(), oversight.Filter(year=YEAR)).totals.mean_score
    )

    # last year's actual corrected below the new target: the refresh reaches the new year
    with loaded.session() as session:
        this_year = session.execute(
            select(TargetTableRow.id).where(
                TargetTableRow.name == project.name, TargetTableRow.fiscal_year == YEAR
            )
        ).scalar_one()
    report = actuals.report(loaded.uow(), this_year, "full_year")
    assert report is not None
    lower = replace(
        report.indicators[0],
        value=parse_value(f"{int(actual.value.value) - 20}{actual.value.unit}"),
    )
    actuals.save_report(
        loaded.uow(),
        UNIT_ACTOR,
        this_year,
        replace(report, indicators=(lower, *report.indicators[1:])),
    )
    left, _ = oversight.findings(loaded.uow(), f, code="JXW04")
    assert [w.indicator for w in left] == [w.indicator for w in warnings if w.position != 0]


def test_pair_of_examples_is_complete() -> None:
    """The fixtures above rely on every seed project having year-end actuals."""
    seed = read_path(SEED)
    assert len(list(pair(seed.projects, _example("full-year")))) == len(seed.projects)


def test_a_workflow_step_changes_only_the_status_of_the_facts(loaded: Services) -> None:
    kept = _facts(loaded)
    name = next(n for n, r in kept.items() if r.kind == "project")
    before = kept[name]
    finance = Actor("caizheng", Role.FINANCE)
    tables.adjust(loaded.uow(), finance, before.table_id, "年中调整")
    after = _facts(loaded)[name]
    assert after.status == "draft" and before.status == "approved"
    assert (after.score, after.findings, after.red) == (before.score, before.findings, before.red)
    drafts = oversight.overview(loaded.uow(), oversight.Filter(year=YEAR, status="draft"))
    assert drafts.totals.projects == 1
