"""Readers for workbooks: ``.xlsx`` (layout ``xlsx``, openpyxl) and legacy ``.xls``
(layout ``xls``, xlrd).

Every sheet becomes one :class:`~jixiao.ingest._grid.Grid` (merged ranges as spans, each
cell's provenance its sheet and cell reference, e.g. ``Sheet1`` / ``C7``); the structure is
found by :func:`jixiao.ingest._read.read_grids`.

Cells are read as they are printed: a number shows through its number format where that
changes what a reader sees — a percent format scales it (0.95 with ``0%`` → ``95%``), the
format's decimals round it, quoted literals around the number are kept (``0"人次"`` →
``461人次``); other numbers print in their shortest form without exponent (15 significant
digits, as spreadsheets keep).  Dates print as ``2023年12月31日`` (``2023年12月`` or
``2023年`` when the format shows no day or month).  Formulas give the value the workbook
saved with them (a formula never calculated reads as empty).

The caller dispatches by content (ZIP or OLE2 magic bytes); a file these libraries cannot
open raises :class:`~jixiao.ingest.errors.IngestError` naming it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from io import BytesIO
from typing import Any

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import read_grids
from jixiao.ingest.errors import IngestError

__all__ = ["LAYOUT", "LAYOUT_XLS", "format_cell", "read", "read_xls"]

LAYOUT = "xlsx"
LAYOUT_XLS = "xls"

_MAX_CELLS = 2_000_000  # cells with content in one workbook (bounds odd or hostile files)


# -- numbers and dates as printed ----------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"')
_BRACKETS = re.compile(r"\[[^\]]*\]")
_PLACEHOLDERS = frozenset("0#?")


def _sections(number_format: str) -> list[str]:
    """The ``;``-separated sections of a number format (quotes respected)."""
    out: list[str] = []
    current = ""
    quoted = escaped = False
    for ch in number_format:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == '"':
            current += ch
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append(current)
            current = ""
        else:
            current += ch
    out.append(current)
    return out


def _tokens(section: str) -> Iterator[tuple[str, bool]]:
    """(text, literal) pieces of a format section: quoted or escaped text is literal."""
    k = 0
    while k < len(section):
        ch = section[k]
        if ch == '"':
            end = section.find('"', k + 1)
            end = len(section) if end < 0 else end
            yield section[k + 1 : end], True
            k = end + 1
        elif ch == "\\" and k + 1 < len(section):
            yield section[k + 1], True
            k += 2
        elif ch in "_*" and k + 1 < len(section):
            k += 2  # padding: a space the width of the next character / a fill character
        elif ch == "[":
            end = section.find("]", k + 1)
            k = len(section) if end < 0 else end + 1
        else:
            yield ch, False
            k += 1


def _plain(number: Decimal) -> str:
    """A decimal in positional form without trailing zeros: 470.0 → 470, 95.50 → 95.5."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    return text


def _number_text(value: float | int, number_format: str) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    sections = _sections(number_format or "General")
    section = sections[0]
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section = sections[1]  # the negative section prints the sign itself (or brackets)
        value = -value
    folded = section.strip().lower()
    try:
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    except InvalidOperation:  # pragma: no cover - finite floats always convert
        return str(value)
    if folded in ("general", "@", "") or "e+" in folded or "e-" in folded or "/" in folded:
        if isinstance(value, float):
            number = Decimal(format(value, ".15g"))
        return _plain(number)
    pieces = list(_tokens(section))
    code = "".join(text for text, literal in pieces if not literal)
    percent = code.count("%")
    first = next((k for k, (t, lit) in enumerate(pieces) if not lit and t in _PLACEHOLDERS), None)
    if first is None:
        return _plain(number)
    last = max(k for k, (t, lit) in enumerate(pieces) if not lit and t in _PLACEHOLDERS)
    number *= Decimal(100) ** percent
    body = code[code.find(next(t for t, lit in pieces if not lit and t in _PLACEHOLDERS)) :]
    decimals = 0
    if "." in body:
        after = body.split(".", 1)[1]
        decimals = len(re.match(r"[0#?]*", after).group(0))  # type: ignore[union-attr]
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    if "." in text and re.search(r"#|\?", body.split(".", 1)[1] if "." in body else ""):
        text = text.rstrip("0").rstrip(".")  # optional digits (#) print only when needed
    prefix = "".join(t for t, lit in pieces[:first] if lit or t in "¥$€£+-(").strip()
    suffix = "".join(t for t, lit in pieces[last + 1 :] if lit or t in ")").strip()
    return prefix + text + "%" * percent + suffix


def _date_text(value: datetime | date, number_format: str) -> str:
    code = _QUOTED.sub("", _BRACKETS.sub("", number_format or "")).lower()
    has_day = "d" in code or "日" in code or code in ("", "general")
    has_month = "m" in code or "月" in code or code in ("", "general")
    if not has_month and "y" in code:
        return f"{value.year}年"
    if not has_day:
        return f"{value.year}年{value.month}月"
    text = f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime) and (value.hour or value.minute) and "h" in code:
        text += f" {value.hour:02d}:{value.minute:02d}"
    return text


