"""Every file of ../shared/realdocs-bin reads as the projects it holds, each with its own
indicators (issue 16: "each budget workbook reads as the right number of projects").

The expected figures were counted by hand in the files (cell dumps of every sheet or table,
and LibreOffice's conversion for the two ``.doc``), not taken from jixiao's output: a
project is a 项目名称 cell starting a block of a list (merged down or repeated), or one
stacked form / sheet with its own 项目名称 field; a list's project under two units (the
单位名称 cell changes inside the 项目名称 block, each part with its own 预算数) is a project
per unit, as printed.  Indicators are the rows with a 三级指标 name in those blocks.  The
部门整体 (overall) tables of the same files are not counted here (the gold of
../shared/realdocs-bin scores them).  Files whose layout is not read yet are marked
``xfail(strict=True)`` with what is missing, so that reading them right is noticed.

The files are read where they are (``tests/real/scoring.py``: ``shared_dir()``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao.domain.model import Document, Project
from tests.real.scoring import shared_dir

FOLDER = shared_dir() / "realdocs-bin"


@dataclass(frozen=True)
class Expected:
    projects: int  # projects (overall tables left out)
    indicators: int | None  # their indicator rows, where counted
    empty: int = 0  # projects printed with an empty indicator section
    sheet: str | None = None  # count only the projects of this sheet
    open: str = ""  # what is not read yet (the test is expected to fail)


EXPECTED: dict[str, Expected] = {
    # 部门项目支出绩效目标表: 40 项目名称 cells in column B under the header (row 4), 164
    # rows with a 三级指标 (rows 6–169); the department total row (208-…, 10708.42) is none.
    "01": Expected(40, 164),
    # sheet 自评表 (a 部门项目支出绩效目标表 list): 29 项目名称 cells, 106 indicator rows.
    "02": Expected(29, 106),
    # 部门整体 table only.
    "03": Expected(0, 0),
    # 8 filled form sheets (表1–表8; 财政政策及专项 and 预算执行中追加 are empty forms whose
    # 项目名称 is 无, 项目汇总表 a summary); the 年度 block's 三级指标 cells: 6 on 表1, 68 in all.
    "04": Expected(8, 68),
    # 项目支出绩效 sheet: one form, 11 indicator rows.
    "05": Expected(1, 11),
    "06": Expected(0, 0),  # 部门整体 table only
    # 项目目标绩效表: 15 项目名称 cells, 47 indicator rows.
    "07": Expected(15, 47),
    # 31 stacked 自评 forms (31 项目名称 rows), 4 of them with an empty indicator section
    # (header row, then 合计);
    # 79 indicator rows.
    "08": Expected(31, 79, empty=4),
    # 91 stacked forms (91 项目名称 rows); 12 print an empty indicator section (the header
    # row, then 合计: e.g. 2021退休人员生活补助 at row 347; the other 11 seen in the dump the
    # same way); 256 indicator rows.
    "09": Expected(91, 256, empty=12),
    "10": Expected(1, 7),  # one 自评 form, 7 rows
    # the 部门项目支出绩效目标表（2025年度） list: 25 项目名称 cells, 96 indicator rows.  (The
    # 自评表 sheet's 25 forms and Sheet10, the same self-evaluation one row per indicator in
    # 44 columns, are not counted here.)
    "11": Expected(25, 96, sheet="部门项目支出绩效目标表（2025年度）"),
    # 43 自评表 tables in the 决算 report's 附件 (43 项目名称 rows), 176 indicator rows.
    "12": Expected(43, 176),
    # 项目支出绩效目标完成情况表 (8 rows) + one 自评表 (9 rows).
    "13": Expected(2, 17),
    # 部门项目支出绩效目标表: 649 项目名称 blocks, 2185 indicator rows.
    "14": Expected(649, 2185),
    # the sheet named 1.部门整体目标绩效表 holds the project list: 51 项目名称 cells (the 52nd
    # cell of column B is the 取数说明 note), 257 rows.
    "15": Expected(51, 257),
    "16": Expected(37, 158),  # 表9: 37 项目名称 cells, 158 rows
    "17": Expected(32, 224),  # 表13: 32 项目名称 cells, 224 rows
    # 表13: 9 项目名称 cells; 初中生公用经费 (row 15) has no indicator printed; 18 rows.
    "18": Expected(9, 18, empty=1),
    # 表8: 45 项目名称 cells whose 单位名称 changes inside some blocks (长赡人员经费支出 for three
    # units, each with its own 预算数): 91 unit blocks, 247 rows.
    "19": Expected(91, 247),
    "20": Expected(33, 89),  # 项目绩效19: 33 项目名称 cells, 89 rows
    "21": Expected(4, 41),  # 表13 (sheet 6): 4 项目名称 cells, 41 rows
    "22": Expected(9, 36),  # 项目绩效: 9 项目名称 cells, 36 rows
    # sheet 7: 5 stacked forms (5 项目名称 rows), 中长期 + 年度 blocks; 52 年度 rows.
    "23": Expected(5, 52),
    # sheet 9: 11 stacked forms, 9 rows in each 年度 block (10 of them 无, 1 empty).
    "24": Expected(11, 99),
    # sheet 6-1: 6 projects in the wide layout (三级指标/指标值 pairs under 产出/效益/满意度),
    # 59 indicator cells in those pairs; the 合计 row and the unit rows (财政, 财政局, 投资评审中心,
    # 财政信息中心: a name and a subtotal, no indicator) are no projects.
    "25": Expected(6, 59, sheet="6-1"),
    # 项目绩效表: 18 项目名称 rows, each followed by its indicator rows: 40 (the 58 counted
    # first were the sheet's rows under the header: the 18 项目名称 rows print "-" in their
    # 二级指标 / 三级指标 / 指标值 cells and hold no indicator).  Unit subtotal rows (单位 |
    # 金额) and 总计 are no project.
    "26": Expected(18, 40),
    # the same template: 财政国库业务费, its 项目名称 row ("-" indicator cells) and 2 rows.
    "27": Expected(1, 2),
    "28": Expected(15, 38),  # 项目支出绩效目标表: 15 项目名称 cells, 38 rows
    "29": Expected(28, 93),  # 项目支出绩效目标表: 28 项目名称 cells, 93 rows
    "30": Expected(13, 89),  # 部门预算项目绩效目标申报表: 13 vertically merged 项目名称 cells
    # 部门公开表 6: the project list is a table printed inside the one cell of a frame
    # table: 3 项目名称 cells, one indicator row each.
    "31": Expected(3, 3),
    "32": Expected(33, 91),  # 2.部门项目目标绩效表: 33 项目名称 cells, 91 rows
}


def _file(key: str) -> Path:
    found = sorted(FOLDER.glob(f"{key}_*"))
    if not FOLDER.is_dir():
        pytest.fail(f"the real corpus is missing at {FOLDER} (CI has ../shared)")
    assert len(found) == 1, found
    return found[0]


def _projects(doc: Document, sheet: str | None) -> list[Project]:
    return [
        p
        for p in doc.projects
        if p.name
        and not p.name.endswith("（部门整体）")
        and (sheet is None or (p.source is not None and p.source.sheet == sheet))
    ]


def test_every_file_of_the_corpus_is_listed() -> None:
    keys = sorted(p.name[:2] for p in FOLDER.glob("[0-9][0-9]_*"))
    assert keys == sorted(EXPECTED)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(k, marks=pytest.mark.xfail(strict=True, reason=e.open)) if e.open else k
        for k, e in EXPECTED.items()
    ],
)
def test_file_reads_as_its_projects(key: str) -> None:
    from jixiao.ingest import read_path

    expected = EXPECTED[key]
    doc = read_path(_file(key))
    projects = _projects(doc, expected.sheet)
    assert len(projects) == expected.projects
    assert sum(1 for p in projects if not p.indicators) == expected.empty
    if expected.indicators is not None:
        assert sum(len(p.indicators) for p in projects) == expected.indicators
