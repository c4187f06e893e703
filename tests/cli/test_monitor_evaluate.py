"""``jixiao monitor`` and ``jixiao evaluate`` end to end: the real command in a subprocess.

The figures expected here are computed by the test itself from the rules (DOMAIN.md §4–5,
the docstrings of jixiao.domain.scoring and jixiao.domain.monitoring) and from the input
files, in exact fractions: nothing is copied from the command's output.  The seed has
产出 and 满意度 indicators only, so every project is also a rescaling case (产出 50 and
满意度 10 share 90 points: 75 and 15).
"""

from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED

REPO = Path(__file__).resolve().parents[2]
FULL_YEAR = REPO / "docs" / "examples" / "seed-actuals-2023-full-year.json"
HALF_YEAR = REPO / "docs" / "examples" / "seed-actuals-2023-half-year.json"

Json = dict[str, Any]


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def load(path: Path) -> Json:
    data: Json = json.loads(path.read_text(encoding="utf-8"))
    return data


def write(path: Path, data: Json) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def ok_json(result: subprocess.CompletedProcess[str], code: int = 0) -> Json:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    data: Json = json.loads(result.stdout)
    return data


# -- exact arithmetic -------------------------------------------------------------------


def num(value: float | int | str) -> Fraction:
    """A JSON number as the decimal it prints as (23.21 → 2321/100, no binary noise)."""
    return Fraction(str(value))


def half_up(value: Fraction) -> Fraction:
    """Rounded to hundredths, half up (values here are never negative)."""
    assert value >= 0
    return Fraction(math.floor(value * 100 + Fraction(1, 2)), 100)


_FIGURE = re.compile(r"^(?P<op>[＝=≥]?)\s*(?P<number>\d+(?:\.\d+)?)(?P<unit>\D*)$")


def figure(text: str) -> tuple[str, Fraction, str]:
    """(operator, number, unit) of a plain figure such as ＝461人次, ≥90%, 650份."""
    match = _FIGURE.match(text.strip())
    assert match, f"this test only handles plain figures, not {text!r}"
    return match["op"] or "＝", Fraction(match["number"]), match["unit"]


# -- scoring rules (DOMAIN.md §5, jixiao.domain.scoring) --------------------------------

GROUP_POINTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
GROUP_OF = {"成本指标": "产出指标"}
GRADES = ((90, "优"), (80, "良"), (60, "中"))


def grade_of(total: Fraction) -> str:
    return next((grade for threshold, grade in GRADES if total >= threshold), "差")


def apportion(cents: int, shares: list[Fraction]) -> list[int]:
    """Largest remainder in hundredths, ties to the earlier share."""
    quotas = [cents * share / sum(shares) for share in shares]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[: cents - sum(parts)]:
        parts[i] += 1
    return parts


def expected_evaluation(project: Json, reported: Json) -> Json:
    """The score of one seed project for one entry of an actuals file, by the rules."""
    budget, executed = reported.get("budget"), reported.get("executed")
    budget_cents = 1000 if budget else 0  # no budget, or 0: the budget part is left out
    groups = [GROUP_OF.get(i["level1"], i["level1"]) for i in project["indicators"]]
    present = list(dict.fromkeys(groups))
    group_cents = apportion(10000 - budget_cents, [Fraction(GROUP_POINTS[g]) for g in present])
    cents = [0] * len(groups)
    for group, share in zip(present, group_cents, strict=True):
        members = [k for k, g in enumerate(groups) if g == group]
        for k, part in zip(members, apportion(share, [Fraction(1)] * len(members)), strict=True):
            cents[k] = part

    budget_score = Fraction(0)
    if budget and executed is not None:
        budget_score = half_up(10 * min(num(executed) / num(budget), Fraction(1)))

    indicators = []
    for indicator, part in zip(project["indicators"], cents, strict=True):
        weight = Fraction(part, 100)
        actual = reported.get("actuals", {}).get(indicator["name"])
        score = Fraction(0)  # no actual: 0 points
        if actual is not None:
            op, target, unit = figure(indicator["full_year"]["text"])
            _, value, actual_unit = figure(actual)
            assert op in ("＝", "=", "≥") and target > 0 and actual_unit == unit
            score = half_up(weight * min(value / target, Fraction(1)))
        indicators.append(
            {"name": indicator["name"], "weight": weight, "score": score, "short": score < weight}
        )
    total = budget_score + sum((i["score"] for i in indicators), Fraction(0))
    return {
        "budget_score": budget_score,
        "indicators": indicators,
        "total": total,
        "grade": grade_of(total),
    }


def assert_scored_by_the_rules(got: Json, project: Json, reported: Json) -> None:
    want = expected_evaluation(project, reported)
    name = got["name"]
    assert num(got["budget_score"]) == want["budget_score"], name
    assert [i["name"] for i in got["indicators"]] == [i["name"] for i in want["indicators"]]
    for g, w, indicator in zip(
        got["indicators"], want["indicators"], project["indicators"], strict=True
    ):
        where = f"{name} / {g['name']}"
        assert g["level1"] == indicator["level1"], where
        assert g["target"] == indicator["full_year"]["text"].strip(), where
        assert g["actual"] == reported.get("actuals", {}).get(g["name"]), where
        assert num(g["weight"]) == w["weight"], where
        assert num(g["score"]) == w["score"], where
        assert g["reason_needed"] is w["short"], where
    assert num(got["total"]) == want["total"], name
    assert got["grade"] == want["grade"], name


