"""Checkpoint (运行监控) and year-end (绩效自评) actuals for any project table.

Each indicator is either on track or short, at the checkpoint and at year end, and the
values are made so that the domain judges them that way:

* on track at the checkpoint → a green light in :func:`jixiao.domain.monitoring.monitor_project`
  (the current value reaches at least 90% of the reference the monitor uses, the forecast
  reaches the annual target, likelihood 确定能);
* short at the checkpoint → yellow or red (likelihood 有可能, or a forecast below the annual
  target with 有可能 / 完全不可能);
* on track at year end → full points in :func:`jixiao.domain.scoring.score_project`;
  short → fewer points, so a reason (偏差原因) and measures (改进措施) are due.

A reason is due exactly where the domain asks for one; ``missing_reason_share`` of them are
left out on purpose (sometimes with a category but no text, which is still no reason).
"""

from __future__ import annotations

import random
from collections.abc import Collection
from decimal import Decimal

from jixiao.domain.actuals import (
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ProjectActuals,
)
from jixiao.domain.model import Indicator, Period, Project
from jixiao.domain.values import GRADE_SCALES, Kind, Op, TargetValue, grade_rank
from jixiao.synth._config import SynthConfig
from jixiao.synth._numbers import ceil_to, decimals, floor_to, show, value

# -- what the domain does, mirrored (monitoring.py: the reference of the current value) ---

_PERCENT_CAP = {"%": 100.0, "‰": 1000.0, "‱": 10000.0}
_NON_CUMULATIVE_UNITS = frozenset({"%", "‰", "‱", "分"})
_NON_CUMULATIVE_LEVEL2 = frozenset({"质量指标", "时效指标"})
_SATISFACTION = "满意度指标"
_POSITIVE = (Op.EQ, Op.GE, Op.GT)


def cumulative(level1: str, level2: str, target: TargetValue) -> bool:
    """Whether monitoring compares the current value with the annual target pro rata."""
    return (
        target.kind is Kind.QUANTITATIVE
        and target.op in _POSITIVE
        and target.value is not None
        and target.value > 0
        and target.unit not in _NON_CUMULATIVE_UNITS
        and level2 not in _NON_CUMULATIVE_LEVEL2
        and level1 != _SATISFACTION
    )


def _usable(v: TargetValue | None) -> TargetValue | None:
    return None if v is None or v.kind is Kind.TEXT else v


def _reference(ind: Indicator, month: int) -> tuple[TargetValue, float] | None:
    """The target the monitor compares the current value with, and its number (pro rata)."""
    half = _usable(ind.half_year)
    if half is not None:
        return half, float(half.value or 0)
    full = _usable(ind.full_year)
    if full is None:
        return None
    number = float(full.value or 0)
    if cumulative(ind.level1, ind.level2, full):
        number = number * month / 12
    return full, number


# -- texts ----------------------------------------------------------------------------------

_EXECUTION_REASONS = (
    "项目采用政府采购方式，招标程序尚未完成，资金待合同签订后支付",
    "按合同约定分期支付，部分款项需项目验收后结算",
    "上级补助资金下达较晚，项目启动时间推迟",
    "工程尚在施工阶段，工程款按进度审核后拨付",
    "部分补助资金需在年底集中审核发放",
    "受项目前期审批手续影响，实施进度滞后",
    "服务费用按季度结算，部分费用尚未到结算期",
    "项目实施方案调整，资金使用计划相应调整",
)

_REASONS: dict[DeviationCategory, tuple[str, ...]] = {
    DeviationCategory.FUNDING: (
        "上级补助资金下达较晚，影响项目实施进度",
        "资金拨付滞后，部分工作未能按计划开展",
        "年中预算调整，项目资金相应压减",
    ),
    DeviationCategory.INSTITUTION: (
        "相关实施细则尚未出台，工作推进受到影响",
        "审批流程较长，项目推进滞后",
        "政策标准调整，部分对象需重新认定",
    ),
    DeviationCategory.STAFF: (
        "专业技术人员不足，工作开展受限",
        "人员调整较多，业务衔接不畅",
        "承担单位人手紧张，任务集中在下半年完成",
    ),
    DeviationCategory.HARDWARE: (
        "设备采购延迟到货，影响项目实施",
        "场地条件受限，部分活动未能如期开展",
        "信息系统升级改造，部分功能暂停使用",
    ),
    DeviationCategory.OTHER: (
        "受极端天气影响，施工进度滞后",
        "服务对象需求变化，实际参与人数少于预期",
        "受外部因素影响，部分活动延期举办",
        "实际申报对象少于预期，目标设定偏高",
    ),
}
_SATISFACTION_REASONS = (
    "政策宣传不够深入，部分服务对象对政策了解不足",
    "服务流程有待优化，部分群众反映办理不够便捷",
    "服务供给与群众需求存在差距",
)
_COST_REASONS = (
    "受市场价格上涨影响，单位成本高于预期",
    "原材料和人工价格上涨，实际成本超出预算测算",
)
_CATEGORIES = tuple(_REASONS)
_CATEGORY_WEIGHTS = (30, 15, 20, 15, 20)

