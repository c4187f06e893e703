"""Loading many approved project tables with their actuals at once (synthetic data sets for
demos and benchmarks, a province's tables from another system): one transaction, rows
written by COPY on PostgreSQL (:mod:`jixiao.store.bulk`), the oversight facts computed on
the way, one audit entry for the whole load.

The tables come as :class:`Reported` items, a project's earlier years before its later ones
(last year's actuals feed this year's early warnings).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, text

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Project
from jixiao.domain.oversight import TableFacts, table_facts
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import Action, Actor, Status
from jixiao.interchange import value_to_dict
from jixiao.services import tables
from jixiao.services.errors import Invalid
from jixiao.services.oversight import (
    Settings,
    TableKey,
    fact_row,
    finding_rows,
    rebuild_summaries,
)
from jixiao.services.uow import UnitOfWork
from jixiao.store.bulk import COLUMNS, Loader, dumps
from jixiao.store.models import DepartmentRow, TargetTableRow, UnitRow

__all__ = ["LoadResult", "Reported", "load"]


@dataclass(frozen=True, slots=True)
class Reported:
    """A project's approved targets with what was reported at the checkpoint (``month``)
    and at year end."""

    project: Project
    half: ProjectActuals | None = None
    full: ProjectActuals | None = None
    month: int = 6


@dataclass
class LoadResult:
    rows: dict[str, int] = field(default_factory=dict)  # written per table
    tables: int = 0
    seconds_facts: float = 0.0  # spent computing the facts (domain)


@functools.lru_cache(maxsize=65536)
def _value(value: TargetValue | None) -> str | None:
    return dumps(value_to_dict(value))


def _value_json(value: TargetValue | None) -> str | None:
    # the cache keys on the value (its source is not compared): synthetic values carry none
    if value is not None and value.source is not None:
        return dumps(value_to_dict(value))
    return _value(value)


def load(
    uow: UnitOfWork,
    actor: Actor,
    items: Iterable[Reported],
    config: Settings,
    *,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load the tables as approved, with their actuals and facts, all or nothing.

    A table that already exists (same unit, year and name) refuses the whole load
    (:class:`Invalid`), as does a project without a unit or year.  ``progress(n)`` is
    called with the number of tables loaded so far, every few hundred.
    """
    import time

    tables._require(actor, Action.IMPORT)
    result = LoadResult()
    with uow:
        session = uow.session
        loader = Loader(session.connection())
        departments: dict[str, int] = dict(
            session.execute(select(DepartmentRow.name, DepartmentRow.id)).all()
        )
        units: dict[str, tuple[int, int | None]] = {
            name: (uid, dep)
            for name, uid, dep in session.execute(
                select(UnitRow.name, UnitRow.id, UnitRow.department_id)
            )
        }
        existing = {
            (u, y, n)
            for u, y, n in session.execute(
                select(TargetTableRow.unit_id, TargetTableRow.fiscal_year, TargetTableRow.name)
            )
        }
        previous: dict[tuple[str, str, int], tuple[Project, ProjectActuals]] = {}
        loaded: set[tuple[int, int]] = set()  # (unit id, year): their summaries
        now = datetime.now(UTC)
        for item in items:
            project = item.project
            if not project.unit or project.fiscal_year is None:
                raise Invalid(f"项目“{project.name}”没有预算单位或年度，无法批量导入", "items")
            department_id = None
            if project.department:
                department_id = departments.get(project.department)
                if department_id is None:
                    department_id = loader.next_id("department")
                    loader.add("department", (department_id, project.department))
                    departments[project.department] = department_id
            known = units.get(project.unit)
            if known is None:
                known = (loader.next_id("unit"), department_id)
                loader.add("unit", (known[0], project.unit, department_id))
                units[project.unit] = known
            unit_id, unit_department = known
            key = (unit_id, project.fiscal_year, project.name)
            if key in existing:
                raise Invalid(
                    f"{project.unit} {project.fiscal_year} 年度的项目“{project.name}”已存在，"
                    "批量导入未进行",
                    "items",
                )
            existing.add(key)
            table_id = loader.next_id("target_table")
            funds = project.funds
            loader.add(
                "target_table",
                (
                    table_id,
                    tables.PROJECT,
                    unit_id,
                    project.fiscal_year,
                    project.name,
                    project.department,
                    project.start_year,
                    project.end_year,
                    funds.total if funds else None,
                    funds.fiscal if funds else None,
                    funds.carryover if funds else None,
                    funds.other if funds else None,
                    Status.APPROVED.value,
                    1,
                    1,
                    now,
                    now,
                ),
            )
            indicator_ids: dict[str, int] = {}
            for position, i in enumerate(project.indicators):
                indicator_id = loader.next_id("indicator")
                indicator_ids.setdefault(i.name, indicator_id)
                loader.add(
                    "indicator",
                    (
                        indicator_id,
                        table_id,
                        position,
                        i.level1,
                        i.level2,
                        i.name,
                        i.level1_label,
                        i.level2_label,
                        _value_json(i.half_year),
                        _value_json(i.full_year),
                        _value_json(i.long_term),
                        1,
                    ),
                )
            for report, month in ((item.half, item.month), (item.full, None)):
                if report is None:
                    continue
                report_id = loader.next_id("actual_report")
                loader.add(
                    "actual_report",
                    (
                        report_id,
                        table_id,
                        report.period.value,
                        month,
                        report.budget_initial,
                        report.budget,
                        report.executed,
                        report.execution_reason,
                        actor.username,
                        now,
                        1,
                    ),
                )
                for a in report.indicators:
                    target = indicator_ids.get(a.indicator)
                    if target is None:
                        raise Invalid(
                            f"项目“{project.name}”的完成情况中的指标“{a.indicator}”不在目标表中",
                            "items",
                        )
                    deviation = a.deviation
                    loader.add(
                        "actual_item",
                        (
                            loader.next_id("actual_item"),
                            report_id,
                            target,
                            _value_json(a.value),
                            _value_json(a.forecast),
                            a.likelihood.value if a.likelihood else None,
                            deviation.category.value if deviation and deviation.category else None,
                            deviation.text if deviation else "",
                            a.measures,
                            a.not_applicable,
                        ),
                    )
            started = time.perf_counter()
            before = previous.get((project.unit, project.name, project.fiscal_year - 1))
            monitoring = config.monitoring
            if item.half is not None and item.month != monitoring.month:
                from dataclasses import replace

                monitoring = replace(monitoring, month=item.month)
            facts = table_facts(
                project,
                half=item.half,
                full=item.full,
                previous=before,
                review=config.review,
                scheme=config.scheme,
                monitoring=monitoring,
            )
            result.seconds_facts += time.perf_counter() - started
            if item.full is not None:
                previous[(project.unit, project.name, project.fiscal_year)] = (project, item.full)
            table = TableKey(
                table_id,
                project.fiscal_year,
                tables.PROJECT,
                Status.APPROVED.value,
                unit_id,
                unit_department,
                funds.total if funds else None,
            )
            _facts(loader, table, facts, now)
            loaded.add((unit_id, project.fiscal_year))
            result.tables += 1
            if progress is not None and result.tables % 500 == 0:
                progress(result.tables)
        result.rows = loader.finish()
        rebuild_summaries(session, loaded)
        if loader.postgres:
            session.execute(text("ANALYZE unit_summary"))
        uow.audit(
            actor.username,
            "bulk-load",
            "database",
            "bulk",
            after={"tables": result.tables, "rows": result.rows},
        )
        uow.commit()
    if progress is not None:
        progress(result.tables)
    return result


def _facts(loader: Loader, key: TableKey, facts: TableFacts, now: datetime) -> None:
    values = {**fact_row(key, facts), "computed_at": now}
    loader.add("table_fact", tuple(values[c] for c in COLUMNS["table_fact"]))
    for finding in finding_rows(key, facts):
        values = {**finding, "id": loader.next_id("table_finding")}
        loader.add("table_finding", tuple(values[c] for c in COLUMNS["table_finding"]))