def assert_consistent(got: Json, reported: Json) -> None:
    """What must hold for any project: weights, bounds, sums, reasons, grade."""
    name = got["name"]
    budget_weight = 10 if reported.get("budget") else 0
    budget_score = num(got["budget_score"])
    weights = [num(i["weight"]) for i in got["indicators"]]
    scores = [num(i["score"]) for i in got["indicators"]]
    assert budget_weight + sum(weights) == 100, name
    assert 0 <= budget_score <= budget_weight, name
    for indicator, weight, score in zip(got["indicators"], weights, scores, strict=True):
        assert 0 <= score <= weight, (name, indicator["name"])
        assert score == half_up(score), (name, indicator["name"])  # 2 decimals
        assert indicator["reason_needed"] is (score < weight), (name, indicator["name"])
    total = num(got["total"])
    assert total == budget_score + sum(scores), name
    assert got["grade"] == grade_of(total), name


def assert_unit_summaries(data: Json, unit_of: dict[str, str]) -> None:
    members: dict[str, list[Json]] = {}
    for project in data["projects"]:
        members.setdefault(unit_of[project["name"]], []).append(project)
    assert [u["unit"] for u in data["units"]] == list(members)
    for unit in data["units"]:
        projects = members[unit["unit"]]
        totals = [num(p["total"]) for p in projects]
        assert unit["projects"] == len(projects)
        assert num(unit["average"]) == half_up(sum(totals, Fraction(0)) / len(totals))
        grades = Counter(p["grade"] for p in projects)
        assert unit["grades"] == {g: grades[g] for g in ("优", "良", "中", "差")}


# -- monitoring rules (DOMAIN.md §4, jixiao.domain.monitoring) --------------------------


def light_of(percent: Fraction) -> str:
    return "red" if percent < 60 else "yellow" if percent < 80 else "green"


def expected_execution(reported: Json, month: int) -> tuple[Fraction | None, Fraction | None, str]:
    """(execution rate %, time-adjusted %, light)."""
    budget, executed = reported.get("budget"), reported.get("executed")
    if not budget or executed is None:
        return None, None, "none"
    rate = num(executed) / num(budget) * 100
    adjusted = rate / Fraction(month, 12)
    return rate, adjusted, light_of(adjusted)


def expected_indicator(indicator: Json, reported: Json) -> tuple[str, Fraction | None]:
    """(light, progress %) of one indicator; the seed always has a half-year target."""
    name = indicator["name"]
    current = reported.get("actuals", {}).get(name)
    if current is None:
        return "none", None
    op, target, unit = figure(indicator["half_year"]["text"])
    _, value, current_unit = figure(current)
    assert op in ("＝", "=", "≥") and current_unit == unit
    progress: Fraction | None = None
    if target > 0:
        progress = value / target * 100
        light = light_of(progress)
    else:  # ≥0: reached or not
        light = "green" if value >= target else "red"
    forecast = reported.get("forecasts", {}).get(name)
    if forecast is not None:
        _, annual, _ = figure(indicator["full_year"]["text"])
        if figure(forecast)[1] < annual:
            light = "red"
    likelihood = reported.get("likelihood", {}).get(name)
    if likelihood == "完全不可能":
        light = "red"
    elif likelihood == "有可能" and light == "green":
        light = "yellow"
    return light, progress


def expected_findings(project: Json, reported: Json, month: int) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    _, _, execution = expected_execution(reported, month)
    if execution == "none":
        found.append(("JXM5", None))
    elif num(reported["executed"]) > num(reported["budget"]):
        found.append(("JXM7", None))
    if execution in ("yellow", "red") and not reported.get("execution_reason", "").strip():
        found.append(("JXM2", None))
    for indicator in project["indicators"]:
        name = indicator["name"]
        light, _ = expected_indicator(indicator, reported)
        if name not in reported.get("actuals", {}):
            found.append(("JXM3", name))
        if reported.get("likelihood", {}).get(name) == "完全不可能":
            found.append(("JXM4", name))
        if light in ("yellow", "red") and not reported.get("reasons", {}).get(name, "").strip():
            found.append(("JXM1", name))
    return sorted(found, key=str)


def close(got: float | None, want: Fraction | None) -> bool:
    if want is None:
        return got is None
    return got is not None and math.isclose(got, float(want), rel_tol=0, abs_tol=1e-6)


