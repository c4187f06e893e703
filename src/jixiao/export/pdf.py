"""PDF of jixiao's workbooks: each sheet printed as the official form it lays out.

The workbooks (:mod:`jixiao.export.targets`, :mod:`~jixiao.export.self_evaluation`,
:mod:`~jixiao.export.monitoring`) are the one description of each table's layout; this
module prints them, so that the PDF and the XLSX of a table are the same form:

* rows at the top without borders (the title, ``（2023年度）``) are centred text in the
  cell's font size;
* bordered rows are tables on the sheet's columns (widths scaled to the page), merged
  cells as merged cells, bold and grey header cells as in the sheet, each cell's
  alignment, numbers shown with the cell's number format;
* the sheet's print titles (``print_title_rows``, the column header) start the main table
  and are repeated at the top of every page it runs onto; the bordered rows above them
  (项目名称, 主管部门 …) are a table of their own, printed once;
* every sheet starts a new page; the footer is ``第 N 页，共 M 页``;
* the text is in a CJK font embedded as a subset (:mod:`jixiao.export._font`), so it can be
  selected, searched and extracted.

Public API::

    workbook_pdf(data) -> bytes       data: the bytes of an .xlsx file jixiao wrote
"""

from __future__ import annotations

import string
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.export._font import fonts_for
from jixiao.export._layout import (
    Span,
    align,
    shown,
    spans_of,
    table_blocks,
    title_rows,
)
from jixiao.export._layout import widths as column_widths

__all__ = ["workbook_pdf"]

FONT = "cjk"
_BODY_SIZE = 9.0  # points, the table text
_LINE = 1.35  # line height as a share of the font size
_MM_PER_PT = 25.4 / 72
FOOTER_TEXT = "第页，共"  # the footer's words (for font subsets)


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页，共 {{nb}} 页", align="C")


def _style(cell: Cell | MergedCell) -> FontFace:
    bold = bool(cell.font is not None and cell.font.b)
    fill = None
    if cell.fill is not None and cell.fill.fill_type == "solid":
        rgb = cell.fill.fgColor.rgb if cell.fill.fgColor is not None else None
        if isinstance(rgb, str) and len(rgb) >= 6:
            fill = "#" + rgb[-6:]
    return FontFace(family=FONT, emphasis="BOLD" if bold else "", fill_color=fill)


_PADDING = 1.0  # mm inside each cell


def _row_heights(
    pdf: _Document,
    ws: Worksheet,
    rows: range,
    widths: list[float],
    spans: dict[tuple[int, int], Span],
    covered: set[tuple[int, int]],
) -> dict[int, float]:
    """Each row's height as the table will print it (cells spanning one row)."""
    line = _BODY_SIZE * _LINE * _MM_PER_PT
    heights: dict[int, float] = {}
    for r in rows:
        tallest = 1
        for c in range(1, len(widths) + 1):
            span = spans.get((r, c), Span(1, 1))
            if (r, c) in covered or span.rows > 1:
                continue
            cell = ws.cell(row=r, column=c)
            text = shown(cell)
            if not text:
                continue
            width = sum(widths[c - 1 : c - 1 + span.cols]) - 2 * _PADDING
            bold = bool(cell.font is not None and cell.font.b)
            pdf.set_font(FONT, style="B" if bold else "", size=_BODY_SIZE)
            lines = pdf.multi_cell(max(width, 1.0), line, text, dry_run=True, output="LINES")
            tallest = max(tallest, len(lines) if isinstance(lines, list) else 1)
        heights[r] = tallest * line + 2 * _PADDING
    pdf.set_font(FONT, size=_BODY_SIZE)
    return heights


def _split_at_page_breaks(
    pdf: _Document,
    rows: range,
    heights: dict[int, float],
    heading_rows: int,
    spans: dict[tuple[int, int], Span],
    covered: set[tuple[int, int]],
    origin: dict[tuple[int, int], tuple[int, int]],
) -> None:
    """Cut the merged cells that would run over a page break into one part per page (the
    label printed again at the top of the next page, as spreadsheets print them: a
    merged cell taller than a page could not be printed at all), and those that run from
    the heading rows into the body.  ``origin`` gets the cell each new part shows."""
    top = pdf.t_margin
    bottom = pdf.h - pdf.b_margin
    header = sum(heights[r] for r in list(rows)[:heading_rows])
    y = pdf.get_y()
    # The heading rows end a merged cell that runs on into the body (a self-evaluation's
    # 绩效指标 down the left): the rest of it is a cell of the body.
    breaks: list[int] = [rows.start + heading_rows] if heading_rows else []
    for r in rows:
        if y + heights[r] > bottom and y > top + header + 0.1:
            breaks.append(r)
            y = top + header
        y += heights[r]
    for b in breaks:
        _cut(b, spans, covered, origin)


