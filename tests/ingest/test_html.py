"""HTML pages with tables read into grids, and through the interpreter into documents.

The pages are rendered here from the seed's eight project tables (see test_text_grid.py) in
the two shapes seen in practice: a hand-written government page (``<td>`` only, ``rowspan``
level-1 cells, ``&nbsp;``, inline styles, a layout table around everything, GB2312 declared
and GBK bytes) and LibreOffice's export of a workbook (one table per sheet, the title as a
merged first row, ``<font>``/``<b>`` in cells, ``<br>`` line breaks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.model import Document
from jixiao.ingest import html
from jixiao.ingest._grid import Grid
from jixiao.ingest.errors import IngestError
from tests.conftest import SEED
from tests.ingest.test_text_grid import (
    SEED_PROJECTS,
    TABLES,
    Table,
    _projects,
    row_texts,
)

HEADER_HTML = ("一级指标", "二级指标", "三级指标", "半年（程）<br>指标值", "全年（程）<br>指标值")
HEADER_TEXT = ("一级指标", "二级指标", "三级指标", "半年（程）\n指标值", "全年（程）\n指标值")
LONG = 16


def _name_html(name: str) -> str:
    """Long names are wrapped by hand with <br> (as in Word-made pages)."""
    if len(name) > LONG:
        return escape(name[:LONG]) + "<br>\n" + escape(name[LONG:])
    return escape(name)


def _name_text(name: str) -> str:
    return name[:LONG] + "\n" + name[LONG:] if len(name) > LONG else name


def render_hand(tables: Sequence[Table], *, charset: str = "gb2312") -> str:
    """A hand-written government page: a layout table around the content, headings above
    each table, ``<td>`` only, one tag per line, ``&nbsp;`` in an empty cell at the end of
    each header row."""
    out = [
        "<html>",
        "<head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<title>2023年部门预算公开</title>",
        "<style>td { font-size: 12px }</style>",
        "</head>",
        "<body>",
        '<div class="nav"><a href="/">首页</a> &gt; <a href="/yusuan">预算公开</a></div>',
        '<table width="100%" border="0"><tr><td valign="top">',
    ]
    for table in tables:
        out.append(f'<h3 style="text-align:center">{table.title[0]}</h3>')
        out.append(f"<p align=center>{table.title[1]}&nbsp;&nbsp;</p>")
        out.append('<table border="1" cellspacing="0" style="border-collapse:collapse;width:90%">')
        for key, value in table.fields:
            out.append("<tr>")
            out.append(f'<td style="width:20%">{key}</td>')
            out.append(f"<td colspan=4>{escape(value)}</td>")
            out.append("</tr>")
        out.append("<tr>")
        out.extend(f"<td><b>{h}</b></td>" for h in HEADER_HTML)
        out.append("</tr>")
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            out.append("<tr>")
            if table.first_of_group(k):
                out.append(f'<td rowspan="{table.group_size(k)}" align=center>{l1}</td>')
            out.append(f"<td>{l2}</td>")
            out.append(f"<td>{_name_html(name)}</td>")
            out.append(f"<td>{half}</td>")
            out.append(f"<td>{full}</td>")
            out.append("</tr>")
        out.append("</table>")
        out.append("<p>&nbsp;</p>")
    out.extend(["</td></tr></table>", "<p>注：以上为批复数。</p>", "</body>", "</html>"])
    return "\n".join(out) + "\n"


def render_libreoffice(tables: Sequence[Table]) -> str:
    """LibreOffice Calc's HTML export of a workbook with one sheet per project."""
    out = [
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">',
        "",
        "<html>",
        "<head>",
        '\t<meta http-equiv="content-type" content="text/html; charset=utf-8"/>',
        "\t<title></title>",
        '\t<meta name="generator" content="LibreOffice 7.6.4.1 (Linux)"/>',
        '\t<style type="text/css">',
        '\t\tbody,div,table,thead,tbody,tfoot,tr,th,td,p { font-family:"宋体"; font-size:x-small }',
        "\t</style>",
        "</head>",
        "",
        "<body>",
    ]
    border = 'style="border-top: 1px solid #000000; border-bottom: 1px solid #000000"'
    for n, table in enumerate(tables):
        out.append(f'<a name="table{n}"><h1>Sheet {n + 1}: <em>项目{n + 1}</em></h1></a>')
        out.append('<table cellspacing="0" border="0">')
        out.append('\t<colgroup width="96"></colgroup>')
        out.append("\t<tr>")
        out.append(
            f'\t\t<td colspan=5 height="40" align="center" valign=middle><b><font size=4>'
            f"{table.title[0]}</font></b></td>"
        )
        out.append("\t\t</tr>")
        out.append("\t<tr>")
        out.append(
            f'\t\t<td colspan=5 height="20" align="center" valign=middle>{table.title[1]}</td>'
        )
        out.append("\t\t</tr>")
        for key, value in table.fields:
            out.append("\t<tr>")
            out.append(f'\t\t<td {border} height="20" align="left" valign=middle>{key}</td>')
            out.append(
                f'\t\t<td {border} colspan=4 align="left" valign=middle>{escape(value)}</td>'
            )
            out.append("\t\t</tr>")
        out.append("\t<tr>")
        for h in HEADER_HTML:
            out.append(
                f'\t\t<td {border} align="center" valign=middle><font face="宋体">{h}</font></td>'
            )
        out.append("\t\t</tr>")
        for k, (l1, l2, name, half, full) in enumerate(table.rows):
            out.append("\t<tr>")
            if table.first_of_group(k):
                out.append(
                    f'\t\t<td {border} rowspan={table.group_size(k)} height="60" align="center" '
                    f"valign=middle>{l1}</td>"
                )
            out.append(f'\t\t<td {border} align="left" valign=middle>{l2}</td>')
            out.append(f'\t\t<td {border} align="left" valign=middle>{_name_html(name)}</td>')
            out.append(f'\t\t<td {border} align="center" valign=middle sdnum="2052;">{half}</td>')
            out.append(f'\t\t<td {border} align="center" valign=middle sdnum="2052;">{full}</td>')
            out.append("\t\t</tr>")
        out.append("</table>")
        out.append(
            "<!-- ************************************************************************** -->"
        )
    out.extend(["</body>", "", "</html>"])
    return "\n".join(out) + "\n"


