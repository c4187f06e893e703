"""The monitoring workbook (绩效监控表), generated from the seed's half-year actuals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Indicator, Period, Project
from jixiao.domain.monitoring import (
    LIGHT_LABELS,
    Light,
    MonitoringConfig,
    ProjectMonitor,
    by_unit,
    monitor_project,
    summarize,
)
from jixiao.domain.values import parse_value
from jixiao.export import LIGHT_FILLS, monitoring_workbook
from jixiao.export.monitoring import (
    EXECUTION_LIGHT_COLUMN,
    FIRST_ROW,
    FUNDS_ROW,
    HEADER_ROW,
    LIGHT_COLUMN,
)

INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "半年指标值",
    "当前完成值",
    "全年预计完成情况",
    "完成目标可能性",
    "进度",
    "监控结果",
    "偏差原因类别",
    "偏差原因",
    "整改措施",
    "判断依据",
]


def write(tmp_path: Path, data: bytes) -> Workbook:
    path = tmp_path / "监控.xlsx"
    path.write_bytes(data)
    return load_workbook(path)


def sheet_of(wb: Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


def row_values(ws: Worksheet, row: int, last: int) -> list[Any]:
    return [ws.cell(row=row, column=col).value for col in range(1, last + 1)]


def fill_of(cell: Any) -> str:
    """The solid fill colour of a cell as RRGGBB ('' when not filled)."""
    assert isinstance(cell, Cell)
    if cell.fill.fill_type != "solid":
        return ""
    rgb = cell.fill.fgColor.rgb
    assert isinstance(rgb, str)
    return rgb[-6:].upper()


def assert_light(cell: Any, light: Light) -> None:
    assert cell.value == LIGHT_LABELS[light]
    assert fill_of(cell) == LIGHT_FILLS[light]


@pytest.fixture
def workbook(tmp_path: Path, monitors: list[ProjectMonitor]) -> Workbook:
    data = monitoring_workbook(monitors, summarize(by_unit(monitors)), fiscal_year=2023, month=6)
    return write(tmp_path, data)


def test_fills_differ_per_light() -> None:
    assert len(set(LIGHT_FILLS.values())) == len(Light)
    assert set(LIGHT_FILLS) == set(Light)


def test_sheet_names(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    assert workbook.sheetnames == [
        "汇总",
        "人大代表履职培训费",
        "代表活动经费",
        "《人大之声》制作经费",
    ]
    assert [m.name for m in monitors] == workbook.sheetnames[1:]


def test_summary_sheet(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    (summary,) = summarize(by_unit(monitors))
    ws = sheet_of(workbook, "汇总")
    assert ws["A1"].value == "2023年项目支出绩效运行监控汇总表（截至6月）"
    assert row_values(ws, 2, 12) == [
        "单位",
        "项目数",
        "全年预算数（万元）",
        "执行数（万元）",
        "时间进度调整后执行率",
        "执行灯",
        "红灯指标数",
        "黄灯指标数",
        "绿灯指标数",
        "无法判断指标数",
        "监控问题数",
        "红灯项目",
    ]
    assert summary.time_adjusted is not None
    # 60 / 185.6 ÷ (6/12) = 64.66% → yellow (60 ≤ x < 80)
    assert summary.execution_light is Light.YELLOW
    assert row_values(ws, 3, 12) == [
        summary.unit,
        3,
        pytest.approx(185.6),
        60,
        pytest.approx(summary.time_adjusted / 100),
        "黄灯",
        1,
        0,
        11,
        0,
        summary.findings,
        "代表活动经费",
    ]
    assert ws["E3"].number_format == "0.00%"
    assert_light(ws["F3"], Light.YELLOW)
    assert ws.max_row == 3


def test_project_sheet_header(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    monitor = monitors[1]
    ws = sheet_of(workbook, monitor.name)
    assert ws["A1"].value == "2023年项目支出绩效运行监控表（截至6月）"
    assert [ws["A2"].value, ws["B2"].value, ws["K2"].value, ws["L2"].value] == [
        "项目名称",
        "代表活动经费",
        "实施单位",
        monitor.unit,
    ]
    assert monitor.execution_rate is not None and monitor.time_adjusted is not None
    assert row_values(ws, 3, 9) == [
        "项目资金（万元）",
        None,
        "全年预算数",
        "执行数",
        "执行率",
        "时间进度",
        "时间进度调整后执行率",
        "执行监控结果",
        "执行偏差原因",
    ]
    assert row_values(ws, FUNDS_ROW, 7) == [
        None,  # merged with A3
        "年度资金总额",
        120,
        30,
        pytest.approx(monitor.execution_rate / 100),  # 25%
        pytest.approx(0.5),  # 6 of 12 months
        pytest.approx(monitor.time_adjusted / 100),  # 50%
    ]
    assert_light(ws.cell(FUNDS_ROW, EXECUTION_LIGHT_COLUMN), Light.RED)
    # red execution without a reason: asked for
    assert ws["I4"].value.startswith("【待补充】")
    assert ws["A5"].value == "执行判断依据"
    assert ws["B5"].value == monitor.execution_basis
    assert row_values(ws, HEADER_ROW, 14) == INDICATOR_HEADER
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape"


def test_indicator_rows_and_lights(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    seen: set[Light] = set()
    for monitor in monitors:
        ws = sheet_of(workbook, monitor.name)
        assert_light(ws.cell(FUNDS_ROW, EXECUTION_LIGHT_COLUMN), monitor.execution_light)
        seen.add(monitor.execution_light)
        for row, item in enumerate(monitor.indicators, start=FIRST_ROW):
            assert ws.cell(row, 3).value == item.name
            assert ws.cell(row, 4).value == item.target
            assert ws.cell(row, 6).value == item.current
            if item.progress is None:
                assert ws.cell(row, 9).value == "—"
            else:
                assert ws.cell(row, 9).value == pytest.approx(item.progress / 100)
                assert ws.cell(row, 9).number_format == "0.00%"
            assert_light(ws.cell(row, LIGHT_COLUMN), item.light)
            assert ws.cell(row, 14).value == item.basis
            seen.add(item.light)
    assert {Light.GREEN, Light.RED} <= seen


def test_red_indicator_row(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    monitor = monitors[1]
    ws = sheet_of(workbook, monitor.name)
    red = [i for i in monitor.indicators if i.light is Light.RED]
    assert [i.name for i in red] == ["保障参加活动的人大代表履职情况"]
    row = FIRST_ROW + monitor.indicators.index(red[0])
    assert ws.cell(row, 6).value == "40%"
    assert ws.cell(row, 8).value == "有可能"
    assert ws.cell(row, 9).value == pytest.approx(0.40)
    assert fill_of(ws.cell(row, LIGHT_COLUMN)) == "FF0000"
    assert ws.cell(row, 12).value == "【待补充】"  # red without a reason (JXM1)
    assert fill_of(ws.cell(row + 1, LIGHT_COLUMN)) == "00B050"


def test_findings_follow_the_indicators(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    for monitor in monitors:
        ws = sheet_of(workbook, monitor.name)
        row = FIRST_ROW + len(monitor.indicators) + 1
        assert ws.cell(row, 1).value == "监控发现问题"
        assert row_values(ws, row + 1, 4) == ["代码", "指标", None, "问题说明"]
        if not monitor.findings:
            assert ws.cell(row + 2, 1).value == "无"
            continue
        written = [
            (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value)
            for r in range(row + 2, row + 2 + len(monitor.findings))
        ]
        assert written == [(f.code, f.indicator or "项目整体", f.message) for f in monitor.findings]
    assert [f.code for f in monitors[1].findings] == ["JXM2", "JXM1"]


def test_level1_cells_merged(workbook: Workbook, monitors: list[ProjectMonitor]) -> None:
    ws = sheet_of(workbook, monitors[0].name)
    ranges = {str(r) for r in ws.merged_cells.ranges}
    assert "A7:A9" in ranges  # three 产出指标 rows
    assert not any(r.startswith("A10:") for r in ranges)


def test_unjudged_light(tmp_path: Path) -> None:
    """No budget and no actuals: every light is 无法判断, filled grey."""
    project = Project(
        name="空项目",
        unit="某单位",
        indicators=(
            Indicator("产出指标", "数量指标", "培训人次", full_year=parse_value("≥100人次")),
        ),
    )
    monitor = monitor_project(project, ProjectActuals(project="空项目", period=Period.HALF_YEAR))
    assert monitor.execution_light is Light.NONE and monitor.indicators[0].light is Light.NONE
    data = monitoring_workbook([monitor], summarize(by_unit([monitor])), fiscal_year=2024, month=6)
    wb = write(tmp_path, data)
    ws = sheet_of(wb, "空项目")
    assert_light(ws.cell(FUNDS_ROW, EXECUTION_LIGHT_COLUMN), Light.NONE)
    assert_light(ws.cell(FIRST_ROW, LIGHT_COLUMN), Light.NONE)
    assert ws.cell(FIRST_ROW, LIGHT_COLUMN).value == "无法判断"
    assert ws["C4"].value == "—" and ws["G4"].value == "—"
    assert_light(sheet_of(wb, "汇总")["F3"], Light.NONE)
    assert sheet_of(wb, "汇总")["L3"].value == "无"


def test_month_must_match(monitors: list[ProjectMonitor]) -> None:
    with pytest.raises(ValueError, match="month"):
        monitoring_workbook(monitors, [], fiscal_year=2023, month=7)
    later = [
        monitor_project(
            Project(name="x"), ProjectActuals("x", Period.HALF_YEAR), MonitoringConfig(7)
        )
    ]
    assert monitoring_workbook(later, [], fiscal_year=2023, month=7)[:2] == b"PK"
