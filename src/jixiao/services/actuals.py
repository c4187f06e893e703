"""Use cases on actuals: report them, adjust scores, monitor the checkpoint, score the year.

Actuals (实际完成情况) are kept per target table and period: ``half_year`` (运行监控, the
checkpoint) and ``full_year`` (绩效自评, year end).  A project table's items are its
indicators; an overall table's (部门整体) are its goals, named by their work items.

They arrive three ways, all through :func:`save_document`: a ``jixiao-actuals/1`` file, the
unit's XLSX template (:func:`import_template`) and the web form (:func:`save_report`).  A
save is all or nothing: every problem of every table is listed (naming the project, the
indicator and, for workbooks, the cell) and nothing is written while there is one.  Each
saved report is one audit entry with the whole report before and after.

A saved report replaces the table's report for that period.  Manual scores are the
exception: a report that gives none for an item keeps the one stored (set, changed or
cleared with :func:`set_manual_score`, which needs a reason and is audited on its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from jixiao.domain.actuals import (
    PERIOD_LABELS,
    ActualsDocument,
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
    cell_prefix,
    value_problems,
)
from jixiao.domain.limits import too_long
from jixiao.domain.model import OverallTargets, Period, Project
from jixiao.domain.money import DEFAULT_UNIT, MONEY_UNITS, in_unit, to_yuan
from jixiao.domain.monitoring import (
    MonitoringConfig,
    MonitoringConfigError,
    ProjectMonitor,
    UnitSummary,
    monitor_project,
    summarize,
)
from jixiao.domain.scoring import (
    ProjectScore,
    ScoringConfigError,
    ScoringError,
    ScoringScheme,
    mean_score,
    overall_project,
    score_overall,
    score_project,
)
from jixiao.domain.values import Number
from jixiao.domain.workflow import Action, Actor, Status, TableRef
from jixiao.interchange import (
    location_from_dict,
    location_to_dict,
    value_from_dict,
    value_to_dict,
)
from jixiao.services import access, imports
from jixiao.services.config import config_table
from jixiao.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import (
    ActualItemRow,
    ActualReportRow,
    GoalRow,
    IndicatorRow,
    TargetTableRow,
    UnitRow,
    utcnow,
)
from jixiao.store.tables import (
    OVERALL,
    PROJECT,
    overall_of,
    project_of,
    ref_of,
    row_name,
    target_rows,
)


class Refused(Invalid):
    """Actuals refused as a whole; ``problems`` lists every one.  Nothing was saved."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


def _refused(where: str, problems: Sequence[str]) -> Refused:
    head = f"{where}：发现 {len(problems)} 个问题，未保存任何数据"
    return Refused("\n".join([head, *(f"  · {p}" for p in problems)]), problems)


# -- configuration ------------------------------------------------------------------------


def scoring_scheme(path: Path | None = None) -> ScoringScheme:
    """The ``[scoring]`` table of the configuration file (the national default without)."""
    found, data = config_table("scoring", path)
    try:
        return ScoringScheme.from_mapping(data, where=str(found)) if data else ScoringScheme()
    except ScoringConfigError as exc:
        raise Invalid(str(exc), "config") from None


def monitoring_config(path: Path | None = None, *, month: int | None = None) -> MonitoringConfig:
    """The ``[monitoring]`` table of the configuration file; ``month`` overrides its month."""
    found, data = config_table("monitoring", path)
    try:
        config = MonitoringConfig.from_mapping(data, where=str(found)) if data else None
    except MonitoringConfigError as exc:
        raise Invalid(str(exc), "config") from None
    config = config or MonitoringConfig()
    return replace(config, month=month) if month is not None else config


def parse_period(text: str | Period) -> Period:
    """``half_year`` or ``full_year`` as a Period; anything else is :class:`Invalid` (field period)."""
    try:
        period = Period(text)
    except ValueError:
        period = None
    if period not in (Period.HALF_YEAR, Period.FULL_YEAR):
        raise Invalid(
            f"期间应为 half_year（运行监控）或 full_year（绩效自评），不是“{text}”", "period"
        )
    return period


# -- rows and domain objects --------------------------------------------------------------


def _owner(row: TargetTableRow) -> str:
    """Whom the actuals name: the project, or the unit for an overall table."""
    return row.unit.name if row.kind == OVERALL else row.name


def _target(row: TargetTableRow) -> Project:
    """What actuals are checked and scored against (an overall table as its work items)."""
    if row.kind == OVERALL:
        return overall_project(overall_of(row))
    return project_of(row)


def report_row(session: Session, table_id: int, period: Period) -> ActualReportRow | None:
    """A table's stored report for one period, if any."""
    return session.execute(
        select(ActualReportRow).where(
            ActualReportRow.table_id == table_id, ActualReportRow.period == period.value
        )
    ).scalar_one_or_none()


def report_rows(
    session: Session, table_ids: Sequence[int], period: Period
) -> dict[int, ActualReportRow]:
    """The stored reports of many tables for one period, with their items, in one query."""
    if not table_ids:
        return {}
    query = (
        select(ActualReportRow)
        .where(ActualReportRow.table_id.in_(table_ids), ActualReportRow.period == period.value)
        .options(selectinload(ActualReportRow.items))
    )
    return {r.table_id: r for r in session.execute(query).scalars()}


