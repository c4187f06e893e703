"""Layouts seen in real published workbooks and Word files, each as a small file built here.

Each test names the layout it builds (see docs/import.md): the operator printed in the
指标性质 / 指标方向 column, flat lists of many projects, stacked project forms, legacy
``.doc`` files, ``.xls`` with merged cells and Word reports holding many tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.model import Document, Project
from jixiao.ingest import IngestError, read_path, xlsx
from jixiao.ingest import doc as doc_reader
from jixiao.ingest import docx as docx_reader

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


# -- many projects in one list ----------------------------------------------------------------

_LIST_HEADER: list[Cell] = [
    "单位名称",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
]


def _project_list(merged: bool) -> Workbook:
    """A 部门项目支出绩效目标表 listing three projects of two units, one block of rows each:
    the block's 单位名称 / 项目名称 / 预算数 / 年度目标 merged down its rows or repeated on
    every row; a department total row above the first block."""
    blocks: list[tuple[str, str, float, str, list[list[Cell]]]] = [
        (
            "101-县水利局",
            "P01-河长制工作经费",
            120000,
            "保障河长制工作",
            [
                ["产出指标", "数量指标", "巡河次数", "≥", 12, "次", 30],
                ["效益指标", "社会效益指标", "河道整洁", "定性", "好", None, 20],
            ],
        ),
        (
            "101-县水利局",
            "P02-水库运行费",
            650000,
            "水库安全运行",
            [
                ["产出指标", "数量指标", "维护水库", "＝", 1, "座", 20],
                ["产出指标", "质量指标", "完好率", "≥", 95, "%", 20],
                ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90, "%", 10],
            ],
        ),
        (
            "102-县水文站",
            "P02-水库运行费",
            30000,
            "水文监测",
            [["产出指标", "时效指标", "监测及时率", "＝", 100, "%", 50]],
        ),
    ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _put(ws, [["部门项目支出绩效目标表（2025年度）"], [None, None, None, None, "金额单位：元"]])
    _put(ws, [_LIST_HEADER, ["101-县水利局（部门）", None, 800000]], first=3)
    r = 5
    for unit, name, funds, goal, rows in blocks:
        for k, ind in enumerate(rows):
            head: list[Cell] = [unit, name, funds, goal] if k == 0 or not merged else [None] * 4
            _put(ws, [head + ind], first=r + k)
        if merged and len(rows) > 1:
            for c in "ABCD":
                ws.merge_cells(f"{c}{r}:{c}{r + len(rows) - 1}")
        r += len(rows)
    _put(ws, [["适用用户：财政用户、单位用户"]], first=r)
    ws.merge_cells(f"A{r}:C{r}")
    return wb


def test_a_list_of_projects_reads_one_project_per_block(tmp_path: Path) -> None:
    for merged in (True, False):
        path = tmp_path / f"list-{merged}.xlsx"
        _project_list(merged).save(path)
        doc = _read(path)
        assert [(p.name, p.unit, p.funds.total if p.funds else None) for p in doc.projects] == [
            ("P01-河长制工作经费", "101-县水利局", 120000),  # in 元, as printed
            ("P02-水库运行费", "101-县水利局", 650000),
            ("P02-水库运行费", "102-县水文站", 30000),  # the same project under another unit
        ], merged
        assert {p.funds.unit for p in doc.projects if p.funds} == {"元"}
        assert [len(p.indicators) for p in doc.projects] == [2, 3, 1]
        assert doc.projects[1].annual_goal == "水库安全运行"
        assert _targets(doc.projects[1]) == [
            ("维护水库", "＝1座"),
            ("完好率", "≥95%"),
            ("群众满意度", "≥90%"),
        ]
        messages = " ".join(w.message for w in doc.warnings)
        assert "“101-县水利局（部门） | 800000”没有项目名称和指标，是汇总行" in messages


# -- legacy Word (.doc) ------------------------------------------------------------------------


def _selfeval_docx(path: Path) -> Path:
    """A 决算 report: prose, a budget table, then a 自评表 among the other tables."""
    import docx

    d = docx.Document()
    d.add_paragraph("2023年度部门决算")
    d.add_paragraph("第一部分 部门概况")
    budget = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["项目", "预算数", "决算数"]):
        budget.cell(0, c).text = text
    for c, text in enumerate(["一般公共预算", "100", "98"]):
        budget.cell(1, c).text = text
    d.add_paragraph("附件：部门预算项目支出绩效自评表")
    rows = [
        ["部门预算项目支出绩效自评表（2023年度）", "", "", "", "", "", ""],
        ["项目名称", "乡镇财力保障", "", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值"],
        ["产出指标", "数量指标", "维护道路", "≥", "12", "公里", "13"],
        ["", "质量指标", "验收合格率", "＝", "100", "%", "100%"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "95%"],
    ]
    table = d.add_table(rows=len(rows), cols=7)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(0, 6))
    table.cell(1, 1).merge(table.cell(1, 6))
    d.add_paragraph("第三部分 名词解释")
    d.save(path)
    return path


def _to_doc(docx_path: Path) -> Path:
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is needed to build a .doc")
    out = docx_path.parent / "doc"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(docx_path.parent / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(out),
            str(docx_path),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return out / (docx_path.stem + ".doc")


@pytest.fixture(scope="module")
def selfeval_doc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("doc")
    return _to_doc(_selfeval_docx(folder / "report.docx"))


def _check_selfeval(doc: Document) -> None:
    (p,) = doc.projects
    assert p.name == "乡镇财力保障"
    assert _targets(p) == [
        ("维护道路", "≥12公里"),
        ("验收合格率", "＝100%"),
        ("群众满意度", "≥90%"),
    ]


def test_legacy_doc_is_read_through_libreoffice(selfeval_doc: Path) -> None:
    """A Word 97–2003 file is told from a workbook by its content and converted; the
    自评表 is found among the report's tables."""
    doc = read_path(selfeval_doc)
    assert doc.source is not None and doc.source.layout == "doc"
    _check_selfeval(doc)
    first = doc.projects[0].indicators[0]
    assert first.source is not None and first.source.file == str(selfeval_doc)


