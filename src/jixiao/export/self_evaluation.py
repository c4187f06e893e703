"""Self-evaluation workbooks (绩效自评表) in the layout of 财预〔2020〕10号's attachments.

Public API::

    project_sheet(ws, project, actuals, score, *, fiscal_year) -> None
    overall_sheet(ws, unit, overall_score, overall, actuals, *, fiscal_year) -> None
    self_evaluation_workbook(items, *, fiscal_year, unit=None, overall=None) -> bytes

Layout of a 项目支出绩效自评表 (``project_sheet``) and a 部门（单位）整体支出绩效自评表
(``overall_sheet``): nine columns A–I, the same rows; n = number of IndicatorScores.

====  ==========================================================================
row   cells
====  ==========================================================================
1     A1:I1 title ``{fiscal_year}年度项目支出绩效自评表`` (overall:
      ``{fiscal_year}年度部门（单位）整体支出绩效自评表``)
2     A2 项目名称 | B2:I2 the name        (overall: 部门（单位）名称 | unit)
3     A3 主管部门 | B3:D3 department | E3 实施单位 | F3:I3 unit
      (overall: A3 主管部门 | B3:D3 | E3 自评年度 | F3:I3 ``{fiscal_year}年度``)
4     A4:A5 项目资金（万元） | B4 (blank) | C4 年初预算数 | D4 全年预算数 | E4 全年执行数
      | F4 分值 | G4 执行率 | H4 得分 | I4 执行偏差原因
5     B5 年度资金总额 | C5 budget_initial | D5 budget | E5 executed | **F5 budget_weight**
      | **G5 execution_rate** (a fraction, 0.00%) | **H5 budget_score** | I5 execution reason
6     A6:A7 年度总体目标 | B6:E6 预期目标 | F6:I6 实际完成情况
7     B7:E7 and F7:I7 left blank to be filled in
8     A8:A(8+n) 绩效指标 | B8 一级指标 | C8 二级指标 | D8 三级指标 | E8 年度指标值
      | F8 实际完成值 | G8 分值 | H8 得分 | I8 偏差原因分析及改进措施
      (overall: B8 部门职能 | C8 工作任务 | D8 年度目标 | E8 指标值 | F8 实际完成值 | …)
9…    one row per IndicatorScore, in order: B level1 | C level2 | D name | E target |
      F actual | **G weight** | **H score** | I notes (overall: B level1 = 部门职能 |
      C name = 工作任务 | D level2 = 年度目标 | …).  Consecutive equal B cells are merged
      (project sheets: C cells too, within a B run).  A not applicable indicator has
      ``—`` in G and H.
9+n   A:F 总分 | **G 100** | **H total**
10+n  A:G 自评等级 | **H:I grade** (value in H)
====  ==========================================================================

Numbers are numbers (``0.00``, amounts ``#,##0.00``, rates ``0.00%`` stored as fractions);
a missing figure is ``—``.  The I notes of an indicator read ``偏差原因（类别）：…``,
``改进措施：…``, ``人工调整：<rule>`` for a manual score, ``不适用，不计分``, and
``【待补充】偏差原因、改进措施`` when a score below the weight lacks them.

The 汇总 sheet of :func:`self_evaluation_workbook` (columns A–G): row 1 title, row 2
header 项目名称 | 实施单位 | 全年预算数（万元） | 执行数（万元） | 执行率 | 得分 | 等级, rows
3… one per project (the name links to its sheet), then 合计 (sums of the amounts and
the rate of the sums) and 平均得分 (F: the mean of the totals, rounded half up).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.actuals import IndicatorActual, ProjectActuals
from jixiao.domain.model import OverallTargets, Project
from jixiao.domain.scoring import IndicatorScore, ProjectScore, mean_score
from jixiao.export._sheet import (
    DASH,
    MONEY,
    PERCENT,
    POINTS,
    finite,
    internal_link,
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
    "FIRST_ITEM_ROW",
    "FUNDS_ROW",
    "HEADER_ROW",
    "OVERALL_TITLE",
    "SCORE_COLUMN",
    "SUMMARY_TITLE",
    "WEIGHT_COLUMN",
    "overall_sheet",
    "project_sheet",
    "self_evaluation_workbook",
]

# Where the numbers are, for code that reads a sheet back (see the module docs).
FUNDS_ROW = 5  # F5 分值, G5 执行率, H5 得分 of budget execution
HEADER_ROW = 8
FIRST_ITEM_ROW = 9
WEIGHT_COLUMN = 7  # G: 分值
SCORE_COLUMN = 8  # H: 得分 (budget, indicators, total, grade)
LAST_COLUMN = 9  # I

SUMMARY_TITLE = "汇总"
OVERALL_TITLE = "部门整体"

_PROJECT_WIDTHS = (8.0, 10.0, 12.0, 30.0, 14.0, 14.0, 9.0, 9.0, 40.0)
_OVERALL_WIDTHS = (8.0, 24.0, 30.0, 26.0, 12.0, 12.0, 9.0, 9.0, 36.0)
_SUMMARY_WIDTHS = (34.0, 30.0, 14.0, 14.0, 11.0, 10.0, 8.0)


@dataclass(frozen=True, slots=True)
class _Labels:
    title: str
    name: str
    funds: str
    header: tuple[str, ...]  # B–I of the indicator header
    merge_level2: bool


_PROJECT = _Labels(
    title="项目支出绩效自评表",
    name="项目名称",
    funds="项目资金（万元）",
    header=(
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ),
    merge_level2=True,
)
_OVERALL = _Labels(
    title="部门（单位）整体支出绩效自评表",
    name="部门（单位）名称",
    funds="部门资金（万元）",
    header=(
        "部门职能",
        "工作任务",
        "年度目标",
        "指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ),
    merge_level2=False,
)


def _matched(
    scores: Sequence[IndicatorScore], actuals: ProjectActuals
) -> list[IndicatorActual | None]:
    """The actual of each scored indicator: the n-th row of a name goes to the n-th score."""
    rows: dict[str, list[IndicatorActual]] = {}
    for item in actuals.indicators:
        rows.setdefault(item.indicator, []).append(item)
    used: dict[str, int] = {}
    found: list[IndicatorActual | None] = []
    for score in scores:
        n = used.get(score.name, 0)
        used[score.name] = n + 1
        candidates = rows.get(score.name, [])
        found.append(candidates[n] if n < len(candidates) else None)
    return found


def _notes(score: IndicatorScore, actual: IndicatorActual | None) -> str:
    """偏差原因分析及改进措施 of one indicator."""
    lines: list[str] = []
    if not score.applicable:
        lines.append("不适用，不计分")
    deviation = None if actual is None else actual.deviation
    if deviation is not None:
        category = f"（{deviation.category.value}）" if deviation.category is not None else ""
        text = deviation.text.strip()
        if text:
            lines.append(f"偏差原因{category}：{text}")
        elif category:
            lines.append(f"偏差原因类别：{deviation.category}")
    measures = "" if actual is None else actual.measures.strip()
    if measures:
        lines.append(f"改进措施：{measures}")
    if score.manual:
        lines.append(f"人工调整：{score.rule}")
    lacking = [
        label
        for label, lacks in (
            ("偏差原因", score.missing_reason),
            ("改进措施", score.missing_measures),
        )
        if lacks
    ]
    if lacking:
        lines.append(f"【待补充】{'、'.join(lacking)}")
    return "\n".join(lines)


def _execution_note(score: ProjectScore, actuals: ProjectActuals) -> str:
    reason = actuals.execution_reason.strip()
    if reason:
        return reason
    if score.execution_reason_needed:
        return "【待补充】预算执行率偏低的原因"
    return ""


def _write(
    ws: Worksheet,
    labels: _Labels,
    *,
    fiscal_year: int,
    name: str,
    row3: tuple[str, str, str, str],
    actuals: ProjectActuals,
    score: ProjectScore,
    columns: Sequence[tuple[str, str, str]],  # B, C, D texts per indicator row
    widths: Sequence[float],
) -> None:
    last = LAST_COLUMN
    title_row(ws, 1, f"{fiscal_year}年度{labels.title}", last)

    put(ws, 2, 1, labels.name, header=True)
    put(ws, 2, 2, name, to_col=last)
    put(ws, 3, 1, row3[0], header=True)
    put(ws, 3, 2, row3[1], to_col=4)
    put(ws, 3, 5, row3[2], header=True)
    put(ws, 3, 6, row3[3], to_col=last)

    # funds
    put(ws, 4, 1, labels.funds, to_row=5, header=True)
    for col, text in enumerate(
        ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "执行偏差原因"),
        start=2,
    ):
        put(ws, 4, col, text, header=True)
    put(ws, FUNDS_ROW, 2, "年度资金总额", header=True)
    put(ws, FUNDS_ROW, 3, number(actuals.budget_initial), fmt=MONEY)
    put(ws, FUNDS_ROW, 4, number(actuals.budget), fmt=MONEY)
    put(ws, FUNDS_ROW, 5, number(actuals.executed), fmt=MONEY)
    put(ws, FUNDS_ROW, 6, score.budget_weight, fmt=POINTS)
    put(ws, FUNDS_ROW, 7, rate(score.execution_rate), fmt=PERCENT)
    put(ws, FUNDS_ROW, SCORE_COLUMN, score.budget_score, fmt=POINTS)
    put(ws, FUNDS_ROW, 9, _execution_note(score, actuals))

    # overall goal: to be filled in by hand
    put(ws, 6, 1, "年度总体目标", to_row=7, header=True)
    put(ws, 6, 2, "预期目标", to_col=5, header=True)
    put(ws, 6, 6, "实际完成情况", to_col=last, header=True)
    put(ws, 7, 2, "", to_col=5)
    put(ws, 7, 6, "", to_col=last)
    ws.row_dimensions[7].height = 60

    # indicators
    n = len(score.indicators)
    put(ws, HEADER_ROW, 1, "绩效指标", to_row=HEADER_ROW + n, header=True)
    for col, text in enumerate(labels.header, start=2):
        put(ws, HEADER_ROW, col, text, header=True)
    for offset, (item, actual, texts) in enumerate(
        zip(score.indicators, _matched(score.indicators, actuals), columns, strict=True)
    ):
        row = FIRST_ITEM_ROW + offset
        put(ws, row, 2, texts[0], align="center")
        put(ws, row, 3, texts[1], align="center" if labels.merge_level2 else "left")
        put(ws, row, 4, texts[2])
        put(ws, row, 5, item.target or "", align="center")
        put(ws, row, 6, item.actual or "", align="center")
        if item.applicable:
            put(ws, row, WEIGHT_COLUMN, item.weight, fmt=POINTS)
            put(ws, row, SCORE_COLUMN, item.score, fmt=POINTS)
        else:
            put(ws, row, WEIGHT_COLUMN, DASH)
            put(ws, row, SCORE_COLUMN, DASH)
        put(ws, row, 9, _notes(item, actual))
    level1 = [texts[0] for texts in columns]
    merge_runs(ws, 2, FIRST_ITEM_ROW, level1)
    if labels.merge_level2:
        merge_runs(ws, 3, FIRST_ITEM_ROW, [(texts[0], texts[1]) for texts in columns])

    total_row = FIRST_ITEM_ROW + n
    put(ws, total_row, 1, "总分", to_col=6, header=True)
    put(ws, total_row, WEIGHT_COLUMN, 100, fmt=POINTS, bold=True)
    put(ws, total_row, SCORE_COLUMN, score.total, fmt=POINTS, bold=True)
    put(ws, total_row, 9, "")
    put(ws, total_row + 1, 1, "自评等级", to_col=WEIGHT_COLUMN, header=True)
    put(ws, total_row + 1, SCORE_COLUMN, str(score.grade.value), to_col=last, bold=True)

    page_setup(ws, widths, repeat=(HEADER_ROW, HEADER_ROW))


def project_sheet(
    ws: Worksheet,
    project: Project,
    actuals: ProjectActuals,
    score: ProjectScore,
    *,
    fiscal_year: int,
) -> None:
    """Write the 项目支出绩效自评表 of one project onto an empty worksheet.

    ``score`` is :func:`jixiao.domain.scoring.score_project` of ``project`` and
    ``actuals``; the actuals give the funds and the texts of 偏差原因 and 改进措施.
    Raises ValueError when the three do not belong to the same project.
    """
    if actuals.project != project.name or score.name != project.name:
        raise ValueError(
            f"project {project.name!r}, actuals of {actuals.project!r} and score of "
            f"{score.name!r} do not belong together"
        )
    _write(
        ws,
        _PROJECT,
        fiscal_year=fiscal_year,
        name=project.name,
        row3=("主管部门", project.department or "", "实施单位", project.unit or ""),
        actuals=actuals,
        score=score,
        columns=[
            (i.level1_label or i.level1, i.level2_label or i.level2, i.name)
            for i in score.indicators
        ],
        widths=_PROJECT_WIDTHS,
    )


def overall_sheet(
    ws: Worksheet,
    unit: str,
    overall_score: ProjectScore,
    overall: OverallTargets,
    actuals: ProjectActuals,
    *,
    fiscal_year: int,
) -> None:
    """Write the 部门（单位）整体支出绩效自评表 of a unit onto an empty worksheet.

    ``overall_score`` is :func:`jixiao.domain.scoring.score_overall` of ``overall`` and
    ``actuals``: one IndicatorScore per work item, in the order of ``overall.goals`` (name
    = 工作任务, level1 = 部门职能, level2 = 年度目标).  Raises ValueError when the score's
    work items are not the goals' or the actuals are of another unit.
    """
    works = [goal.work for goal in overall.goals]
    scored = [item.name for item in overall_score.indicators]
    if scored != works:
        raise ValueError(
            f"the score has work items {scored!r}, the overall targets of "
            f"{overall.unit!r} have {works!r}"
        )
    if actuals.project != overall.unit:
        raise ValueError(f"actuals of {actuals.project!r} given for unit {overall.unit!r}")
    _write(
        ws,
        _OVERALL,
        fiscal_year=fiscal_year,
        name=unit,
        row3=("主管部门", overall.department or "", "自评年度", f"{fiscal_year}年度"),
        actuals=actuals,
        score=overall_score,
        columns=[(i.level1, i.name, i.level2) for i in overall_score.indicators],
        widths=_OVERALL_WIDTHS,
    )


def _summary_sheet(
    ws: Worksheet,
    items: Sequence[tuple[Project, ProjectActuals, ProjectScore]],
    titles: Sequence[str],
    *,
    fiscal_year: int,
    unit: str | None,
) -> None:
    last = 7
    title_row(ws, 1, f"{unit or ''}{fiscal_year}年度项目支出绩效自评汇总表", last)
    header = (
        "项目名称",
        "实施单位",
        "全年预算数（万元）",
        "执行数（万元）",
        "执行率",
        "得分",
        "等级",
    )
    for col, text in enumerate(header, start=1):
        put(ws, 2, col, text, header=True)
    row = 3
    for (project, actuals, score), title in zip(items, titles, strict=True):
        internal_link(put(ws, row, 1, project.name), title)
        put(ws, row, 2, project.unit or "")
        put(ws, row, 3, number(actuals.budget), fmt=MONEY)
        put(ws, row, 4, number(actuals.executed), fmt=MONEY)
        put(ws, row, 5, rate(score.execution_rate), fmt=PERCENT)
        put(ws, row, 6, score.total, fmt=POINTS)
        put(ws, row, 7, str(score.grade.value))
        row += 1

    budgets = [a.budget for _, a, _ in items if a.budget is not None and finite(a.budget)]
    executed = [a.executed for _, a, _ in items if a.executed is not None and finite(a.executed)]
    pairs = [
        (a.budget, a.executed)
        for _, a, _ in items
        if a.budget is not None and a.executed is not None and finite(a.budget) and a.budget > 0
    ]
    pair_budget = sum(float(b) for b, _ in pairs)
    put(ws, row, 1, "合计", header=True)
    put(ws, row, 2, f"{len(items)}个项目", align="center")
    put(ws, row, 3, sum(float(b) for b in budgets) if budgets else DASH, fmt=MONEY)
    put(ws, row, 4, sum(float(e) for e in executed) if executed else DASH, fmt=MONEY)
    put(
        ws,
        row,
        5,
        sum(float(e) for _, e in pairs) / pair_budget if pair_budget > 0 else DASH,
        fmt=PERCENT,
    )
    put(ws, row, 6, "")
    put(ws, row, 7, "")
    row += 1
    put(ws, row, 1, "平均得分", to_col=5, header=True)
    found = mean_score([score.total for _, _, score in items])
    mean: float | str = DASH if found is None else found
    put(ws, row, 6, mean, fmt=POINTS, bold=True)
    put(ws, row, 7, "")

    ws.freeze_panes = "B3"
    page_setup(ws, _SUMMARY_WIDTHS, repeat=(2, 2))


def self_evaluation_workbook(
    items: Sequence[tuple[Project, ProjectActuals, ProjectScore]],
    *,
    fiscal_year: int,
    unit: str | None = None,
    overall: tuple[OverallTargets, ProjectActuals, ProjectScore] | None = None,
) -> bytes:
    """The self-evaluation workbook (.xlsx) of projects and, optionally, of the unit.

    Sheets: 汇总 (see the module docs), 部门整体 when ``overall`` = (overall targets,
    overall actuals, :func:`~jixiao.domain.scoring.score_overall`) is given, then one
    项目支出绩效自评表 per ``(project, actuals, score)``, titled by the project name made a
    valid, unique sheet title (:func:`jixiao.export.sheet_titles`).  ``unit`` heads the
    summary's title and names the unit on the 部门整体 sheet (default: the overall
    targets' unit).
    """
    reserved = [SUMMARY_TITLE] + ([OVERALL_TITLE] if overall is not None else [])
    titles = sheet_titles([project.name for project, _, _ in items], reserved)

    wb = Workbook()
    wb.properties.creator = "jixiao"
    wb.properties.title = f"{fiscal_year}年度绩效自评表"
    summary = wb.active
    assert isinstance(summary, Worksheet)
    summary.title = SUMMARY_TITLE
    _summary_sheet(summary, items, titles, fiscal_year=fiscal_year, unit=unit)

    if overall is not None:
        targets, overall_actuals, overall_score = overall
        overall_sheet(
            wb.create_sheet(OVERALL_TITLE),
            unit or targets.unit,
            overall_score,
            targets,
            overall_actuals,
            fiscal_year=fiscal_year,
        )
    for (project, actuals, score), title in zip(items, titles, strict=True):
        project_sheet(wb.create_sheet(title), project, actuals, score, fiscal_year=fiscal_year)
    return to_bytes(wb)