def stored_actuals(
    uow: UnitOfWork, table_ids: Sequence[int], reader: Actor | None = None
) -> tuple[ActualsDocument, ...]:
    """The stored reports of these tables as actuals documents, one per (year, period)
    (projects by name; units as a whole under ``overall``), in the tables' order; only
    the tables ``reader`` may read (None: the command line)."""
    with uow:
        session = uow.session
        rows = {
            r.id: r
            for r in session.execute(
                select(TargetTableRow)
                .where(TargetTableRow.id.in_(table_ids))
                .where(access.table_scope(reader))
                .options(
                    selectinload(TargetTableRow.indicators), selectinload(TargetTableRow.goals)
                )
            )
            .unique()
            .scalars()
        }
        out: dict[tuple[int | None, Period], ActualsDocument] = {}
        for period in (Period.HALF_YEAR, Period.FULL_YEAR):
            reports = report_rows(session, list(rows), period)
            for table_id in table_ids:
                report = reports.get(table_id)
                row = rows.get(table_id)
                if report is None or row is None:
                    continue
                actuals = actuals_of(row, report)
                key = (row.fiscal_year, period)
                doc = out.get(key) or ActualsDocument(row.fiscal_year, period, month=report.month)
                if row.kind == OVERALL:
                    doc = replace(doc, overall=(*doc.overall, actuals))
                else:
                    doc = replace(doc, projects=(*doc.projects, actuals))
                out[key] = doc
        return tuple(out.values())


def _key(item: ActualItemRow) -> int | None:
    return item.goal_id if item.goal_id is not None else item.indicator_id


def _domain_item(name: str, item: ActualItemRow) -> IndicatorActual:
    deviation = None
    if item.deviation or item.deviation_category:
        category = DeviationCategory(item.deviation_category) if item.deviation_category else None
        deviation = Deviation(item.deviation, category)
    return IndicatorActual(
        indicator=name,
        value=value_from_dict(item.value),
        forecast=value_from_dict(item.forecast),
        likelihood=Likelihood(item.likelihood) if item.likelihood else None,
        deviation=deviation,
        measures=item.measures,
        manual=(
            ManualScore(item.manual_score, item.manual_reason or "")
            if item.manual_score is not None
            else None
        ),
        not_applicable=item.not_applicable,
        weight=item.weight,
        reported_score=item.reported_score,
        source=location_from_dict(item.source),
    )


def actuals_of(row: TargetTableRow, report: ActualReportRow) -> ProjectActuals:
    """The stored report as domain actuals, its items in the order of the table's rows."""
    items = {_key(i): i for i in report.items}
    found = [(t, items.get(t.id)) for t in target_rows(row)]
    return ProjectActuals(
        project=_owner(row),
        period=Period(report.period),
        budget=_from_store(report.budget),
        executed=_from_store(report.executed),
        budget_initial=_from_store(report.budget_initial),
        execution_reason=report.execution_reason,
        indicators=tuple(_domain_item(row_name(t), i) for t, i in found if i is not None),
        source=location_from_dict(report.source),
        money_unit=report.money_unit or DEFAULT_UNIT,
    )


def _to_store(amount: Number | None) -> Decimal | None:
    """An amount of the domain's actuals (万元) as the store keeps it: 元, exact."""
    return None if amount is None else to_yuan(amount, DEFAULT_UNIT)


def _from_store(yuan: Decimal | None) -> float | None:
    """A stored amount (元) as the domain's actuals take it: 万元 (3309840 → 330.984)."""
    return None if yuan is None else float(in_unit(Decimal(yuan), DEFAULT_UNIT))


def _report_dict(report: ActualReportRow | None, row: TargetTableRow) -> dict[str, Any] | None:
    """A report as the audit trail keeps it: everything, items by name."""
    if report is None:
        return None
    names = {t.id: row_name(t) for t in target_rows(row)}
    return {
        "period": report.period,
        "month": report.month,
        "budget_initial": _from_store(report.budget_initial),
        "budget": _from_store(report.budget),
        "executed": _from_store(report.executed),
        "execution_reason": report.execution_reason,
        "items": [
            {
                "name": names.get(_key(i) or -1, "?"),
                "value": (i.value or {}).get("text"),
                "forecast": (i.forecast or {}).get("text"),
                "likelihood": i.likelihood,
                "category": i.deviation_category,
                "deviation": i.deviation,
                "measures": i.measures,
                "manual_score": i.manual_score,
                "manual_reason": i.manual_reason,
                "not_applicable": i.not_applicable,
                "weight": i.weight,
                "reported_score": i.reported_score,
            }
            for i in report.items
        ],
    }


def _label(row: TargetTableRow) -> str:
    if row.kind == OVERALL:
        return f"单位“{row.unit.name}”（部门整体）"
    return f"项目“{row.name}”"


def _unmatched(row: TargetTableRow, actuals: ProjectActuals) -> list[str]:
    """Actuals for rows the table does not have (or more of a name than it has)."""
    counts: dict[str, int] = {}
    for target in target_rows(row):
        counts[row_name(target)] = counts.get(row_name(target), 0) + 1
    what = "工作任务" if row.kind == OVERALL else "指标"
    seen: dict[str, int] = {}
    problems = []
    for item in actuals.indicators:
        seen[item.indicator] = n = seen.get(item.indicator, 0) + 1
        if item.indicator not in counts:
            problems.append(f"{cell_prefix(item)}{_label(row)}没有{what}“{item.indicator}”")
        elif n == counts[item.indicator] + 1:
            problems.append(f"{_label(row)}的{what}“{item.indicator}”重复填写")
    return problems


