"""Every rule fails its failing example and passes its passing example; the seed's known
defects are found and its well-formed indicators are left alone."""

from __future__ import annotations

import pytest

from jixiao.domain.model import Document, Project
from jixiao.domain.review import (
    RULES,
    ConfigError,
    ReviewConfig,
    Severity,
    build_example,
    review_document,
    review_example,
    review_project,
    suggest_grade,
)
from jixiao.domain.review._registry import Example
from jixiao.domain.workflow import Grade
from jixiao.ingest import read_path
from tests.conftest import SEED

CODES = sorted(RULES)


def _codes(example: Example) -> set[str]:
    return {f.code for f in review_example(example)}


@pytest.mark.parametrize("code", CODES)
def test_failing_example_is_flagged(code: str) -> None:
    assert code in _codes(RULES[code].bad)


@pytest.mark.parametrize("code", CODES)
def test_passing_example_is_not_flagged(code: str) -> None:
    assert code not in _codes(RULES[code].good)


@pytest.mark.parametrize("code", CODES)
def test_rule_is_documented(code: str) -> None:
    rule = RULES[code]
    assert rule.summary and rule.hint and rule.explanation
    assert rule.code == code
    assert code[:3] == "JX" + {
        "完整性": "1",
        "相关性": "2",
        "适当性": "3",
        "可行性": "4",
        "规范性": "5",
    }.get(rule.dimension.value, "?") or code.startswith("JX6")


def test_codes_are_unique_and_named() -> None:
    assert len({r.name for r in RULES.values()}) == len(RULES)
    assert len(RULES) >= 20


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


def test_seed_every_project_lacks_effects(seed: Document) -> None:
    report = review_document(seed)
    missing = {f.project for f in report.findings if f.code == "JX101"}
    assert missing == {p.name for p in seed.projects}
    for f in report.findings:
        if f.code == "JX101":
            assert f.message.endswith("缺少效益指标")
            assert f.severity is Severity.ERROR


def test_seed_known_defects_are_flagged(seed: Document) -> None:
    findings = review_document(seed).findings
    by = {(f.code, f.project, f.indicator): f for f in findings}
    zero = by[("JX106", "《人大之声》制作经费", "《人大之声》汇编制作发放合集")]
    assert "≥0份" in zero.message
    assert zero.location is not None and zero.location.line == 307
    pct = by[("JX301", "代表活动经费", "保障参加活动的人大代表履职情况")]
    assert "＝100%" in pct.message
    unit = "无锡市人民代表大会常务委员会办公室"
    work = "突出经济发展、民生保障、生态环境、社会治理等重点难点问题，加强对“一府两院”工作的监督"
    assert ("JX602", unit, work) in by
    assert ("JX603", unit, work) in by
    assert "谱写“强富美高”新无锡建设崭新篇章" in by[("JX602", unit, work)].message


def test_seed_well_formed_indicator_has_no_finding(seed: Document) -> None:
    findings = review_document(seed).findings
    assert not [f for f in findings if f.indicator == "人大代表履职培训情况"]
    assert not [f for f in findings if f.indicator == "参加履职培训的人大代表满意度"]
    # "服务对象满意度 ≥90%" starts with a duty verb (服务) but is a measure.
    assert not [f for f in findings if f.indicator == "服务对象满意度" and f.code != "JX307"]


def test_previous_actuals_flow_through_review_document(seed: Document) -> None:
    from jixiao.domain.values import parse_value

    previous = {
        "信访工作经费": {"受理人民群众对相关机关和国家工作人员等的投诉和意见": parse_value("130件")}
    }
    found = [
        f for f in review_document(seed, previous_actuals=previous).findings if f.code == "JX310"
    ]
    assert [(f.project, f.message) for f in found] == [
        (
            "信访工作经费",
            "指标“受理人民群众对相关机关和国家工作人员等的投诉和意见”全年目标 ≥100件 低于上年实际完成值 130件",
        )
    ]
    assert not [f for f in review_document(seed).findings if f.code == "JX310"]


def test_seed_grades(seed: Document) -> None:
    grades = {g.project: g for g in review_document(seed).grades}
    assert grades["人大代表履职培训费"].grade is Grade.FAIR
    assert any("JX101" in r for r in grades["人大代表履职培训费"].reasons)
    assert grades["无锡市人民代表大会常务委员会办公室"].grade is Grade.GOOD


def test_grades_follow_findings() -> None:
    good = build_example(RULES["JX102"].good)  # complete, with a cost indicator
    assert isinstance(good, Project)
    grade, reasons = suggest_grade(review_project(good), has_outputs=True)
    assert grade is Grade.EXCELLENT
    assert reasons == ("未发现问题",)
    no_cost = build_example(RULES["JX101"].good)
    assert isinstance(no_cost, Project)
    grade, reasons = suggest_grade(review_project(no_cost))
    assert grade is Grade.EXCELLENT
    assert reasons[0] == "仅有提示"
    assert "JX102" in reasons[1]
    bad = Example(indicators=(("效益指标", "社会效益指标", "x", None, "≤**%"),))
    built = build_example(bad)
    assert isinstance(built, Project)
    grade, reasons = suggest_grade(review_project(built), has_outputs=False)
    assert grade is Grade.POOR
    assert reasons[0] == "没有产出指标"


def test_config_selects_ignores_and_overrides(seed: Document) -> None:
    config = ReviewConfig.from_mapping(
        {
            "ignore": ["JX2", "JX102"],
            "rules": {"JX307": {"severity": "warning", "minimum": 90}},
            "grading": {"poor_errors": 1},
        }
    )
    findings = review_document(seed, config).findings
    assert not [f for f in findings if f.code.startswith("JX2") or f.code == "JX102"]
    low = [f for f in findings if f.code == "JX307"]
    assert [f.project for f in low] == ["信访工作经费"]  # ≥80%; the ≥90% targets pass
    assert all(f.severity is Severity.WARNING for f in low)
    grades = review_document(seed, config).grades
    assert {g.grade for g in grades if g.project != "无锡市人民代表大会常务委员会办公室"} == {
        Grade.POOR
    }
    only = ReviewConfig().with_selection(select=["JX301"])
    assert {f.code for f in review_document(seed, only).findings} == {"JX301"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": {"JX999": {}}}, "no such rule"),
        ({"rules": {"JX307": {"severity": "fatal"}}}, "must be error, warning or info"),
        ({"rules": {"JX307": {"maximum": 1}}}, "unknown parameter"),
        ({"colour": "red"}, "unknown key review.colour"),
        ({"ignore": ["XY1"]}, "unknown rule code"),
        ({"grading": {"great": 1}}, "review.grading"),
    ],
)
def test_bad_config_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ReviewConfig.from_mapping(data, where="jixiao.toml")
