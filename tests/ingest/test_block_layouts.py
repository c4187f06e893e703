"""Layouts of real budget disclosures, each built here as a small file (docs/import.md).

* ``project row``: a list of projects where each project is named on a row of its own
  (单位 · 项目名称 · description columns · 金额 · 项目完成目标), its indicator cells empty or
  dashes, and its indicator rows below it with the 项目名称 cell left empty; a unit's
  subtotal row (单位 · 金额 only) stands above the unit's projects;
* ``table in a cell``: a Word table of one cell framing the whole target table, printed
  inside that cell as a table of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao.domain.model import Document, Indicator, Project
from jixiao.ingest import docx as docx_reader
from jixiao.ingest import xlsx

Cell = str | int | float | None


def _read(path: Path) -> Document:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix == ".docx":
        return docx_reader.read(data, path.name, sha256=sha)
    return xlsx.read(data, path.name, sha256=sha)


def _all(doc: Document) -> list[Indicator]:
    return [i for p in doc.projects for i in p.indicators]


def _targets(p: Project) -> list[tuple[str, str | None]]:
    return [(i.name, i.full_year.text if i.full_year else None) for i in p.indicators]


# -- project row -----------------------------------------------------------------------------

# The header: the indicator core (二级指标 · 三级指标 · 指标值) beside columns that describe
# the project, two of them words the reader does not know (项目负责人, 联系方式).
_HEADER = [
    "单位",
    "项目名称",
    "项目概况",
    "项目负责人",
    "联系方式",
    "金额",
    "项目类型",
    "项目完成目标",
    "二级指标",
    "三级指标",
    "指标值",
]


def _project_row_list(path: Path, dash: str | None) -> Path:
    """Two units, three projects; each project row prints ``dash`` in its indicator cells
    (None: leaves them empty); the level column holds the project's type, no category."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    unit_a, unit_b = "301001-农业农村局", "301002-农机站"
    rows: list[Sequence[Cell]] = [
        [None, "项目支出绩效目标表"],
        [*([None] * 10), "单位：万元"],
        _HEADER,
        [None, "总计:", None, None, None, 47.5],
        [unit_a, None, None, None, None, 40],
        [
            f"  {unit_a}",
            "耕地保护补助",
            "保护基本农田",
            "王某",
            "1234",
            30,
            "业务类",
            "全年完成耕地保护",
            dash,
            dash,
            dash,
        ],
        [f"  {unit_a}", None, None, None, None, None, None, None, "业务类", "保护面积", "≥5000亩"],
        [f"  {unit_a}", None, None, None, None, None, None, None, "业务类", "农户满意度", "≥90%"],
        [
            f"  {unit_a}",
            "农技推广经费",
            "推广新技术",
            "李某",
            "5678",
            10,
            "业务类",
            "推广新品种三个",
            dash,
            dash,
            dash,
        ],
        [f"  {unit_a}", None, None, None, None, None, None, None, "业务类", "推广品种数", "3个"],
        [unit_b, None, None, None, None, 7.5],
        [
            f"  {unit_b}",
            "农机购置补贴",
            "补贴农机",
            "赵某",
            "9012",
            7.5,
            "业务类",
            "补贴农机一百台",
            dash,
            dash,
            dash,
        ],
        [f"  {unit_b}", None, None, None, None, None, None, None, "业务类", "补贴台数", "100台"],
        [f"  {unit_b}", None, None, None, None, None, None, None, "业务类", "发放及时率", "100%"],
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c).value = value
    ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=11)
    wb.save(path)
    return path


@pytest.mark.parametrize("dash", ["-", "—", "/", None])
def test_a_project_named_on_its_own_row_gets_the_rows_below(
    tmp_path: Path, dash: str | None
) -> None:
    doc = _read(_project_row_list(tmp_path / "projects.xlsx", dash))
    assert [(p.name, p.unit) for p in doc.projects] == [
        ("耕地保护补助", "301001-农业农村局"),
        ("农技推广经费", "301001-农业农村局"),
        ("农机购置补贴", "301002-农机站"),
    ]
    assert [_targets(p) for p in doc.projects] == [
        [("保护面积", "≥5000亩"), ("农户满意度", "≥90%")],
        [("推广品种数", "3个")],
        [("补贴台数", "100台"), ("发放及时率", "100%")],
    ]
    # 金额 is each project's funds (in 元), printed in the 万元 above the table; the unit's
    # subtotal row (单位 | 金额) and the 总计 row are no project.
    funds = [(p.funds.total, p.funds.unit) if p.funds else None for p in doc.projects]
    assert funds == [(Decimal(300000), "万元"), (Decimal(100000), "万元"), (Decimal(75000), "万元")]
    assert [p.annual_goal for p in doc.projects] == [
        "全年完成耕地保护",
        "推广新品种三个",
        "补贴农机一百台",
    ]
    # The level column holds the project's type, no category: kept as printed, reported.
    first = doc.projects[0].indicators[0]
    assert first.level2_label == "业务类"
    assert any("业务类" in d.message for d in doc.warnings)
    # The 单位 column names the unit, never a 度量单位 joined to the values.
    assert all("农" not in (i.full_year.text if i.full_year else "") for i in _all(doc))


