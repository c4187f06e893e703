"""Layouts seen in real published workbooks and Word files, each as a small file built here.

Each test names the layout it builds (see docs/import.md): the operator printed in the
指标性质 / 指标方向 column, flat lists of many projects, stacked project forms, legacy
``.doc`` files, ``.xls`` with merged cells and Word reports holding many tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.model import Document, Project
from jixiao.ingest import docx as docx_reader
from jixiao.ingest import xlsx

Cell = str | int | float | None


def _put(ws: Worksheet, rows: Sequence[Sequence[Cell]], first: int = 1) -> None:
    for k, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(first + k, c).value = value


def _read(path: Path) -> Document:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix == ".docx":
        return docx_reader.read(data, path.name, sha256=sha)
    if path.suffix == ".xls":
        return xlsx.read_xls(data, path.name, sha256=sha)
    return xlsx.read(data, path.name, sha256=sha)


def _targets(p: Project) -> list[tuple[str, str | None]]:
    return [(i.name, i.full_year.text if i.full_year else None) for i in p.indicators]


# -- the operator in its own column ----------------------------------------------------------


def test_operator_in_the_nature_column_joins_value_and_unit(tmp_path: Path) -> None:
    """指标性质 holding ＝ ≥ ≤ (or 定性) beside 指标值 and 度量单位: one target each."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _put(
        ws,
        [
            ["部门预算项目支出绩效自评表（2023年度）"],
            ["项目名称", "干部培训"],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"],
            ["产出指标", "数量指标", "培训人数", "≥", 3180, "人", 10],
            [None, "质量指标", "培训合格率", "＝", 100, "%", 10],
            [None, "时效指标", "完成时间", "≤", 12, "月", 10],
            ["效益指标", "社会效益指标", "干部素质", "定性", "优", "%", 20],
            [None, "社会效益指标", "帮扶户数", "定性", 10, "户", 20],
            ["满意度指标", "服务对象满意度指标", "学员满意度", None, 95, "%", 10],
        ],
    )
    ws.merge_cells("A4:A6")
    path = tmp_path / "nature.xlsx"
    wb.save(path)
    (p,) = _read(path).projects
    assert _targets(p) == [
        ("培训人数", "≥3180人"),
        ("培训合格率", "＝100%"),
        ("完成时间", "≤12月"),
        ("干部素质", "优"),  # 定性: the value alone, no unit added to a word
        ("帮扶户数", "10户"),  # 定性 with a number keeps its unit, no operator invented
        ("学员满意度", "95%"),  # an empty operator cell gives no operator
    ]


def test_operator_in_the_direction_column_beside_a_nature_column(tmp_path: Path) -> None:
    """指标方向 holding ≥ / ≤ while 指标性质 says 定量; 正向/反向 is never an operator."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _put(
        ws,
        [
            ["项目支出绩效目标表"],
            ["项目名称", "道路养护"],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "指标值", "度量单位"],
            ["产出指标", "数量指标", "养护里程", "定量", "≥", 120, "公里"],
            [None, "质量指标", "优良率", "定量", "正向", 90, "%"],
            [None, "成本指标", "每公里成本", "定量", "≤", 1, "万元"],
        ],
    )
    path = tmp_path / "direction.xlsx"
    wb.save(path)
    (p,) = _read(path).projects
    assert _targets(p) == [
        ("养护里程", "≥120公里"),
        ("优良率", "90%"),
        ("每公里成本", "≤1万元"),
    ]
