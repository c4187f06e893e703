"""jixiao.interchange.results: actuals, scores and lights as JSON (the CLI's and the API's).

Actuals go round: ``actuals_to_dict`` → ``load_actuals`` gives back equal actuals, for the
example files and for a report using every optional key.  The score and monitoring dicts
are checked against the dataclasses they come from, field by field, and must survive JSON.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from jixiao.domain.actuals import (
    ActualsDocument,
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
    pair,
)
from jixiao.domain.model import Document, Period
from jixiao.domain.monitoring import Light, MonitoringConfig, monitor_project, summarize
from jixiao.domain.scoring import ProjectScore, ScoringScheme, score_overall, score_project
from jixiao.domain.values import parse_value
from jixiao.ingest import read_path
from jixiao.interchange.actuals import ACTUALS_FORMAT, load_actuals, loads_actuals
from jixiao.interchange.results import (
    actuals_to_dict,
    monitor_to_dict,
    score_to_dict,
    summary_to_dict,
)
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL = EXAMPLES / "seed-actuals-2023-full-year.json"
HALF = EXAMPLES / "seed-actuals-2023-half-year.json"

ACTUALS_KEYS = (
    "name",
    "budget",
    "executed",
    "budget_initial",
    "execution_reason",
    "actuals",
    "reasons",
    "categories",
    "measures",
    "forecasts",
    "likelihood",
    "manual_scores",
    "not_applicable",
)


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


def _read(path: Path) -> ActualsDocument:
    return loads_actuals(path.read_bytes(), where=path.name)


def _through_json(doc: ActualsDocument, projects: list[Any], overall: list[Any]) -> ActualsDocument:
    """A document holding ``projects`` and ``overall`` entries, sent as JSON text and read."""
    data = {
        "format": ACTUALS_FORMAT,
        "fiscal_year": doc.fiscal_year,
        "period": doc.period.value,
        "month": doc.month,
        "projects": projects,
        "overall": overall,
    }
    return load_actuals(json.loads(json.dumps(data, ensure_ascii=False)), where="round trip")


def _as_overall(entry: Any) -> dict[str, Any]:
    out = dict(entry)
    out["unit"] = out.pop("name")
    return out


# -- actuals ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [FULL, HALF], ids=lambda p: p.stem)
def test_actuals_round_trip_the_example_files(path: Path) -> None:
    original = _read(path)
    assert original.projects  # something to go round
    entries = [actuals_to_dict(p) for p in original.projects]
    overall = [_as_overall(actuals_to_dict(u)) for u in original.overall]
    again = _through_json(original, entries, overall)
    assert again.projects == original.projects
    assert again.overall == original.overall
    assert again == original
    for entry in entries:
        assert list(entry) == [k for k in ACTUALS_KEYS if k in entry]
        assert all(v not in ({}, [], "") for v in entry.values())


def test_actuals_dict_matches_the_file_entries() -> None:
    """Each entry as written in the example file, but every reported item in ``actuals``."""
    raw = json.loads(FULL.read_text(encoding="utf-8"))
    for entry, project in zip(raw["projects"], _read(FULL).projects, strict=True):
        got = actuals_to_dict(project)
        assert got["name"] == entry["name"]
        for key in ("budget", "executed", "budget_initial", "execution_reason"):
            assert got.get(key) == entry.get(key), key
        for key in ("reasons", "categories", "measures", "manual_scores", "not_applicable"):
            assert got.get(key) == entry.get(key), key
        reported = got.get("actuals", {})
        assert {k: v for k, v in reported.items() if v} == entry["actuals"]
        assert all(k in entry["actuals"] or not v for k, v in reported.items())


def test_actuals_round_trip_every_optional_key() -> None:
    report = ProjectActuals(
        project="某项目",
        period=Period.FULL_YEAR,
        budget=120,
        executed=98.5,
        budget_initial=100.25,
        execution_reason="两次活动延期",
        indicators=(
            IndicatorActual(
                "数量",
                parse_value("＝470人次"),
                deviation=Deviation("延期", DeviationCategory.OTHER),
                measures="提前安排",
                manual=ManualScore(12.5, "材料不全，酌情扣分"),
            ),
            IndicatorActual("不适用的", None, not_applicable=True),
            IndicatorActual(
                "只有类别", parse_value("95%"), deviation=Deviation("", DeviationCategory.STAFF)
            ),
            IndicatorActual("未填", None),
            IndicatorActual(
                "预计",
                parse_value("40%"),
                forecast=parse_value("90%"),
                likelihood=Likelihood.POSSIBLE,
            ),
        ),
    )
    got = actuals_to_dict(report)
    assert got == {
        "name": "某项目",
        "budget": 120,
        "executed": 98.5,
        "budget_initial": 100.25,
        "execution_reason": "两次活动延期",
        "actuals": {
            "数量": "＝470人次",
            "不适用的": "",
            "只有类别": "95%",
            "未填": "",
            "预计": "40%",
        },
        "reasons": {"数量": "延期"},
        "categories": {"数量": "其他", "只有类别": "人员保障"},
        "measures": {"数量": "提前安排"},
        "forecasts": {"预计": "90%"},
        "likelihood": {"预计": "有可能"},
        "manual_scores": {"数量": {"score": 12.5, "reason": "材料不全，酌情扣分"}},
        "not_applicable": ["不适用的"],
    }
    doc = ActualsDocument(2023, Period.FULL_YEAR, (report,))
    assert _through_json(doc, [got], []).projects == (report,)
    # The same report at the checkpoint, and as a unit as a whole.
    half = dataclasses.replace(report, period=Period.HALF_YEAR)
    doc = ActualsDocument(2023, Period.HALF_YEAR, (), month=7, overall=(half,))
    assert _through_json(doc, [], [_as_overall(actuals_to_dict(half))]) == doc


def test_actuals_dict_writes_the_first_item_of_a_name() -> None:
    twice = ProjectActuals(
        "重名",
        Period.FULL_YEAR,
        indicators=(
            IndicatorActual("满意度", parse_value("95%")),
            IndicatorActual("满意度", parse_value("80%"), measures="第二行"),
        ),
    )
    assert actuals_to_dict(twice) == {"name": "重名", "actuals": {"满意度": "95%"}}


def test_actuals_dict_leaves_out_what_is_empty() -> None:
    assert actuals_to_dict(ProjectActuals("空", Period.FULL_YEAR)) == {"name": "空"}
    zero = actuals_to_dict(ProjectActuals("零", Period.FULL_YEAR, budget=0, executed=0.0))
    assert zero == {"name": "零", "budget": 0, "executed": 0.0}


# -- scores -------------------------------------------------------------------------------


def _scores(seed: Document) -> list[ProjectScore]:
    doc = _read(FULL)
    scheme = ScoringScheme()
    scores = [score_project(p, a, scheme) for p, a in pair(seed.projects, doc)]
    (targets,) = seed.overall_targets
    (unit,) = doc.overall
    return [*scores, score_overall(targets, unit, scheme)]


def test_score_dict_is_the_score(seed: Document) -> None:
    scores = _scores(seed)
    assert len(scores) == 9
    for score in scores:
        got = score_to_dict(score)
        assert json.loads(json.dumps(got, ensure_ascii=False)) == got
        assert list(got) == [
            "name",
            "budget_score",
            "budget_weight",
            "execution_rate",
            "indicators",
            "total",
            "grade",
            "problems",
        ]
        assert (got["name"], got["total"], got["grade"]) == (
            score.name,
            score.total,
            score.grade.value,
        )
        assert got["grade"] in ("优", "良", "中", "差")
        assert (got["budget_score"], got["budget_weight"], got["execution_rate"]) == (
            score.budget_score,
            score.budget_weight,
            score.execution_rate,
        )
        assert got["problems"] == list(score.problems)
        assert len(got["indicators"]) == len(score.indicators)
        for item, indicator in zip(got["indicators"], score.indicators, strict=True):
            assert item == {
                "name": indicator.name,
                "level1": indicator.level1,
                "level2": indicator.level2,
                "target": indicator.target,
                "actual": indicator.actual,
                "weight": round(indicator.weight, 2),
                "score": indicator.score,
                "reason_needed": indicator.reason_needed,
                "manual": indicator.manual,
                "rule": indicator.rule,
            }
            assert isinstance(item["score"], float) and isinstance(item["weight"], float)
            assert isinstance(item["rule"], str) and item["rule"]


def test_score_dict_marks_manual_scores_and_rounds_weights(seed: Document) -> None:
    doc = _read(FULL)
    (project, report), *_ = pair(seed.projects, doc)
    first = report.indicators[0]
    manual = dataclasses.replace(first, manual=ManualScore(20, "培训记录不全"))
    report = dataclasses.replace(report, indicators=(manual, *report.indicators[1:]))
    got = score_to_dict(score_project(project, report, ScoringScheme()))
    assert [i["manual"] for i in got["indicators"]] == [True, False, False, False]
    assert got["indicators"][0]["score"] == 20.0

    # Weights are hundredths already; the dict rounds them all the same.
    score = _scores(seed)[0]
    odd = dataclasses.replace(score.indicators[0], weight=100 / 3)
    odd_score = dataclasses.replace(score, indicators=(odd,))
    assert score_to_dict(odd_score)["indicators"][0]["weight"] == 33.33


# -- monitoring ---------------------------------------------------------------------------


def _plain(obj: Any) -> Any:
    """A dataclass as plain JSON values, field by field (how ``--json`` printed them)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(_plain(k)): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(x) for x in obj]
    return obj


@pytest.mark.parametrize("month", [6, 9])
def test_monitor_and_summary_dicts_are_every_field(seed: Document, month: int) -> None:
    config = MonitoringConfig(month=month)
    monitors = [
        (p.unit or "", monitor_project(p, a, config)) for p, a in pair(seed.projects, _read(HALF))
    ]
    assert any(m.findings for _, m in monitors)  # findings are in the output too
    for _, m in monitors:
        got = monitor_to_dict(m)
        assert got == _plain(m)
        assert list(got) == [f.name for f in dataclasses.fields(m)]
        assert json.loads(json.dumps(got, ensure_ascii=False)) == got
        assert set(got["lights"]) == {light.value for light in Light}
        assert got["month"] == month
    (summary,) = summarize(monitors, config)
    got_summary = summary_to_dict(summary)
    assert got_summary == _plain(summary)
    assert list(got_summary) == [f.name for f in dataclasses.fields(summary)]
    assert json.loads(json.dumps(got_summary, ensure_ascii=False)) == got_summary
    assert got_summary["projects"] == len(monitors)
    assert isinstance(got_summary["red_projects"], list)