_CHECKPOINT_MEASURES = (
    "加快项目实施进度，确保年底前完成目标任务",
    "加强与供应商沟通，督促按期交付",
    "优化工作流程，加强人员调配",
    "积极争取上级资金支持，加快资金拨付",
    "细化工作计划，按月跟踪调度",
    "加强宣传动员，扩大服务覆盖面",
)
_YEAR_END_MEASURES = (
    "下一年度结合实际合理设定绩效目标，加强过程监控",
    "完善项目管理制度，强化绩效运行监控",
    "提前谋划项目实施，加快预算执行进度",
    "加强业务培训，提高项目实施质量",
    "建立问题整改台账，跟踪落实到位",
)

_RESULT_LONG = {
    0: "达成年度指标",
    1: "部分达成年度指标并具有一定效果",
    2: "未达成年度指标且效果较差",
}

# Projects differ in how well they go: (weight, multiplier of the shortfall share).
_QUALITY = ((70, 0.3), (25, 1.5), (5, 4.0))
_QUALITY_MEAN = sum(w * m for w, m in _QUALITY) / sum(w for w, _ in _QUALITY)


# -- values ---------------------------------------------------------------------------------


def _step(places: int) -> float:
    return 1.0 if places == 0 else 10.0**-places


def _high(t: float, cap: float | None) -> float:
    """The top of the range an achieved value falls in."""
    if cap is None:
        return t * 1.15
    return min(cap, t + min(6.0, (cap - t) * 0.5))


def _quantity(x: float, places: int, unit: str) -> str:
    return show(x, places) + unit


def _year_end_quantity(rng: random.Random, t: TargetValue, short: bool) -> str:
    """An achieved value (also the checkpoint forecast) against the annual target."""
    assert t.value is not None
    tv, places, unit, op = float(t.value), decimals(t.value), t.unit, t.op or Op.EQ
    step, cap = _step(places), _PERCENT_CAP.get(unit)
    if op in (Op.LE, Op.LT):
        if short:
            x = ceil_to(tv * rng.uniform(1.05, 1.5), places)
            if x <= tv:
                x = tv + step
        else:
            x = floor_to(tv * rng.uniform(0.8, 1.0), places)
            if op is Op.LT and x >= tv:
                x = tv - step
        return _quantity(x, places, unit)
    if short:
        if cap is not None:
            x = floor_to(tv - rng.uniform(2, 15), places)
        else:
            x = floor_to(tv * rng.uniform(0.5, 0.95), places)
        x = max(0.0, tv - step if x >= tv else x)
    elif op is Op.EQ:
        x = tv
    else:
        x = max(tv, floor_to(rng.uniform(tv, _high(tv, cap)), places))
        if op is Op.GT and x <= tv:
            x = tv + step
    return _quantity(x, places, unit)


def _current_quantity(
    rng: random.Random, ref: TargetValue, r: float, full: TargetValue, short: bool, month: int
) -> str:
    """The value reached at the checkpoint against the monitor's reference number ``r``."""
    places = max(decimals(ref.value or 0), decimals(full.value or 0))
    unit, op = full.unit, ref.op or Op.EQ
    step, cap = _step(places), _PERCENT_CAP.get(unit)
    if op in (Op.LE, Op.LT):
        if short:
            x = ceil_to(r * rng.uniform(1.1, 1.4), places)
            if x <= r:
                x = r + step
        else:
            x = floor_to(r * rng.uniform(0.75, 1.0), places)
            if op is Op.LT and x >= r:
                x = r - step
        return _quantity(x, places, unit)
    if r <= 0:  # a zero reference (≥0): any value reaches it; write progress on the year
        base = float(full.value or 0) * month / 12
        x = ceil_to(base * rng.uniform(0.3, 0.7) if short else base * rng.uniform(0.9, 1.1), places)
        return _quantity(x, places, unit)
    if cap is not None:
        if short:
            x = max(0.0, floor_to(r - rng.uniform(2, 12), places))
        elif op is Op.EQ:
            x = r
        else:
            x = max(r, floor_to(rng.uniform(r, _high(r, cap)), places))
    elif short:
        x = floor_to(r * rng.uniform(0.35, 0.75), places)
    elif op is Op.EQ:
        x = ceil_to(r, places)
    else:
        x = ceil_to(r * rng.uniform(0.95, 1.15), places)
    if op is Op.GT and not short and x <= r:
        x = r + step
    return _quantity(x, places, unit)


