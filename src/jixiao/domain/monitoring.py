"""Monitoring (运行监控): traffic lights for budget execution and indicator progress.

"双监控" at the checkpoint month (DOMAIN.md §4): one light for the project's budget
execution and one per indicator, each with a Chinese ``basis`` that says what was compared
with what, and findings for deviations nobody explained.

Public API::

    monitor_project(project, actuals, config=DEFAULT_CONFIG) -> ProjectMonitor
    summarize(pairs, config=DEFAULT_CONFIG) -> list[UnitSummary]    pairs: (group, monitor)
    by_unit(monitors) / by_department(monitors) -> list[(group, monitor)]
    MonitoringConfig.from_mapping(data, where)                      the [monitoring] table

Rules
-----

Budget execution (预算执行进度)
    execution rate = 执行数 / 全年预算数 × 100; time-adjusted execution = execution rate ÷
    (month / 12).  Below ``execution_red_below`` (60) → red, below
    ``execution_yellow_below`` (80) → yellow, otherwise green.  No budget (missing, zero or
    negative) or no 执行数 → :attr:`Light.NONE` and finding JXM5.  Executed above budget is
    judged like any other figure (green) and reported as JXM7.

Indicator progress, in this order (each step can only make the light worse):

1. **Base light from the current value (当前完成值).**  The reference target is the
   half-year target (半年指标值) when the table has a readable one, whatever the month;
   otherwise the annual target (全年指标值).  A *cumulative* indicator without a half-year
   target is compared with the annual target pro rata: target value × month / 12.
   Cumulative means: a quantitative annual target with ≥, > or ＝ and a value above 0,
   whose unit is not a ratio or a score (%, ‰, ‱, 分), and which is not a 质量指标,
   时效指标 or 满意度指标.  Other annual targets (rates, scores, ≤ limits) are compared
   as they stand.

   - quantitative, positive (≥, >) or exact (＝): progress = current ÷ reference × 100
     (values.compare, uncapped; exceeding an exact target is not a lag), then the progress
     thresholds: below ``progress_red_below`` → red, below ``progress_yellow_below`` →
     yellow, otherwise green;
   - quantitative, negative (≤, <): within the target → green, else red (progress shows
     compare's ratio target ÷ current, for information only);
   - qualitative, a result word (达成 / 部分达成 / 未达成, 完成 / 部分完成 / 未完成, long
     forms such as 部分达成年度指标并具有一定效果 accepted): green / yellow / red whatever
     the target; progress is None;
   - qualitative on another scale (好/较好/…, 优/良/…): compared with a qualitative target
     on a common scale: at or above the target → green, one step below → yellow, further
     below → red; progress is None;
   - dates: the target met → green, else red;
   - no current value (no row, empty, ``/``, ``*``) → :attr:`Light.NONE` and JXM3; a value
     that cannot be compared (unreadable, other unit or kind, no target) → NONE and JXM6.
   - an actual marked not applicable → NONE, no finding, no further steps.

2. **Forecast (全年预计完成情况)**, compared with the annual target: a forecast that does
   not reach it turns the light red (for ＝ targets reaching means at least the value; a
   result word other than 达成 / 完成 does not reach).  A forecast that cannot be compared
   is noted in the basis and changes nothing.
3. **Likelihood (完成目标可能性)**: 完全不可能 turns the light red (and is always JXM4);
   有可能 makes a green light yellow; 确定能 changes nothing.  NONE stays NONE under
   有可能 but turns red under a missed forecast or 完全不可能.

A yellow or red indicator without a deviation reason (blank :attr:`Deviation.text`; a
category alone is not a reason) is JXM1; yellow or red execution without
``execution_reason`` is JXM2.  Actuals for an indicator the table does not have: JXM8.

Percentages are snapped to 9 decimals before they are compared, so float noise
(0.6 × 100 = 60.00000000000001) never moves a value across a threshold; in messages they
are cut (not rounded) to 2 decimals, so a printed figure is never on the other side of a
threshold than its light.

Standard library only: part of the pure domain core.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Any

from jixiao.domain.actuals import IndicatorActual, Likelihood, ProjectActuals, not_reported
from jixiao.domain.model import Indicator, Project
from jixiao.domain.taxonomy import SATISFACTION
from jixiao.domain.values import (
    GRADE_SCALES,
    Direction,
    Kind,
    Number,
    Op,
    TargetValue,
    compare,
    format_number,
    grade_rank,
    grade_scales,
)

__all__ = [
    "DEFAULT_CONFIG",
    "FINDING_CODES",
    "LIGHT_LABELS",
    "IndicatorMonitor",
    "Light",
    "MonitorFinding",
    "MonitoringConfig",
    "MonitoringConfigError",
    "ProjectMonitor",
    "UnitSummary",
    "by_department",
    "by_unit",
    "monitor_project",
    "summarize",
]


class Light(StrEnum):
    """A monitoring light (预警灯)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"  # cannot be judged (no data)


