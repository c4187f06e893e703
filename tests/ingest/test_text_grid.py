"""Text dumps of tables (pipe, tsv, columns, cell-lines) read into grids.

The dumps are rendered here from known tables: the seed's eight project tables as read by
the seed reader (names, labels and values checked by hand in tests/ingest/test_seed.py).
Each layout is rendered the way such dumps come out of real tools — merged cells dropped or
left empty, long cells broken over lines, CJK text aligned by display width — and the grids
are checked cell by cell, with the line every cell came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.model import Document
from jixiao.ingest import read_bytes, read_path, text_blocks
from jixiao.ingest._grid import Grid
from jixiao.ingest._text import TextSource
from jixiao.ingest.errors import IngestError
from jixiao.ingest.text_grid import (
    LAYOUTS,
    bar_cells_grids,
    cell_lines_grids,
    columns_grids,
    pipe_grids,
    spaces_grids,
    tsv_grids,
)
from tests.conftest import SEED, SEED_LAYOUT

SEED_DOC = read_path(SEED)
HEADER = ("一级指标", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值")
TITLE = "无锡市市本级项目预算绩效目标表"


# -- the known tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A project table as printed: title lines, header fields, the indicator rows."""

    title: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str, str, str, str], ...]  # level 1, level 2, name, half, full

    def first_of_group(self, k: int) -> bool:
        """Whether row k prints its level-1 label (the first row of a merged cell)."""
        return k == 0 or self.rows[k][0] != self.rows[k - 1][0]

    def group_size(self, k: int) -> int:
        n = 1
        while k + n < len(self.rows) and not self.first_of_group(k + n):
            n += 1
        return n


def seed_tables() -> list[Table]:
    tables = []
    for p in SEED_DOC.projects:
        rows = []
        for i in p.indicators:
            assert i.half_year is not None and i.full_year is not None
            assert i.level1_label is not None and i.level2_label is not None
            rows.append(
                (i.level1_label, i.level2_label, i.name, i.half_year.text, i.full_year.text)
            )
        fields = (
            ("项目名称", p.name),
            ("主管部门", p.department or ""),
            ("实施单位", p.unit or ""),
            ("开始时间", f"{p.start_year}年"),
            ("完成时间", f"{p.end_year}年"),
        )
        tables.append(Table((TITLE, f"{p.fiscal_year}年度"), fields, tuple(rows)))
    return tables


TABLES = seed_tables()


def test_the_known_tables_are_the_seed() -> None:
    assert len(TABLES) == 8
    assert all(len(t.rows) == 4 for t in TABLES)
    assert TABLES[0].rows[0] == (
        "产出指标",
        "数量指标",
        "人大代表履职培训情况",
        "＝200人次",
        "＝461人次",
    )
    assert TABLES[0].rows[3][:2] == ("满意度", "服务对象满意度")


def row_texts(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row] for row in grid.rows()]


def check_provenance(grid: Grid, text: str, name: str) -> None:
    """Every cell names the file and the line where its text starts."""
    lines = text.replace("\f", "\n").split("\n") if "\f" not in text else None
    by_page = [page.split("\n") for page in text.split("\f")]
    numbered = text.split("\n")
    for cell in grid.cells:
        assert cell.source is not None
        assert cell.source.file == name
        assert cell.source.line is not None
        line = numbered[cell.source.line - 1]
        if lines is None:
            assert cell.source.page is not None
            assert 1 <= cell.source.page <= len(by_page)
        else:
            assert cell.source.page is None
        first = cell.text.split("\n")[0]
        assert first.replace("|", "") in line.replace("\\|", "") or first in line, (cell, line)


def _projects(
    doc: Document,
) -> list[tuple[str, list[tuple[str, str, str, str | None, str | None]]]]:
    return [
        (
            p.name,
            [
                (
                    i.level1,
                    i.level2,
                    i.name,
                    i.half_year.text if i.half_year else None,
                    i.full_year.text if i.full_year else None,
                )
                for i in p.indicators
            ],
        )
        for p in doc.projects
    ]