def _cut(
    at: int,
    spans: dict[tuple[int, int], Span],
    covered: set[tuple[int, int]],
    origin: dict[tuple[int, int], tuple[int, int]],
) -> None:
    """Cut every merged cell that runs over row ``at`` into a part above and a part from
    ``at`` on, which shows the same cell (``origin``)."""
    for (r, c), span in list(spans.items()):
        if r < at < r + span.rows:
            spans[(r, c)] = Span(span.cols, at - r)
            spans[(at, c)] = Span(span.cols, r + span.rows - at)
            covered.discard((at, c))
            origin[(at, c)] = origin.get((r, c), (r, c))


def _table(
    pdf: _Document,
    ws: Worksheet,
    rows: range,
    widths: list[float],
    spans: dict[tuple[int, int], Span],
    covered: set[tuple[int, int]],
    origin: dict[tuple[int, int], tuple[int, int]],
    heading_rows: int,
) -> None:
    columns = len(widths)
    heights = _row_heights(pdf, ws, rows, widths, spans, covered)
    _split_at_page_breaks(pdf, rows, heights, heading_rows, spans, covered, origin)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        first_row_as_headings=heading_rows > 0,
        num_heading_rows=max(heading_rows, 1),
        repeat_headings=1 if heading_rows else 0,
        line_height=_BODY_SIZE * _LINE * _MM_PER_PT,
        borders_layout=TableBordersLayout.ALL,
        headings_style=FontFace(family=FONT, emphasis="BOLD", fill_color="#F2F2F2"),
        v_align="MIDDLE",
        padding=1,
    ) as table:
        for r in rows:
            row = table.row()
            for c in range(1, columns + 1):
                if (r, c) in covered:
                    continue
                # Spans end at the table's edges (a merge reaching out of it is cut).
                span = spans.get((r, c), Span(1, 1))
                cell = ws.cell(*origin.get((r, c), (r, c)))
                row.cell(
                    shown(cell),
                    align=align(cell),
                    colspan=min(span.cols, columns - c + 1),
                    rowspan=min(span.rows, rows.stop - r),
                    style=_style(cell),
                )


def _sheet(pdf: _Document, ws: Worksheet) -> None:
    spans, covered = spans_of(ws)
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    columns = ws.max_column
    pdf.add_page()
    widths = column_widths(ws, columns, pdf.epw)
    titles = title_rows(ws, spans, columns)
    for r in range(1, titles + 1):
        cell = ws.cell(row=r, column=1)
        text = shown(cell)
        size = float(cell.font.sz) if cell.font is not None and cell.font.sz else 11.0
        pdf.set_font(FONT, style="B" if cell.font is not None and cell.font.b else "", size=size)
        pdf.multi_cell(0, size * _LINE * _MM_PER_PT, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, size=_BODY_SIZE)
    blocks = table_blocks(ws, titles)
    for rows, heading in blocks:
        if heading:  # a merged cell reaching from the rows above into the print titles
            _cut(rows.start, spans, covered, origins)
    for rows, heading in blocks:
        _table(pdf, ws, rows, widths, spans, covered, origins, heading)


def _text(wb: Workbook) -> str:
    """Every character the PDF of ``wb`` prints: its visible cells and the footer."""
    shown_text = (
        shown(cell)
        for ws in wb.worksheets
        if ws.sheet_state == "visible"
        for row in ws.iter_rows()
        for cell in row
    )
    return "".join(shown_text) + FOOTER_TEXT + string.digits


def workbook_pdf(data: bytes, *, fonts: tuple[Path, Path] | None = None) -> bytes:
    """The workbook's visible sheets printed as one PDF (see the module docstring);
    ``fonts``: the regular and bold font files (default: the CJK fonts cut down to the
    workbook's characters, once per process: :func:`jixiao.export._font.fonts_for`)."""
    wb = load_workbook(BytesIO(data))
    pdf = _Document(orientation="L", unit="mm", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.alias_nb_pages()
    regular, bold = fonts or fonts_for(_text(wb))
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_creator("jixiao")
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        _sheet(pdf, ws)
    if pdf.page_no() == 0:
        pdf.add_page()
    return bytes(pdf.output())
