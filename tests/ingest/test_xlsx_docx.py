"""The workbook and Word readers: real XLSX, XLS and DOCX files built here in the layouts
units publish (merged level-1/level-2 cells, 计算符号/指标值/度量单位 columns, 长期 + 年度,
定量/定性, self-evaluation tables, overall tables, several projects per sheet), read back.

The seed's tables are rebuilt from the seed document as read by the text reader (whose
output ``tests/ingest/test_seed.py`` checks against the published document by hand), so
the workbook must give exactly the same projects and goals.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.model import Document, OverallTargets, Period, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind, Op
from jixiao.ingest import IngestError, read_path, xlsx
from jixiao.ingest import docx as docx_reader
from jixiao.ingest._read import ACTUALS_NOT_IMPORTED
from tests.conftest import SEED

Cell = str | int | float | None


# -- building files ------------------------------------------------------------------------


def _runs(keys: Sequence[object]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal neighbours."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start]:
            out.append((start, k))
            start = k
    return out


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _rows(ws: Worksheet, rows: Sequence[Sequence[Cell]]) -> int:
    """Append rows; the 1-based number of the first one."""
    first = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
    for k, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(first + k, c).value = value
    return first


def _merge_runs(ws: Worksheet, first: int, col: int, keys: Sequence[object]) -> None:
    """Merge runs of equal keys down a column (the cells below the first emptied)."""
    for a, b in _runs(keys):
        for r in range(first + a + 1, first + b):
            ws.cell(r, col).value = None
        _merge(ws, first + a, col, first + b - 1, col)


def _seed_project_sheet(ws: Worksheet, p: Project, year: int) -> None:
    """The seed's project table in its published layout, level cells merged."""
    first = _rows(ws, [["无锡市市本级项目预算绩效目标表"], [f"{year}年度"]])
    _merge(ws, first, 1, first, 5)
    _merge(ws, first + 1, 1, first + 1, 5)
    _rows(
        ws,
        [
            ["项目名称", p.name, "主管部门", p.department],
            ["开始时间", f"{p.start_year}年", "完成时间", f"{p.end_year}年"],
            ["一级指标", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值"],
        ],
    )
    inds = p.indicators
    data = _rows(
        ws,
        [
            [
                i.level1_label,
                i.level2_label,
                i.name,
                i.half_year.text if i.half_year else None,
                i.full_year.text if i.full_year else None,
            ]
            for i in inds
        ],
    )
    _merge_runs(ws, data, 1, [i.level1_label for i in inds])
    _merge_runs(ws, data, 2, [(i.level1_label, i.level2_label) for i in inds])


def _seed_overall_sheet(ws: Worksheet, o: OverallTargets) -> None:
    _rows(ws, [[f"{o.unit}{o.fiscal_year}年部门单位整体支出预算绩效目标表"]])
    _merge(ws, 1, 1, 1, 5)
    _rows(ws, [["序号（代码）", "职能（二级专项）", "工作及项目名称", "年度目标", "2023年目标值"]])
    data = _rows(
        ws,
        [
            [int(g.seq), g.function, g.work, g.goal, g.target.text if g.target else None]
            for g in o.goals
        ],
    )
    _merge_runs(ws, data, 1, [g.seq for g in o.goals])
    _merge_runs(ws, data, 2, [g.seq for g in o.goals])


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _read(path: Path) -> Document:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix == ".docx":
        return docx_reader.read(data, path.name, sha256=sha)
    if path.suffix == ".xls":
        return xlsx.read_xls(data, path.name, sha256=sha)
    return xlsx.read(data, path.name, sha256=sha)


def _codes(doc: Document) -> Counter[str]:
    return Counter(w.code for w in doc.warnings)


def _rows_of(p: Project) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    return [
        (
            i.level1,
            i.level2,
            i.name,
            i.half_year.text if i.half_year else None,
            i.full_year.text if i.full_year else None,
            i.long_term.text if i.long_term else None,
        )
        for i in p.indicators
    ]


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


@pytest.fixture
def seed_xlsx(tmp_path: Path, seed: Document) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整体"
    _seed_overall_sheet(ws, seed.overall_targets[0])
    assert seed.fiscal_year is not None
    for k, p in enumerate(seed.projects, start=1):
        _seed_project_sheet(wb.create_sheet(f"项目{k}"), p, seed.fiscal_year)
    return _save(wb, tmp_path / "seed.xlsx")


# -- the seed in the official layout -------------------------------------------------------


def test_seed_as_xlsx_with_merged_cells_gives_the_seed(seed_xlsx: Path, seed: Document) -> None:
    doc = _read(seed_xlsx)
    assert doc.warnings == ()
    assert doc.fiscal_year == 2023
    assert [p.name for p in doc.projects] == [p.name for p in seed.projects]
    for got, want in zip(doc.projects, seed.projects, strict=True):
        assert got == want  # names, department, unit, years, levels, labels, values
        for a, b in zip(got.indicators, want.indicators, strict=True):
            assert (a.level1_label, a.level2_label) == (b.level1_label, b.level2_label)
            assert a.full_year is not None and b.full_year is not None
            assert (a.full_year.text, a.full_year.kind) == (b.full_year.text, b.full_year.kind)
    assert doc.overall_targets == seed.overall_targets
    assert doc.source is not None and doc.source.layout == "xlsx"


def test_xlsx_provenance_names_sheet_and_cell(seed_xlsx: Path) -> None:
    doc = _read(seed_xlsx)
    p = doc.projects[0]
    assert p.source == Provenance(file="seed.xlsx", sheet="项目1", cell="B3")
    first = p.indicators[0]
    assert first.source == Provenance(file="seed.xlsx", sheet="项目1", cell="C6")
    assert first.half_year is not None and first.full_year is not None
    assert first.half_year.source == Provenance(file="seed.xlsx", sheet="项目1", cell="D6")
    assert first.full_year.source == Provenance(file="seed.xlsx", sheet="项目1", cell="E6")
    goal = doc.overall_targets[0].goals[0]
    assert goal.source == Provenance(file="seed.xlsx", sheet="整体", cell="C3")
    assert goal.target is not None
    assert goal.target.source == Provenance(file="seed.xlsx", sheet="整体", cell="E3")


XLS_FIXTURE = Path(__file__).parents[1] / "fixtures" / "xls" / "seed.xls"


def test_xls_converted_by_libreoffice_gives_the_seed(seed: Document) -> None:
    """tests/fixtures/xls/seed.xls is the seed workbook of ``seed_xlsx`` converted by
    ``libreoffice --headless --convert-to xls`` (as units do; regenerate it the same way)."""
    doc = _read(XLS_FIXTURE)
    assert doc.warnings == ()
    assert doc.projects == seed.projects
    assert doc.overall_targets == seed.overall_targets
    assert doc.source is not None and doc.source.layout == "xls"
    value = doc.projects[0].indicators[0].full_year
    assert value is not None
    assert value.source == Provenance(file="seed.xls", sheet="项目1", cell="E6")


def test_seed_as_docx_with_merged_cells(tmp_path: Path, seed: Document) -> None:
    d = docx.Document()
    for p in seed.projects[:3]:
        d.add_paragraph("无锡市市本级项目预算绩效目标表")
        d.add_paragraph("2023年度")
        inds = p.indicators
        t = d.add_table(rows=3 + len(inds), cols=5)
        t.cell(0, 0).text = "项目名称"
        t.cell(0, 1).merge(t.cell(0, 4)).text = p.name  # gridSpan
        t.cell(1, 0).text = "主管部门"
        t.cell(1, 1).text = p.department or ""
        t.cell(1, 2).text = "开始时间"
        t.cell(1, 3).text = "2022年"
        for c, h in enumerate(["一级指标", "二级指标", "三级指标", "半年（程）", "全年（程）"]):
            t.cell(2, c).text = h
        for k, i in enumerate(inds, start=3):
            t.cell(k, 1).text = i.level2_label or ""
            t.cell(k, 2).text = i.name
            t.cell(k, 3).text = i.half_year.text if i.half_year else ""
            t.cell(k, 4).text = i.full_year.text if i.full_year else ""
        t.cell(3, 0).merge(t.cell(5, 0)).text = "产出指标"  # vMerge
        t.cell(6, 0).text = "满意度"
        d.add_paragraph("注：本表由项目单位填报。")
    path = tmp_path / "seed.docx"
    d.save(str(path))
    doc = _read(path)
    assert doc.warnings == ()
    assert doc.fiscal_year == 2023
    for got, want in zip(doc.projects, seed.projects[:3], strict=True):
        assert got.name == want.name
        assert got.department == want.department
        assert got.start_year == 2022
        assert got.indicators == want.indicators
    first = doc.projects[1].indicators[0]
    assert first.source == Provenance(file="seed.docx", cell="T2R4C3")
    assert first.full_year is not None
    assert first.full_year.source == Provenance(file="seed.docx", cell="T2R4C5")
    assert doc.source is not None and doc.source.layout == "docx"


def test_docx_grids_keep_spans_and_titles(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("前言")
    d.add_paragraph("项目支出绩效目标表")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "合并标题"
    a = t.cell(1, 0).merge(t.cell(2, 0))
    a.text = "第一段"
    a.add_paragraph("第二段")
    t.cell(1, 1).text = "x"
    path = tmp_path / "g.docx"
    d.save(str(path))
    (grid,) = docx_reader.grids(path.read_bytes(), "g.docx")
    assert grid.title == ("前言", "项目支出绩效目标表")
    cells = {(c.row, c.col): c for c in grid.cells}
    assert (cells[0, 0].colspan, cells[0, 0].text) == (3, "合并标题")
    assert (cells[1, 0].rowspan, cells[1, 0].text) == (2, "第一段\n第二段")
    assert cells[1, 1].source == Provenance(file="g.docx", cell="T1R2C2")


# -- other provincial layouts --------------------------------------------------------------


def test_operator_value_unit_columns_are_joined(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "道路养护"
    _rows(
        ws,
        [
            ["2024年度项目支出绩效目标表"],
            ["项目名称", "乡村道路养护", None, "主管部门", "县交通运输局"],
            ["实施单位", "县公路管理站", None, "项目期", "2024年1月-2025年12月"],
            ["年度资金总额（万元）", 120, "财政拨款", 100, "其他资金", 20],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "计算符号",
                "指标值",
                "度量单位",
                "权重",
                "指标方向",
            ],
            ["产出指标", "数量指标", "养护道路里程", "≥", 120, "公里", 20, "正向"],
            [None, "质量指标", "道路优良率", "≥", 0.9, "%", 20, "正向"],
            [None, "时效指标", "养护完成时间", "≤", "2024年12月", None, 10, "反向"],
            ["效益指标", "社会效益", "群众出行条件", None, "较好", None, 10, None],
            [None, "环境效益", "扬尘污染减少", "≤", 5, "%", 10, "反向"],
            ["满意度", "服务对象满意度", "沿线群众满意度", "≥", 90, "%", 20, "正向"],
            ["成本指标", "经济成本指标", "每公里养护成本", "≤", 1, "万元", 10, "反向"],
        ],
    )
    ws["E7"].number_format = "0%"
    _merge(ws, 1, 1, 1, 8)
    _merge(ws, 6, 1, 8, 1)
    _merge(ws, 9, 1, 10, 1)
    doc = _read(_save(wb, tmp_path / "roads.xlsx"))
    assert doc.warnings == ()
    (p,) = doc.projects
    assert (p.name, p.department, p.unit) == ("乡村道路养护", "县交通运输局", "县公路管理站")
    assert (p.fiscal_year, p.start_year, p.end_year) == (2024, 2024, 2025)
    assert p.funds is not None
    assert (p.funds.total, p.funds.fiscal, p.funds.other) == (
        1_200_000,
        1_000_000,
        200_000,
    )  # 万元 → 元
    assert _rows_of(p) == [
        ("产出指标", "数量指标", "养护道路里程", None, "≥120公里", None),
        ("产出指标", "质量指标", "道路优良率", None, "≥90%", None),
        ("产出指标", "时效指标", "养护完成时间", None, "≤2024年12月", None),
        ("效益指标", "社会效益指标", "群众出行条件", None, "较好", None),
        ("效益指标", "生态效益指标", "扬尘污染减少", None, "≤5%", None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", None, "≥90%", None),
        ("成本指标", "经济成本指标", "每公里养护成本", None, "≤1万元", None),
    ]
    labels = [(i.level1_label, i.level2_label) for i in p.indicators]
    assert labels[4] == ("效益指标", "环境效益")
    assert labels[5] == ("满意度", "服务对象满意度")
    rate = p.indicators[1].full_year
    assert rate is not None and (rate.op, rate.value, rate.unit) == (Op.GE, 90, "%")
    assert rate.source == Provenance(file="roads.xlsx", sheet="道路养护", cell="E7")


def test_long_term_and_annual_columns(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["项目支出绩效目标申报表"],
            ["（2022年度）"],
            ["项目名称", "基层干部培训", None, None, None, None],
            ["主管部门及代码", "[101]某部", None, "实施单位", "某培训中心", None],
            ["项目资金（万元）", "中期资金总额", 300, None, "年度资金总额", 100],
            [None, "其中：财政拨款", 250, None, "其中：财政拨款", 80],
            [None, "其他资金", 50, None, "其他资金", 20],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", None],
            [None, None, None, None, "中长期指标值", "年度指标值"],
            [None, "产出指标", "数量指标", "培训人次", "≥3000人次", "≥1000人次"],
            [None, None, "质量指标", "考核合格率", "≥95%", "≥95%"],
            [None, "效益指标", "社会效益指标", "干部履职能力", "持续提升", "有所提升"],
            [None, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "≥90%"],
        ],
    )
    _merge(ws, 1, 1, 1, 6)
    _merge(ws, 2, 1, 2, 6)
    _merge(ws, 5, 1, 7, 1)
    _merge(ws, 8, 1, 13, 1)  # 绩效指标 beside the whole indicator block
    for col in (2, 3, 4):
        _merge(ws, 8, col, 9, col)
    _merge(ws, 8, 5, 8, 6)  # 指标值 over 中长期 · 年度
    _merge(ws, 10, 2, 11, 2)
    doc = _read(_save(wb, tmp_path / "central.xlsx"))
    (p,) = doc.projects
    assert (p.name, p.department, p.unit, p.fiscal_year) == (
        "基层干部培训",
        "[101]某部",
        "某培训中心",
        2022,
    )
    assert p.funds is not None and (p.funds.total, p.funds.fiscal, p.funds.other) == (
        1_000_000,
        800_000,
        200_000,
    )  # 万元 → 元
    assert _rows_of(p) == [
        ("产出指标", "数量指标", "培训人次", None, "≥1000人次", "≥3000人次"),
        ("产出指标", "质量指标", "考核合格率", None, "≥95%", "≥95%"),
        ("效益指标", "社会效益指标", "干部履职能力", None, "有所提升", "持续提升"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", None, "≥90%", "≥90%"),
    ]
    # Targets in words (持续提升, 有所提升) are qualitative (issue 16): read, no warning.
    assert _codes(doc) == Counter()
    words = p.indicators[2]
    assert [v.kind.value for _, v in words.values()] == ["qualitative", "qualitative"]


def test_value_type_column_quantitative_and_qualitative(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["2023年项目绩效目标表"],
            ["项目名称：社区养老服务补助", None, None, "预算单位：区民政局"],
            ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位", "权重（%）"],
            ["产出指标", "数量指标", "补助老人人数", "定量", "≥500", "人", 30],
            [None, "质量指标", "服务规范程度", "定性", "好", None, 20],
            [None, "时效指标", "补助发放及时率", "定量", "100", "%", 20],
            ["效益指标", "社会效益指标", "老人生活质量", "定性", "较好", None, 20],
            ["满意度指标", None, "老人满意度", "定量", "≥95", "%", 10],
        ],
    )
    _merge(ws, 4, 1, 6, 1)
    doc = _read(_save(wb, tmp_path / "care.xlsx"))
    assert doc.warnings == ()
    (p,) = doc.projects
    assert (p.name, p.unit, p.fiscal_year) == ("社区养老服务补助", "区民政局", 2023)
    assert _rows_of(p) == [
        ("产出指标", "数量指标", "补助老人人数", None, "≥500人", None),
        ("产出指标", "质量指标", "服务规范程度", None, "好", None),
        ("产出指标", "时效指标", "补助发放及时率", None, "100%", None),
        ("效益指标", "社会效益指标", "老人生活质量", None, "较好", None),
        ("满意度指标", "服务对象满意度指标", "老人满意度", None, "≥95%", None),
    ]
    kinds = [i.full_year.kind for i in p.indicators if i.full_year]
    quantitative, qualitative = Kind.QUANTITATIVE, Kind.QUALITATIVE
    assert kinds == [quantitative, qualitative, quantitative, qualitative, quantitative]
    # The satisfaction row printed no level 2: the only one of 满意度指标, label None.
    assert p.indicators[-1].level2_label is None


def test_self_evaluation_imports_targets_and_actuals(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["项目支出绩效自评表"],
            ["（2023年度）"],
            ["项目名称", "信访工作经费"],
            ["主管部门", "无锡市人大常委会", None, "实施单位", "无锡市人大常委会办公室"],
            [
                "项目资金（万元）",
                None,
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            [None, "年度资金总额", 25, 25, 17, 10, "68%", 6.8],
            [None, "其中：当年财政拨款", 25, 25, 17, None, "68%", None],
            ["年度总体目标", "预期目标", None, None, "实际完成情况"],
            [None, "及时受理群众来信来访", None, None, "全年受理来信来访412件"],
            [
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
            [None, "产出指标", "数量指标", "受理投诉和意见", "≥100件", "412件", 20, 20, None],
            [None, None, "时效指标", "受理及时率", "＝100%", "100%", 20, 20, None],
            [
                None,
                "效益指标",
                "社会效益指标",
                "群众合法权益得到维护",
                "有效维护",
                "有效维护",
                30,
                28,
                None,
            ],
            [
                None,
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥80%",
                "76%",
                10,
                9,
                "部分信访人不满意",
            ],
            ["总分", None, None, None, None, None, 100, 93.8, None],
        ],
    )
    _merge(ws, 5, 1, 7, 1)
    _merge(ws, 8, 1, 9, 1)
    _merge(ws, 8, 2, 8, 4)
    _merge(ws, 9, 2, 9, 4)
    _merge(ws, 10, 1, 14, 1)
    _merge(ws, 11, 2, 12, 2)
    doc = _read(_save(wb, tmp_path / "self.xlsx"))
    (p,) = doc.projects
    assert (p.name, p.fiscal_year, p.unit) == ("信访工作经费", 2023, "无锡市人大常委会办公室")
    assert p.funds is not None and (p.funds.total, p.funds.fiscal) == (
        250_000,
        250_000,
    )  # 万元 → 元
    assert _rows_of(p) == [
        ("产出指标", "数量指标", "受理投诉和意见", None, "≥100件", None),
        ("产出指标", "时效指标", "受理及时率", None, "＝100%", None),
        ("效益指标", "社会效益指标", "群众合法权益得到维护", None, "有效维护", None),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", None, "≥80%", None),
    ]
    # The 预期目标 prose has no place in the model; 有效维护 is a target the grammar cannot read.
    assert _codes(doc) == Counter(
        {ACTUALS_NOT_IMPORTED: 1, "ingest.unused-text": 1, "ingest.unparsed-value": 1}
    )
    # Only what has no field: the budget's 执行率 and 得分, the prose goal's 实际完成情况.
    (unused,) = [w for w in doc.warnings if w.code == ACTUALS_NOT_IMPORTED]
    assert "信访工作经费" in unused.message and "执行率" in unused.message
    assert "实际完成值" not in unused.message
    (report,) = doc.actuals
    assert (report.period, report.fiscal_year) == (Period.FULL_YEAR, 2023)
    (actuals,) = report.projects
    assert actuals.project == "信访工作经费"
    assert (actuals.budget_initial, actuals.budget, actuals.executed) == (25, 25, 17)
    got = [
        (
            i.indicator,
            i.value.text if i.value else None,
            i.weight,
            i.reported_score,
            i.deviation.text if i.deviation else None,
        )
        for i in actuals.indicators
    ]
    assert got == [
        ("受理投诉和意见", "412件", 20, 20, None),
        ("受理及时率", "100%", 20, 20, None),
        ("群众合法权益得到维护", "有效维护", 30, 28, None),
        ("服务对象满意度", "76%", 10, 9, "部分信访人不满意"),
    ]
    first = actuals.indicators[0]
    assert first.source is not None and (first.source.sheet, first.source.cell) == (ws.title, "F11")
    # Nothing of the actuals slipped into targets.
    texts = {v.text for i in p.indicators for _, v in i.values()}
    assert not texts & {"412件", "100%", "76%"}


def test_overall_table_with_merged_functions(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["常州市新北区教育局2024年部门整体支出绩效目标表"],
            ["序号", "职能", "工作任务", "年度目标", "指标值"],
            [1, "学前教育", "普惠性幼儿园建设", "新增普惠性学位", "≥1,200个"],
            [None, None, "幼儿园保教质量提升", "开展保教质量评估", "12次"],
            [2, "义务教育", "课后服务", "课后服务覆盖率", "100%"],
            [None, None, None, "家长满意度", "≥95%"],  # a second goal of the same work item
        ],
    )
    _merge(ws, 3, 1, 4, 1)
    _merge(ws, 3, 2, 4, 2)
    _merge(ws, 5, 1, 6, 1)
    _merge(ws, 5, 2, 6, 2)
    _merge(ws, 5, 3, 6, 3)
    doc = _read(_save(wb, tmp_path / "overall.xlsx"))
    assert doc.warnings == ()
    (o,) = doc.overall_targets
    assert (o.unit, o.fiscal_year) == ("常州市新北区教育局", 2024)
    assert [
        (g.seq, g.function, g.work, g.goal, g.target.text if g.target else None) for g in o.goals
    ] == [
        ("1", "学前教育", "普惠性幼儿园建设", "新增普惠性学位", "≥1,200个"),
        ("1", "学前教育", "幼儿园保教质量提升", "开展保教质量评估", "12次"),
        ("2", "义务教育", "课后服务", "课后服务覆盖率", "100%"),
        ("2", "义务教育", "课后服务", "家长满意度", "≥95%"),
    ]
    assert o.functions == ("学前教育", "义务教育")


def _project_block(name: str, with_title: bool) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["项目绩效目标表"]] if with_title else []
    rows += [
        ["项目名称", name, "主管部门", "某局"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", f"{name}数量", "≥10个"],
        [None, "质量指标", f"{name}质量", "≥95%"],
        ["满意度指标", "服务对象满意度指标", f"{name}满意度", "≥90%"],
    ]
    return rows


@pytest.mark.parametrize("with_title", [True, False], ids=["title-rows", "name-rows-only"])
def test_several_projects_stacked_in_one_sheet(tmp_path: Path, with_title: bool) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    rows: list[list[Cell]] = [["2023年度"]]
    for name in ("甲项目", "乙项目", "丙项目"):
        rows += [*_project_block(name, with_title), [None]]
    _rows(ws, rows)
    doc = _read(_save(wb, tmp_path / "stacked.xlsx"))
    assert doc.warnings == ()
    assert [p.name for p in doc.projects] == ["甲项目", "乙项目", "丙项目"]
    for p in doc.projects:
        assert [i.name for i in p.indicators] == [
            f"{p.name}数量",
            f"{p.name}质量",
            f"{p.name}满意度",
        ]
        assert p.fiscal_year == 2023


def test_one_project_per_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name in ("甲项目", "乙项目"):
        _rows(wb.create_sheet(name), [["2023年项目支出绩效目标表"], *_project_block(name, False)])
    doc = _read(_save(wb, tmp_path / "sheets.xlsx"))
    assert doc.warnings == ()
    assert [p.name for p in doc.projects] == ["甲项目", "乙项目"]
    assert [p.source for p in doc.projects] == [
        Provenance(file="sheets.xlsx", sheet="甲项目", cell="B2"),
        Provenance(file="sheets.xlsx", sheet="乙项目", cell="B2"),
    ]


def test_unknown_level2_and_mismatch_are_kept_with_warnings(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["2023年项目支出绩效目标表"],
            ["项目名称", "测试项目"],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "效率指标", "办件效率", "≤3天"],
            ["效益指标", "数量指标", "错放的数量", "≥1个"],
        ],
    )
    doc = _read(_save(wb, tmp_path / "odd.xlsx"))
    (p,) = doc.projects
    assert [(i.level1, i.level2, i.level2_label) for i in p.indicators] == [
        ("产出指标", "效率指标", "效率指标"),
        ("效益指标", "数量指标", "数量指标"),
    ]
    assert _codes(doc) == Counter({"ingest.unknown-label": 1, "ingest.level2-mismatch": 1})
    unknown = next(w for w in doc.warnings if w.code == "ingest.unknown-label")
    assert "效率指标" in unknown.message
    assert unknown.location == Provenance(file="odd.xlsx", sheet="Sheet", cell="A4")