def assert_monitored(data: Json, seed: dict[str, Json], actuals: Json, month: int) -> None:
    """Every project's execution, lights and findings, and the unit summaries."""
    assert data["month"] == month
    reported = {r["name"]: r for r in actuals["projects"]}
    assert [p["name"] for p in data["projects"]] == list(reported)
    members: dict[str, list[Json]] = {}
    for got in data["projects"]:
        name = got["name"]
        project, entry = seed[name], reported[name]
        members.setdefault(project["unit"] or "", []).append(got)
        rate, adjusted, light = expected_execution(entry, month)
        assert got["month"] == month
        assert close(got["execution_rate"], rate), name
        assert close(got["time_adjusted"], adjusted), name
        assert got["execution_light"] == light, name
        assert [i["name"] for i in got["indicators"]] == [i["name"] for i in project["indicators"]]
        for row, indicator in zip(got["indicators"], project["indicators"], strict=True):
            want_light, progress = expected_indicator(indicator, entry)
            assert row["light"] == want_light, (name, row["name"])
            if progress is not None:
                assert close(row["progress"], progress), (name, row["name"])
            assert row["target"] == indicator["full_year"]["text"].strip()
            assert row["half_year_target"] == indicator["half_year"]["text"].strip()
            assert row["current"] == entry.get("actuals", {}).get(row["name"])
        lights = Counter(row["light"] for row in got["indicators"])
        assert got["lights"] == {k: lights[k] for k in ("green", "yellow", "red", "none")}
        findings = sorted(((f["code"], f["indicator"]) for f in got["findings"]), key=str)
        assert findings == expected_findings(project, entry, month), name
        assert all(f["project"] == name and f["message"] for f in got["findings"])

    assert [u["unit"] for u in data["units"]] == list(members)
    for unit in data["units"]:
        projects = members[unit["unit"]]
        judged = [reported[p["name"]] for p in projects if p["execution_light"] != "none"]
        budget = sum((num(r["budget"]) for r in judged), Fraction(0))
        executed = sum((num(r["executed"]) for r in judged), Fraction(0))
        adjusted = executed / budget * 100 / Fraction(month, 12)
        assert unit["projects"] == len(projects)
        assert close(unit["budget"], budget)
        assert close(unit["executed"], executed)
        assert close(unit["time_adjusted"], adjusted)
        assert unit["execution_light"] == light_of(adjusted)
        lights = Counter(row["light"] for p in projects for row in p["indicators"])
        assert unit["lights"] == {k: lights[k] for k in ("green", "yellow", "red", "none")}
        assert unit["findings"] == sum(len(p["findings"]) for p in projects)
        assert unit["red_projects"] == [
            p["name"]
            for p in projects
            if p["execution_light"] == "red" or any(r["light"] == "red" for r in p["indicators"])
        ]
        executions = Counter(p["execution_light"] for p in projects)
        assert unit["execution_lights"] == {
            k: executions[k] for k in ("green", "yellow", "red", "none")
        }


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_document() -> Json:
    """The seed as jixiao/1 (its targets are read by the parser, not by the code under test)."""
    return ok_json(jixiao("parse", str(SEED), "--json"))


@pytest.fixture(scope="module")
def seed(seed_document: Json) -> dict[str, Json]:
    projects = {p["name"]: p for p in seed_document["projects"]}
    assert len(projects) == 8
    return projects


@pytest.fixture(scope="module")
def unit_of(seed: dict[str, Json]) -> dict[str, str]:
    return {name: p["unit"] or "" for name, p in seed.items()}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("monitor_evaluate")


@pytest.fixture(scope="module")
def evaluated() -> Json:
    return ok_json(jixiao("evaluate", str(SEED), "--actuals", str(FULL_YEAR), "--json"))


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'j.db'}"
    result = jixiao("import", str(SEED), "--db", url)
    assert result.returncode == 0, result.stderr
    assert "已导入 1 个文件" in result.stdout
    return url


# -- evaluate: the example file ---------------------------------------------------------


def test_evaluate_json_has_the_documented_shape(evaluated: Json) -> None:
    assert set(evaluated) == {"projects", "overall", "units"}
    for project in evaluated["projects"]:
        assert {"name", "budget_score", "indicators", "total", "grade"} <= set(project)
        assert project["indicators"]
        for indicator in project["indicators"]:
            assert {
                "name",
                "level1",
                "target",
                "actual",
                "weight",
                "score",
                "reason_needed",
            } <= set(indicator)
    for unit in evaluated["units"]:
        assert {"unit", "projects", "average", "grades"} <= set(unit)


def test_evaluate_scores_every_project_by_the_rules(evaluated: Json, seed: dict[str, Json]) -> None:
    reported = load(FULL_YEAR)["projects"]
    assert [p["name"] for p in evaluated["projects"]] == [r["name"] for r in reported]
    for got, entry in zip(evaluated["projects"], reported, strict=True):
        assert_scored_by_the_rules(got, seed[got["name"]], entry)