def expected(table: Table, *, title_rows: bool = False) -> list[list[str]]:
    rows: list[list[str]] = [[table.title[0]], [table.title[1]]] if title_rows else []
    rows.extend([key, value] for key, value in table.fields)
    rows.append(list(HEADER_TEXT))
    for k, (l1, l2, name, half, full) in enumerate(table.rows):
        cells = [l2, _name_text(name), half, full]
        rows.append([l1, *cells] if table.first_of_group(k) else cells)
    return rows


def check_places(grid: Grid, table: Table, first: int) -> None:
    """Spans and places: field values span four columns, level-1 cells their group."""
    rows = grid.rows()
    for r in range(first, first + len(table.fields)):
        assert [(c.col, c.colspan) for c in rows[r]] == [(0, 1), (1, 4)]
    data = rows[first + len(table.fields) + 1 :]
    for k, row in enumerate(data):
        if table.first_of_group(k):
            assert [c.col for c in row] == [0, 1, 2, 3, 4]
            assert row[0].rowspan == table.group_size(k)
        else:
            assert [c.col for c in row] == [1, 2, 3, 4]


def check_lines(grid: Grid, text: str, name: str) -> None:
    """Each cell names the file and the line of its ``<td>`` tag."""
    lines = text.split("\n")
    for cell in grid.cells:
        assert cell.source is not None
        assert cell.source.file == name
        assert cell.source.line is not None
        line = lines[cell.source.line - 1]
        assert "<td" in line
        first = cell.text.split("\n")[0]
        assert escape(first).split("<")[0] in line, (cell, line)


def test_hand_written_gbk_page() -> None:
    text = render_hand(TABLES)
    data = text.encode("gbk")
    grids = html.grids(data, "budget.htm")
    assert len(grids) == len(TABLES)  # the layout table is no grid of its own
    # The first table's title also holds the text above the layout table around it.
    assert grids[0].title == ("首页 > 预算公开", *TABLES[0].title)
    for k, (grid, table) in enumerate(zip(grids, TABLES, strict=True)):
        assert not grid.ragged
        assert grid.title[-2:] == table.title
        assert len(grid.title) == (3 if k == 0 else 2)
        assert row_texts(grid) == expected(table)
        check_places(grid, table, 0)
        check_lines(grid, text, "budget.htm")


