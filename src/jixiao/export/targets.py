"""Target tables (绩效目标表) as workbooks, in the official layouts units publish with the
budget: 项目支出绩效目标表 and 部门整体支出绩效目标表.

Public API::

    project_sheet(ws, project) -> None
    overall_sheet(ws, table) -> None
    targets_workbook(overall, projects) -> bytes    a sheet per table, overall tables first

Layout of a 项目支出绩效目标表 (``project_sheet``); the target columns are those the
project has: 半年指标值 when any indicator has a half-year target, 全年指标值 always,
中长期指标值 when any has a long-term one (k = 3 + their number columns, A…):

====  ==========================================================================
row   cells
====  ==========================================================================
1     title ``项目支出绩效目标表`` over all columns, no border
2     ``（2023年度）`` over all columns, no border
3     A 项目名称 | B… the name
4     A 主管部门 | B department | C 实施单位 | D… unit
5     A 开始时间 | B ``2022年`` | C 完成时间 | D… ``2024年``
6     A 年度资金总额（元） | B total | C 其中：财政拨款（元） | D… fiscal (the unit the
      table printed; amounts grouped, ``3,309,840.00``)
7     A 上年结转（元） | B carryover | C 其他资金（元） | D… other  (rows 6–7 only with funds)
…     A 中长期目标 | B… text, then A 年度目标 | B… text (each only when the table has it)
8     header: 一级指标 | 二级指标 | 三级指标 | 半年指标值 | 全年指标值 | 中长期指标值, then
      权重 | 指标性质 | 指标方向 | 取值依据 | 指标解释 | 评分标准 | 备注 where any indicator has it
9…    one row per indicator: the level labels as printed (the canonical name where none
      was printed), the name, each target as printed; consecutive equal level-1 cells are
      merged, and level-2 cells within them
====  ==========================================================================

A 部门整体支出绩效目标表 (``overall_sheet``): row 1 title ``{unit}{year}年部门整体支出绩效
目标表``, row 2 ``主管部门：…`` (when known), then the header 序号（代码） | 职能（二级专项）
| 工作及项目名称 | 年度目标 | ``{year}年目标值`` and one row per goal, 序号 and 职能 merged
over a function's goals and 工作 over a work item's.

Every sheet is set up for printing (A4 landscape, one page wide, the header row repeated
on each page, ``第 N 页，共 M 页`` in the footer), and reads back through jixiao's own XLSX
reader to the same tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.model import Funds, Indicator, Nature, OverallTargets, Project
from jixiao.domain.values import Direction, TargetValue, format_number
from jixiao.export._sheet import (
    FONT_NAME,
    MONEY,
    clean,
    merge_runs,
    page_setup,
    put,
    sheet_titles,
    title_row,
    to_bytes,
)
from jixiao.interchange.cells import text_cell

__all__ = ["LAYOUT_TEXT", "overall_sheet", "project_sheet", "targets_workbook"]

_PERIODS = (("half_year", "半年指标值"), ("full_year", "全年指标值"), ("long_term", "中长期指标值"))
_PROJECT_LABELS = (
    "项目支出绩效目标表",
    "（年度）",
    "项目名称",
    "主管部门",
    "实施单位",
    "开始时间",
    "完成时间",
    "年度资金总额（万元）",
    "其中：财政拨款",
    "上年结转",
    "其他资金",
    "一级指标",
    "二级指标",
    "三级指标",
)
_OVERALL_LABELS = ("部门整体支出绩效目标表", "主管部门：", "序号（代码）", "职能（二级专项）",
                   "工作及项目名称", "年度目标", "年目标值")  # fmt: skip
#: Every word the layouts add to the data (for font subsets: see ``_font.subset_fonts``).
LAYOUT_TEXT = "".join((*_PROJECT_LABELS, *_OVERALL_LABELS, *(label for _, label in _PERIODS)))


def _text(v: TargetValue | None) -> str:
    return v.text if v is not None else ""


def _year(y: int | None) -> str:
    return f"{y}年" if y else ""


def _money(funds: Funds, name: str) -> str:
    """An amount as the table printed it: in its unit, grouped (``3,309,840.00``)."""
    return funds.shown(name) if getattr(funds, name) is not None else ""


# What else a table prints per indicator, a column each where any indicator has it.
_EXTRAS = (
    ("weight", "权重"),
    ("nature", "指标性质"),
    ("direction", "指标方向"),
    ("basis", "取值依据"),
    ("explanation", "指标解释"),
    ("standard", "评分标准"),
    ("remark", "备注"),
)
_WORDS = {
    Nature.QUANTITATIVE: "定量",
    Nature.QUALITATIVE: "定性",
    Direction.POSITIVE: "正向",
    Direction.NEGATIVE: "反向",
    Direction.EXACT: "中性",
}


def _extras(project: Project) -> list[tuple[str, str]]:
    return [
        (attr, label)
        for attr, label in _EXTRAS
        if any(getattr(i, attr) not in (None, "") for i in project.indicators)
    ]


def _extra(ind: Indicator, attr: str) -> str:
    value = getattr(ind, attr)
    if value is None:
        return ""
    if attr == "weight":
        return format_number(value)
    return _WORDS.get(value, str(value)) if attr in ("nature", "direction") else str(value)


def _periods(project: Project) -> list[tuple[str, str]]:
    """The target columns the project needs (全年 always)."""
    return [
        (attr, label)
        for attr, label in _PERIODS
        if attr == "full_year" or any(getattr(i, attr) is not None for i in project.indicators)
    ]


def _subtitle(ws: Worksheet, row: int, text: str, last_col: int) -> None:
    cell = ws.cell(row=row, column=1)
    text_cell(cell, clean(text))
    cell.font = Font(name=FONT_NAME, size=11)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)


def _pair_row(
    ws: Worksheet, row: int, last: int, left: tuple[str, object], right: tuple[str, object]
) -> None:
    """``label | value | label | value…`` over the table's width."""
    (k1, v1), (k2, v2) = left, right
    put(ws, row, 1, k1, header=True)
    put(ws, row, 2, v1, fmt=MONEY)  # type: ignore[arg-type]
    put(ws, row, 3, k2, header=True)
    put(ws, row, 4, v2, to_col=max(4, last), fmt=MONEY)  # type: ignore[arg-type]


