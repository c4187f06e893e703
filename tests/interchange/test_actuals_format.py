"""jixiao-actuals/1: loading, field-naming errors, and pairing with the targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jixiao.domain.actuals import ActualsError, DeviationCategory, Likelihood, pair
from jixiao.domain.model import Period
from jixiao.ingest import read_path
from jixiao.interchange import FormatError
from jixiao.interchange.actuals import actuals_schema, load_actuals, loads_actuals
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL = EXAMPLES / "seed-actuals-2023-full-year.json"
HALF = EXAMPLES / "seed-actuals-2023-half-year.json"


def _data(path: Path = FULL) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_full_year_example_loads_and_pairs() -> None:
    doc = loads_actuals(FULL.read_bytes(), where=FULL.name)
    assert (doc.fiscal_year, doc.period, len(doc.projects)) == (2023, Period.FULL_YEAR, 8)
    activity = doc.projects[1]
    assert (activity.budget, activity.executed) == (120, 98)
    assert activity.execution_reason.startswith("两次视察活动")
    timely = activity.actual("人大代表履职保障及时性")
    assert timely is not None and timely.value is not None
    assert (timely.value.value, timely.value.unit) == (95, "%")
    assert timely.deviation is not None
    assert timely.deviation.category is DeviationCategory.OTHER
    assert timely.measures == "建立活动备选日期机制"
    pairs = pair(read_path(SEED).projects, doc)
    assert next(p.name for p, _ in pairs) == "人大代表履职培训费"


def test_half_year_example_has_checkpoint_fields() -> None:
    doc = load_actuals(_data(HALF))
    assert (doc.period, doc.month) == (Period.HALF_YEAR, 6)
    training = doc.projects[0].actual("人大代表履职培训情况")
    assert training is not None and training.forecast is not None
    assert training.forecast.value == 470
    assert training.likelihood is Likelihood.CERTAIN


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda d: d.update(format="jixiao/1"), "format"),
        (lambda d: d.update(period="q3"), "period"),
        (lambda d: d["projects"][0].update(budget="35.6"), "projects.0.budget"),
        (lambda d: d["projects"][0].update(executed=-1), "projects.0.executed"),
        (lambda d: d["projects"][1]["categories"].update({"x": "天气"}), "categories"),
        (lambda d: d["projects"][0].update(colour=1), "colour"),
        (lambda d: d.update(month=13), "month"),
        (
            lambda d: d["projects"][0].update(manual_scores={"a": {"score": 5, "reason": ""}}),
            "reason",
        ),
    ],
)
def test_invalid_files_name_the_field(mutate: Any, named: str) -> None:
    data = _data()
    mutate(data)
    with pytest.raises(FormatError) as caught:
        load_actuals(data, where="actuals.json")
    assert str(caught.value).startswith("actuals.json：不是有效的 jixiao-actuals/1 文档")
    assert named in str(caught.value)


def test_unknown_project_or_indicator_is_refused_naming_each() -> None:
    data = _data()
    data["projects"][0]["actuals"]["不存在的指标"] = "1次"
    data["projects"].append({"name": "不存在的项目", "budget": 1, "executed": 1})
    with pytest.raises(ActualsError) as caught:
        pair(read_path(SEED).projects, load_actuals(data))
    assert caught.value.problems == [
        "项目“人大代表履职培训费”没有指标“不存在的指标”",
        "项目“不存在的项目”不在绩效目标表中",
    ]


def test_bad_json_and_schema() -> None:
    with pytest.raises(
        FormatError, match=r"x\.json：第 1 行第 2 列不是有效的 JSON.*应为 jixiao-actuals/1 文件"
    ):
        loads_actuals(b"{", where="x.json")
    assert actuals_schema()["properties"]["format"]["const"] == "jixiao-actuals/1"


def test_overall_actuals_of_a_unit_as_a_whole() -> None:
    doc = load_actuals(
        {
            "format": "jixiao-actuals/1",
            "fiscal_year": 2023,
            "period": "full_year",
            "projects": [],
            "overall": [
                {
                    "unit": "某单位",
                    "budget": 100,
                    "executed": 90,
                    "actuals": {"做好信访工作": "412件"},
                    "reasons": {"做好信访工作": "来访减少"},
                }
            ],
        }
    )
    (unit,) = doc.overall
    assert (unit.project, unit.budget, unit.executed) == ("某单位", 100, 90)
    (item,) = unit.indicators
    assert item.indicator == "做好信访工作"
    assert item.value is not None and item.value.value == 412
    assert item.deviation is not None and item.deviation.text == "来访减少"


def test_overall_needs_the_unit() -> None:
    with pytest.raises(FormatError, match=r"overall\.0\.unit"):
        load_actuals(
            {
                "format": "jixiao-actuals/1",
                "fiscal_year": 2023,
                "period": "full_year",
                "projects": [],
                "overall": [{"name": "某单位"}],
            }
        )
