"""Tests for target values (指标值): parsing, canonical printing, comparison."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jixiao.domain.provenance import Provenance
from jixiao.domain.values import (
    GRADE_SCALES,
    QUALITATIVE_DEGREE_WORDS,
    QUALITATIVE_HEAD_WORDS,
    QUALITATIVE_SUBJECT_WORDS,
    Comparison,
    Direction,
    Kind,
    Number,
    Op,
    TargetValue,
    compare,
    format_number,
    format_value,
    grade_rank,
    grade_scales,
    parse_value,
)

# -- parsing: quantitative ------------------------------------------------------------------

QUANTITATIVE_CASES: list[tuple[str, Op, Number, str]] = [
    # DOMAIN.md and seed examples
    ("＝461人次", Op.EQ, 461, "人次"),
    ("＝200人次", Op.EQ, 200, "人次"),
    ("≥90%", Op.GE, 90, "%"),
    ("≤5万元", Op.LE, 5, "万元"),
    ("≥1服务周期", Op.GE, 1, "服务周期"),
    ("2次", Op.EQ, 2, "次"),
    ("100%", Op.EQ, 100, "%"),
    ("≥0份", Op.GE, 0, "份"),
    ("≥700份", Op.GE, 700, "份"),
    ("＝50%", Op.EQ, 50, "%"),
    ("430件", Op.EQ, 430, "件"),
    # ASCII and full-width operators, variants
    ("=3次", Op.EQ, 3, "次"),
    ("==3次", Op.EQ, 3, "次"),
    ("═3次", Op.EQ, 3, "次"),
    (">=95%", Op.GE, 95, "%"),
    ("＞＝95%", Op.GE, 95, "%"),
    ("≧95％", Op.GE, 95, "%"),
    ("⩾95%", Op.GE, 95, "%"),
    ("<=10天", Op.LE, 10, "天"),
    ("＜＝10天", Op.LE, 10, "天"),
    ("≦10天", Op.LE, 10, "天"),
    ("⩽10天", Op.LE, 10, "天"),
    (">0", Op.GT, 0, ""),
    ("＞0", Op.GT, 0, ""),
    ("<3天", Op.LT, 3, "天"),
    ("＜3天", Op.LT, 3, "天"),
    # spaces, full-width digits and decimal point
    ("≥ 90 %", Op.GE, 90, "%"),
    ("  ＝461 人次 ", Op.EQ, 461, "人次"),
    ("≥\u300090%", Op.GE, 90, "%"),
    ("＝１２３件", Op.EQ, 123, "件"),
    ("０．５", Op.EQ, 0.5, ""),
    ("5 万 元", Op.EQ, 5, "万元"),
    # decimals and signs
    ("≥99.5%", Op.GE, 99.5, "%"),
    ("≤0.8万元", Op.LE, 0.8, "万元"),
    ("5.0", Op.EQ, 5.0, ""),
    ("≥-0.5", Op.GE, -0.5, ""),
    ("-5℃", Op.EQ, -5, "℃"),
    ("+5", Op.EQ, 5, ""),
    ("0.00000001", Op.EQ, 1e-08, ""),
    # thousands separators
    ("1,000元", Op.EQ, 1000, "元"),
    ("1，000元", Op.EQ, 1000, "元"),
    ("≥12,345,678.5元", Op.GE, 12345678.5, "元"),
    # Chinese operator words
    ("不低于90%", Op.GE, 90, "%"),
    ("不少于3次", Op.GE, 3, "次"),
    ("不小于3次", Op.GE, 3, "次"),
    ("至少3次", Op.GE, 3, "次"),
    ("大于等于3次", Op.GE, 3, "次"),
    ("达到95%", Op.GE, 95, "%"),
    ("不高于5%", Op.LE, 5, "%"),
    ("不超过5万元", Op.LE, 5, "万元"),
    ("不多于2次", Op.LE, 2, "次"),
    ("不大于2次", Op.LE, 2, "次"),
    ("小于等于2次", Op.LE, 2, "次"),
    ("控制在5%", Op.LE, 5, "%"),
    ("大于0", Op.GT, 0, ""),
    ("高于80%", Op.GT, 80, "%"),
    ("多于3人", Op.GT, 3, "人"),
    ("超过3人", Op.GT, 3, "人"),
    ("小于3天", Op.LT, 3, "天"),
    ("低于5%", Op.LT, 5, "%"),
    ("少于3人", Op.LT, 3, "人"),
    ("等于100%", Op.EQ, 100, "%"),
    # suffixes
    ("90%以上", Op.GE, 90, "%"),
    ("90%及以上", Op.GE, 90, "%"),
    ("5万元以下", Op.LE, 5, "万元"),
    ("5万元及以下", Op.LE, 5, "万元"),
    ("3天以内", Op.LE, 3, "天"),
    ("15个工作日内", Op.LE, 15, "个工作日"),
    ("控制在5%以内", Op.LE, 5, "%"),  # a word agreeing with the suffix
    ("达到90%以上", Op.GE, 90, "%"),
    ("5以上", Op.GE, 5, ""),
    # durations are counts, not dates
    ("12个月", Op.EQ, 12, "个月"),
    ("3年", Op.EQ, 3, "年"),
    ("≤6月", Op.LE, 6, "月"),
    ("30天", Op.EQ, 30, "天"),
    # other units
    ("≤3‰", Op.LE, 3, "‰"),
    ("＝2次/年", Op.EQ, 2, "次/年"),
    ("10㎡", Op.EQ, 10, "㎡"),
    ("1.5万m²", Op.EQ, 1.5, "万m²"),
    ("1234.5", Op.EQ, 1234.5, ""),
    ("2025", Op.EQ, 2025, ""),
]


@pytest.mark.parametrize(("text", "op", "value", "unit"), QUANTITATIVE_CASES)
def test_parse_quantitative(text: str, op: Op, value: Number, unit: str) -> None:
    v = parse_value(text)
    assert v == TargetValue(text=text, kind=Kind.QUANTITATIVE, op=op, value=value, unit=unit)
    assert type(v.value) is type(value)
    assert v.is_numeric


# -- parsing: dates ---------------------------------------------------------------------------

DATE_CASES: list[tuple[str, Op, str, str]] = [
    ("2025年12月", Op.EQ, "2025-12", "2025-12"),
    ("2025年12月31日", Op.EQ, "2025-12-31", "2025-12-31"),
    ("2025年3月5号", Op.EQ, "2025-03-05", "2025-03-05"),
    ("2025年", Op.EQ, "2025", "2025"),
    ("2024年", Op.EQ, "2024", "2024"),
    ("2025年度", Op.EQ, "2025", "2025"),
    ("2025年12月份", Op.EQ, "2025-12", "2025-12"),
    ("2025.12", Op.EQ, "2025-12", "2025-12"),
    ("2025.1", Op.EQ, "2025-01", "2025-01"),
    ("2025-12", Op.EQ, "2025-12", "2025-12"),
    ("2025/12/31", Op.EQ, "2025-12-31", "2025-12-31"),
    ("2024.02.29", Op.EQ, "2024-02-29", "2024-02-29"),
    ("２０２５年１２月", Op.EQ, "2025-12", "2025-12"),
    ("2025 年 12 月", Op.EQ, "2025-12", "2025-12"),
    # periods
    ("2023.07-2024.01", Op.EQ, "2023-07", "2024-01"),
    ("2023年7月-2024年1月", Op.EQ, "2023-07", "2024-01"),
    ("2023年7月至2024年1月", Op.EQ, "2023-07", "2024-01"),
    ("2023年7月—2024年1月", Op.EQ, "2023-07", "2024-01"),
    ("2023年7月～2024年1月", Op.EQ, "2023-07", "2024-01"),
    ("2023年7月-12月", Op.EQ, "2023-07", "2023-12"),
    ("2023-2025年", Op.EQ, "2023", "2025"),
    ("2023年-2025年", Op.EQ, "2023", "2025"),
    ("2025-01-01-2025-12-31", Op.EQ, "2025-01-01", "2025-12-31"),
    ("2025.1.1-2025.12.31", Op.EQ, "2025-01-01", "2025-12-31"),
    # deadlines
    ("2025年12月底前", Op.LE, "2025-12", "2025-12"),
    ("2025年12月前", Op.LE, "2025-12", "2025-12"),
    ("2025年12月之前", Op.LE, "2025-12", "2025-12"),
    ("2025年12月以前", Op.LE, "2025-12", "2025-12"),
    ("2025年底", Op.LE, "2025", "2025"),
    ("2025年内", Op.LE, "2025", "2025"),
    ("2025年12月底前完成", Op.LE, "2025-12", "2025-12"),
    ("2025年12月31日前", Op.LE, "2025-12-31", "2025-12-31"),
    ("≤2025年12月", Op.LE, "2025-12", "2025-12"),
    ("＝2025年12月", Op.EQ, "2025-12", "2025-12"),
    ("不晚于2025年6月", Op.LE, "2025-06", "2025-06"),
    ("截至2025年12月31日", Op.LE, "2025-12-31", "2025-12-31"),
    ("≥2025年", Op.GE, "2025", "2025"),
]


@pytest.mark.parametrize(("text", "op", "start", "end"), DATE_CASES)
def test_parse_date(text: str, op: Op, start: str, end: str) -> None:
    assert parse_value(text) == TargetValue(text=text, kind=Kind.DATE, op=op, start=start, end=end)


# -- parsing: qualitative ---------------------------------------------------------------------

QUALITATIVE_CASES: list[tuple[str, Op, str]] = [
    ("好", Op.EQ, "好"),
    ("较好", Op.EQ, "较好"),
    ("一般", Op.EQ, "一般"),
    ("差", Op.EQ, "差"),
    (" 较好 ", Op.EQ, "较好"),
    ("优", Op.EQ, "优"),
    ("良", Op.EQ, "良"),
    ("高", Op.EQ, "高"),
    ("较低", Op.EQ, "较低"),
    ("显著", Op.EQ, "显著"),
    ("不显著", Op.EQ, "不显著"),
    ("达成年度指标", Op.EQ, "达成"),
    ("部分达成年度指标并具有一定效果", Op.EQ, "部分达成"),
    ("未达成年度指标且效果较差", Op.EQ, "未达成"),
    ("达成", Op.EQ, "达成"),
    ("部分达成", Op.EQ, "部分达成"),
    ("未达成", Op.EQ, "未达成"),
    ("完成", Op.EQ, "完成"),
    ("部分完成", Op.EQ, "部分完成"),
    ("未完成", Op.EQ, "未完成"),
    ("是", Op.EQ, "是"),
    ("否", Op.EQ, "否"),
    ("有效", Op.EQ, "有效"),
    ("基本有效", Op.EQ, "基本有效"),
    ("合格", Op.EQ, "合格"),
    ("不合格", Op.EQ, "不合格"),
    ("满意", Op.EQ, "满意"),
    ("基本满意", Op.EQ, "基本满意"),
    ("≥较好", Op.GE, "较好"),
    ("＞一般", Op.GT, "一般"),
    ("≤较低", Op.LE, "较低"),
    ("较好以上", Op.GE, "较好"),
    ("不低于较好", Op.GE, "较好"),
    # result words as printed in self-evaluations
    ("已完成", Op.EQ, "完成"),
    ("达成预期指标", Op.EQ, "达成"),
    ("全部完成", Op.EQ, "完成"),
    # phrases of degree and quality words: the phrase is the grade (on no scale)
    ("准确", Op.EQ, "准确"),
    ("达标", Op.EQ, "达标"),
    ("提升", Op.EQ, "提升"),
    ("明显增强", Op.EQ, "明显增强"),
    ("明显提升", Op.EQ, "明显提升"),
    ("逐步改善", Op.EQ, "逐步改善"),
    ("有效减轻", Op.EQ, "有效减轻"),
    ("进一步提高", Op.EQ, "进一步提高"),
    ("按计划实施", Op.EQ, "按计划实施"),
    ("程度较高", Op.EQ, "程度较高"),
    ("能力持续提升", Op.EQ, "能力持续提升"),
    ("长期", Op.EQ, "长期"),
    ("是否按时完成", Op.EQ, "是否按时完成"),
    (" 明显 提升 ", Op.EQ, "明显提升"),
    ("≥明显提升", Op.GE, "明显提升"),
    # a whole scale printed as the target
    ("高中低", Op.EQ, "高中低"),
    ("优良中低差", Op.EQ, "优良中低差"),
    ("高/中/低", Op.EQ, "高/中/低"),
    ("优、良、中、差", Op.EQ, "优、良、中、差"),
]


@pytest.mark.parametrize(("text", "op", "grade"), QUALITATIVE_CASES)
def test_parse_qualitative(text: str, op: Op, grade: str) -> None:
    assert parse_value(text) == TargetValue(text=text, kind=Kind.QUALITATIVE, op=op, grade=grade)


# -- parsing: text (unreadable) ---------------------------------------------------------------

TEXT_CASES: list[tuple[str, str]] = [
    ("", "空值"),
    ("   ", "空值"),
    ("\u3000", "空值"),
    ("/", "未填写指标值"),
    ("——", "未填写指标值"),
    ("无", "未填写指标值"),
    ("*", "占位符未填写"),
    ("**", "占位符未填写"),
    ("XX", "占位符未填写"),
    ("≥**%", "占位符未填写"),
    ("＝XX人次", "占位符未填写"),
    ("X%", "占位符未填写"),
    ("＊＊", "占位符未填写"),
    ("按要求开展人大代表履职培训", "无法识别的指标值：按要求开展人大代表履职培训"),
    ("尚可", "无法识别的指标值"),
    # names, not targets: they end in a noun (率, 度) or are nouns
    ("群众满意度", "无法识别的指标值"),
    ("培训覆盖率", "无法识别的指标值"),
    ("准确率", "无法识别的指标值"),
    ("服务质量", "无法识别的指标值"),
    ("满意度提升", "无法识别的指标值"),
    ("提高普及率", "无法识别的指标值"),
    ("资金使用规范", "无法识别的指标值"),
    ("进一步明显提升质量进一步明显提升", "无法识别的指标值"),  # too long for a phrase
    ("高/", "无法识别的指标值"),
    ("≥**人", "占位符未填写"),
    ("≥**人次", "占位符未填写"),
    ("≤XX天", "占位符未填写"),
    ("≥", "缺少数值"),
    ("80%-90%", "数值范围暂不支持"),
    ("80-90%", "数值范围暂不支持"),
    ("5至10人", "数值范围暂不支持"),
    ("80%～90%", "数值范围暂不支持"),
    ("2023-2025", "数值范围暂不支持"),
    ("2次3天", "包含多个数值"),
    ("1 000", "包含多个数值"),
    ("1,00元", "千分位分隔符无效"),
    ("1,0000", "千分位分隔符无效"),
    ("≥90%以上", "运算符冲突：≥ 与 以上"),
    ("≤3天内", "运算符冲突"),
    ("不低于5人以下", "运算符冲突"),
    ("≤2025年12月底前", "运算符冲突"),
    ("≥≥5", "运算符重复"),
    ("≥>5", "运算符冲突"),
    ("5人以上以上", "运算符重复"),
    ("90%≥", "单位中含有运算符"),
    ("5人，共计", "单位无效"),
    ("5.", "单位无效"),
    ("2025年13月", "日期无效"),
    ("2025年2月29日", "日期无效"),
    ("2025-12-32", "日期无效"),
    ("2025.13", "日期无效"),
    ("2025年0月", "日期无效"),
    ("1000年", "年份超出范围"),
    ("2024年-2023年", "起止日期颠倒"),
    ("2,025年", "数值与日期格式冲突"),
    ("＝2,000.5", "数值与日期格式冲突"),
    ("1" * 41, "数值位数过多"),
]


@pytest.mark.parametrize(("text", "reason"), TEXT_CASES)
def test_parse_text(text: str, reason: str) -> None:
    v = parse_value(text)
    assert v == TargetValue(text=text, kind=Kind.TEXT, reason=v.reason)
    assert v.reason.startswith(reason)
    assert v.op is None
    assert v.direction is None
    assert not v.is_numeric


def test_text_reason_truncates_long_prose() -> None:
    v = parse_value("按" * 100)
    assert v.reason == "无法识别的指标值：" + "按" * 40 + "…"


def test_text_is_kept_verbatim() -> None:
    text = " ≥９０％ "
    v = parse_value(text)
    assert v.text == text
    assert (v.op, v.value, v.unit) == (Op.GE, 90, "%")


# -- direction --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("≥90%", Direction.POSITIVE),
        ("＞0", Direction.POSITIVE),
        ("≤5万元", Direction.NEGATIVE),
        ("＜3天", Direction.NEGATIVE),
        ("＝461人次", Direction.EXACT),
        ("2次", Direction.EXACT),
        ("2025年12月底前", Direction.NEGATIVE),
        ("较好", Direction.EXACT),
        ("**", None),
    ],
)
def test_direction(text: str, direction: Direction | None) -> None:
    assert parse_value(text).direction is direction


# -- grades -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("好", ("好差", 0)),
        ("较好", ("好差", 1)),
        ("一般", ("好差", 2)),
        ("差", ("好差", 4)),
        ("良", ("优良中差", 1)),
        ("较低", ("高低", 3)),
        ("不显著", ("显著", 3)),
        ("达成年度指标", ("达成", 0)),
        ("部分达成年度指标并具有一定效果", ("达成", 1)),
        ("未达成", ("达成", 2)),
        ("否", ("是否", 1)),
        ("不满意", ("满意", 2)),
        ("良好", ("优秀", 1)),
        ("优秀", ("优秀", 0)),
        ("较差", ("好差", 3)),
        ("尚可", None),
        ("", None),
    ],
)
def test_grade_rank(grade: str, expected: tuple[str, int] | None) -> None:
    assert grade_rank(grade) == expected


def test_grade_scales_lists_every_scale_of_a_shared_word() -> None:
    assert grade_scales("差") == ("好差", "优良中差")
    assert grade_scales("一般") == ("好差", "高低", "显著")
    assert grade_scales("合格") == ("合格",)
    assert grade_scales("未知") == ()


def test_every_scale_word_parses_as_its_grade() -> None:
    for words in GRADE_SCALES.values():
        for word in words:
            v = parse_value(word)
            assert (v.kind, v.grade, v.op) == (Kind.QUALITATIVE, word, Op.EQ)


# -- formatting -------------------------------------------------------------------------------

FORMAT_CASES: list[tuple[str, str]] = [
    ("＝461人次", "＝461人次"),
    ("=461人次", "＝461人次"),
    ("2次", "＝2次"),
    ("100%", "＝100%"),
    ("≥90％", "≥90%"),
    (">=90%", "≥90%"),
    ("≤5万元", "≤5万元"),
    ("不超过5万元", "≤5万元"),
    (">0", "＞0"),
    ("<3天", "＜3天"),
    ("90%以上", "≥90%"),
    ("1,000元", "＝1000元"),
    ("０．５", "＝0.5"),
    ("5.0", "＝5.0"),
    ("≥99.50%", "≥99.5%"),
    ("0.00000001", "＝0.00000001"),
    ("2025年12月", "2025年12月"),
    ("2025.12", "2025年12月"),
    ("2025/12/31", "2025年12月31日"),
    ("2025年", "2025年"),
    ("2025年度", "2025年"),
    ("2023.07-2024.01", "2023年7月-2024年1月"),
    ("2023年7月-12月", "2023年7月-2023年12月"),
    ("2025年12月底前", "2025年12月前"),
    ("≤2025年12月", "2025年12月前"),
    ("≥2025年", "≥2025年"),
    ("较好", "较好"),
    ("≥较好", "≥较好"),
    ("较好以上", "≥较好"),
    ("达成年度指标", "达成"),
    ("按要求开展", "按要求开展"),
    (" ≥**% ", " ≥**% "),
]


@pytest.mark.parametrize(("text", "expected"), FORMAT_CASES)
def test_format_value(text: str, expected: str) -> None:
    assert format_value(parse_value(text)) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "0"),
        (461, "461"),
        (-5, "-5"),
        (0.5, "0.5"),
        (5.0, "5.0"),
        (1e-07, "0.0000001"),
        (1e16, "10000000000000000.0"),
        (1.2345678901234567e19, "12345678901234567000.0"),
        (12345678.9, "12345678.9"),
        (10**30, "1" + "0" * 30),
    ],
)
def test_format_number(number: Number, expected: str) -> None:
    assert format_number(number) == expected


def test_format_number_never_uses_exponent() -> None:
    for number in (1e-300, 1e300, 5e-324, 1.7976931348623157e308):
        printed = format_number(number)
        assert "e" not in printed.lower()
        assert float(printed) == number


# -- comparison -------------------------------------------------------------------------------

COMPARE_CASES: list[tuple[str, str, bool | None, float | None]] = [
    # positive
    ("95%", "≥90%", True, 95 / 90),
    ("90%", "≥90%", True, 1.0),
    ("45%", "≥90%", False, 0.5),
    ("0份", "≥0份", True, 1.0),
    ("5份", "≥0份", True, 1.0),
    ("-1", "≥0", False, 0.0),
    ("1", "＞0", True, 1.0),
    ("0", "＞0", False, 1.0),
    ("3次", "＞2次", True, 1.5),
    ("2次", "＞2次", False, 1.0),
    # exact
    ("461人次", "＝461人次", True, 1.0),
    ("400人次", "＝400.0000000001人次", True, 400 / 400.0000000001),  # within 1e-9
    ("200人次", "＝400人次", False, 0.5),
    ("500人次", "＝400人次", False, 1.25),
    ("0", "＝0", True, 1.0),
    ("3", "＝0", False, 0.0),
    # negative
    ("4万元", "≤5万元", True, 1.0),
    ("5万元", "≤5万元", True, 1.0),
    ("10万元", "≤5万元", False, 0.5),
    ("2天", "＜3天", True, 1.0),
    ("3天", "＜3天", False, 1.0),
    ("6天", "＜3天", False, 0.5),
    ("1", "≤0", False, 0.0),
    # bare actual takes the target's unit
    ("95", "≥90%", True, 95 / 90),
    ("461", "＝461人次", True, 1.0),
    # qualitative
    ("好", "较好", True, 1.0),
    ("较好", "较好", True, 1.0),
    ("一般", "较好", False, 2 / 3),
    ("差", "好", False, 0.0),
    ("达成年度指标", "达成年度指标", True, 1.0),
    ("部分达成年度指标并具有一定效果", "达成年度指标", False, 0.5),
    ("未达成", "达成", False, 0.0),
    ("否", "是", False, 0.0),
    ("较好", "≥较好", True, 1.0),
    ("较好", "＞较好", False, 1.0),
    ("低", "≤较低", True, 1.0),
    ("较高", "≤较低", False, 1 / 3),
    ("差", "中", False, 0.0),  # 差 shares the 优良中差 scale with 中
    ("明显提升", "明显提升", True, 1.0),  # the same phrase, on no scale
    ("明显 提升", "≥明显提升", True, 1.0),
    # dates
    ("2025年11月", "2025年12月底前", True, 1.0),
    ("2025年12月31日", "2025年12月底前", True, 1.0),
    ("2026年1月", "2025年12月底前", False, 0.0),
    ("2025年12月31日", "2025年", True, 1.0),
    ("2025年6月", "2023.07-2024.01", False, 0.0),
    ("2024年1月", "2023.07-2024.01", True, 1.0),
    ("2026年", "≥2025年", True, 1.0),
    ("2024年12月", "≥2025年", False, 0.0),
    ("2025年11月", "＜2025年12月", True, 1.0),
    ("2025年12月", "＜2025年12月", False, 0.0),
]


@pytest.mark.parametrize(("actual", "target", "met", "ratio"), COMPARE_CASES)
def test_compare(actual: str, target: str, met: bool | None, ratio: float | None) -> None:
    result = compare(parse_value(actual), parse_value(target))
    assert result.met is met
    assert result.ratio == ratio
    assert result.reason == ""


NOT_COMPARABLE_CASES: list[tuple[str, str, str]] = [
    ("90人次", "≥90%", "单位不一致：人次 与 %"),
    ("5元", "≤5万元", "单位不一致：元 与 万元"),
    ("90%", "≥1", "单位不一致：% 与 （无单位）"),
    ("90%", "较好", "类型不一致：定量 与 定性"),
    ("2025年12月", "≥90%", "类型不一致：日期 与 定量"),
    ("很好", "较好", "实际值无法识别：无法识别的指标值：很好"),
    ("90%", "≥**%", "目标值无法识别：占位符未填写：≥**%"),
    ("合格", "较好", "等级不属于同一评价标准：合格 与 较好"),
    ("满意", "是", "等级不属于同一评价标准：满意 与 是"),
    ("逐步改善", "明显提升", "等级不属于同一评价标准：逐步改善 与 明显提升"),
    ("较好", "明显提升", "等级不属于同一评价标准：较好 与 明显提升"),
    ("明显提升", "＞明显提升", "等级不属于同一评价标准：明显提升 与 明显提升"),
]


@pytest.mark.parametrize(("actual", "target", "reason"), NOT_COMPARABLE_CASES)
def test_compare_not_comparable(actual: str, target: str, reason: str) -> None:
    assert compare(parse_value(actual), parse_value(target)) == Comparison(None, None, reason)


def test_compare_target_without_unit_accepts_a_count() -> None:
    assert compare(parse_value("3次"), parse_value("≥1")) == Comparison(True, 3.0)


def test_compare_target_without_operator_is_not_comparable() -> None:
    target = TargetValue(text="90%", kind=Kind.QUANTITATIVE, value=90, unit="%")
    result = compare(parse_value("90%"), target)
    assert (result.met, result.ratio, result.reason) == (None, None, "目标值缺少运算符")


# -- properties -------------------------------------------------------------------------------

_VALUE_FIELDS = [f.name for f in fields(TargetValue) if f.name != "text"]


def _assert_round_trip(v: TargetValue) -> None:
    again = parse_value(format_value(v))
    for name in _VALUE_FIELDS:
        assert getattr(again, name) == getattr(v, name), (name, v, again)
    assert type(again.value) is type(v.value)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_never_raises_and_keeps_text(text: str) -> None:
    v = parse_value(text)
    assert v.text == text
    assert "内部错误" not in v.reason
    assert (v.kind is Kind.TEXT) == (v.op is None)
    assert (v.kind is Kind.TEXT) == bool(v.reason)
    _assert_round_trip(v)


_FRAGMENTS = [
    *["≥", "≤", "＝", "=", "==", ">=", "<=", "＞＝", "＞", "<", "＜", "≧", "≦", "═", "⩾"],
    *["不低于", "不少于", "达到", "控制在", "不超过", "大于", "小于", "等于", "截至"],
    *["0", "1", "2", "5", "12", "31", "2023", "2025", "1000", "1,000", "1，000", "461"],
    *[".", ",", "．", "０", "５", "-", "－", "—", "~", "至", "到", "+", " ", "\u3000"],
    *["%", "％", "‰", "人次", "次", "万元", "天", "个月", "年", "月", "日", "度", "服务周期"],
    *["m²", "㎡", "/", "(", "X", "x", "*", "e", "½", "٣", "\u0301", "?"],
    *["以上", "以下", "以内", "及以上", "内", "前", "之前", "底", "底前", "完成"],
    *["好", "较好", "一般", "差", "优", "中", "高", "较低", "不显著", "达成", "未达成"],
    *["达成年度指标", "是", "否", "不合格", "满意"],
]


_OPS = ["", "≥", "≤", "＝", "不低于", "控制在"]
_NUMBERS = ["2025", "2,025", "1,000", "2,025.5", "2025.12", "2025-12", "2023.07-2024.01", "1.5"]
_TAILS = ["年", "月", "日", "%", "人次", "以上", "内", "前", "底", "完成"]


@st.composite
def _printed_like(draw: st.DrawFn) -> str:
    """Operator, number, then unit and suffix pieces: the shape of a printed value."""
    op = draw(st.sampled_from(_OPS))
    number = draw(st.one_of(st.sampled_from(_NUMBERS), st.integers(0, 3000).map(str)))
    tail = draw(st.lists(st.sampled_from(_TAILS), max_size=3))
    return op + number + "".join(tail)


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join), _printed_like()))
def test_round_trip_on_printed_fragments(text: str) -> None:
    v = parse_value(text)
    assert v.text == text
    assert "内部错误" not in v.reason
    _assert_round_trip(v)


_UNITS = ["", "人次", "%", "次", "份", "件", "服务周期", "万元", "元", "天", "个", "人", "场"]
_UNITS += ["期", "小时", "分钟", "年", "个月", "月", "户", "亩", "公里", "平方米", "项", "‰"]

_numbers: st.SearchStrategy[Number] = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e12, max_value=1e12).map(lambda x: round(x, 6)),
    st.decimals(min_value=0, max_value=10**6, places=2).map(float),
)


def _reads_as_date(number: Number, unit: str) -> bool:
    """Canonical forms that read as dates by design (2025年, 2025.5): left out of the triples."""
    printed = format_number(number)
    if printed.startswith("-") or len(printed.split(".")[0]) != 4:
        return False
    return (unit == "年" and isinstance(number, int)) or (unit == "" and isinstance(number, float))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(Op)), _numbers, st.sampled_from(_UNITS))
def test_format_then_parse_recovers_op_value_unit(op: Op, number: Number, unit: str) -> None:
    if _reads_as_date(number, unit):
        return
    printed = format_value(
        TargetValue(text="", kind=Kind.QUANTITATIVE, op=op, value=number, unit=unit)
    )
    v = parse_value(printed)
    assert (v.kind, v.op, v.unit) == (Kind.QUANTITATIVE, op, unit)
    assert v.value == number
    assert type(v.value) is type(number)


@st.composite
def _dates(draw: st.DrawFn) -> str:
    year = draw(st.integers(1900, 2199))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    day = draw(st.integers(1, 28))
    return f"{year:04d}-{month:02d}-{day:02d}"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(Op)), _dates(), _dates())
def test_dates_round_trip(op: Op, first: str, second: str) -> None:
    start, end = sorted((first, second), key=lambda iso: [int(p) for p in iso.split("-")])
    v = TargetValue(text="", kind=Kind.DATE, op=op, start=start, end=end)
    parsed = parse_value(format_value(v))
    assert (parsed.kind, parsed.op, parsed.start, parsed.end) == (Kind.DATE, op, start, end)


@given(
    st.sampled_from(list(Op)),
    st.sampled_from(sorted({w for s in GRADE_SCALES.values() for w in s})),
)
def test_grades_round_trip(op: Op, grade: str) -> None:
    v = TargetValue(text="", kind=Kind.QUALITATIVE, op=op, grade=grade)
    assert parse_value(format_value(v)) == TargetValue(
        text=format_value(v), kind=Kind.QUALITATIVE, op=op, grade=grade
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(Op)),
    st.floats(min_value=0, max_value=1e6).map(lambda x: round(x, 3)),
    st.floats(min_value=0, max_value=1e6).map(lambda x: round(x, 3)),
)
def test_compare_ratio_agrees_with_met(op: Op, actual: float, target: float) -> None:
    result = compare(
        TargetValue(text="", kind=Kind.QUANTITATIVE, op=Op.EQ, value=actual, unit="%"),
        TargetValue(text="", kind=Kind.QUANTITATIVE, op=op, value=target, unit="%"),
    )
    assert result.met is not None
    assert result.ratio is not None
    assert result.ratio >= 0
    if op is Op.EQ:
        assert result.met == math.isclose(actual, target, rel_tol=1e-9, abs_tol=1e-12)
        if result.met:
            assert result.ratio == pytest.approx(1.0)
    elif result.met:
        assert result.ratio >= 1.0 - 1e-9
    else:
        assert result.ratio <= 1.0


def test_source_is_not_part_of_the_value() -> None:
    v = parse_value("≥90%")
    located = v.with_source(Provenance(file="seed.txt", line=3))
    assert located == v
    assert located.source == Provenance(file="seed.txt", line=3)
    assert v.source is None
    assert located.with_source(None).source is None


# -- the qualitative grammar (定性 phrases) ---------------------------------------------------

_DEGREE = sorted(QUALITATIVE_DEGREE_WORDS)
_HEADS = sorted(QUALITATIVE_HEAD_WORDS)
_SUBJECTS = sorted(QUALITATIVE_SUBJECT_WORDS)
_SCALE_WORDS = sorted({w for s in GRADE_SCALES.values() for w in s})


@st.composite
def _phrases(draw: st.DrawFn) -> str:
    """[a subject] degree words, then a head: the shape of a qualitative target."""
    subject = draw(st.one_of(st.just(""), st.sampled_from(_SUBJECTS)))
    degrees = draw(st.lists(st.sampled_from(_DEGREE), max_size=2))
    return subject + "".join(degrees) + draw(st.sampled_from(_HEADS))


_SYMBOLS = {"": Op.EQ, "≥": Op.GE, ">=": Op.GE, "≧": Op.GE, "≤": Op.LE, "<=": Op.LE}
_SYMBOLS |= {"≦": Op.LE, "=": Op.EQ, "＝": Op.EQ, ">": Op.GT, "<": Op.LT}


@settings(max_examples=400, deadline=None)
@given(_phrases(), st.sampled_from(sorted(_SYMBOLS)))
def test_short_phrases_of_degree_and_quality_words_are_qualitative(phrase: str, op: str) -> None:
    v = parse_value(op + phrase)
    if len(phrase) > 12:
        assert v.kind is Kind.TEXT
        return
    assert v.kind is Kind.QUALITATIVE, v
    assert v.op is _SYMBOLS[op]
    assert v.grade is not None
    # the phrase itself, or the grade it is a long form of (已完成 → 完成)
    assert v.grade == phrase or grade_rank(phrase) is not None
    _assert_round_trip(v)


@settings(max_examples=300, deadline=None)
@given(_phrases(), st.integers(0, 999), st.sampled_from(["", "%", "人次", "次"]), st.booleans())
def test_a_phrase_with_a_number_is_never_qualitative(
    phrase: str, number: int, unit: str, before: bool
) -> None:
    text = f"{number}{unit}{phrase}" if before else f"{phrase}{number}{unit}"
    assert parse_value(text).kind is not Kind.QUALITATIVE


@settings(max_examples=300, deadline=None)
@given(_phrases(), st.sampled_from(["率", "度", "性", "数", "量", "情况", "人数", "覆盖面"]))
def test_a_phrase_ending_in_a_noun_is_a_name_not_a_value(phrase: str, noun: str) -> None:
    assert parse_value(phrase + noun).kind is Kind.TEXT


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["高", "中", "低", "优", "良", "差", "好", "较好"]), min_size=2, max_size=5
    ),
    st.sampled_from(["", "/", "、"]),
)
def test_a_printed_scale_is_qualitative(words: list[str], sep: str) -> None:
    text = sep.join(words)
    assume(len(text) <= 12)  # a phrase is short
    v = parse_value(text)
    assert v.kind is Kind.QUALITATIVE
    assert v.grade is not None
    _assert_round_trip(v)


@settings(max_examples=200, deadline=None)
@given(_phrases(), st.sampled_from(["*", "**", "XX", "××"]), st.sampled_from(["≥", "≤", "＝", ""]))
def test_placeholders_stay_text_and_say_so(phrase: str, mark: str, op: str) -> None:
    v = parse_value(f"{op}{mark}{phrase[:1]}")
    assert v.kind is Kind.TEXT
    assert v.reason.startswith("占位符未填写")