LIGHT_LABELS: Mapping[Light, str] = {
    Light.GREEN: "绿灯",
    Light.YELLOW: "黄灯",
    Light.RED: "红灯",
    Light.NONE: "无法判断",
}

#: Finding codes and what they mean.
FINDING_CODES: Mapping[str, str] = {
    "JXM1": "指标出现偏差（黄灯或红灯）但未填写偏差原因",
    "JXM2": "预算执行进度滞后（黄灯或红灯）但未说明原因",
    "JXM3": "指标未填写当前完成值",
    "JXM4": "完成目标可能性为“完全不可能”",
    "JXM5": "缺少预算数或执行数，无法计算预算执行进度",
    "JXM6": "当前完成值无法与目标比较",
    "JXM7": "执行数超过全年预算数",
    "JXM8": "完成情况中的指标不在项目目标表中",
}

_SEVERITY: Mapping[Light, int] = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


# -- configuration ------------------------------------------------------------------------


class MonitoringConfigError(ValueError):
    """A monitoring configuration with an unknown key or a bad value."""


_THRESHOLD_PAIRS: tuple[tuple[str, str], ...] = (
    ("execution_red_below", "execution_yellow_below"),
    ("progress_red_below", "progress_yellow_below"),
)
_KEYS: tuple[str, ...] = ("month", *(key for pair in _THRESHOLD_PAIRS for key in pair))


@dataclass(frozen=True, slots=True)
class MonitoringConfig:
    """The checkpoint month and the light thresholds (percentages)."""

    month: int = 6  # checkpoint month (June is common; 7 or 8 elsewhere)
    execution_red_below: float = 60  # time-adjusted execution (%) below → red
    execution_yellow_below: float = 80  # below → yellow; at or above → green
    progress_red_below: float = 60  # indicator progress (%) of the expected value
    progress_yellow_below: float = 80

    def __post_init__(self) -> None:
        _validate({key: getattr(self, key) for key in _KEYS}, "MonitoringConfig")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> MonitoringConfig:
        """From the ``[monitoring]`` table of a TOML file (every key optional)::

        month = 8
        execution_red_below = 60
        execution_yellow_below = 80
        progress_red_below = 60
        progress_yellow_below = 80
        """
        for key in data:
            if key not in _KEYS:
                raise MonitoringConfigError(
                    f"{where}: unknown key monitoring.{key} (expected {sorted(_KEYS)})"
                )
        default = {key: getattr(DEFAULT_CONFIG, key) for key in _KEYS}
        values = {**default, **{key: data[key] for key in _KEYS if key in data}}
        _validate(values, where)
        return cls(**values)