def _slots(
    row: TargetTableRow, actuals: ProjectActuals
) -> list[tuple[IndicatorRow | GoalRow, IndicatorActual]]:
    """Each actual with its target row: the n-th actual of a name to the n-th row of it.

    Call after :func:`_unmatched` found nothing.
    """
    rows: dict[str, list[IndicatorRow | GoalRow]] = {}
    for target in target_rows(row):
        rows.setdefault(row_name(target), []).append(target)
    used: dict[str, int] = {}
    out = []
    for item in actuals.indicators:
        n = used.get(item.indicator, 0)
        used[item.indicator] = n + 1
        out.append((rows[item.indicator][n], item))
    return out


def _with_kept_scores(
    row: TargetTableRow, report: ActualReportRow | None, actuals: ProjectActuals
) -> ProjectActuals:
    """``actuals`` with the stored manual score of each item it gives none for."""
    stored = {_key(i): i for i in report.items if i.manual_score is not None} if report else {}
    if not stored:
        return actuals
    items = []
    for target, item in _slots(row, actuals):
        kept = stored.get(target.id)
        if item.manual is None and kept is not None and not item.not_applicable:
            item = replace(
                item, manual=ManualScore(kept.manual_score or 0.0, kept.manual_reason or "")
            )
        items.append(item)
    # A row the new report leaves out keeps its manual score (with no value of its own).
    given = {item.indicator for item in actuals.indicators}
    for target in target_rows(row):
        kept = stored.get(target.id)
        if kept is not None and row_name(target) not in given:
            manual = ManualScore(kept.manual_score or 0.0, kept.manual_reason or "")
            items.append(IndicatorActual(row_name(target), None, manual=manual))
    return replace(actuals, indicators=tuple(items))


def _domain_target(row: TargetTableRow) -> Project | OverallTargets:
    return overall_of(row) if row.kind == OVERALL else project_of(row)


def _score(
    row: TargetTableRow,
    actuals: ProjectActuals,
    scheme: ScoringScheme,
    target: Project | OverallTargets | None = None,
) -> ProjectScore:
    """The table's score (``target``: its domain object, when the caller has built it)."""
    target = target if target is not None else _domain_target(row)
    if isinstance(target, OverallTargets):
        return score_overall(target, actuals, scheme)
    return score_project(target, actuals, scheme)


def length_problems(actuals: ProjectActuals, where: str = "", item_word: str = "指标") -> list[str]:
    """Texts of ``actuals`` longer than their limits (domain.limits), in Chinese, each naming
    the indicator (or work item) and the field: a report with a 100,000-character 偏差原因
    is refused before anything is stored."""
    problems: list[str] = []
    message = too_long("execution_reason", actuals.execution_reason)
    if message is not None:
        problems.append(f"{where}的{message}" if where else message)
    for item in actuals.indicators:
        texts = {
            "value": item.value.text if item.value is not None else None,
            "forecast": item.forecast.text if item.forecast is not None else None,
            "deviation": item.deviation.text if item.deviation is not None else None,
            "measures": item.measures,
            "reason": item.manual.reason if item.manual is not None else None,
        }
        for field, text in texts.items():
            message = too_long(field, text)
            if message is not None:
                problems.append(
                    f"{cell_prefix(item)}{where}{item_word}“{item.indicator}”的{message}"
                )
    return problems


def _problems(row: TargetTableRow, actuals: ProjectActuals, scheme: ScoringScheme) -> list[str]:
    """Everything wrong with ``actuals`` for this table (empty: it may be saved)."""
    word = "工作任务" if row.kind == OVERALL else "指标"
    problems = _unmatched(row, actuals) + length_problems(actuals, _label(row), word)
    for label, amount in (
        ("全年预算数", actuals.budget),
        ("执行数", actuals.executed),
        ("年初预算数", actuals.budget_initial),
    ):
        if amount is not None and not (amount >= 0 and amount < float("inf")):
            problems.append(f"{_label(row)}的{label}应为不小于 0 的数字，不是 {amount}")
    if problems:
        return problems
    target = _target(row)
    problems = value_problems(target, replace(actuals, project=target.name))
    if problems or actuals.period is not Period.FULL_YEAR:
        return problems
    try:
        _score(row, actuals, scheme)
    except ScoringError as exc:
        return [f"{_label(row)}：{p}" for p in exc.problems]
    return []


def _item_row(target: IndicatorRow | GoalRow, item: IndicatorActual) -> ActualItemRow:
    category = item.deviation.category if item.deviation else None
    return ActualItemRow(
        indicator_id=target.id if isinstance(target, IndicatorRow) else None,
        goal_id=target.id if isinstance(target, GoalRow) else None,
        value=value_to_dict(item.value),
        forecast=value_to_dict(item.forecast),
        likelihood=item.likelihood.value if item.likelihood else None,
        deviation_category=category.value if category else None,
        deviation=item.deviation.text.strip() if item.deviation else "",
        measures=item.measures.strip(),
        manual_score=item.manual.score if item.manual else None,
        manual_reason=item.manual.reason.strip() if item.manual else None,
        not_applicable=item.not_applicable,
        weight=item.weight,
        reported_score=item.reported_score,
        source=location_to_dict(item.source),
    )


