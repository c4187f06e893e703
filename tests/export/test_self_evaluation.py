"""The self-evaluation workbook (绩效自评表), generated from the seed and read back.

Every workbook is written to disk and opened again with openpyxl; the expected numbers
come from the ProjectScore computed in the test (score_project / score_overall).
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.actuals import ManualScore, ProjectActuals
from jixiao.domain.model import Period, Project
from jixiao.domain.scoring import IndicatorScore, ProjectScore, score_project
from jixiao.domain.workflow import Grade
from jixiao.export import overall_sheet, project_sheet, self_evaluation_workbook
from jixiao.export.self_evaluation import (
    FIRST_ITEM_ROW,
    FUNDS_ROW,
    HEADER_ROW,
    SCORE_COLUMN,
    WEIGHT_COLUMN,
)
from tests.export.conftest import Overall

Items = list[tuple[Project, ProjectActuals, ProjectScore]]

PROJECT_HEADER = [
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
FUNDS_HEADER = [
    "项目资金（万元）",
    None,
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
    "执行偏差原因",
]


def write(tmp_path: Path, data: bytes, name: str = "自评.xlsx") -> Workbook:
    path = tmp_path / name
    path.write_bytes(data)
    return load_workbook(path)


def row_values(ws: Worksheet, row: int) -> list[Any]:
    return [ws.cell(row=row, column=col).value for col in range(1, ws.max_column + 1)]


def round2(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def merged_in_column(ws: Worksheet, col: int) -> set[tuple[int, int]]:
    """(first row, last row) of every merged range lying within one column."""
    return {
        (r.min_row, r.max_row)
        for r in ws.merged_cells.ranges
        if r.min_col == r.max_col == col and r.max_row > r.min_row
    }


def expected_runs(keys: list[Any], first_row: int) -> set[tuple[int, int]]:
    runs: set[tuple[int, int]] = set()
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1:
                runs.add((first_row + start, first_row + i - 1))
            start = i
    return runs


@pytest.fixture
def workbook(tmp_path: Path, scored: Items, overall: Overall) -> Workbook:
    data = self_evaluation_workbook(
        scored,
        fiscal_year=2023,
        unit=overall.targets.unit,
        overall=(overall.targets, overall.actuals, overall.score),
    )
    return write(tmp_path, data)


def sheet_of(workbook: Workbook, name: str) -> Worksheet:
    ws = workbook[name]
    assert isinstance(ws, Worksheet)
    return ws


# -- sheets and headers -----------------------------------------------------------------------


def test_sheet_names_summary_overall_then_projects(workbook: Workbook, scored: Items) -> None:
    assert workbook.sheetnames == ["汇总", "部门整体", *(p.name for p, _, _ in scored)]
    assert len(scored) == 8


def test_without_overall_there_is_no_overall_sheet(tmp_path: Path, scored: Items) -> None:
    wb = write(tmp_path, self_evaluation_workbook(scored[:2], fiscal_year=2023))
    assert wb.sheetnames == ["汇总", scored[0][0].name, scored[1][0].name]


def test_project_sheet_header_rows(workbook: Workbook, scored: Items) -> None:
    project = scored[0][0]
    ws = sheet_of(workbook, project.name)
    assert ws["A1"].value == "2023年度项目支出绩效自评表"
    assert ws["A1"].font.b and ws["A1"].alignment.horizontal == "center"
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert row_values(ws, 2)[:2] == ["项目名称", project.name]
    assert row_values(ws, 3)[:6] == [
        "主管部门",
        project.department,
        None,
        None,
        "实施单位",
        project.unit,
    ]
    assert row_values(ws, 4) == FUNDS_HEADER
    assert ws.cell(FUNDS_ROW, 2).value == "年度资金总额"
    assert [ws["A6"].value, ws["B6"].value, ws["F6"].value] == [
        "年度总体目标",
        "预期目标",
        "实际完成情况",
    ]
    assert row_values(ws, HEADER_ROW) == PROJECT_HEADER


def test_summary_sheet(workbook: Workbook, scored: Items, overall: Overall) -> None:
    ws = sheet_of(workbook, "汇总")
    assert ws["A1"].value == f"{overall.targets.unit}2023年度项目支出绩效自评汇总表"
    assert row_values(ws, 2) == [
        "项目名称",
        "实施单位",
        "全年预算数（万元）",
        "执行数（万元）",
        "执行率",
        "得分",
        "等级",
    ]
    for row, (project, actuals, score) in enumerate(scored, start=3):
        assert row_values(ws, row) == [
            project.name,
            project.unit,
            actuals.budget,
            actuals.executed,
            pytest.approx(score.execution_rate),
            score.total,
            score.grade.value,
        ]
        assert ws.cell(row, 1).hyperlink is not None
        assert ws.cell(row, 1).hyperlink.location == f"'{project.name}'!A1"
    total_row = 3 + len(scored)
    budget = sum(float(a.budget or 0) for _, a, _ in scored)
    executed = sum(float(a.executed or 0) for _, a, _ in scored)
    assert ws.cell(total_row, 1).value == "合计"
    assert ws.cell(total_row, 3).value == pytest.approx(budget)
    assert ws.cell(total_row, 4).value == pytest.approx(executed)
    assert ws.cell(total_row, 5).value == pytest.approx(executed / budget)
    # half up on the exact mean (float arithmetic would give 97.49 for 779.96 / 8 = 97.495)
    exact = sum(Fraction(str(s.total)) for _, _, s in scored) / len(scored)
    mean = float(Fraction(math.floor(exact * 100 + Fraction(1, 2)), 100))
    assert ws.cell(total_row + 1, 1).value == "平均得分"
    assert ws.cell(total_row + 1, 6).value == mean
    # the seed's totals differ, so the mean is not simply one of them
    assert len({s.total for _, _, s in scored}) > 1


# -- the numbers of each project sheet --------------------------------------------------------


def test_score_cells_equal_the_project_scores(workbook: Workbook, scored: Items) -> None:
    for project, actuals, score in scored:
        ws = sheet_of(workbook, project.name)
        assert ws.cell(FUNDS_ROW, 4).value == actuals.budget
        assert ws.cell(FUNDS_ROW, 5).value == actuals.executed
        assert ws.cell(FUNDS_ROW, 6).value == score.budget_weight
        assert ws.cell(FUNDS_ROW, 7).value == pytest.approx(score.execution_rate)
        assert ws.cell(FUNDS_ROW, SCORE_COLUMN).value == score.budget_score
        n = len(score.indicators)
        assert n == len(project.indicators) == 4
        for offset, item in enumerate(score.indicators):
            row = FIRST_ITEM_ROW + offset
            assert ws.cell(row, 4).value == item.name
            assert ws.cell(row, 5).value == item.target
            assert ws.cell(row, 6).value == item.actual
            assert ws.cell(row, WEIGHT_COLUMN).value == item.weight
            assert ws.cell(row, SCORE_COLUMN).value == item.score
        total_row = FIRST_ITEM_ROW + n
        assert ws.cell(total_row, 1).value == "总分"
        assert ws.cell(total_row, WEIGHT_COLUMN).value == 100
        assert ws.cell(total_row, SCORE_COLUMN).value == score.total
        assert ws.cell(total_row + 1, 1).value == "自评等级"
        assert ws.cell(total_row + 1, SCORE_COLUMN).value == score.grade.value


def test_some_project_lost_points(scored: Items) -> None:
    """The comparison above means something: not every score is full marks."""
    assert any(s.total < 100 for _, _, s in scored)
    assert any(i.score < i.weight for _, _, s in scored for i in s.indicators)


def test_total_is_the_sum_of_the_written_scores(workbook: Workbook, scored: Items) -> None:
    for project, _, score in scored:
        ws = sheet_of(workbook, project.name)
        total_row = FIRST_ITEM_ROW + len(score.indicators)
        parts = [ws.cell(FUNDS_ROW, SCORE_COLUMN).value] + [
            ws.cell(row, SCORE_COLUMN).value for row in range(FIRST_ITEM_ROW, total_row)
        ]
        assert all(isinstance(v, int | float) for v in parts)
        total = ws.cell(total_row, SCORE_COLUMN).value
        assert math.isclose(sum(parts), total, abs_tol=1e-9), project.name
        weights = [ws.cell(FUNDS_ROW, 6).value] + [
            ws.cell(row, WEIGHT_COLUMN).value for row in range(FIRST_ITEM_ROW, total_row)
        ]
        assert math.isclose(sum(weights), 100, abs_tol=1e-9)


def test_numbers_are_numbers_with_formats(workbook: Workbook, scored: Items) -> None:
    ws = sheet_of(workbook, scored[1][0].name)
    rate = ws.cell(FUNDS_ROW, 7)
    assert isinstance(rate.value, float) and rate.number_format == "0.00%"
    assert ws.cell(FUNDS_ROW, SCORE_COLUMN).number_format == "0.00"
    assert ws.cell(FUNDS_ROW, 4).number_format == "#,##0.00"
    score = ws.cell(FIRST_ITEM_ROW, SCORE_COLUMN)
    assert isinstance(score.value, int | float) and score.data_type == "n"
    assert score.number_format == "0.00"
    # no 年初预算数 in the example: a dash, not a zero
    assert ws.cell(FUNDS_ROW, 3).value == "—"


def test_grade_is_written(tmp_path: Path, scored: Items) -> None:
    """A poor score prints 差: lower every indicator to 0 by hand."""
    project, actuals, score = scored[0]
    poor = replace(
        score,
        indicators=tuple(replace(i, score=0.0) for i in score.indicators),
        total=score.budget_score,
        grade=Grade.POOR,
    )
    wb = write(tmp_path, self_evaluation_workbook([(project, actuals, poor)], fiscal_year=2023))
    ws = sheet_of(wb, project.name)
    grade_row = FIRST_ITEM_ROW + len(score.indicators) + 1
    assert ws.cell(grade_row, SCORE_COLUMN).value == "差"
    assert ws.cell(grade_row - 1, SCORE_COLUMN).value == score.budget_score
    summary = sheet_of(wb, "汇总")
    assert summary.cell(3, 7).value == "差"


# -- merged cells -----------------------------------------------------------------------------


def test_level1_cells_are_merged(workbook: Workbook, scored: Items) -> None:
    for project, _, score in scored:
        ws = sheet_of(workbook, project.name)
        level1 = [i.level1 for i in score.indicators]
        assert merged_in_column(ws, 2) == expected_runs(level1, FIRST_ITEM_ROW)
    # the seed: three 产出指标 rows, then one 满意度指标
    ws = sheet_of(workbook, scored[0][0].name)
    ranges = {str(r) for r in ws.merged_cells.ranges}
    assert "B9:B11" in ranges
    assert "A8:A12" in ranges  # 绩效指标 over the header and the indicator rows
    # labels as the target table printed them
    assert ws["B9"].value == "产出指标" and ws["B12"].value == "满意度"


def _indicator(level1: str, level2: str, name: str) -> IndicatorScore:
    return IndicatorScore(
        name=name,
        level1=level1,
        level2=level2,
        target="100%",
        actual="100%",
        weight=22.5,
        score=22.5,
        ratio=1.0,
        rule="",
        reason_needed=False,
        missing_reason=False,
        applicable=True,
    )


def test_only_consecutive_equal_levels_are_merged(tmp_path: Path) -> None:
    indicators = (
        _indicator("产出指标", "数量指标", "甲"),
        _indicator("产出指标", "数量指标", "乙"),
        _indicator("效益指标", "数量指标", "丙"),  # same level 2, other level 1: not merged
        _indicator("产出指标", "质量指标", "丁"),  # 产出 again, not adjacent: not merged
    )
    score = ProjectScore(
        name="测试项目",
        budget_score=10.0,
        execution_rate=1.0,
        execution_reason_needed=False,
        indicators=indicators,
        total=100.0,
        grade=Grade.EXCELLENT,
        problems=(),
        budget_weight=10.0,
    )
    project = Project(name="测试项目")
    actuals = ProjectActuals(project="测试项目", period=Period.FULL_YEAR, budget=1, executed=1)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    project_sheet(ws, project, actuals, score, fiscal_year=2024)
    wb.save(tmp_path / "merge.xlsx")
    back = load_workbook(tmp_path / "merge.xlsx").active
    assert isinstance(back, Worksheet)
    assert merged_in_column(back, 2) == {(9, 10)}
    assert merged_in_column(back, 3) == {(9, 10)}
    assert [back.cell(r, 2).value for r in range(9, 13)] == [
        "产出指标",
        None,
        "效益指标",
        "产出指标",
    ]
    assert back["A1"].value == "2024年度项目支出绩效自评表"


# -- the notes column -------------------------------------------------------------------------


def _row_of(ws: Worksheet, indicator: str) -> int:
    for row in range(FIRST_ITEM_ROW, ws.max_row + 1):
        if ws.cell(row, 4).value == indicator:
            return row
    raise AssertionError(f"no row for {indicator}")


def test_deviation_and_measures_in_the_indicator_row(workbook: Workbook) -> None:
    ws = sheet_of(workbook, "代表活动经费")
    row = _row_of(ws, "人大代表履职保障及时性")
    assert ws.cell(row, 9).value == (
        "偏差原因（其他）：一次集中视察因天气原因延期一周\n改进措施：建立活动备选日期机制"
    )
    assert ws.cell(row, 9).alignment.wrap_text
    # the other rows of the project scored full marks and have no notes
    others = [r for r in range(FIRST_ITEM_ROW, FIRST_ITEM_ROW + 4) if r != row]
    assert [ws.cell(r, 9).value for r in others] == [None, None, None]
    # the execution reason (rate 81.67% < 90%) is printed beside the funds
    assert ws.cell(FUNDS_ROW, 9).value == "两次视察活动延至次年一季度，相应经费未支付"


def test_missing_measures_are_asked_for(workbook: Workbook) -> None:
    ws = sheet_of(workbook, "人大工作经费")
    row = _row_of(ws, "服务对象满意度")
    assert ws.cell(row, 9).value == "偏差原因（人员保障）：调研报告反馈周期较长\n【待补充】改进措施"


def test_manual_adjustment_is_noted(tmp_path: Path, scored: Items) -> None:
    project, actuals, _ = next(item for item in scored if item[0].name == "人大工作经费")
    name = "年度重点工作完成率"
    adjusted = replace(
        actuals,
        indicators=tuple(
            replace(a, manual=ManualScore(24, "专题调研顺延系上级安排调整"))
            if a.indicator == name
            else a
            for a in actuals.indicators
        ),
    )
    score = score_project(project, adjusted)
    item = next(i for i in score.indicators if i.name == name)
    assert item.manual and item.score == 24
    wb = write(tmp_path, self_evaluation_workbook([(project, adjusted, score)], fiscal_year=2023))
    ws = sheet_of(wb, project.name)
    row = _row_of(ws, name)
    assert ws.cell(row, SCORE_COLUMN).value == 24
    notes = ws.cell(row, 9).value
    assert notes.startswith("偏差原因（制度保障）：一项专题调研因上级安排调整顺延至次年")
    assert f"人工调整：{item.rule}" in notes
    assert "专题调研顺延系上级安排调整" in notes
    total_row = FIRST_ITEM_ROW + len(score.indicators)
    assert ws.cell(total_row, SCORE_COLUMN).value == score.total


# -- the unit as a whole ----------------------------------------------------------------------


def test_overall_sheet(workbook: Workbook, overall: Overall) -> None:
    ws = sheet_of(workbook, "部门整体")
    score = overall.score
    assert ws["A1"].value == "2023年度部门（单位）整体支出绩效自评表"
    assert row_values(ws, 2)[:2] == ["部门（单位）名称", overall.targets.unit]
    assert row_values(ws, HEADER_ROW) == [
        "绩效指标",
        "部门职能",
        "工作任务",
        "年度目标",
        "指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert ws.cell(FUNDS_ROW, 3).value == overall.actuals.budget_initial == 1600
    assert ws.cell(FUNDS_ROW, 4).value == overall.actuals.budget
    assert ws.cell(FUNDS_ROW, SCORE_COLUMN).value == score.budget_score
    goals = overall.targets.goals
    assert len(score.indicators) == len(goals) == 13
    written: list[float] = [ws.cell(FUNDS_ROW, SCORE_COLUMN).value]
    for offset, (item, goal) in enumerate(zip(score.indicators, goals, strict=True)):
        row = FIRST_ITEM_ROW + offset
        assert ws.cell(row, 3).value == goal.work
        assert ws.cell(row, 4).value == goal.goal
        if item.applicable:
            assert ws.cell(row, SCORE_COLUMN).value == item.score
            written.append(ws.cell(row, SCORE_COLUMN).value)
        else:
            assert ws.cell(row, WEIGHT_COLUMN).value == ws.cell(row, SCORE_COLUMN).value == "—"
            assert ws.cell(row, 9).value == "不适用，不计分"
    assert any(not i.applicable for i in score.indicators)
    total_row = FIRST_ITEM_ROW + len(goals)
    assert ws.cell(total_row, SCORE_COLUMN).value == score.total
    assert math.isclose(sum(written), score.total, abs_tol=1e-9)
    assert ws.cell(total_row + 1, SCORE_COLUMN).value == score.grade.value
    # the function (部门职能) cells merged over its work items
    functions = [g.function for g in goals]
    assert merged_in_column(ws, 2) == expected_runs(functions, FIRST_ITEM_ROW)
    assert len(expected_runs(functions, FIRST_ITEM_ROW)) >= 3
    row = _row_of_work(ws, "做好人大信访工作")
    assert ws.cell(row, 9).value == (
        "偏差原因（其他）：年度来信来访总量较上年下降，办结件数相应减少\n"
        "改进措施：按实际来信来访量合理测算年度目标"
    )


def _row_of_work(ws: Worksheet, work: str) -> int:
    for row in range(FIRST_ITEM_ROW, ws.max_row + 1):
        if ws.cell(row, 3).value == work:
            return row
    raise AssertionError(f"no row for {work}")


def test_overall_sheet_refuses_a_score_of_other_work_items(overall: Overall) -> None:
    ws = Workbook().active
    assert isinstance(ws, Worksheet)
    shuffled = replace(overall.score, indicators=tuple(reversed(overall.score.indicators)))
    with pytest.raises(ValueError, match="work items"):
        overall_sheet(
            ws,
            overall.targets.unit,
            shuffled,
            overall.targets,
            overall.actuals,
            fiscal_year=2023,
        )


def test_project_sheet_refuses_actuals_of_another_project(scored: Items) -> None:
    ws = Workbook().active
    assert isinstance(ws, Worksheet)
    (project, _, score), (_, other, _) = scored[0], scored[1]
    with pytest.raises(ValueError, match="do not belong together"):
        project_sheet(ws, project, other, score, fiscal_year=2023)


# -- print setup, borders, no outside tools ---------------------------------------------------


def test_print_setup_and_widths(workbook: Workbook, scored: Items) -> None:
    for name in ("汇总", "部门整体", scored[0][0].name):
        ws = sheet_of(workbook, name)
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.sheet_properties.pageSetUpPr is not None
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.column_dimensions["A"].width > 5
    ws = sheet_of(workbook, scored[0][0].name)
    assert ws.print_title_rows == "$8:$8"
    assert ws.column_dimensions["I"].width >= 30
    assert sheet_of(workbook, "汇总").print_title_rows == "$2:$2"


def test_table_cells_have_borders(workbook: Workbook, scored: Items) -> None:
    ws = sheet_of(workbook, scored[0][0].name)
    last = FIRST_ITEM_ROW + len(scored[0][2].indicators) + 1
    for row in range(2, last + 1):
        for col in range(1, 10):
            cell = ws.cell(row, col)
            if type(cell).__name__ == "MergedCell":
                continue
            assert cell.border.left.style == "thin", cell.coordinate
            assert cell.border.bottom.style == "thin", cell.coordinate
    assert ws["A1"].border.left.style is None  # the title stands outside the table


def test_no_outside_program_is_needed(
    tmp_path: Path, scored: Items, overall: Overall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No LibreOffice or any other program: nothing on PATH, and no process can start."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"tried to run {args!r}")

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(subprocess, "Popen", refuse)
    data = self_evaluation_workbook(
        scored, fiscal_year=2023, overall=(overall.targets, overall.actuals, overall.score)
    )
    assert data[:2] == b"PK"  # a zip: .xlsx
    wb = write(tmp_path, data)
    assert len(wb.sheetnames) == 10
    assert sheet_of(wb, "部门整体").cell(2, 2).value == overall.targets.unit


def test_no_projects_gives_a_summary_of_dashes(tmp_path: Path) -> None:
    wb = write(tmp_path, self_evaluation_workbook([], fiscal_year=2023))
    assert wb.sheetnames == ["汇总"]
    ws = sheet_of(wb, "汇总")
    assert row_values(ws, 3)[:5] == ["合计", "0个项目", "—", "—", "—"]
    assert ws.cell(4, 1).value == "平均得分" and ws.cell(4, 6).value == "—"
