"""Monitoring workbooks (项目支出绩效运行监控表) with coloured lights.

Public API::

    monitoring_workbook(monitors, summaries, *, fiscal_year, month) -> bytes
    LIGHT_FILLS: Light → fill colour (RRGGBB)

A light cell holds its label (:data:`jixiao.domain.monitoring.LIGHT_LABELS`: 绿灯, 黄灯, 红灯,
无法判断) and is filled with its colour, so a black-and-white printout still reads.
Percentages are stored as fractions (0.6466) with the ``0.00%`` format; amounts in 万元.

汇总 sheet (columns A–L): row 1 title, row 2 header 单位 | 项目数 | 全年预算数（万元） |
执行数（万元） | 时间进度调整后执行率 | 执行灯 | 红灯指标数 | 黄灯指标数 | 绿灯指标数 |
无法判断指标数 | 监控问题数 | 红灯项目, rows 3… one per UnitSummary in order.

One 项目绩效监控表 per ProjectMonitor (columns A–N), titled by the project name (made a
valid, unique sheet title):

====  ==========================================================================
row   cells
====  ==========================================================================
1     title ``{fiscal_year}年项目支出绩效运行监控表（截至{month}月）``
2     A2 项目名称 | B2:F2 name | G2 主管部门 | H2:J2 department | K2 实施单位 | L2:N2 unit
3     A3:A4 项目资金（万元） | B3 (blank) | C3 全年预算数 | D3 执行数 | E3 执行率 |
      F3 时间进度 | G3 时间进度调整后执行率 | H3 执行监控结果 | I3:N3 执行偏差原因
4     B4 年度资金总额 | C4 budget | D4 executed | E4 rate | F4 month ÷ 12 |
      G4 time-adjusted rate | **H4 execution light** | I4:N4 execution_reason (or
      ``【待补充】…`` when lagging without one)
5     A5 执行判断依据 | B5:N5 execution_basis
6     A6 一级指标 | B6 二级指标 | C6 三级指标 | D6 年度指标值 | E6 半年指标值 |
      F6 当前完成值 | G6 全年预计完成情况 | H6 完成目标可能性 | I6 进度 |
      J6 监控结果 | K6 偏差原因类别 | L6 偏差原因 | M6 整改措施 | N6 判断依据
7…    one row per IndicatorMonitor (A and B merged over consecutive equal values;
      I progress as a fraction; J the light)
then  a blank row, 监控发现问题 (A:N), a header 代码 | 指标 (B:C) | 问题说明 (D:N) and
      one row per finding (代码, indicator or 项目整体, message), or 无
====  ==========================================================================

Rows 3–4 are the funds block of a 自评表, so jixiao's readers import a monitoring sheet
back: the targets, and as the checkpoint's actuals the funds, 执行偏差原因 and each
indicator's 当前完成值, 全年预计, 完成目标可能性, 偏差原因类别, 偏差原因 and 整改措施 (the
lights, rates, 判断依据 and findings are computed, and reported as not imported).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl.styles import PatternFill
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.monitoring import LIGHT_LABELS, Light, ProjectMonitor, UnitSummary
from jixiao.export._sheet import (
    COUNT,
    MONEY,
    PERCENT,
    merge_runs,
    number,
    page_setup,
    put,
    rate,
    sheet_titles,
    title_row,
    to_bytes,
)

__all__ = [
    "EXECUTION_LIGHT_COLUMN",
    "FIRST_ROW",
    "FUNDS_ROW",
    "HEADER_ROW",
    "LIGHT_COLUMN",
    "LIGHT_FILLS",
    "SUMMARY_TITLE",
    "monitoring_workbook",
]

#: Fill colour of each light (RRGGBB).
LIGHT_FILLS: Mapping[Light, str] = {
    Light.GREEN: "00B050",
    Light.YELLOW: "FFFF00",
    Light.RED: "FF0000",
    Light.NONE: "D9D9D9",
}

SUMMARY_TITLE = "汇总"
FUNDS_ROW = 4  # the funds figures of a project sheet (headings in row 3)
EXECUTION_LIGHT_COLUMN = 8  # H4: the execution light
HEADER_ROW = 6  # indicator header of a project sheet
FIRST_ROW = 7  # its first indicator row
LIGHT_COLUMN = 10  # J: the indicator light
_LAST = 14  # N

_SUMMARY_WIDTHS = (30.0, 8.0, 13.0, 13.0, 13.0, 10.0, 9.0, 9.0, 9.0, 9.0, 9.0, 34.0)
_PROJECT_WIDTHS = (
    12.0,
    11.0,
    24.0,
    12.0,
    12.0,
    12.0,
    14.0,
    11.0,
    12.0,
    9.0,
    12.0,
    24.0,
    22.0,
    30.0,
)


def _light(ws: Worksheet, row: int, col: int, light: Light) -> None:
    fill = PatternFill(fill_type="solid", fgColor=LIGHT_FILLS[light])
    put(ws, row, col, LIGHT_LABELS[light], bold=True, align="center", fill=fill)


def _summary_sheet(
    ws: Worksheet, summaries: Sequence[UnitSummary], *, fiscal_year: int, month: int
) -> None:
    header = (
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
    )
    title_row(ws, 1, f"{fiscal_year}年项目支出绩效运行监控汇总表（截至{month}月）", len(header))
    for col, text in enumerate(header, start=1):
        put(ws, 2, col, text, header=True)
    for row, summary in enumerate(summaries, start=3):
        put(ws, row, 1, summary.unit)
        put(ws, row, 2, summary.projects, fmt=COUNT)
        put(ws, row, 3, number(summary.budget), fmt=MONEY)
        put(ws, row, 4, number(summary.executed), fmt=MONEY)
        put(ws, row, 5, rate(summary.time_adjusted, percent=True), fmt=PERCENT)
        _light(ws, row, 6, summary.execution_light)
        for col, light in enumerate((Light.RED, Light.YELLOW, Light.GREEN, Light.NONE), start=7):
            put(ws, row, col, summary.lights.get(light, 0), fmt=COUNT)
        put(ws, row, 11, summary.findings, fmt=COUNT)
        put(ws, row, 12, "、".join(summary.red_projects) or "无")
    ws.freeze_panes = "B3"
    page_setup(ws, _SUMMARY_WIDTHS, repeat=(2, 2))


def _project_sheet(ws: Worksheet, monitor: ProjectMonitor, *, fiscal_year: int, month: int) -> None:
    last = _LAST
    title_row(ws, 1, f"{fiscal_year}年项目支出绩效运行监控表（截至{month}月）", last)

    put(ws, 2, 1, "项目名称", header=True)
    put(ws, 2, 2, monitor.name, to_col=6)
    put(ws, 2, 7, "主管部门", header=True)
    put(ws, 2, 8, monitor.department or "", to_col=10)
    put(ws, 2, 11, "实施单位", header=True)
    put(ws, 2, 12, monitor.unit or "", to_col=last)

    put(ws, 3, 1, "项目资金（万元）", to_row=FUNDS_ROW, header=True)
    headings = ("", "全年预算数", "执行数", "执行率", "时间进度", "时间进度调整后执行率")
    for col, text in enumerate(headings, start=2):
        put(ws, 3, col, text, header=True)
    put(ws, 3, EXECUTION_LIGHT_COLUMN, "执行监控结果", header=True)
    put(ws, 3, 9, "执行偏差原因", to_col=last, header=True)
    put(ws, FUNDS_ROW, 2, "年度资金总额", header=True)
    put(ws, FUNDS_ROW, 3, number(monitor.budget), fmt=MONEY)
    put(ws, FUNDS_ROW, 4, number(monitor.executed), fmt=MONEY)
    put(ws, FUNDS_ROW, 5, rate(monitor.execution_rate, percent=True), fmt=PERCENT)
    put(ws, FUNDS_ROW, 6, month / 12, fmt=PERCENT)
    put(ws, FUNDS_ROW, 7, rate(monitor.time_adjusted, percent=True), fmt=PERCENT)
    _light(ws, FUNDS_ROW, EXECUTION_LIGHT_COLUMN, monitor.execution_light)
    reason = monitor.execution_reason
    if not reason and monitor.execution_light in (Light.YELLOW, Light.RED):
        reason = "【待补充】预算执行进度滞后的原因"
    put(ws, FUNDS_ROW, 9, reason, to_col=last)

    put(ws, 5, 1, "执行判断依据", header=True)
    put(ws, 5, 2, monitor.execution_basis, to_col=last)

    header = (
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
    )
    for col, text in enumerate(header, start=1):
        put(ws, HEADER_ROW, col, text, header=True)
    labels = [(i.level1_label or i.level1, i.level2_label or i.level2) for i in monitor.indicators]
    for row, (item, (label1, label2)) in enumerate(
        zip(monitor.indicators, labels, strict=True), start=FIRST_ROW
    ):
        put(ws, row, 1, label1, align="center")
        put(ws, row, 2, label2, align="center")
        put(ws, row, 3, item.name)
        put(ws, row, 4, item.target or "", align="center")
        put(ws, row, 5, item.half_year_target or "", align="center")
        put(ws, row, 6, item.current or "", align="center")
        put(ws, row, 7, item.forecast or "", align="center")
        put(ws, row, 8, item.likelihood or "", align="center")
        put(ws, row, 9, rate(item.progress, percent=True), fmt=PERCENT)
        _light(ws, row, LIGHT_COLUMN, item.light)
        put(ws, row, 11, item.category or "", align="center")
        deviation = item.deviation or ("【待补充】" if item.deviation_without_reason else "")
        put(ws, row, 12, deviation)
        put(ws, row, 13, item.measures)
        put(ws, row, 14, item.basis)
    merge_runs(ws, 1, FIRST_ROW, [label1 for label1, _ in labels])
    merge_runs(ws, 2, FIRST_ROW, labels)

    row = FIRST_ROW + len(monitor.indicators) + 1
    put(ws, row, 1, "监控发现问题", to_col=last, header=True, align="left")
    row += 1
    put(ws, row, 1, "代码", header=True)
    put(ws, row, 2, "指标", to_col=3, header=True)
    put(ws, row, 4, "问题说明", to_col=last, header=True)
    if not monitor.findings:
        row += 1
        put(ws, row, 1, "无", to_col=last)
    for finding in monitor.findings:
        row += 1
        put(ws, row, 1, finding.code, align="center")
        put(ws, row, 2, finding.indicator or "项目整体", to_col=3)
        put(ws, row, 4, finding.message, to_col=last)

    page_setup(ws, _PROJECT_WIDTHS, repeat=(HEADER_ROW, HEADER_ROW))


def monitoring_workbook(
    monitors: Sequence[ProjectMonitor],
    summaries: Sequence[UnitSummary],
    *,
    fiscal_year: int,
    month: int,
) -> bytes:
    """The monitoring workbook (.xlsx): 汇总, then one 项目绩效监控表 per project.

    ``summaries`` are :func:`jixiao.domain.monitoring.summarize` of the monitors (by unit
    or by department).  Raises ValueError when a monitor is of another month.
    """
    other = sorted({m.month for m in monitors if m.month != month})
    if other:
        raise ValueError(f"monitors of month(s) {other} in a workbook for month {month}")
    titles = sheet_titles([m.name for m in monitors], [SUMMARY_TITLE])

    wb = Workbook()
    wb.properties.creator = "jixiao"
    wb.properties.title = f"{fiscal_year}年项目支出绩效运行监控表（截至{month}月）"
    summary = wb.active
    assert isinstance(summary, Worksheet)
    summary.title = SUMMARY_TITLE
    _summary_sheet(summary, summaries, fiscal_year=fiscal_year, month=month)
    for monitor, title in zip(monitors, titles, strict=True):
        _project_sheet(wb.create_sheet(title), monitor, fiscal_year=fiscal_year, month=month)
    return to_bytes(wb)
