"""Tests for monitoring (运行监控): execution and indicator lights, findings, summaries.

Every expected figure is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.domain.actuals import (
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ProjectActuals,
)
from jixiao.domain.model import Indicator, Period, Project
from jixiao.domain.monitoring import (
    DEFAULT_CONFIG,
    FINDING_CODES,
    LIGHT_LABELS,
    IndicatorMonitor,
    Light,
    MonitoringConfig,
    MonitoringConfigError,
    ProjectMonitor,
    by_department,
    by_unit,
    monitor_project,
    summarize,
)
from jixiao.domain.values import Number, parse_value

OUT, QTY, QUA = "产出指标", "数量指标", "质量指标"


def ind(
    name: str = "培训人次",
    full: str | None = None,
    half: str | None = None,
    level1: str = OUT,
    level2: str = QTY,
) -> Indicator:
    return Indicator(
        level1=level1,
        level2=level2,
        name=name,
        half_year=None if half is None else parse_value(half),
        full_year=None if full is None else parse_value(full),
    )


def act(
    value: str | None,
    name: str = "培训人次",
    forecast: str | None = None,
    likelihood: Likelihood | None = None,
    reason: str | None = None,
    category: DeviationCategory | None = None,
    measures: str = "",
    not_applicable: bool = False,
) -> IndicatorActual:
    deviation = None if reason is None else Deviation(reason, category)
    return IndicatorActual(
        indicator=name,
        value=None if value is None else parse_value(value),
        forecast=None if forecast is None else parse_value(forecast),
        likelihood=likelihood,
        deviation=deviation,
        measures=measures,
        not_applicable=not_applicable,
    )


def run(
    indicators: tuple[Indicator, ...] = (),
    actuals: tuple[IndicatorActual, ...] = (),
    budget: Number | None = 100,
    executed: Number | None = 50,
    reason: str = "",
    config: MonitoringConfig = DEFAULT_CONFIG,
    name: str = "人大代表培训",
    unit: str | None = "市人大办",
    department: str | None = "市人大常委会",
) -> ProjectMonitor:
    project = Project(name=name, unit=unit, department=department, indicators=indicators)
    data = ProjectActuals(
        project=name,
        period=Period.HALF_YEAR,
        budget=budget,
        executed=executed,
        execution_reason=reason,
        indicators=actuals,
    )
    return monitor_project(project, data, config)


def one(indicator: Indicator, actual: IndicatorActual | None, month: int = 6) -> IndicatorMonitor:
    config = MonitoringConfig(month=month)
    actuals = () if actual is None else (actual,)
    return run((indicator,), actuals, config=config).indicators[0]


def codes(monitor: ProjectMonitor) -> list[str]:
    return [f.code for f in monitor.findings]


# -- budget execution -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("executed", "adjusted", "light"),
    [
        # (executed / 100) ÷ (6/12) × 100 = executed × 2
        (29.995, 59.99, Light.RED),
        (30, 60.0, Light.YELLOW),
        (39.995, 79.99, Light.YELLOW),
        (40, 80.0, Light.GREEN),
    ],
)
def test_execution_thresholds_at_their_boundaries(
    executed: float, adjusted: float, light: Light
) -> None:
    m = run(executed=executed, reason="采购延后")
    assert m.time_adjusted == adjusted
    assert m.execution_light is light


def test_execution_rate_and_time_adjusted_figures() -> None:
    # 90 / 200 = 45%; 45% ÷ (6/12) = 90%
    m = run(budget=200, executed=90)
    assert m.execution_rate == 45.0
    assert m.time_adjusted == 90.0
    assert m.execution_light is Light.GREEN
    assert m.execution_basis == (
        "执行数 90万元 ÷ 全年预算数 200万元 = 45%；按时间进度折算 45% ÷ (6/12) = 90%，绿灯"
    )


@pytest.mark.parametrize(
    ("executed", "month", "adjusted", "light"),
    [
        # 45 / 100 = 45%: June 45 ÷ 0.5 = 90 (green), August 45 ÷ (8/12) = 67.5 (yellow)
        (45, 6, 90.0, Light.GREEN),
        (45, 8, 67.5, Light.YELLOW),
        # 35 / 100 = 35%: June 70 (yellow), August 35 × 12 / 8 = 52.5 (red)
        (35, 6, 70.0, Light.YELLOW),
        (35, 8, 52.5, Light.RED),
        # July: 42 × 12 / 7 = 72 (yellow)
        (42, 7, 72.0, Light.YELLOW),
    ],
)
def test_checkpoint_month_changes_the_light(
    executed: float, month: int, adjusted: float, light: Light
) -> None:
    m = run(executed=executed, config=MonitoringConfig(month=month), reason="进度说明")
    assert m.month == month
    assert m.time_adjusted == adjusted
    assert m.execution_light is light


def test_executed_above_budget_is_green_and_reported() -> None:
    # 120 / 100 = 120%; ÷ 0.5 = 240%
    m = run(budget=100, executed=120)
    assert (m.execution_rate, m.time_adjusted) == (120.0, 240.0)
    assert m.execution_light is Light.GREEN
    assert codes(m) == ["JXM7"]
    assert "120万元" in m.findings[0].message and "100万元" in m.findings[0].message


@pytest.mark.parametrize(
    ("budget", "executed", "shown"),
    [
        (None, 50, "未填写全年预算数"),
        (0, 50, "全年预算数为 0万元"),
        (-5, 50, "全年预算数为 -5万元"),
        (100, None, "未填写执行数"),
    ],
)
def test_no_budget_or_no_execution_cannot_be_judged(
    budget: Number | None, executed: Number | None, shown: str
) -> None:
    m = run(budget=budget, executed=executed)
    assert m.execution_light is Light.NONE
    assert m.execution_rate is None and m.time_adjusted is None
    assert codes(m) == ["JXM5"]
    assert shown in m.findings[0].message


def test_execution_behind_without_reason_is_jxm2() -> None:
    m = run(executed=35)  # 70%: yellow
    assert codes(m) == ["JXM2"]
    finding = m.findings[0]
    assert finding.indicator is None and finding.project == "人大代表培训"
    assert "黄灯" in finding.message and "70%" in finding.message


def test_execution_red_without_reason_is_jxm2_and_with_reason_is_not() -> None:
    assert codes(run(executed=10)) == ["JXM2"]  # 20%: red
    m = run(executed=10, reason="  项目招标尚未完成  ")
    assert codes(m) == []
    assert m.execution_reason == "项目招标尚未完成"


def test_green_execution_needs_no_reason() -> None:
    assert codes(run(executed=40)) == []  # 80%: green


def test_execution_thresholds_are_configurable() -> None:
    config = MonitoringConfig(execution_red_below=50, execution_yellow_below=70)
    # 27.5 × 2 = 55: red by default, yellow here; 35 × 2 = 70: green here
    assert run(executed=27.5, reason="x").execution_light is Light.RED
    assert run(executed=27.5, reason="x", config=config).execution_light is Light.YELLOW
    assert run(executed=35, config=config).execution_light is Light.GREEN


@settings(max_examples=200, deadline=None)
@given(
    budget=st.floats(min_value=0.01, max_value=1e7, allow_nan=False),
    a=st.floats(min_value=-1e3, max_value=1e8, allow_nan=False),
    b=st.floats(min_value=-1e3, max_value=1e8, allow_nan=False),
    month=st.integers(min_value=1, max_value=12),
)
def test_execution_light_is_monotone_in_executed(
    budget: float, a: float, b: float, month: int
) -> None:
    rank = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}
    low, high = min(a, b), max(a, b)
    config = MonitoringConfig(month=month)
    m_low = run(budget=budget, executed=low, config=config)
    m_high = run(budget=budget, executed=high, config=config)
    assert m_low.time_adjusted is not None and m_high.time_adjusted is not None
    assert m_low.time_adjusted <= m_high.time_adjusted
    assert rank[m_low.execution_light] <= rank[m_high.execution_light]


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=2_000_000),
    month=st.integers(min_value=1, max_value=12),
)
def test_execution_light_matches_exact_arithmetic(cents: int, month: int) -> None:
    # executed in cents of 万元 against a budget of 1000万元; exact: cents × 12 / (10 × month)
    from fractions import Fraction

    exact = Fraction(cents, 100) / 1000 * Fraction(12, month) * 100
    expected = Light.RED if exact < 60 else Light.YELLOW if exact < 80 else Light.GREEN
    m = run(budget=1000, executed=cents / 100, config=MonitoringConfig(month=month))
    assert m.execution_light is expected


# -- quantitative indicators --------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "progress", "light"),
    [
        ("5999人次", 59.99, Light.RED),
        ("6000人次", 60.0, Light.YELLOW),
        ("7999人次", 79.99, Light.YELLOW),
        ("8000人次", 80.0, Light.GREEN),
    ],
)
def test_progress_thresholds_at_their_boundaries(
    current: str, progress: float, light: Light
) -> None:
    row = one(ind(full="≥20000人次", half="≥10000人次"), act(current, reason="x"))
    assert row.progress == progress
    assert row.light is light


@pytest.mark.parametrize(
    ("current", "light"), [("0.57", Light.RED), ("0.6", Light.YELLOW), ("0.8", Light.GREEN)]
)
def test_progress_boundaries_survive_float_noise(current: str, light: Light) -> None:
    # 0.6 / 1 × 100 is 60.00000000000001 in floats; 0.57 × 100 is 56.99999999999999
    row = one(ind(full="≥2", half="≥1"), act(current, reason="x"))
    assert row.light is light


def test_half_year_target_is_the_reference_when_present() -> None:
    row = one(ind(full="＝461人次", half="＝200人次"), act("250人次"))
    assert row.progress == 125.0
    assert row.light is Light.GREEN
    assert row.basis == "当前完成值 250人次 ÷ 半年目标 ＝200人次 = 125%，绿灯"


def test_half_year_target_is_used_whatever_the_month() -> None:
    # 150 / 200 = 75% in June and in August alike: the table's half-year value is the reference
    for month in (6, 8):
        row = one(ind(full="≥400人次", half="≥200人次"), act("150人次", reason="x"), month)
        assert (row.progress, row.light) == (75.0, Light.YELLOW)


@pytest.mark.parametrize(
    ("month", "progress", "light", "expected_shown"),
    [
        # June: 400 × 6/12 = 200; 150 / 200 = 75% (yellow)
        (6, 75.0, Light.YELLOW, "200人次"),
        # August: 400 × 8/12 = 266.67; 150 / 266.67 = 56.25% (red)
        (8, 56.25, Light.RED, "266.6667人次"),
        # March: 400 × 3/12 = 100; 150 / 100 = 150% (green)
        (3, 150.0, Light.GREEN, "100人次"),
    ],
)
def test_cumulative_without_half_year_is_pro_rata(
    month: int, progress: float, light: Light, expected_shown: str
) -> None:
    row = one(ind(full="≥400人次"), act("150人次", reason="x"), month)
    assert row.progress == progress
    assert row.light is light
    assert f"按时间进度折算的目标 {expected_shown}（年度指标值 ≥400人次 × {month}/12）" in row.basis


def test_unreadable_half_year_falls_back_to_the_annual_target() -> None:
    # half-year "/" is no target: 400 × 6/12 = 200; 180 / 200 = 90%
    row = one(ind(full="≥400人次", half="/"), act("180人次"))
    assert (row.progress, row.light) == (90.0, Light.GREEN)
    assert row.half_year_target == "/"


@pytest.mark.parametrize(
    ("level1", "level2", "target", "current"),
    [
        # rates (%): 85 / 90 = 94.44%; pro rata it would be 85 / 45 = 188.9%
        ("效益指标", "社会效益指标", "≥90%", "85%"),
        # scores (分)
        ("效益指标", "社会效益指标", "≥90分", "85分"),
        # satisfaction, even without a unit
        ("满意度指标", "服务对象满意度指标", "≥90", "85"),
    ],
)
def test_rates_scores_and_satisfaction_are_not_pro_rata(
    level1: str, level2: str, target: str, current: str
) -> None:
    row = one(ind("覆盖率", full=target, level1=level1, level2=level2), act(current, "覆盖率"))
    assert row.progress == pytest.approx(94.4444444, abs=1e-6)
    assert row.light is Light.GREEN
    assert f"年度目标 {target}" in row.basis
    assert "94.44%" in row.basis


def test_quality_indicator_counts_are_not_pro_rata() -> None:
    # 质量指标 ≥10个: 7 / 10 = 70% (yellow); pro rata it would be 7 / 5 = 140% (green)
    row = one(ind(full="≥10个", level2=QUA), act("7个", reason="x"))
    assert (row.progress, row.light) == (70.0, Light.YELLOW)


def test_printed_percentages_are_cut_not_rounded() -> None:
    # 7999.6 / 10000 = 79.996%: yellow, printed 79.99% (rounding would print 80%)
    row = one(ind(half="≥10000人次"), act("7999.6人次", reason="x"))
    assert row.light is Light.YELLOW
    assert row.basis.endswith("= 79.99%，黄灯")


@pytest.mark.parametrize(
    ("current", "light", "progress", "words"),
    [
        ("4万元", Light.GREEN, 100.0, "在目标以内"),
        ("5万元", Light.GREEN, 100.0, "在目标以内"),
        # 5 / 6 = 83.33%: still red, a negative indicator is judged by the limit
        ("6万元", Light.RED, pytest.approx(83.3333333, abs=1e-6), "超出目标"),
    ],
)
def test_negative_indicator_is_judged_by_its_limit(
    current: str, light: Light, progress: object, words: str
) -> None:
    indicator = ind(name="人均培训成本", full="≤5万元", level1="成本指标", level2="经济成本指标")
    row = one(indicator, act(current, name="人均培训成本", reason="x"))
    assert row.light is light
    assert row.progress == progress
    assert words in row.basis


def test_negative_indicator_is_not_pro_rata() -> None:
    # ≤5万元 against 4万元 at June is within the limit; pro rata (2.5) it would be red
    indicator = ind(name="人均成本", full="≤5万元", level2="经济成本指标")
    assert one(indicator, act("4万元", name="人均成本")).light is Light.GREEN


def test_exact_indicator_exceeded_is_green() -> None:
    # ＝461 pro rata at June: 230.5; 300 / 230.5 = 130.15%
    row = one(ind(full="＝461人次"), act("300人次"))
    assert row.light is Light.GREEN
    assert row.progress == pytest.approx(130.1518438, abs=1e-6)
    assert "230.5人次" in row.basis and "130.15%" in row.basis


def test_zero_half_year_target_is_reached_by_anything() -> None:
    row = one(ind(full="≥700份", half="≥0份"), act("0份"))
    assert row.light is Light.GREEN
    assert "已达到" in row.basis and "÷" not in row.basis


def test_zero_annual_target_is_not_pro_rata() -> None:
    row = one(ind(full="≥0份"), act("3份"))
    assert row.light is Light.GREEN
    assert row.basis == "当前完成值 3份，年度目标 ≥0份，已达到（完成比例 100%），绿灯"


def test_december_checkpoint_compares_with_the_whole_annual_target() -> None:
    # 400 × 12/12 = 400; 300 / 400 = 75%
    row = one(ind(full="≥400人次"), act("300人次", reason="x"), month=12)
    assert (row.progress, row.light) == (75.0, Light.YELLOW)


def test_unit_mismatch_cannot_be_judged() -> None:
    m = run((ind(full="≥400人次"),), (act("40%"),))
    row = m.indicators[0]
    assert row.light is Light.NONE and row.progress is None
    assert codes(m) == ["JXM6"]
    assert "单位不一致" in m.findings[0].message and "40%" in m.findings[0].message


# -- missing values --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", "/", "无", "**"])
def test_no_current_value_is_jxm3(value: str | None) -> None:
    m = run((ind(full="≥400人次"),), (act(value),))
    assert m.indicators[0].light is Light.NONE
    assert codes(m) == ["JXM3"]
    assert "培训人次" in m.findings[0].message and "≥400人次" in m.findings[0].message


def test_indicator_without_actuals_is_jxm3() -> None:
    m = run((ind(full="≥400人次"),), ())
    assert m.indicators[0].light is Light.NONE
    assert m.indicators[0].current is None
    assert codes(m) == ["JXM3"]


def test_unreadable_current_value_is_jxm6() -> None:
    m = run((ind(full="≥400人次"),), (act("大约一半"),))
    assert m.indicators[0].light is Light.NONE
    assert codes(m) == ["JXM6"]


def test_indicator_without_any_target_is_jxm6() -> None:
    m = run((ind(),), (act("100人次"),))
    assert m.indicators[0].light is Light.NONE
    assert codes(m) == ["JXM6"]
    assert "无半年或全年指标值" in m.findings[0].message


def test_not_applicable_indicator_is_not_judged() -> None:
    m = run((ind(full="≥400人次"),), (act(None, not_applicable=True),))
    assert m.indicators[0].light is Light.NONE
    assert codes(m) == []


# -- qualitative indicators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "light"),
    [
        ("达成", Light.GREEN),
        ("部分达成", Light.YELLOW),
        ("未达成", Light.RED),
        ("达成年度指标", Light.GREEN),
        ("部分达成年度指标并具有一定效果", Light.YELLOW),
        ("未达成年度指标且效果较差", Light.RED),
        ("完成", Light.GREEN),
        ("部分完成", Light.YELLOW),
        ("未完成", Light.RED),
    ],
)
def test_result_words_decide_the_light(current: str, light: Light) -> None:
    row = one(ind(full="≥较好", level2="社会效益指标"), act(current, reason="x"))
    assert row.light is light
    assert row.progress is None
    assert row.basis.endswith(LIGHT_LABELS[light])


@pytest.mark.parametrize(
    ("target", "current", "light"),
    [
        ("好", "好", Light.GREEN),
        ("较好", "好", Light.GREEN),  # above the target
        ("好", "较好", Light.YELLOW),  # one step below
        ("好", "一般", Light.RED),  # two steps below
        ("≥较好", "一般", Light.YELLOW),
        ("≥较好", "较差", Light.RED),
        ("＞一般", "一般", Light.YELLOW),  # must be above 一般: 一般 is one step short
        ("优", "良", Light.YELLOW),
        ("显著", "不显著", Light.RED),
    ],
)
def test_other_grade_scales_by_steps(target: str, current: str, light: Light) -> None:
    row = one(ind(full=target, level2="社会效益指标"), act(current, reason="x"))
    assert row.light is light


def test_grades_on_different_scales_cannot_be_judged() -> None:
    m = run((ind(full="好", level2="社会效益指标"),), (act("满意"),))
    assert m.indicators[0].light is Light.NONE
    assert codes(m) == ["JXM6"]


@pytest.mark.parametrize(
    ("current", "light"), [("2025年6月", Light.GREEN), ("2026年1月", Light.RED)]
)
def test_dates(current: str, light: Light) -> None:
    row = one(ind(full="2025年12月前", level2="时效指标"), act(current, reason="x"))
    assert row.light is light


# -- forecast and likelihood ---------------------------------------------------------------------


def test_impossible_turns_green_red_and_is_jxm4() -> None:
    m = run(
        (ind(full="≥400人次", half="≥200人次"),),
        (act("250人次", likelihood=Likelihood.IMPOSSIBLE, reason="场地停用"),),
    )
    row = m.indicators[0]
    assert row.light is Light.RED
    assert row.progress == 125.0  # the base figure stays traceable
    assert row.basis.endswith("；完成目标可能性为“完全不可能”，转为红灯")
    assert codes(m) == ["JXM4"]


def test_impossible_without_reason_is_jxm4_and_jxm1() -> None:
    m = run((ind(full="≥400人次"),), (act("250人次", likelihood=Likelihood.IMPOSSIBLE),))
    assert codes(m) == ["JXM4", "JXM1"]


@pytest.mark.parametrize(
    ("current", "light"),
    [
        ("250人次", Light.YELLOW),  # 125%: green, capped to yellow
        ("150人次", Light.YELLOW),  # 75%: yellow stays yellow
        ("50人次", Light.RED),  # 25%: red stays red
    ],
)
def test_possible_is_at_most_yellow(current: str, light: Light) -> None:
    row = one(ind(half="≥200人次", full="≥400人次"), act(current, likelihood=Likelihood.POSSIBLE))
    assert row.light is light


def test_certain_changes_nothing() -> None:
    row = one(ind(half="≥200人次", full="≥400人次"), act("250人次", likelihood=Likelihood.CERTAIN))
    assert row.light is Light.GREEN
    assert row.likelihood == "确定能"


@pytest.mark.parametrize(
    ("forecast", "light"),
    [
        ("380人次", Light.RED),  # below the annual ≥400
        ("400人次", Light.GREEN),
        ("450人次", Light.GREEN),
        ("部分达成", Light.RED),
        ("达成", Light.GREEN),
        ("大约400", Light.GREEN),  # cannot be compared: noted, no change
    ],
)
def test_forecast_against_the_annual_target(forecast: str, light: Light) -> None:
    row = one(ind(half="≥200人次", full="≥400人次"), act("250人次", forecast=forecast, reason="x"))
    assert row.light is light
    assert f"全年预计完成情况 {forecast}" in row.basis


def test_forecast_above_an_exact_target_reaches_it() -> None:
    row = one(ind(half="＝200人次", full="＝461人次"), act("250人次", forecast="500人次"))
    assert row.light is Light.GREEN


def test_missed_forecast_turns_an_unjudged_indicator_red() -> None:
    m = run((ind(full="≥400人次"),), (act(None, forecast="300人次"),))
    row = m.indicators[0]
    assert row.light is Light.RED
    assert (
        row.basis
        == "未填写当前完成值，无法判断；全年预计完成情况 300人次 未达到年度指标值 ≥400人次，转为红灯"
    )
    assert codes(m) == ["JXM3", "JXM1"]


def test_possible_leaves_an_unjudged_indicator_unjudged() -> None:
    row = one(ind(full="≥400人次"), act(None, likelihood=Likelihood.POSSIBLE))
    assert row.light is Light.NONE


def test_order_forecast_then_likelihood_in_the_basis() -> None:
    row = one(
        ind(half="≥200人次", full="≥400人次"),
        act("250人次", forecast="300人次", likelihood=Likelihood.IMPOSSIBLE, reason="x"),
    )
    assert row.basis == (
        "当前完成值 250人次 ÷ 半年目标 ≥200人次 = 125%，绿灯"
        "；全年预计完成情况 300人次 未达到年度指标值 ≥400人次，转为红灯"
        "；完成目标可能性为“完全不可能”，仍为红灯"
    )


# -- deviation reasons ------------------------------------------------------------------------


def test_deviation_without_reason_is_jxm1_naming_indicator_and_light() -> None:
    m = run((ind(half="≥200人次", full="≥400人次"),), (act("150人次"),))
    row = m.indicators[0]
    assert row.light is Light.YELLOW and row.deviation_without_reason
    assert codes(m) == ["JXM1"]
    finding = m.findings[0]
    assert finding.indicator == "培训人次"
    assert finding.message == (
        "指标“培训人次”为黄灯，未填写偏差原因：当前完成值 150人次 ÷ 半年目标 ≥200人次 = 75%，黄灯"
    )


def test_deviation_with_reason_is_no_finding() -> None:
    m = run(
        (ind(half="≥200人次", full="≥400人次"),),
        (
            act(
                "100人次",
                reason="疫情影响培训延期",
                category=DeviationCategory.OTHER,
                measures="下半年加密班次",
            ),
        ),
    )
    row = m.indicators[0]
    assert row.light is Light.RED and not row.deviation_without_reason
    assert codes(m) == []
    assert (row.deviation, row.category, row.measures) == (
        "疫情影响培训延期",
        "其他",
        "下半年加密班次",
    )


def test_category_without_text_is_no_reason() -> None:
    m = run(
        (ind(half="≥200人次", full="≥400人次"),),
        (act("100人次", reason=" ", category=DeviationCategory.FUNDING),),
    )
    assert codes(m) == ["JXM1"]
    assert m.indicators[0].category == "经费保障"
    assert m.indicators[0].deviation is None


def test_green_needs_no_reason() -> None:
    m = run((ind(half="≥200人次", full="≥400人次"),), (act("200人次"),))
    assert codes(m) == [] and not m.indicators[0].deviation_without_reason


# -- project ----------------------------------------------------------------------------------


def test_row_fields_are_as_printed() -> None:
    row = one(
        ind(half=" ≥200人次", full="≥400人次 "),
        act(" 250人次", forecast="420人次", likelihood=Likelihood.CERTAIN),
    )
    assert (row.name, row.level1, row.level2) == ("培训人次", OUT, QTY)
    assert (row.target, row.half_year_target, row.current) == ("≥400人次", "≥200人次", "250人次")
    assert (row.forecast, row.likelihood) == ("420人次", "确定能")
    assert (row.deviation, row.category, row.measures) == (None, None, "")


def test_lights_count_indicators_only() -> None:
    indicators = (
        ind("甲", half="≥100次"),
        ind("乙", half="≥100次"),
        ind("丙", half="≥100次"),
        ind("丁", half="≥100次"),
    )
    actuals = (act("100次", "甲"), act("90次", "乙"), act("70次", "丙", reason="x"))
    m = run(indicators, actuals, executed=10, reason="x")  # execution red, not counted
    assert m.execution_light is Light.RED
    assert m.lights == {Light.GREEN: 2, Light.YELLOW: 1, Light.RED: 0, Light.NONE: 1}
    assert m.red


def test_findings_in_order_execution_then_indicators_then_unknown() -> None:
    m = run(
        (ind("甲", half="≥100次"), ind("乙", half="≥100次")),
        (act("50次", "乙"), act("1次", "戊")),
        executed=10,
    )
    assert codes(m) == ["JXM2", "JXM3", "JXM1", "JXM8"]
    assert [f.indicator for f in m.findings] == [None, "甲", "乙", "戊"]
    assert "戊" in m.findings[-1].message


def test_actuals_of_another_project_are_refused() -> None:
    project = Project(name="甲项目")
    with pytest.raises(ValueError, match="乙项目"):
        monitor_project(project, ProjectActuals(project="乙项目", period=Period.HALF_YEAR))


def test_every_finding_code_is_documented() -> None:
    m = run(
        (ind("甲", half="≥100次"), ind("乙", full="≥10次"), ind("丙", full="≥10次")),
        (
            act("10次", "乙", likelihood=Likelihood.IMPOSSIBLE),
            act("大约一半", "丙"),
            act("1", "丁"),
        ),
        budget=None,
    )
    assert set(codes(m)) <= set(FINDING_CODES)
    assert {"JXM1", "JXM3", "JXM4", "JXM5", "JXM6", "JXM8"} <= set(codes(m))


# -- summaries ----------------------------------------------------------------------------------


def _three() -> list[ProjectMonitor]:
    a = run(
        (ind("甲", half="≥100次"),), (act("50次", "甲"),), 100, 20, name="A", unit="一单位"
    )  # 40% red; indicator red
    b = run(
        (ind("乙", half="≥100次"),), (act("100次", "乙"),), 300, 150, name="B", unit="一单位"
    )  # 100% green; indicator green
    c = run(budget=None, executed=None, name="C", unit=None, department=None)
    d = run(budget=500, executed=None, name="D", unit="一单位")  # not judged: left out of sums
    return [a, b, c, d]


def test_summary_per_unit() -> None:
    summaries = summarize(by_unit(_three()))
    assert [s.unit for s in summaries] == ["一单位", "（未填写预算单位）"]
    first, second = summaries
    # (20 + 150) / (100 + 300) = 42.5%; ÷ 0.5 = 85% (green)
    assert (first.projects, first.budget, first.executed) == (3, 400.0, 170.0)
    assert first.time_adjusted == 85.0
    assert first.execution_light is Light.GREEN
    assert first.lights == {Light.GREEN: 1, Light.YELLOW: 0, Light.RED: 1, Light.NONE: 0}
    assert first.execution_lights == {Light.GREEN: 1, Light.YELLOW: 0, Light.RED: 1, Light.NONE: 1}
    assert first.findings == 3  # A: JXM2 and JXM1; D: JXM5
    assert first.red_projects == ("A",)
    assert (second.projects, second.budget, second.time_adjusted) == (1, None, None)
    assert second.execution_light is Light.NONE
    assert second.findings == 1  # JXM5


def test_summary_by_department() -> None:
    summaries = summarize(by_department(_three()))
    assert [(s.unit, s.projects) for s in summaries] == [
        ("市人大常委会", 3),
        ("（未填写主管部门）", 1),
    ]


def test_summary_uses_the_month_and_thresholds() -> None:
    # 45 / 100 = 45%: August 67.5 (yellow); with red below 70 it is red
    m = run(executed=45, config=MonitoringConfig(month=8), reason="x")
    assert summarize([("u", m)])[0].execution_light is Light.YELLOW
    strict = MonitoringConfig(execution_red_below=70, execution_yellow_below=90)
    assert summarize([("u", m)], strict)[0].execution_light is Light.RED


def test_summary_refuses_mixed_months() -> None:
    june = run()
    august = run(config=MonitoringConfig(month=8))
    with pytest.raises(ValueError, match="different months"):
        summarize([("u", june), ("v", august)])


def test_summary_of_nothing_is_empty() -> None:
    assert summarize([]) == []


# -- configuration ------------------------------------------------------------------------------


def test_config_defaults() -> None:
    assert MonitoringConfig.from_mapping({}) == DEFAULT_CONFIG
    assert (DEFAULT_CONFIG.month, DEFAULT_CONFIG.execution_red_below) == (6, 60)
    assert (DEFAULT_CONFIG.execution_yellow_below, DEFAULT_CONFIG.progress_red_below) == (80, 60)
    assert DEFAULT_CONFIG.progress_yellow_below == 80


def test_config_from_mapping() -> None:
    config = MonitoringConfig.from_mapping(
        {"month": 8, "progress_red_below": 50, "progress_yellow_below": 75.5}
    )
    assert config == MonitoringConfig(month=8, progress_red_below=50, progress_yellow_below=75.5)
    project = Project(name="p", indicators=(ind(half="≥100次"),))
    data = ProjectActuals("p", Period.HALF_YEAR, 100, 80, indicators=(act("55次", reason="x"),))
    # 55%: red by default, yellow with red below 50
    assert monitor_project(project, data).indicators[0].light is Light.RED
    assert monitor_project(project, data, config).indicators[0].light is Light.YELLOW


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"months": 6}, "unknown key monitoring.months"),
        ({"month": 0}, "monitoring.month"),
        ({"month": 13}, "monitoring.month"),
        ({"month": True}, "monitoring.month"),
        ({"month": "6"}, "monitoring.month"),
        ({"month": 6.0}, "monitoring.month"),
        ({"execution_red_below": 80}, "monitoring.execution_red_below (80) must be below"),
        ({"execution_yellow_below": 50}, "monitoring.execution_red_below (60) must be below"),
        ({"progress_red_below": 90}, "monitoring.progress_red_below (90) must be below"),
        ({"progress_yellow_below": "80"}, "monitoring.progress_yellow_below must be a number"),
        ({"execution_red_below": float("nan")}, "monitoring.execution_red_below must be finite"),
        ({"progress_red_below": None}, "monitoring.progress_red_below must be a number"),
    ],
)
def test_config_errors_name_the_key(data: dict[str, object], words: str) -> None:
    with pytest.raises(MonitoringConfigError, match=r"^monitoring\.toml: ") as info:
        MonitoringConfig.from_mapping(data, where="monitoring.toml")
    assert words in str(info.value)
    assert isinstance(info.value, ValueError)


def test_config_is_validated_when_built_directly() -> None:
    with pytest.raises(MonitoringConfigError, match=r"monitoring\.month"):
        MonitoringConfig(month=13)
    with pytest.raises(MonitoringConfigError, match="progress_red_below"):
        MonitoringConfig(progress_red_below=80, progress_yellow_below=80)


def test_labels() -> None:
    assert LIGHT_LABELS == {
        Light.GREEN: "绿灯",
        Light.YELLOW: "黄灯",
        Light.RED: "红灯",
        Light.NONE: "无法判断",
    }