def _grade(target: TargetValue, steps: int) -> str:
    """The target's grade moved ``steps`` down its scale (negative: up), as a printed word."""
    assert target.grade is not None
    found = grade_rank(target.grade)
    if found is None:
        return target.grade  # a phrase on no scale (明显提升): reported as the target says
    scale, rank = found
    words = GRADE_SCALES[scale]
    if scale in ("达成", "完成"):
        i = min(max(steps, 0), 1)
        return _RESULT_LONG[i] if "年度指标" in target.text and scale == "达成" else words[i]
    i = max(0, rank + steps)
    return words[i] if i < len(words) else "部分达成"


def _iso(text: str) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in text.split("-")]
    return parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)


def _month_text(year: int, month: int) -> str:
    year += (month - 1) // 12
    return f"{year}年{(month - 1) % 12 + 1}月"


def _date(rng: random.Random, target: TargetValue, late: bool) -> str:
    """A completion date meeting the target's deadline, or one to three months late."""
    assert target.start is not None
    op = target.op or Op.EQ
    start_year, start_month, _ = _iso(target.start)
    year, month, day = _iso(target.end or target.start)
    if op is Op.GE:
        return _month_text(start_year, start_month or 1)
    if op is Op.GT:
        return _month_text(year, (month or 12) + 1)
    if op is Op.LT:
        return _month_text(start_year, (start_month or 1) - 1)
    if late:
        return _month_text(year, (month or 12) + rng.randint(1, 3))
    if month is None:
        done = f"{year}年{rng.randint(9, 12)}月"
    else:
        back = rng.choice((0, 0, 1, 2))
        if back == 0 or month - back < 1:
            done = f"{year}年{month}月{day}日" if day else f"{year}年{month}月"
        else:
            done = f"{year}年{month - back}月"
    return done + "完成" if rng.random() < 0.3 else done


def can_fall_short(target: TargetValue) -> bool:
    """Whether a value can miss the target in a way monitoring and scoring agree on."""
    if target.kind is Kind.QUANTITATIVE:
        # ＝0 (accidents) targets are met; a zero or negative positive target cannot be missed.
        return target.value is not None and (target.op in (Op.LE, Op.LT) or float(target.value) > 0)
    if target.kind is Kind.QUALITATIVE:
        # a grade on a scale; a phrase on none (明显提升) has nothing to fall short to
        return (
            target.op in _POSITIVE
            and target.grade is not None
            and grade_rank(target.grade) is not None
        )
    if target.kind is Kind.DATE:
        return target.op in (Op.LE, Op.EQ, None)
    return False


def _year_end_text(rng: random.Random, t: TargetValue, short: bool) -> str:
    if t.kind is Kind.QUANTITATIVE:
        return _year_end_quantity(rng, t, short)
    if t.kind is Kind.QUALITATIVE:
        return _grade(t, 1 if short else (-1 if t.op is Op.GE and rng.random() < 0.3 else 0))
    return _date(rng, t, short)


def _current_text(
    rng: random.Random, ind: Indicator, full: TargetValue, short: bool, month: int
) -> str:
    found = _reference(ind, month)
    if found is None:
        return _year_end_text(rng, full, short)
    ref, number = found
    if ref.kind is Kind.QUANTITATIVE and full.kind is Kind.QUANTITATIVE:
        return _current_quantity(rng, ref, number, full, short, month)
    if ref.kind is Kind.QUALITATIVE and ref.grade is not None:
        return _grade(ref, 1 if short else 0)
    if ref.kind is Kind.DATE:
        return _date(rng, ref, short)
    return _year_end_text(rng, full, short)


# -- reasons --------------------------------------------------------------------------------


def _explained(
    rng: random.Random,
    ind: Indicator,
    negative: bool,
    measures: tuple[str, ...],
    missing_share: float,
) -> tuple[Deviation | None, str]:
    """A deviation and measures, or (``missing_share`` of the time) none of them."""
    category = rng.choices(_CATEGORIES, _CATEGORY_WEIGHTS)[0]
    if rng.random() < missing_share:
        deviation = Deviation("", category) if rng.random() < 0.3 else None
        return deviation, (rng.choice(measures) if rng.random() < 0.4 else "")
    if negative:
        category = rng.choice((DeviationCategory.FUNDING, DeviationCategory.OTHER))
        text = rng.choice(_COST_REASONS)
    elif ind.level1 == _SATISFACTION:
        category = DeviationCategory.OTHER
        text = rng.choice(_SATISFACTION_REASONS)
    else:
        text = rng.choice(_REASONS[category])
    return Deviation(text, category), rng.choice(measures)


