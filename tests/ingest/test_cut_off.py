"""A document cut off mid-row (issue 16): every complete row is kept, the cut row is
reported with its line, and the document is never refused.

Published excerpts often stop in the middle of a row, even of a word.  The test takes small
tables and cuts them at every character of their last row."""

from __future__ import annotations

import pytest

from jixiao.domain.model import Document, Period
from jixiao.ingest import read_bytes

TRUNCATED = "ingest.truncated"

SPACED = """\
某某局2023年项目绩效目标表
项目名称: 示例项目
一级指标 二级指标 三级指标 计算符号 指标值 度量单位 权重(%)
产出指标 数量指标 举办培训班 ≥ 4 期 20
产出指标 质量指标 培训合格率 ≥ 95 % 20
产出指标 成本指标 人均培训费 ≤ 300 元/人 10
效益指标 社会效益指标 从业人员能力 定性 明显提升 20
满意度指标 服务对象满意度指标 学员满意度 ≥ 90 % 10"""

PIPE = """\
某某局2024年项目支出绩效自评表
项目名称 | 示例项目
一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分
产出指标 | 数量指标 | 举办培训班 | ≥4期 | 4期 | 10 | 10
产出指标 | 质量指标 | 培训合格率 | ≥95% | 97% | 10 | 10
效益指标 | 社会效益指标 | 从业人员能力 | 明显提升 | 明显提升 | 20 | 20
满意度指标 | 服务对象满意度指标 | 学员满意度 | ≥90% | 93% | 10 | 9"""


def _rows(doc: Document) -> list[tuple[str, str]]:
    out = []
    for project in doc.projects:
        for ind in project.indicators:
            v = ind.value(Period.FULL_YEAR)
            out.append((ind.name, "" if v is None else v.text.replace(" ", "")))
    return out


def _cuts(table: str) -> list[int]:
    """Cut points inside the last row, up to the start of its last cell (a cut inside the last
    cell leaves a row that looks whole: 10 cut to 1)."""
    start = table.rindex("\n") + 1
    last_cell = table.rstrip().rindex(" ") + 1
    return list(range(start + 1, last_cell))


@pytest.mark.parametrize(
    ("table", "line"),
    [(SPACED, 8), (PIPE, 7)],
    ids=["spaces", "pipe"],
)
def test_a_table_cut_mid_row_keeps_every_complete_row_and_reports_the_cut(
    table: str, line: int
) -> None:
    whole = _rows(read_bytes(table.encode(), "whole.txt"))
    assert len(whole) == line - 3
    for cut in _cuts(table):
        doc = read_bytes(table[:cut].encode(), "cut.txt")  # never refused
        rows = _rows(doc)
        shown = repr(table[table.rindex("\n") + 1 : cut])
        assert rows[: len(whole) - 1] == whole[:-1], shown
        assert len(rows) <= len(whole), shown
        cut_warnings = [w for w in doc.warnings if w.code == TRUNCATED]
        assert cut_warnings, f"the cut row is not reported: {shown}"
        (warning,) = cut_warnings
        assert warning.location is not None
        assert (warning.location.file, warning.location.line) == ("cut.txt", line), shown
        assert warning.message.startswith("文档在此结束"), shown


@pytest.mark.parametrize("table", [SPACED, PIPE], ids=["spaces", "pipe"])
def test_a_whole_table_is_not_reported_as_cut(table: str) -> None:
    doc = read_bytes(table.encode(), "whole.txt")
    assert [w for w in doc.warnings if w.code == TRUNCATED] == []


def test_the_cut_row_is_located_on_its_page() -> None:
    """A text with form feeds: the warning names the page and the line."""
    table = "第一页\n\f" + SPACED
    cut = table.rindex("\n") + 2  # "满"
    doc = read_bytes(table[:cut].encode(), "cut.txt")
    (warning,) = [w for w in doc.warnings if w.code == TRUNCATED]
    assert warning.location is not None
    assert (warning.location.page, warning.location.line) == (2, 9)
    assert len(_rows(doc)) == 4


def test_text_after_the_table_that_starts_no_row_is_not_taken_for_a_cut() -> None:
    doc = read_bytes((SPACED + "\n填报人：张三").encode(), "signed.txt")
    assert [w for w in doc.warnings if w.code == TRUNCATED] == []
