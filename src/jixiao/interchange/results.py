"""Actuals, scores and monitoring lights as JSON: one shape for the CLI and the API.

- :func:`score_to_dict`: a project's (or a unit's, as a whole) year-end score, as
  ``jixiao evaluate --json`` prints each entry of ``projects``;
- :func:`monitor_to_dict`: a project's checkpoint monitoring, as ``jixiao monitor --json``
  prints each entry of ``projects``; :func:`summary_to_dict` each entry of ``units``;
- :func:`actuals_to_dict`: one project's actuals as an entry of ``projects`` in a
  ``jixiao-actuals/1`` document (see :mod:`jixiao.interchange.actuals`), so that what the
  API gives can be sent back: ``load_actuals`` reads it into equal actuals.

Pure: dataclasses in, JSON-ready dicts out (str keys; str, int, float, bool, None, lists and
dicts only).  The shapes are the :class:`typing.TypedDict` classes below; keys come in the
order shown.
"""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from jixiao.domain.actuals import ActualsDocument, ProjectActuals
from jixiao.domain.monitoring import (
    IndicatorMonitor,
    Light,
    MonitorFinding,
    ProjectMonitor,
    UnitSummary,
)
from jixiao.domain.provenance import Provenance
from jixiao.domain.scoring import IndicatorScore, ProjectScore

__all__ = [
    "ActualsDict",
    "FindingDict",
    "IndicatorMonitorDict",
    "IndicatorScoreDict",
    "LocationDict",
    "ManualScoreDict",
    "MonitorDict",
    "ScoreDict",
    "SummaryDict",
    "actuals_document_to_dict",
    "actuals_to_dict",
    "location_dict",
    "monitor_to_dict",
    "score_to_dict",
    "summary_to_dict",
]

# pydantic (the API's response models) reads these TypedDicts too, hence typing_extensions.


# -- scores (绩效自评) ----------------------------------------------------------------------


class IndicatorScoreDict(TypedDict):
    """One indicator's (or work item's) score."""

    name: str
    level1: str  # 一级指标 (部门职能 for a work item)
    level2: str
    target: str | None  # 指标值 as printed
    actual: str | None  # 实际完成值 as printed
    weight: float  # points available after rescaling, 2 decimals
    score: float
    reason_needed: bool  # below the weight: 偏差原因 and 改进措施 required
    manual: bool  # a manual score was applied
    rule: str  # how it was scored, in Chinese


class ScoreDict(TypedDict):
    """A project's year-end score (``jixiao evaluate --json``, one entry of ``projects``)."""

    name: str
    budget_score: float
    budget_weight: float  # 0 when the budget part does not apply
    execution_rate: float | None  # a rate: 0.85 for 85%
    indicators: list[IndicatorScoreDict]
    total: float
    grade: str  # 优、良、中、差
    problems: list[str]


def _indicator_score(i: IndicatorScore) -> IndicatorScoreDict:
    return {
        "name": i.name,
        "level1": i.level1,
        "level2": i.level2,
        "target": i.target,
        "actual": i.actual,
        "weight": round(i.weight, 2),
        "score": i.score,
        "reason_needed": i.reason_needed,
        "manual": i.manual,
        "rule": i.rule,
    }


def score_to_dict(score: ProjectScore) -> ScoreDict:
    """A year-end score as ``jixiao evaluate --json`` prints it."""
    return {
        "name": score.name,
        "budget_score": score.budget_score,
        "budget_weight": score.budget_weight,
        "execution_rate": score.execution_rate,
        "indicators": [_indicator_score(i) for i in score.indicators],
        "total": score.total,
        "grade": score.grade.value,
        "problems": list(score.problems),
    }


# -- monitoring (运行监控) ------------------------------------------------------------------


class IndicatorMonitorDict(TypedDict):
    name: str
    level1: str
    level2: str
    target: str | None  # 年度指标值
    half_year_target: str | None  # 半年指标值
    current: str | None  # 当前完成值
    forecast: str | None  # 全年预计完成情况
    likelihood: str | None  # 完成目标可能性
    progress: float | None  # % of the reference target
    light: str  # green, yellow, red, none
    basis: str
    deviation: str | None  # 偏差原因
    category: str | None
    measures: str  # 整改措施
    deviation_without_reason: bool
    level1_label: str  # the level labels as the target table printed them, or ""
    level2_label: str


