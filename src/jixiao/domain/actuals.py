"""Actuals (实际完成情况): what a unit reports at the checkpoint and at year end.

At the checkpoint (运行监控, half year by default) a unit reports per indicator the value
reached so far (当前完成值), the expected full-year result (全年预计完成情况), the likelihood
of meeting the target (完成目标可能性) and, where it lags, the reason (偏差原因, by
category) and the remedy (整改措施).  At year end (绩效自评) it reports the actual value
(实际完成值), reasons for shortfalls and improvements (改进措施).  Funds: 年初预算数,
全年预算数 (adjusted) and 执行数, all in 万元.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from jixiao.domain._pickling import by_fields
from jixiao.domain.model import Period, Project
from jixiao.domain.money import DEFAULT_UNIT
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind, Number, TargetValue

#: What a report of each period is called (运行监控 at the checkpoint, 绩效自评 at year end).
PERIOD_LABELS = {"half_year": "运行监控（半年）", "full_year": "绩效自评（全年）"}


class Likelihood(StrEnum):
    """完成目标可能性."""

    CERTAIN = "确定能"
    POSSIBLE = "有可能"
    IMPOSSIBLE = "完全不可能"


class DeviationCategory(StrEnum):
    """偏差原因 categories (DOMAIN.md §4)."""

    FUNDING = "经费保障"
    INSTITUTION = "制度保障"
    STAFF = "人员保障"
    HARDWARE = "硬件条件保障"
    OTHER = "其他"


@by_fields
@dataclass(frozen=True, slots=True)
class Deviation:
    """Why an indicator lags or misses: a category (when given) and the explanation."""

    text: str
    category: DeviationCategory | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class ManualScore:
    """A reviewer's manual score for an indicator, with the reason (always audited)."""

    score: float
    reason: str


@by_fields
@dataclass(frozen=True, slots=True)
class IndicatorActual:
    """What was achieved for one indicator in one period."""

    indicator: str  # the indicator's name (三级指标), as in the target table
    value: TargetValue | None  # 当前完成值 (checkpoint) or 实际完成值 (year end)
    forecast: TargetValue | None = None  # 全年预计完成情况 (checkpoint only)
    likelihood: Likelihood | None = None
    deviation: Deviation | None = None  # 偏差原因
    measures: str = ""  # 改进措施 / 整改措施
    manual: ManualScore | None = None  # year end: a manual score and its reason
    not_applicable: bool = False  # the indicator does not apply (left out, rescaled)
    # As a published self-evaluation table prints them (imported, never computed here):
    weight: float | None = None  # 分值 (the indicator's points)
    reported_score: float | None = None  # 得分 (the unit's own score)
    source: Provenance | None = field(default=None, compare=False)


@by_fields
@dataclass(frozen=True, slots=True)
class ProjectActuals:
    """A project's actuals for one period."""

    project: str
    period: Period  # HALF_YEAR (the checkpoint) or FULL_YEAR (year end)
    budget: Number | None = None  # 全年预算数 (adjusted), 万元
    executed: Number | None = None  # 执行数 to the checkpoint / year end, 万元
    budget_initial: Number | None = None  # 年初预算数, 万元
    execution_reason: str = ""  # why execution is behind (when it is)
    indicators: tuple[IndicatorActual, ...] = ()
    source: Provenance | None = field(default=None, compare=False)
    # The unit the amounts were given in (a form in the table's unit: 元 / 千元 / 万元); the
    # amounts themselves are always in 万元 here, the unit says how to show them again.
    money_unit: str = DEFAULT_UNIT

    def actual(self, indicator: str) -> IndicatorActual | None:
        for item in self.indicators:
            if item.indicator == indicator:
                return item
        return None


@dataclass(frozen=True, slots=True)
class ActualsDocument:
    """The ``jixiao-actuals/1`` document: one period's actuals of any number of projects."""

    fiscal_year: int | None
    period: Period
    projects: tuple[ProjectActuals, ...] = ()
    month: int | None = None  # the checkpoint month, when the file says
    # Units as a whole (部门整体): ``project`` is the unit, indicators are its work items.
    overall: tuple[ProjectActuals, ...] = ()


class ActualsError(ValueError):
    """Actuals that do not fit the targets; ``problems`` lists every one, in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def pair(
    projects: Sequence[Project], actuals: ActualsDocument
) -> list[tuple[Project, ProjectActuals]]:
    """Each project's actuals, matched by name; unknown projects and indicators refused.

    Nothing is paired when anything is wrong: :class:`ActualsError` lists every problem
    (a file with errors saves nothing).
    """
    by_name = {p.name: p for p in projects}
    problems: list[str] = []
    pairs: list[tuple[Project, ProjectActuals]] = []
    seen: set[str] = set()
    for item in actuals.projects:
        if item.project in seen:
            problems.append(f"项目“{item.project}”出现了不止一次")
            continue
        seen.add(item.project)
        project = by_name.get(item.project)
        if project is None:
            problems.append(f"项目“{item.project}”不在绩效目标表中")
            continue
        names = {i.name for i in project.indicators}
        for indicator in item.indicators:
            if indicator.indicator not in names:
                problems.append(f"项目“{item.project}”没有指标“{indicator.indicator}”")
        pairs.append((project, item))
    if problems:
        raise ActualsError(problems)
    return pairs


def not_reported(value: TargetValue | None) -> bool:
    """No value: no cell, blank, or a not-filled marker (/, 无, *, XX)."""
    if value is None or not value.text.strip():
        return True
    return value.kind is Kind.TEXT and value.reason.startswith(("空值", "未填写", "占位符"))


_KIND_NEEDED = {Kind.QUANTITATIVE: "数值", Kind.DATE: "日期"}


def value_problems(project: Project, actuals: ProjectActuals) -> list[str]:
    """Values that cannot be values of their indicator, in Chinese, naming each item.

    A quantitative target needs a number (text such as “很多” or “已完成” is refused), a
    date target a date; the reported value (当前/实际完成值) and the forecast (全年预计完成情况)
    are checked.  Values not reported and indicators the project does not have are left to
    :func:`pair`.
    """
    by_name: dict[str, TargetValue | None] = {}
    for indicator in project.indicators:
        by_name.setdefault(
            indicator.name, indicator.full_year or indicator.long_term or indicator.half_year
        )
    problems: list[str] = []
    for item in actuals.indicators:
        target = by_name.get(item.indicator)
        if target is None or target.kind not in _KIND_NEEDED:
            continue
        for label, value in (("完成值", item.value), ("全年预计完成情况", item.forecast)):
            if not_reported(value) or item.not_applicable:
                continue
            assert value is not None
            if value.kind is not target.kind:
                problems.append(
                    cell_prefix(item)
                    + f"项目“{actuals.project}”指标“{item.indicator}”的{label}“{value.text.strip()}”"
                    f"不是{_KIND_NEEDED[target.kind]}（指标值为“{target.text.strip()}”）"
                )
    return problems


def cell_prefix(item: IndicatorActual) -> str:
    """``sheet!cell：`` when the actual came from a workbook cell, else nothing."""
    where = item.source
    if where is None or where.cell is None:
        return ""
    return f"{where.sheet}!{where.cell}：" if where.sheet else f"{where.cell}："
