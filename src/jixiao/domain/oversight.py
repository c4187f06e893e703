"""Oversight facts (监督): what a People's Congress, finance bureau or audit office looks at
for each table, computed once and kept, so that a view across thousands of units only
counts and ranks.

Public API::

    table_facts(target, *, half=None, full=None, previous=None, ...) -> TableFacts
    size_class(amount) -> int            # project size by budget (SIZE_CLASSES)
    WARNINGS: code → WarningRule         # early warnings (预警), documented one by one

:func:`table_facts` runs the review (绩效目标审核), the checkpoint monitoring (运行监控)
and the year-end scoring (绩效自评) of one table with what is known of it, and derives
the early warnings below.  Pure: no I/O; the store keeps the result (one row per table,
one per finding) and the dashboards aggregate it in the database.

Early warnings (预警), each from facts already computed:

====== ==================== ==============================================================
code   summary              when
====== ==================== ==============================================================
JXW00  无法监控或评分        the stored actuals do not fit the targets (changed since), so
                            the table cannot be monitored or scored
JXW01  预算执行滞后          the checkpoint execution light is red (时间进度调整后执行率
                            below the red threshold)
JXW02  指标进度红灯          at the checkpoint an indicator's light is red
JXW03  预计无法完成          at the checkpoint an indicator is reported 完全不可能 to meet
                            its target
JXW04  目标低于上年实际      a target is set below last year's actual (review rule JX310)
JXW05  连续两年偏差          an indicator fell short last year (scored below its weight)
                            and falls short again (below its weight at year end, or a red
                            or yellow light at the checkpoint before the year end is known)
JXW06  资金使用效果差        at year end the self-evaluation grade is 差 (below 60 points)
                            although money was spent
JXW07  偏差未说明原因        a shortfall without its reason: a red/yellow light without
                            偏差原因 (JXM1), a lagging execution without a reason (JXM2), or
                            a year-end score below the weight without 偏差原因
====== ==================== ==============================================================
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from jixiao.domain._pickling import by_fields
from jixiao.domain.actuals import ActualsError, Likelihood, ProjectActuals
from jixiao.domain.model import OverallTargets, Project
from jixiao.domain.monitoring import (
    DEFAULT_CONFIG,
    Light,
    MonitoringConfig,
    ProjectMonitor,
    monitor_project,
)
from jixiao.domain.review import (
    DEFAULT,
    ReviewConfig,
    review_overall,
    review_project,
    suggest_grade,
)
from jixiao.domain.scoring import (
    DEFAULT_SCHEME,
    ProjectScore,
    ScoringError,
    ScoringScheme,
    score_overall,
    score_project,
)
from jixiao.domain.taxonomy import OUTPUT
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import Grade

__all__ = [
    "SIZE_CLASSES",
    "WARNINGS",
    "Checkpoint",
    "Fact",
    "TableFacts",
    "WarningRule",
    "YearEnd",
    "size_class",
    "table_facts",
]

#: Project size by budget (万元): (label, lower bound); a class holds amounts from its bound
#: up to the next one's.
SIZE_CLASSES: tuple[tuple[str, float], ...] = (
    ("50万元以下", 0.0),
    ("50–500万元", 50.0),
    ("500–5000万元", 500.0),
    ("5000万元以上", 5000.0),
)


def size_class(amount: float | None) -> int | None:
    """The index in SIZE_CLASSES of a budget, or None when unknown (or negative)."""
    if amount is None or amount != amount or amount < 0:
        return None
    found = 0
    for k, (_, bound) in enumerate(SIZE_CLASSES):
        if amount >= bound:
            found = k
    return found


@dataclass(frozen=True, slots=True)
class WarningRule:
    code: str
    summary: str
    explanation: str


WARNINGS: Mapping[str, WarningRule] = {
    rule.code: rule
    for rule in (
        WarningRule("JXW00", "无法监控或评分", "完成情况与绩效目标表不符（目标修改后未更新）"),
        WarningRule("JXW01", "预算执行滞后", "运行监控时预算执行进度为红灯"),
        WarningRule("JXW02", "指标进度红灯", "运行监控时有绩效指标为红灯"),
        WarningRule("JXW03", "预计无法完成", "运行监控时有绩效指标报告“完全不可能”完成"),
        WarningRule("JXW04", "目标低于上年实际", "指标值低于上年实际完成值（审核规则 JX310）"),
        WarningRule("JXW05", "连续两年偏差", "同一指标上年未达标，本年再次未达标"),
        WarningRule("JXW06", "资金使用效果差", "资金已支出，绩效自评等级为“差”"),
        WarningRule("JXW07", "偏差未说明原因", "未达标或执行滞后，但没有说明偏差原因"),
    )
}

#: Where a fact comes from: a review finding (JX…), a monitoring finding (JXM…), an early
#: warning (JXW…).
REVIEW, MONITOR, WARNING = "review", "monitor", "warning"


@by_fields
@dataclass(frozen=True, slots=True)
class Fact:
    """A finding of the review or the monitoring, or an early warning, of one table.

    ``position`` is the indicator's (or goal's) index in the table, when it concerns one.
    """

    source: str  # REVIEW, MONITOR or WARNING
    code: str
    severity: str  # error, warning, info
    message: str
    indicator: str | None = None
    position: int | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The checkpoint monitoring (运行监控) of a project."""

    month: int
    budget: float | None  # 全年预算数, 万元
    executed: float | None
    rate: float | None  # % of the budget executed
    time_adjusted: float | None  # % after time progress
    light: Light  # the execution light
    red: int  # indicator lights
    yellow: int
    green: int
    unjudged: int


