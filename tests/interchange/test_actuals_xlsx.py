"""The XLSX actuals template: its layout, filling it as a unit would, and cell-naming errors."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
from jixiao.domain.model import Funds, Indicator, Period, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind, Op, TargetValue, format_value, parse_value
from jixiao.ingest import read_path
from jixiao.interchange import FormatError
from jixiao.interchange.actuals import loads_actuals
from jixiao.interchange.actuals_xlsx import (
    FUNDS_SHEET,
    INDICATORS_SHEET,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    XLSX_FORMAT,
    read_actuals_template,
    write_actuals_template,
)
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL = EXAMPLES / "seed-actuals-2023-full-year.json"
HALF = EXAMPLES / "seed-actuals-2023-half-year.json"
UNIT = "无锡市人民代表大会常务委员会办公室"
GREY = "00D9D9D9"

FUNDS_HEADERS = [
    "项目名称",
    "年初预算数（万元）",
    "全年预算数（万元）",
    "执行数（万元）",
    "执行偏差原因",
]
HALF_HEADERS = [
    "项目名称",
    "一级指标",
    "二级指标",
    "三级指标",
    "半年指标值",
    "年度指标值",
    "当前完成值",
    "全年预计完成情况",
    "完成目标可能性",
    "偏差原因类别",
    "偏差原因",
    "整改措施",
    "不适用",
]
FULL_HEADERS = [
    "项目名称",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因类别",
    "偏差原因",
    "改进措施",
    "不适用",
    "人工评分",
    "评分理由",
]
HEADERS = {Period.HALF_YEAR: HALF_HEADERS, Period.FULL_YEAR: FULL_HEADERS}
LOCKED_INDICATOR_COLUMNS = {
    Period.HALF_YEAR: {"项目名称", "一级指标", "二级指标", "三级指标", "半年指标值", "年度指标值"},
    Period.FULL_YEAR: {"项目名称", "一级指标", "二级指标", "三级指标", "年度指标值"},
}


@pytest.fixture(scope="module")
def projects() -> tuple[Project, ...]:
    return read_path(SEED).projects


def _example(path: Path) -> tuple[dict[str, Any], ActualsDocument]:
    """The example's JSON and its document (projects only: the template has no 部门整体)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    data.pop("overall", None)
    return data, loads_actuals(json.dumps(data, ensure_ascii=False), where=path.name)


def _template(
    tmp_path: Path,
    projects: tuple[Project, ...],
    period: Period,
    *,
    month: int | None = None,
    filled: dict[str, ProjectActuals] | None = None,
) -> Path:
    path = tmp_path / f"模板-{period.value}.xlsx"
    path.write_bytes(
        write_actuals_template(
            projects, unit=UNIT, fiscal_year=2023, period=period, month=month, filled=filled
        )
    )
    return path


def _col(period: Period, header: str) -> int:
    return HEADERS[period].index(header) + 1


