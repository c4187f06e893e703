"""Worksheet helpers shared by the workbooks: cell styles, merges, print setup, sheet titles.

Every cell of a table is written through :func:`put`: it gets a thin border, wrapped text,
the table font and (for numbers) a number format; text is cleaned of the control
characters XML cannot hold, and text that a spreadsheet could take for a formula stays text
(:mod:`jixiao.interchange.cells`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Literal, TypeAlias

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.interchange.cells import text_cell

Value: TypeAlias = str | int | float | None
Align: TypeAlias = Literal["left", "center", "right"]

FONT_NAME = "宋体"
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="F2F2F2")  # light grey, prints fine

MONEY = "#,##0.00"  # 万元
POINTS = "0.00"  # 分值, 得分
PERCENT = "0.00%"  # rates are stored as fractions (0.8167) and shown as 81.67%
COUNT = "0"
DASH = "—"  # not applicable / not available

_LINE_HEIGHT = 13.5  # points per line of 10-point text
_MIN_HEIGHT = 18.0


def clean(value: object) -> str:
    """Text for a cell: control characters XML cannot hold removed, line ends as ``\n``."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def finite(value: float | int | None) -> bool:
    return (
        value is not None
        and not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
    )


def number(value: float | int | None) -> Value:
    """A number as it is, or :data:`DASH` when missing or not finite."""
    return value if value is not None and finite(value) else DASH


def rate(value: float | None, *, percent: bool = False) -> Value:
    """A rate for a ``0.00%`` cell (``percent=True``: the value is ×100 already)."""
    if value is None or not finite(value):
        return DASH
    return value / 100 if percent else value


def round2(value: float) -> float:
    """Rounded to 2 decimals, half up (as scores are)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Value,
    *,
    to_col: int | None = None,
    to_row: int | None = None,
    fmt: str | None = None,
    bold: bool = False,
    header: bool = False,
    align: Align | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    """Write one (possibly merged) table cell with border, wrap, font and number format."""
    cell = ws.cell(row=row, column=col)
    if not isinstance(cell, Cell):
        raise ValueError(f"cell {get_column_letter(col)}{row} is inside a merged range")
    if isinstance(value, str):
        text_cell(cell, clean(value))  # text as printed, never a formula
    else:
        cell.value = value
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and fmt:
        cell.number_format = fmt
    cell.font = Font(name=FONT_NAME, size=10, bold=bold or header)
    horizontal = align or ("center" if header or numeric or value == DASH else "left")
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
    cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    elif header:
        cell.fill = HEADER_FILL
    last_col, last_row = to_col or col, to_row or row
    if (last_col, last_row) != (col, row):
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    return cell


def title_row(ws: Worksheet, row: int, text: str, last_col: int) -> None:
    """The title of a table: merged over all columns, bold, centred, no border."""
    cell = ws.cell(row=row, column=1)
    text_cell(cell, clean(text))
    cell.font = Font(name=FONT_NAME, size=16, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 30


def merge_runs(ws: Worksheet, col: int, first_row: int, keys: Sequence[object]) -> None:
    """Merge the cells of consecutive equal ``keys`` (rows first_row…) in one column."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            if index - start > 1:
                ws.merge_cells(
                    start_row=first_row + start,
                    start_column=col,
                    end_row=first_row + index - 1,
                    end_column=col,
                )
            start = index


def page_setup(ws: Worksheet, widths: Sequence[float], repeat: tuple[int, int] | None) -> None:
    """Column widths, then A4 landscape, fit to one page wide, header rows repeated."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "第 &P 页，共 &N 页"
    if repeat is not None:
        ws.print_title_rows = f"{repeat[0]}:{repeat[1]}"
    _fit_heights(ws, widths)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit_heights(ws: Worksheet, widths: Sequence[float]) -> None:
    """Row heights for wrapped text (Excel does not grow rows of merged cells by itself)."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (
            merged.max_col - merged.min_col + 1,
            merged.max_row - merged.min_row + 1,
        )
    lines_of: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell, Cell) or not isinstance(cell.value, str) or not cell.value:
                continue
            r, c = cell.row, cell.column
            cols, rows = spans.get((r, c), (1, 1))
            width = sum(widths[c - 1 : c - 1 + cols]) if c <= len(widths) else 10
            usable = max(width - 1.5, 2.0)
            lines = sum(
                max(1, math.ceil(_display_width(part) / usable)) for part in cell.value.split("\n")
            )
            lines = math.ceil(lines / rows)
            lines_of[r] = max(lines_of.get(r, 1), lines)
    for r, lines in lines_of.items():
        current = ws.row_dimensions[r].height
        height = max(_MIN_HEIGHT, lines * _LINE_HEIGHT + 4)
        if current is None or current < height:
            ws.row_dimensions[r].height = height


def to_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# -- sheet titles ---------------------------------------------------------------------------

MAX_TITLE = 31  # Excel's limit, in UTF-16 code units
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED = {"history"}  # Excel keeps this name for itself
FALLBACK_TITLE = "项目"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> str:
    out: list[str] = []
    used = 0
    for ch in text:
        n = _units(ch)
        if used + n > limit:
            break
        out.append(ch)
        used += n
    return "".join(out)


def _key(title: str) -> str:
    """Excel compares sheet names without case; be stricter (width and case folded too)."""
    return unicodedata.normalize("NFKC", title).casefold()


def _tidy(text: str) -> str:
    return text.strip().strip("'").strip()


def sheet_titles(names: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """Valid, unique Excel sheet titles for ``names``, in order.

    Control characters are dropped, ``[]:*?/\\`` become ``_``, runs of white space one
    space; leading/trailing apostrophes and spaces are removed; an empty result becomes
    ``项目``.  Titles are cut to 31 UTF-16 code units; a title already taken (by an earlier
    name or by ``reserved``, compared without case) gets `` (2)``, `` (3)``… with the base cut
    to make room.
    """
    taken = {_key(t) for t in reserved}
    titles: list[str] = []
    for name in names:
        text = _FORBIDDEN.sub("_", clean(name))
        text = " ".join(text.split())
        base = _tidy(_cut(_tidy(text), MAX_TITLE)) or FALLBACK_TITLE
        if _key(base) in _RESERVED:
            base = f"{base}_"
        title = base
        n = 1
        while _key(title) in taken:
            n += 1
            suffix = f" ({n})"
            title = (_tidy(_cut(base, MAX_TITLE - len(suffix))) or FALLBACK_TITLE) + suffix
        taken.add(_key(title))
        titles.append(title)
    return titles


def internal_link(cell: Cell, sheet: str) -> None:
    """Make a cell link to cell A1 of another sheet of the workbook (not an empty cell:
    openpyxl would write the link's address into it)."""
    if cell.value is None or cell.value == "":
        return
    quoted = sheet.replace("'", "''")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1", display=None)