def format_cell(value: Any, number_format: str = "General") -> str:
    """A cell's value as the sheet prints it (see the module docstring); ``""`` when empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    if isinstance(value, datetime | date):
        return _date_text(value, number_format)
    if isinstance(value, time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, timedelta):
        return str(value)
    return _clean(str(value))


def _clean(text: str) -> str:
    lines = (line.strip().strip("\u3000").strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# -- xlsx ----------------------------------------------------------------------------------


def read(data: bytes, name: str, *, sha256: str) -> Document:
    """Read an ``.xlsx`` workbook: every sheet is a grid (see the module docstring)."""
    return read_grids(grids(data, name), file=name, sha256=sha256, layout=LAYOUT)


def grids(data: bytes, name: str) -> list[Grid]:
    """The sheets of an ``.xlsx`` workbook as grids, in workbook order."""
    from openpyxl import load_workbook
    from openpyxl.utils.cell import get_column_letter

    try:
        wb = load_workbook(BytesIO(data), read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign file
        raise IngestError(
            name, f"is not a readable XLSX workbook (damaged or truncated?): {_reason(exc)}"
        ) from None
    out: list[Grid] = []
    total = 0
    try:
        for ws in wb.worksheets:
            merged: dict[tuple[int, int], tuple[int, int]] = {}
            for rng in ws.merged_cells.ranges:
                merged[(rng.min_row, rng.min_col)] = (
                    rng.max_row - rng.min_row + 1,
                    rng.max_col - rng.min_col + 1,
                )
            cells: list[GridCell] = []
            stored = getattr(ws, "_cells", None)
            items = (
                stored.values()
                if isinstance(stored, dict)
                else (c for r in ws.iter_rows() for c in r)
            )
            for cell in items:
                value = getattr(cell, "value", None)
                if value is None:
                    continue
                row, col = cell.row, cell.column
                if not isinstance(row, int) or not isinstance(col, int):
                    continue
                text = format_cell(value, cell.number_format or "General")
                if not text:
                    continue
                total += 1
                if total > _MAX_CELLS:
                    raise IngestError(name, f"has more than {_MAX_CELLS} filled cells; not read")
                rowspan, colspan = merged.get((row, col), (1, 1))
                ref = f"{get_column_letter(col)}{row}"
                cells.append(
                    GridCell(
                        text=text,
                        row=row - 1,
                        col=col - 1,
                        rowspan=rowspan,
                        colspan=colspan,
                        source=Provenance(file=name, sheet=ws.title, cell=ref),
                    )
                )
            cells.sort(key=lambda c: (c.row, c.col))
            out.append(Grid(cells=tuple(cells), sheet=ws.title))
    except IngestError:
        raise
    except Exception as exc:  # a workbook that loads but breaks while read
        raise IngestError(
            name, f"is not a readable XLSX workbook (damaged or truncated?): {_reason(exc)}"
        ) from None
    finally:
        wb.close()
    return out


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:120] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- xls -----------------------------------------------------------------------------------


def read_xls(data: bytes, name: str, *, sha256: str) -> Document:
    """Read a legacy ``.xls`` workbook (BIFF, via xlrd); merged cells where xlrd sees them."""
    return read_grids(xls_grids(data, name), file=name, sha256=sha256, layout=LAYOUT_XLS)


def xls_grids(data: bytes, name: str) -> list[Grid]:
    """The sheets of an ``.xls`` workbook as grids, in workbook order."""
    import xlrd  # type: ignore[import-untyped]

    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
        except NotImplementedError:
            book = xlrd.open_workbook(file_contents=data, on_demand=False)
    except Exception as exc:  # xlrd raises XLRDError, struct/assert errors on damaged files
        raise IngestError(
            name, f"is not a readable XLS workbook (damaged or truncated?): {_reason(exc)}"
        ) from None
    out: list[Grid] = []
    total = 0
    try:
        for sheet in book.sheets():
            merged: dict[tuple[int, int], tuple[int, int]] = {}
            for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []) or []:
                merged[(rlo, clo)] = (max(1, rhi - rlo), max(1, chi - clo))
            cells: list[GridCell] = []
            for r in range(sheet.nrows):
                for c in range(sheet.ncols):
                    text = _xls_text(book, sheet, r, c)
                    if not text:
                        continue
                    total += 1
                    if total > _MAX_CELLS:
                        raise IngestError(
                            name, f"has more than {_MAX_CELLS} filled cells; not read"
                        )
                    rowspan, colspan = merged.get((r, c), (1, 1))
                    cells.append(
                        GridCell(
                            text=text,
                            row=r,
                            col=c,
                            rowspan=rowspan,
                            colspan=colspan,
                            source=Provenance(
                                file=name, sheet=sheet.name, cell=xlrd.cellname(r, c)
                            ),
                        )
                    )
            out.append(Grid(cells=tuple(cells), sheet=sheet.name))
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(
            name, f"is not a readable XLS workbook (damaged or truncated?): {_reason(exc)}"
        ) from None
    finally:
        book.release_resources()
    return out


def _xls_text(book: Any, sheet: Any, r: int, c: int) -> str:
    import xlrd

    cell = sheet.cell(r, c)
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return _clean(str(cell.value))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "是" if cell.value else "否"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(cell.value, "#ERR"))
    number_format = _xls_format(book, sheet, r, c)
    if kind == xlrd.XL_CELL_DATE:
        try:
            when = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except Exception:  # a date out of range: print the serial number
            return _number_text(float(cell.value), "General")
        return _date_text(when, number_format)
    value = float(cell.value)
    number: float | int = int(value) if value.is_integer() and abs(value) < 2**53 else value
    return _number_text(number, number_format)


def _xls_format(book: Any, sheet: Any, r: int, c: int) -> str:
    try:
        xf = book.xf_list[sheet.cell_xf_index(r, c)]
        return str(book.format_map[xf.format_key].format_str)
    except Exception:  # no formatting information (opened without it)
        return "General"