SEED_PROJECTS = _projects(SEED_DOC)


# -- pipe ------------------------------------------------------------------------------------

LONG = 16  # names longer than this are broken over two lines in the dumps


def render_pipe(tables: Sequence[Table]) -> str:
    """Markdown-ish dumps of HTML tables: merged level-1 cells dropped (rows shift left),
    long names broken over two lines by a text wrapper."""
    out: list[str] = []
    for table in tables:
        out.extend([*table.title, ""])
        for key, value in table.fields:
            out.append(f"| {key} | {value} |")
        out.append("| " + " | ".join(HEADER) + " |")
        out.append("|" + "---|" * len(HEADER))
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            cells = (
                [l1, l2, name, half, full] if table.first_of_group(k) else [l2, name, half, full]
            )
            line = "| " + " | ".join(cells) + " |"
            if len(name) > LONG:
                cut = line.index(name) + LONG
                out.extend([line[:cut], line[cut:]])
            else:
                out.append(line)
        out.append("")
    return "\n".join(out)


def expected_dropped(table: Table) -> list[list[str]]:
    rows = [[key, value] for key, value in table.fields]
    rows.append(list(HEADER))
    for k, (l1, l2, name, half, full) in enumerate(table.rows):
        if len(name) > LONG:
            name = name[:LONG] + "\n" + name[LONG:]
        rows.append(
            [l1, l2, name, half, full] if table.first_of_group(k) else [l2, name, half, full]
        )
    return rows


def test_pipe_rows_broken_over_lines_and_shifted_left() -> None:
    text = render_pipe(TABLES)
    grids = pipe_grids(TextSource("t.md", text))
    assert len(grids) == len(TABLES)
    for grid, table in zip(grids, TABLES, strict=True):
        assert grid.ragged
        assert grid.title == table.title
        assert row_texts(grid) == expected_dropped(table)
        check_provenance(grid, text, "t.md")
    # A broken row: the name's second half came from the next line, the cell names the first.
    broken = [c for g in grids for c in g.cells if "\n" in c.text]
    assert broken, "the seed has names longer than LONG"
    lines = text.split("\n")
    for cell in broken:
        assert cell.source is not None and cell.source.line is not None
        first, second = cell.text.split("\n")
        assert first in lines[cell.source.line - 1]
        assert lines[cell.source.line].startswith(second)


def test_pipe_unbordered_rows_with_empty_cells() -> None:
    text = "\n".join(
        [
            "一级指标 | 二级指标 | 三级指标 | 指标值",
            "产出指标 | 数量指标 | 参加培训的人大代",
            "表人数 | ≥90人次",
            " | 质量指标 | 培训合格率 | ≥95%",
            "效益指标 | 社会效益指标 |  | 较好",
        ]
    )
    (grid,) = pipe_grids(TextSource("u.txt", text))
    assert row_texts(grid) == [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "参加培训的人大代\n表人数", "≥90人次"],
        ["", "质量指标", "培训合格率", "≥95%"],
        ["效益指标", "社会效益指标", "", "较好"],
    ]
    assert not grid.ragged
    assert [c.source.line for c in grid.rows()[1] if c.source] == [2, 2, 2, 3]


def test_pipe_short_rows_are_not_joined_when_they_end_in_a_value() -> None:
    text = "\n".join(
        [
            "| 一级指标 | 二级指标 | 三级指标 | 指标值 |",
            "| 产出指标 | 数量指标 | 培训人次 | ≥90人次 |",
            "| 质量指标 | 合格率 | ≥95%",  # a row without its closing bar, level 1 merged
            "| 时效指标 | 及时率 | ＝100% |",
        ]
    )
    (grid,) = pipe_grids(TextSource("s.txt", text))
    assert row_texts(grid)[2:] == [["质量指标", "合格率", "≥95%"], ["时效指标", "及时率", "＝100%"]]