class FindingDict(TypedDict):
    code: str  # JXM1 …
    project: str
    indicator: str | None
    message: str


class MonitorDict(TypedDict):
    """A project at the checkpoint (``jixiao monitor --json``, one entry of ``projects``)."""

    name: str
    month: int
    budget: int | float | None  # 万元
    executed: int | float | None
    execution_rate: float | None  # %
    time_adjusted: float | None  # %, execution_rate ÷ (month / 12)
    execution_light: str
    indicators: list[IndicatorMonitorDict]
    findings: list[FindingDict]
    lights: dict[str, int]  # indicator lights by colour, every colour a key
    execution_basis: str
    execution_reason: str
    unit: str | None
    department: str | None


class SummaryDict(TypedDict):
    """A unit at the checkpoint (``jixiao monitor --json``, one entry of ``units``)."""

    unit: str
    projects: int
    budget: int | float | None
    executed: int | float | None
    time_adjusted: float | None
    execution_light: str
    lights: dict[str, int]
    findings: int
    red_projects: list[str]
    execution_lights: dict[str, int]  # projects by execution light


def _lights(counts: dict[Light, int]) -> dict[str, int]:
    return {light.value: n for light, n in counts.items()}


def _indicator_monitor(i: IndicatorMonitor) -> IndicatorMonitorDict:
    return {
        "name": i.name,
        "level1": i.level1,
        "level2": i.level2,
        "target": i.target,
        "half_year_target": i.half_year_target,
        "current": i.current,
        "forecast": i.forecast,
        "likelihood": i.likelihood,
        "progress": i.progress,
        "light": i.light.value,
        "basis": i.basis,
        "deviation": i.deviation,
        "category": i.category,
        "measures": i.measures,
        "deviation_without_reason": i.deviation_without_reason,
        "level1_label": i.level1_label,
        "level2_label": i.level2_label,
    }


def _finding(f: MonitorFinding) -> FindingDict:
    return {"code": f.code, "project": f.project, "indicator": f.indicator, "message": f.message}


def monitor_to_dict(m: ProjectMonitor) -> MonitorDict:
    """A project's checkpoint monitoring as ``jixiao monitor --json`` prints it."""
    return {
        "name": m.name,
        "month": m.month,
        "budget": m.budget,
        "executed": m.executed,
        "execution_rate": m.execution_rate,
        "time_adjusted": m.time_adjusted,
        "execution_light": m.execution_light.value,
        "indicators": [_indicator_monitor(i) for i in m.indicators],
        "findings": [_finding(f) for f in m.findings],
        "lights": _lights(m.lights),
        "execution_basis": m.execution_basis,
        "execution_reason": m.execution_reason,
        "unit": m.unit,
        "department": m.department,
    }


def summary_to_dict(s: UnitSummary) -> SummaryDict:
    """A unit's (or department's) checkpoint summary as ``jixiao monitor --json`` prints it."""
    return {
        "unit": s.unit,
        "projects": s.projects,
        "budget": s.budget,
        "executed": s.executed,
        "time_adjusted": s.time_adjusted,
        "execution_light": s.execution_light.value,
        "lights": _lights(s.lights),
        "findings": s.findings,
        "red_projects": list(s.red_projects),
        "execution_lights": _lights(s.execution_lights),
    }


# -- actuals (jixiao-actuals/1) -----------------------------------------------------------


class ManualScoreDict(TypedDict):
    score: float
    reason: str


class ActualsDict(TypedDict):
    """One entry of ``projects`` in a ``jixiao-actuals/1`` document.

    Every reported item is a key of ``actuals`` (``""`` when it has no value), in the order
    of the report; the other maps hold only the items that have something, and are left
    out when empty (as are ``budget``, ``executed`` and ``budget_initial`` when unknown,
    and a blank ``execution_reason``).  Names being keys, only the first item of a name is
    written (as :func:`jixiao.interchange.actuals.load_actuals` reads one item per name).
    """

    name: str
    budget: NotRequired[int | float]
    executed: NotRequired[int | float]
    budget_initial: NotRequired[int | float]
    execution_reason: NotRequired[str]
    actuals: NotRequired[dict[str, str]]
    reasons: NotRequired[dict[str, str]]
    categories: NotRequired[dict[str, str]]
    measures: NotRequired[dict[str, str]]
    forecasts: NotRequired[dict[str, str]]
    likelihood: NotRequired[dict[str, str]]
    manual_scores: NotRequired[dict[str, ManualScoreDict]]
    not_applicable: NotRequired[list[str]]
    weights: NotRequired[dict[str, float]]
    scores: NotRequired[dict[str, float]]
    sources: NotRequired[dict[str, LocationDict]]
    source: NotRequired[LocationDict]