def _write(
    session: Session,
    row: TargetTableRow,
    report: ActualReportRow | None,
    actuals: ProjectActuals,
    actor: Actor,
    month: int | None,
) -> ActualReportRow:
    if report is None:
        report = ActualReportRow(table_id=row.id, period=actuals.period.value)
        session.add(report)
    report.month = month if actuals.period is Period.HALF_YEAR else None
    report.budget_initial = _to_store(actuals.budget_initial)
    report.budget = _to_store(actuals.budget)
    report.executed = _to_store(actuals.executed)
    report.money_unit = actuals.money_unit if actuals.money_unit in MONEY_UNITS else DEFAULT_UNIT
    report.execution_reason = actuals.execution_reason.strip()
    report.source = location_to_dict(actuals.source)
    report.updated_by = actor.username
    # Always an UPDATE of the report row, so that its lock moves even when only items change.
    report.updated_at = utcnow()
    if report.items:
        report.items.clear()
        session.flush()  # the old items go before the new ones take their keys
    report.items.extend(_item_row(t, i) for t, i in _slots(row, actuals))
    session.flush()
    return report


# -- saving -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedReport:
    table_id: int
    kind: str  # "project" | "overall"
    name: str  # the project, or the unit for an overall table
    items: int
    created: bool


@dataclass(frozen=True, slots=True)
class SaveResult:
    period: Period
    fiscal_year: int | None
    reports: tuple[SavedReport, ...]


def _in_year(year: int | None) -> ColumnElement[bool]:
    """Tables of ``year`` (None: tables that name no year)."""
    column = TargetTableRow.fiscal_year
    return column.is_(None) if year is None else column == year


def _tables(
    session: Session, kind: str, year: int | None, names: Iterable[str], unit: str | None
) -> dict[str, list[TargetTableRow]]:
    """Tables of ``kind`` and ``year`` by project name (kind project) or unit (overall)."""
    wanted = set(names)
    if not wanted:
        return {}
    query = (
        select(TargetTableRow)
        .join(UnitRow)
        .where(TargetTableRow.kind == kind)
        .options(selectinload(TargetTableRow.indicators), selectinload(TargetTableRow.goals))
    )
    query = query.where(_in_year(year))
    if kind == OVERALL:
        query = query.where(UnitRow.name.in_(wanted))
    else:
        query = query.where(TargetTableRow.name.in_(wanted))
    if unit is not None:
        query = query.where(UnitRow.name == unit)
    found: dict[str, list[TargetTableRow]] = {}
    for row in session.execute(query.order_by(TargetTableRow.id)).unique().scalars():
        found.setdefault(_owner(row), []).append(row)
    return found


def _save(
    uow: UnitOfWork,
    row: TargetTableRow,
    report: ActualReportRow | None,
    actuals: ProjectActuals,
    actor: Actor,
    month: int | None,
) -> SavedReport:
    """Write one checked report and its audit entry (the whole report before and after)."""
    before = _report_dict(report, row)
    written = _write(uow.session, row, report, actuals, actor, month)
    uow.audit(
        actor.username,
        "actuals.save",
        "actual_report",
        written.id,
        table_id=row.id,
        before=before,
        after=_report_dict(written, row),
    )
    return SavedReport(row.id, row.kind, _owner(row), len(written.items), before is None)


def save_document(
    uow: UnitOfWork,
    actor: Actor,
    doc: ActualsDocument,
    *,
    where: str = "完成情况",
    unit: str | None = None,
    scheme: ScoringScheme | None = None,
) -> SaveResult:
    """Save every report of ``doc`` (projects by name, units as a whole), or none of them.

    ``unit`` limits the projects looked up to one unit (a unit user is always limited to
    its own).  Raises :class:`Refused` listing every problem, :class:`PermissionDenied` when
    the actor may not report for one of the tables.
    """
    with uow:
        result = save_in(uow, actor, doc, where=where, unit=unit, scheme=scheme)
        uow.commit()
        return result


