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

from dataclasses import dataclass
from io import BytesIO

from fpdf import FPDF
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.export._font import cjk_fonts

__all__ = ["workbook_pdf"]

FONT = "cjk"
_BODY_SIZE = 9.0  # points, the table text
_LINE = 1.35  # line height as a share of the font size
_MM_PER_PT = 25.4 / 72


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页，共 {{nb}} 页", align="C")


@dataclass(frozen=True, slots=True)
class _Span:
    cols: int
    rows: int


def _spans(ws: Worksheet) -> tuple[dict[tuple[int, int], _Span], set[tuple[int, int]]]:
    """Merged ranges: the span at each top-left cell, and every covered (row, col)."""
    spans: dict[tuple[int, int], _Span] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = _Span(
            merged.max_col - merged.min_col + 1, merged.max_row - merged.min_row + 1
        )
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if (r, c) != (merged.min_row, merged.min_col):
                    covered.add((r, c))
    return spans, covered


def shown(cell: Cell | MergedCell) -> str:
    """The cell's value as the sheet shows it (the number formats jixiao writes)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        fmt = cell.number_format or "General"
        if fmt.endswith("%"):
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            return f"{value * 100:.{decimals}f}%"
        if "." in fmt:
            decimals = len(fmt.split(".")[1])
            return f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
        if fmt in ("0", "#,##0"):
            return f"{value:,.0f}" if "," in fmt else f"{value:.0f}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def _bordered(cell: Cell | MergedCell) -> bool:
    border = cell.border
    return border is not None and border.left is not None and border.left.style is not None


def _title_rows(ws: Worksheet, spans: dict[tuple[int, int], _Span], width: int) -> int:
    """How many rows at the top are titles (no border)."""
    r = 1
    while r <= ws.max_row:
        cell = ws.cell(row=r, column=1)
        if _bordered(cell):
            break
        span = spans.get((r, 1))
        if (
            span is None
            and width > 1
            and any(ws.cell(row=r, column=c).value not in (None, "") for c in range(2, width + 1))
        ):
            break
        r += 1
    return r - 1


def _header_rows(ws: Worksheet) -> tuple[int, int] | None:
    titles = ws.print_title_rows
    if not titles:
        return None
    first, _, last = titles.partition(":")
    try:
        return int(first.lstrip("$")), int(last.lstrip("$"))
    except ValueError:
        return None


def _widths(ws: Worksheet, columns: int, page_width: float) -> list[float]:
    raw = []
    for c in range(1, columns + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        raw.append(dim.width if dim is not None and dim.width else 10.0)
    total = sum(raw)
    return [page_width * w / total for w in raw]


def _align(cell: Cell | MergedCell) -> str:
    horizontal = cell.alignment.horizontal if cell.alignment is not None else None
    return {"center": "C", "right": "R"}.get(horizontal or "", "L")


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
    spans: dict[tuple[int, int], _Span],
    covered: set[tuple[int, int]],
) -> dict[int, float]:
    """Each row's height as the table will print it (cells spanning one row)."""
    line = _BODY_SIZE * _LINE * _MM_PER_PT
    heights: dict[int, float] = {}
    for r in rows:
        tallest = 1
        for c in range(1, len(widths) + 1):
            span = spans.get((r, c), _Span(1, 1))
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
    spans: dict[tuple[int, int], _Span],
    covered: set[tuple[int, int]],
) -> dict[tuple[int, int], tuple[int, int]]:
    """Cut the merged cells that would run over a page break into one part per page (the
    label printed again at the top of the next page, as spreadsheets print them): a
    merged cell taller than a page could not be printed at all.  Returns the cell each
    new part copies."""
    top = pdf.t_margin
    bottom = pdf.h - pdf.b_margin
    header = sum(heights[r] for r in list(rows)[:heading_rows])
    y = pdf.get_y()
    breaks: list[int] = []
    for r in rows:
        if y + heights[r] > bottom and y > top + header + 0.1:
            breaks.append(r)
            y = top + header
        y += heights[r]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for b in breaks:
        for (r, c), span in list(spans.items()):
            if r < b < r + span.rows and rows.start <= r < rows.stop:
                spans[(r, c)] = _Span(span.cols, b - r)
                spans[(b, c)] = _Span(span.cols, r + span.rows - b)
                covered.discard((b, c))
                origin[(b, c)] = origin.get((r, c), (r, c))
    return origin


def _table(
    pdf: _Document,
    ws: Worksheet,
    rows: range,
    widths: list[float],
    spans: dict[tuple[int, int], _Span],
    covered: set[tuple[int, int]],
    heading_rows: int,
) -> None:
    columns = len(widths)
    heights = _row_heights(pdf, ws, rows, widths, spans, covered)
    origin = _split_at_page_breaks(pdf, rows, heights, heading_rows, spans, covered)
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
                span = spans.get((r, c), _Span(1, 1))
                cell = ws.cell(*origin.get((r, c), (r, c)))
                row.cell(
                    shown(cell),
                    align=_align(cell),
                    colspan=min(span.cols, columns - c + 1),
                    rowspan=min(span.rows, rows.stop - r),
                    style=_style(cell),
                )


def _sheet(pdf: _Document, ws: Worksheet) -> None:
    spans, covered = _spans(ws)
    columns = ws.max_column
    pdf.add_page()
    widths = _widths(ws, columns, pdf.epw)
    titles = _title_rows(ws, spans, columns)
    for r in range(1, titles + 1):
        cell = ws.cell(row=r, column=1)
        text = shown(cell)
        size = float(cell.font.sz) if cell.font is not None and cell.font.sz else 11.0
        pdf.set_font(FONT, style="B" if cell.font is not None and cell.font.b else "", size=size)
        pdf.multi_cell(0, size * _LINE * _MM_PER_PT, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, size=_BODY_SIZE)
    header = _header_rows(ws)
    first = titles + 1
    last = ws.max_row
    if header is not None and first <= header[0] <= last:
        if header[0] > first:
            _table(pdf, ws, range(first, header[0]), widths, spans, covered, 0)
        _table(
            pdf, ws, range(header[0], last + 1), widths, spans, covered, header[1] - header[0] + 1
        )
    elif first <= last:
        _table(pdf, ws, range(first, last + 1), widths, spans, covered, 0)


def workbook_pdf(data: bytes) -> bytes:
    """The workbook's visible sheets printed as one PDF (see the module docstring)."""
    wb = load_workbook(BytesIO(data))
    pdf = _Document(orientation="L", unit="mm", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.alias_nb_pages()
    regular, bold = cjk_fonts()
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
