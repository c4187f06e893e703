"""docs/scoring.md tells the truth: its worked example is what the command, the workbook and
the configuration code give."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from jixiao.domain.monitoring import MonitoringConfig
from jixiao.domain.scoring import ScoringScheme
from jixiao.export.self_evaluation import FIRST_ITEM_ROW, FUNDS_ROW, SCORE_COLUMN
from tests.cli.test_cli import jixiao
from tests.conftest import SEED

ROOT = Path(__file__).parents[1]
DOC = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
FULL = ROOT / "docs" / "examples" / "seed-actuals-2023-full-year.json"
HALF = ROOT / "docs" / "examples" / "seed-actuals-2023-half-year.json"


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, str]:
    book = tmp_path_factory.mktemp("docs") / "自评表.xlsx"
    result = jixiao("evaluate", str(SEED), "--actuals", str(FULL), "--json", "--xlsx", str(book))
    assert result.returncode == 0, result.stderr
    table = jixiao("evaluate", str(SEED), "--actuals", str(FULL))
    assert table.returncode == 0, table.stderr
    return json.loads(result.stdout), book, table.stdout


def _table_after(heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading`` (header and rule left out)."""
    lines = DOC[DOC.index(heading) :].splitlines()
    first = next(k for k, line in enumerate(lines) if line.startswith("|"))
    block = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        block.append([cell.strip() for cell in line.strip("|").split("|")])
    return block[2:]


def _number(cell: str) -> float:
    found = re.search(r"\d+(?:\.\d+)?", cell.replace("*", ""))
    assert found, cell
    return float(found[0])


def test_the_worked_project_table_is_what_the_command_scores(
    evaluated: tuple[dict[str, Any], Path, str],
) -> None:
    scores, _, _ = evaluated
    project = next(p for p in scores["projects"] if p["name"] == "信访工作经费")
    rows = _table_after("**信访工作经费**")
    assert rows[0][0] == "预算执行率"
    assert _number(rows[0][5]) == project["budget_score"]
    assert _number(rows[0][4]) == project["budget_weight"]
    indicators = rows[1:-1]
    assert [r[0] for r in indicators] == [i["name"] for i in project["indicators"]]
    for row, item in zip(indicators, project["indicators"], strict=True):
        assert (row[1], row[2]) == (item["target"], item["actual"])
        assert (_number(row[4]), _number(row[5])) == (item["weight"], item["score"])
    total = rows[-1][5]
    assert _number(total) == project["total"]
    assert f"({project['grade']})" in total
    for problem in project["problems"][1:]:
        assert problem in DOC


def test_the_other_figures_in_the_text_are_the_commands(
    evaluated: tuple[dict[str, Any], Path, str],
) -> None:
    scores, _, table = evaluated
    by_name = {p["name"]: p for p in scores["projects"]}
    assert (
        f"**{by_name['老干部慰问活动费']['total']:.2f} ({by_name['老干部慰问活动费']['grade']})**"
        in DOC
    )
    work = by_name["人大工作经费"]
    assert f"**{work['total']:.2f} ({work['grade']})**" in DOC
    whole = scores["overall"][0]
    assert f"**{whole['total']:.2f} ({whole['grade']})**" in DOC
    assert f"{whole['budget_score']:.2f}" in DOC
    summary = {r[0]: r[1] for r in _table_after("| unit summary |")}
    unit = scores["units"][0]
    assert int(summary["projects"]) == unit["projects"]
    assert _number(summary["average (half up on the exact mean)"]) == unit["average"]
    assert summary["grades"] == "、".join(f"{g} {n}" for g, n in unit["grades"].items())
    assert summary["部门整体"] == f"{whole['total']:.2f} ({whole['grade']})"
    # The console excerpt is what the command prints.
    for line in re.findall(r"^(?: 信访工作经费|无锡市).*$", DOC, re.M):
        assert line.strip() in table, line


def test_the_workbook_cells_named_in_the_text(evaluated: tuple[dict[str, Any], Path, str]) -> None:
    scores, book_path, _ = evaluated
    project = next(p for p in scores["projects"] if p["name"] == "信访工作经费")
    book = openpyxl.load_workbook(book_path)
    sheet = next(book[n] for n in book.sheetnames if book[n]["B2"].value == "信访工作经费")
    assert (FUNDS_ROW, SCORE_COLUMN) == (5, 8)  # "the budget score is in H5"
    assert FIRST_ITEM_ROW == 9  # "the indicators start at row 9"
    assert sheet.cell(FUNDS_ROW, SCORE_COLUMN).value == project["budget_score"]
    count = len(project["indicators"])
    written = [sheet.cell(FIRST_ITEM_ROW + k, SCORE_COLUMN).value for k in range(count)]
    assert written == [i["score"] for i in project["indicators"]]
    assert sheet.cell(FIRST_ITEM_ROW + count, SCORE_COLUMN).value == project["total"]
    assert sheet.cell(FIRST_ITEM_ROW + count + 1, SCORE_COLUMN).value == project["grade"]
    sentence = re.search(
        r"For 信访工作经费 the sheet reads ([\d.,\s]+?),\s+total ([\d.]+), grade (\S)", DOC
    )
    assert sentence
    assert [float(x) for x in re.split(r",\s*", sentence[1])] == [
        project["budget_score"],
        *written,
    ]
    assert (float(sentence[2]), sentence[3]) == (project["total"], project["grade"])


def test_the_checkpoint_example() -> None:
    result = jixiao("monitor", str(SEED), "--actuals", str(HALF), "--json")
    assert result.returncode == 1  # findings, as the page says
    data = json.loads(result.stdout)
    project = next(p for p in data["projects"] if p["name"] == "代表活动经费")
    assert project["execution_light"] == "red" and project["time_adjusted"] == 50
    assert sorted(f["code"] for f in project["findings"]) == ["JXM1", "JXM2"]
    unit = data["units"][0]
    assert f"{unit['time_adjusted']:.2f}% in time: **yellow**" in DOC
    assert unit["execution_light"] == "yellow"
    assert unit["lights"]["green"] == 11 and unit["lights"]["red"] == 1


def test_the_configuration_example_is_the_default() -> None:
    block = re.search(r"```toml\n(.*?)```", DOC, re.S)
    assert block
    data = tomllib.loads(block[1])
    assert ScoringScheme.from_mapping(data["scoring"], "docs/scoring.md") == ScoringScheme()
    assert (
        MonitoringConfig.from_mapping(data["monitoring"], "docs/scoring.md") == MonitoringConfig()
    )