def test_evaluate_example_figures_worked_by_hand(evaluated: Json) -> None:
    """Three projects worked out from the rules on paper (产出 75 / 3, 满意度 15)."""
    example = {r["name"]: r for r in load(FULL_YEAR)["projects"]}
    # the inputs worked from (if the example file changes, rework these by hand)
    spent = example["人大代表履职培训费"]
    assert (spent["budget"], spent["executed"]) == (35.6, 34.2)
    assert example["人大工作经费"]["actuals"]["服务对象满意度"] == "88%"
    assert example["《人大之声》制作经费"]["actuals"]["《人大之声》汇编制作发放合集"] == "650份"
    by_name = {p["name"]: p for p in evaluated["projects"]}
    # 34.2 / 35.6 = 0.96067… → 9.61; all indicators reached: 9.61 + 75 + 15
    training = by_name["人大代表履职培训费"]
    assert training["budget_score"] == 9.61
    assert [i["weight"] for i in training["indicators"]] == [25, 25, 25, 15]
    assert training["total"] == 99.61
    assert training["grade"] == "优"
    # 190 / 200 → 9.5; 90% of ＝100% → 22.5; 88% of ≥90% → 15 × 88/90 = 14.666… → 14.67
    work = by_name["人大工作经费"]
    assert [i["score"] for i in work["indicators"]] == [22.5, 25, 25, 14.67]
    assert [i["reason_needed"] for i in work["indicators"]] == [True, False, False, True]
    assert num(work["total"]) == sum(map(Fraction, ("9.5", "22.5", "25", "25", "14.67")))
    # 650 of ≥700份 → 25 × 650/700 = 23.214… → 23.21
    voice = by_name["《人大之声》制作经费"]
    assert voice["indicators"][0]["score"] == 23.21
    assert voice["total"] == 98.21


def test_evaluate_results_are_consistent(evaluated: Json) -> None:
    reported = {r["name"]: r for r in load(FULL_YEAR)["projects"]}
    for project in evaluated["projects"]:
        assert_consistent(project, reported[project["name"]])


def test_evaluate_unit_summary(evaluated: Json, unit_of: dict[str, str]) -> None:
    assert len(evaluated["units"]) == 1
    assert evaluated["units"][0]["projects"] == 8
    assert_unit_summaries(evaluated, unit_of)


def test_evaluate_table_output_shows_each_total_and_grade(evaluated: Json) -> None:
    result = jixiao("evaluate", str(SEED), "--actuals", str(FULL_YEAR))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for project in evaluated["projects"]:
        title = re.search(
            re.escape(project["name"]) + r"：(\d+(?:\.\d+)?) 分，([优良中差])", result.stdout
        )
        assert title, project["name"]
        assert num(title[1]) == num(project["total"]), project["name"]
        assert title[2] == project["grade"], project["name"]
        for indicator in project["indicators"]:
            assert indicator["name"] in result.stdout
    unit = evaluated["units"][0]
    line = re.search(
        re.escape(unit["unit"])
        + r"：部门整体 (\d+\.\d\d) 分（([优良中差])）；8 个项目，平均 (\d+(?:\.\d+)?) 分",
        result.stdout,
    )
    assert line
    assert num(line[1]) == num(evaluated["overall"][0]["total"])
    assert line[2] == evaluated["overall"][0]["grade"]
    assert num(line[3]) == num(unit["average"])


def test_evaluate_scores_the_unit_as_a_whole_from_its_work_items(evaluated: Json) -> None:
    """部门整体: 10 points for the unit's budget execution, 90 shared by the work items that
    apply (one is marked not applicable in the example: 90 ÷ 12 = 7.5 each)."""
    data = json.loads(FULL_YEAR.read_text(encoding="utf-8"))
    (report,) = data["overall"]
    (whole,) = evaluated["overall"]
    assert whole["unit"] == report["unit"] == evaluated["units"][0]["unit"]
    budget_score = half_up(10 * min(num(report["executed"]) / num(report["budget"]), Fraction(1)))
    assert num(whole["budget_score"]) == budget_score
    items = whole["indicators"]
    assert [i["name"] for i in items] == list(report["actuals"])
    applicable = [i for i in items if i["name"] not in report["not_applicable"]]
    assert len(applicable) == len(items) - len(report["not_applicable"]) == 12
    expected_total = budget_score
    for item in items:
        if item["name"] in report["not_applicable"]:
            assert (item["weight"], item["score"]) == (0, 0)
            continue
        assert num(item["weight"]) == Fraction(90, 12)
        _, target, _ = figure(item["target"])
        _, actual, _ = figure(item["actual"])
        expected = half_up(Fraction(90, 12) * min(actual / target, Fraction(1)))
        assert num(item["score"]) == expected, item["name"]
        assert item["reason_needed"] == (expected < Fraction(90, 12))
        expected_total += expected
    assert num(whole["total"]) == expected_total
    assert whole["grade"] == grade_of(expected_total)
    assert evaluated["units"][0]["overall"] == {"total": whole["total"], "grade": whole["grade"]}


# -- evaluate: files built to exercise the rules at their edges -------------------------


