"""The per-unit XLSX actuals template (实际完成情况填报模板), written and read back.

jixiao writes one workbook per unit and period; the unit fills in the white cells and
uploads it; :func:`read_actuals_template` turns it into the same
:class:`~jixiao.domain.actuals.ActualsDocument` that ``jixiao-actuals/1`` JSON gives
(:mod:`jixiao.interchange.actuals`), or raises one :class:`FormatError` listing every bad
cell, in Chinese, each line naming ``sheet!cell`` and the project / indicator.

Sheets: ``填报说明`` (instructions), ``项目资金`` (one row per project: budgets, 执行数),
``指标完成情况`` (one row per indicator) and the hidden ``_jixiao`` (format id
``jixiao-actuals-xlsx/1``, unit, fiscal year, period, month).  Row 1 of the two data
sheets is the header; data starts on row 2.  See docs/format.md, "XLSX template".

Rules for reading, in short:

* Names (项目名称, 三级指标) are matched after stripping surrounding whitespace.
* A row whose input (white) cells are all empty is not reported: no IndicatorActual for an
  indicator row, no funds for a project row.  A project is in the document when its
  项目资金 row has any input or any of its indicator rows is reported.
* Text in value cells is kept as typed (stripped).  Numbers typed as numbers become text:
  a cell whose number format shows a percent sign gives ``value × 100`` and ``%``
  (0.95 → ``95%``); any other number gives the number followed by the unit of the row's
  年度指标值 when that is quantitative (else of its 半年指标值, else no unit): 470 in a row
  whose target is ``＝461人次`` → ``470人次``.  Numbers are printed exactly, without
  exponent or trailing zeros (470.0 → ``470``).  A date gives ``2023年6月30日``.
* Money cells (万元) take numbers ≥ 0, or text that is such a number in digits.

openpyxl is the only third-party import; no database, no web.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Final

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.actuals import (
    ActualsDocument,
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
)
from jixiao.domain.model import Indicator, Period, Project
from jixiao.domain.money import in_unit
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind, Number, TargetValue, parse_value
from jixiao.interchange import FormatError
from jixiao.interchange.cells import text_cell

__all__ = [
    "FUNDS_SHEET",
    "INDICATORS_SHEET",
    "INSTRUCTIONS_SHEET",
    "META_SHEET",
    "XLSX_FORMAT",
    "read_actuals_template",
    "write_actuals_template",
]

XLSX_FORMAT: Final = "jixiao-actuals-xlsx/1"
INSTRUCTIONS_SHEET: Final = "填报说明"
FUNDS_SHEET: Final = "项目资金"
INDICATORS_SHEET: Final = "指标完成情况"
META_SHEET: Final = "_jixiao"

_PERIODS: Final = (Period.HALF_YEAR, Period.FULL_YEAR)
_PERIOD_LABELS: Final = {Period.HALF_YEAR: "运行监控", Period.FULL_YEAR: "绩效自评"}
_YES: Final = "是"
_LIKELIHOODS: Final = tuple(x.value for x in Likelihood)
_CATEGORIES: Final = tuple(x.value for x in DeviationCategory)
_VALUE_EXAMPLE: Final = "如“95%”或“＝461人次”"
_REUPLOAD: Final = "请重新下载模板后填写"
_STRUCTURE: Final = "请勿修改表头，也不要增删或移动列"

# -- columns ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    header: str  # row 1, exactly
    label: str  # how messages name the cell's content
    width: float
    entry: bool  # an input (white, unlocked) cell; else locked and grey
    number_format: str = "@"


def _funds_columns() -> tuple[_Column, ...]:
    money = "0.00##"
    return (
        _Column("project", "项目名称", "项目名称", 36, entry=False),
        _Column("budget_initial", "年初预算数（万元）", "年初预算数", 16, True, money),
        _Column("budget", "全年预算数（万元）", "全年预算数", 16, True, money),
        _Column("executed", "执行数（万元）", "执行数", 16, True, money),
        _Column("execution_reason", "执行偏差原因", "执行偏差原因", 44, True),
    )


def _indicator_columns(period: Period) -> tuple[_Column, ...]:
    half = period is Period.HALF_YEAR
    actual = "当前完成值" if half else "实际完成值"
    measures = "整改措施" if half else "改进措施"
    columns = [
        _Column("project", "项目名称", "项目名称", 26, entry=False),
        _Column("level1", "一级指标", "一级指标", 12, entry=False),
        _Column("level2", "二级指标", "二级指标", 16, entry=False),
        _Column("name", "三级指标", "三级指标", 34, entry=False),
    ]
    if half:
        columns.append(_Column("half_target", "半年指标值", "半年指标值", 13, entry=False))
    columns += [
        _Column("full_target", "年度指标值", "年度指标值", 13, entry=False),
        _Column("value", actual, actual, 15, entry=True),
    ]
    if half:
        columns += [
            _Column("forecast", "全年预计完成情况", "全年预计完成情况", 16, entry=True),
            _Column("likelihood", "完成目标可能性", "完成目标可能性", 14, entry=True),
        ]
    columns += [
        _Column("category", "偏差原因类别", "偏差原因类别", 14, entry=True),
        _Column("reason", "偏差原因", "偏差原因", 34, entry=True),
        _Column("measures", measures, measures, 34, entry=True),
        _Column("not_applicable", "不适用", "不适用", 8, entry=True),
    ]
    if not half:
        columns += [
            _Column("manual_score", "人工评分", "人工评分", 10, True, "0.0#"),
            _Column("manual_reason", "评分理由", "评分理由", 30, entry=True),
        ]
    return tuple(columns)


def _col(columns: Sequence[_Column], key: str) -> int:
    """1-based column number of ``key``."""
    return next(i for i, c in enumerate(columns, 1) if c.key == key)


# -- writing ------------------------------------------------------------------------------

_LOCKED_FILL: Final = PatternFill("solid", fgColor="D9D9D9")
_HEADER_FILL: Final = PatternFill("solid", fgColor="BFBFBF")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN: Final = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LOCKED: Final = Protection(locked=True)
_UNLOCKED: Final = Protection(locked=False)

_CellValue = str | int | float | None


def _clean(text: str) -> str:
    """Text openpyxl can store (control characters other than tab and newline dropped)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _put(ws: Worksheet, row: int, column: _Column, col: int, value: _CellValue) -> Cell:
    cell = ws.cell(row=row, column=col)
    assert isinstance(cell, Cell)  # nothing is merged in these sheets
    if isinstance(value, str) and value:
        text_cell(cell, _clean(value))  # text such as "=100%" is a value, not a formula
    elif not isinstance(value, str):
        cell.value = value
    cell.number_format = column.number_format
    cell.alignment = _WRAP
    if column.entry:
        cell.protection = _UNLOCKED
    else:
        cell.protection = _LOCKED
        cell.fill = _LOCKED_FILL
    return cell