def test_libreoffice_export() -> None:
    text = render_libreoffice(TABLES)
    grids = html.grids(text.encode("utf-8"), "book.html")
    assert len(grids) == len(TABLES)
    for n, (grid, table) in enumerate(zip(grids, TABLES, strict=True), start=1):
        assert grid.title == (f"Sheet {n}: 项目{n}",)
        assert row_texts(grid) == expected(table, title_rows=True)
        assert [(c.col, c.colspan) for c in grid.rows()[0]] == [(0, 5)]
        check_places(grid, table, 2)
        check_lines(grid, text, "book.html")


@pytest.mark.parametrize(
    ("encoding", "charset"),
    [
        ("gb18030", "gbk"),
        ("gbk", "GB2312"),
        ("utf-8", "gbk"),
        ("utf-8-sig", None),
        ("big5", "big5"),
    ],
)
def test_encodings(encoding: str, charset: str | None) -> None:
    page = "<html><head>{meta}</head><body><p>項目名稱</p><table><tr><td>三级指标</td><td>指标值</td></tr></table>"
    meta = f'<meta charset="{charset}">' if charset else ""
    text = page.format(meta=meta)
    if encoding == "big5":
        text = text.replace("三级指标", "三級指標").replace("指标值", "指標值")
    (grid,) = html.grids(text.encode(encoding), "e.html")
    assert grid.title == (text.split("<p>")[1].split("</p>")[0],)
    assert [c.text for c in grid.cells] == [
        "三級指標" if encoding == "big5" else "三级指标",
        "指標值" if encoding == "big5" else "指标值",
    ]


def test_utf16_with_bom_and_binary() -> None:
    page = "<table><tr><td>三级指标</td><td>指标值</td></tr><tr><td>a</td><td>1次</td></tr></table>"
    (grid,) = html.grids(page.encode("utf-16"), "u16.html")
    assert row_texts(grid) == [["三级指标", "指标值"], ["a", "1次"]]
    with pytest.raises(IngestError, match=r"^bin\.html：是二进制文件"):
        html.grids(b"<table>\x00\x01", "bin.html")


def test_cell_text_whitespace_and_breaks() -> None:
    page = """<table>
<tr><td>  参加培训的人大
  代表人数 </td><td><p>第一段</p><p>第二段</p></td><td>a&nbsp;&nbsp;b<br/>c</td>
<td><span style="display:none">隐藏</span>可见<!-- 注释 --><script>x()</script></td>
<td>Total
cost</td><td>&nbsp;</td></tr>
</table>"""
    (grid,) = html.grids(page.encode(), "ws.html")
    assert [c.text for c in grid.cells] == [
        "参加培训的人大代表人数",
        "第一段\n第二段",
        "a b\nc",
        "可见",
        "Total cost",
        "",
    ]
    assert [c.source.line for c in grid.cells if c.source] == [2, 3, 3, 4, 5, 6]


def test_spans_clamped_and_loose_cells() -> None:
    page = (
        "<table>"
        "<tr><td rowspan=0>a</td><td colspan=0>b</td><td rowspan=99>c</td></tr>"
        "<tr><td>d</td></tr>"
        "<td>e<td>f"  # cells without a <tr>
        '<tr style="display: none"><td>hidden</td></tr>'
        "</table>"
    )
    (grid,) = html.grids(page.encode(), "span.html")
    places = [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells]
    assert places == [
        ("a", 0, 0, 3, 1),
        ("b", 0, 1, 1, 1),
        ("c", 0, 2, 3, 1),
        ("d", 1, 1, 1, 1),
        ("e", 2, 1, 1, 1),
        ("f", 2, 3, 1, 1),
    ]


def test_nested_tables() -> None:
    page = """<html><body>
<table><tr><td>
<h2>甲项目绩效目标表</h2>
<table>
<tr><td>项目名称</td><td>甲</td><td>主管部门</td><td>乙</td></tr>
<tr><td colspan=4>
<table>
<tr><td>三级指标</td><td>指标值</td></tr>
<tr><td>培训人次</td><td><table><tr><td>≥</td><td>90</td><td>人次</td></tr></table></td></tr>
</table>
</td></tr>
</table>
</td><td>
<table><tr><td>链接</td></tr><tr><td>下载</td></tr></table>
</td></tr></table>
</body></html>"""
    grids = html.grids(page.encode(), "nest.html")
    # The layout table is no grid; the indicator table is spliced into the field table; the
    # one-row table in a cell is the cell's text; the one-column side table is text too.
    assert len(grids) == 2
    main, side = grids
    assert main.title == ("甲项目绩效目标表",)
    assert row_texts(main) == [
        ["项目名称", "甲", "主管部门", "乙"],
        ["三级指标", "指标值"],
        ["培训人次", "≥ 90 人次"],
    ]
    assert [c.source.line for c in main.cells if c.source] == [5, 5, 5, 5, 8, 8, 9, 9]
    assert row_texts(side) == [["", "链接\n下载"]]