def test_evaluate_rescaling_rounding_and_caps(
    workdir: Path, seed: dict[str, Json], unit_of: dict[str, str]
) -> None:
    example = {r["name"]: r for r in load(FULL_YEAR)["projects"]}
    no_budget = copy.deepcopy(example["人大代表履职培训费"])
    del no_budget["budget"], no_budget["executed"]
    halves = copy.deepcopy(example["代表活动经费"])
    halves.update(budget=80, executed=61.8)  # 7.725 → 7.73
    halves["actuals"]["保障参加活动的人大代表履职情况"] = "50.5%"  # 25 × 0.505 = 12.625 → 12.63
    capped = copy.deepcopy(example["人代会会议经费"])
    capped.update(budget=80, executed=90)  # over budget: 10, not 11.25
    capped["actuals"]["组织召开人民代表大会"] = "3次"  # three times ＝1次: 25, not 75
    del capped["actuals"]["参会代表满意度"]  # no actual: 0 points
    zero_budget = copy.deepcopy(example["信访工作经费"])
    zero_budget.update(budget=0, executed=5)
    reported = [no_budget, halves, capped, zero_budget]
    actuals = {
        "format": "jixiao-actuals/1",
        "fiscal_year": 2023,
        "period": "full_year",
        "projects": reported,
    }
    path = write(workdir / "edges.json", actuals)
    data = ok_json(jixiao("evaluate", str(SEED), "--actuals", str(path), "--json"))

    for got, entry in zip(data["projects"], reported, strict=True):
        assert_scored_by_the_rules(got, seed[got["name"]], entry)
        assert_consistent(got, entry)
    assert_unit_summaries(data, unit_of)

    first, second, third, fourth = data["projects"]
    # No budget: 100 points for the indicators; 产出 10000 × 50/60 = 8333.33 hundredths
    # and 满意度 1666.67 → 8333 + 1667; 8333 over three → 2778 + 2778 + 2777.
    assert [i["weight"] for i in first["indicators"]] == [27.78, 27.78, 27.77, 16.67]
    assert first["budget_score"] == 0
    assert [i["weight"] for i in fourth["indicators"]] == [27.78, 27.78, 27.77, 16.67]
    assert second["budget_score"] == 7.73
    assert second["indicators"][0]["score"] == 12.63
    assert third["budget_score"] == 10
    assert third["indicators"][0]["score"] == 25
    missing = third["indicators"][3]
    assert (missing["actual"], missing["score"], missing["reason_needed"]) == (None, 0, True)
    assert any("参会代表满意度" in p and "缺少实际完成值" in p for p in third["problems"])


def test_evaluate_grade_thresholds_and_unit_average(
    workdir: Path, seed: dict[str, Json], unit_of: dict[str, str]
) -> None:
    """Totals built on the grade thresholds; their mean, 75.125, rounds half up to 75.13."""
    designed = ["90.00", "90.01", "89.99", "80.00", "79.99", "60.00", "59.99", "51.02"]
    projects = []
    for project, total in zip(seed.values(), designed, strict=True):
        first, quality, timely, satisfaction = project["indicators"]
        assert quality["full_year"]["text"] == timely["full_year"]["text"] == "＝100%"
        # 10 (budget) + 25 + 15 (targets reached) + two ＝100% indicators worth 25 each:
        # an actual of p% scores p/4, so the rest of the total is spread over those two.
        rest = Fraction(total) - 50
        parts = [min(rest, Fraction(25)), rest - min(rest, Fraction(25))]
        reached = {
            i["name"]: "{1}{2}".format(*figure(i["full_year"]["text"]))
            for i in (first, satisfaction)
        }
        percent = {
            i["name"]: f"{float(4 * part):.2f}%"
            for i, part in zip((quality, timely), parts, strict=True)
        }
        projects.append(
            {"name": project["name"], "budget": 50, "executed": 50, "actuals": reached | percent}
        )
    actuals = {
        "format": "jixiao-actuals/1",
        "fiscal_year": 2023,
        "period": "full_year",
        "projects": projects,
    }
    path = write(workdir / "grades.json", actuals)
    data = ok_json(jixiao("evaluate", str(SEED), "--actuals", str(path), "--json"))

    for got, entry in zip(data["projects"], projects, strict=True):
        assert_scored_by_the_rules(got, seed[got["name"]], entry)
        assert_consistent(got, entry)
    assert [num(p["total"]) for p in data["projects"]] == [Fraction(t) for t in designed]
    assert [p["grade"] for p in data["projects"]] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]
    assert_unit_summaries(data, unit_of)
    assert data["units"][0]["average"] == 75.13
    assert data["units"][0]["grades"] == {"优": 2, "良": 2, "中": 2, "差": 2}


# -- evaluate: qualitative targets and manual scores ------------------------------------

QUALITATIVE_PROJECT = "人大代表履职培训费"
QUALITATIVE_INDICATOR = "按要求开展人大代表履职培训"  # weight 25 in this project


@pytest.fixture(scope="module")
def qualitative_targets(seed_document: Json, workdir: Path) -> Path:
    """The seed with one target made qualitative (好), as a jixiao/1 file."""
    document = copy.deepcopy(seed_document)
    (project,) = [p for p in document["projects"] if p["name"] == QUALITATIVE_PROJECT]
    (indicator,) = [i for i in project["indicators"] if i["name"] == QUALITATIVE_INDICATOR]
    indicator["full_year"] = {
        "text": "好",
        "kind": "qualitative",
        "op": "=",
        "value": None,
        "unit": "",
        "start": None,
        "end": None,
        "grade": "好",
        "reason": "",
    }
    return write(workdir / "qualitative-targets.json", document)


