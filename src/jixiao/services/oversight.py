"""Oversight (监督) across units: the facts kept per table and the views over them.

Facts (:mod:`jixiao.domain.oversight`: review grade and findings, checkpoint lights, year-end
score, early warnings) are recomputed inside the transaction that changes a table or its
actuals — every such change is audited with its table, and :class:`UnitOfWork` hands the
audited tables to :func:`refresh` before it commits (a workflow step, which changes only
the status, to :func:`refresh_status`) — so the views only count, sum and rank rows in the
database.  Next year's table of the same project is refreshed too (its warnings compare
with this year's actuals), and the unit's summary of the year (``unit_summary``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from jixiao.domain.actuals import ActualsError, ProjectActuals
from jixiao.domain.model import OverallTargets, Period, Project
from jixiao.domain.money import in_unit
from jixiao.domain.monitoring import LIGHT_LABELS, Light, MonitoringConfig, monitor_project
from jixiao.domain.oversight import SIZE_CLASSES, TableFacts, size_class, table_facts
from jixiao.domain.oversight import WARNING as WARNING_SOURCE
from jixiao.domain.provenance import Provenance
from jixiao.domain.review import ReviewConfig
from jixiao.domain.scoring import ScoringError, ScoringScheme, score_overall, score_project
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import Actor
from jixiao.interchange import location_from_dict, value_from_dict
from jixiao.services import access, actuals, tables
from jixiao.services import review as reviewing
from jixiao.services.errors import Invalid, NotFound
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import (
    DepartmentRow,
    GoalRow,
    IndicatorRow,
    SourceFileRow,
    TableFactRow,
    TableFindingRow,
    TargetTableRow,
    UnitRow,
    UnitSummaryRow,
)
from jixiao.store.tables import overall_of, project_of, row_name, target_rows

__all__ = [
    "ORDERS",
    "CodeCount",
    "Filter",
    "FindingRow",
    "Group",
    "IndicatorDetail",
    "Overview",
    "ProjectFacts",
    "Settings",
    "TableDetail",
    "TableKey",
    "TableRowFacts",
    "Totals",
    "UnitComparison",
    "departments",
    "fact_row",
    "finding_rows",
    "findings",
    "findings_by_code",
    "forget_facts",
    "groups",
    "indicator_detail",
    "overview",
    "projects",
    "refresh",
    "refresh_missing",
    "refresh_status",
    "scoped",
    "settings",
    "table_detail",
    "year_over_year",
    "years",
]

_BATCH = 500


@dataclass(frozen=True, slots=True)
class Settings:
    """The review, scoring and monitoring settings facts are computed with."""

    review: ReviewConfig
    scheme: ScoringScheme
    monitoring: MonitoringConfig


def settings() -> Settings:
    """The settings of the configuration file ($JIXIAO_CONFIG or ./jixiao.toml), as the web
    app and the CLI use them."""
    return Settings(reviewing.load_config(), actuals.scoring_scheme(), actuals.monitoring_config())


def _load(session: Session, ids: Iterable[int]) -> list[TargetTableRow]:
    return list(
        session.execute(
            select(TargetTableRow)
            .where(TargetTableRow.id.in_(list(ids)))
            .options(selectinload(TargetTableRow.indicators), selectinload(TargetTableRow.goals))
        )
        .unique()
        .scalars()
    )


def _neighbours(
    session: Session, rows: Sequence[TargetTableRow], step: int
) -> list[TargetTableRow]:
    """The tables of the same unit, kind and name ``step`` years away."""
    keys = [
        (r.unit_id, r.kind, r.name, r.fiscal_year + step)
        for r in rows
        if r.fiscal_year is not None and r.kind == tables.PROJECT
    ]
    if not keys:
        return []
    found = session.execute(
        select(TargetTableRow.id).where(
            tuple_(
                TargetTableRow.unit_id,
                TargetTableRow.kind,
                TargetTableRow.name,
                TargetTableRow.fiscal_year,
            ).in_(keys)
        )
    ).scalars()
    return _load(session, found)


def refresh(session: Session, table_ids: Iterable[int], config: Settings | None = None) -> int:
    """Recompute the facts of these tables (and of next year's tables of the same projects)
    in the session's transaction; tables that no longer exist are skipped.  Returns how
    many tables were refreshed."""
    ids = sorted(set(table_ids))
    if not ids:
        return 0
    config = config or settings()
    session.flush()
    done = 0
    for start in range(0, len(ids), _BATCH):
        rows = _load(session, ids[start : start + _BATCH])
        later = _neighbours(session, rows, 1)
        seen = {r.id for r in rows}
        rows += [r for r in later if r.id not in seen]
        done += _refresh_rows(session, rows, config)
    return done


def refresh_status(session: Session, table_ids: Iterable[int]) -> None:
    """Copy the workflow status of these tables into their facts (nothing else of the facts
    depends on it)."""
    ids = sorted(set(table_ids))
    if not ids:
        return
    session.flush()
    status = (
        select(TargetTableRow.status)
        .where(TargetTableRow.id == TableFactRow.table_id)
        .scalar_subquery()
    )
    for start in range(0, len(ids), _BATCH):
        session.execute(
            update(TableFactRow)
            .where(TableFactRow.table_id.in_(ids[start : start + _BATCH]))
            .values(status=status)
        )


def _refresh_rows(session: Session, rows: Sequence[TargetTableRow], config: Settings) -> int:
    if not rows:
        return 0
    ids = [r.id for r in rows]
    earlier = {(r.unit_id, r.name, r.fiscal_year): r for r in _neighbours(session, rows, -1)}
    half = actuals.report_rows(session, ids, Period.HALF_YEAR)
    full = actuals.report_rows(session, ids, Period.FULL_YEAR)
    previous_full = actuals.report_rows(session, [r.id for r in earlier.values()], Period.FULL_YEAR)
    departments = dict(
        session.execute(
            select(UnitRow.id, UnitRow.department_id).where(
                UnitRow.id.in_({r.unit_id for r in rows})
            )
        ).all()
    )
    session.execute(delete(TableFindingRow).where(TableFindingRow.table_id.in_(ids)))
    for row in rows:
        previous: tuple[Project, ProjectActuals] | None = None
        before = (
            earlier.get((row.unit_id, row.name, row.fiscal_year - 1))
            if row.fiscal_year is not None and row.kind == tables.PROJECT
            else None
        )
        if before is not None and before.id in previous_full:
            previous = (
                project_of(before),
                actuals.actuals_of(before, previous_full[before.id]),
            )
        half_report = half.get(row.id)
        monitoring = config.monitoring
        if half_report is not None and half_report.month and half_report.month != monitoring.month:
            monitoring = replace(monitoring, month=half_report.month)
        target = overall_of(row) if row.kind == tables.OVERALL else project_of(row)
        facts = table_facts(
            target,
            half=actuals.actuals_of(row, half_report) if half_report else None,
            full=actuals.actuals_of(row, full[row.id]) if row.id in full else None,
            previous=previous,
            review=config.review,
            scheme=config.scheme,
            monitoring=monitoring,
        )
        _store(session, row, departments.get(row.unit_id), facts)
    rebuild_summaries(session, [(row.unit_id, row.fiscal_year) for row in rows])
    return len(rows)


@dataclass(frozen=True, slots=True)
class TableKey:
    """What the fact rows copy from a table and its unit."""

    table_id: int
    fiscal_year: int | None
    kind: str
    status: str
    unit_id: int
    department_id: int | None
    funds: float | None


def fact_row(key: TableKey, facts: TableFacts) -> dict[str, object]:
    """The ``table_fact`` columns of a table's facts (the bulk loader writes the same)."""
    cp, ye = facts.checkpoint, facts.year_end
    return {
        "table_id": key.table_id,
        "fiscal_year": key.fiscal_year,
        "kind": key.kind,
        "status": key.status,
        "unit_id": key.unit_id,
        "department_id": key.department_id,
        "size_class": size_class(key.funds),
        "funds": key.funds,
        "indicators": facts.indicators,
        "review_grade": facts.review_grade.value,
        "findings": facts.review_errors + facts.review_warnings,
        "review_errors": facts.review_errors,
        "month": cp.month if cp else None,
        "half_budget": cp.budget if cp else None,
        "half_executed": cp.executed if cp else None,
        "half_rate": cp.rate if cp else None,
        "time_adjusted": cp.time_adjusted if cp else None,
        "execution_light": cp.light.value if cp else None,
        "red": cp.red if cp else 0,
        "yellow": cp.yellow if cp else 0,
        "green": cp.green if cp else 0,
        "unjudged": cp.unjudged if cp else 0,
        "budget": ye.budget if ye else None,
        "executed": ye.executed if ye else None,
        "execution_rate": ye.rate if ye else None,
        "score": ye.score if ye else None,
        "grade": ye.grade.value if ye else None,
        "shortfalls": ye.shortfalls if ye else 0,
        "warnings": len(facts.warnings),
    }


def finding_rows(key: TableKey, facts: TableFacts) -> list[dict[str, object]]:
    """The ``table_finding`` rows of a table's facts."""
    seen: set[str] = set()
    rows: list[dict[str, object]] = []
    for f in facts.facts:
        rows.append(
            {
                "table_id": key.table_id,
                "fiscal_year": key.fiscal_year,
                "kind": key.kind,
                "unit_id": key.unit_id,
                "department_id": key.department_id,
                "first": f.code not in seen,
                "source": f.source,
                "code": f.code,
                "severity": f.severity,
                "position": f.position,
                "indicator": f.indicator,
                "message": f.message,
            }
        )
        seen.add(f.code)
    return rows


def _key(row: TargetTableRow, department_id: int | None) -> TableKey:
    return TableKey(
        row.id,
        row.fiscal_year,
        row.kind,
        row.status,
        row.unit_id,
        department_id,
        wan(row.funds_total),
    )


def wan(yuan: Decimal | None) -> float | None:
    """An amount in 元 as the 万元 the facts keep (sums over many tables, shown in 万元)."""
    return None if yuan is None else float(in_unit(yuan, "万元"))


def _store(
    session: Session, row: TargetTableRow, department_id: int | None, facts: TableFacts
) -> None:
    table = _key(row, department_id)
    values = fact_row(table, facts)
    existing = session.get(TableFactRow, row.id)
    if existing is None:
        session.add(TableFactRow(**values))
    else:
        for column, value in values.items():
            setattr(existing, column, value)
    session.add_all(TableFindingRow(**f) for f in finding_rows(table, facts))


def forget_facts(session: Session) -> None:
    """Drop every table's facts (to compute them again with :func:`refresh_missing`)."""
    session.execute(delete(UnitSummaryRow))
    session.execute(delete(TableFindingRow))
    session.execute(delete(TableFactRow))


def refresh_missing(
    session: Session,
    config: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute the facts of every table that has none (a database upgraded to oversight,
    or loaded in bulk without them), in batches; ``progress(done, total)`` after each."""
    missing = list(
        session.execute(
            select(TargetTableRow.id)
            .outerjoin(TableFactRow, TableFactRow.table_id == TargetTableRow.id)
            .where(TableFactRow.table_id.is_(None))
            .order_by(TargetTableRow.fiscal_year, TargetTableRow.id)
        ).scalars()
    )
    config = config or settings()
    done = 0
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        _refresh_rows(session, _load(session, batch), config)
        done += len(batch)
        if progress is not None:
            progress(done, len(missing))
    return done


# -- the views: counted, summed and ranked in the database --------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    """What a view is about: a year, and optionally a department, a unit, a project size
    (index in SIZE_CLASSES) and a workflow status.

    ``statuses`` is the reader's scope, not a choice: the workflow states of the tables
    the reader may see (None: every state).  :func:`scoped` sets it (and holds a 主管部门
    to its department) from the actor; every view counts, sums, ranks and lists within it.
    """

    year: int
    department: str | None = None
    unit: str | None = None
    size: int | None = None
    status: str | None = None
    statuses: frozenset[str] | None = None

    def query(self) -> dict[str, str]:
        """The filter as URL query parameters (empty ones left out; the scope is the
        reader's and never goes into a URL)."""
        found = {
            "year": str(self.year),
            "department": self.department or "",
            "unit": self.unit or "",
            "size": "" if self.size is None else str(self.size),
            "status": self.status or "",
        }
        return {k: v for k, v in found.items() if v}


def scoped(f: Filter, actor: Actor | None) -> Filter:
    """``f`` held to what ``actor`` may read (the read policy of :mod:`access`): a
    主管部门 to its own department, 人大 and 审计 to approved tables (a draft, a table
    under review or being adjusted counts in no figure of theirs).  None: the command
    line, every table."""
    if actor is None:
        return f
    held = access.fixed_department(actor)
    visible = access.visible_statuses(actor)
    return replace(
        f,
        department=held if held is not None else f.department,
        statuses=None if visible is None else frozenset(s.value for s in visible),
    )


def _conditions(f: Filter) -> list[ColumnElement[bool]]:
    fact = TableFactRow
    found: list[ColumnElement[bool]] = [fact.fiscal_year == f.year, fact.kind == tables.PROJECT]
    if f.statuses is not None:
        found.append(fact.status.in_(sorted(f.statuses)))
    if f.department:
        found.append(
            fact.department_id
            == select(DepartmentRow.id).where(DepartmentRow.name == f.department).scalar_subquery()
        )
    if f.unit:
        found.append(
            fact.unit_id == select(UnitRow.id).where(UnitRow.name == f.unit).scalar_subquery()
        )
    if f.size is not None:
        found.append(fact.size_class == f.size)
    if f.status:
        found.append(fact.status == f.status)
    return found


def years(uow: UnitOfWork) -> list[int]:
    """The years with facts, newest first."""
    with uow:
        found = uow.session.execute(
            select(TableFactRow.fiscal_year)
            .where(TableFactRow.fiscal_year.is_not(None))
            .distinct()
            .order_by(TableFactRow.fiscal_year.desc())
        ).scalars()
        return [y for y in found if y is not None]


def departments(uow: UnitOfWork) -> list[str]:
    """The departments with units, by name (the filter's choices)."""
    with uow:
        return list(
            uow.session.execute(select(DepartmentRow.name).order_by(DepartmentRow.name)).scalars()
        )


@dataclass(frozen=True, slots=True)
class Totals:
    units: int
    projects: int
    indicators: int
    funds: float  # 资金总额 of the target tables, 万元
    # checkpoint
    monitored: int  # projects with checkpoint actuals
    half_budget: float
    half_executed: float
    red: int  # indicator lights
    yellow: int
    green: int
    unjudged: int
    # year end
    evaluated: int  # projects with year-end actuals
    budget: float
    executed: float
    mean_score: float | None
    findings: int  # review errors + warnings
    warnings: int  # early warnings

    @property
    def half_rate(self) -> float | None:
        return self.half_executed / self.half_budget * 100 if self.half_budget > 0 else None

    @property
    def execution_rate(self) -> float | None:
        return self.executed / self.budget * 100 if self.budget > 0 else None


_GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差"))


def _sums() -> dict[str, Any]:
    """What the views add up over ``table_fact``, by the ``unit_summary`` column keeping it
    per unit and year: the one definition of every total and distribution."""
    fact = TableFactRow

    def count_if(condition: ColumnElement[bool]) -> Any:
        return func.count().filter(condition)

    sums: dict[str, Any] = {
        "projects": func.count(),
        "indicators": func.coalesce(func.sum(fact.indicators), 0),
        "funds": func.coalesce(func.sum(fact.funds), 0.0),
        "monitored": func.count(fact.month),
        "half_budget": func.coalesce(
            func.sum(fact.half_budget).filter(fact.half_executed.is_not(None)), 0.0
        ),
        "half_executed": func.coalesce(
            func.sum(fact.half_executed).filter(fact.half_budget.is_not(None)), 0.0
        ),
        "red": func.coalesce(func.sum(fact.red), 0),
        "yellow": func.coalesce(func.sum(fact.yellow), 0),
        "green": func.coalesce(func.sum(fact.green), 0),
        "unjudged": func.coalesce(func.sum(fact.unjudged), 0),
        "evaluated": func.count(fact.score),
        "budget": func.coalesce(func.sum(fact.budget).filter(fact.executed.is_not(None)), 0.0),
        "executed": func.coalesce(func.sum(fact.executed).filter(fact.budget.is_not(None)), 0.0),
        "score_sum": func.coalesce(func.sum(fact.score), 0.0),
        "findings": func.coalesce(func.sum(fact.findings), 0),
        "warnings": func.coalesce(func.sum(fact.warnings), 0),
    }
    for key, grade in _GRADES:
        sums[f"review_{key}"] = count_if(fact.review_grade == grade)
    for key, grade in _GRADES:
        sums[f"grade_{key}"] = count_if(fact.grade == grade)
    for light in Light:
        sums[f"light_{light.value}"] = count_if(fact.execution_light == light.value)
    for k in range(10):
        low = fact.score >= 10 * k
        sums[f"score_{k}"] = count_if(low if k == 9 else low & (fact.score < 10 * (k + 1)))
    for k in range(len(SIZE_CLASSES)):
        sums[f"size_{k}"] = count_if(fact.size_class == k)
    return sums


_SUM_KEYS = tuple(_sums())


def _summable(f: Filter) -> bool:
    """Whether the per-unit summary answers the filter (size, status and a reader held to
    some statuses split a unit: the summary sums every table of it)."""
    return f.size is None and not f.status and f.statuses is None


def _summary_conditions(f: Filter) -> list[ColumnElement[bool]]:
    summary = UnitSummaryRow
    found: list[ColumnElement[bool]] = [summary.fiscal_year == f.year]
    if f.department:
        found.append(
            summary.department_id
            == select(DepartmentRow.id).where(DepartmentRow.name == f.department).scalar_subquery()
        )
    if f.unit:
        found.append(
            summary.unit_id == select(UnitRow.id).where(UnitRow.name == f.unit).scalar_subquery()
        )
    return found


def _sum_columns(f: Filter) -> list[Any]:
    """(units, the sums in _SUM_KEYS order), from the summary or from the facts."""
    if _summable(f):
        return [func.count()] + [
            func.coalesce(func.sum(getattr(UnitSummaryRow, k)), 0) for k in _SUM_KEYS
        ]
    return [func.count(func.distinct(TableFactRow.unit_id)), *_sums().values()]


def _source(f: Filter) -> tuple[Any, list[ColumnElement[bool]]]:
    """The table a view of ``f`` adds up, and its conditions."""
    if _summable(f):
        return UnitSummaryRow, _summary_conditions(f)
    return TableFactRow, _conditions(f)


def _totals(values: Sequence[Any]) -> tuple[Totals, dict[str, int]]:
    """Totals from (units, sums...), and the distribution counts by key."""
    sums = dict(zip(_SUM_KEYS, values[1:], strict=True))
    evaluated = int(sums["evaluated"])
    totals = Totals(
        units=int(values[0]),
        projects=int(sums["projects"]),
        indicators=int(sums["indicators"]),
        funds=_money(sums["funds"]),
        monitored=int(sums["monitored"]),
        half_budget=_money(sums["half_budget"]),
        half_executed=_money(sums["half_executed"]),
        red=int(sums["red"]),
        yellow=int(sums["yellow"]),
        green=int(sums["green"]),
        unjudged=int(sums["unjudged"]),
        evaluated=evaluated,
        budget=_money(sums["budget"]),
        executed=_money(sums["executed"]),
        mean_score=_mean(float(sums["score_sum"]), evaluated),
        findings=int(sums["findings"]),
        warnings=int(sums["warnings"]),
    )
    counts = {
        k: int(v) for k, v in sums.items() if not k.endswith(("sum", "budget", "executed", "funds"))
    }
    return totals, counts


def _money(total: Any) -> float:
    """A sum of amounts (万元) without the float noise of adding them in another order."""
    return round(float(total), 4)


def _mean(total: float, n: int) -> float | None:
    """A mean score, rounded half up to 2 decimals like the scores themselves."""
    if n == 0:
        return None
    # scores have 2 decimals, so has their sum (float sums in the database add noise)
    exact = Decimal(repr(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) / n
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Overview:
    """A year (and filter) at a glance: totals and distributions."""

    totals: Totals
    review_grades: dict[str, int]  # 优 良 中 差 → projects
    grades: dict[str, int]  # self-evaluation grade → projects
    execution_lights: dict[str, int]  # green … none → projects
    scores: list[tuple[int, int]]  # (lower bound of a 10-point band, projects)
    sizes: list[tuple[int, int]]  # (size class, projects)


def overview(uow: UnitOfWork, f: Filter) -> Overview:
    """Totals and distributions of the filter's projects: one query over the per-unit
    summary (or, with a size or status filter, over the facts)."""
    table, where = _source(f)
    with uow:
        values = uow.session.execute(select(*_sum_columns(f)).select_from(table).where(*where))
        totals, counts = _totals(values.one())

    def present(pairs: Sequence[tuple[Any, str]], prefix: str) -> dict[Any, int]:
        return {label: counts[f"{prefix}{key}"] for key, label in pairs if counts[f"{prefix}{key}"]}

    return Overview(
        totals=totals,
        review_grades=present(_GRADES, "review_"),
        grades=present(_GRADES, "grade_"),
        execution_lights=present([(x.value, x.value) for x in Light], "light_"),
        scores=[(10 * k, counts[f"score_{k}"]) for k in range(10) if counts[f"score_{k}"]],
        sizes=[(k, counts[f"size_{k}"]) for k in range(len(SIZE_CLASSES)) if counts[f"size_{k}"]],
    )


@dataclass(frozen=True, slots=True)
class Group:
    """A department's or unit's row of a view."""

    key: str  # its name
    department: str | None  # (units) the department
    totals: Totals


def groups(uow: UnitOfWork, f: Filter, by: str) -> list[Group]:
    """One row per department (``by="department"``) or unit (``"unit"``) of the filter,
    by name."""
    table, where = _source(f)
    with uow:
        if by == "department":
            name = func.coalesce(DepartmentRow.name, "")
            query = (
                select(name, *_sum_columns(f))
                .select_from(table)
                .outerjoin(DepartmentRow, DepartmentRow.id == table.department_id)
                .where(*where)
                .group_by(name)
                .order_by(name)
            )
            return [Group(r[0], None, _totals(r[1:])[0]) for r in uow.session.execute(query)]
        department = func.max(DepartmentRow.name)
        query = (
            select(UnitRow.name, department, *_sum_columns(f))
            .select_from(table)
            .join(UnitRow, UnitRow.id == table.unit_id)
            .outerjoin(DepartmentRow, DepartmentRow.id == table.department_id)
            .where(*where)
            .group_by(UnitRow.name)
            .order_by(UnitRow.name)
        )
        return [Group(r[0], r[1], _totals(r[2:])[0]) for r in uow.session.execute(query)]


def rebuild_summaries(session: Session, pairs: Iterable[tuple[int, int | None]]) -> None:
    """Sum the facts of these (unit id, year) pairs into ``unit_summary`` again."""
    keys = sorted({(u, y) for u, y in pairs if y is not None})
    if not keys:
        return
    summary, fact = UnitSummaryRow, TableFactRow
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        session.execute(
            delete(summary).where(tuple_(summary.unit_id, summary.fiscal_year).in_(chunk))
        )
        sums = _sums()
        session.execute(
            insert(summary).from_select(
                ["fiscal_year", "unit_id", "department_id", *sums],
                select(fact.fiscal_year, fact.unit_id, func.max(fact.department_id), *sums.values())
                .where(
                    fact.kind == tables.PROJECT,
                    tuple_(fact.unit_id, fact.fiscal_year).in_(chunk),
                )
                .group_by(fact.fiscal_year, fact.unit_id),
            )
        )


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """A project's row of a view."""

    table_id: int
    name: str
    unit: str
    department: str | None
    status: str
    funds: float | None
    review_grade: str
    findings: int
    time_adjusted: float | None
    execution_light: str | None
    red: int
    yellow: int
    execution_rate: float | None
    score: float | None
    grade: str | None
    warnings: int


#: Orders of the project list and the rankings: key → (label, column, descending).
ORDERS: dict[str, tuple[str, str, bool]] = {
    "lagging": ("执行进度最慢", "time_adjusted", False),
    "red": ("红灯最多", "red", True),
    "findings": ("审核问题最多", "findings", True),
    "low-score": ("自评得分最低", "score", False),
    "low-execution": ("年终执行率最低", "execution_rate", False),
    "warnings": ("预警最多", "warnings", True),
    "funds": ("资金最多", "funds", True),
    "id": ("按编号", "table_id", False),
}


def _project_select() -> Any:
    """The columns of ProjectFacts: a table's facts with its, its unit's and its
    department's names."""
    fact = TableFactRow
    return (
        select(
            fact.table_id,
            TargetTableRow.name,
            UnitRow.name,
            DepartmentRow.name,
            fact.status,
            fact.funds,
            fact.review_grade,
            fact.findings,
            fact.time_adjusted,
            fact.execution_light,
            fact.red,
            fact.yellow,
            fact.execution_rate,
            fact.score,
            fact.grade,
            fact.warnings,
        )
        .select_from(fact)
        .join(TargetTableRow, TargetTableRow.id == fact.table_id)
        .join(UnitRow, UnitRow.id == fact.unit_id)
        .outerjoin(DepartmentRow, DepartmentRow.id == fact.department_id)
    )


def _project_rows(session: Session, query: Any) -> list[ProjectFacts]:
    return [ProjectFacts(*cast(Any, r)) for r in session.execute(query)]


def projects(
    uow: UnitOfWork, f: Filter, *, order: str = "id", limit: int = 50, offset: int = 0
) -> tuple[list[ProjectFacts], int]:
    """The filter's projects in ``order`` (ORDERS), a page of them, and how many in all;
    ordering on a figure leaves out projects without it (and, for counts, with none)."""
    fact = TableFactRow
    if order not in ORDERS:
        raise Invalid(f"未知的排序“{order}”，可选：{'、'.join(ORDERS)}", "order")
    _, column, descending = ORDERS[order]
    where = _conditions(f)
    key: Any = getattr(fact, column)
    if column != "table_id":
        where.append(key.is_not(None))
    if descending and column in ("red", "findings", "warnings"):
        where.append(key > 0)  # "most red lights" lists projects that have some
    with uow:
        s = uow.session
        total = s.execute(select(func.count()).select_from(fact).where(*where)).scalar_one()
        rows = _project_rows(
            s,
            _project_select()
            .where(*where)
            .order_by(key.desc() if descending else key.asc(), fact.table_id)
            .limit(limit)
            .offset(offset),
        )
        return rows, int(total)


@dataclass(frozen=True, slots=True)
class CodeCount:
    code: str
    source: str
    count: int  # findings
    tables: int  # tables with one at least


def findings_by_code(uow: UnitOfWork, f: Filter, *, source: str | None = None) -> list[CodeCount]:
    """Findings (review JX…, monitoring JXM…) and early warnings (JXW…) by code, most
    frequent first."""
    finding = TableFindingRow
    where = _finding_conditions(f)
    if source is not None:
        where.append(finding.source == source)
    with uow:
        rows = uow.session.execute(
            select(
                finding.code,
                func.min(finding.source),
                func.count(),
                func.count().filter(finding.first),
            )
            .where(*where)
            .group_by(finding.code)
            .order_by(func.count().desc(), finding.code)
        ).all()
        return [CodeCount(code, src, int(n), int(t)) for code, src, n, t in rows]


def _finding_conditions(f: Filter) -> list[ColumnElement[bool]]:
    """Findings of the filter's project tables: year and department on the finding row
    (indexed), the rest through the table's facts."""
    finding = TableFindingRow
    where: list[ColumnElement[bool]] = [finding.fiscal_year == f.year]
    if f.department:
        where.append(
            finding.department_id
            == select(DepartmentRow.id).where(DepartmentRow.name == f.department).scalar_subquery()
        )
    where.append(finding.kind == tables.PROJECT)
    if f.unit or f.size is not None or f.status or f.statuses is not None:
        tables_of = select(TableFactRow.table_id).where(*_conditions(f))
        where.append(finding.table_id.in_(tables_of))
    return where


@dataclass(frozen=True, slots=True)
class FindingRow:
    table_id: int
    project: str
    unit: str
    code: str
    source: str
    severity: str
    indicator: str | None
    position: int | None
    message: str


def _finding_select() -> Any:
    """The columns of FindingRow, with the table's and the unit's names."""
    finding = TableFindingRow
    return (
        select(
            finding.table_id,
            TargetTableRow.name,
            UnitRow.name,
            finding.code,
            finding.source,
            finding.severity,
            finding.indicator,
            finding.position,
            finding.message,
        )
        .select_from(finding)
        .join(TargetTableRow, TargetTableRow.id == finding.table_id)
        .join(UnitRow, UnitRow.id == finding.unit_id)
    )


def _finding_rows(session: Session, query: Any) -> list[FindingRow]:
    return [FindingRow(*cast(Any, r)) for r in session.execute(query)]


def findings(
    uow: UnitOfWork,
    f: Filter,
    *,
    code: str | None = None,
    source: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[FindingRow], int]:
    """Findings (or, with ``source="warning"``, the early warnings) with their reasons,
    a page of them (table by table, in the order they were computed), and how many in
    all."""
    finding = TableFindingRow
    where = _finding_conditions(f)
    if code:
        where.append(finding.code == code)
    if source:
        where.append(finding.source == source)
    with uow:
        s = uow.session
        total = s.execute(select(func.count()).select_from(finding).where(*where)).scalar_one()
        rows = _finding_rows(
            s, _finding_select().where(*where).order_by(finding.id).limit(limit).offset(offset)
        )  # in the order computed: table by table, row by row
        return rows, int(total)


@dataclass(frozen=True, slots=True)
class UnitComparison:
    """A unit this year against last year."""

    unit: str
    department: str | None
    projects: int
    score: float | None  # mean self-evaluation score
    score_before: float | None
    execution_rate: float | None  # year-end, %
    execution_before: float | None
    below_last_year: int  # JXW04: targets set below last year's actual
    repeated: int  # JXW05: indicators short two years running


def year_over_year(
    uow: UnitOfWork, f: Filter, *, limit: int = 50, offset: int = 0
) -> tuple[list[UnitComparison], int]:
    """Units of the filter compared with their previous year: mean score and execution,
    and how many targets were set below last year's actual or fell short twice; units with
    the most such findings first."""
    fact = TableFactRow
    before = replace(f, year=f.year - 1)

    def per_unit(g: Filter) -> Any:
        if _summable(g):
            summary = UnitSummaryRow
            return (
                select(
                    summary.unit_id.label("unit_id"),
                    summary.projects.label("projects"),
                    (summary.score_sum / func.nullif(summary.evaluated, 0)).label("score"),
                    (summary.executed / func.nullif(summary.budget, 0) * 100).label("rate"),
                )
                .where(*_summary_conditions(g))
                .subquery()
            )
        return (
            select(
                fact.unit_id.label("unit_id"),
                func.count().label("projects"),
                func.avg(fact.score).label("score"),
                (
                    func.sum(fact.executed).filter(fact.budget > 0)
                    / func.nullif(func.sum(fact.budget).filter(fact.executed.is_not(None)), 0)
                    * 100
                ).label("rate"),
            )
            .where(*_conditions(g))
            .group_by(fact.unit_id)
            .subquery()
        )

    now, then = per_unit(f), per_unit(before)
    finding = TableFindingRow
    marks = (
        select(
            finding.unit_id.label("unit_id"),
            func.count().filter(finding.code == "JXW04").label("below"),
            func.count().filter(finding.code == "JXW05").label("repeated"),
        )
        .where(*_finding_conditions(f), finding.code.in_(("JXW04", "JXW05")))
        .group_by(finding.unit_id)
        .subquery()
    )
    below = func.coalesce(marks.c.below, 0)
    repeated = func.coalesce(marks.c.repeated, 0)
    query = (
        select(
            UnitRow.name,
            DepartmentRow.name,
            now.c.projects,
            now.c.score,
            then.c.score,
            now.c.rate,
            then.c.rate,
            below,
            repeated,
        )
        .select_from(now)
        .join(UnitRow, UnitRow.id == now.c.unit_id)
        .outerjoin(DepartmentRow, DepartmentRow.id == UnitRow.department_id)
        .outerjoin(then, then.c.unit_id == now.c.unit_id)
        .outerjoin(marks, marks.c.unit_id == now.c.unit_id)
    )
    with uow:
        s = uow.session
        total = s.execute(select(func.count()).select_from(now)).scalar_one()
        rows = s.execute(
            query.order_by((below + repeated).desc(), UnitRow.name).limit(limit).offset(offset)
        ).all()

        def num(x: Any) -> float | None:
            return round(float(x), 2) if x is not None else None

        return [
            UnitComparison(
                unit=r[0],
                department=r[1],
                projects=int(r[2]),
                score=num(r[3]),
                score_before=num(r[4]),
                execution_rate=num(r[5]),
                execution_before=num(r[6]),
                below_last_year=int(r[7]),
                repeated=int(r[8]),
            )
            for r in rows
        ], int(total)


# -- one indicator, from the region down to its source ------------------------------------


@dataclass(frozen=True, slots=True)
class ReportedValue:
    """What a unit reported for the indicator in one period, with where it came from."""

    period: Period
    value: str | None
    forecast: str | None
    likelihood: str | None
    deviation: str
    category: str | None
    measures: str
    source: Provenance | None


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    table_id: int
    table: str  # the project (or the unit for an overall table)
    unit: str
    department: str | None
    fiscal_year: int | None
    position: int
    level1: str
    level2: str
    name: str
    targets: tuple[tuple[str, TargetValue], ...]  # (period label, value with its source)
    source: Provenance | None  # the name's cell
    table_source: str | None  # the file the table was imported from
    reported: tuple[ReportedValue, ...]
    light: str | None  # checkpoint light and how it was decided
    light_basis: str
    score: str | None  # year-end "score / weight" and the rule
    score_rule: str
    findings: tuple[FindingRow, ...]
    last_year: str | None  # last year's actual of the same indicator, as printed


_PERIOD_LABELS = {"half_year": "半年（程）", "full_year": "全年（程）", "long_term": "中长期"}


def indicator_detail(
    uow: UnitOfWork,
    table_id: int,
    position: int,
    config: Settings | None = None,
    actor: Actor | None = None,
) -> IndicatorDetail:
    """An indicator (or work item) of a table: its targets and their cells, what was
    reported at the checkpoint and at year end, its light and score, its findings and last
    year's actual.  NotFound when the table or the position does not exist."""
    config = config or settings()
    tables.require_read(uow, actor, table_id)
    with uow:
        s = uow.session
        row = uow.tables.get(table_id)
        items = target_rows(row)
        if not 0 <= position < len(items):
            raise NotFound(f"绩效目标表 {table_id} 没有第 {position + 1} 行")
        item = items[position]
        name = row_name(item)
        if isinstance(item, GoalRow):
            targets = [("目标值", value_from_dict(item.target))]
            level1, level2 = item.function, item.goal
        else:
            targets = [
                (_PERIOD_LABELS[p], value_from_dict(getattr(item, p)))
                for p in ("half_year", "full_year", "long_term")
            ]
            level1, level2 = item.level1_label or item.level1, item.level2_label or item.level2
        target = overall_of(row) if row.kind == tables.OVERALL else project_of(row)
        reported: list[ReportedValue] = []
        light: str | None = None
        basis = ""
        score: str | None = None
        rule = ""
        for period in (Period.HALF_YEAR, Period.FULL_YEAR):
            stored = actuals.report_row(s, table_id, period)
            if stored is None:
                continue
            report = actuals.actuals_of(row, stored)
            found = report.actual(name)
            if found is not None:
                deviation = found.deviation
                reported.append(
                    ReportedValue(
                        period,
                        found.value.text if found.value else None,
                        found.forecast.text if found.forecast else None,
                        found.likelihood.value if found.likelihood else None,
                        deviation.text if deviation else "",
                        deviation.category.value if deviation and deviation.category else None,
                        found.measures,
                        found.source,
                    )
                )
            try:
                if period is Period.HALF_YEAR and isinstance(target, Project):
                    monitoring = config.monitoring
                    if stored.month and stored.month != monitoring.month:
                        monitoring = replace(monitoring, month=stored.month)
                    watched = monitor_project(target, report, monitoring).indicators[position]
                    light, basis = LIGHT_LABELS[watched.light], watched.basis
                elif period is Period.FULL_YEAR:
                    scored = (
                        score_overall(target, report, config.scheme)
                        if isinstance(target, OverallTargets)
                        else score_project(target, report, config.scheme)
                    ).indicators[position]
                    score, rule = f"{scored.score:.2f} / {scored.weight:.2f}", scored.rule
            except (ScoringError, ActualsError, ValueError) as error:
                rule = f"无法计算：{error}"
        found_rows = _finding_rows(
            s,
            _finding_select()
            .where(TableFindingRow.table_id == table_id, TableFindingRow.position == position)
            .order_by(TableFindingRow.id),
        )
        department = s.execute(
            select(DepartmentRow.name).where(DepartmentRow.id == row.unit.department_id)
        ).scalar_one_or_none()
        file = (
            s.execute(
                select(SourceFileRow.name).where(SourceFileRow.id == row.source_file_id)
            ).scalar_one_or_none()
            if row.source_file_id is not None
            else None
        )
        last_year = None
        if row.kind == tables.PROJECT:
            value = actuals.previous_actuals(s, row).get(name)
            last_year = value.text if value is not None else None
        return IndicatorDetail(
            table_id=table_id,
            table=row.name,
            unit=row.unit.name,
            department=department,
            fiscal_year=row.fiscal_year,
            position=position,
            level1=level1,
            level2=level2,
            name=name,
            targets=tuple((label, v) for label, v in targets if v is not None),
            source=location_from_dict(item.source),
            table_source=file,
            reported=tuple(reported),
            light=light,
            light_basis=basis,
            score=score,
            score_rule=rule,
            findings=tuple(found_rows),
            last_year=last_year,
        )


@dataclass(frozen=True, slots=True)
class TableRowFacts:
    position: int
    level1: str
    level2: str
    name: str
    target: str | None  # the full-year (or only) target as printed
    findings: int
    warnings: int


@dataclass(frozen=True, slots=True)
class TableDetail:
    table_id: int
    kind: str
    name: str
    unit: str
    department: str | None
    fiscal_year: int | None
    facts: ProjectFacts | None  # None until computed
    rows: tuple[TableRowFacts, ...]
    findings: tuple[FindingRow, ...]  # of the table as a whole and of its rows


def table_detail(uow: UnitOfWork, table_id: int, actor: Actor | None = None) -> TableDetail:
    """A table's facts, its rows with their findings counted, and its findings (when
    ``actor`` may read the table; None: the command line)."""
    tables.require_read(uow, actor, table_id)
    with uow:
        s = uow.session
        row = uow.tables.get(table_id)
        department = s.execute(
            select(DepartmentRow.name).where(DepartmentRow.id == row.unit.department_id)
        ).scalar_one_or_none()
        facts = next(
            iter(_project_rows(s, _project_select().where(TableFactRow.table_id == table_id))),
            None,
        )
        found = _finding_rows(
            s,
            _finding_select()
            .where(TableFindingRow.table_id == table_id)
            .order_by(TableFindingRow.position, TableFindingRow.id),
        )
        rows: list[TableRowFacts] = []
        items: list[IndicatorRow | GoalRow] = list(target_rows(row))
        for k, item in enumerate(items):
            mine = [x for x in found if x.position == k]
            if isinstance(item, GoalRow):
                value = value_from_dict(item.target)
                levels = (item.function, item.goal)
            else:
                value = value_from_dict(item.full_year) or value_from_dict(item.long_term)
                levels = (item.level1_label or item.level1, item.level2_label or item.level2)
            rows.append(
                TableRowFacts(
                    k,
                    levels[0],
                    levels[1],
                    row_name(item),
                    value.text if value is not None else None,
                    sum(1 for x in mine if x.source != WARNING_SOURCE),
                    sum(1 for x in mine if x.source == WARNING_SOURCE),
                )
            )
        return TableDetail(
            table_id,
            row.kind,
            row.name,
            row.unit.name,
            department,
            row.fiscal_year,
            facts,
            tuple(rows),
            tuple(found),
        )