def test_pipe_grid_drawn_tables_join_lines_between_borders() -> None:
    text = "\n".join(
        [
            "项目支出绩效目标表",
            "+----------+----------+--------------+---------+",
            "| 一级指标 | 二级指标 | 三级指标     | 指标值  |",
            "+==========+==========+==============+=========+",
            "| 产出指标 | 数量指标 | 参加培训的人 | ≥90人次 |",
            "|          |          | 大代表人数   |         |",
            "|          +----------+--------------+---------+",
            "|          | 质量指标 | 合格率       | ≥95%    |",
            "+----------+----------+--------------+---------+",
        ]
    )
    (grid,) = pipe_grids(TextSource("g.txt", text))
    assert grid.title == ("项目支出绩效目标表",)
    assert row_texts(grid) == [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "参加培训的人\n大代表人数", "≥90人次"],
        ["", "质量指标", "合格率", "≥95%"],
    ]
    assert [c.source.line for c in grid.rows()[1] if c.source] == [5, 5, 5, 5]


def test_pipe_escapes_br_and_box_drawing() -> None:
    text = "\n".join(
        [
            "│ 三级指标 │ 指标值 │",
            "│ a\\|b<br>c │ ≥1次 │",
            "│ 名称 │ ＝2&nbsp;次 │",
        ]
    )
    (grid,) = pipe_grids(TextSource("b.txt", text))
    assert row_texts(grid) == [["三级指标", "指标值"], ["a|b\nc", "≥1次"], ["名称", "＝2\u00a0次"]]


def test_text_between_tables_is_the_next_title() -> None:
    text = "\n".join(
        [
            "甲项目绩效目标表",
            "| 项目名称 | 甲 |",
            "单位：万元",
            "乙项目绩效目标表",
            "| 项目名称 | 乙 |",
        ]
    )
    grids = pipe_grids(TextSource("two.txt", text))
    assert [g.title for g in grids] == [("甲项目绩效目标表",), ("单位：万元", "乙项目绩效目标表")]
    assert [row_texts(g) for g in grids] == [[["项目名称", "甲"]], [["项目名称", "乙"]]]


# -- tsv ---------------------------------------------------------------------------------------


def render_tsv(tables: Sequence[Table]) -> str:
    """A spreadsheet selection copied as text: merged cells empty, a cell with a line break
    quoted, every row as wide as the selection."""
    out: list[str] = []
    for table in tables:
        out.extend(table.title)
        for key, value in table.fields:
            out.append("\t".join([key, value, "", "", ""]))
        out.append("\t".join(HEADER))
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            if len(name) > LONG:
                name = f'"{name[:LONG]}\n{name[LONG:]}"'
            out.append("\t".join([l1 if table.first_of_group(k) else "", l2, name, half, full]))
    return "\r\n".join(out) + "\r\n"


def test_tsv_spreadsheet_copy() -> None:
    text = render_tsv(TABLES)
    grids = tsv_grids(TextSource("copy.tsv", text))
    assert len(grids) == len(TABLES)
    for grid, table in zip(grids, TABLES, strict=True):
        assert not grid.ragged
        assert grid.title == table.title
        expected = [[key, value, "", "", ""] for key, value in table.fields]
        expected.append(list(HEADER))
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            if len(name) > LONG:
                name = name[:LONG] + "\n" + name[LONG:]
            expected.append([l1 if table.first_of_group(k) else "", l2, name, half, full])
        assert row_texts(grid) == expected
        check_provenance(grid, text.replace("\r\n", "\n"), "copy.tsv")


def test_tsv_broken_row_and_unclosed_quote() -> None:
    text = '一级指标\t三级指标\t指标值\n产出指标\t参加培训的\n人大代表人数\t≥90人次\n满意度\t"满意度\t≥90%\n'
    (grid,) = tsv_grids(TextSource("b.tsv", text))
    assert row_texts(grid) == [
        ["一级指标", "三级指标", "指标值"],
        ["产出指标", "参加培训的\n人大代表人数", "≥90人次"],
        ["满意度", '"满意度', "≥90%"],
    ]


