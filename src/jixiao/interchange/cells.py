"""Text in the cells of every download: never a formula (CSV/formula injection).

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula: an indicator named
``=HYPERLINK("http://…","点击")`` would become a live link, ``=1+1`` a sum.  Every XLSX
and CSV jixiao writes goes through this module:

* :func:`text_cell` writes text into an openpyxl cell as a string (``data_type`` ``s``),
  marked ``quotePrefix`` when it looks like a formula, so Excel keeps it text even when
  the cell is edited;
* :func:`write_only_row` does the same for write-only sheets (large lists);
* :func:`csv_field` prefixes such text with ``'`` in CSV files (the OWASP advice).

Plain numbers written as text (``-5``, ``+1.5``, ``-5%``) are numbers to a spreadsheet,
not formulas, and stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_START", "csv_field", "formula_like", "text_cell", "write_only_row"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (a lone ``=`` or ``-``, an
    operator or a dash in a column of them, holds none)."""
    return len(text) > 1 and text.startswith(FORMULA_START) and _NUMBER.fullmatch(text) is None


def csv_field(value: Any) -> Any:
    """A CSV field: text that looks like a formula gets a leading ``'``."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def text_cell(cell: Any, text: str) -> None:
    """Write ``text`` into an openpyxl cell as text, never as a formula."""
    cell.value = text
    if text:
        cell.data_type = "s"
        if formula_like(text):
            cell.quotePrefix = True


def write_only_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """The cells of one row of a write-only sheet: text as text (see :func:`text_cell`),
    other values as they are."""
    from openpyxl.cell import WriteOnlyCell

    out: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws)
            text_cell(cell, value)
            out.append(cell)
        else:
            out.append(value)
    return out