def qualitative_actuals(workdir: Path, name: str, actual: str, manual: float | None) -> Path:
    (entry,) = [p for p in load(FULL_YEAR)["projects"] if p["name"] == QUALITATIVE_PROJECT]
    entry["actuals"][QUALITATIVE_INDICATOR] = actual
    if manual is not None:
        entry["manual_scores"] = {QUALITATIVE_INDICATOR: {"score": manual, "reason": "专家复核"}}
    data = {"format": "jixiao-actuals/1", "fiscal_year": 2023, "period": "full_year"}
    return write(workdir / name, data | {"projects": [entry]})


@pytest.mark.parametrize(
    ("actual", "manual", "score"),
    [
        ("较好", None, 17.5),  # one step below 好: 部分达成, 70% of 25
        ("较好", 19.99, 19.99),  # 部分达成 band [15, 20)
        ("好", 20, 20),  # 达成 band [20, 25]
    ],
)
def test_evaluate_qualitative_result_and_manual_score_in_band(
    qualitative_targets: Path, workdir: Path, actual: str, manual: float | None, score: float
) -> None:
    path = qualitative_actuals(workdir, "qualitative-ok.json", actual, manual)
    data = ok_json(jixiao("evaluate", str(qualitative_targets), "--actuals", str(path), "--json"))
    (project,) = data["projects"]
    (row,) = [i for i in project["indicators"] if i["name"] == QUALITATIVE_INDICATOR]
    assert (row["target"], row["actual"], row["weight"]) == ("好", actual, 25)
    assert row["score"] == score
    assert row["reason_needed"] is (score < 25)
    assert_consistent(project, load(path)["projects"][0])


@pytest.mark.parametrize(
    ("actual", "manual", "result"),
    [
        ("较好", 20, "部分达成"),  # [15, 20): 20 is just outside
        ("较好", 14.99, "部分达成"),
        ("好", 19.99, "达成"),  # [20, 25]
    ],
)
def test_evaluate_refuses_a_manual_score_outside_its_band(
    qualitative_targets: Path, workdir: Path, actual: str, manual: float, result: str
) -> None:
    path = qualitative_actuals(workdir, "qualitative-bad.json", actual, manual)
    outcome = jixiao("evaluate", str(qualitative_targets), "--actuals", str(path), "--json")
    assert outcome.returncode != 0
    assert outcome.stdout == ""
    assert "Traceback" not in outcome.stderr
    assert QUALITATIVE_INDICATOR in outcome.stderr
    assert f"“{result}”的区间" in outcome.stderr
    assert f"{manual:g}" in outcome.stderr


# -- evaluate and monitor: refused input ------------------------------------------------