def save_in(
    uow: UnitOfWork,
    actor: Actor,
    doc: ActualsDocument,
    *,
    where: str = "完成情况",
    unit: str | None = None,
    scheme: ScoringScheme | None = None,
) -> SaveResult:
    """:func:`save_document` inside the caller's transaction (the caller commits)."""
    scheme = scheme or ScoringScheme()
    if access.is_unit_user(actor):
        if unit is not None and unit != actor.unit:
            raise PermissionDenied(f"只能填报本单位（{actor.unit or '未指定'}）的完成情况")
        unit = actor.unit
    year = doc.fiscal_year
    session = uow.session
    entries = [(PROJECT, p) for p in doc.projects] + [(OVERALL, u) for u in doc.overall]
    found = {
        kind: _tables(session, kind, year, (a.project for k, a in entries if k == kind), unit)
        for kind in (PROJECT, OVERALL)
    }
    problems: list[str] = []
    denied: list[str] = []
    plan: list[tuple[TargetTableRow, ActualReportRow | None, ProjectActuals]] = []
    seen: set[tuple[str, str]] = set()
    stored = report_rows(
        session, [r.id for rows in found.values() for x in rows.values() for r in x], doc.period
    )
    in_year = f"{year} 年度" if year is not None else "未注明年度"
    scope = f"单位“{unit}”的" if unit else ""
    for kind, actuals in entries:
        what = "项目" if kind == PROJECT else "单位"
        if (kind, actuals.project) in seen:
            problems.append(f"{what}“{actuals.project}”出现了不止一次")
            continue
        seen.add((kind, actuals.project))
        rows = found[kind].get(actuals.project, [])
        if not rows:
            table = "项目绩效目标表" if kind == PROJECT else "部门整体绩效目标表"
            problems.append(f"{what}“{actuals.project}”没有{scope}{in_year}{table}")
            continue
        if len(rows) > 1:
            units = "、".join(r.unit.name for r in rows)
            problems.append(f"项目“{actuals.project}”在多个单位都有（{units}），请按单位分别导入")
            continue
        row = rows[0]
        decision = access.allowed(actor, Action.REPORT, ref_of(row))
        if not decision:
            denied.append(f"{_label(row)}：{decision.reason}")
            continue
        mismatch = _unmatched(row, actuals)
        if mismatch:
            problems.extend(mismatch)
            continue
        report = stored.get(row.id)
        merged = _with_kept_scores(row, report, replace(actuals, project=_owner(row)))
        problems.extend(_problems(row, merged, scheme))
        plan.append((row, report, merged))
    if denied:
        raise PermissionDenied("；".join(denied))
    if problems:
        raise _refused(where, problems)
    saved = [_save(uow, row, report, actuals, actor, doc.month) for row, report, actuals in plan]
    return SaveResult(doc.period, year, tuple(saved))


def save_report(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    actuals: ProjectActuals,
    *,
    month: int | None = None,
    expected_lock: int | None = None,
    scheme: ScoringScheme | None = None,
) -> SavedReport:
    """Save one table's report (the web form); ``expected_lock`` guards against lost updates."""
    scheme = scheme or ScoringScheme()
    with uow:
        session = uow.session
        row = uow.tables.get(table_id)
        access.require(actor, Action.REPORT, ref_of(row))
        report = report_row(session, row.id, actuals.period)
        if expected_lock is not None and report is not None and report.lock != expected_lock:
            raise Conflict(
                f"{_label(row)}的{PERIOD_LABELS[actuals.period.value]}已被"
                f"{report.updated_by}修改，请刷新后再填报",
                _report_dict(report, row),
            )
        actuals = replace(actuals, project=_owner(row))
        problems = _unmatched(row, actuals)
        if not problems:
            actuals = _with_kept_scores(row, report, actuals)
            problems = _problems(row, actuals, scheme)
        if problems:
            raise _refused(_label(row), problems)
        saved = _save(uow, row, report, actuals, actor, month)
        uow.commit()
        return saved


def set_manual_score(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    row_id: int,
    score: float | None,
    reason: str,
    *,
    scheme: ScoringScheme | None = None,
) -> ProjectScore:
    """Set (or, with ``score`` None, clear) the manual score of one indicator or work item.

    The year-end report must exist; the score is checked by the scoring rules (within the
    band of a qualitative result, within [0, weight] otherwise) and a reason is required
    either way.  Audited as ``score.adjust`` with the score and reason before and after.
    Returns the table's new score.
    """
    scheme = scheme or ScoringScheme()
    reason = reason.strip()
    if not reason:
        raise Invalid("人工评分须说明理由", "reason")
    message = too_long("reason", reason)
    if message is not None:
        raise Invalid(f"人工评分的{message}", "reason")
    with uow:
        session = uow.session
        row = uow.tables.get(table_id)
        access.require(actor, Action.RESCORE, ref_of(row))
        report = report_row(session, row.id, Period.FULL_YEAR)
        if report is None:
            raise Invalid(f"{_label(row)}尚未填报全年实际完成情况，不能人工评分", "score")
        target = next((t for t in target_rows(row) if t.id == row_id), None)
        if target is None:
            raise NotFound(f"{_label(row)}没有编号为 {row_id} 的指标")
        item = next((i for i in report.items if _key(i) == row_id), None)
        if item is None:
            item = _item_row(target, IndicatorActual(row_name(target), None))
            report.items.append(item)
        before = {
            "name": row_name(target),
            "score": item.manual_score,
            "reason": item.manual_reason,
        }
        item.manual_score = score
        item.manual_reason = reason if score is not None else None
        session.flush()
        session.refresh(report)
        try:
            result = _score(row, actuals_of(row, report), scheme)
        except ScoringError as exc:
            raise Invalid("；".join(exc.problems), "score") from None
        uow.audit(
            actor.username,
            "score.adjust",
            "actual_item",
            item.id,
            table_id=row.id,
            before=before,
            after={"name": row_name(target), "score": score, "reason": reason},
        )
        report.updated_by = actor.username
        uow.commit()
        return result


# -- reading ------------------------------------------------------------------------------


