"""The review rules (绩效目标审核规则).  One function per rule, registered with its docs.

Codes: JX1xx 完整性 (completeness), JX2xx 相关性 (relevance), JX3xx 适当性
(appropriateness), JX4xx 可行性 (feasibility), JX5xx 规范性 (form), JX6xx the unit's
overall targets.  docs/rules/ is generated from these definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jixiao.domain.money import MONEY_UNITS, format_money, to_yuan
from jixiao.domain.review._registry import (
    Dimension,
    Emit,
    Example,
    GoalSubject,
    IndicatorSubject,
    OverallSubject,
    ProjectSubject,
    Scope,
    Severity,
    rule,
)
from jixiao.domain.review.wordlists import (
    COST_RE,
    COST_REDUCTION_RE,
    COUNT_UNITS,
    PROCEDURE_RE,
    RATE_RE,
    SATISFACTION_RE,
    SLOGAN_RE,
    TIMELINESS_RE,
)
from jixiao.domain.taxonomy import (
    COST,
    OUTPUT,
    SATISFACTION,
    TAXONOMY_2015,
    taxonomy_for_year,
)
from jixiao.domain.values import Kind, Op, TargetValue

NONE: tuple[Emit, ...] = ()
P = Mapping[str, Any]

OUT, EFF, SAT = "产出指标", "效益指标", "满意度指标"
QTY, QUA, TIME, CLIENT, SOCIAL = (
    "数量指标",
    "质量指标",
    "时效指标",
    "服务对象满意度指标",
    "社会效益指标",
)

# A well-formed project, used as the passing example of most indicator rules.
_GOOD = (
    (OUT, QTY, "培训人大代表人次", "≥200人次", "≥461人次"),
    (OUT, QUA, "培训合格率", "≥95%", "≥95%"),
    (OUT, TIME, "培训按期完成率", "≥50%", "＝100%"),
    (EFF, SOCIAL, "代表履职能力提升度", "≥80%", "≥85%"),
    (SAT, CLIENT, "参训代表满意度", "≥90%", "≥90%"),
)
GOOD = Example(indicators=_GOOD)


def _target(s: IndicatorSubject) -> TargetValue | None:
    return s.target


def _printed(v: TargetValue) -> str:
    return v.text.strip()


def _is_hundred_percent(v: TargetValue | None) -> bool:
    return (
        v is not None
        and v.kind is Kind.QUANTITATIVE
        and v.unit == "%"
        and v.value == 100
        and v.op in (Op.EQ, Op.GE)
    )


def _is_cost_name(name: str) -> bool:
    return COST_RE.search(name) is not None and COST_REDUCTION_RE.search(name) is None


def _is_cost(s: IndicatorSubject) -> bool:
    ind = s.indicator
    return ind.level1 == COST or ind.level2 == COST or _is_cost_name(ind.name)


def _where(s: IndicatorSubject, v: TargetValue | None = None) -> Any:
    return (v.source if v is not None and v.source is not None else None) or s.indicator.source


# -- 完整性 completeness ----------------------------------------------------------------------


@rule(
    "JX101",
    "missing-level1",
    scope=Scope.PROJECT,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="项目缺少必备的一级指标（产出、效益、满意度）",
    hint="补充该类指标：效益指标写明项目带来的经济、社会、生态或可持续影响",
    explanation=(
        "Every project table must state outputs (产出), effects (效益) and the satisfaction of "
        "those served (满意度).  A table without effects says what money buys but not why."
    ),
    bad=Example(indicators=(_GOOD[0], _GOOD[1], _GOOD[2], _GOOD[4])),
    good=GOOD,
    params={"required": [OUT, EFF, SAT]},
)
def missing_level1(s: ProjectSubject, p: P) -> list[Emit]:
    present = {i.level1 for i in s.project.indicators}
    return [
        (f"项目“{s.project.name}”缺少{level1}", s.project.source)
        for level1 in p["required"]
        if level1 not in present
    ]


@rule(
    "JX102",
    "missing-cost-level1",
    scope=Scope.PROJECT,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.INFO,
    summary="2021 版指标体系下项目没有成本指标",
    hint="按财预〔2021〕101号模板补充成本指标（经济成本、社会成本、生态环境成本）",
    explanation=(
        "From fiscal year 2022 the national template makes cost (成本指标) a level-1 "
        "category of its own.  Older templates still in use have none; this is a reminder."
    ),
    bad=Example(indicators=_GOOD),
    good=Example(
        indicators=(*_GOOD, (COST, "经济成本指标", "人均培训成本", "≤0.5万元", "≤0.5万元"))
    ),
)
def missing_cost(s: ProjectSubject, p: P) -> list[Emit]:
    if s.taxonomy_version != "2021":
        return []
    if any(i.level1 == COST or i.level2 == COST for i in s.project.indicators):
        return []
    return [(f"项目“{s.project.name}”没有成本指标", s.project.source)]


@rule(
    "JX103",
    "level2-not-under-level1",
    scope=Scope.INDICATOR,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="二级指标不属于其一级指标，或不是已知的指标类别",
    hint="按指标体系改正：数量、质量、时效属产出指标，服务对象满意度属满意度指标",
    explanation=(
        "The level-2 category must belong to its level 1 in the taxonomy of the table's "
        "year (e.g. 服务对象满意度指标 under 满意度指标).  Misfiled rows break aggregation."
    ),
    bad=Example(indicators=((OUT, CLIENT, "参训代表满意度", "≥90%", "≥90%"),)),
    good=GOOD,
)
def level2_not_under_level1(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    ind = s.indicator
    taxonomy = taxonomy_for_year(s.project.project.fiscal_year)
    if taxonomy.belongs(ind.level1, ind.level2) or TAXONOMY_2015.belongs(ind.level1, ind.level2):
        return NONE
    if (
        taxonomy.resolve_level2(ind.level2) is None
        and TAXONOMY_2015.resolve_level2(ind.level2) is None
    ):
        message = f"指标“{ind.name}”的二级指标“{ind.level2 or '（空）'}”不是已知的指标类别"
    else:
        message = f"指标“{ind.name}”的二级指标“{ind.level2}”不属于一级指标“{ind.level1}”"
    return ((message, ind.source),)


@rule(
    "JX104",
    "missing-target",
    scope=Scope.INDICATOR,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="指标没有全年（年度）指标值",
    hint="填写全年指标值",
    explanation="An indicator without an annual target cannot be monitored or evaluated.",
    bad=Example(indicators=((OUT, QTY, "培训人大代表人次", "≥200人次", None),)),
    good=GOOD,
)
def missing_target(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    if _target(s) is not None:
        return NONE
    return ((f"指标“{s.indicator.name}”没有全年指标值", s.indicator.source),)


def _is_placeholder(v: TargetValue) -> bool:
    return v.kind is Kind.TEXT and "占位符" in v.reason


@rule(
    "JX105",
    "placeholder",
    scope=Scope.INDICATOR,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="指标值是未填写的占位符（*、XX、≥**%）",
    hint="填写实际的目标数值",
    explanation="Templates ship with placeholders such as ≥**%; one left in is an unset target.",
    bad=Example(indicators=((OUT, QUA, "培训合格率", "≥**%", "≥**%"),)),
    good=GOOD,
)
def placeholder(s: IndicatorSubject, p: P) -> list[Emit]:
    return [
        (f"指标“{s.indicator.name}”的{_PERIOD[period]}“{v.text}”是未填写的占位符", _where(s, v))
        for period, v in s.texts
        if _is_placeholder(v)
    ]


_PERIOD = {"half_year": "半年指标值", "full_year": "全年指标值", "long_term": "长期指标值"}


@rule(
    "JX106",
    "half-year-zero-or-missing",
    scope=Scope.INDICATOR,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.WARNING,
    summary="半年指标值为零或缺失，运行监控无从比较",
    hint="按计划进度填写半年目标；确实下半年才开展的，说明原因",
    explanation=(
        "Where a table sets half-year targets, a half-year value of zero (≥0份) or none at "
        "all leaves the mid-year monitoring (运行监控) nothing to compare progress with."
    ),
    bad=Example(indicators=((OUT, QTY, "汇编制作发放份数", "≥0份", "≥700份"),)),
    good=GOOD,
)
def half_year_zero_or_missing(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    if not s.project.has_half_year:
        return NONE
    half = s.indicator.half_year
    if half is None:
        return ((f"指标“{s.indicator.name}”缺少半年指标值", s.indicator.source),)
    if half.kind is Kind.QUANTITATIVE and half.value == 0:
        return ((f"指标“{s.indicator.name}”的半年指标值为零（{_printed(half)}）", _where(s, half)),)
    return NONE


@rule(
    "JX107",
    "funds-do-not-add-up",
    scope=Scope.PROJECT,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="年度资金总额不等于财政拨款、上年结转与其他资金之和",
    hint="核对资金来源，使总额等于各来源之和",
    explanation="年度资金总额 must equal 财政拨款 + 上年结转 + 其他资金 up to rounding.",
    bad=Example(indicators=_GOOD, project={"funds": {"total": 100, "fiscal": 80, "carryover": 10}}),
    good=Example(
        indicators=_GOOD, project={"funds": {"total": 100, "fiscal": 90, "carryover": 10}}
    ),
    params={"tolerance": 0.01},
)
def funds_do_not_add_up(s: ProjectSubject, p: P) -> list[Emit]:
    funds = s.project.funds
    if funds is None or funds.total is None:
        return []
    parts = [x for x in (funds.fiscal, funds.carryover, funds.other) if x is not None]
    # amounts are in 元; the tolerance is in 万元 (rounding to the 万元 printed)
    if not parts or abs(sum(parts) - funds.total) <= to_yuan(p["tolerance"], "万元"):
        return []
    unit = funds.unit
    return [
        (
            f"项目“{s.project.name}”年度资金总额 {funds.shown('total')} {unit} ≠ 各来源之和 "
            f"{format_money(sum(parts, Decimal(0)), unit)} {unit}",
            s.project.source,
        )
    ]


# -- 相关性 relevance ----------------------------------------------------------------------


@rule(
    "JX201",
    "procedure-as-indicator",
    scope=Scope.INDICATOR,
    dimension=Dimension.RELEVANCE,
    severity=Severity.WARNING,
    summary="指标写的是工作程序或口号（“按要求开展……”），目标值不可衡量",
    hint="改写为可衡量的结果，如“培训合格率 ≥95%”“问题整改完成率 ＝100%”",
    explanation=(
        "An indicator that restates a procedure or duty ('carry out the training as "
        "required', 'strengthen management') with ＝100%, a percentage of nothing named, or "
        "a word such as 长期/是 cannot fail and measures nothing.  Indicators whose name "
        "names a rate (RATE_WORDS) or whose target is a count are not flagged.  Word list: "
        "PROCEDURE_OPENINGS."
    ),
    bad=Example(indicators=((OUT, QUA, "按要求开展人大代表履职培训", "＝100%", "＝100%"),)),
    good=GOOD,
)
def procedure_as_indicator(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    name = s.indicator.name
    if s.indicator.level1 == SATISFACTION:
        return NONE
    if PROCEDURE_RE.match(name) is None or RATE_RE.search(name) is not None:
        return NONE
    target = _target(s)
    # A count (≥4次, ≥260家) measures the work; a bare percentage or a word does not.
    if target is not None and target.kind is Kind.QUANTITATIVE and target.unit != "%":
        return NONE
    shown = f"“{_printed(target)}”" if target is not None else "目标值"
    return ((f"指标“{name}”描述的是工作程序而非结果，{shown}不可衡量", s.indicator.source),)


@rule(
    "JX202",
    "level2-by-wording",
    scope=Scope.INDICATOR,
    dimension=Dimension.RELEVANCE,
    severity=Severity.WARNING,
    summary="指标的措辞与所在二级指标不符（如“及时性”放在质量指标下）",
    hint="把指标移到与其含义相符的二级指标下",
    explanation=(
        "Wording places an indicator: 及时/时限/按期 belong to 时效指标, 满意 to 满意度指标, "
        "成本/单价 to cost.  Word lists: TIMELINESS_WORDS, SATISFACTION_WORDS, COST_WORDS."
    ),
    bad=Example(indicators=((OUT, QUA, "培训组织完成及时性", "＝100%", "＝100%"),)),
    good=GOOD,
)
def level2_by_wording(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    ind = s.indicator
    name = ind.name
    if SATISFACTION_RE.search(name) and ind.level1 != SATISFACTION:
        should = "满意度指标"
    elif TIMELINESS_RE.search(name) and ind.level1 == OUTPUT and ind.level2 != TIME:
        should = "时效指标"
    elif _is_cost_name(name) and ind.level1 != COST and ind.level2 != COST:
        should = "成本指标"
    else:
        return NONE
    return ((f"指标“{name}”放在“{ind.level2}”下，按其含义应属{should}", ind.source),)


@rule(
    "JX203",
    "duplicate-indicator",
    scope=Scope.PROJECT,
    dimension=Dimension.RELEVANCE,
    severity=Severity.WARNING,
    summary="同一项目中有重复的指标",
    hint="合并或删除重复的指标",
    explanation="The same indicator twice double-counts it in scoring.",
    bad=Example(indicators=(*_GOOD, (OUT, QTY, "培训人大代表人次", "≥200人次", "≥461人次"))),
    good=GOOD,
)
def duplicate_indicator(s: ProjectSubject, p: P) -> list[Emit]:
    seen: set[str] = set()
    found: list[Emit] = []
    for ind in s.project.indicators:
        key = "".join(ind.name.split())
        if key in seen:
            found.append((f"指标“{ind.name}”在项目“{s.project.name}”中重复出现", ind.source))
        seen.add(key)
    return found


# -- 适当性 appropriateness ---------------------------------------------------------------


@rule(
    "JX301",
    "quantity-as-percentage",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="数量指标只给出百分比，没有说明数量",
    hint="写明数量和单位（如 ＝461人次、≥12次）；完成比例可另设质量指标",
    explanation=(
        "A quantity indicator stated as ＝100% says nothing about how much will be delivered; "
        "the amount is what the funds buy."
    ),
    bad=Example(indicators=((OUT, QTY, "保障参加活动的人大代表履职情况", "＝100%", "＝100%"),)),
    good=GOOD,
)
def quantity_as_percentage(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    ind = s.indicator
    target = _target(s)
    if ind.level2 != QTY or target is None or target.unit != "%":
        return NONE
    return (
        (f"数量指标“{ind.name}”只给出百分比“{_printed(target)}”，没有说明数量", _where(s, target)),
    )


@rule(
    "JX302",
    "half-year-above-full-year",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.ERROR,
    summary="累计计数的半年指标值大于全年指标值",
    hint="半年值应不超过全年值；核对两列是否填反",
    explanation="For counts that accumulate over the year the half-year target cannot exceed the year's.",
    bad=Example(indicators=((OUT, QTY, "培训人大代表人次", "≥500人次", "≥461人次"),)),
    good=GOOD,
)
def half_year_above_full_year(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    half, full = s.indicator.half_year, s.indicator.full_year
    if half is None or full is None or half.kind is not Kind.QUANTITATIVE:
        return NONE
    if full.kind is not Kind.QUANTITATIVE or half.unit != full.unit or half.unit not in COUNT_UNITS:
        return NONE
    if half.op in (Op.LE, Op.LT) or half.value is None or full.value is None:
        return NONE
    if half.value <= full.value:
        return NONE
    return (
        (
            f"指标“{s.indicator.name}”半年指标值 {_printed(half)} 大于全年指标值 {_printed(full)}",
            _where(s, half),
        ),
    )


@rule(
    "JX303",
    "rate-above-100",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.ERROR,
    summary="比率类指标的目标超过 100%",
    hint="比率不能超过 100%；核对数值或单位",
    explanation="A rate (率, 比例, 覆盖率, 满意度) above 100% is impossible.",
    bad=Example(indicators=((OUT, QUA, "培训合格率", "≥95%", "≥120%"),)),
    good=GOOD,
)
def rate_above_100(s: IndicatorSubject, p: P) -> list[Emit]:
    ind = s.indicator
    if RATE_RE.search(ind.name) is None and ind.level1 != SATISFACTION:
        return []
    return [
        (f"比率指标“{ind.name}”的{_PERIOD[period]} {_printed(v)} 超过 100%", _where(s, v))
        for period, v in s.values
        if v.kind is Kind.QUANTITATIVE and v.unit == "%" and v.value is not None and v.value > 100
    ]


@rule(
    "JX304",
    "cost-with-positive-operator",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="成本指标使用了 ≥ 或 >，方向与成本控制相反",
    hint="成本指标是反向指标，应写成 ≤（如 ≤0.5万元）",
    explanation="Costs are to be kept down: a cost target reads ≤, not ≥.",
    bad=Example(indicators=((COST, "经济成本指标", "人均培训成本", None, "≥0.5万元"),)),
    good=Example(indicators=((COST, "经济成本指标", "人均培训成本", None, "≤0.5万元"),)),
)
def cost_with_positive_operator(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    target = _target(s)
    if target is None or target.op not in (Op.GE, Op.GT) or not _is_cost(s):
        return NONE
    return ((f"成本指标“{s.indicator.name}”写作“{_printed(target)}”，应使用 ≤", _where(s, target)),)


@rule(
    "JX305",
    "cost-above-funds",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.ERROR,
    summary="成本指标超过项目年度资金总额",
    hint="核对成本指标的数值和单位（万元/元）",
    explanation="A cost target above the project's whole budget is a unit or typing error.",
    bad=Example(
        indicators=((COST, "经济成本指标", "项目总成本", None, "≤150万元"),),
        project={"funds": {"total": 100}},
    ),
    good=Example(
        indicators=((COST, "经济成本指标", "项目总成本", None, "≤100万元"),),
        project={"funds": {"total": 100}},
    ),
)
def cost_above_funds(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    funds = s.project.project.funds
    target = _target(s)
    if funds is None or funds.total is None or target is None or not _is_cost(s):
        return NONE
    if target.kind is not Kind.QUANTITATIVE or target.value is None:
        return NONE
    amount = to_yuan(target.value, target.unit) if target.unit in MONEY_UNITS else None
    if amount is None or amount <= funds.total:
        return NONE
    return (
        (
            f"成本指标“{s.indicator.name}”{_printed(target)} 超过项目年度资金总额 "
            f"{funds.shown('total')} {funds.unit}",
            _where(s, target),
        ),
    )


@rule(
    "JX306",
    "satisfaction-not-quantified",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="满意度指标没有量化的百分比目标",
    hint="写明满意度目标，如 ≥90%",
    explanation="Satisfaction is surveyed as a percentage; without a number it cannot be scored.",
    bad=Example(indicators=((SAT, CLIENT, "参训代表满意度", "较好", "较好"),)),
    good=GOOD,
)
def satisfaction_not_quantified(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    if s.indicator.level1 != SATISFACTION:
        return NONE
    target = _target(s)
    if target is not None and target.kind is Kind.QUANTITATIVE and target.unit == "%":
        return NONE
    shown = f"“{_printed(target)}”" if target is not None else "空"
    return ((f"满意度指标“{s.indicator.name}”的目标{shown}不是百分比", _where(s, target)),)


@rule(
    "JX307",
    "satisfaction-target-low",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.INFO,
    summary="满意度目标低于常见水平",
    hint="满意度目标通常不低于 85%；偏低的请说明理由",
    explanation="A low satisfaction target (configurable, default below 85%) is worth a question.",
    bad=Example(indicators=((SAT, CLIENT, "参训代表满意度", "≥70%", "≥70%"),)),
    good=GOOD,
    params={"minimum": 85},
)
def satisfaction_target_low(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    target = _target(s)
    if s.indicator.level1 != SATISFACTION or target is None or target.unit != "%":
        return NONE
    if target.value is None or target.value >= p["minimum"]:
        return NONE
    return (
        (
            f"满意度指标“{s.indicator.name}”目标 {_printed(target)} 低于 {p['minimum']}%",
            _where(s, target),
        ),
    )


@rule(
    "JX308",
    "always-true-target",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="全年目标恒成立（≥0）",
    hint="设定有意义的下限",
    explanation="A target of ≥0 is met by doing nothing.",
    bad=Example(indicators=((OUT, QTY, "汇编制作发放份数", "≥0份", "≥0份"),)),
    good=GOOD,
)
def always_true_target(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    target = _target(s)
    if target is None or target.kind is not Kind.QUANTITATIVE or target.op is not Op.GE:
        return NONE
    if target.value != 0:
        return NONE
    return ((f"指标“{s.indicator.name}”全年目标“{_printed(target)}”恒成立", _where(s, target)),)


@rule(
    "JX309",
    "quantity-without-unit",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="数量指标没有计量单位",
    hint="写明计量单位，如 ≥300人次、≥12场",
    explanation="A count without its unit (≥300 of what?) cannot be checked against actuals.",
    bad=Example(indicators=((OUT, QTY, "培训人大代表人次", "≥200", "≥461"),)),
    good=GOOD,
)
def quantity_without_unit(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    target = _target(s)
    if s.indicator.level2 != QTY or target is None or target.kind is not Kind.QUANTITATIVE:
        return NONE
    if target.unit:
        return NONE
    return (
        (f"数量指标“{s.indicator.name}”的目标“{_printed(target)}”没有计量单位", _where(s, target)),
    )


@rule(
    "JX310",
    "target-below-last-actual",
    scope=Scope.INDICATOR,
    dimension=Dimension.APPROPRIATENESS,
    severity=Severity.WARNING,
    summary="目标低于上年实际完成值（目标设定偏低）",
    hint="参考上年实际完成情况设定目标；确需降低的请说明理由",
    explanation=(
        "A positive target set below what the project already achieved last year is too "
        "easy (设定明显偏低).  Needs last year's actual values of the same indicator: in the "
        "database, the year-end actuals stored for the project of the same name and unit in "
        "the previous fiscal year; without them the rule is silent."
    ),
    bad=Example(indicators=_GOOD, previous={"培训人大代表人次": "520人次"}),
    good=Example(indicators=_GOOD, previous={"培训人大代表人次": "430人次"}),
)
def target_below_last_actual(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    actual = s.project.previous.get(s.indicator.name)
    target = _target(s)
    if actual is None or target is None or target.kind is not Kind.QUANTITATIVE:
        return NONE
    if target.op not in (Op.GE, Op.GT, Op.EQ) or actual.kind is not Kind.QUANTITATIVE:
        return NONE
    if actual.unit not in ("", target.unit) or actual.value is None or target.value is None:
        return NONE
    if actual.value <= target.value:
        return NONE
    return (
        (
            f"指标“{s.indicator.name}”全年目标 {_printed(target)} 低于上年实际完成值 {_printed(actual)}",
            _where(s, target),
        ),
    )


# -- 可行性 feasibility -------------------------------------------------------------------


@rule(
    "JX401",
    "date-after-project-end",
    scope=Scope.INDICATOR,
    dimension=Dimension.FEASIBILITY,
    severity=Severity.ERROR,
    summary="时效目标的日期晚于项目完成时间",
    hint="时间节点应在项目实施期内",
    explanation="A deadline after the project's end cannot be monitored within the project.",
    bad=Example(
        indicators=((OUT, TIME, "工程完工时间", None, "2025年12月底前"),),
        project={"end_year": 2024},
    ),
    good=Example(
        indicators=((OUT, TIME, "工程完工时间", None, "2024年12月底前"),),
        project={"end_year": 2024},
    ),
)
def date_after_project_end(s: IndicatorSubject, p: P) -> list[Emit]:
    end_year = s.project.project.end_year
    if end_year is None:
        return []
    return [
        (f"指标“{s.indicator.name}”的日期“{v.text}”晚于项目完成时间 {end_year} 年", _where(s, v))
        for _, v in s.values
        if v.kind is Kind.DATE and v.end is not None and int(v.end[:4]) > end_year
    ]


# -- 规范性 form -----------------------------------------------------------------------------


@rule(
    "JX501",
    "unreadable-value",
    scope=Scope.INDICATOR,
    dimension=Dimension.FORM,
    severity=Severity.WARNING,
    summary="指标值无法识别（不是数值、日期或等级）",
    hint="按“计算符号 + 数值 + 单位”填写，如 ≥90%、＝461人次",
    explanation="Values that are neither quantities, dates nor grades cannot be monitored.",
    bad=Example(indicators=((OUT, QTY, "培训人大代表人次", "若干", "视情况而定"),)),
    good=GOOD,
)
def unreadable_value(s: IndicatorSubject, p: P) -> list[Emit]:
    return [
        (f"指标“{s.indicator.name}”的{_PERIOD[period]}“{v.text}”无法识别：{v.reason}", _where(s, v))
        for period, v in s.texts
        if not _is_placeholder(v)
    ]


_OPERATOR_START = frozenset("=＝═≥≧≤≦<>＜＞⩾⩽不大小高低至达控")


@rule(
    "JX502",
    "rate-without-operator",
    scope=Scope.INDICATOR,
    dimension=Dimension.FORM,
    severity=Severity.INFO,
    summary="百分比目标没有写计算符号，方向不明",
    hint="写明 ≥、≤ 或 ＝",
    explanation="A bare '90%' could be a floor, a ceiling or an exact value; scoring needs to know.",
    bad=Example(indicators=((OUT, QUA, "培训合格率", "95%", "95%"),)),
    good=GOOD,
)
def rate_without_operator(s: IndicatorSubject, p: P) -> tuple[Emit, ...]:
    target = _target(s)
    if target is None or target.kind is not Kind.QUANTITATIVE or target.unit != "%":
        return NONE
    text = target.text.strip()
    if not text or text[0] in _OPERATOR_START:
        return NONE
    return ((f"指标“{s.indicator.name}”的目标“{text}”没有计算符号", _where(s, target)),)


# -- 部门整体 the unit's overall targets --------------------------------------------------


@rule(
    "JX601",
    "goal-without-target",
    scope=Scope.GOAL,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="整体目标中的工作没有目标值",
    hint="为每项工作写明可衡量的目标值",
    explanation="Every work item of the overall targets needs a target value.",
    bad=Example(goals=(("1", "履行监督职能", "开展执法检查", "推动法律法规落到实处", None),)),
    good=Example(goals=(("1", "履行监督职能", "开展执法检查", "推动法律法规落到实处", "2次"),)),
)
def goal_without_target(s: GoalSubject, p: P) -> tuple[Emit, ...]:
    if s.goal.target is not None:
        return NONE
    return ((f"工作“{s.goal.work}”没有目标值", s.goal.source),)


@rule(
    "JX602",
    "unmeasurable-goal",
    scope=Scope.GOAL,
    dimension=Dimension.RELEVANCE,
    severity=Severity.WARNING,
    summary="年度目标的目标值不可衡量（“100%”未说明衡量什么，或不是数值）",
    hint="把目标改写为可衡量的结果（如“审议报告 2 次”“问题整改率 ≥90%”）",
    explanation=(
        "A goal such as 'compose a new chapter' with target 100% names no rate: 100% of what? "
        "A target in words (明显提升, 持续推进, 是) cannot be checked either.  Goals whose "
        "wording names a rate (RATE_WORDS) are not flagged for 100%."
    ),
    bad=Example(goals=(("6", "监督政府工作", "加强监督", "谱写新篇章", "100%"),)),
    good=Example(goals=(("6", "监督政府工作", "跟踪审计整改", "审计发现问题整改率", "≥90%"),)),
)
def unmeasurable_goal(s: GoalSubject, p: P) -> tuple[Emit, ...]:
    target = s.goal.target
    if target is None or (target.kind is Kind.TEXT and _is_placeholder(target)):
        return NONE  # JX601 / JX105 speak of those
    if target.kind in (Kind.TEXT, Kind.QUALITATIVE):
        return (
            (f"年度目标“{s.goal.goal}”的目标值“{_printed(target)}”不是可衡量的数值", s.goal.source),
        )
    if not _is_hundred_percent(target) or RATE_RE.search(s.goal.goal + s.goal.work):
        return NONE
    return (
        (f"年度目标“{s.goal.goal}”的目标值“{_printed(target)}”没有说明衡量的是什么", s.goal.source),
    )


@rule(
    "JX603",
    "slogan-goal",
    scope=Scope.GOAL,
    dimension=Dimension.RELEVANCE,
    severity=Severity.WARNING,
    summary="年度目标是口号，无法考核",
    hint="写明本年度要达到的具体结果",
    explanation="Slogans ('write a new chapter') cannot be checked.  Word list: SLOGAN_WORDS.",
    bad=Example(goals=(("6", "监督政府工作", "加强监督", "谱写“强富美高”新篇章", "100%"),)),
    good=Example(goals=(("1", "履行监督职能", "开展执法检查", "推动法律法规落到实处", "2次"),)),
)
def slogan_goal(s: GoalSubject, p: P) -> tuple[Emit, ...]:
    match = SLOGAN_RE.search(s.goal.goal)
    if match is None:
        return NONE
    return ((f"年度目标“{s.goal.goal}”是口号（“{match.group(0)}”），无法考核", s.goal.source),)


@rule(
    "JX604",
    "empty-overall-table",
    scope=Scope.OVERALL,
    dimension=Dimension.COMPLETENESS,
    severity=Severity.ERROR,
    summary="部门整体绩效目标表没有任何目标",
    hint="按职能填写工作及年度目标",
    explanation="An overall table with no rows sets no targets.",
    bad=Example(overall=True),
    good=Example(goals=(("1", "履行监督职能", "开展执法检查", "推动法律法规落到实处", "2次"),)),
)
def empty_overall_table(s: OverallSubject, p: P) -> tuple[Emit, ...]:
    if s.overall.goals:
        return NONE
    return ((f"{s.overall.unit}的整体绩效目标表没有任何目标", s.overall.source),)