def _validate(values: Mapping[str, object], where: str) -> None:
    """Refuse a month outside 1–12, a non-numeric threshold, or red not below yellow."""
    month = values["month"]
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise MonitoringConfigError(
            f"{where}: monitoring.month must be a whole number from 1 to 12, got {month!r}"
        )
    for red_key, yellow_key in _THRESHOLD_PAIRS:
        pair: list[float] = []
        for key in (red_key, yellow_key):
            value = values[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise MonitoringConfigError(
                    f"{where}: monitoring.{key} must be a number, got {value!r}"
                )
            if not math.isfinite(value):
                raise MonitoringConfigError(
                    f"{where}: monitoring.{key} must be finite, got {value!r}"
                )
            pair.append(value)
        red, yellow = pair
        if not red < yellow:
            raise MonitoringConfigError(
                f"{where}: monitoring.{red_key} ({red}) must be below "
                f"monitoring.{yellow_key} ({yellow})"
            )


DEFAULT_CONFIG = MonitoringConfig()


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonitorFinding:
    """Something the unit must explain or fill in; ``message`` is in Chinese."""

    code: str  # see FINDING_CODES
    project: str
    indicator: str | None
    message: str


@dataclass(frozen=True, slots=True)
class IndicatorMonitor:
    """One indicator's monitoring row (texts as printed, stripped)."""

    name: str
    level1: str
    level2: str
    target: str | None  # 年度指标值
    half_year_target: str | None  # 半年指标值
    current: str | None  # 当前完成值
    forecast: str | None  # 全年预计完成情况
    likelihood: str | None  # 完成目标可能性
    progress: float | None  # % of the reference target (quantitative only)
    light: Light
    basis: str  # how the light was decided, in Chinese
    deviation: str | None  # 偏差原因
    category: str | None  # 偏差原因 category
    measures: str  # 整改措施
    deviation_without_reason: bool
    # The level labels as the target table printed them (满意度 for 满意度指标), or "".
    level1_label: str = ""
    level2_label: str = ""


@dataclass(frozen=True, slots=True)
class ProjectMonitor:
    """A project's monitoring result.

    ``lights`` counts the *indicator* lights only (every :class:`Light` is a key, zero
    included); the execution light is ``execution_light``.
    """

    name: str
    month: int
    budget: Number | None  # 全年预算数, 万元
    executed: Number | None  # 执行数, 万元
    execution_rate: float | None  # executed / budget × 100
    time_adjusted: float | None  # execution_rate ÷ (month / 12)
    execution_light: Light
    indicators: tuple[IndicatorMonitor, ...]
    findings: tuple[MonitorFinding, ...]
    lights: dict[Light, int]
    execution_basis: str = ""  # how the execution light was decided, in Chinese
    execution_reason: str = ""
    unit: str | None = None  # the project's budget unit, as printed
    department: str | None = None  # its supervising department, as printed

    @property
    def red(self) -> bool:
        """Execution red or any indicator red."""
        return self.execution_light is Light.RED or self.lights[Light.RED] > 0


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """Monitoring of one group of projects (a unit, or a department via by_department).

    ``budget`` and ``executed`` add up the projects whose execution could be judged;
    ``time_adjusted`` is Σ executed ÷ Σ budget ÷ (month / 12) × 100 with the group's light.
    ``lights`` counts indicator lights, ``execution_lights`` projects by execution light;
    ``red_projects`` names the projects with red execution or any red indicator.
    """

    unit: str
    projects: int
    budget: float | None
    executed: float | None
    time_adjusted: float | None
    execution_light: Light
    lights: dict[Light, int]
    findings: int
    red_projects: tuple[str, ...]
    execution_lights: dict[Light, int]


# -- helpers ------------------------------------------------------------------------------


def _snap(x: float) -> float:
    """A percentage without float noise (monotone, so it never reorders values)."""
    return round(x, 9) + 0.0


def _pct(x: float) -> str:
    """A percentage for messages: cut to 2 decimals, trailing zeros dropped."""
    d = Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _num(x: Number) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, float):
        return format_number(round(x, 4))
    return format_number(x)


def _printed(value: TargetValue | None) -> str | None:
    return None if value is None else value.text.strip()


def _count(lights: Iterable[Light]) -> dict[Light, int]:
    counts = dict.fromkeys(Light, 0)
    for light in lights:
        counts[light] += 1
    return counts


def _by_threshold(percent: float, red_below: float, yellow_below: float) -> Light:
    if percent < red_below:
        return Light.RED
    if percent < yellow_below:
        return Light.YELLOW
    return Light.GREEN


def _usable(value: TargetValue | None) -> TargetValue | None:
    """A target that can serve as a reference: present and readable."""
    return None if value is None or value.kind is Kind.TEXT else value


_RESULT_SCALES = ("达成", "完成")
_RESULT_LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED)


