"""jixiao/1 keeps the whole table: goal texts, and per indicator its weight, direction,
nature, basis, explanation, scoring standard and remark (issue 16); old documents read."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from jixiao.domain.model import Document, Indicator, Nature, Project
from jixiao.domain.values import Direction, parse_value
from jixiao.interchange import FormatError, dump, dumps, json_schema, load, loads

OLD: dict[str, Any] = {
    "format": "jixiao/1",
    "fiscal_year": 2023,
    "overall_targets": [],
    "projects": [
        {
            "name": "项目",
            "department": None,
            "unit": None,
            "fiscal_year": 2023,
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "数量指标",
                    "name": "培训人次",
                    "full_year": {"text": "≥90人次", "kind": "quantitative", "op": ">=",
                                  "value": 90, "unit": "人次"},
                }
            ],
        }
    ],
    "warnings": [],
}  # fmt: skip


def _whole() -> Document:
    indicator = Indicator(
        "成本指标",
        "经济成本指标",
        "人均培训成本",
        full_year=parse_value("500元"),
        weight=12.5,
        direction=Direction.NEGATIVE,
        nature=Nature.QUANTITATIVE,
        basis="2022年实际支出",
        explanation="培训总支出÷参训人次",
        standard="≤500元得满分，每超10%扣1分",
        remark="按年度决算核算",
    )
    project = Project(
        "代表培训",
        unit="某单位",
        fiscal_year=2024,
        start_year=2024,
        end_year=2026,
        annual_goal="完成全年代表培训任务，提升履职能力",
        long_term_goal="三年内实现代表培训全覆盖",
        indicators=(indicator,),
    )
    return Document(2024, projects=(project,))


def test_a_document_without_the_new_keys_reads_with_nothing_set() -> None:
    doc = load(copy.deepcopy(OLD))
    project = doc.projects[0]
    indicator = project.indicators[0]
    assert (project.annual_goal, project.long_term_goal) == ("", "")
    assert indicator.weight is None and indicator.direction is None and indicator.nature is None
    assert (indicator.basis, indicator.explanation, indicator.standard, indicator.remark) == (
        "",
        "",
        "",
        "",
    )


def test_the_new_fields_survive_a_round_trip_and_validate() -> None:
    doc = _whole()
    data = dump(doc)
    jsonschema.validate(data, json_schema())
    wire = data["projects"][0]["indicators"][0]
    assert (wire["weight"], wire["direction"], wire["nature"]) == (12.5, "negative", "quantitative")
    assert data["projects"][0]["annual_goal"] == "完成全年代表培训任务，提升履职能力"
    back = loads(dumps(doc))
    assert back == doc
    assert back.projects[0].indicators[0].standard == "≤500元得满分，每超10%扣1分"


@pytest.mark.parametrize(
    ("key", "value"),
    [("direction", "反向"), ("nature", "定量"), ("weight", -1), ("weight", "10"), ("basis", None)],
)
def test_bad_values_are_refused_naming_the_field(key: str, value: Any) -> None:
    data = copy.deepcopy(OLD)
    data["projects"][0]["indicators"][0][key] = value
    with pytest.raises(FormatError, match=key):
        load(data)


@pytest.mark.parametrize(
    ("printed", "op_text", "expected"),
    [
        (Direction.NEGATIVE, "5天", Direction.NEGATIVE),  # a bare number says nothing
        (Direction.NEGATIVE, "＝5天", Direction.NEGATIVE),
        (Direction.NEGATIVE, "≥5天", Direction.POSITIVE),  # the operator says otherwise
        (Direction.POSITIVE, "≤5天", Direction.NEGATIVE),
        (None, "5天", Direction.EXACT),
        (None, "≤5天", Direction.NEGATIVE),
    ],
)
def test_the_effective_direction(
    printed: Direction | None, op_text: str, expected: Direction
) -> None:
    indicator = Indicator("产出指标", "时效指标", "办结时间", full_year=parse_value(op_text),
                          direction=printed)  # fmt: skip
    assert indicator.effective_direction is expected