def report(
    uow: UnitOfWork, table_id: int, period: str | Period, actor: Actor | None = None
) -> ProjectActuals | None:
    """A table's stored actuals for the period (None when nothing was reported)."""
    wanted = parse_period(period)
    with uow:
        row = uow.tables.get(table_id)
        _may_read(actor, row)
        found = report_row(uow.session, table_id, wanted)
        return None if found is None else actuals_of(row, found)


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of the actuals form: the target and what was reported."""

    row_id: int
    name: str
    level1: str  # 一级指标, or 部门职能 for a work item
    level2: str  # 二级指标, or 年度目标
    target: str | None  # 年度指标值
    half_year: str | None  # 半年指标值
    actual: IndicatorActual | None


@dataclass(frozen=True, slots=True)
class ActualsForm:
    table_id: int
    kind: str
    name: str
    unit: str
    fiscal_year: int | None
    period: Period
    report: ProjectActuals | None
    lock: int | None
    month: int | None
    updated_by: str | None
    rows: tuple[FormRow, ...]
    can_report: bool
    can_rescore: bool
    # The unit the form's amounts are shown and typed in: the target table's (元 / 千元 / 万元).
    money_unit: str = DEFAULT_UNIT


def _text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else str(value.get("text", "")).strip() or None


def form(uow: UnitOfWork, table_id: int, period: str | Period, actor: Actor | None) -> ActualsForm:
    """What the actuals page shows: each target row with its reported actual."""
    wanted = parse_period(period)
    with uow:
        row = uow.tables.get(table_id)
        _may_read(actor, row)
        stored = report_row(uow.session, table_id, wanted)
        domain = actuals_of(row, stored) if stored is not None else None
        by_key = {_key(i): i for i in stored.items} if stored is not None else {}
        names = {t.id: row_name(t) for t in target_rows(row)}
        rows = []
        for target in target_rows(row):
            item = by_key.get(target.id)
            actual = _domain_item(names[target.id], item) if item is not None else None
            if isinstance(target, GoalRow):
                rows.append(
                    FormRow(
                        target.id,
                        target.work,
                        target.function,
                        target.goal,
                        _text(target.target),
                        None,
                        actual,
                    )
                )
            else:
                rows.append(
                    FormRow(
                        target.id,
                        target.name,
                        target.level1,
                        target.level2,
                        _text(target.full_year) or _text(target.long_term),
                        _text(target.half_year),
                        actual,
                    )
                )
        ref = ref_of(row)
        return ActualsForm(
            table_id=row.id,
            kind=row.kind,
            name=row.name,
            unit=row.unit.name,
            fiscal_year=row.fiscal_year,
            period=wanted,
            report=domain,
            lock=stored.lock if stored is not None else None,
            month=stored.month if stored is not None else None,
            updated_by=stored.updated_by if stored is not None else None,
            rows=tuple(rows),
            can_report=access.may(actor, Action.REPORT, ref),
            can_rescore=access.may(actor, Action.RESCORE, ref),
            money_unit=row.funds_unit if row.funds_unit in MONEY_UNITS else DEFAULT_UNIT,
        )


@dataclass(frozen=True, slots=True)
class TableEvaluation:
    """A table's year-end score, or why it cannot be scored yet."""

    table_id: int
    kind: str
    name: str
    unit: str
    target: Project | OverallTargets
    actuals: ProjectActuals | None
    score: ProjectScore | None
    problems: tuple[str, ...]  # why there is no score (nothing reported, invalid input)


def _evaluation(row: TargetTableRow, session: Session, scheme: ScoringScheme) -> TableEvaluation:
    stored = report_row(session, row.id, Period.FULL_YEAR)
    target = _domain_target(row)
    if stored is None:
        return TableEvaluation(
            row.id,
            row.kind,
            _owner(row),
            row.unit.name,
            target,
            None,
            None,
            ("尚未填报全年实际完成情况",),
        )
    actuals = actuals_of(row, stored)
    try:
        score = _score(row, actuals, scheme, target)
    except ScoringError as exc:
        return TableEvaluation(
            row.id, row.kind, _owner(row), row.unit.name, target, actuals, None, exc.problems
        )
    return TableEvaluation(row.id, row.kind, _owner(row), row.unit.name, target, actuals, score, ())


def evaluate_table(
    uow: UnitOfWork,
    table_id: int,
    scheme: ScoringScheme | None = None,
    actor: Actor | None = None,
) -> TableEvaluation:
    with uow:
        row = uow.tables.get(table_id)
        _may_read(actor, row)
        return evaluate_in(uow, row, scheme)


def evaluate_in(
    uow: UnitOfWork, row: TargetTableRow, scheme: ScoringScheme | None = None
) -> TableEvaluation:
    """:func:`evaluate_table` of a table already read (and its reading allowed) inside the
    caller's unit of work."""
    return _evaluation(row, uow.session, scheme or ScoringScheme())


@dataclass(frozen=True, slots=True)
class UnitEvaluation:
    """A unit's self-evaluation: the unit as a whole and each of its projects."""

    unit: str
    fiscal_year: int | None
    overall: TableEvaluation | None
    projects: tuple[TableEvaluation, ...]

    @property
    def scored(self) -> tuple[TableEvaluation, ...]:
        return tuple(p for p in self.projects if p.score is not None)

    @property
    def average(self) -> float | None:
        """The projects' mean total (half up, as the CLI's unit summary)."""
        return mean_score([p.score.total for p in self.projects if p.score is not None])

    @property
    def grades(self) -> dict[str, int]:
        counts = dict.fromkeys(("优", "良", "中", "差"), 0)
        for p in self.projects:
            if p.score is not None:
                counts[p.score.grade.value] += 1
        return counts