def _edit(path: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open the file with openpyxl, change it as a user would, save it in place."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def _read(path: Path) -> ActualsDocument:
    return read_actuals_template(path.read_bytes(), where=path.name)


def _problems(path: Path) -> list[str]:
    with pytest.raises(FormatError) as caught:
        _read(path)
    head, *lines = str(caught.value).split("\n")
    assert head.startswith(f"{path.name}：实际完成情况填报表有 {len(lines)} 处问题")
    return lines


def _rows(ws: Worksheet, column: int) -> Iterator[tuple[int, str]]:
    for row in range(2, ws.max_row + 1):
        yield row, str(ws.cell(row=row, column=column).value)


def _find_row(ws: Worksheet, project: str, indicator: str | None = None) -> int:
    name_col = 4 if ws.title == INDICATORS_SHEET else 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == project and (
            indicator is None or ws.cell(row=row, column=name_col).value == indicator
        ):
            return row
    raise AssertionError(f"no row for {project} / {indicator}")


# -- the template as written --------------------------------------------------------------


@pytest.mark.parametrize("period", [Period.HALF_YEAR, Period.FULL_YEAR])
def test_template_layout(tmp_path: Path, projects: tuple[Project, ...], period: Period) -> None:
    path = _template(tmp_path, projects, period, month=6 if period is Period.HALF_YEAR else None)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, FUNDS_SHEET, INDICATORS_SHEET, META_SHEET]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 3 + ["hidden"]
    assert wb.security is not None and wb.security.lockStructure
    assert all(ws.protection.sheet for ws in wb.worksheets)

    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta == {
        "format": XLSX_FORMAT,
        "unit": UNIT,
        "fiscal_year": 2023,
        "period": period.value,
        "month": 6 if period is Period.HALF_YEAR else None,
    }

    info = "\n".join(str(c.value) for c in wb[INSTRUCTIONS_SHEET]["A"] if c.value)
    for needed in ("万元", "灰色", "锁定", "经费保障", "硬件条件保障", "不适用", ".xlsx", UNIT):
        assert needed in info
    assert ("确定能" in info) is (period is Period.HALF_YEAR)
    assert ("人工评分" in info) is (period is Period.FULL_YEAR)

    funds = wb[FUNDS_SHEET]
    assert [c.value for c in funds[1]] == FUNDS_HEADERS
    assert [funds.cell(row=r, column=1).value for r in range(2, funds.max_row + 1)] == [
        p.name for p in projects
    ]
    assert funds.freeze_panes == "A2"
    for row in range(2, funds.max_row + 1):
        name = funds.cell(row=row, column=1)
        assert name.protection.locked and name.fill.fgColor.rgb == GREY
        for col in range(2, 6):
            cell = funds.cell(row=row, column=col)
            assert not cell.protection.locked, cell.coordinate
            assert cell.value is None  # the seed gives no 年度资金总额 to pre-fill
            assert cell.alignment.wrap_text
    last = funds.max_row
    (money,) = funds.data_validations.dataValidation
    assert (money.type, money.operator, money.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert str(money.sqref) == f"B2:B{last} C2:C{last} D2:D{last}"

    ws = wb[INDICATORS_SHEET]
    headers = HEADERS[period]
    assert [c.value for c in ws[1]] == headers
    assert ws.freeze_panes == "A2"
    indicators = [(p, i) for p in projects for i in p.indicators]
    assert ws.max_row == len(indicators) + 1 == 33
    target = "半年指标值" if period is Period.HALF_YEAR else "年度指标值"
    for row, (project, indicator) in enumerate(indicators, 2):
        assert ws.cell(row=row, column=1).value == project.name
        assert ws.cell(row=row, column=4).value == indicator.name
        value = indicator.value(period)
        assert value is not None
        assert ws.cell(row=row, column=headers.index(target) + 1).value == value.text
        for col, header in enumerate(headers, 1):
            cell = ws.cell(row=row, column=col)
            locked = header in LOCKED_INDICATOR_COLUMNS[period]
            assert cell.protection.locked is locked, cell.coordinate
            assert (cell.fill.fgColor.rgb == GREY) is locked, cell.coordinate
    actual = "当前完成值" if period is Period.HALF_YEAR else "实际完成值"
    assert ws.cell(row=2, column=headers.index(actual) + 1).number_format == "@"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["B"].width

    found = {
        str(dv.sqref): (dv.type, dv.formula1, dv.operator)
        for dv in ws.data_validations.dataValidation
    }

    def letter(header: str) -> str:
        return openpyxl.utils.get_column_letter(headers.index(header) + 1)

    expected = {
        f"{letter('偏差原因类别')}2:{letter('偏差原因类别')}33": (
            "list",
            '"经费保障,制度保障,人员保障,硬件条件保障,其他"',
            None,
        ),
        f"{letter('不适用')}2:{letter('不适用')}33": ("list", '"是"', None),
    }
    if period is Period.HALF_YEAR:
        expected[f"{letter('完成目标可能性')}2:{letter('完成目标可能性')}33"] = (
            "list",
            '"确定能,有可能,完全不可能"',
            None,
        )
    else:
        expected[f"{letter('人工评分')}2:{letter('人工评分')}33"] = (
            "decimal",
            "0",
            "greaterThanOrEqual",
        )
    assert found == expected

    # Read back untouched: nothing is reported.
    assert _read(path) == ActualsDocument(
        fiscal_year=2023, period=period, month=6 if period is Period.HALF_YEAR else None
    )


def test_budgets_are_prefilled_from_the_targets(tmp_path: Path) -> None:
    project = Project(
        name="有资金的项目",
        funds=Funds.printed("万元", total=35.6, fiscal=35.6),
        indicators=(
            Indicator("产出指标", "数量指标", "培训人次", full_year=parse_value("≥400人次")),
        ),
    )
    path = _template(tmp_path, (project,), Period.FULL_YEAR)
    ws = openpyxl.load_workbook(path)[FUNDS_SHEET]
    assert [c.value for c in ws[2]] == ["有资金的项目", 35.6, 35.6, None, None]
    # What the file shows is what it reports: the pre-filled budgets count.
    doc = _read(path)
    assert doc.projects == (
        ProjectActuals("有资金的项目", Period.FULL_YEAR, budget=35.6, budget_initial=35.6),
    )


def test_writing_refuses_other_periods_and_months(projects: tuple[Project, ...]) -> None:
    with pytest.raises(ValueError, match="period"):
        write_actuals_template(projects, unit=UNIT, fiscal_year=2023, period=Period.LONG_TERM)
    with pytest.raises(ValueError, match="month"):
        write_actuals_template(
            projects, unit=UNIT, fiscal_year=2023, period=Period.HALF_YEAR, month=13
        )


# -- filled in as a unit would --------------------------------------------------------------

_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_NUMBER_UNIT = re.compile(r"(\d+(?:\.\d+)?)(\D*)")


def _type_value(ws: Worksheet, row: int, col: int, text: str, unit: str, kinds: list[str]) -> None:
    """Type a value as people do: 95% as a percent-formatted number, 470 (人次) as a number."""
    cell = ws.cell(row=row, column=col)
    percent = _PERCENT.fullmatch(text)
    plain = _NUMBER_UNIT.fullmatch(text)
    if percent:
        cell.value = float(Decimal(percent.group(1)) / 100)
        cell.number_format = "0%"
        kinds.append("percent")
    elif plain and plain.group(2) == unit and unit != "%":
        number = Decimal(plain.group(1))
        cell.value = int(number) if number == int(number) else float(number)
        kinds.append("number")
    else:
        cell.value = text
        kinds.append("text")


def _fill(path: Path, data: dict[str, Any], period: Period) -> list[str]:
    """Type the contents of a jixiao-actuals/1 JSON document into the template."""
    kinds: list[str] = []
    headers = HEADERS[period]
    actual = "当前完成值" if period is Period.HALF_YEAR else "实际完成值"
    measures = "整改措施" if period is Period.HALF_YEAR else "改进措施"

    def change(wb: openpyxl.Workbook) -> None:
        funds, ws = wb[FUNDS_SHEET], wb[INDICATORS_SHEET]
        for project in data["projects"]:
            name = project["name"]
            row = _find_row(funds, name)
            for col, key in ((2, "budget_initial"), (3, "budget"), (4, "executed")):
                if key in project:
                    funds.cell(row=row, column=col).value = project[key]
            if "execution_reason" in project:
                funds.cell(row=row, column=5).value = project["execution_reason"]
            columns = {
                "actuals": actual,
                "forecasts": "全年预计完成情况",
                "likelihood": "完成目标可能性",
                "categories": "偏差原因类别",
                "reasons": "偏差原因",
                "measures": measures,
            }
            for key, header in columns.items():
                for indicator, text in project.get(key, {}).items():
                    row = _find_row(ws, name, indicator)
                    target = str(ws.cell(row=row, column=_col(period, "年度指标值")).value)
                    unit = parse_value(target).unit
                    col = headers.index(header) + 1
                    if key in ("actuals", "forecasts"):
                        _type_value(ws, row, col, text, unit, kinds)
                    else:
                        ws.cell(row=row, column=col).value = text
            for indicator in project.get("not_applicable", []):
                ws.cell(
                    row=_find_row(ws, name, indicator), column=_col(period, "不适用")
                ).value = "是"
            for indicator, manual in project.get("manual_scores", {}).items():
                row = _find_row(ws, name, indicator)
                ws.cell(row=row, column=_col(period, "人工评分")).value = manual["score"]
                ws.cell(row=row, column=_col(period, "评分理由")).value = manual["reason"]

    _edit(path, change)
    return kinds


@pytest.mark.parametrize(
    ("example", "period"), [(FULL, Period.FULL_YEAR), (HALF, Period.HALF_YEAR)]
)
def test_filled_template_reads_as_the_equivalent_json(
    tmp_path: Path, projects: tuple[Project, ...], example: Path, period: Period
) -> None:
    data, expected = _example(example)
    path = _template(tmp_path, projects, period, month=data.get("month"))
    kinds = _fill(path, data, period)
    # Percent-formatted numbers and plain numbers both; ＝470人次 stays text (full year).
    assert {"percent", "number"} <= set(kinds)
    assert ("text" in kinds) is (period is Period.FULL_YEAR)
    doc = _read(path)
    assert doc == expected
    # Values typed as numbers read as the same text as the JSON's.
    for got, want in zip(doc.projects, expected.projects, strict=True):
        for a, b in zip(got.indicators, want.indicators, strict=True):
            assert a.value is not None and b.value is not None
            assert a.value.text == b.value.text


def test_provenance_names_the_cells(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    data, _ = _example(FULL)
    path = _template(tmp_path, projects, Period.FULL_YEAR)
    _fill(path, data, Period.FULL_YEAR)
    doc = _read(path)
    activity = doc.projects[1]
    assert activity.source == Provenance(file=path.name, sheet=FUNDS_SHEET, cell="A3")
    timely = activity.actual("人大代表履职保障及时性")
    assert timely is not None
    # 代表活动经费 is the second project: rows 6..9, 及时性 the third of them; F = 实际完成值.
    assert timely.source == Provenance(file=path.name, sheet=INDICATORS_SHEET, cell="F8")
    assert timely.value is not None and timely.value.source == timely.source
    cells = [a.source.cell for p in doc.projects for a in p.indicators if a.source is not None]
    assert cells == [f"F{row}" for row in range(2, 34)]


@pytest.mark.parametrize(
    ("example", "period"), [(FULL, Period.FULL_YEAR), (HALF, Period.HALF_YEAR)]
)
def test_filled_round_trip(
    tmp_path: Path, projects: tuple[Project, ...], example: Path, period: Period
) -> None:
    _, doc = _example(example)
    path = _template(
        tmp_path,
        projects,
        period,
        month=doc.month,
        filled={p.project: p for p in doc.projects},
    )
    assert _read(path) == doc


def test_filled_round_trip_with_every_field(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    _, doc = _example(FULL)
    first = doc.projects[0]
    changed = (
        dataclasses.replace(
            first.indicators[0],
            manual=ManualScore(4.5, "目标设定明显偏低，酌情扣分"),
            deviation=Deviation("  原因  ", DeviationCategory.STAFF),
            measures="加强培训组织",
        ),
        dataclasses.replace(first.indicators[1], value=None, not_applicable=True),
        dataclasses.replace(first.indicators[2], value=parse_value("=100%")),  # not a formula
        *first.indicators[3:],
    )
    project = dataclasses.replace(
        first, budget_initial=30, execution_reason="部分培训延期", indicators=changed
    )
    doc = dataclasses.replace(doc, projects=(project, *doc.projects[1:]))
    path = _template(
        tmp_path, projects, Period.FULL_YEAR, filled={p.project: p for p in doc.projects}
    )
    again = _read(path)
    # Free text is read stripped, as the JSON reader strips reasons and measures.
    assert again.projects[0].indicators[0].deviation == Deviation("原因", DeviationCategory.STAFF)
    expected = dataclasses.replace(
        project,
        indicators=(
            dataclasses.replace(changed[0], deviation=Deviation("原因", DeviationCategory.STAFF)),
            *changed[1:],
        ),
    )
    assert again.projects == (expected, *doc.projects[1:])

    half_data, half = _example(HALF)
    lagging = dataclasses.replace(
        half.projects[1].indicators[0],
        forecast=parse_value("90%"),
        likelihood=Likelihood.IMPOSSIBLE,
        deviation=Deviation("", DeviationCategory.FUNDING),
    )
    half_project = dataclasses.replace(
        half.projects[1], indicators=(lagging, *half.projects[1].indicators[1:])
    )
    half = dataclasses.replace(half, projects=(half.projects[0], half_project, half.projects[2]))
    path = _template(
        tmp_path,
        projects,
        Period.HALF_YEAR,
        month=half_data["month"],
        filled={p.project: p for p in half.projects},
    )
    assert _read(path) == half


def test_numbers_typed_in_value_cells(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    path = _template(tmp_path, projects, Period.FULL_YEAR)
    value = _col(Period.FULL_YEAR, "实际完成值")

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[INDICATORS_SHEET]
        ws.cell(row=2, column=value).value = 470  # target ＝461人次
        ws.cell(row=3, column=value).value = 0.955  # target ＝100%, percent format
        ws.cell(row=3, column=value).number_format = "0.0%"
        ws.cell(row=4, column=value).value = 98.0  # target ＝100%, plain number: the unit %
        ws.cell(row=5, column=value).value = 1  # "1" with quotes: not a percent format
        ws.cell(row=5, column=value).number_format = '0"%"'
        ws.cell(row=6, column=value).value = "  ＝100%\n"  # text: kept, stripped

    _edit(path, change)
    values = [a.value.text for a in _read(path).projects[0].indicators if a.value is not None]
    assert values == ["470人次", "95.5%", "98%", "1%"]
    second = _read(path).projects[1].indicators[0].value
    assert second is not None and second.text == "＝100%"


# -- validation ---------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    path = _template(tmp_path, projects, Period.FULL_YEAR)
    col = {h: openpyxl.utils.get_column_letter(i) for i, h in enumerate(FULL_HEADERS, 1)}

    def change(wb: openpyxl.Workbook) -> None:
        funds, ws = wb[FUNDS_SHEET], wb[INDICATORS_SHEET]
        funds["D2"] = "约30万"
        funds["C3"] = -1
        funds["B4"] = "=1+1"  # a formula
        funds["A5"] = None
        funds["D5"] = 10
        ws[f"{col['实际完成值']}9"] = "约九成"  # 代表活动经费 / 履职代表满意度, ≥90%
        ws[f"{col['实际完成值']}10"] = "完成"  # 人代会会议经费 / 组织召开人民代表大会, ＝1次
        ws[f"{col['实际完成值']}11"] = "/"  # not filled: fine
        ws[f"{col['偏差原因类别']}12"] = "天气"
        ws[f"{col['不适用']}13"] = "否"
        ws[f"{col['人工评分']}14"] = "高"
        ws[f"{col['评分理由']}14"] = "理由"
        ws[f"{col['人工评分']}15"] = -1
        ws[f"{col['评分理由']}15"] = "理由"
        ws[f"{col['人工评分']}16"] = 5
        ws[f"{col['评分理由']}17"] = "只有理由"
        ws[f"{col['三级指标']}18"] = "  "
        ws[f"{col['实际完成值']}18"] = "100%"
        ws[f"{col['项目名称']}19"] = None

    _edit(path, change)
    lines = _problems(path)
    who9 = "项目“代表活动经费”，指标“履职代表满意度”"
    assert lines == [
        "项目资金!D2（项目“人大代表履职培训费”的执行数）：应为不小于 0 的数字（单位：万元，不要带文字），不能是“约30万”",
        "项目资金!C3（项目“代表活动经费”的全年预算数）：应为不小于 0 的数字（单位：万元，不要带文字），不能是“-1”",
        "项目资金!B4（项目“人代会会议经费”的年初预算数）：不支持公式，请直接填写结果",
        "项目资金!A5（第5行的项目名称）：项目名称不能为空（灰色单元格请勿修改），请重新下载模板后填写",
        f"指标完成情况!F9（{who9}的实际完成值）：应为指标值，如“95%”或“＝461人次”，不能是“约九成”（年度指标值“≥90%”是数值，暂无数据可填“/”）",
        "指标完成情况!F10（项目“人代会会议经费”，指标“组织召开人民代表大会”的实际完成值）：应为指标值，如“95%”或“＝461人次”，不能是“完成”（年度指标值“＝1次”是数值，暂无数据可填“/”）",
        "指标完成情况!G12（项目“人代会会议经费”，指标“按规定时间及时召开人代会”的偏差原因类别）：应为“经费保障”、“制度保障”、“人员保障”、“硬件条件保障”、“其他”之一或留空，不能是“天气”",
        "指标完成情况!J13（项目“人代会会议经费”，指标“参会代表满意度”的不适用）：应为“是”或留空，不能是“否”",
        "指标完成情况!K14（项目“人大工作经费”，指标“年度重点工作完成率”的人工评分）：应为不小于 0 的数字，不能是“高”",
        "指标完成情况!K15（项目“人大工作经费”，指标“保质保量完成年度重点工作”的人工评分）：应为不小于 0 的数字，不能是“-1”",
        "指标完成情况!K16（项目“人大工作经费”，指标“年度工作完成及时性”的人工评分）：填写了人工评分，必须同时在 L16 填写评分理由",
        "指标完成情况!L17（项目“人大工作经费”，指标“服务对象满意度”的评分理由）：填写了评分理由，但 K17 没有填写人工评分",
        "指标完成情况!D18（项目“《人大之声》制作经费”的三级指标）：三级指标不能为空（灰色单元格请勿修改），请重新下载模板后填写",
        "指标完成情况!A19（第19行的项目名称）：项目名称不能为空（灰色单元格请勿修改），请重新下载模板后填写",
    ]


@pytest.mark.parametrize("period", [Period.HALF_YEAR, Period.FULL_YEAR])
def test_text_where_a_number_is_needed(
    tmp_path: Path, projects: tuple[Project, ...], period: Period
) -> None:
    path = _template(tmp_path, projects, period, month=6)
    headers = HEADERS[period]
    actual = "当前完成值" if period is Period.HALF_YEAR else "实际完成值"
    value = openpyxl.utils.get_column_letter(headers.index(actual) + 1)

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[INDICATORS_SHEET]
        ws[f"{value}7"] = "较好"  # a grade where ＝100% is wanted
        if period is Period.HALF_YEAR:
            ws["H7"] = "预计能完成"  # 全年预计完成情况, the same rule
            ws["I7"] = "大概"  # 完成目标可能性

    _edit(path, change)
    who = "项目“代表活动经费”，指标“按法规、制度要求开展保障工作”"
    lines = _problems(path)
    assert lines[0] == (
        f"指标完成情况!{value}7（{who}的{actual}）：应为指标值，如“95%”或“＝461人次”，"
        "不能是“较好”（年度指标值“＝100%”是数值，暂无数据可填“/”）"
    )
    if period is Period.HALF_YEAR:
        assert lines[1].startswith(f"指标完成情况!H7（{who}的全年预计完成情况）：应为指标值")
        assert lines[2] == (
            f"指标完成情况!I7（{who}的完成目标可能性）："
            "应为“确定能”、“有可能”、“完全不可能”之一或留空，不能是“大概”"
        )
    assert len(lines) == (3 if period is Period.HALF_YEAR else 1)


def test_not_filled_markers_and_non_numeric_targets_take_text(tmp_path: Path) -> None:
    project = Project(
        name="定性项目",
        indicators=(
            Indicator("效益指标", "社会效益指标", "社会影响", full_year=parse_value("≥较好")),
            Indicator("产出指标", "时效指标", "完成时间", full_year=parse_value("2023年12月底前")),
            Indicator("产出指标", "数量指标", "场次", full_year=parse_value("≥4场")),
            Indicator("产出指标", "数量指标", "人次", full_year=parse_value("≥4人次")),
        ),
    )
    path = _template(tmp_path, (project,), Period.FULL_YEAR)

    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[INDICATORS_SHEET]
        ws["F2"] = "社会反响良好"
        ws["F3"] = datetime(2023, 11, 30)
        ws["F4"] = "—"
        ws["F5"] = "暂无"

    _edit(path, change)
    (got,) = _read(path).projects
    assert [a.value.text for a in got.indicators if a.value is not None] == [
        "社会反响良好",
        "2023年11月30日",
        "—",
        "暂无",
    ]
    assert [a.value.kind for a in got.indicators if a.value is not None] == [
        Kind.TEXT,
        Kind.DATE,
        Kind.TEXT,
        Kind.TEXT,
    ]


@pytest.mark.parametrize("period", [Period.HALF_YEAR, Period.FULL_YEAR])
def test_changed_or_moved_headers_are_named(
    tmp_path: Path, projects: tuple[Project, ...], period: Period
) -> None:
    path = _template(tmp_path, projects, period)
    headers = HEADERS[period]

    def change(wb: openpyxl.Workbook) -> None:
        funds, ws = wb[FUNDS_SHEET], wb[INDICATORS_SHEET]
        funds["C1"], funds["D1"] = funds["D1"].value, funds["C1"].value  # columns swapped
        ws["F1"] = "目标值"
        ws.cell(row=1, column=len(headers) + 1).value = "备注"
        ws["A2"] = None  # not reported: the sheet's rows are not read at all

    _edit(path, change)
    extra = openpyxl.utils.get_column_letter(len(headers) + 1)
    structure = "请勿修改表头，也不要增删或移动列"
    assert _problems(path) == [
        f"项目资金!C1（表头）：应为“全年预算数（万元）”，现为“执行数（万元）”（{structure}）",
        f"项目资金!D1（表头）：应为“执行数（万元）”，现为“全年预算数（万元）”（{structure}）",
        f"指标完成情况!F1（表头）：应为“{headers[5]}”，现为“目标值”（{structure}）",
        f"指标完成情况!{extra}1（表头）：多出了列“备注”（{structure}）",
    ]


def test_a_template_of_the_other_period_is_refused_by_its_headers(
    tmp_path: Path, projects: tuple[Project, ...]
) -> None:
    path = _template(tmp_path, projects, Period.FULL_YEAR)

    def change(wb: openpyxl.Workbook) -> None:
        wb[META_SHEET]["B4"] = "half_year"

    _edit(path, change)
    lines = _problems(path)
    assert lines[0].startswith("指标完成情况!E1（表头）：应为“半年指标值”，现为“年度指标值”")


@pytest.mark.parametrize(
    "data",
    [b"", b"not a workbook", b"PK\x03\x04broken", "项目名称,执行数\n".encode()],
    ids=["empty", "text", "broken zip", "csv"],
)
def test_not_an_xlsx(data: bytes) -> None:
    with pytest.raises(FormatError) as caught:
        read_actuals_template(data, where="上传.xlsx")
    head, line = str(caught.value).split("\n")
    assert head == "上传.xlsx：实际完成情况填报表有 1 处问题，未读取任何数据："
    assert line.startswith("不是有效的 .xlsx 文件，或文件已损坏")


def test_truncated_file(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    data = _template(tmp_path, projects, Period.FULL_YEAR).read_bytes()
    with pytest.raises(FormatError, match=r"不是有效的 \.xlsx 文件"):
        read_actuals_template(data[: len(data) // 2], where="x.xlsx")


def test_missing_or_foreign_meta_sheet(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    other = tmp_path / "其他.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(other)
    assert _problems(other) == [
        "工作表“_jixiao”：缺少隐藏工作表“_jixiao”，这不是本系统生成的实际完成情况填报模板，"
        "请重新下载模板后填写"
    ]

    path = _template(tmp_path, projects, Period.FULL_YEAR)
    _edit(path, lambda wb: wb[META_SHEET].__setitem__("B1", "jixiao-actuals-xlsx/2"))
    assert _problems(path) == [
        "_jixiao!B1（模板格式）：格式为“jixiao-actuals-xlsx/2”，本系统只能读取"
        "“jixiao-actuals-xlsx/1”格式的实际完成情况填报模板，请重新下载模板后填写"
    ]

    path = _template(tmp_path, projects, Period.FULL_YEAR)
    _edit(path, lambda wb: wb.remove(wb[FUNDS_SHEET]))
    assert _problems(path) == ["工作表“项目资金”：缺少工作表“项目资金”，请重新下载模板后填写"]


def test_duplicate_rows(tmp_path: Path, projects: tuple[Project, ...]) -> None:
    path = _template(tmp_path, projects, Period.FULL_YEAR)

    def change(wb: openpyxl.Workbook) -> None:
        funds, ws = wb[FUNDS_SHEET], wb[INDICATORS_SHEET]
        funds["A3"] = funds["A2"].value
        funds["D3"] = 1
        ws["D3"] = ws["D2"].value
        ws["F2"] = "1人次"
        ws["F3"] = "2人次"

    _edit(path, change)
    assert _problems(path) == [
        "项目资金!A3（项目“人大代表履职培训费”）：项目在本表中重复出现（另见 A2）",
        "指标完成情况!D3（项目“人大代表履职培训费”的三级指标）：指标在本表中重复出现（另见第 2 行）",
    ]


def test_partial_reports_names_with_spaces_and_projects_in_one_sheet_only(
    tmp_path: Path, projects: tuple[Project, ...]
) -> None:
    path = _template(tmp_path, projects, Period.HALF_YEAR, month=7)

    def change(wb: openpyxl.Workbook) -> None:
        funds, ws = wb[FUNDS_SHEET], wb[INDICATORS_SHEET]
        funds["A2"] = "  人大代表履职培训费 \n"
        funds["D2"] = "16.5"  # a number typed as text
        funds["C2"] = 35.6
        ws["A2"] = " 人大代表履职培训费"
        ws["D2"] = "人大代表履职培训情况  "
        ws["G2"] = 210  # ＝461人次 → 210人次
        ws["M3"] = "是"  # only 不适用
        for row in range(1, funds.max_row + 1):  # 代表活动经费 has no funds row at all
            if funds.cell(row=row, column=1).value == "代表活动经费":
                funds.delete_rows(row)
                break
        ws["G6"] = "40%"
        funds["D4"] = 0  # 人大工作经费 (row 4 after the deletion): funds only

    _edit(path, change)
    doc = _read(path)
    assert (doc.period, doc.month, doc.fiscal_year) == (Period.HALF_YEAR, 7, 2023)
    training, work, activity = doc.projects
    assert training == ProjectActuals(
        "人大代表履职培训费",
        Period.HALF_YEAR,
        budget=35.6,
        executed=16.5,
        indicators=(
            IndicatorActual("人大代表履职培训情况", parse_value("210人次")),
            IndicatorActual("按要求开展人大代表履职培训", None, not_applicable=True),
        ),
    )
    assert work == ProjectActuals("人大工作经费", Period.HALF_YEAR, executed=0)
    assert work.source == Provenance(path.name, sheet=FUNDS_SHEET, cell="A4")
    assert activity.project == "代表活动经费" and activity.budget is None
    assert activity.source == Provenance(path.name, sheet=INDICATORS_SHEET, cell="A6")
    assert [a.indicator for a in activity.indicators] == ["保障参加活动的人大代表履职情况"]


# -- properties -----------------------------------------------------------------------------

_QUALITATIVE = Project(
    name="随机项目",
    indicators=(
        Indicator("效益指标", "社会效益指标", "定性", full_year=parse_value("≥较好")),
        Indicator("产出指标", "数量指标", "定量", full_year=parse_value("≥400人次")),
    ),
)
_TEXT = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_QUANTITY = st.builds(
    lambda op, number, unit: format_value(
        TargetValue(text="", kind=Kind.QUANTITATIVE, op=op, value=number, unit=unit)
    ),
    st.sampled_from(list(Op)),
    st.one_of(
        st.integers(0, 10**9),
        st.decimals(0, 10**6, places=3).map(lambda d: float(d)),
    ),
    st.sampled_from(["", "%", "人次", "万元", "服务周期"]),
).filter(lambda text: parse_value(text).kind is Kind.QUANTITATIVE)  # ＝1999.5 reads as a date


def _workbook_round_trip(
    filled: ProjectActuals, project: Project = _QUALITATIVE
) -> ActualsDocument:
    data = write_actuals_template(
        (project,),
        unit=UNIT,
        fiscal_year=None,
        period=Period.FULL_YEAR,
        filled={project.name: filled},
    )
    return read_actuals_template(data, where="mem.xlsx")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, quantity=_QUANTITY, reason=_TEXT)
def test_value_texts_round_trip(text: str, quantity: str, reason: str) -> None:
    filled = ProjectActuals(
        "随机项目",
        Period.FULL_YEAR,
        indicators=(
            IndicatorActual("定性", parse_value(text), deviation=Deviation(reason)),
            IndicatorActual("定量", parse_value(quantity), measures=reason),
        ),
    )
    doc = _workbook_round_trip(filled)
    assert doc.projects == (filled,)
    assert [a.value.text for a in doc.projects[0].indicators if a.value] == [text, quantity]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number=st.decimals(0, 10**6, places=4), percent=st.booleans())
def test_numbers_become_text_exactly(number: Decimal, percent: bool) -> None:
    data = write_actuals_template(
        (_QUALITATIVE,), unit=UNIT, fiscal_year=2023, period=Period.FULL_YEAR
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[INDICATORS_SHEET]
    ws["F3"] = float(number)
    if percent:
        ws["F3"].number_format = "0.00%"
    out = io.BytesIO()
    wb.save(out)
    (project,) = read_actuals_template(out.getvalue(), where="mem.xlsx").projects
    (actual,) = project.indicators
    assert actual.value is not None
    shown = number * 100 if percent else number
    plain = "0" if shown == 0 else format(shown.normalize(), "f")
    assert actual.value.text == plain + ("%" if percent else "人次")
    assert actual.value.kind is Kind.QUANTITATIVE
    assert Decimal(repr(actual.value.value)) == shown