def _result_rank(value: TargetValue) -> int | None:
    """Rank of a result word (达成 0, 部分达成 1, 未达成 2); None for anything else."""
    if value.kind is not Kind.QUALITATIVE or value.grade is None:
        return None
    rank = grade_rank(value.grade)
    if rank is None or rank[0] not in _RESULT_SCALES:
        return None
    return rank[1]


_NON_CUMULATIVE_UNITS = frozenset({"%", "‰", "‱", "分"})
_NON_CUMULATIVE_LEVEL2 = frozenset({"质量指标", "时效指标"})


def _cumulative(indicator: Indicator, target: TargetValue) -> bool:
    return (
        target.kind is Kind.QUANTITATIVE
        and target.op in (Op.EQ, Op.GE, Op.GT)
        and target.value is not None
        and target.value > 0
        and target.unit not in _NON_CUMULATIVE_UNITS
        and indicator.level2 not in _NON_CUMULATIVE_LEVEL2
        and indicator.level1 != SATISFACTION
    )


@dataclass(frozen=True, slots=True)
class _Reference:
    target: TargetValue  # what the current value is compared with
    shown: str  # how the reference is named in the basis


def _reference(indicator: Indicator, month: int) -> _Reference | None:
    half = _usable(indicator.half_year)
    if half is not None:
        return _Reference(half, f"半年目标 {half.text.strip()}")
    full = _usable(indicator.full_year)
    if full is None:
        return None
    if not _cumulative(indicator, full):
        return _Reference(full, f"年度目标 {full.text.strip()}")
    assert full.value is not None
    expected = full.value * month / 12
    shown = (
        f"按时间进度折算的目标 {_num(expected)}{full.unit}"
        f"（年度指标值 {full.text.strip()} × {month}/12）"
    )
    return _Reference(replace(full, value=expected, text=f"{_num(expected)}{full.unit}"), shown)


def _reaches(actual: TargetValue, target: TargetValue) -> tuple[bool | None, str]:
    """Whether a (forecast) value reaches a target; ＝ counts reaching it or more."""
    rank = _result_rank(actual)
    if rank is not None:
        return rank == 0, ""
    result = compare(actual, target)
    if result.met is None:
        return None, result.reason
    if target.direction is Direction.EXACT and result.ratio is not None:
        return result.met or result.ratio >= 1 - 1e-9, ""
    return result.met, ""


# -- indicators ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Judgement:
    light: Light
    basis: str
    progress: float | None = None
    code: str | None = None  # JXM3 or JXM6 when the current value cannot be judged
    reason: str = ""


def _judge_current(
    indicator: Indicator, current: TargetValue | None, config: MonitoringConfig
) -> _Judgement:
    if not_reported(current):
        return _Judgement(Light.NONE, "未填写当前完成值，无法判断", code="JXM3")
    assert current is not None
    shown = current.text.strip()
    label = LIGHT_LABELS

    rank = _result_rank(current)
    if rank is not None:
        light = _RESULT_LIGHTS[rank]
        return _Judgement(light, f"当前完成值 {shown}，按完成结果判断，{label[light]}")

    ref = _reference(indicator, config.month)
    if ref is None:
        reason = "无半年或全年指标值"
        return _Judgement(
            Light.NONE, f"当前完成值 {shown}，{reason}，无法判断", code="JXM6", reason=reason
        )
    target = ref.target
    result = compare(current, target)
    if result.met is None or (target.kind is Kind.QUANTITATIVE and result.ratio is None):
        reason = result.reason or "无法比较"
        basis = f"当前完成值 {shown} 无法与{ref.shown}比较（{reason}），无法判断"
        return _Judgement(Light.NONE, basis, code="JXM6", reason=reason)

    if target.kind is Kind.QUANTITATIVE:
        assert result.ratio is not None and target.value is not None
        progress = _snap(result.ratio * 100)
        if target.direction is Direction.NEGATIVE:
            if result.met:
                light = Light.GREEN
                basis = f"当前完成值 {shown}，{ref.shown}，在目标以内，{label[light]}"
            else:
                light = Light.RED
                basis = (
                    f"当前完成值 {shown}，{ref.shown}，超出目标"
                    f"（目标 ÷ 当前 = {_pct(progress)}%），{label[light]}"
                )
            return _Judgement(light, basis, progress)
        light = _by_threshold(progress, config.progress_red_below, config.progress_yellow_below)
        if target.value > 0:
            basis = f"当前完成值 {shown} ÷ {ref.shown} = {_pct(progress)}%，{label[light]}"
        else:
            reached = "已达到" if result.met else "未达到"
            basis = (
                f"当前完成值 {shown}，{ref.shown}，{reached}（完成比例 {_pct(progress)}%），"
                f"{label[light]}"
            )
        return _Judgement(light, basis, progress)

    if target.kind is Kind.QUALITATIVE:
        return _judge_grade(current, ref, result.met)

    light = Light.GREEN if result.met else Light.RED
    reached = "已达到" if result.met else "未达到"
    return _Judgement(light, f"当前完成值 {shown}，{ref.shown}，{reached}，{label[light]}")