def test_table_cut_off_mid_way_imports_the_complete_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(
        ws,
        [
            ["2023年项目支出绩效目标表"],
            ["项目名称", "测试项目"],
            ["一级指标", "二级指标", "三级指标", "半年指标值", "全年指标值"],
            ["产出指标", "数量指标", "甲", "≥5个", "≥10个"],
            [None, "质量指标", "乙", "≥90%", "≥95%"],
            [None, "时效指标", "丙"],
        ],
    )
    doc = _read(_save(wb, tmp_path / "cut.xlsx"))
    (p,) = doc.projects
    assert [i.name for i in p.indicators] == ["甲", "乙"]
    (w,) = doc.warnings
    assert w.code == "ingest.truncated" and "丙" in w.message
    assert w.location == Provenance(file="cut.xlsx", sheet="Sheet", cell="B6")


def test_number_formats_print_as_shown() -> None:
    from datetime import datetime

    assert xlsx.format_cell(0.95, "0%") == "95%"
    assert xlsx.format_cell(0.955, "0.0%") == "95.5%"
    assert xlsx.format_cell(461, '0"人次"') == "461人次"
    assert xlsx.format_cell(90, '"≥"0"%"') == "≥90%"
    assert xlsx.format_cell(0.1 + 0.2, "General") == "0.3"
    assert xlsx.format_cell(12.0, "General") == "12"
    assert xlsx.format_cell(2.5, "0") == "3"
    assert xlsx.format_cell(datetime(2023, 12, 31), "yyyy-mm-dd") == "2023年12月31日"
    assert xlsx.format_cell(datetime(2023, 12, 31), 'yyyy"年"m"月"') == "2023年12月"
    assert xlsx.format_cell(None) == ""
    assert xlsx.format_cell(True) == "是"