def test_legacy_doc_read_by_antiword_without_libreoffice(
    selfeval_doc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    if shutil.which("antiword") is None:
        pytest.skip("antiword is not installed")
    monkeypatch.setattr(doc_reader, "_soffice", lambda: None)
    doc = read_path(selfeval_doc)
    _check_selfeval(doc)


def test_legacy_doc_without_a_converter_says_what_to_install(
    selfeval_doc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    with pytest.raises(IngestError) as caught:
        read_path(selfeval_doc)
    message = str(caught.value)
    assert str(selfeval_doc) in message
    assert "Word 97–2003" in message and "libreoffice-writer-nogui" in message


def test_legacy_doc_conversion_has_a_time_limit(
    selfeval_doc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    def slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="soffice", timeout=doc_reader.TIMEOUT)

    monkeypatch.setattr(doc_reader, "_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(doc_reader.subprocess, "run", slow)
    with pytest.raises(IngestError, match="转换超过"):
        read_path(selfeval_doc)


def test_an_xls_workbook_is_still_read_as_a_workbook(tmp_path: Path) -> None:
    """OLE2 files holding a workbook are not taken for Word documents."""
    assert not doc_reader.is_word(b"\xd0\xcf\x11\xe0" + "Workbook".encode("utf-16-le"))
    assert doc_reader.is_word(b"\xd0\xcf\x11\xe0" + "WordDocument".encode("utf-16-le"))


def test_a_word_report_with_many_tables_finds_its_performance_table(tmp_path: Path) -> None:
    """A 决算 report: a budget table, prose, then the 自评表 — the budget table is no project."""
    doc = _read(_selfeval_docx(tmp_path / "report.docx"))
    _check_selfeval(doc)


def test_a_row_shifted_one_cell_right_is_read_one_column_left(tmp_path: Path) -> None:
    """An extra cell at the start of a row (项目完成指标 | 产出指标 | 数量指标 | name | value)
    pushes it one column on: read one column to the left, with a warning."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _put(
        ws,
        [
            ["项目支出绩效目标完成情况表"],
            ["项目名称", "乡镇财力保障"],
            ["一级指标", "二级指标", "三级指标", "预期指标值", "实际完成指标值"],
            ["项目完成指标", "产出指标", "数量指标", "危房改造覆盖率", "不低于50%"],
            ["效益指标", "社会效益指标", "防灾救助", "购置灭火器", "已购置"],
        ],
    )
    path = tmp_path / "shifted.xlsx"
    wb.save(path)
    doc = _read(path)
    (p,) = doc.projects
    rows = [
        (i.level1, i.level2, i.name, i.full_year.text if i.full_year else None)
        for i in p.indicators
    ]
    assert rows == [
        ("产出指标", "数量指标", "危房改造覆盖率", "不低于50%"),
        ("效益指标", "社会效益指标", "防灾救助", "购置灭火器"),
    ]
    assert any("整行右移" in w.message for w in doc.warnings)