def _judge_grade(current: TargetValue, ref: _Reference, met: bool) -> _Judgement:
    shown = current.text.strip()
    if met:
        light = Light.GREEN
        return _Judgement(light, f"当前完成值 {shown}，{ref.shown}，已达到，{LIGHT_LABELS[light]}")
    target = ref.target
    steps: int | None = None
    if target.op in (Op.GE, Op.EQ, Op.GT) and current.grade and target.grade:
        common = [s for s in grade_scales(target.grade) if s in grade_scales(current.grade)]
        if common:
            scale = GRADE_SCALES[common[0]]
            ra = scale.index(_canonical(current.grade, scale))
            rt = scale.index(_canonical(target.grade, scale))
            steps = ra - rt + (1 if target.op is Op.GT else 0)
    light = Light.YELLOW if steps == 1 else Light.RED
    below = "低一档" if steps == 1 else "未达到"
    return _Judgement(light, f"当前完成值 {shown}，{ref.shown}，{below}，{LIGHT_LABELS[light]}")


def _canonical(grade: str, scale: tuple[str, ...]) -> str:
    if grade in scale:
        return grade
    rank = grade_rank(grade)
    assert rank is not None
    return GRADE_SCALES[rank[0]][rank[1]]


def _monitor_indicator(
    project: str, indicator: Indicator, actual: IndicatorActual | None, config: MonitoringConfig
) -> tuple[IndicatorMonitor, list[MonitorFinding]]:
    name = indicator.name
    findings: list[MonitorFinding] = []

    def finding(code: str, message: str) -> None:
        findings.append(MonitorFinding(code, project, name, message))

    annual = _usable(indicator.full_year)
    target_text = _printed(indicator.full_year)

    if actual is not None and actual.not_applicable:
        judgement = _Judgement(Light.NONE, "指标不适用，不判断")
    else:
        judgement = _judge_current(indicator, None if actual is None else actual.value, config)
        if judgement.code == "JXM3":
            finding(
                "JXM3",
                f"指标“{name}”未填写当前完成值（年度指标值 {target_text or '未填写'}）",
            )
        elif judgement.code == "JXM6":
            current = _printed(None if actual is None else actual.value)
            finding("JXM6", f"指标“{name}”当前完成值 {current} 无法与目标比较：{judgement.reason}")
    light, basis = judgement.light, judgement.basis

    forecast = None if actual is None else actual.forecast
    if actual is not None and not actual.not_applicable:
        if forecast is not None and forecast.text.strip():
            shown = forecast.text.strip()
            if annual is None:
                basis += f"；全年预计完成情况 {shown}，无年度指标值可比较"
            else:
                reaches, reason = _reaches(forecast, annual)
                annual_shown = annual.text.strip()
                if reaches is None:
                    basis += f"；全年预计完成情况 {shown} 无法与年度指标值 {annual_shown} 比较（{reason}）"
                elif reaches:
                    basis += f"；全年预计完成情况 {shown} 达到年度指标值 {annual_shown}"
                else:
                    turn = "，转为红灯" if light is not Light.RED else "，仍为红灯"
                    basis += f"；全年预计完成情况 {shown} 未达到年度指标值 {annual_shown}{turn}"
                    light = Light.RED
        if actual.likelihood is Likelihood.IMPOSSIBLE:
            turn = "，转为红灯" if light is not Light.RED else "，仍为红灯"
            basis += f"；完成目标可能性为“{actual.likelihood.value}”{turn}"
            light = Light.RED
            finding(
                "JXM4",
                f"指标“{name}”完成目标可能性为“完全不可能”（年度指标值 {target_text or '未填写'}）",
            )
        elif actual.likelihood is Likelihood.POSSIBLE and light is Light.GREEN:
            basis += f"；完成目标可能性为“{actual.likelihood.value}”，降为黄灯"
            light = Light.YELLOW

    deviation = None if actual is None else actual.deviation
    reason_text = deviation.text.strip() if deviation is not None else ""
    without_reason = light in (Light.YELLOW, Light.RED) and not reason_text
    if without_reason:
        finding("JXM1", f"指标“{name}”为{LIGHT_LABELS[light]}，未填写偏差原因：{basis}")

    likelihood = None if actual is None or actual.likelihood is None else actual.likelihood.value
    category = None if deviation is None or deviation.category is None else deviation.category
    row = IndicatorMonitor(
        name=name,
        level1=indicator.level1,
        level2=indicator.level2,
        level1_label=indicator.level1_label or "",
        level2_label=indicator.level2_label or "",
        target=target_text,
        half_year_target=_printed(indicator.half_year),
        current=_printed(None if actual is None else actual.value),
        forecast=_printed(forecast),
        likelihood=likelihood,
        progress=judgement.progress,
        light=light,
        basis=basis,
        deviation=reason_text or None,
        category=None if category is None else category.value,
        measures="" if actual is None else actual.measures.strip(),
        deviation_without_reason=without_reason,
    )
    return row, findings