def project_sheet(ws: Worksheet, project: Project) -> None:
    """One 项目支出绩效目标表 (see the module docstring)."""
    periods = _periods(project)
    extras = _extras(project)
    last = 3 + len(periods) + len(extras)
    title_row(ws, 1, "项目支出绩效目标表", last)
    _subtitle(ws, 2, f"（{project.fiscal_year}年度）" if project.fiscal_year else "", last)
    put(ws, 3, 1, "项目名称", header=True)
    put(ws, 3, 2, project.name, to_col=last)
    _pair_row(ws, 4, last, ("主管部门", project.department or ""), ("实施单位", project.unit or ""))
    _pair_row(
        ws,
        5,
        last,
        ("开始时间", _year(project.start_year)),
        ("完成时间", _year(project.end_year)),
    )
    row = 6
    funds = project.funds
    if funds is not None:
        _pair_row(
            ws,
            6,
            last,
            (f"年度资金总额（{funds.unit}）", _money(funds, "total")),
            (f"其中：财政拨款（{funds.unit}）", _money(funds, "fiscal")),
        )
        _pair_row(
            ws,
            7,
            last,
            (f"上年结转（{funds.unit}）", _money(funds, "carryover")),
            (f"其他资金（{funds.unit}）", _money(funds, "other")),
        )
        row = 8
    for label, text in (("中长期目标", project.long_term_goal), ("年度目标", project.annual_goal)):
        if text:
            put(ws, row, 1, label, header=True)
            put(ws, row, 2, text, to_col=last)
            row += 1
    header = row
    labels = (*(label for _, label in periods), *(label for _, label in extras))
    for col, text in enumerate(("一级指标", "二级指标", "三级指标", *labels), 1):
        put(ws, header, col, text, header=True)
    first = header + 1
    for k, ind in enumerate(project.indicators):
        r = first + k
        put(ws, r, 1, _label1(ind), align="center")
        put(ws, r, 2, _label2(ind), align="center")
        put(ws, r, 3, ind.name)
        for col, (attr, _) in enumerate(periods, 4):
            put(ws, r, col, _text(getattr(ind, attr)), align="center")
        for col, (attr, _) in enumerate(extras, 4 + len(periods)):
            short = attr in ("weight", "nature", "direction")
            put(ws, r, col, _extra(ind, attr), align="center" if short else None)
    level1 = [_label1(i) for i in project.indicators]
    merge_runs(ws, 1, first, level1)
    merge_runs(
        ws, 2, first, list(zip(level1, (_label2(i) for i in project.indicators), strict=True))
    )
    widths = [
        12.0,
        16.0,
        36.0,
        *([16.0] * len(periods)),
        *(8.0 if attr in ("weight", "nature", "direction") else 20.0 for attr, _ in extras),
    ]
    page_setup(ws, widths, repeat=(header, header))


def _label1(ind: Indicator) -> str:
    return ind.level1_label or ind.level1


def _label2(ind: Indicator) -> str:
    return ind.level2_label or ind.level2


def overall_sheet(ws: Worksheet, table: OverallTargets) -> None:
    """One 部门整体支出绩效目标表 (see the module docstring)."""
    year = table.fiscal_year
    title_row(ws, 1, f"{table.unit}{year or ''}{'年' if year else ''}部门整体支出绩效目标表", 5)
    header = 2
    if table.department:
        _subtitle(ws, 2, f"主管部门：{table.department}", 5)
        header = 3
    heads = (
        "序号（代码）",
        "职能（二级专项）",
        "工作及项目名称",
        "年度目标",
        f"{year or ''}{'年' if year else ''}目标值",
    )
    for col, text in enumerate(heads, 1):
        put(ws, header, col, text, header=True)
    first = header + 1
    for k, goal in enumerate(table.goals):
        r = first + k
        put(ws, r, 1, goal.seq, align="center")
        put(ws, r, 2, goal.function)
        put(ws, r, 3, goal.work)
        put(ws, r, 4, goal.goal)
        put(ws, r, 5, _text(goal.target), align="center")
    functions = [(g.seq, g.function) for g in table.goals]
    merge_runs(ws, 1, first, functions)
    merge_runs(ws, 2, first, functions)
    merge_runs(ws, 3, first, [(g.seq, g.function, g.work) for g in table.goals])
    page_setup(ws, [10.0, 30.0, 28.0, 40.0, 16.0], repeat=(header, header))


def targets_workbook(overall: Sequence[OverallTargets], projects: Sequence[Project]) -> bytes:
    """A workbook of target tables: one sheet per overall table (``部门整体`` + unit),
    then one per project (its name)."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    names = [f"{o.unit}部门整体" for o in overall] + [p.name for p in projects]
    titles = sheet_titles(names)
    for table, title in zip(overall, titles, strict=False):
        overall_sheet(wb.create_sheet(title), table)
    for project, title in zip(projects, titles[len(overall) :], strict=True):
        project_sheet(wb.create_sheet(title), project)
    if not wb.sheetnames:
        wb.create_sheet("空")
    return to_bytes(wb)