@by_fields
@dataclass(frozen=True, slots=True)
class YearEnd:
    """The year-end self-evaluation (绩效自评) of a table."""

    budget: float | None  # 全年预算数, 万元
    executed: float | None
    rate: float | None  # % of the budget executed
    score: float
    grade: Grade
    shortfalls: int  # indicators scored below their weight


@by_fields
@dataclass(frozen=True, slots=True)
class TableFacts:
    """What oversight keeps of one table: its review, and its checkpoint and year end
    when their actuals are known; ``facts`` are the findings and early warnings."""

    indicators: int
    review_grade: Grade
    review_errors: int
    review_warnings: int
    checkpoint: Checkpoint | None = None
    year_end: YearEnd | None = None
    facts: tuple[Fact, ...] = ()
    # the indicators scored below their weight at year end (next year's JXW05 looks here)
    short: frozenset[str] = frozenset()

    @property
    def warnings(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.source == WARNING)


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _positions(names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for k, name in enumerate(names):
        found.setdefault(name, k)
    return found


def _warn(code: str, message: str, indicator: str | None, at: Mapping[str, int]) -> Fact:
    return Fact(
        WARNING,
        code,
        "warning",
        message,
        indicator,
        at.get(indicator) if indicator is not None else None,
    )


def _previous_values(previous: ProjectActuals | None) -> dict[str, TargetValue]:
    values: dict[str, TargetValue] = {}
    for item in previous.indicators if previous is not None else ():
        if item.value is not None and not item.not_applicable:
            values.setdefault(item.indicator, item.value)
    return values


def _short_last_year(
    previous: tuple[Project, ProjectActuals] | None, scheme: ScoringScheme
) -> set[str]:
    if previous is None:
        return set()
    project, actuals = previous
    try:
        score = score_project(project, actuals, scheme)
    except (ScoringError, ActualsError, ValueError):
        return set()
    return {i.name for i in score.indicators if i.applicable and i.score < i.weight}


def table_facts(
    target: Project | OverallTargets,
    *,
    half: ProjectActuals | None = None,
    full: ProjectActuals | None = None,
    previous: tuple[Project, ProjectActuals] | None = None,
    previous_short: frozenset[str] | None = None,
    review: ReviewConfig = DEFAULT,
    scheme: ScoringScheme = DEFAULT_SCHEME,
    monitoring: MonitoringConfig = DEFAULT_CONFIG,
) -> TableFacts:
    """The facts of one table: ``half`` and ``full`` are its checkpoint and year-end
    actuals, ``previous`` last year's table of the same project with its year-end actuals;
    ``monitoring`` gives the checkpoint month the ``half`` actuals were reported at.
    ``previous_short``, when known, is last year's :attr:`TableFacts.short` (saves
    scoring last year again).

    Actuals that cannot be monitored or scored (stored before a target changed) give a
    fact saying why instead of the figures; nothing raises.
    """
    facts: list[Fact] = []
    if isinstance(target, OverallTargets):
        names = [g.work for g in target.goals]
        at = _positions(names)
        found = review_overall(target, review)
        grade, _ = suggest_grade(found, review)
    else:
        names = [i.name for i in target.indicators]
        at = _positions(names)
        found = review_project(
            target, review, _previous_values(previous[1] if previous is not None else None)
        )
        has_outputs = any(i.level1 == OUTPUT for i in target.indicators)
        grade, _ = suggest_grade(found, review, has_outputs=has_outputs)
    for f in found:
        facts.append(
            Fact(
                REVIEW,
                f.code,
                f.severity.value,
                f.message,
                f.indicator,
                at.get(f.indicator) if f.indicator is not None else None,
            )
        )
        if f.code == "JX310":
            facts.append(_warn("JXW04", f.message, f.indicator, at))
    monitor: ProjectMonitor | None = None
    if half is not None and isinstance(target, Project):
        try:
            monitor = monitor_project(target, half, monitoring)
        except (ActualsError, ValueError) as error:
            facts.append(Fact(WARNING, "JXW00", "error", f"无法监控：{error}"))
    score: ProjectScore | None = None
    if full is not None:
        try:
            score = (
                score_overall(target, full, scheme)
                if isinstance(target, OverallTargets)
                else score_project(target, full, scheme)
            )
        except (ScoringError, ActualsError, ValueError) as error:
            facts.append(Fact(WARNING, "JXW00", "error", f"无法评分：{error}"))

    short_before: Collection[str] = set()
    if isinstance(target, Project):
        short_before = (
            previous_short if previous_short is not None else _short_last_year(previous, scheme)
        )
    checkpoint: Checkpoint | None = None
    if monitor is not None:
        for mf in monitor.findings:
            facts.append(
                Fact(
                    MONITOR,
                    mf.code,
                    "warning",
                    mf.message,
                    mf.indicator,
                    at.get(mf.indicator or ""),
                )
            )
            if mf.code in ("JXM1", "JXM2"):
                facts.append(_warn("JXW07", mf.message, mf.indicator, at))
        if monitor.execution_light is Light.RED:
            facts.append(_warn("JXW01", monitor.execution_basis or "预算执行进度为红灯", None, at))
        for item in monitor.indicators:
            if item.light is Light.RED:
                facts.append(
                    _warn("JXW02", f"指标“{item.name}”为红灯：{item.basis}", item.name, at)
                )
            if item.likelihood == Likelihood.IMPOSSIBLE.value:
                facts.append(
                    _warn("JXW03", f"指标“{item.name}”报告完全不可能完成目标", item.name, at)
                )
            if (
                score is None
                and item.name in short_before
                and item.light in (Light.RED, Light.YELLOW)
            ):
                facts.append(
                    _warn(
                        "JXW05",
                        f"指标“{item.name}”上年未达标，本年运行监控为{_LIGHT_WORD[item.light]}",
                        item.name,
                        at,
                    )
                )
        lights = monitor.lights
        checkpoint = Checkpoint(
            month=monitor.month,
            budget=_float(monitor.budget),
            executed=_float(monitor.executed),
            rate=monitor.execution_rate,
            time_adjusted=monitor.time_adjusted,
            light=monitor.execution_light,
            red=lights.get(Light.RED, 0),
            yellow=lights.get(Light.YELLOW, 0),
            green=lights.get(Light.GREEN, 0),
            unjudged=lights.get(Light.NONE, 0),
        )
    year_end: YearEnd | None = None
    shortfalls = []
    if score is not None and full is not None:
        shortfalls = [i for i in score.indicators if i.applicable and i.score < i.weight]
        for i in shortfalls:
            if i.missing_reason:
                facts.append(
                    _warn("JXW07", f"指标“{i.name}”得分低于分值，没有说明偏差原因", i.name, at)
                )
            if i.name in short_before:
                facts.append(
                    _warn(
                        "JXW05",
                        f"指标“{i.name}”上年未达标，本年得分 {i.score:.2f}/{i.weight:.2f}",
                        i.name,
                        at,
                    )
                )
        executed = _float(full.executed)
        if score.grade is Grade.POOR and executed is not None and executed > 0:
            facts.append(
                _warn(
                    "JXW06",
                    f"执行 {executed:g} 万元，绩效自评 {score.total:.2f} 分（差）",
                    None,
                    at,
                )
            )
        rate = score.execution_rate
        year_end = YearEnd(
            budget=_float(full.budget),
            executed=executed,
            rate=rate * 100 if rate is not None else None,
            score=score.total,
            grade=score.grade,
            shortfalls=len(shortfalls),
        )
    return TableFacts(
        indicators=len(names),
        review_grade=grade,
        review_errors=sum(1 for f in found if f.severity.value == "error"),
        review_warnings=sum(1 for f in found if f.severity.value == "warning"),
        checkpoint=checkpoint,
        year_end=year_end,
        facts=tuple(facts),
        short=frozenset(i.name for i in shortfalls),
    )


_LIGHT_WORD = {Light.RED: "红灯", Light.YELLOW: "黄灯"}