def test_no_table_and_empty_pages() -> None:
    assert html.grids(b"<html><body><p>no table</p></body></html>", "p.html") == []
    assert html.grids(b"", "e.html") == []
    assert html.grids(b"   \n", "e.html") == []
    assert html.grids(
        b'<?xml version="1.0" encoding="utf-8"?><table><tr><td>x</td></tr></table>', "x.html"
    )


def test_sniff() -> None:
    assert html.sniff(render_hand(TABLES[:1])) == 0.95
    assert html.sniff(render_libreoffice(TABLES[:1]).encode()) == 0.95
    assert html.sniff("<table><tr><td>a</td></tr></table>") == 0.8
    assert html.sniff("<html><body><p>x</p></body></html>") == 0.3
    assert html.sniff(render_hand(TABLES[:1]).encode("utf-16")) == 0.95
    assert html.sniff(SEED.read_text(encoding="utf-8")) == 0.0
    # A Markdown table with <br> in a cell, or prose mentioning <td>, is no HTML page.
    assert html.sniff("| 名称 | 值 |\n|---|---|\n| a<br>b | 1 |\n") == 0.0
    assert html.sniff("用 <td> 标记单元格，<b>粗体</b>、<i>斜体</i>、<u>下划线</u>") < 0.5


# -- robustness ----------------------------------------------------------------------------

TAGS = st.sampled_from(
    [
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<td rowspan=2>",
        "<td colspan=3>",
        '<td rowspan="0">',
        "<th>",
        "<br>",
        "<p>",
        "</p>",
        "<h3>",
        "&nbsp;",
        "<!--",
        "-->",
        "<script>",
        "<meta charset=gbk>",
        "产出指标",
        "数量指标",
        "三级指标",
        "≥90%",
        "\n",
        " ",
        "\x00",
        "<?xml version='1.0' encoding='utf-8'?>",
    ]
)


def _result(read: Callable[[], Document]) -> Document | IngestError:
    try:
        return read()
    except IngestError as exc:
        return exc


def _read(data: bytes) -> None:
    error: IngestError | None = None
    try:
        grids = html.grids(data, "fuzz.html")
    except IngestError as exc:
        error = exc
    if error is not None:
        assert str(error).startswith("fuzz.html")
        return
    for grid in grids:
        for cell in grid.cells:
            assert cell.source is not None and cell.source.file == "fuzz.html"
            assert cell.rowspan >= 1 and cell.colspan >= 1
    result = _result(lambda: html.read(data, "fuzz.html", sha256=hashlib.sha256(data).hexdigest()))
    assert isinstance(result, Document) or str(result).startswith("fuzz.html")
    assert 0.0 <= html.sniff(data) <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_never_crash(data: bytes) -> None:
    _read(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TAGS, max_size=60), st.sampled_from(["utf-8", "gb18030"]))
def test_tag_soup_never_crashes(parts: list[str], encoding: str) -> None:
    _read("".join(parts).encode(encoding))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 4000), st.integers(1, 200))
def test_pages_cut_anywhere_never_crash(start: int, length: int) -> None:
    data = render_hand(TABLES[:2]).encode("gbk")
    _read(data[: start * 3] + data[start * 3 + length :])
    _read(data[: start * 3])


# -- end to end ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["hand", "libreoffice"])
def test_pages_read_as_the_seed_projects(shape: str) -> None:
    if shape == "hand":
        text = render_hand(TABLES)
        data = text.encode("gbk")
    else:
        text = render_libreoffice(TABLES)
        data = text.encode("utf-8")
    doc = html.read(data, f"{shape}.html", sha256=hashlib.sha256(data).hexdigest())
    assert _projects(doc) == SEED_PROJECTS
    assert doc.source is not None and doc.source.layout == "html"
    lines = text.split("\n")
    for project in doc.projects:
        for indicator in project.indicators:
            for _, value in indicator.values():
                assert value.source is not None and value.source.line is not None
                assert value.text in lines[value.source.line - 1]


def test_page_without_table_is_an_error() -> None:
    with pytest.raises(IngestError, match=r"^p\.html：是网页，但其中没有表格"):
        html.read(b"<p>x</p>", "p.html", sha256="0" * 64)