# -- broken files --------------------------------------------------------------------------


def _assert_names_file(exc: IngestError, name: str) -> None:
    # 文件名（第 N 页 第 N 行）：问题 — the file named first, in Chinese.
    assert re.match(rf"{re.escape(name)}(?: 第 \d+ [页行])*：", str(exc)), str(exc)
    assert exc.file == name


@pytest.mark.parametrize(
    ("suffix", "reader"),
    [(".xlsx", xlsx.read), (".xls", xlsx.read_xls), (".docx", docx_reader.read)],
)
@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, b"hello"],
    ids=["empty", "zip-magic", "ole2-magic", "text"],
)
def test_corrupted_files_raise_ingest_error_naming_the_file(
    suffix: str, reader: object, data: bytes
) -> None:
    name = f"broken{suffix}"
    with pytest.raises(IngestError) as info:
        reader(data, name, sha256="0")  # type: ignore[operator]
    _assert_names_file(info.value, name)


def test_truncated_xlsx_and_docx_raise_ingest_error(seed_xlsx: Path, tmp_path: Path) -> None:
    data = seed_xlsx.read_bytes()
    for cut in (10, len(data) // 3, len(data) // 2, len(data) - 30):
        with pytest.raises(IngestError) as info:
            xlsx.read(data[:cut], "cut.xlsx", sha256="0")
        _assert_names_file(info.value, "cut.xlsx")
    d = docx.Document()
    d.add_paragraph("项目支出绩效目标表")
    d.add_table(rows=2, cols=2).cell(0, 0).text = "项目名称"
    buffer = BytesIO()
    d.save(buffer)
    whole = buffer.getvalue()
    for cut in (10, len(whole) // 2, len(whole) - 30):
        with pytest.raises(IngestError) as info:
            docx_reader.read(whole[:cut], "cut.docx", sha256="0")
        _assert_names_file(info.value, "cut.docx")


def test_a_workbook_without_targets_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _rows(ws, [["姓名", "电话"], ["张三", "123"]])
    path = _save(wb, tmp_path / "contacts.xlsx")
    with pytest.raises(IngestError, match="不是绩效目标表") as info:
        _read(path)
    _assert_names_file(info.value, "contacts.xlsx")
    with pytest.raises(IngestError, match="文件是空的") as info:
        _read(_save(Workbook(), tmp_path / "blank.xlsx"))
    _assert_names_file(info.value, "blank.xlsx")


def test_xlsx_with_a_damaged_sheet_part_raises(seed_xlsx: Path, tmp_path: Path) -> None:
    out = BytesIO()
    with zipfile.ZipFile(seed_xlsx) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.endswith("sheet2.xml"):
                body = body[: len(body) // 2]
            dst.writestr(item, body)
    with pytest.raises(IngestError) as info:
        xlsx.read(out.getvalue(), "damaged.xlsx", sha256="0")
    _assert_names_file(info.value, "damaged.xlsx")