# -- execution ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Execution:
    rate: float | None
    adjusted: float | None
    light: Light
    basis: str


def _finite(x: Number | None) -> bool:
    return x is not None and not isinstance(x, bool) and math.isfinite(x)


def _execution(
    budget: Number | None, executed: Number | None, month: int, config: MonitoringConfig
) -> _Execution:
    if not _finite(budget) or budget is None or budget <= 0:
        shown = "未填写全年预算数" if budget is None else f"全年预算数为 {_num(budget)}万元"
        return _Execution(None, None, Light.NONE, f"{shown}，无法计算预算执行进度")
    if not _finite(executed) or executed is None:
        return _Execution(None, None, Light.NONE, "未填写执行数，无法计算预算执行进度")
    rate = _snap(executed / budget * 100)
    adjusted = _snap(executed * 1200 / (budget * month))
    light = _by_threshold(adjusted, config.execution_red_below, config.execution_yellow_below)
    basis = (
        f"执行数 {_num(executed)}万元 ÷ 全年预算数 {_num(budget)}万元 = {_pct(rate)}%；"
        f"按时间进度折算 {_pct(rate)}% ÷ ({month}/12) = {_pct(adjusted)}%，{LIGHT_LABELS[light]}"
    )
    return _Execution(rate, adjusted, light, basis)


# -- projects -----------------------------------------------------------------------------


