"""Print-ready HTML of jixiao's workbooks: each sheet as the official form, for the browser.

Like :mod:`jixiao.export.pdf`, it prints the workbook that lays the table out, so that the
HTML, the PDF and the XLSX of a table are one form: titles centred above, bordered tables
on the sheet's columns (widths as shares of the page), merged cells as ``rowspan`` /
``colspan``, the print titles as the ``<thead>`` (browsers repeat it on every printed
page), each sheet on new pages (``break-before: page``), A4 landscape.

Public API::

    workbook_html(data, *, title) -> str      a whole HTML document
    workbook_sections(data) -> str            the sheets only (``<section>`` elements), for
                                              a page that has its own frame
"""

from __future__ import annotations

from html import escape
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.export._layout import (
    Span,
    align,
    bordered,
    shown,
    spans_of,
    table_blocks,
    title_rows,
)
from jixiao.export._layout import widths as column_widths

__all__ = ["PRINT_CSS", "workbook_html", "workbook_sections"]

PRINT_CSS = """
.jx-sheet { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; font-size: 10.5pt; color: #000; margin: 0 0 2em; }
.jx-sheet + .jx-sheet { break-before: page; }
.jx-sheet h1 { font-size: 16pt; text-align: center; margin: .2em 0; }
.jx-sheet p.jx-sub { text-align: center; margin: 0 0 .6em; }
.jx-sheet table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0; }
.jx-sheet table + table { border-top: 0; }
.jx-sheet th, .jx-sheet td { border: 1px solid #000; padding: 2px 4px; vertical-align: middle;
  overflow-wrap: anywhere; white-space: pre-line; }
.jx-sheet th { background: #f2f2f2; font-weight: bold; }
.jx-sheet .c { text-align: center; } .jx-sheet .r { text-align: right; }
.jx-sheet thead { display: table-header-group; }
.jx-sheet tr { break-inside: avoid; }
@page { size: A4 landscape; margin: 10mm; }
@media print { .jx-noprint { display: none; } }
"""


def _cells(
    ws: Worksheet,
    r: int,
    columns: int,
    spans: dict[tuple[int, int], Span],
    covered: set[tuple[int, int]],
    stop: int,
    tag: str,
) -> str:
    out = []
    for c in range(1, columns + 1):
        if (r, c) in covered:
            continue
        span = spans.get((r, c), Span(1, 1))
        cell = ws.cell(row=r, column=c)
        attrs = []
        if span.cols > 1:
            attrs.append(f' colspan="{min(span.cols, columns - c + 1)}"')
        if span.rows > 1:
            attrs.append(f' rowspan="{min(span.rows, stop - r)}"')
        bold = bool(cell.font is not None and cell.font.b)
        name = "th" if tag == "th" or bold else "td"
        css = {"C": "c", "R": "r"}.get(align(cell))
        if css:
            attrs.append(f' class="{css}"')
        out.append(f"<{name}{''.join(attrs)}>{escape(shown(cell))}</{name}>")
    return "<tr>" + "".join(out) + "</tr>"


def _sheet(ws: Worksheet) -> str:
    spans, covered = spans_of(ws)
    columns = ws.max_column
    widths = column_widths(ws, columns, 100.0)
    colgroup = (
        "<colgroup>" + "".join(f'<col style="width:{w:.2f}%">' for w in widths) + "</colgroup>"
    )
    titles = title_rows(ws, spans, columns)
    parts = [f'<section class="jx-sheet" aria-label="{escape(ws.title)}">']
    for r in range(1, titles + 1):
        text = escape(shown(ws.cell(row=r, column=1)))
        parts.append(f"<h1>{text}</h1>" if r == 1 else f'<p class="jx-sub">{text}</p>')
    for rows, heading in table_blocks(ws, titles):
        body = [
            r for r in rows if bordered(ws.cell(row=r, column=1)) or ws.cell(row=r, column=1).value
        ]
        if not body:
            continue
        head_rows = list(rows)[:heading]
        parts.append(f"<table>{colgroup}")
        if head_rows:
            parts.append(
                "<thead>"
                + "".join(
                    _cells(ws, r, columns, spans, covered, rows.stop, "th") for r in head_rows
                )
                + "</thead>"
            )
        parts.append(
            "<tbody>"
            + "".join(
                _cells(ws, r, columns, spans, covered, rows.stop, "td")
                for r in list(rows)[heading:]
            )
            + "</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def workbook_sections(data: bytes) -> str:
    """The visible sheets of a workbook as ``<section class="jx-sheet">`` elements."""
    wb = load_workbook(BytesIO(data))
    return "\n".join(_sheet(ws) for ws in wb.worksheets if ws.sheet_state == "visible")


def workbook_html(data: bytes, *, title: str) -> str:
    """A whole, self-contained HTML document of the workbook (print CSS inline)."""
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head>"
        f"<body>{workbook_sections(data)}</body></html>\n"
    )
