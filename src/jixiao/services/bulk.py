"""Loading many approved project tables with their actuals at once (synthetic data sets for
demos and benchmarks, a province's tables from another system): one transaction, rows
written by COPY on PostgreSQL (:mod:`jixiao.store.bulk`), the oversight facts computed on
the way, one audit entry for the whole load and the audited state of every table it
wrote (signed in the same transaction, as any write's).

The tables come as :class:`Reported` items, a project's earlier years before its later ones
(last year's actuals feed this year's early warnings).
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing import get_context
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Project
from jixiao.domain.money import DEFAULT_UNIT, to_yuan
from jixiao.domain.oversight import TableFacts, table_facts
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import Action, Actor, Status
from jixiao.interchange import value_to_dict
from jixiao.services import access, tables
from jixiao.services.errors import Invalid
from jixiao.services.oversight import (
    Settings,
    TableKey,
    fact_row,
    finding_rows,
    rebuild_summaries,
    wan,
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
    seconds_facts: float = 0.0  # CPU spent computing the facts (domain), in every process


@functools.lru_cache(maxsize=65536)
def _value(value: TargetValue) -> str | None:
    # the jixiao/1 object of a value without a source, as value_to_dict writes it (the
    # tests compare the two), built directly: the wire model costs more than COPY here
    return dumps(
        {
            "text": value.text,
            "kind": value.kind.value,
            "op": value.op.value if value.op is not None else None,
            "value": value.value,
            "unit": value.unit,
            "start": value.start,
            "end": value.end,
            "grade": value.grade,
            "reason": value.reason,
            "source": None,
        }
    )


def _value_json(value: TargetValue | None) -> str | None:
    if value is None:
        return None
    if value.source is not None:  # (the cache keys on the value, which ignores its source)
        return dumps(value_to_dict(value))
    return _value(value)


@dataclass(frozen=True, slots=True)
class _Task:
    """What computing one table's facts needs (picklable, for worker processes)."""

    project: Project
    half: ProjectActuals | None
    full: ProjectActuals | None
    previous: tuple[Project, ProjectActuals] | None
    month: int


_SETTINGS: Settings | None = None  # in a worker process: the settings it was started with


def _use(config: Settings) -> None:
    global _SETTINGS
    _SETTINGS = config


def _compute_here(tasks: list[_Task]) -> tuple[list[TableFacts], float]:
    assert _SETTINGS is not None
    return _compute(tasks, _SETTINGS, _SHORT)


Shortfalls = dict[tuple[str | None, str, int | None], frozenset[str]]
# In a worker process (one pool per load): last year's shortfalls by (unit, project, year)
# as it computed them; a project's years come one after the other, mostly to one process.
_SHORT: Shortfalls = {}


def _compute(
    tasks: list[_Task], config: Settings, short: Shortfalls
) -> tuple[list[TableFacts], float]:
    """The facts of a batch of tables, and the CPU seconds spent (in this process); ``short``
    remembers each table's shortfalls for next year's table of the project."""
    started = time.process_time()
    found: list[TableFacts] = []
    if len(short) > 200_000:
        short.clear()
    for task in tasks:
        p = task.project
        year = p.fiscal_year
        known = short.get((p.unit, p.name, year - 1)) if year is not None else None
        monitoring = config.monitoring
        if task.half is not None and task.month != monitoring.month:
            monitoring = replace(monitoring, month=task.month)
        found.append(
            table_facts(
                task.project,
                half=task.half,
                full=task.full,
                previous=task.previous,
                previous_short=known if task.previous is not None else None,
                review=config.review,
                scheme=config.scheme,
                monitoring=monitoring,
            )
        )
        if task.full is not None:
            short[(p.unit, p.name, year)] = found[-1].short
    return found, time.process_time() - started


_WINDOW = 1000  # tables written while the facts of the window before are computed