def _changed(base: Path, change: Callable[[Json], object]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        data = load(base)
        change(data)
        return write(folder / "actuals.json", data)

    return make


def _text(text: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / "broken.json"
        path.write_text(text, encoding="utf-8")
        return path

    return make


def _first(data: Json) -> Json:
    first: Json = data["projects"][0]  # 人大代表履职培训费 in both example files
    return first


REFUSED: list[tuple[str, str, Callable[[Path], Path], list[str]]] = [
    (
        "unknown-project",
        "evaluate",
        _changed(FULL_YEAR, lambda d: _first(d).update(name="不存在的项目")),
        ["不存在的项目"],
    ),
    (
        "unknown-indicator",
        "evaluate",
        _changed(FULL_YEAR, lambda d: _first(d)["actuals"].update({"不存在的指标": "1次"})),
        ["人大代表履职培训费", "不存在的指标"],
    ),
    (
        "text-for-a-number",
        "evaluate",
        _changed(
            FULL_YEAR, lambda d: _first(d)["actuals"].update({"人大代表履职培训情况": "很多"})
        ),
        ["人大代表履职培训情况", "很多"],
    ),
    (
        "manual-above-weight",
        "evaluate",
        _changed(
            FULL_YEAR,
            lambda d: _first(d).update(
                manual_scores={"人大代表履职培训情况": {"score": 26, "reason": "复核后调整"}}
            ),
        ),
        ["人大代表履职培训情况", "26", "权重"],
    ),
    (
        "manual-with-a-blank-reason",
        "evaluate",
        _changed(
            FULL_YEAR,
            lambda d: _first(d).update(
                manual_scores={"人大代表履职培训情况": {"score": 20, "reason": "  "}}
            ),
        ),
        ["人大代表履职培训情况", "理由"],
    ),
    (
        "manual-without-a-reason",
        "evaluate",
        _changed(
            FULL_YEAR,
            lambda d: _first(d).update(
                manual_scores={"人大代表履职培训情况": {"score": 20, "reason": ""}}
            ),
        ),
        ["manual_scores.人大代表履职培训情况.reason"],
    ),
    (
        "negative-budget",
        "evaluate",
        _changed(FULL_YEAR, lambda d: _first(d).update(budget=-1)),
        ["projects.0.budget"],
    ),
    (
        "other-fiscal-year",
        "evaluate",
        _changed(FULL_YEAR, lambda d: d.update(fiscal_year=2024)),
        ["2024", "人大代表履职培训费", "2023"],
    ),
    (
        "half-year-to-evaluate",
        "evaluate",
        _changed(HALF_YEAR, lambda d: None),
        ["half_year", "full_year"],
    ),
    (
        "full-year-to-monitor",
        "monitor",
        _changed(FULL_YEAR, lambda d: None),
        ["full_year", "half_year"],
    ),
    (
        "unknown-project-to-monitor",
        "monitor",
        _changed(HALF_YEAR, lambda d: _first(d).update(name="不存在的项目")),
        ["不存在的项目"],
    ),
    (
        "markup-like-name",
        "evaluate",
        _changed(FULL_YEAR, lambda d: _first(d).update(name="[/b]项目[red]")),
        ["[/b]项目[red]"],
    ),
    (
        "malformed-json",
        "evaluate",
        _text('{"format": "jixiao-actuals/1", "projects": ['),
        ["broken.json", "不是有效的 JSON", "应为 jixiao-actuals/1 文件"],
    ),
    ("missing-file", "evaluate", lambda folder: folder / "nope.json", ["nope.json"]),
    ("missing-file-to-monitor", "monitor", lambda folder: folder / "nope.json", ["nope.json"]),
]


@pytest.mark.parametrize(
    ("command", "make", "named"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_invalid_actuals_are_refused(
    tmp_path: Path, command: str, make: Callable[[Path], Path], named: list[str]
) -> None:
    path = make(tmp_path)
    result = jixiao(command, str(SEED), "--actuals", str(path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：")
    for text in named:
        assert text in result.stderr


def test_missing_targets_file_is_refused(tmp_path: Path) -> None:
    result = jixiao("evaluate", str(tmp_path / "targets.txt"), "--actuals", str(FULL_YEAR))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "targets.txt" in result.stderr


# -- monitor ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def monitored_june() -> subprocess.CompletedProcess[str]:
    return jixiao("monitor", str(SEED), "--actuals", str(HALF_YEAR), "--json")


@pytest.fixture(scope="module")
def monitored_july() -> subprocess.CompletedProcess[str]:
    return jixiao("monitor", str(SEED), "--actuals", str(HALF_YEAR), "--json", "--month", "7")


def test_monitor_at_the_files_checkpoint(
    monitored_june: subprocess.CompletedProcess[str], seed: dict[str, Json]
) -> None:
    actuals = load(HALF_YEAR)
    assert actuals["month"] == 6
    data = ok_json(monitored_june, code=1)  # findings: exit 1, the tables still printed
    assert_monitored(data, seed, actuals, 6)
    by_name = {p["name"]: p for p in data["projects"]}
    # 30 / 120 = 25%, ÷ 6/12 = 50% → red, unexplained → JXM2; 40% of ＝100% → red, JXM1
    activities = by_name["代表活动经费"]
    assert (activities["time_adjusted"], activities["execution_light"]) == (50, "red")
    assert activities["indicators"][0]["light"] == "red"
    assert {f["code"] for f in activities["findings"]} == {"JXM1", "JXM2"}
    # 16 / 35.6 ÷ 0.5 = 89.89% → green
    assert by_name["人大代表履职培训费"]["execution_light"] == "green"
    assert data["units"][0]["red_projects"] == ["代表活动经费"]


def test_monitor_month_option_overrides_the_file(
    monitored_july: subprocess.CompletedProcess[str], seed: dict[str, Json]
) -> None:
    data = ok_json(monitored_july, code=1)
    assert_monitored(data, seed, load(HALF_YEAR), 7)
    by_name = {p["name"]: p for p in data["projects"]}
    # 14 / 30 ÷ 7/12 = exactly 80%: green (80 or more)
    voice = by_name["《人大之声》制作经费"]
    assert voice["time_adjusted"] == 80
    assert voice["execution_light"] == "green"
    # 16 / 35.6 ÷ 7/12 = 77.05%: yellow in July (green in June), unexplained → JXM2
    training = by_name["人大代表履职培训费"]
    assert training["execution_light"] == "yellow"
    assert [f["code"] for f in training["findings"]] == ["JXM2"]


def test_monitor_exits_0_without_findings(workdir: Path, seed: dict[str, Json]) -> None:
    actuals = load(HALF_YEAR)
    activities = actuals["projects"][1]
    assert activities["name"] == "代表活动经费"
    activities["executed"] = 60  # 50% ÷ 6/12 = 100%
    activities["actuals"]["保障参加活动的人大代表履职情况"] = "100%"
    del activities["likelihood"]
    path = write(workdir / "on-track.json", actuals)
    data = ok_json(jixiao("monitor", str(SEED), "--actuals", str(path), "--json"))
    assert_monitored(data, seed, actuals, 6)
    assert all(p["findings"] == [] for p in data["projects"])
    assert all(p["execution_light"] == "green" for p in data["projects"])
    assert all(i["light"] == "green" for p in data["projects"] for i in p["indicators"])


def test_monitor_exit_code_follows_findings_not_lights(
    workdir: Path, seed: dict[str, Json]
) -> None:
    """Red lights whose causes are explained are no findings: exit 0."""
    actuals = load(HALF_YEAR)
    activities = actuals["projects"][1]
    activities["execution_reason"] = "视察活动安排在下半年"
    activities["reasons"] = {"保障参加活动的人大代表履职情况": "活动集中在下半年"}
    path = write(workdir / "explained.json", actuals)
    data = ok_json(jixiao("monitor", str(SEED), "--actuals", str(path), "--json"))
    assert_monitored(data, seed, actuals, 6)
    by_name = {p["name"]: p for p in data["projects"]}
    assert by_name["代表活动经费"]["execution_light"] == "red"
    assert by_name["代表活动经费"]["indicators"][0]["light"] == "red"
    assert all(p["findings"] == [] for p in data["projects"])
    assert data["units"][0]["red_projects"] == ["代表活动经费"]


def test_monitor_gaps_forecasts_and_likelihood(workdir: Path, seed: dict[str, Json]) -> None:
    actuals = load(HALF_YEAR)
    training, activities, voice = actuals["projects"]
    del training["budget"]  # no budget: no execution light, JXM5
    del training["actuals"]["按要求开展人大代表履职培训"]  # no current value: JXM3
    training["forecasts"] = {"人大代表履职培训情况": "400人次"}  # below ＝461: red
    activities["executed"] = 130  # over budget: green, JXM7
    activities["likelihood"] = {"人大代表履职保障及时性": "完全不可能"}  # red, JXM4
    voice["likelihood"] = {"制作期数完成及时性": "有可能"}  # green → yellow
    voice["reasons"] = {"制作期数完成及时性": "印刷厂排期紧张"}
    path = write(workdir / "gaps.json", actuals)
    data = ok_json(jixiao("monitor", str(SEED), "--actuals", str(path), "--json"), code=1)
    assert_monitored(data, seed, actuals, 6)
    lights = {(p["name"], i["name"]): i["light"] for p in data["projects"] for i in p["indicators"]}
    assert lights["人大代表履职培训费", "人大代表履职培训情况"] == "red"
    assert lights["人大代表履职培训费", "按要求开展人大代表履职培训"] == "none"
    assert lights["代表活动经费", "人大代表履职保障及时性"] == "red"
    assert lights["《人大之声》制作经费", "制作期数完成及时性"] == "yellow"
    codes = {p["name"]: {f["code"] for f in p["findings"]} for p in data["projects"]}
    assert {"JXM1", "JXM3", "JXM5"} <= codes["人大代表履职培训费"]
    assert {"JXM4", "JXM7"} <= codes["代表活动经费"]
    assert codes["《人大之声》制作经费"] == set()
    assert data["units"][0]["execution_lights"]["none"] == 1


def test_monitor_table_output(
    monitored_june: subprocess.CompletedProcess[str], seed: dict[str, Json]
) -> None:
    result = jixiao("monitor", str(SEED), "--actuals", str(HALF_YEAR))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    actuals = load(HALF_YEAR)
    findings = 0
    for entry in actuals["projects"]:
        assert entry["name"] in result.stdout
        findings += len(expected_findings(seed[entry["name"]], entry, 6))
    assert "JXM2" in result.stdout
    assert f"{len(actuals['projects'])} 个项目，{findings} 个监控问题（第 6 月）" in result.stdout


# -- TARGETS as a database --------------------------------------------------------------


def test_evaluate_from_a_database_gives_the_same_scores(seed_db: str, evaluated: Json) -> None:
    data = ok_json(jixiao("evaluate", seed_db, "--actuals", str(FULL_YEAR), "--json"))
    assert data == evaluated


def test_monitor_from_a_database_gives_the_same_lights(
    seed_db: str, monitored_june: subprocess.CompletedProcess[str]
) -> None:
    data = ok_json(jixiao("monitor", seed_db, "--actuals", str(HALF_YEAR), "--json"), code=1)
    assert data == json.loads(monitored_june.stdout)


def test_database_targets_of_another_year_are_not_used(seed_db: str, tmp_path: Path) -> None:
    path = _changed(FULL_YEAR, lambda d: d.update(fiscal_year=2024))(tmp_path)
    result = jixiao("evaluate", seed_db, "--actuals", str(path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "人大代表履职培训费" in result.stderr


def test_monitor_summarises_by_department_too() -> None:
    """主管部门 summary: the seed's one unit is under 无锡市人大常委会, so the department's
    figures are the unit's, under the department's name; the table output says both."""
    data = ok_json(jixiao("monitor", str(SEED), "--actuals", str(HALF_YEAR), "--json"), code=1)
    (unit,) = data["units"]
    (department,) = data["departments"]
    assert department["unit"] == "无锡市人大常委会" == data["projects"][0]["department"]
    assert {k: v for k, v in department.items() if k != "unit"} == {
        k: v for k, v in unit.items() if k != "unit"
    }
    table = jixiao("monitor", str(SEED), "--actuals", str(HALF_YEAR))
    assert f"单位“{unit['unit']}”：{unit['projects']} 个项目" in table.stdout
    assert f"主管部门“{department['unit']}”：{department['projects']} 个项目" in table.stdout