def monitor_project(
    project: Project, actuals: ProjectActuals, config: MonitoringConfig = DEFAULT_CONFIG
) -> ProjectMonitor:
    """The monitoring lights and findings of one project at ``config.month``.

    Indicators are matched with their actuals by name (the first actual of a name);
    indicators without actuals get Light.NONE and JXM3.  Raises ValueError when the
    actuals are of another project.
    """
    if actuals.project != project.name:
        raise ValueError(f"actuals of {actuals.project!r} given for project {project.name!r}")
    name = project.name
    findings: list[MonitorFinding] = []

    execution = _execution(actuals.budget, actuals.executed, config.month, config)
    reason = actuals.execution_reason.strip()
    if execution.light is Light.NONE:
        findings.append(MonitorFinding("JXM5", name, None, f"项目“{name}”{execution.basis}"))
    elif (
        actuals.executed is not None
        and actuals.budget is not None
        and actuals.executed > actuals.budget
    ):
        findings.append(
            MonitorFinding(
                "JXM7",
                name,
                None,
                f"项目“{name}”执行数 {_num(actuals.executed)}万元 超过全年预算数 "
                f"{_num(actuals.budget)}万元",
            )
        )
    if execution.light in (Light.YELLOW, Light.RED) and not reason:
        findings.append(
            MonitorFinding(
                "JXM2",
                name,
                None,
                f"项目“{name}”预算执行进度为{LIGHT_LABELS[execution.light]}"
                f"（{execution.basis}），未说明执行滞后原因",
            )
        )

    rows: list[IndicatorMonitor] = []
    for indicator in project.indicators:
        row, found = _monitor_indicator(name, indicator, actuals.actual(indicator.name), config)
        rows.append(row)
        findings.extend(found)

    known = {indicator.name for indicator in project.indicators}
    for extra in dict.fromkeys(a.indicator for a in actuals.indicators if a.indicator not in known):
        findings.append(
            MonitorFinding(
                "JXM8", name, extra, f"完成情况中的指标“{extra}”不在项目“{name}”的目标表中"
            )
        )

    return ProjectMonitor(
        name=name,
        month=config.month,
        budget=actuals.budget,
        executed=actuals.executed,
        execution_rate=execution.rate,
        time_adjusted=execution.adjusted,
        execution_light=execution.light,
        indicators=tuple(rows),
        findings=tuple(findings),
        lights=_count(row.light for row in rows),
        execution_basis=execution.basis,
        execution_reason=reason,
        unit=project.unit,
        department=project.department,
    )


# -- summaries ----------------------------------------------------------------------------

_NO_UNIT = "（未填写预算单位）"
_NO_DEPARTMENT = "（未填写主管部门）"


def by_unit(monitors: Iterable[ProjectMonitor]) -> list[tuple[str, ProjectMonitor]]:
    """Pairs for :func:`summarize`, grouped by budget unit (预算单位)."""
    return [(m.unit or _NO_UNIT, m) for m in monitors]


def by_department(monitors: Iterable[ProjectMonitor]) -> list[tuple[str, ProjectMonitor]]:
    """Pairs for :func:`summarize`, grouped by supervising department (主管部门)."""
    return [(m.department or _NO_DEPARTMENT, m) for m in monitors]


def summarize(
    monitors: Sequence[tuple[str, ProjectMonitor]], config: MonitoringConfig = DEFAULT_CONFIG
) -> list[UnitSummary]:
    """One summary per group (unit or department), in order of first appearance.

    The month comes from the monitors (all must share one: ValueError otherwise); the
    thresholds from ``config``.
    """
    months = {m.month for _, m in monitors}
    if len(months) > 1:
        raise ValueError(f"monitors of different months cannot be summarized: {sorted(months)}")
    groups: dict[str, list[ProjectMonitor]] = {}
    for group, monitor in monitors:
        groups.setdefault(group, []).append(monitor)
    return [_summary(group, items, config) for group, items in groups.items()]


def _summary(group: str, items: list[ProjectMonitor], config: MonitoringConfig) -> UnitSummary:
    judged = [m for m in items if m.execution_light is not Light.NONE]
    budget: float | None = None
    executed: float | None = None
    adjusted: float | None = None
    light = Light.NONE
    if judged:
        budget = math.fsum(float(m.budget or 0) for m in judged)
        executed = math.fsum(float(m.executed or 0) for m in judged)
        month = judged[0].month
        adjusted = _snap(executed * 1200 / (budget * month))
        light = _by_threshold(adjusted, config.execution_red_below, config.execution_yellow_below)
    lights = dict.fromkeys(Light, 0)
    for m in items:
        for key, n in m.lights.items():
            lights[key] += n
    return UnitSummary(
        unit=group,
        projects=len(items),
        budget=budget,
        executed=executed,
        time_adjusted=adjusted,
        execution_light=light,
        lights=lights,
        findings=sum(len(m.findings) for m in items),
        red_projects=tuple(m.name for m in items if m.red),
        execution_lights=_count(m.execution_light for m in items),
    )