def test_the_description_columns_are_reported_not_imported(tmp_path: Path) -> None:
    doc = _read(_project_row_list(tmp_path / "projects.xlsx", "-"))
    messages = " ".join(d.message for d in doc.warnings)
    assert "项目概况" in messages  # a known description column: its text is not imported
    assert "保护基本农田" not in " ".join(i.name for i in _all(doc))


# -- table in a cell -------------------------------------------------------------------------


def _framed_docx(path: Path) -> Path:
    """A one-cell table holding the title and, inside the cell, the target table."""
    import docx

    document = docx.Document()
    document.add_paragraph("四、绩效目标")
    frame = document.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "公开表 7"
    cell.add_paragraph("部门预算项目支出绩效目标表")
    rows = [
        ["县水务局", "", "", "", "", "", "", "金额单位：万元"],
        [
            "单位名称",
            "项目名称",
            "预算数",
            "年度目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
        ],
        [
            "县水务局",
            "河道清淤",
            "12",
            "清淤河道十公里",
            "产出指标",
            "数量指标",
            "清淤长度",
            "10公里",
        ],
        ["县水务局", "水质监测", "5", "监测水质全年", "产出指标", "质量指标", "达标率", "≥95%"],
        [
            "县水务局",
            "水质监测",
            "5",
            "监测水质全年",
            "满意度指标",
            "服务对象满意度指标",
            "群众满意度",
            "≥90%",
        ],
    ]
    inner = cell.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            inner.cell(r, c).text = value
    inner.cell(3, 1).merge(inner.cell(4, 1))
    inner.cell(3, 1).text = "水质监测"
    document.save(str(path))
    return path


def test_a_table_printed_inside_a_word_cell_is_read_as_a_table(tmp_path: Path) -> None:
    doc = _read(_framed_docx(tmp_path / "framed.docx"))
    assert [(p.name, p.unit) for p in doc.projects] == [
        ("河道清淤", "县水务局"),
        ("水质监测", "县水务局"),
    ]
    assert [_targets(p) for p in doc.projects] == [
        [("清淤长度", "10公里")],
        [("达标率", "≥95%"), ("群众满意度", "≥90%")],
    ]
    assert [p.funds.total if p.funds else None for p in doc.projects] == [
        Decimal(120000),
        Decimal(50000),
    ]
    # Provenance names the table inside the cell: table 1.1.
    source = doc.projects[0].indicators[0].source
    assert source is not None and source.cell is not None and source.cell.startswith("T1.1R")


def test_a_table_in_a_cell_leaves_the_cell_its_own_text(tmp_path: Path) -> None:
    data = _framed_docx(tmp_path / "framed.docx").read_bytes()
    grids = docx_reader.grids(data, "framed.docx")
    assert len(grids) == 2
    (frame,) = grids[0].cells
    assert frame.text == "公开表 7\n部门预算项目支出绩效目标表"
    assert any(c.text == "清淤长度" for c in grids[1].cells)


def test_tables_nested_deeper_than_the_limit_stay_text(tmp_path: Path) -> None:
    """A hostile depth of tables inside cells: grids down to the limit, text below it."""
    import docx

    document = docx.Document()
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    depth = docx_reader._MAX_NESTING + 3
    for level in range(depth):
        cell.paragraphs[0].text = f"层{level}"
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "最里层"
    path = tmp_path / "deep.docx"
    document.save(str(path))
    grids = docx_reader.grids(path.read_bytes(), path.name)
    assert len(grids) == docx_reader._MAX_NESTING + 1
    assert "最里层" in grids[-1].cells[0].text