def _lagging_at_checkpoint(executed: float, budget: float, month: int) -> bool:
    """Time-adjusted execution below 80% (the default yellow threshold of monitoring)."""
    return round(executed * 1200 / (budget * month), 9) < 80


def _low_at_year_end(executed: float, budget: float) -> bool:
    """Execution below 90% (the default of scoring's execution_explain_below)."""
    return Decimal(repr(executed)) / Decimal(repr(budget)) < Decimal("0.9")


# -- projects -------------------------------------------------------------------------------


def generate(
    rng: random.Random,
    project: Project,
    config: SynthConfig,
    forced: Collection[str] = (),
) -> tuple[ProjectActuals, ProjectActuals]:
    """The checkpoint and year-end actuals of a project; ``forced`` names indicators that
    fall short at year end (and lag at the checkpoint) whatever the dice say."""
    month = config.checkpoint_month
    missing = config.missing_reason_share
    funds = project.funds
    total = (
        float(funds.total)
        if funds is not None and funds.total is not None and funds.total > 0
        else round(rng.uniform(10, 100), 1)
    )
    budget = total
    if rng.random() < config.budget_adjusted_share:
        budget = round(total * rng.uniform(0.8, 1.2), 2)

    span = month / 6
    if rng.random() < config.lagging_share:
        rate = rng.uniform(0.02, 0.25) * span
    else:
        rate = rng.uniform(0.30, 0.60) * span
    executed_cp = round(budget * min(rate, 0.98), 2)
    if rng.random() < config.low_execution_share:
        rate = rng.uniform(0.40, 0.85)
    else:
        rate = rng.uniform(0.85, 1.0)
    executed_ye = max(round(budget * rate, 2), executed_cp)
    reason_cp = reason_ye = ""
    if _lagging_at_checkpoint(executed_cp, budget, month) and rng.random() >= missing:
        reason_cp = rng.choice(_EXECUTION_REASONS)
    if _low_at_year_end(executed_ye, budget) and rng.random() >= missing:
        reason_ye = rng.choice(_EXECUTION_REASONS)

    weights = [w for w, _ in _QUALITY]
    multiplier = rng.choices([m for _, m in _QUALITY], weights)[0]
    p_short = min(0.95, config.shortfall_share * multiplier / _QUALITY_MEAN)

    checkpoint: list[IndicatorActual] = []
    year_end: list[IndicatorActual] = []
    for ind in project.indicators:
        full = _usable(ind.full_year) or _usable(ind.long_term) or _usable(ind.half_year)
        if full is None:
            continue  # an unreadable target: nothing comparable to report
        possible = can_fall_short(full)
        short_ye = possible and (ind.name in forced or rng.random() < p_short)
        short_cp = possible and rng.random() < (0.8 if short_ye else 0.05)
        negative = full.kind is Kind.QUANTITATIVE and full.op in (Op.LE, Op.LT)

        current = value(_current_text(rng, ind, full, short_cp, month))
        if short_cp:
            forecast = value(_year_end_text(rng, full, short_ye))
            impossible = short_ye and rng.random() < 0.3
            likelihood = Likelihood.IMPOSSIBLE if impossible else Likelihood.POSSIBLE
            deviation, measures = _explained(rng, ind, negative, _CHECKPOINT_MEASURES, missing)
            checkpoint.append(
                IndicatorActual(ind.name, current, forecast, likelihood, deviation, measures)
            )
        else:
            forecast = value(_year_end_text(rng, full, False))
            checkpoint.append(IndicatorActual(ind.name, current, forecast, Likelihood.CERTAIN))

        achieved = value(_year_end_text(rng, full, short_ye))
        if short_ye:
            deviation, measures = _explained(rng, ind, negative, _YEAR_END_MEASURES, missing)
            year_end.append(IndicatorActual(ind.name, achieved, None, None, deviation, measures))
        else:
            year_end.append(IndicatorActual(ind.name, achieved))

    return (
        ProjectActuals(
            project.name,
            Period.HALF_YEAR,
            budget=budget,
            executed=executed_cp,
            budget_initial=total,
            execution_reason=reason_cp,
            indicators=tuple(checkpoint),
        ),
        ProjectActuals(
            project.name,
            Period.FULL_YEAR,
            budget=budget,
            executed=executed_ye,
            budget_initial=total,
            execution_reason=reason_ye,
            indicators=tuple(year_end),
        ),
    )