def _headers(ws: Worksheet, columns: Sequence[_Column]) -> None:
    for col, column in enumerate(columns, 1):
        cell = ws.cell(row=1, column=col, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.protection = _LOCKED
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32


def _protect(ws: Worksheet) -> None:
    """Guard against accidental edits (no password): locked cells cannot be changed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths and heights may still be adjusted
    ws.protection.formatRows = False


def _list_validation(
    ws: Worksheet, col: int, last_row: int, choices: Sequence[str], prompt: str
) -> None:
    listed = "、".join(f"“{c}”" for c in choices)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="填写有误",
        error=f"请从下拉列表中选择：{listed}，或留空。",
        promptTitle=prompt,
        prompt=f"可选：{listed}",
    )
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(dv)


def _decimal_validation(ws: Worksheet, cols: Sequence[int], last_row: int, what: str) -> None:
    dv = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
        error=f"{what}应为不小于 0 的数字。",
    )
    for col in cols:
        letter = get_column_letter(col)
        dv.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(dv)


def _text(v: TargetValue | None) -> str | None:
    return v.text if v is not None else None


def _write_funds(
    ws: Worksheet, projects: Sequence[Project], filled: Mapping[str, ProjectActuals]
) -> None:
    columns = _funds_columns()
    _headers(ws, columns)
    for row, project in enumerate(projects, 2):
        done = filled.get(project.name.strip())
        funds = project.funds
        # the actuals' budget is in 万元
        total = float(in_unit(funds.total)) if funds is not None and funds.total else None
        values: dict[str, _CellValue] = {
            "project": project.name,
            "budget_initial": total,
            "budget": total,
            "executed": None,
            "execution_reason": None,
        }
        if done is not None:
            for key, number in (
                ("budget_initial", done.budget_initial),
                ("budget", done.budget),
                ("executed", done.executed),
            ):
                if number is not None:
                    values[key] = number
            values["execution_reason"] = done.execution_reason or None
        for col, column in enumerate(columns, 1):
            _put(ws, row, column, col, values[column.key])
    last = len(projects) + 1
    if projects:
        money = [_col(columns, k) for k in ("budget_initial", "budget", "executed")]
        _decimal_validation(ws, money, last, "金额（万元）")
    _protect(ws)


def _indicator_values(
    project: Project, indicator: Indicator, done: IndicatorActual | None
) -> dict[str, _CellValue]:
    values: dict[str, _CellValue] = {
        "project": project.name,
        "level1": indicator.level1,
        "level2": indicator.level2,
        "name": indicator.name,
        "half_target": _text(indicator.half_year),
        "full_target": _text(indicator.full_year),
    }
    if done is None:
        return values
    manual = done.manual
    values |= {
        "value": _text(done.value),
        "forecast": _text(done.forecast),
        "likelihood": done.likelihood.value if done.likelihood is not None else None,
        "category": (
            done.deviation.category.value
            if done.deviation is not None and done.deviation.category is not None
            else None
        ),
        "reason": done.deviation.text if done.deviation is not None else None,
        "measures": done.measures or None,
        "not_applicable": _YES if done.not_applicable else None,
        "manual_score": manual.score if manual is not None else None,
        "manual_reason": manual.reason if manual is not None else None,
    }
    return values


def _write_indicators(
    ws: Worksheet,
    projects: Sequence[Project],
    period: Period,
    filled: Mapping[str, ProjectActuals],
) -> None:
    columns = _indicator_columns(period)
    _headers(ws, columns)
    row = 1
    for project in projects:
        done = filled.get(project.name.strip())
        reported = {a.indicator.strip(): a for a in done.indicators} if done is not None else {}
        for indicator in project.indicators:
            row += 1
            values = _indicator_values(project, indicator, reported.get(indicator.name.strip()))
            for col, column in enumerate(columns, 1):
                _put(ws, row, column, col, values.get(column.key))
    if row > 1:
        if period is Period.HALF_YEAR:
            _list_validation(ws, _col(columns, "likelihood"), row, _LIKELIHOODS, "完成目标可能性")
        _list_validation(ws, _col(columns, "category"), row, _CATEGORIES, "偏差原因类别")
        _list_validation(ws, _col(columns, "not_applicable"), row, (_YES,), "不适用")
        if period is Period.FULL_YEAR:
            _decimal_validation(ws, [_col(columns, "manual_score")], row, "人工评分")
    _protect(ws)


def _instructions(unit: str, fiscal_year: int | None, period: Period) -> list[str]:
    half = period is Period.HALF_YEAR
    actual = "当前完成值" if half else "实际完成值"
    year = f"{fiscal_year}年度" if fiscal_year is not None else ""
    lines = [
        f"{unit}{year}项目实际完成情况填报模板（{_PERIOD_LABELS[period]}）",
        "",
        "一、总体要求",
        "1. 灰色单元格（表头、项目名称、指标名称、指标值）已锁定，不能修改；请只填写白色单元格。",
        "2. 请保持文件结构不变：不要增删、重命名、移动工作表或列，不要修改表头，也不要增删行；"
        "填好后按原样以 .xlsx 格式上传（不要另存为 .xls、.csv 或 WPS 格式）。",
        "3. 某个指标的白色单元格全部留空，表示该指标本次未填报；某个项目没有任何填报内容，"
        "表示该项目本次未填报。",
        "4. 上传时系统会逐格检查，发现问题将列出每个有问题的单元格（如“指标完成情况!G7”），"
        "改正后重新上传即可；有任何问题时整个文件不会被保存。",
        "",
        f"二、工作表“{FUNDS_SHEET}”（每个项目一行，金额单位均为万元）",
        "项目名称：锁定，不能修改。",
        "年初预算数（万元）：年初批复的预算数。",
        "全年预算数（万元）：调整后的全年预算数；已按绩效目标表中的年度资金总额预填（如有），"
        "有调整请改正。",
        f"执行数（万元）：截至{'监控时点' if half else '年末'}的支出执行数。",
        "以上金额请填写不小于 0 的数字，不要带“万元”“约”等文字，也不要使用公式。",
        "执行偏差原因：预算执行进度滞后时说明原因。",
        "",
        f"三、工作表“{INDICATORS_SHEET}”（每个三级指标一行）",
        "项目名称、一级指标、二级指标、三级指标："
        + ("半年指标值、" if half else "")
        + "年度指标值：锁定，不能修改。",
        f"{actual}：{'截至监控时点的完成值' if half else '全年实际完成值'}，"
        "按指标值的写法填写，如“95%”“＝461人次”“2023年12月”“达成年度指标”。"
        "年度指标值为数值（定量）的指标，必须填写数值；暂无数据可填“/”。",
        "    直接输入数字时：设置为百分比格式的单元格按百分比读取（0.95 显示为 95%，读作“95%”）；"
        "其他数字自动加上年度指标值的单位（如年度指标值为“＝461人次”，填 470 读作“470人次”）。"
        "百分比建议直接输入“95%”。",
    ]
    if half:
        lines += [
            "全年预计完成情况：预计全年能达到的值，写法同上。",
            "完成目标可能性：从下拉列表选择“确定能”“有可能”或“完全不可能”。",
        ]
    lines += [
        "偏差原因类别：完成值与目标有偏差时，从下拉列表选择“经费保障”“制度保障”“人员保障”"
        "“硬件条件保障”或“其他”。",
        "偏差原因：说明偏差的具体原因。",
        f"{'整改措施' if half else '改进措施'}：针对偏差拟采取或已采取的措施。",
        "不适用：该指标本年度不适用时填“是”，否则留空。",
    ]
    if not half:
        lines.append(
            "人工评分、评分理由：需要人工调整评分时填写；评分为不小于 0 的数字，"
            "必须同时写明评分理由。"
        )
    return lines


def _write_instructions(ws: Worksheet, lines: Sequence[str]) -> None:
    ws.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, 1):
        cell = ws.cell(row=row, column=1)
        text_cell(cell, _clean(line))
        cell.alignment = _WRAP
        if row == 1:
            cell.font = Font(bold=True, size=14)
        elif line[:2] in ("一、", "二、", "三、"):
            cell.font = Font(bold=True)
    _protect(ws)


def _write_meta(
    ws: Worksheet, unit: str, fiscal_year: int | None, period: Period, month: int | None
) -> None:
    rows: list[tuple[str, _CellValue]] = [
        ("format", XLSX_FORMAT),
        ("unit", unit),
        ("fiscal_year", fiscal_year),
        ("period", period.value),
        ("month", month),
    ]
    for row, (key, value) in enumerate(rows, 1):
        ws.cell(row=row, column=1, value=key)
        cell = ws.cell(row=row, column=2)
        if isinstance(value, str):
            text_cell(cell, _clean(value))
        else:
            cell.value = value
    ws.sheet_state = "hidden"
    _protect(ws)


def write_actuals_template(
    projects: Sequence[Project],
    *,
    unit: str,
    fiscal_year: int | None,
    period: Period,
    month: int | None = None,
    filled: Mapping[str, ProjectActuals] | None = None,
) -> bytes:
    """The XLSX template for a unit's projects in one period, as bytes.

    ``period`` is HALF_YEAR (运行监控) or FULL_YEAR (绩效自评).  ``filled`` (project name →
    its actuals) pre-fills the input cells with what was already reported; a budget it
    leaves None falls back to the project's 年度资金总额 (``funds.total``).  Reported
    indicators that are not among a project's indicators, and projects not in
    ``projects``, are not written (the template has a row per target indicator only).
    """
    if period not in _PERIODS:
        raise ValueError(f"period must be half_year or full_year, not {period.value}")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    done = {name.strip(): a for name, a in (filled or {}).items()}
    wb = Workbook()
    info = wb.active
    assert isinstance(info, Worksheet)
    info.title = INSTRUCTIONS_SHEET
    _write_instructions(info, _instructions(unit, fiscal_year, period))
    _write_funds(wb.create_sheet(FUNDS_SHEET), projects, done)
    _write_indicators(wb.create_sheet(INDICATORS_SHEET), projects, period, done)
    _write_meta(wb.create_sheet(META_SHEET), unit, fiscal_year, period, month)
    # Sheets cannot be added, removed, renamed or unhidden (no password).
    wb.security = WorkbookProtection(lockStructure=True)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Meta:
    fiscal_year: int | None
    period: Period
    month: int | None


@dataclass(frozen=True, slots=True)
class _FundsRow:
    name: str
    budget_initial: Number | None
    budget: Number | None
    executed: Number | None
    reason: str
    reported: bool
    cell: str


@dataclass(frozen=True, slots=True)
class _IndicatorRow:
    project: str
    actual: IndicatorActual
    project_cell: str


_AnyCell = Cell | MergedCell
_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DASHES = frozenset("-—–―－")
# The printed markers of "nothing to report" (as parse_value reads them), NFKC-folded.
_NOT_FILLED = frozenset({"/", "-", "--", "---", "无", "N/A", "n/a", "NA", "不适用", "暂无"})


class _Problems:
    """Problems found so far, each one line: ``sheet!cell（item）：message``."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, sheet: str, cell: str | None, item: str, message: str) -> None:
        place = f"{sheet}!{cell}" if cell else f"工作表“{sheet}”"
        self.lines.append(f"{place}（{item}）：{message}" if item else f"{place}：{message}")


def _error(where: str, lines: Sequence[str]) -> FormatError:
    head = f"{where}：实际完成情况填报表有 {len(lines)} 处问题，未读取任何数据："
    return FormatError("\n".join([head, *lines]))


def _shown(value: object) -> str:
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _is_empty(cell: _AnyCell) -> bool:
    value = cell.value
    return value is None or (isinstance(value, str) and not value.strip())


def _plain(number: Decimal) -> str:
    """A decimal in positional form without trailing zeros: 470.0 → 470, 95.50 → 95.5."""
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def _decimal(number: int | float) -> Decimal:
    return Decimal(number) if isinstance(number, int) else Decimal(repr(number))


def _is_percent_format(number_format: str) -> bool:
    """Whether an Excel number format scales by 100 (a ``%`` outside quotes and brackets)."""
    return "%" in _QUOTED.sub("", number_format)


def _cell_text(cell: _AnyCell, unit: str = "") -> str | None:
    """A cell's content as text (None when empty); numbers and dates by the module rules."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if _is_percent_format(cell.number_format):
            return _plain(_decimal(value) * 100) + "%"
        return _plain(_decimal(value)) + unit
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value).strip()
    return text or None


def _is_not_filled(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip()
    return folded in _NOT_FILLED or (bool(folded) and set(folded) <= _DASHES)


def _amount(cell: _AnyCell) -> tuple[Number | None, bool]:
    """(number, ok) of a money or score cell: numbers ≥ 0, or such a number in digits."""
    value = cell.value
    if value is None:
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        ok = math.isfinite(value) and value >= 0
        return (value, True) if ok else (None, False)
    text = str(value).strip()
    if not text:
        return None, True
    if _DIGITS.fullmatch(text):
        number: Number = float(text) if "." in text else int(text)
        return (number, True) if math.isfinite(number) else (None, False)
    return None, False


def _open(data: bytes, where: str) -> Workbook:
    try:
        return load_workbook(BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken or foreign file
        raise _error(
            where,
            [
                "不是有效的 .xlsx 文件，或文件已损坏"
                f"（{type(exc).__name__}）：请上传从本系统下载并填写的模板，"
                "不要另存为 .xls、.csv 或其他格式"
            ],
        ) from None


def _read_meta(wb: Workbook, problems: _Problems) -> _Meta | None:
    if META_SHEET not in wb.sheetnames:
        problems.add(
            META_SHEET,
            None,
            "",
            f"缺少隐藏工作表“{META_SHEET}”，这不是本系统生成的实际完成情况填报模板，{_REUPLOAD}",
        )
        return None
    ws = wb[META_SHEET]
    found: dict[str, tuple[object, str]] = {}
    for row in range(1, ws.max_row + 1):
        key = ws.cell(row=row, column=1).value
        if isinstance(key, str) and key.strip():
            cell = ws.cell(row=row, column=2)
            found.setdefault(key.strip(), (cell.value, cell.coordinate))
    fmt, fmt_cell = found.get("format", (None, "B1"))
    if fmt != XLSX_FORMAT:
        shown = f"“{_shown(fmt)}”" if fmt is not None else "空白"
        problems.add(
            META_SHEET,
            fmt_cell,
            "模板格式",
            f"格式为{shown}，本系统只能读取“{XLSX_FORMAT}”格式的实际完成情况填报模板，" + _REUPLOAD,
        )
        return None
    raw_period, period_cell = found.get("period", (None, "B4"))
    if not isinstance(raw_period, str) or raw_period not in {p.value for p in _PERIODS}:
        problems.add(
            META_SHEET,
            period_cell,
            "填报期间",
            f"应为“half_year”或“full_year”，不能是“{_shown(raw_period)}”，{_REUPLOAD}",
        )
        return None
    year, year_cell = found.get("fiscal_year", (None, "B3"))
    month, month_cell = found.get("month", (None, "B5"))
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        problems.add(META_SHEET, year_cell, "年度", f"应为年份，不能是“{_shown(year)}”")
        year = None
    if month is not None and (
        isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12
    ):
        problems.add(META_SHEET, month_cell, "监控月份", f"应为 1 至 12，不能是“{_shown(month)}”")
        month = None
    assert year is None or isinstance(year, int)
    assert month is None or isinstance(month, int)
    return _Meta(fiscal_year=year, period=Period(raw_period), month=month)


def _sheet(wb: Workbook, name: str, problems: _Problems) -> Worksheet | None:
    if name not in wb.sheetnames:
        problems.add(name, None, "", f"缺少工作表“{name}”，{_REUPLOAD}")
        return None
    ws = wb[name]
    if not isinstance(ws, Worksheet):
        problems.add(name, None, "", f"“{name}”不是普通工作表，{_REUPLOAD}")
        return None
    return ws


def _headers_ok(ws: Worksheet, columns: Sequence[_Column], problems: _Problems) -> bool:
    ok = True
    for col, column in enumerate(columns, 1):
        cell = ws.cell(row=1, column=col)
        text = _cell_text(cell)
        if text != column.header:
            shown = f"“{_shown(text)}”" if text is not None else "空白"
            problems.add(
                ws.title,
                cell.coordinate,
                "表头",
                f"应为“{column.header}”，现为{shown}（{_STRUCTURE}）",
            )
            ok = False
    for col in range(len(columns) + 1, ws.max_column + 1):
        cell = ws.cell(row=1, column=col)
        if not _is_empty(cell):
            problems.add(
                ws.title,
                cell.coordinate,
                "表头",
                f"多出了列“{_shown(cell.value)}”（{_STRUCTURE}）",
            )
            ok = False
    return ok


@dataclass(slots=True)
class _Row:
    """One data row: its cells by column key, and how to report a problem in it."""

    ws: Worksheet
    row: int
    columns: Sequence[_Column]
    problems: _Problems
    item: Callable[[str], str]

    def cell(self, key: str) -> _AnyCell:
        return self.ws.cell(row=self.row, column=_col(self.columns, key))

    def label(self, key: str) -> str:
        return next(c.label for c in self.columns if c.key == key)

    def bad(self, key: str, message: str) -> None:
        self.problems.add(self.ws.title, self.cell(key).coordinate, self.item(key), message)

    def formula(self, key: str) -> bool:
        """Report a formula in an input cell (its result is not stored by jixiao's files)."""
        if self.cell(key).data_type == "f":
            self.bad(key, "不支持公式，请直接填写结果")
            return True
        return False

    def text(self, key: str, unit: str = "") -> str | None:
        return None if self.formula(key) else _cell_text(self.cell(key), unit)

    def amount(self, key: str, what: str) -> Number | None:
        if self.formula(key):
            return None
        number, ok = _amount(self.cell(key))
        if not ok:
            self.bad(key, f"应为不小于 0 的数字{what}，不能是“{_shown(self.cell(key).value)}”")
        return number

    def entries_empty(self) -> bool:
        return all(_is_empty(self.cell(c.key)) for c in self.columns if c.entry)

    def all_empty(self) -> bool:
        return all(_is_empty(self.cell(c.key)) for c in self.columns)

    def name(self, key: str) -> str | None:
        """A locked name cell; reported when emptied."""
        text = _cell_text(self.cell(key))
        if text is None:
            self.bad(key, f"{self.label(key)}不能为空（灰色单元格请勿修改），{_REUPLOAD}")
        return text


def _read_funds(ws: Worksheet, problems: _Problems) -> list[_FundsRow]:
    columns = _funds_columns()
    if not _headers_ok(ws, columns, problems):
        return []
    rows: list[_FundsRow] = []
    seen: dict[str, str] = {}
    for r in range(2, ws.max_row + 1):
        name_cell = ws.cell(row=r, column=1)
        project = _cell_text(name_cell)

        def item(key: str, project: str | None = project, r: int = r) -> str:
            label = next(c.label for c in columns if c.key == key)
            if project is None:
                return f"第{r}行的{label}"
            return f"项目“{project}”" if key == "project" else f"项目“{project}”的{label}"

        row = _Row(ws, r, columns, problems, item)
        if row.all_empty():
            continue
        name = row.name("project")
        money = "（单位：万元，不要带文字）"
        budget_initial = row.amount("budget_initial", money)
        budget = row.amount("budget", money)
        executed = row.amount("executed", money)
        reason = row.text("execution_reason") or ""
        if name is None:
            continue
        if name in seen:
            row.bad("project", f"项目在本表中重复出现（另见 {seen[name]}）")
            continue
        seen[name] = name_cell.coordinate
        rows.append(
            _FundsRow(
                name=name,
                budget_initial=budget_initial,
                budget=budget,
                executed=executed,
                reason=reason,
                reported=not row.entries_empty(),
                cell=name_cell.coordinate,
            )
        )
    return rows


def _unit_of(*targets: TargetValue | None) -> str:
    """The unit a bare number takes in a row: the first quantitative target's unit."""
    for target in targets:
        if target is not None and target.kind is Kind.QUANTITATIVE:
            return target.unit
    return ""


def _value(
    row: _Row, key: str, target: TargetValue | None, unit: str, source: Provenance
) -> TargetValue | None:
    text = row.text(key, unit)
    if text is None:
        return None
    value = parse_value(text)
    if (
        target is not None
        and target.kind is Kind.QUANTITATIVE
        and value.kind is not Kind.QUANTITATIVE
        and not _is_not_filled(text)
    ):
        row.bad(
            key,
            f"应为指标值，{_VALUE_EXAMPLE}，不能是“{_shown(text)}”"
            f"（年度指标值“{target.text}”是数值，暂无数据可填“/”）",
        )
    return value.with_source(source)


def _choice(row: _Row, key: str, choices: Sequence[str]) -> str | None:
    text = row.text(key)
    if text is None:
        return None
    if text not in choices:
        listed = "、".join(f"“{c}”" for c in choices)
        row.bad(
            key, f"应为{listed}{'之一' if len(choices) > 1 else ''}或留空，不能是“{_shown(text)}”"
        )
        return None
    return text


def _read_indicator_row(
    row: _Row, project: str | None, name: str | None, period: Period, where: str
) -> IndicatorActual | None:
    half = period is Period.HALF_YEAR
    full_target_text = _cell_text(row.cell("full_target"))
    full_target = parse_value(full_target_text) if full_target_text else None
    half_target: TargetValue | None = None
    if half:
        half_text = _cell_text(row.cell("half_target"))
        half_target = parse_value(half_text) if half_text else None
    unit = _unit_of(full_target, half_target)
    target = full_target if full_target is not None else half_target
    value_cell = row.cell("value").coordinate
    source = Provenance(file=where, sheet=row.ws.title, cell=value_cell)
    value = _value(row, "value", target, unit, source)
    forecast: TargetValue | None = None
    likelihood: str | None = None
    if half:
        forecast_source = Provenance(
            file=where, sheet=row.ws.title, cell=row.cell("forecast").coordinate
        )
        forecast = _value(row, "forecast", target, unit, forecast_source)
        likelihood = _choice(row, "likelihood", _LIKELIHOODS)
    category = _choice(row, "category", _CATEGORIES)
    reason = row.text("reason") or ""
    measures = row.text("measures") or ""
    not_applicable = _choice(row, "not_applicable", (_YES,)) is not None
    manual: ManualScore | None = None
    if not half:
        score = row.amount("manual_score", "")
        why = row.text("manual_reason")
        score_given = not _is_empty(row.cell("manual_score"))
        if score_given and why is None:
            row.bad(
                "manual_score",
                f"填写了人工评分，必须同时在 {row.cell('manual_reason').coordinate} 填写评分理由",
            )
        elif why is not None and not score_given:
            row.bad(
                "manual_reason",
                f"填写了评分理由，但 {row.cell('manual_score').coordinate} 没有填写人工评分",
            )
        elif score is not None and why is not None:
            manual = ManualScore(float(score), why)
    if project is None or name is None:
        return None
    return IndicatorActual(
        indicator=name,
        value=value,
        forecast=forecast,
        likelihood=Likelihood(likelihood) if likelihood else None,
        deviation=(
            Deviation(reason, DeviationCategory(category) if category else None)
            if reason or category
            else None
        ),
        measures=measures,
        manual=manual,
        not_applicable=not_applicable,
        source=source,
    )


def _read_indicators(
    ws: Worksheet, period: Period, where: str, problems: _Problems
) -> list[_IndicatorRow]:
    columns = _indicator_columns(period)
    if not _headers_ok(ws, columns, problems):
        return []
    rows: list[_IndicatorRow] = []
    seen: dict[tuple[str, str], str] = {}
    project_col, name_col = _col(columns, "project"), _col(columns, "name")
    for r in range(2, ws.max_row + 1):
        project = _cell_text(ws.cell(row=r, column=project_col))
        name = _cell_text(ws.cell(row=r, column=name_col))

        def item(
            key: str, project: str | None = project, name: str | None = name, r: int = r
        ) -> str:
            label = next(c.label for c in columns if c.key == key)
            if key == "project":
                return f"第{r}行的项目名称" if project is None else f"项目“{project}”"
            if key == "name":
                who = f"项目“{project}”" if project is not None else f"第{r}行"
                return f"{who}的三级指标"
            owner = f"项目“{project}”" if project is not None else f"第{r}行"
            indicator = f"指标“{name}”" if name is not None else "（指标名称为空）"
            return f"{owner}，{indicator}的{label}"

        row = _Row(ws, r, columns, problems, item)
        if row.all_empty():
            continue
        row.name("project")
        row.name("name")
        if row.entries_empty():
            continue
        actual = _read_indicator_row(row, project, name, period, where)
        if actual is None or project is None or name is None:
            continue
        key = (project, name)
        if key in seen:
            row.bad("name", f"指标在本表中重复出现（另见第 {seen[key]} 行）")
            continue
        seen[key] = str(r)
        rows.append(_IndicatorRow(project, actual, row.cell("project").coordinate))
    return rows


def read_actuals_template(data: bytes, *, where: str) -> ActualsDocument:
    """The actuals a filled template reports; :class:`FormatError` lists every bad cell.

    ``where`` names the file in provenance and messages.  Every IndicatorActual's
    ``source`` is the cell of its 当前/实际完成值, every ProjectActuals' the 项目名称 cell of
    its 项目资金 row (or of its first indicator row when the project has no funds row).
    """
    wb = _open(data, where)
    problems = _Problems()
    meta = _read_meta(wb, problems)
    if meta is None:
        raise _error(where, problems.lines)
    funds_ws = _sheet(wb, FUNDS_SHEET, problems)
    indicators_ws = _sheet(wb, INDICATORS_SHEET, problems)
    funds = _read_funds(funds_ws, problems) if funds_ws is not None else []
    indicators = (
        _read_indicators(indicators_ws, meta.period, where, problems)
        if indicators_ws is not None
        else []
    )
    if problems.lines:
        raise _error(where, problems.lines)

    by_project: dict[str, list[_IndicatorRow]] = {}
    for item in indicators:
        by_project.setdefault(item.project, []).append(item)
    funds_by_name = {f.name: f for f in funds}
    order = [f.name for f in funds] + [p for p in by_project if p not in funds_by_name]
    projects: list[ProjectActuals] = []
    for name in order:
        row = funds_by_name.get(name)
        reported = by_project.get(name, [])
        if not reported and (row is None or not row.reported):
            continue
        cell = row.cell if row is not None else reported[0].project_cell
        sheet = FUNDS_SHEET if row is not None else INDICATORS_SHEET
        projects.append(
            ProjectActuals(
                project=name,
                period=meta.period,
                budget=row.budget if row is not None else None,
                executed=row.executed if row is not None else None,
                budget_initial=row.budget_initial if row is not None else None,
                execution_reason=row.reason if row is not None else "",
                indicators=tuple(i.actual for i in reported),
                source=Provenance(file=where, sheet=sheet, cell=cell),
            )
        )
    return ActualsDocument(
        fiscal_year=meta.fiscal_year,
        period=meta.period,
        projects=tuple(projects),
        month=meta.month,
    )
