"""Case ``wide table`` (docs/import.md): a list of projects printed one row or block of rows
per project, with the indicators across the row — a 三级指标 · 指标值 pair of columns under
each category label (产出指标 · 效益指标 · 满意度指标), the project's name, funds and goal on
the first row of its block, unit and total rows (a name and a subtotal, no indicator) between
the blocks.  Each project reads as its own, with its own funds and indicators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.domain.model import Document, Project
from jixiao.domain.provenance import Provenance
from jixiao.ingest import xlsx
from jixiao.ingest._explain import explaining
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import read_grids
from jixiao.ingest._wide import unpivot_wide

Cell = str | int | float | None
CATEGORIES = ("产出指标", "效益指标", "满意度指标")


def _put(ws: Worksheet, rows: Sequence[Sequence[Cell]], first: int = 1) -> None:
    for k, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(first + k, c).value = value


def _read(path: Path) -> Document:
    data = path.read_bytes()
    return xlsx.read(data, path.name, sha256=hashlib.sha256(data).hexdigest())


def _targets(p: Project) -> list[tuple[str, str, str | None]]:
    return [(i.level1, i.name, i.full_year.text if i.full_year else None) for i in p.indicators]


def _wide_workbook(*, merged_names: bool) -> Workbook:
    """A 项目绩效目标 sheet in the wide layout: 名称 | 项目资金 (资金总额 · 财政拨款 · 其他资金)
    | 年度目标 | 绩效指标 (产出 · 效益 · 满意度, each 三级指标 · 指标值), amounts in 万元; a
    合计 row, two units with their subtotals, three projects (one of them a single row).
    With ``merged_names`` the name and goal cells are merged down their blocks and the money
    unit is printed in the header (项目资金（万元）) instead of above the table."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "项目绩效"
    _put(
        ws,
        [
            ["2024年部门预算项目绩效目标"],
            [None] * 10 + [None if merged_names else "单位：万元"],
            [
                "单位名称(项目名称)",
                "项目资金（万元）" if merged_names else "项目资金",
                None,
                None,
                "年度目标",
                "绩效指标",
            ],
            [
                None,
                "资金总额",
                "财政拨款",
                "其他资金",
                None,
                CATEGORIES[0],
                None,
                CATEGORIES[1],
                None,
                CATEGORIES[2],
            ],
            [None] * 5 + ["三级指标", "指标值"] * 3,
            ["合计", 95, 90, 5],
            ["示范县农业局", 80, 75, 5],
            [
                "耕地保护补助",
                60,
                60,
                0,
                "保护基本农田",
                "补助面积",
                "≥2000亩",
                "农田质量提升",
                "明显提升",
                "农户满意度",
                "≥90%",
            ],
            [None, 0, 0, 0, None, "发放及时率", "100%", "粮食产量", "稳中有增"],
            [None, 0, 0, 0, None, "检查次数", "4次"],
            [
                "农机推广经费",
                20,
                15,
                5,
                "推广新农机",
                "推广台数",
                "50台",
                None,
                None,
                "满意度",
                "95%",
            ],
            ["示范县农技站", 15, 15, 0],
            [
                "农技培训费",
                15,
                15,
                0,
                "培训农技人员",
                "培训人次",
                "300人次",
                "技术普及率",
                "提高",
                "学员满意度",
                "≥92%",
            ],
            [None, 0, 0, 0, None, "培训天数", "10天"],
        ],
    )
    for rng in ("A3:A5", "B3:D3", "E3:E5", "F3:K3", "F4:G4", "H4:I4", "J4:K4"):
        ws.merge_cells(rng)
    for c in "BCD":
        ws.merge_cells(f"{c}4:{c}5")
    if merged_names:
        ws.merge_cells("A8:A10")
        ws.merge_cells("E8:E10")
        ws.merge_cells("A13:A14")
    return wb