def _may_read(actor: Actor | None, row: TargetTableRow) -> None:
    if actor is not None:
        access.require(actor, access.Read.TABLE, ref_of(row))


def _unit_tables(
    session: Session, unit: str, year: int | None, reader: Actor | None = None
) -> list[TargetTableRow]:
    """The unit's tables of the year that ``reader`` may read (None: the command line)."""
    if reader is not None:
        found = (
            session.execute(select(UnitRow).where(UnitRow.name == unit))
            .unique()
            .scalar_one_or_none()
        )
        if found is not None:
            department = found.department.name if found.department else None
            ref = TableRef(unit=unit, department=department, status=Status.APPROVED)
            access.require(reader, access.Read.UNIT, ref)
    query = (
        select(TargetTableRow)
        .join(UnitRow)
        .where(UnitRow.name == unit)
        .where(_in_year(year))
        .where(access.table_scope(reader))
        .order_by(TargetTableRow.id)
    )
    rows = list(session.execute(query).unique().scalars())
    if not rows:
        raise NotFound(f"单位“{unit}”没有{year if year is not None else ''}年度的绩效目标表")
    return rows


def evaluate_unit(
    uow: UnitOfWork,
    unit: str,
    year: int | None,
    scheme: ScoringScheme | None = None,
    actor: Actor | None = None,
) -> UnitEvaluation:
    scheme = scheme or ScoringScheme()
    with uow:
        rows = _unit_tables(uow.session, unit, year, actor)
        overall = next((r for r in rows if r.kind == OVERALL), None)
        return UnitEvaluation(
            unit=unit,
            fiscal_year=year,
            overall=_evaluation(overall, uow.session, scheme) if overall is not None else None,
            projects=tuple(_evaluation(r, uow.session, scheme) for r in rows if r.kind == PROJECT),
        )


@dataclass(frozen=True, slots=True)
class UnitMonitoring:
    unit: str
    fiscal_year: int | None
    month: int
    monitors: tuple[tuple[int, ProjectMonitor], ...]  # (table id, monitor)
    not_reported: tuple[tuple[int, str], ...]  # (table id, project) without checkpoint actuals
    summary: UnitSummary | None


def monitor_table(
    uow: UnitOfWork,
    table_id: int,
    config: MonitoringConfig | None = None,
    actor: Actor | None = None,
) -> ProjectMonitor | None:
    """The checkpoint monitoring of a project table (None when nothing was reported)."""
    with uow:
        row = uow.tables.get(table_id)
        _may_read(actor, row)
        return monitor_in(uow, row, config)


def monitor_in(
    uow: UnitOfWork, row: TargetTableRow, config: MonitoringConfig | None = None
) -> ProjectMonitor | None:
    """:func:`monitor_table` of a table already read (and its reading allowed) inside the
    caller's unit of work."""
    if row.kind != PROJECT:
        raise Invalid("运行监控按项目进行，部门整体绩效目标表没有监控表", "table")
    stored = report_row(uow.session, row.id, Period.HALF_YEAR)
    if stored is None:
        return None
    config = config or MonitoringConfig()
    if stored.month is not None and config.month != stored.month:
        config = replace(config, month=stored.month)
    return monitor_project(project_of(row), actuals_of(row, stored), config)


def monitor_unit(
    uow: UnitOfWork,
    unit: str,
    year: int | None,
    config: MonitoringConfig | None = None,
    actor: Actor | None = None,
) -> UnitMonitoring:
    config = config or MonitoringConfig()
    with uow:
        rows = [r for r in _unit_tables(uow.session, unit, year, actor) if r.kind == PROJECT]
        monitors: list[tuple[int, ProjectMonitor]] = []
        missing: list[tuple[int, str]] = []
        for row in rows:
            stored = report_row(uow.session, row.id, Period.HALF_YEAR)
            if stored is None:
                missing.append((row.id, row.name))
                continue
            monitors.append(
                (
                    row.id,
                    monitor_project(project_of(row), actuals_of(row, stored), config),
                )
            )
        summaries = summarize([(unit, m) for _, m in monitors], config)
        return UnitMonitoring(
            unit,
            year,
            config.month,
            tuple(monitors),
            tuple(missing),
            summaries[0] if summaries else None,
        )


# -- files: the unit's XLSX template, uploads, the official workbooks ---------------------


def overall_name(unit: str) -> str:
    """How a unit's overall table (部门整体) appears among the projects of its template."""
    return f"{unit}（部门整体）"