def load(
    uow: UnitOfWork,
    actor: Actor,
    items: Iterable[Reported],
    config: Settings,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = 0,
) -> LoadResult:
    """Load the tables as approved, with their actuals and facts, all or nothing.

    A table that already exists (same unit, year and name) refuses the whole load
    (:class:`Invalid`), as does a project without a unit or year.  ``progress(n)`` is
    called with the number of tables loaded so far, every window.  ``workers`` > 0
    computes the facts in that many processes while this one writes the rows (windows of
    a thousand tables); 0 computes them here.
    """
    access.require(actor, Action.IMPORT)
    result = LoadResult()
    # What exists before the load (the caller's tables among it) is kept out of the
    # collector's sight until the end: full collections would walk it again and again,
    # and in the worker processes forked from this one they would copy every page of it
    # (Python's advice for forking; 66.8 s -> 59.2 s for 80,000 tables).
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    # Forked workers inherit the settings (they hold mapping proxies, which do not pickle).
    pool = (
        ProcessPoolExecutor(
            workers, mp_context=get_context("fork"), initializer=_use, initargs=(config,)
        )
        if workers > 0
        else None
    )
    try:
        with uow:
            session = uow.session
            writer = _Writer(session, actor)
            pending: tuple[list[TableKey], list[Future[tuple[list[TableFacts], float]]]] | None
            pending = None
            window: list[Reported] = []
            shortfalls: Shortfalls = {}  # (computing here)
            loaded_ids: list[int] = []

            def finish_window(keys: list[TableKey], futures: list[Any]) -> None:
                for future in futures:
                    facts, seconds = future.result()
                    result.seconds_facts += seconds
                    for key, found in zip(keys[: len(facts)], facts, strict=True):
                        _facts(writer.loader, key, found, writer.now)
                    keys = keys[len(facts) :]
                result.tables = writer.tables
                if progress is not None:
                    progress(result.tables - len(keys))

            def flush_window() -> None:
                nonlocal pending
                keys, tasks = writer.write(window)
                loaded_ids.extend(key.table_id for key in keys)
                window.clear()
                if pool is None:
                    facts, seconds = _compute(tasks, config, shortfalls)
                    result.seconds_facts += seconds
                    for key, found in zip(keys, facts, strict=True):
                        _facts(writer.loader, key, found, writer.now)
                    if progress is not None:
                        progress(writer.tables)
                    return
                size = -(-len(tasks) // workers)
                futures = [
                    pool.submit(_compute_here, tasks[k : k + size])
                    for k in range(0, len(tasks), size)
                ]
                if pending is not None:
                    finish_window(*pending)
                pending = (keys, futures)

            for item in items:
                window.append(item)
                if len(window) >= _WINDOW:
                    flush_window()
            if window:
                flush_window()
            if pending is not None:
                finish_window(*pending)
            result.tables = writer.tables
            result.rows = writer.loader.finish()
            rebuild_summaries(session, writer.loaded)
            if writer.loader.postgres:
                session.execute(text("ANALYZE unit_summary"))
            # Every loaded table's state is signed with the load's audit entry, in this
            # transaction: jixiao audit verify checks them at once (no --adopt needed).
            uow.record_states(set(loaded_ids))
            uow.audit(
                actor.username,
                "bulk-load",
                "database",
                "bulk",
                after={"tables": result.tables, "rows": result.rows},
            )
            uow.commit()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if frozen:
            gc.unfreeze()
    if progress is not None:
        progress(result.tables)
    return result


class _Writer:
    """Rows of the tables and their actuals, ids handed out; the facts' tasks."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.loader = Loader(session.connection())
        self.actor = actor
        self.now = datetime.now(UTC)
        self.tables = 0
        self.departments: dict[str, int] = dict(
            session.execute(select(DepartmentRow.name, DepartmentRow.id)).all()
        )
        self.units: dict[str, tuple[int, int | None]] = {
            name: (uid, dep)
            for name, uid, dep in session.execute(
                select(UnitRow.name, UnitRow.id, UnitRow.department_id)
            )
        }
        self.existing = {
            (u, y, n)
            for u, y, n in session.execute(
                select(TargetTableRow.unit_id, TargetTableRow.fiscal_year, TargetTableRow.name)
            )
        }
        self.previous: dict[tuple[str, str, int], tuple[Project, ProjectActuals]] = {}
        self.loaded: set[tuple[int, int]] = set()  # (unit id, year): their summaries

    def write(self, items: Sequence[Reported]) -> tuple[list[TableKey], list[_Task]]:
        keys: list[TableKey] = []
        tasks: list[_Task] = []
        for item in items:
            keys.append(self.table(item))
            project = item.project
            year = project.fiscal_year
            assert year is not None and project.unit is not None
            before = self.previous.get((project.unit, project.name, year - 1))
            tasks.append(_Task(project, item.half, item.full, before, item.month))
            if item.full is not None:
                self.previous[(project.unit, project.name, year)] = (project, item.full)
        return keys, tasks

    def _unit(self, project: Project) -> tuple[int, int | None]:
        loader = self.loader
        department_id = None
        if project.department:
            department_id = self.departments.get(project.department)
            if department_id is None:
                department_id = loader.next_id("department")
                loader.add("department", (department_id, project.department))
                self.departments[project.department] = department_id
        assert project.unit is not None
        known = self.units.get(project.unit)
        if known is None:
            known = (loader.next_id("unit"), department_id)
            loader.add("unit", (known[0], project.unit, department_id))
            self.units[project.unit] = known
        return known

    def table(self, item: Reported) -> TableKey:
        loader, now = self.loader, self.now
        project = item.project
        if not project.unit or project.fiscal_year is None:
            raise Invalid(f"项目“{project.name}”没有预算单位或年度，无法批量导入", "items")
        unit_id, unit_department = self._unit(project)
        key = (unit_id, project.fiscal_year, project.name)
        if key in self.existing:
            raise Invalid(
                f"{project.unit} {project.fiscal_year} 年度的项目“{project.name}”已存在，"
                "批量导入未进行",
                "items",
            )
        self.existing.add(key)
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
                funds.unit if funds else DEFAULT_UNIT,
                project.annual_goal,
                project.long_term_goal,
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
                    i.weight,
                    i.direction.value if i.direction is not None else None,
                    i.nature.value if i.nature is not None else None,
                    i.basis,
                    i.explanation,
                    i.standard,
                    i.remark,
                    1,
                ),
            )
        for report, month in ((item.half, item.month), (item.full, None)):
            if report is not None:
                self.report(project, table_id, report, month, indicator_ids)
        self.loaded.add((unit_id, project.fiscal_year))
        self.tables += 1
        return TableKey(
            table_id,
            project.fiscal_year,
            tables.PROJECT,
            Status.APPROVED.value,
            unit_id,
            unit_department,
            wan(funds.total) if funds else None,
        )

    def report(
        self,
        project: Project,
        table_id: int,
        report: ProjectActuals,
        month: int | None,
        indicator_ids: dict[str, int],
    ) -> None:
        loader = self.loader
        report_id = loader.next_id("actual_report")
        loader.add(
            "actual_report",
            (
                report_id,
                table_id,
                report.period.value,
                month,
                # in 元, exact, as the store keeps amounts (the actuals give 万元)
                None if report.budget_initial is None else to_yuan(report.budget_initial),
                None if report.budget is None else to_yuan(report.budget),
                None if report.executed is None else to_yuan(report.executed),
                report.money_unit,
                report.execution_reason,
                self.actor.username,
                self.now,
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


def _facts(loader: Loader, key: TableKey, facts: TableFacts, now: datetime) -> None:
    values = {**fact_row(key, facts), "computed_at": now}
    loader.add("table_fact", tuple(values[c] for c in COLUMNS["table_fact"]))
    for finding in finding_rows(key, facts):
        values = {**finding, "id": loader.next_id("table_finding")}
        loader.add("table_finding", tuple(values[c] for c in COLUMNS["table_finding"]))
