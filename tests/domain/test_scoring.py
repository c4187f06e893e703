"""Tests for self-evaluation scoring (绩效自评, DOMAIN.md §5).

Expected numbers are computed by hand in the comments.  Unless a test says otherwise, the
indicator under test is the only 满意度指标 of a project that also has one 产出 and one 效益
indicator, both met, with the budget fully executed: its weight is 10.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.domain.actuals import (
    Deviation,
    DeviationCategory,
    IndicatorActual,
    ManualScore,
    ProjectActuals,
)
from jixiao.domain.model import Indicator, Period, Project
from jixiao.domain.scoring import (
    DEFAULT_SCHEME,
    IndicatorScore,
    ProjectScore,
    ScoringConfigError,
    ScoringError,
    ScoringScheme,
    grade_for,
    score_project,
)
from jixiao.domain.taxonomy import COST, EFFECT, OUTPUT, SATISFACTION
from jixiao.domain.values import Direction, Kind, Op, TargetValue, parse_value
from jixiao.domain.workflow import Grade

NAME = "人大代表履职培训"
REASON = Deviation("参训人员因疫情减少", DeviationCategory.OTHER)


# -- helpers ------------------------------------------------------------------------------


def ind(name: str, level1: str = OUTPUT, target: str | None = "≥1次", **kw: Any) -> Indicator:
    level2 = kw.pop("level2", "数量指标")
    value = None if target is None else parse_value(target)
    return Indicator(level1, level2, name, full_year=value, **kw)


def act(name: str, value: str | None = "1次", **kw: Any) -> IndicatorActual:
    return IndicatorActual(name, None if value is None else parse_value(value), **kw)


def run(
    indicators: list[Indicator],
    actuals: list[IndicatorActual],
    scheme: ScoringScheme = DEFAULT_SCHEME,
    *,
    budget: float | None = 100,
    executed: float | None = 100,
    execution_reason: str = "",
    weights: dict[str, float] | None = None,
    period: Period = Period.FULL_YEAR,
) -> ProjectScore:
    project = Project(NAME, indicators=tuple(indicators))
    data = ProjectActuals(
        NAME,
        period,
        budget=budget,
        executed=executed,
        execution_reason=execution_reason,
        indicators=tuple(actuals),
    )
    return score_project(project, data, scheme, weights=weights)


def trio(
    target: str | None,
    actual: str | None,
    scheme: ScoringScheme = DEFAULT_SCHEME,
    **kw: Any,
) -> IndicatorScore:
    """The score of the 满意度 indicator "受训代表满意度" (weight 10 by default)."""
    result = run(
        [ind("培训次数"), ind("履职能力提升", EFFECT), ind("受训代表满意度", SATISFACTION, target)],
        [act("培训次数"), act("履职能力提升"), act("受训代表满意度", actual, **kw)],
        scheme,
    )
    return result.indicators[2]


def by_name(score: ProjectScore) -> dict[str, IndicatorScore]:
    return {i.name: i for i in score.indicators}


def cents(x: float) -> Decimal:
    return Decimal(repr(x))


# -- the scheme ---------------------------------------------------------------------------


def test_default_scheme_is_the_national_default() -> None:
    s = DEFAULT_SCHEME
    assert s.budget_points == 10
    assert dict(s.group_points) == {OUTPUT: 50, EFFECT: 30, SATISFACTION: 10}
    assert dict(s.group_of) == {COST: OUTPUT}
    assert s.negative_rule == "linear"
    assert dict(s.qualitative_defaults) == {"达成": 1.0, "部分达成": 0.7, "未达成": 0.3}
    assert s.grades == ((90, Grade.EXCELLENT), (80, Grade.GOOD), (60, Grade.FAIR))
    assert s.execution_explain_below == 0.9
    assert hash(s) == hash(ScoringScheme())
    assert s == ScoringScheme()


def test_from_mapping_empty_and_round_trip() -> None:
    assert ScoringScheme.from_mapping({}) == DEFAULT_SCHEME
    custom = ScoringScheme.from_mapping(
        {
            "group_points": {"产出": 60, "效益": 30},
            "grades": {"优": 80, "良": 70, "中": 60},
            "negative_rule": "ratio",
        }
    )
    assert ScoringScheme.from_mapping(custom.to_mapping()) == custom
    assert ScoringScheme.from_mapping(DEFAULT_SCHEME.to_mapping()) == DEFAULT_SCHEME


def test_from_mapping_resolves_aliases_and_merges_qualitative_tables() -> None:
    s = ScoringScheme.from_mapping(
        {
            "group_points": {"产出": 60, "效益": 30},
            "qualitative_defaults": {"部分达成": 0.75},
            "qualitative_bands": {"未达成": [0.0, 0.5]},
        }
    )
    assert dict(s.group_points) == {OUTPUT: 60, EFFECT: 30}
    assert dict(s.group_of) == {COST: OUTPUT}  # the default mapping is kept
    assert dict(s.qualitative_defaults) == {"达成": 1.0, "部分达成": 0.75, "未达成": 0.3}
    assert s.qualitative_bands["未达成"] == (0.0, 0.5)
    assert s.qualitative_bands["达成"] == (0.8, 1.0)


def test_from_mapping_cost_with_own_points_drops_the_default_group_of() -> None:
    s = ScoringScheme.from_mapping(
        {"group_points": {"产出": 40, "成本": 10, "效益": 30, "满意度": 10}}
    )
    assert dict(s.group_of) == {}
    assert s.group_points[COST] == 10


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"bonus": 5}, "scoring.bonus"),
        ({"budget_points": "10"}, "budget_points"),
        ({"budget_points": 10.005, "group_points": {"产出": 89.995}}, "2 decimals"),
        ({"group_points": {"产出": 50, "效益": 30, "满意度": 20}}, "add up to 100"),
        ({"group_points": {"产出": 60, "效益": 30, "其他": 10}}, "'其他'"),
        ({"group_points": {"产出": -10, "效益": 100}}, "group_points.产出"),
        ({"group_of": {"成本": "其他"}}, "'其他'"),
        ({"group_of": {"满意度": "效益"}}, "满意度指标 has points of its own"),
        ({"negative_rule": "quadratic"}, "'quadratic'"),
        ({"qualitative_defaults": {"完成": 1.0}}, "完成"),
        ({"qualitative_defaults": {"部分达成": 0.9}}, "部分达成"),
        ({"qualitative_bands": {"达成": [0.8]}}, "qualitative_bands.达成"),
        ({"grades": {"优": 90, "A": 80}}, "'A'"),
        ({"grades": {"优": 70, "良": 80}}, "thresholds must fall"),
        ({"grades": {"优": 90, "差": 50}}, "'差'"),
        ({"execution_explain_below": 90}, "execution_explain_below"),
        ({"grades": [90, 80]}, "scoring.grades must be a table"),
    ],
)
def test_from_mapping_refuses_unknown_keys_and_values(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ScoringConfigError, match=named) as info:
        ScoringScheme.from_mapping(data, where="jixiao.toml")
    assert str(info.value).startswith("jixiao.toml: ")
    assert isinstance(info.value, ValueError)


def test_constructor_validates_too() -> None:
    with pytest.raises(ScoringConfigError, match="has no points"):
        ScoringScheme(group_points={OUTPUT: 60, EFFECT: 30}, group_of={SATISFACTION: COST})
    with pytest.raises(ScoringConfigError, match="add up to 100"):
        ScoringScheme(budget_points=20)


# -- budget execution ---------------------------------------------------------------------


def test_budget_execution_above_100_percent_is_capped() -> None:
    s = run([ind("培训次数")], [act("培训次数")], budget=100, executed=120)
    assert s.execution_rate == pytest.approx(1.2)
    assert s.budget_score == 10
    assert not s.execution_reason_needed
    assert s.total == 100


def test_budget_execution_below_90_percent_needs_a_reason() -> None:
    s = run([ind("培训次数")], [act("培训次数")], budget=200, executed=171)
    # 171 / 200 = 85.5% → 10 × 0.855 = 8.55
    assert s.budget_score == 8.55
    assert s.execution_rate == pytest.approx(0.855)
    assert s.execution_reason_needed
    assert any("85.5%" in p and "未说明原因" in p for p in s.problems)
    explained = run(
        [ind("培训次数")],
        [act("培训次数")],
        budget=200,
        executed=171,
        execution_reason="年底采购合同未到付款节点",
    )
    assert explained.execution_reason_needed
    assert not any("预算执行率" in p for p in explained.problems)


def test_budget_execution_at_exactly_90_percent_needs_no_reason() -> None:
    s = run([ind("培训次数")], [act("培训次数")], budget=100, executed=90)
    assert s.budget_score == 9
    assert not s.execution_reason_needed


def test_no_budget_leaves_the_budget_part_out_and_rescales_to_100() -> None:
    s = run(
        [ind("培训次数"), ind("履职能力提升", EFFECT), ind("满意度", SATISFACTION)],
        [act("培训次数"), act("履职能力提升"), act("满意度")],
        budget=None,
        executed=None,
    )
    # 100 × 50/90 = 55.555…, 100 × 30/90 = 33.333…, 100 × 10/90 = 11.111…: in hundredths
    # 5555 + 3333 + 1111 = 9999, the last hundredth to the largest remainder (产出, .555…).
    assert [i.weight for i in s.indicators] == [55.56, 33.33, 11.11]
    assert s.budget_weight == 0
    assert s.budget_score == 0
    assert s.execution_rate is None
    assert s.total == 100
    assert any("未填写全年预算数" in p for p in s.problems)


def test_budget_without_executed_scores_zero() -> None:
    s = run([ind("培训次数")], [act("培训次数")], budget=100, executed=None)
    assert s.budget_weight == 10
    assert s.budget_score == 0
    assert s.total == 90
    assert any("未填写全年执行数" in p for p in s.problems)


def test_negative_budget_is_refused() -> None:
    with pytest.raises(ScoringError, match="全年预算数"):
        run([ind("培训次数")], [act("培训次数")], budget=-5, executed=1)


# -- quantitative indicators -------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥461人次", "461人次", 10),  # met exactly
        ("≥461人次", "500人次", 10),  # exceeded: no score above the weight
        ("≥461人次", "400人次", 8.68),  # 10 × 400/461 = 8.6768… → 8.68
        ("≥90%", "45%", 5),  # 10 × 45/90
        (">90%", "90%", 10),  # positive: actual ≥ target → full
        ("≥100个", "-5个", 0),  # never below 0
        ("≥0份", "0份", 10),  # target 0 reached
        ("≥90%", "95", 10),  # a bare number is read in the target's unit
    ],
)
def test_positive(target: str, actual: str, score: float) -> None:
    s = trio(target, actual)
    assert s.weight == 10
    assert s.score == score


def test_positive_unmet_reports_ratio_and_rule() -> None:
    s = trio("≥461人次", "400人次")
    assert s.ratio == pytest.approx(400 / 461)
    assert s.rule == "正向指标：实际值为目标值的 86.77%，按 实际值/目标值 计分"
    assert s.reason_needed
    assert trio("≥461人次", "461人次").rule == "正向指标：实际值 ≥ 目标值，得满分"


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("＝461人次", "461人次", 10),
        ("＝461人次", "400人次", 8.68),  # as positive: 10 × 400/461
        ("＝461人次", "500人次", 10),  # as positive: exceeding is full marks
        ("2次", "1次", 5),  # a bare number means ＝
        ("＝0起", "0起", 10),  # target 0: actual ≤ 0 → w
        ("＝0起", "1起", 0),  # target 0: actual > 0 → 0
        ("＝0起", "-1起", 10),
    ],
)
def test_exact(target: str, actual: str, score: float) -> None:
    assert trio(target, actual).score == score


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("8天", 10),  # within the limit
        ("10天", 10),  # 1× target → full
        ("12天", 8),  # 10 × (1 − 2/10)
        ("15天", 5),  # 1.5× → half
        ("19天", 1),  # 10 × (1 − 9/10)
        ("20天", 0),  # 2× → 0
        ("30天", 0),  # 3× → 0
    ],
)
def test_negative_linear(actual: str, score: float) -> None:
    s = trio("≤10天", actual)
    assert s.score == score


def test_negative_rules_text() -> None:
    assert trio("≤10天", "15天").rule == (
        "反向指标：实际值为目标值的 1.5 倍，按 1−(实际−目标)/目标 计分"
    )
    assert "3 倍" in trio("≤10天", "30天").rule
    assert trio("≤10天", "10天").rule == "反向指标：实际值 ≤ 目标值，得满分"


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("10天", 10),
        ("12天", 8.33),  # 10 × 10/12 = 8.333…
        ("15天", 6.67),  # 10 × 10/15 = 6.666…
        ("30天", 3.33),  # 10 × 10/30: no zero at 2× in this variant
    ],
)
def test_negative_ratio_variant(actual: str, score: float) -> None:
    scheme = ScoringScheme(negative_rule="ratio")
    s = trio("≤10天", actual, scheme)
    assert s.score == score
    if score < 10:
        assert "按 目标值/实际值 计分" in s.rule


def test_negative_with_target_zero() -> None:
    assert trio("≤0起", "0起").score == 10
    assert trio("≤0起", "1起").score == 0
    assert trio("<5%", "5%").score == 10  # actual ≤ target → full, also for <


def test_unit_mismatch_is_refused_naming_the_indicator() -> None:
    with pytest.raises(ScoringError, match="受训代表满意度") as info:
        trio("≥90%", "95人")
    assert "95人" in str(info.value)
    assert "单位不一致" in str(info.value)


@pytest.mark.parametrize("actual", ["全部完成", "满意", "2025年12月"])
def test_non_numeric_actual_for_a_quantitative_target_is_refused(actual: str) -> None:
    with pytest.raises(ScoringError, match=f"受训代表满意度.*{actual}"):
        trio("≥90%", actual)


def test_text_actual_with_a_manual_score_is_accepted() -> None:
    s = trio("≥90%", "全部完成", manual=ManualScore(9, "问卷显示绝大多数代表满意"))
    assert s.score == 9
    assert s.manual
    assert "人工评分" in s.rule and "问卷显示绝大多数代表满意" in s.rule
    with pytest.raises(ScoringError, match="必须说明理由"):
        trio("≥90%", "全部完成", manual=ManualScore(9, " "))


def test_unreadable_target_needs_a_manual_score() -> None:
    with pytest.raises(ScoringError, match="无法识别"):
        trio("≥**%", "95%")
    assert trio("≥**%", "95%", manual=ManualScore(10, "按年初口径核定为95%")).score == 10


# -- manual adjustments on quantitative indicators -----------------------------------------


def test_manual_adjustment_of_a_target_set_too_low() -> None:
    s = trio("≥50%", "99%", manual=ManualScore(7, "目标值明显偏低"))
    assert s.score == 7
    assert s.manual
    assert s.rule.startswith("人工评分：调整为 7.00 分（理由：目标值明显偏低）")
    assert "自动计分 10.00 分" in s.rule
    assert s.reason_needed


def test_manual_adjustment_without_reason_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"受训代表满意度.*必须说明理由"):
        trio("≥50%", "99%", manual=ManualScore(7, ""))


@pytest.mark.parametrize("score", [-1, 10.01, 50])
def test_manual_adjustment_outside_zero_to_weight_is_refused(score: float) -> None:
    with pytest.raises(ScoringError, match=r"超出 0 到 10\.00 分"):
        trio("≥50%", "99%", manual=ManualScore(score, "目标值明显偏低"))


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("2025年12月底前", "2025年11月20日", 10),
        ("2025年12月底前", "2025年12月", 10),  # within the target month
        ("2025年12月底前", "2026年1月5日", 0),
        ("2025年6月30日", "2025年6月30日", 10),
    ],
)
def test_date_targets_are_all_or_nothing(target: str, actual: str, score: float) -> None:
    s = trio(target, actual)
    assert s.score == score
    assert s.ratio is None
    assert ("得满分" if score else "不得分") in s.rule


def test_date_target_with_text_actual() -> None:
    with pytest.raises(ScoringError, match=r"受训代表满意度.*按时完成"):
        trio("2025年12月底前", "按时完成")
    ok = trio("2025年12月底前", "按时完成", manual=ManualScore(10, "验收报告日期为12月10日"))
    assert ok.score == 10


# -- qualitative indicators ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score", "rule"),
    [
        ("达成年度指标", "达成", 10, "定性指标：达成，默认 100%"),
        ("达成年度指标", "部分达成年度指标并具有一定效果", 7, "定性指标：部分达成，默认 70%"),
        ("达成年度指标", "未达成年度指标且效果较差", 3, "定性指标：未达成，默认 30%"),
        ("较好", "部分完成", 7, "定性指标：部分达成，默认 70%"),
    ],
)
def test_qualitative_defaults(target: str, actual: str, score: float, rule: str) -> None:
    s = trio(target, actual)
    assert s.score == score
    assert s.rule == rule
    assert s.ratio is None


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("较好", "好", 10),  # better than the target → 达成
        ("较好", "较好", 10),
        ("≥较好", "一般", 7),  # one step below → 部分达成
        ("较好", "较差", 3),  # two steps below → 未达成
        ("较高", "一般", 7),  # 一般 ranked on the target's scale (高低), not its primary one
        ("是", "否", 3),  # one step below but the worst of the scale → 未达成
        ("满意", "基本满意", 7),
        ("良", "差", 3),
    ],
)
def test_qualitative_grades_on_other_scales(target: str, actual: str, score: float) -> None:
    assert trio(target, actual).score == score


def test_qualitative_on_different_scales_is_refused() -> None:
    with pytest.raises(ScoringError, match="不属于同一评价标准"):
        trio("较好", "满意")
    with pytest.raises(ScoringError, match="不是可比较的等级"):
        trio("较好", "95%")


@pytest.mark.parametrize(
    ("actual", "manual"),
    [
        ("达成", 8),  # [8, 10]: both ends included
        ("达成", 10),
        ("部分达成", 6),  # [6, 8)
        ("部分达成", 7.99),
        ("未达成", 0),  # [0, 6)
        ("未达成", 5.99),
    ],
)
def test_manual_score_inside_the_band(actual: str, manual: float) -> None:
    s = trio("达成年度指标", actual, manual=ManualScore(manual, "专家评议"))
    assert s.score == manual
    assert s.manual
    assert s.rule.startswith(f"人工评分：{actual}，区间 ")
    assert "（理由：专家评议）" in s.rule


@pytest.mark.parametrize(
    ("actual", "manual", "band"),
    [
        ("达成", 7.99, "[8.00, 10.00]"),
        ("部分达成", 8, "[6.00, 8.00)"),
        ("部分达成", 5.99, "[6.00, 8.00)"),
        ("未达成", 6, "[0.00, 6.00)"),
    ],
)
def test_manual_score_outside_the_band_is_refused(actual: str, manual: float, band: str) -> None:
    with pytest.raises(ScoringError) as info:
        trio("达成年度指标", actual, manual=ManualScore(manual, "专家评议"))
    message = str(info.value)
    assert "受训代表满意度" in message
    assert band in message
    assert f"“{actual}”" in message


def test_manual_score_above_the_weight_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"超出 0 到 10\.00 分"):
        trio("达成年度指标", "达成", manual=ManualScore(10.5, "表现突出"))


def test_band_uses_the_weight_as_shown() -> None:
    # 产出 50 over three indicators: 16.67, 16.67, 16.66.  部分达成 on 16.67:
    # [0.6 × 16.67, 0.8 × 16.67) = [10.002, 13.336) → shown [10.00, 13.34).
    indicators = [ind("甲"), ind("乙"), ind("丙"), ind("效益", EFFECT), ind("满意", SATISFACTION)]
    indicators[0] = ind("甲", target="达成年度指标")
    actuals = [act("甲", "部分达成", manual=ManualScore(10, "专家评议"))]
    actuals += [act(n) for n in ("乙", "丙", "效益", "满意")]
    s = run(indicators, actuals)
    assert s.indicators[0].weight == 16.67
    assert s.indicators[0].score == 10


# -- groups, rescaling, weights -----------------------------------------------------------


def test_missing_groups_are_rescaled_by_hand() -> None:
    # 产出 (3 indicators) and 满意度 (1) only: 产出 90 × 50/60 = 75 → 25 each; 满意度 15.
    s = run(
        [ind("甲"), ind("乙"), ind("丙"), ind("满意度", SATISFACTION)],
        [act("甲"), act("乙"), act("丙"), act("满意度")],
    )
    assert [i.weight for i in s.indicators] == [25, 25, 25, 15]
    assert [(g.name, g.weight) for g in s.groups] == [(OUTPUT, 75), (SATISFACTION, 15)]
    assert s.total == 100
    assert any("效益指标" in p and "折算" in p for p in s.problems)


def test_cost_level1_counts_with_outputs() -> None:
    s = run(
        [ind("甲"), ind("成本", COST, "≤5万元"), ind("效益", EFFECT), ind("满意", SATISFACTION)],
        [act("甲"), act("成本", "4万元"), act("效益"), act("满意")],
    )
    weights = {i.name: i.weight for i in s.indicators}
    assert weights == {"甲": 25, "成本": 25, "效益": 30, "满意": 10}
    assert s.indicators[1].group == OUTPUT
    assert s.indicators[1].level1 == COST


def test_not_applicable_indicators_are_left_out() -> None:
    s = run(
        [ind("甲"), ind("乙"), ind("效益", EFFECT), ind("满意", SATISFACTION)],
        [act("甲", "0次"), act("乙", None, not_applicable=True), act("效益"), act("满意")],
    )
    a, b = s.indicators[:2]
    assert (b.applicable, b.weight, b.score, b.rule) == (False, 0, 0, "不适用，不计分")
    assert not b.reason_needed
    assert a.weight == 50  # 甲 takes the whole 产出 group
    assert s.total == 50  # 10 + 0 + 30 + 10


def test_a_group_whose_indicators_all_do_not_apply_is_rescaled() -> None:
    s = run(
        [ind("甲"), ind("效益", EFFECT), ind("满意", SATISFACTION)],
        [act("甲"), act("效益", None, not_applicable=True), act("满意")],
    )
    # 产出 90 × 50/60 = 75, 满意度 15
    assert [i.weight for i in s.indicators] == [75, 0, 15]
    assert any("效益指标的指标均不适用" in p for p in s.problems)


def test_not_applicable_with_a_manual_score_is_refused() -> None:
    with pytest.raises(ScoringError, match="不适用"):
        run(
            [ind("甲"), ind("乙")],
            [act("甲"), act("乙", None, not_applicable=True, manual=ManualScore(1, "x"))],
        )


def test_equal_shares_are_apportioned_in_hundredths() -> None:
    s = run(
        [ind("甲"), ind("乙"), ind("丙"), ind("效益", EFFECT), ind("满意", SATISFACTION)],
        [act("甲"), act("乙"), act("丙"), act("效益"), act("满意")],
    )
    # 50 / 3 = 16.666…: 16.67 + 16.67 + 16.66, so that full marks add up to exactly 100
    assert [i.weight for i in s.indicators[:3]] == [16.67, 16.67, 16.66]
    assert [i.score for i in s.indicators[:3]] == [16.67, 16.67, 16.66]
    assert s.total == 100
    assert not any(i.reason_needed for i in s.indicators)


def test_weights_override_equal_sharing_within_the_group() -> None:
    s = run(
        [ind("甲"), ind("乙"), ind("效益", EFFECT), ind("满意", SATISFACTION)],
        [act("甲"), act("乙"), act("效益"), act("满意")],
        weights={"甲": 3, "乙": 1},
    )
    # 50 × 3/4 = 37.5 and 50 × 1/4 = 12.5
    assert [i.weight for i in s.indicators] == [37.5, 12.5, 30, 10]


def test_weights_errors() -> None:
    indicators = [ind("甲"), ind("乙"), ind("效益", EFFECT)]
    actuals = [act("甲"), act("乙"), act("效益")]
    with pytest.raises(ScoringError, match="“乙”没有"):
        run(indicators, actuals, weights={"甲": 3})
    with pytest.raises(ScoringError, match="“丁”不在项目"):
        run(indicators, actuals, weights={"丁": 3})
    with pytest.raises(ScoringError, match="不小于 0"):
        run(indicators, actuals, weights={"甲": -1, "乙": 1})


def test_custom_scheme_80_70_60_and_no_satisfaction_points() -> None:
    scheme = ScoringScheme.from_mapping(
        {
            "group_points": {"产出": 60, "效益": 30},
            "group_of": {"满意度": "效益", "成本": "产出"},
            "grades": {"优": 80, "良": 70, "中": 60},
        }
    )
    s = run(
        [
            ind("甲"),
            ind("乙", target="≥100个"),
            ind("效益", EFFECT),
            ind("满意", SATISFACTION, "≥90%"),
        ],
        [act("甲"), act("乙", "50个"), act("效益"), act("满意", "60%")],
        scheme,
    )
    # 产出 60 → 30 each; 效益 30 shared with 满意度 → 15 each.
    assert [i.weight for i in s.indicators] == [30, 30, 15, 15]
    # 10 + 30 + 30 × 50/100 + 15 + 15 × 60/90 = 10 + 30 + 15 + 15 + 10 = 80
    assert [i.score for i in s.indicators] == [30, 15, 15, 10]
    assert s.total == 80
    assert s.grade is Grade.EXCELLENT  # 优 from 80 in this scheme
    assert grade_for(80) is Grade.GOOD  # 良 under the national default


def test_level1_without_points_is_refused() -> None:
    scheme = ScoringScheme(group_points={OUTPUT: 60, EFFECT: 30}, group_of={})
    with pytest.raises(ScoringError, match=r"满意度指标.*没有分值"):
        run([ind("甲"), ind("满意", SATISFACTION)], [act("甲"), act("满意")], scheme)


# -- actuals matching and missing values ---------------------------------------------------


def test_actual_for_an_unknown_indicator_is_refused() -> None:
    with pytest.raises(ScoringError, match="没有指标“培训天数”"):
        run([ind("培训次数")], [act("培训次数"), act("培训天数", "3天")])


def test_duplicate_actual_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"培训次数.*重复"):
        run([ind("培训次数")], [act("培训次数"), act("培训次数")])


def test_duplicate_indicator_names_take_their_actuals_in_order() -> None:
    s = run(
        [ind("培训", target="≥10次"), ind("培训", target="≥10次")],
        [act("培训", "10次"), act("培训", "5次")],
    )
    assert [i.score for i in s.indicators] == [45, 22.5]


@pytest.mark.parametrize("actual", [None, "/", "", "**"])
def test_missing_actual_scores_zero(actual: str | None) -> None:
    items = [act("乙")] if actual is None else [act("甲", actual), act("乙")]
    s = run([ind("甲"), ind("乙")], items)
    a = s.indicators[0]
    assert a.score == 0
    assert a.reason_needed and a.missing_reason
    assert a.rule == "缺少实际完成值，不得分"
    assert "指标“甲”缺少实际完成值" in s.problems


def test_actuals_of_another_project_or_period_are_refused() -> None:
    project = Project(NAME, indicators=(ind("甲"),))
    other = ProjectActuals("另一个项目", Period.FULL_YEAR, 1, 1, indicators=(act("甲"),))
    with pytest.raises(ScoringError, match="另一个项目"):
        score_project(project, other)
    with pytest.raises(ScoringError, match="半年"):
        run([ind("甲")], [act("甲")], period=Period.HALF_YEAR)


def test_every_invalid_item_is_listed_at_once() -> None:
    with pytest.raises(ScoringError) as info:
        run([ind("甲", target="≥90%"), ind("乙")], [act("甲", "很好"), act("丁")])
    first, second = info.value.problems
    assert "丁" in first
    assert "甲" in second and "很好" in second
    assert str(info.value) == f"{first}；{second}"


def test_half_year_target_only_cannot_be_scored_automatically() -> None:
    indicator = Indicator(OUTPUT, "数量指标", "甲", half_year=parse_value("≥5次"))
    with pytest.raises(ScoringError, match="没有全年或长期指标值"):
        run([indicator], [act("甲", "10次")])
    s = run([indicator], [act("甲", "10次", manual=ManualScore(90, "按半年目标完成情况核定"))])
    assert s.indicators[0].score == 90
    assert s.indicators[0].target is None
    long_term = Indicator(OUTPUT, "数量指标", "乙", long_term=parse_value("≥20次"))
    assert run([long_term], [act("乙", "10次")]).indicators[0].score == 45  # 90 × 10/20


def test_no_scorable_indicator_is_refused() -> None:
    with pytest.raises(ScoringError, match="没有可计分"):
        run([ind("甲")], [act("甲", None, not_applicable=True)])


# -- reasons ------------------------------------------------------------------------------


def test_reasons_are_required_below_full_marks() -> None:
    full = trio("≥10次", "10次")
    assert not full.reason_needed and not full.missing_reason and not full.missing_measures
    explained = trio("≥10次", "8次", deviation=REASON, measures="下年提前组织")
    assert explained.reason_needed
    assert not explained.missing_reason and not explained.missing_measures
    category_only = trio("≥10次", "8次", deviation=Deviation(" ", DeviationCategory.STAFF))
    assert category_only.missing_reason  # a category alone is not a reason
    assert category_only.missing_measures
    no_measures = trio("≥10次", "8次", deviation=REASON)
    assert not no_measures.missing_reason and no_measures.missing_measures


def test_missing_reason_is_a_problem() -> None:
    s = run([ind("甲", target="≥10次")], [act("甲", "8次")])
    assert "指标“甲”未得满分（72.00/90.00 分），未填写偏差原因和改进措施" in s.problems


# -- rounding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        ("≥80次", "1次", 0.13),  # 10 × 1/80 = 0.125 → 0.13 (half up, not half even)
        ("≥2000次", "201次", 1.01),  # 10 × 201/2000 = 1.005 → 1.01 (no float noise)
        ("≥3次", "1次", 3.33),  # 3.333…
        ("≥3次", "2次", 6.67),  # 6.666…
    ],
)
def test_scores_round_half_up_to_two_decimals(target: str, actual: str, score: float) -> None:
    assert trio(target, actual).score == score


def test_total_is_the_sum_of_the_rounded_parts() -> None:
    s = run(
        [ind("甲", target="≥450次"), ind("乙")],
        [act("甲", "44.94次"), act("乙")],
        budget=1000,
        executed=873.4,
    )
    # budget 10 × 0.8734 = 8.734 → 8.73; 甲 45 × 44.94/450 = 4.494 → 4.49; 乙 45
    assert (s.budget_score, s.indicators[0].score, s.indicators[1].score) == (8.73, 4.49, 45)
    assert s.total == 58.22  # 8.73 + 4.49 + 45
    exact = Decimal("8.734") + Decimal("4.494") + 45
    assert exact.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("58.23")  # differs


# -- grades -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, Grade.EXCELLENT),
        (90, Grade.EXCELLENT),
        (89.99, Grade.GOOD),
        (80, Grade.GOOD),
        (79.99, Grade.FAIR),
        (60, Grade.FAIR),
        (59.99, Grade.POOR),
        (0, Grade.POOR),
    ],
)
def test_grade_thresholds(total: float, grade: Grade) -> None:
    assert grade_for(total) is grade


@pytest.mark.parametrize(
    ("actual", "total", "grade"),
    [
        ("8000次", 90, Grade.EXCELLENT),  # 10 + 90 × 8000/9000 = 10 + 80
        ("7999次", 89.99, Grade.GOOD),  # 10 + 90 × 7999/9000 = 10 + 79.99
        ("4999次", 59.99, Grade.POOR),  # 10 + 90 × 4999/9000 = 10 + 49.99
    ],
)
def test_grades_at_the_boundaries(actual: str, total: float, grade: Grade) -> None:
    s = run([ind("甲", target="≥9000次")], [act("甲", actual)])
    assert s.total == total
    assert s.grade is grade


# -- properties ---------------------------------------------------------------------------

_OPS = [Op.GE, Op.GT, Op.EQ, Op.LE, Op.LT]
_numbers = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
)


def _quantity(op: Op, value: float) -> TargetValue:
    return TargetValue(
        text=f"{op.value}{value}个", kind=Kind.QUANTITATIVE, op=op, value=value, unit="个"
    )


@settings(max_examples=300)
@given(
    op=st.sampled_from(_OPS),
    target=_numbers,
    actual=_numbers,
    rule=st.sampled_from(["linear", "ratio"]),
    siblings=st.integers(min_value=0, max_value=6),
)
def test_property_score_within_zero_and_weight(
    op: Op, target: float, actual: float, rule: str, siblings: int
) -> None:
    scheme = ScoringScheme(negative_rule=rule)  # type: ignore[arg-type]
    indicators = [Indicator(OUTPUT, "数量指标", "被测", full_year=_quantity(op, target))]
    indicators += [ind(f"其他{i}") for i in range(siblings)]
    items = [IndicatorActual("被测", _quantity(Op.EQ, actual))]
    items += [act(f"其他{i}") for i in range(siblings)]
    s = run(indicators, items, scheme)
    tested = s.indicators[0]
    assert 0 <= tested.score <= tested.weight
    assert cents(tested.score) == cents(tested.score).quantize(Decimal("0.01"))


_kinds = st.sampled_from(["positive", "negative", "date", "qualitative", "missing", "n/a"])


@st.composite
def _indicator_case(draw: st.DrawFn, n: int) -> tuple[Indicator, IndicatorActual]:
    level1 = draw(st.sampled_from([OUTPUT, EFFECT, SATISFACTION, COST]))
    kind = draw(_kinds)
    name = f"指标{n}"
    if kind in ("positive", "negative"):
        op = Op.GE if kind == "positive" else Op.LE
        target = draw(st.integers(min_value=0, max_value=1000))
        actual = draw(st.integers(min_value=0, max_value=3000))
        return (
            Indicator(level1, "数量指标", name, full_year=_quantity(op, target)),
            IndicatorActual(name, _quantity(Op.EQ, actual)),
        )
    if kind == "date":
        month = draw(st.integers(min_value=1, max_value=12))
        return ind(name, level1, "2025年6月底前"), act(name, f"2025年{month}月")
    if kind == "qualitative":
        result = draw(st.sampled_from(["达成", "部分达成", "未达成"]))
        return ind(name, level1, "达成年度指标"), act(name, result)
    if kind == "missing":
        return ind(name, level1), act(name, None)
    return ind(name, level1), act(name, None, not_applicable=True)


@st.composite
def _project_case(draw: st.DrawFn) -> tuple[list[Indicator], list[IndicatorActual]]:
    count = draw(st.integers(min_value=1, max_value=9))
    cases = [draw(_indicator_case(n)) for n in range(count)]
    if all(a.not_applicable for _, a in cases):
        cases.append((ind("保底"), act("保底")))
    return [i for i, _ in cases], [a for _, a in cases]


@settings(max_examples=200)
@given(
    case=_project_case(),
    budget=st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
    executed=st.one_of(st.none(), st.integers(min_value=0, max_value=2 * 10**6)),
)
def test_property_total_within_0_and_100(
    case: tuple[list[Indicator], list[IndicatorActual]], budget: int | None, executed: int | None
) -> None:
    indicators, items = case
    s = run(indicators, items, budget=budget, executed=executed)
    assert 0 <= s.total <= 100
    parts = cents(s.budget_score) + sum(cents(i.score) for i in s.indicators)
    assert cents(s.total) == parts
    weights = cents(s.budget_weight) + sum(cents(i.weight) for i in s.indicators)
    assert weights == 100


# -- the unit as a whole (部门整体) ----------------------------------------------------------


def _overall(*targets: str | None) -> Any:
    from jixiao.domain.model import Goal, OverallTargets

    return OverallTargets(
        unit="某单位",
        fiscal_year=2023,
        goals=tuple(
            Goal(str(n), f"职能{n}", f"工作{n}", f"目标{n}", None if t is None else parse_value(t))
            for n, t in enumerate(targets, 1)
        ),
    )


def test_overall_shares_ninety_points_among_work_items() -> None:
    from jixiao.domain.scoring import WORK_ITEMS, score_overall

    overall = _overall("2次", "≥90%", "430件")
    actuals = ProjectActuals(
        "某单位",
        Period.FULL_YEAR,
        budget=200,
        executed=180,  # 90% → 10 × 0.9 = 9
        indicators=(
            act("工作1", "2次"),
            act("工作2", "95%"),
            # 412 ÷ 430 × 30 = 28.7441… → 28.74
            act("工作3", "412件", deviation=REASON, measures="按实际来访量测算"),
        ),
    )
    score = score_overall(overall, actuals)
    assert [i.weight for i in score.indicators] == [30, 30, 30]
    assert [i.score for i in score.indicators] == [30, 30, 28.74]
    assert score.budget_score == 9
    assert score.total == 97.74
    assert score.grade is Grade.EXCELLENT
    assert score.name == "某单位"
    first = score.indicators[0]
    assert (first.name, first.level1, first.level2, first.group) == (
        "工作1",
        "职能1",
        "目标1",
        WORK_ITEMS,
    )
    assert [g.name for g in score.groups] == [WORK_ITEMS]


def test_overall_work_item_not_applicable_is_left_out_and_rescaled() -> None:
    from jixiao.domain.scoring import score_overall

    overall = _overall("1次", "1次", "1次")
    actuals = ProjectActuals(
        "某单位",
        Period.FULL_YEAR,
        budget=100,
        executed=100,
        indicators=(
            act("工作1"),
            act("工作2"),
            IndicatorActual("工作3", None, not_applicable=True),
        ),
    )
    score = score_overall(overall, actuals)
    assert [i.weight for i in score.indicators] == [45, 45, 0]
    assert score.total == 100


def test_overall_refuses_actuals_of_another_unit_and_unknown_work_items() -> None:
    from jixiao.domain.scoring import score_overall

    overall = _overall("1次")
    with pytest.raises(ScoringError, match="不是单位“某单位”"):
        score_overall(overall, ProjectActuals("别的单位", Period.FULL_YEAR))
    with pytest.raises(ScoringError, match="没有指标“工作9”"):
        score_overall(
            overall, ProjectActuals("某单位", Period.FULL_YEAR, indicators=(act("工作9"),))
        )
    with pytest.raises(ScoringError, match="没有年度目标"):
        score_overall(_overall(), ProjectActuals("某单位", Period.FULL_YEAR))


# -- what the table printed: 权重 and 指标方向 ----------------------------------------------


def test_printed_weights_replace_the_equal_split() -> None:
    indicators = [
        ind("甲", weight=30),
        ind("乙", weight=10),
        ind("丙", SATISFACTION, level2="服务对象满意度指标", target="≥90%", weight=10),
    ]
    actuals = [act("甲"), act("乙"), act("丙", "95%")]
    printed = {s.name: s.weight for s in run(indicators, actuals).indicators}
    # 产出 and 满意度 share 90 as 50 : 10 → 75 and 15; 产出's 75 split 30 : 10
    assert printed == {"甲": 56.25, "乙": 18.75, "丙": 15.0}
    lacking = [ind("甲", weight=30), ind("乙"), indicators[2]]
    equal = {s.name: s.weight for s in run(lacking, actuals).indicators}
    assert equal == {"甲": 37.5, "乙": 37.5, "丙": 15.0}  # one lacks a weight: equal split
    given = {
        s.name: s.weight for s in run(indicators, actuals, weights={"甲": 1, "乙": 1}).indicators
    }
    assert given["甲"] == given["乙"] == 37.5  # weights passed in still win


def test_a_printed_reverse_direction_scores_a_bare_number_as_negative() -> None:
    exact = run([ind("投诉件数", target="5件")], [act("投诉件数", "7件")]).indicators[0]
    reverse = run(
        [ind("投诉件数", target="5件", direction=Direction.NEGATIVE)], [act("投诉件数", "7件")]
    ).indicators[0]
    assert exact.score == exact.weight  # ＝5件 read as positive: 7 ≥ 5
    assert reverse.score == pytest.approx(reverse.weight * 0.6, abs=0.01)  # 1 − (7−5)/5