# -- columns aligned with spaces -----------------------------------------------------------


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def render_columns(tables: Sequence[Table], *, centred: bool = False) -> str:
    """``pdftotext -layout``-like pages (form feeds between tables): CJK characters are two
    columns wide; a long name wraps onto a second line under its column; the merged level-1
    cell is printed on its group's first row, or on its middle row when ``centred``."""
    pages: list[str] = []
    for table in tables:
        body = [list(HEADER)]
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            start = k
            while not table.first_of_group(start):
                start -= 1
            size = table.group_size(start)
            at = start + (size - 1) // 2 if centred else start
            body.append([l1 if k == at else "", l2, name[:LONG], half, full])
        widths = [max(width(row[c]) for row in body) + 3 for c in range(len(HEADER))]
        lines = [" " * 20 + line for line in table.title]
        lines.append("")
        for key, value in table.fields:
            lines.append("  " + pad(key, widths[0]) + value)
        lines.append("")
        for k, row in enumerate(body):
            lines.append(
                "  " + "".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            name = table.rows[k - 1][2] if k else ""
            if len(name) > LONG:
                lines.append("  " + " " * (widths[0] + widths[1]) + name[LONG:])
        pages.append("\n".join(lines) + "\n")
    return "\f".join(pages)


def expected_columns(table: Table, *, centred: bool = False) -> list[list[str]]:
    rows = [[key, value] for key, value in table.fields]
    rows.append(list(HEADER))
    for k, (l1, l2, name, half, full) in enumerate(table.rows):
        start = k
        while not table.first_of_group(start):
            start -= 1
        at = start + (table.group_size(start) - 1) // 2 if centred else start
        if len(name) > LONG:
            name = name[:LONG] + "\n" + name[LONG:]
        rows.append([l1, l2, name, half, full] if k == at else [l2, name, half, full])
    return rows


@pytest.mark.parametrize("centred", [False, True])
def test_columns_aligned_by_display_width(centred: bool) -> None:
    text = render_columns(TABLES, centred=centred)
    grids = columns_grids(TextSource("layout.txt", text))
    assert len(grids) == len(TABLES)
    for page, (grid, table) in enumerate(zip(grids, TABLES, strict=True), start=1):
        assert not grid.ragged
        assert grid.page == page
        assert grid.title == table.title
        assert row_texts(grid) == expected_columns(table, centred=centred)
        # Cells sit in their columns; the field values span the columns they cover.
        for row in grid.rows()[6:]:
            assert [c.col for c in row][-4:] == [1, 2, 3, 4]
            assert all(c.colspan == 1 for c in row)
        assert grid.rows()[0][1].col == 1
        assert grid.rows()[0][1].colspan >= 1
        check_provenance(grid, text, "layout.txt")


def test_columns_aligned_by_characters() -> None:
    """A dump that pads by characters, not display width, is read as well."""
    rows = [[*HEADER[:3], "指标值"], ["产出指标", "数量指标", "培训人次", "≥90人次"]]
    rows += [["", "质量指标", "合格率", "≥95%"], ["满意度指标", "服务对象满意度", "满意度", "≥90%"]]
    widths = [max(len(r[c]) for r in rows) + 2 for c in range(4)]
    text = "\n".join(
        "".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )
    (grid,) = columns_grids(TextSource("chars.txt", text))
    assert row_texts(grid) == [r if r[0] else r[1:] for r in rows]
    assert [c.col for c in grid.rows()[2]] == [1, 2, 3]


# A page of real ``pdftotext -layout`` output (a workbook converted to PDF by LibreOffice):
# characters aligned by count, not display width; merged cells and wrapped header cells
# printed on lines of their own, centred between the rows they cover.
PDFTOTEXT_LAYOUT = (
    "                   无锡市市本级项目预算绩效目标表\n"
    "                               2024年度\n"
    "项目名称   城乡困难群众临时救助资金\n"
    "主管部门   无锡市民政局\n"
    "开始时间   2022年                            完成时间        2024年\n"
    "                                          半年（程）        全年（程）\n"
    "一级指标      二级指标                三级指标\n"
    "                                           指标值          指标值\n"
    "                  临时救助人次                  ≥600人次       ≥1,200人次\n"
    "          数量指标\n"
    "                  救助覆盖乡镇（街道）数              ＝6个          ＝12个\n"
    "          质量指标    救助对象认定准确率                ≥98%             ≥98%\n"
    "产出指标\n"
    "                  救助资金发放及时率                             ＝100%\n"
    "          时效指标\n"
    "                  救助审批办结时限                ≤15个工作日     ≤15个工作日\n"
    "          成本指标    人均临时救助支出                ≤0.3万元        ≤0.3万元\n"
    "         社会效益指标   困难群众基本生活保障                   有效           有效\n"
    "效益指标\n"
    "        可持续影响指标   社会救助政策知晓率                ≥85%             ≥85%\n"
    "\n"
    "\n"
    "满意度     服务对象满意度   救助对象满意度                  ≥95%             ≥95%\n"
)


def test_columns_real_pdftotext_layout() -> None:
    (grid,) = columns_grids(TextSource("p.txt", PDFTOTEXT_LAYOUT))
    assert grid.title == ("无锡市市本级项目预算绩效目标表", "2024年度")
    rows = [[(c.col, c.text) for c in row] for row in grid.rows()]
    assert rows == [
        [(0, "项目名称"), (1, "城乡困难群众临时救助资金")],
        [(0, "主管部门"), (1, "无锡市民政局")],
        [(0, "开始时间"), (1, "2022年"), (3, "完成时间"), (4, "2024年")],
        [
            (0, "一级指标"),
            (1, "二级指标"),
            (2, "三级指标"),
            (3, "半年（程）\n指标值"),
            (4, "全年（程）\n指标值"),
        ],
        # A merged level-2 cell printed between its two rows goes with the upper one.
        [(1, "数量指标"), (2, "临时救助人次"), (3, "≥600人次"), (4, "≥1,200人次")],
        [(2, "救助覆盖乡镇（街道）数"), (3, "＝6个"), (4, "＝12个")],
        [(0, "产出指标"), (1, "质量指标"), (2, "救助对象认定准确率"), (3, "≥98%"), (4, "≥98%")],
        [(1, "时效指标"), (2, "救助资金发放及时率"), (4, "＝100%")],
        [(2, "救助审批办结时限"), (3, "≤15个工作日"), (4, "≤15个工作日")],
        [(1, "成本指标"), (2, "人均临时救助支出"), (3, "≤0.3万元"), (4, "≤0.3万元")],
        [
            (0, "效益指标"),
            (1, "社会效益指标"),
            (2, "困难群众基本生活保障"),
            (3, "有效"),
            (4, "有效"),
        ],
        [(1, "可持续影响指标"), (2, "社会救助政策知晓率"), (3, "≥85%"), (4, "≥85%")],
        [(0, "满意度"), (1, "服务对象满意度"), (2, "救助对象满意度"), (3, "≥95%"), (4, "≥95%")],
    ]
    # Each cell names the line its text starts on (the header's upper line, a label's own).
    assert [c.source.line for c in grid.rows()[3] if c.source] == [7, 7, 7, 6, 6]
    assert [c.source.line for c in grid.rows()[4] if c.source] == [10, 9, 9, 9]
    check_provenance(grid, PDFTOTEXT_LAYOUT, "p.txt")


def test_columns_centred_cells_and_wrapped_header_words() -> None:
    text = "\n".join(
        [
            "序号（                                      2024年目标",
            "      职能（二级专项）   工作及项目名称    年度目标",
            "代码）                                         值",
            "",
            "                 推进市场监管领域   完善市场监管",
            "      负责市场综合监督                            ≥2件",
            " 1    管理        性文件清理         法规制度体系",
            "",
            "                 开展联合抽查       随机抽查覆盖率   ＝100%",
        ]
    )
    (grid,) = columns_grids(TextSource("o.txt", text))
    assert row_texts(grid) == [
        ["序号（\n代码）", "职能（二级专项）", "工作及项目名称", "年度目标", "2024年目标\n值"],
        [
            "1",
            "负责市场综合监督\n管理",
            "推进市场监管领域\n性文件清理",
            "完善市场监管\n法规制度体系",
            "≥2件",
        ],
        ["开展联合抽查", "随机抽查覆盖率", "＝100%"],
    ]


# -- one cell per line ---------------------------------------------------------------------


def render_cell_lines(tables: Sequence[Table], *, blank_rows: bool) -> str:
    """One cell per line, merged cells printed once; rows separated by a blank line or not
    at all; tables separated by a form feed."""
    pages = []
    for table in tables:
        rows: list[list[str]] = [[*table.title]]
        rows.extend([key, value] for key, value in table.fields)
        rows.append(list(HEADER))
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            rows.append(
                [l1, l2, name, half, full] if table.first_of_group(k) else [l2, name, half, full]
            )
        sep = "\n\n" if blank_rows else "\n"
        pages.append(sep.join("\n".join(row) for row in rows) + "\n")
    return "\f".join(pages)


@pytest.mark.parametrize("blank_rows", [False, True])
def test_cell_lines(blank_rows: bool) -> None:
    text = render_cell_lines(TABLES, blank_rows=blank_rows)
    grids = cell_lines_grids(TextSource("cells.txt", text))
    assert len(grids) == len(TABLES)
    for grid, table in zip(grids, TABLES, strict=True):
        assert grid.ragged
        assert grid.title == table.title
        expected = [[key, value] for key, value in table.fields]
        expected.append(list(HEADER))
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            expected.append(
                [l1, l2, name, half, full] if table.first_of_group(k) else [l2, name, half, full]
            )
        assert row_texts(grid) == expected
        check_provenance(grid, text, "cells.txt")


def test_cell_per_paragraph_wrapped() -> None:
    cells = ["三级指标", "指标值", "产出指标", "数量指标", "参加培训的\n人大代表人数", "≥90人次"]
    cells += ["质量指标", "合格率", "≥95%", "满意度", "服务对象满\n意度", "服务对象满意度", "≥90%"]
    text = "\n\n".join(cells)
    (grid,) = cell_lines_grids(TextSource("p.txt", text))
    assert row_texts(grid) == [
        ["三级指标", "指标值"],
        ["产出指标", "数量指标", "参加培训的\n人大代表人数", "≥90人次"],
        ["质量指标", "合格率", "≥95%"],
        ["满意度", "服务对象满\n意度", "服务对象满意度", "≥90%"],
    ]
    assert [c.source.line for c in grid.rows()[1] if c.source] == [5, 7, 9, 12]


# -- sniffing ------------------------------------------------------------------------------


def _scores(text: str) -> dict[str, float]:
    source = TextSource("x.txt", text)
    scores = {layout: sniff(source) for layout, (_, sniff) in LAYOUTS.items()}
    scores[text_blocks.LAYOUT] = text_blocks.sniff(source)
    return scores


RENDERED: dict[str, Callable[[], str]] = {
    "pipe": lambda: render_pipe(TABLES),
    "tsv": lambda: render_tsv(TABLES),
    "columns": lambda: render_columns(TABLES),
    "columns-centred": lambda: render_columns(TABLES, centred=True),
    "cell-lines": lambda: render_cell_lines(TABLES, blank_rows=False),
    "cell-lines-blank-rows": lambda: render_cell_lines(TABLES, blank_rows=True),
}


@pytest.mark.parametrize("case", sorted(RENDERED))
def test_each_dump_is_sniffed_as_its_layout(case: str) -> None:
    scores = _scores(RENDERED[case]())
    best = max(scores, key=lambda k: scores[k])
    assert best == case.removesuffix("-centred").removesuffix("-blank-rows"), scores
    assert max(scores.values()) < 1.0 or best == text_blocks.LAYOUT


@pytest.mark.parametrize("path", [SEED, *sorted(SEED_LAYOUT.glob("*.txt"))], ids=lambda p: p.stem)
def test_the_seed_layout_still_wins(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scores = _scores(text)
    assert max(scores, key=lambda k: scores[k]) == text_blocks.LAYOUT, scores
    for layout in LAYOUTS:
        assert scores[layout] < scores[text_blocks.LAYOUT]


def test_a_close_call_between_layouts_goes_to_the_reading_that_makes_sense() -> None:
    """An aligned-column dump (pdftotext -layout) with blank lines between its rows looks
    like the seed's blocks to the sniffer; both read it and the columns' reading, which
    finds every row, is kept."""
    path = Path(__file__).parents[1] / "corpus" / "gd-op-value-unit" / "gd-op-value-unit.layout.txt"
    data = path.read_bytes()
    scores = _scores(data.decode("utf-8"))
    assert scores[text_blocks.LAYOUT] > scores["columns"]  # the sniffer alone would err
    doc = read_bytes(data, path.name)
    assert doc.source is not None and doc.source.layout == "columns"
    blocks = read_bytes(data, path.name, format=text_blocks.LAYOUT)
    assert doc.indicator_count > blocks.indicator_count
    assert len(doc.warnings) < len(blocks.warnings)


# -- robustness ----------------------------------------------------------------------------

GRIDS = {
    "pipe": pipe_grids,
    "tsv": tsv_grids,
    "columns": columns_grids,
    "cell-lines": cell_lines_grids,
    "spaces": spaces_grids,
    "bar-cells": bar_cells_grids,
}
TABLEISH = st.text(
    alphabet=st.sampled_from(
        list('|│+-=:\t \n\f\r"产出指标数量满意度服务对象≥＝90%人次年项目名称一级二级三级值ab1')
    ),
    max_size=400,
)


def _read_all(text: str) -> None:
    source = TextSource("fuzz.txt", text)
    for layout, (read, sniff) in LAYOUTS.items():
        score = sniff(source)
        assert 0.0 <= score <= 1.0
        grids = GRIDS[layout](source)
        for grid in grids:
            assert all(
                cell.source is not None and cell.source.file == "fuzz.txt" for cell in grid.cells
            )
        # The grid interpreter reads it too: a document or a refusal naming the file.
        error: IngestError | None = None
        try:
            doc = read(source, sha256="0" * 64)
        except IngestError as exc:
            error = exc
        assert error is not None or isinstance(doc, Document)
        assert error is None or str(error).startswith("fuzz.txt")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_never_crashes(text: str) -> None:
    _read_all(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLEISH)
def test_tableish_text_never_crashes(text: str) -> None:
    _read_all(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(RENDERED)), st.data())
def test_dumps_cut_or_garbled_never_crash(case: str, data: st.DataObject) -> None:
    lines = RENDERED[case]().split("\n")
    for _ in range(data.draw(st.integers(0, 8))):
        k = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "garble", "cut"]))
        if action == "drop":
            del lines[k]
        elif action == "garble":
            lines[k] = data.draw(TABLEISH)
        else:
            lines = lines[:k]
        if not lines:
            break
    _read_all("\n".join(lines))


# -- end to end, through the grid interpreter ----------------------------------------------


@pytest.mark.parametrize("case", sorted(RENDERED))
def test_dumps_read_as_the_seed_projects(case: str) -> None:
    layout = case.removesuffix("-centred").removesuffix("-blank-rows")
    read, _ = LAYOUTS[layout]
    text = RENDERED[case]()
    doc = read(TextSource(f"{case}.txt", text), sha256="0" * 64)
    assert _projects(doc) == SEED_PROJECTS
    assert doc.source is not None and doc.source.layout == layout
    for project in doc.projects:
        for indicator in project.indicators:
            for _, value in indicator.values():
                assert value.source is not None and value.source.line is not None
                assert value.text in text.split("\n")[value.source.line - 1]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_no_table_is_an_error_naming_the_file(layout: str) -> None:
    read, _ = LAYOUTS[layout]
    with pytest.raises(IngestError, match=r"^notes\.txt"):
        read(TextSource("notes.txt", "这不是表格。\n只是一段说明。\n"), sha256="0" * 64)