def test_a_wide_table_reads_one_project_per_row_block(tmp_path: Path) -> None:
    for merged in (False, True):
        path = tmp_path / f"wide-{merged}.xlsx"
        _wide_workbook(merged_names=merged).save(path)
        doc = _read(path)
        assert [(p.name, p.unit) for p in doc.projects] == [
            ("耕地保护补助", "示范县农业局"),
            ("农机推广经费", "示范县农业局"),
            ("农技培训费", "示范县农技站"),
        ], merged
        funds = [p.funds for p in doc.projects]
        assert [(f.total, f.fiscal, f.other, f.unit) for f in funds if f] == [
            (600000, 600000, 0, "万元"),  # in 元, printed in 万元
            (200000, 150000, 50000, "万元"),
            (150000, 150000, 0, "万元"),
        ]
        assert [p.annual_goal for p in doc.projects] == [
            "保护基本农田",
            "推广新农机",
            "培训农技人员",
        ]
        first, second, third = doc.projects
        assert _targets(first) == [
            ("产出指标", "补助面积", "≥2000亩"),
            ("产出指标", "发放及时率", "100%"),
            ("产出指标", "检查次数", "4次"),
            ("效益指标", "农田质量提升", "明显提升"),
            ("效益指标", "粮食产量", "稳中有增"),
            ("满意度指标", "农户满意度", "≥90%"),
        ]
        assert _targets(second) == [
            ("产出指标", "推广台数", "50台"),
            ("满意度指标", "满意度", "95%"),  # an empty 效益 pair gives no indicator
        ]
        assert len(third.indicators) == 4
        # Each indicator cites the cells it was printed in, not the rewritten rows.
        ind = first.indicators[1]
        assert ind.source == Provenance(path.name, sheet="项目绩效", cell="F9")
        assert ind.full_year is not None and ind.full_year.source is not None
        assert ind.full_year.source.cell == "G9"
        assert first.source is not None and first.source.cell == "A8"


def test_the_wide_table_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    _wide_workbook(merged_names=False).save(path)
    with explaining() as steps:
        _read(path)
    decisions = [s.decision for s in steps]
    assert any(d.startswith("宽表：3 个项目") for d in decisions)
    assert "“示范县农技站”是单位或合计行，不是项目" in decisions
    assert "“合计”是单位或合计行，不是项目" in decisions


# -- grids built by hand ---------------------------------------------------------------------