class LocationDict(TypedDict):
    """Where something was read (``jixiao/1`` location: unknown parts left out)."""

    file: str
    page: NotRequired[int]
    line: NotRequired[int]
    sheet: NotRequired[str]
    cell: NotRequired[str]


def location_dict(p: Provenance) -> LocationDict:
    out: LocationDict = {"file": p.file}
    if p.page is not None:
        out["page"] = p.page
    if p.line is not None:
        out["line"] = p.line
    if p.sheet is not None:
        out["sheet"] = p.sheet
    if p.cell is not None:
        out["cell"] = p.cell
    return out


def actuals_to_dict(a: ProjectActuals) -> ActualsDict:
    """A project's actuals as a ``jixiao-actuals/1`` project entry (``name`` is
    ``a.project``; for a unit as a whole, put it under ``unit`` in ``overall``)."""
    out: ActualsDict = {"name": a.project}
    if a.budget is not None:
        out["budget"] = a.budget
    if a.executed is not None:
        out["executed"] = a.executed
    if a.budget_initial is not None:
        out["budget_initial"] = a.budget_initial
    if a.execution_reason:
        out["execution_reason"] = a.execution_reason
    actuals: dict[str, str] = {}
    reasons: dict[str, str] = {}
    categories: dict[str, str] = {}
    measures: dict[str, str] = {}
    forecasts: dict[str, str] = {}
    likelihood: dict[str, str] = {}
    manual: dict[str, ManualScoreDict] = {}
    not_applicable: list[str] = []
    weights: dict[str, float] = {}
    scores: dict[str, float] = {}
    sources: dict[str, LocationDict] = {}
    for item in a.indicators:
        name = item.indicator
        if name in actuals:  # names are keys: a second item of a name cannot be written
            continue
        # Always a key, so the items keep their order when read back.
        actuals[name] = item.value.text if item.value is not None else ""
        if item.deviation is not None:
            if item.deviation.text:
                reasons[name] = item.deviation.text
            if item.deviation.category is not None:
                categories[name] = item.deviation.category.value
        if item.measures:
            measures[name] = item.measures
        if item.forecast is not None:
            forecasts[name] = item.forecast.text
        if item.likelihood is not None:
            likelihood[name] = item.likelihood.value
        if item.manual is not None:
            manual[name] = {"score": item.manual.score, "reason": item.manual.reason}
        if item.not_applicable:
            not_applicable.append(name)
        if item.weight is not None:
            weights[name] = item.weight
        if item.reported_score is not None:
            scores[name] = item.reported_score
        if item.source is not None:
            sources[name] = location_dict(item.source)
    if actuals:
        out["actuals"] = actuals
    if reasons:
        out["reasons"] = reasons
    if categories:
        out["categories"] = categories
    if measures:
        out["measures"] = measures
    if forecasts:
        out["forecasts"] = forecasts
    if likelihood:
        out["likelihood"] = likelihood
    if manual:
        out["manual_scores"] = manual
    if not_applicable:
        out["not_applicable"] = not_applicable
    if weights:
        out["weights"] = weights
    if scores:
        out["scores"] = scores
    if sources:
        out["sources"] = sources
    if a.source is not None:
        out["source"] = location_dict(a.source)
    return out


def actuals_document_to_dict(doc: ActualsDocument) -> dict[str, object]:
    """A whole ``jixiao-actuals/1`` document (``load_actuals`` reads it back equal)."""
    out: dict[str, object] = {
        "format": "jixiao-actuals/1",
        "fiscal_year": doc.fiscal_year,
        "period": doc.period.value,
    }
    if doc.month is not None:
        out["month"] = doc.month
    out["projects"] = [actuals_to_dict(p) for p in doc.projects]
    if doc.overall:
        overall = []
        for u in doc.overall:
            entry: dict[str, object] = dict(actuals_to_dict(u))
            entry["unit"] = entry.pop("name")
            overall.append(entry)
        out["overall"] = overall
    return out
