"""Reading a worksheet jixiao wrote as a printed form: merged cells, the title rows above
the table, the print titles, column widths, cell texts as shown.  Shared by the PDF and
HTML printers (:mod:`jixiao.export.pdf`, :mod:`jixiao.export.html`)."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True, slots=True)
class Span:
    cols: int
    rows: int


def spans_of(ws: Worksheet) -> tuple[dict[tuple[int, int], Span], set[tuple[int, int]]]:
    """Merged ranges: the span at each top-left cell, and every covered (row, col)."""
    spans: dict[tuple[int, int], Span] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = Span(
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


def bordered(cell: Cell | MergedCell) -> bool:
    border = cell.border
    return border is not None and border.left is not None and border.left.style is not None


def title_rows(ws: Worksheet, spans: dict[tuple[int, int], Span], width: int) -> int:
    """How many rows at the top are titles (no border)."""
    r = 1
    while r <= ws.max_row:
        cell = ws.cell(row=r, column=1)
        if bordered(cell):
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


def header_rows(ws: Worksheet) -> tuple[int, int] | None:
    titles = ws.print_title_rows
    if not titles:
        return None
    first, _, last = titles.partition(":")
    try:
        return int(first.lstrip("$")), int(last.lstrip("$"))
    except ValueError:
        return None


def widths(ws: Worksheet, columns: int, page_width: float) -> list[float]:
    raw = []
    for c in range(1, columns + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        raw.append(dim.width if dim is not None and dim.width else 10.0)
    total = sum(raw)
    page_width -= 0.01  # never wider than the page by a rounding error
    return [page_width * w / total for w in raw]


def align(cell: Cell | MergedCell) -> str:
    horizontal = cell.alignment.horizontal if cell.alignment is not None else None
    return {"center": "C", "right": "R"}.get(horizontal or "", "L")


def table_blocks(ws: Worksheet, titles: int) -> list[tuple[range, int]]:
    """The bordered rows below the titles as tables, each with its number of heading rows:
    the rows above the print titles (项目名称, 主管部门 …) printed once, then the print
    titles and the body, the titles repeated on every page; one table without them."""
    header = header_rows(ws)
    first, last = titles + 1, ws.max_row
    if header is not None and first <= header[0] <= last:
        blocks = [(range(first, header[0]), 0)] if header[0] > first else []
        return [*blocks, (range(header[0], last + 1), header[1] - header[0] + 1)]
    return [(range(first, last + 1), 0)] if first <= last else []