def template(
    uow: UnitOfWork,
    unit: str,
    year: int | None,
    period: str | Period,
    *,
    month: int | None = None,
    actor: Actor | None = None,
) -> bytes:
    """The unit's XLSX template for the period, pre-filled with what it already reported.

    The overall table's work items come first, as the project “<unit>（部门整体）”.
    """
    from jixiao.interchange.actuals_xlsx import write_actuals_template

    wanted = parse_period(period)
    with uow:
        rows = _unit_tables(uow.session, unit, year, actor)
        targets: list[Project] = []
        filled: dict[str, ProjectActuals] = {}
        for row in sorted(rows, key=lambda r: r.kind != OVERALL):
            target = _target(row)
            if row.kind == OVERALL:
                target = replace(target, name=overall_name(unit))
            targets.append(target)
            stored = report_row(uow.session, row.id, wanted)
            if stored is not None:
                filled[target.name] = replace(actuals_of(row, stored), project=target.name)
                if month is None and stored.month is not None:
                    month = stored.month
    return write_actuals_template(
        targets, unit=unit, fiscal_year=year, period=wanted, month=month, filled=filled
    )


def import_file(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    data: bytes,
    *,
    unit: str | None = None,
    scheme: ScoringScheme | None = None,
) -> SaveResult:
    """Read an uploaded file (:func:`imports.read_actuals`) and save it (:func:`save_document`)."""
    doc = imports.read_actuals(name, data)
    return save_document(uow, actor, doc, where=name, unit=unit, scheme=scheme)


def self_evaluation_workbook(
    uow: UnitOfWork,
    unit: str,
    year: int,
    *,
    table_id: int | None = None,
    scheme: ScoringScheme | None = None,
    actor: Actor | None = None,
) -> bytes:
    """The official 绩效自评表 workbook of a unit (or of one of its projects).

    Tables without a score (nothing reported, or input that cannot be scored) are left
    out; :class:`Invalid` when none is left.
    """
    from jixiao.export import self_evaluation_workbook as workbook

    evaluation = evaluate_unit(uow, unit, year, scheme, actor)
    projects = [p for p in evaluation.projects if table_id is None or p.table_id == table_id]
    items = [
        (p.target, p.actuals, p.score)
        for p in projects
        if p.score is not None and p.actuals is not None and isinstance(p.target, Project)
    ]
    overall = None
    o = evaluation.overall
    if (
        table_id in (None, o.table_id if o else None)
        and o is not None
        and o.score is not None
        and o.actuals is not None
        and isinstance(o.target, OverallTargets)
    ):
        overall = (o.target, o.actuals, o.score)
        if table_id is not None:
            items = []
    if not items and overall is None:
        raise Invalid("没有可导出的绩效自评结果（尚未填报全年实际完成情况）", "table")
    return workbook(items, fiscal_year=year, unit=unit, overall=overall)


def monitoring_workbook(
    uow: UnitOfWork,
    unit: str,
    year: int,
    config: MonitoringConfig | None = None,
    actor: Actor | None = None,
) -> bytes:
    """The 绩效监控表 workbook of a unit's projects at the checkpoint."""
    from jixiao.export import monitoring_workbook as workbook

    found = monitor_unit(uow, unit, year, config, actor)
    if not found.monitors:
        raise Invalid("没有可导出的运行监控结果（尚未填报半年完成情况）", "table")
    summaries = [found.summary] if found.summary is not None else []
    return workbook([m for _, m in found.monitors], summaries, fiscal_year=year, month=found.month)


def previous_actuals(session: Session, row: TargetTableRow) -> dict[str, Any]:
    """Last year's year-end actuals of the same project of the same unit, by indicator name.

    For rule JX310 (a target below last year's actual).
    """
    if row.kind != PROJECT or row.fiscal_year is None:
        return {}
    last = session.execute(
        select(TargetTableRow).where(
            TargetTableRow.kind == PROJECT,
            TargetTableRow.unit_id == row.unit_id,
            TargetTableRow.name == row.name,
            TargetTableRow.fiscal_year == row.fiscal_year - 1,
        )
    ).scalar_one_or_none()
    if last is None:
        return {}
    stored = report_row(session, last.id, Period.FULL_YEAR)
    if stored is None:
        return {}
    found: dict[str, Any] = {}
    for item in actuals_of(last, stored).indicators:
        if item.value is not None and not item.not_applicable:
            found.setdefault(item.indicator, item.value)
    return found


def previous_by_project(
    uow: UnitOfWork, table_ids: Mapping[str, int], reader: Actor | None = None
) -> dict[str, Any]:
    """Last year's actuals for each project table (name → id), for reviewing a document;
    only the tables ``reader`` may read (None: the command line)."""
    found: dict[str, Any] = {}
    with uow:
        for name, table_id in table_ids.items():
            row = uow.session.get(TargetTableRow, table_id)
            if row is None or row.kind != PROJECT:
                continue
            if reader is None or access.may(reader, access.Read.TABLE, ref_of(row)):
                values = previous_actuals(uow.session, row)
                if values:
                    found[name] = values
    return found


__all__ = [
    "PERIOD_LABELS",
    "ActualsForm",
    "FormRow",
    "Refused",
    "SaveResult",
    "SavedReport",
    "TableEvaluation",
    "UnitEvaluation",
    "UnitMonitoring",
    "evaluate_table",
    "evaluate_unit",
    "form",
    "import_file",
    "monitor_table",
    "monitor_unit",
    "monitoring_config",
    "monitoring_workbook",
    "overall_name",
    "parse_period",
    "previous_actuals",
    "previous_by_project",
    "report",
    "save_document",
    "save_report",
    "scoring_scheme",
    "self_evaluation_workbook",
    "set_manual_score",
    "template",
]