def _cell(text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(text, row, col, rowspan, colspan, Provenance("t.xlsx", sheet="S"))


def _header(level_row: Sequence[tuple[str, int]], pair: tuple[str, str] = ("三级指标", "指标值")):
    """项目名称 | 预算数 | 年度目标 | one pair per (label, column) above it."""
    cells = [_cell("项目名称", 0, 0, rowspan=2), _cell("预算数", 0, 1, rowspan=2)]
    cells.append(_cell("年度目标", 0, 2, rowspan=2))
    for label, col in level_row:
        cells.append(_cell(label, 0, col, colspan=2))
        cells += [_cell(pair[0], 1, col), _cell(pair[1], 1, col + 1)]
    return cells


def test_side_by_side_period_blocks_are_no_wide_table() -> None:
    """中长期 · 年度 blocks of 三级指标 · 指标值 side by side are periods, not categories: the
    grid is left to the side-by-side reading."""
    cells = _header([("中长期指标", 3), ("年度指标", 5)])
    cells += [_cell(x, 2, c) for c, x in enumerate(["项目甲", "10", "目标", "a", "1", "b", "2"])]
    assert unpivot_wide(Grid(tuple(cells))) is None


def test_a_single_pair_is_no_wide_table() -> None:
    cells = _header([("产出指标", 3)])
    cells += [_cell(x, 2, c) for c, x in enumerate(["项目甲", "10", "目标", "a", "1"])]
    assert unpivot_wide(Grid(tuple(cells))) is None


def test_level_labels_as_the_name_headers_and_level_two_categories() -> None:
    """产出指标 | 指标值 | 效益指标 | 指标值 (the category heads the name column itself), and
    level-2 categories (数量指标 · 质量指标) whose level 1 is inferred."""
    head = [_cell("项目名称", 0, 0), _cell("预算数", 0, 1)]
    labels = ["数量指标", "指标值", "质量指标", "指标值", "满意度指标", "指标值"]
    head += [_cell(x, 0, 2 + k) for k, x in enumerate(labels)]
    rows = [
        ["项目乙", "8", "培训人数", "≥100人", "合格率", "≥95%", "学员满意度", "≥90%"],
        ["", "", "培训期数", "2期"],
    ]
    cells = head + [
        _cell(x, 1 + r, c) for r, row in enumerate(rows) for c, x in enumerate(row) if x
    ]
    doc = read_grids([Grid(tuple(cells), sheet="S")], file="t.xlsx", sha256="0", layout="xlsx")
    (p,) = doc.projects
    assert p.name == "项目乙"
    got = [
        (i.level1, i.level2, i.name, i.full_year.text if i.full_year else None)
        for i in p.indicators
    ]
    assert got == [
        ("产出指标", "数量指标", "培训人数", "≥100人"),
        ("产出指标", "数量指标", "培训期数", "2期"),
        ("产出指标", "质量指标", "合格率", "≥95%"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]


def test_a_project_with_a_goal_and_no_indicator_is_still_a_project() -> None:
    """A named row with its goal but no indicator is a project (printed empty); a named row
    with neither is a unit."""
    cells = _header([("产出指标", 3), ("效益指标", 5)])
    rows = [
        ["某单位", "30"],
        ["项目丙", "10", "目标丙"],
        ["项目丁", "20", "目标丁", "完成数", "5个", "效益", "提高"],
        ["", "7", "", "完成率", "100%"],  # another amount on a row of the block
        ["注：金额单位为万元"],
    ]
    cells += [_cell(x, 2 + r, c) for r, row in enumerate(rows) for c, x in enumerate(row) if x]
    doc = read_grids([Grid(tuple(cells), sheet="S")], file="t.xlsx", sha256="0", layout="xlsx")
    assert [(p.name, p.unit, len(p.indicators)) for p in doc.projects] == [
        ("项目丙", "某单位", 0),
        ("项目丁", "某单位", 3),
    ]
    assert [i.name for i in doc.projects[1].indicators] == ["完成数", "完成率", "效益"]
    # What the blocks do not place is reported, never read as an indicator.
    messages = " ".join(w.message for w in doc.warnings)
    assert "“7”不在任何已知的列中，未导入" in messages
    assert "“注：金额单位为万元”是表格的说明，未导入" in messages


_NAMES = st.text(alphabet="农林水利教育培训经费项目补助", min_size=2, max_size=6)


@st.composite
def _wide_grids(draw: st.DrawFn) -> tuple[Grid, list[tuple[str, list[list[int]]]]]:
    """A wide grid of random blocks: per project, rows of indicator counts per category."""
    n_cat = draw(st.integers(2, 3))
    cells = _header([(CATEGORIES[k], 3 + 2 * k) for k in range(n_cat)])
    names = draw(st.lists(_NAMES, min_size=1, max_size=5, unique=True))
    blocks: list[tuple[str, list[list[int]]]] = []
    r = 2
    serial = 0
    for name in names:
        if draw(st.booleans()):
            cells += [_cell(name + "单位", r, 0), _cell("100", r, 1)]  # a unit row
            r += 1
        n_rows = draw(st.integers(1, 4))
        filled: list[list[int]] = []
        for k in range(n_rows):
            row = [_cell(name, r, 0), _cell("10", r, 1), _cell("目标", r, 2)] if k == 0 else []
            flags = [draw(st.booleans()) or (k == 0 and c == 0) for c in range(n_cat)]
            for c, on in enumerate(flags):
                if on:
                    serial += 1
                    row += [
                        _cell(f"指标{serial}", r, 3 + 2 * c),
                        _cell(f"{serial}个", r, 4 + 2 * c),
                    ]
            filled.append([int(on) for on in flags])
            cells += row
            r += 1
        blocks.append((name, filled))
    return Grid(tuple(cells), sheet="S"), blocks


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_wide_grids())
def test_every_block_is_a_project_with_its_indicators(
    case: tuple[Grid, list[tuple[str, list[list[int]]]]],
) -> None:
    grid, blocks = case
    doc = read_grids([grid], file="t.xlsx", sha256="0", layout="xlsx")
    assert [p.name for p in doc.projects] == [name for name, _ in blocks]
    for p, (_, rows) in zip(doc.projects, blocks, strict=True):
        per_category = [sum(col) for col in zip(*rows, strict=True)]
        got = [sum(1 for i in p.indicators if i.level1 == cat) for cat in CATEGORIES]
        assert got[: len(per_category)] == per_category
        # every indicator keeps its own value, printed beside its name
        for i in p.indicators:
            assert i.full_year is not None
            assert i.full_year.text == i.name.removeprefix("指标") + "个"
