"""Reader for HTML pages with tables (layout ``html``).

Web pages publish performance target tables as ``<table>`` markup: pages exported by
LibreOffice or Word (``<td>`` with ``rowspan``/``colspan``, ``<p>`` inside cells, inline
styles), and hand-written government pages (``<td>`` only, ``&nbsp;`` for empty cells,
GBK-encoded, tables inside layout tables).  This module turns every table of a page into a
:class:`~jixiao.ingest._grid.Grid`, faithfully: the cells in reading order with their text,
their place (spans kept), and the source line of the cell's tag.  Finding the structure is
the interpreter's job (:func:`jixiao.ingest._read.read_grids`).

Rules:

* **Encoding.**  A byte-order mark wins.  Otherwise bytes that are valid UTF-8 are UTF-8;
  then the charset declared in a ``<meta>`` tag (GB2312/GBK are read as GB18030, their
  superset); then what :func:`jixiao.ingest._text.decode` tries (GB18030 …).
* **Cell text.**  ``<br>`` and block elements (``<p>``, ``<div>``, ``<li>``, headings) break
  lines; other white space, ``&nbsp;`` included, collapses to one space, and a source line
  break between two CJK characters disappears (as in a browser's CJK line breaking).
  Lines are joined with ``"\\n"``; empty lines are dropped.  Scripts, styles, comments and
  elements hidden with ``display:none`` are skipped.
* **Spans.**  ``rowspan``/``colspan`` place cells as a browser does; a merged cell appears
  once, at its top-left place.  ``rowspan="0"`` and spans past the table's end are clamped to
  the table.  Empty cells are kept (text ``""``).
* **Nested tables.**  A small nested table (one row or one column) is text of its cell: one
  line per row, cells separated by a space.  A larger one is *spliced* into the outer grid
  (its rows replace the row of its cell) when its cell is alone in its row and the outer
  table is itself a table of data (another row has two non-empty cells) — the layout of
  pages that put the indicator rows in a table of their own below the header fields.
  Otherwise (layout tables) the nested table is a grid of its own, after the outer one,
  titled by the text before it in its cell; the outer table is a grid only if something is
  left in its cells.
* **Titles.**  ``Grid.title`` holds the last five lines of text between the previous table
  and this one (headings, paragraphs: the table's name, unit and year), plus ``<caption>``.
* **Provenance.**  ``Provenance(file=name, line=<source line of the cell's tag>)``;
  libxml2 stops counting at line 65535, so cells further down have no line.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import lxml.etree as etree
import lxml.html

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import decode
from jixiao.ingest.errors import IngestError

LAYOUT = "html"

TITLE_LINES = 5  # lines of text above a table kept as its title
_MAX_COLSPAN = 1000  # the HTML limits
_MAX_ROWSPAN = 65534
_LAST_LINE = 65535  # libxml2 reports this for every line from here on

__all__ = ["LAYOUT", "grids", "read", "sniff"]


# -- reading -------------------------------------------------------------------------------


def read(data: bytes, name: str, *, sha256: str) -> Document:
    """Read an HTML page's tables into a document (through the grid interpreter)."""
    from jixiao.ingest._read import read_grids

    found = grids(data, name)
    if not found:
        raise IngestError(name, "is an HTML page without a table (<table>)")
    return read_grids(found, file=name, sha256=sha256, layout=LAYOUT)


def grids(data: bytes, name: str) -> list[Grid]:
    """Every ``<table>`` of the page as a grid, in document order (see the module doc)."""
    text = _decode(data, name)
    root = _parse(text)
    if root is None:
        return []
    body = root.find("body")
    out: list[Grid] = []
    page_text = _Lines()

    def on_table(table: etree._Element, lines: _Lines) -> None:
        title = lines.take()[-TITLE_LINES:]
        out.extend(_table_grids(table, title, name))

    _walk(root if body is None else body, page_text, on_table)
    return out


# -- detection -----------------------------------------------------------------------------

_TABLE_TAG = re.compile(rb"<\s*(?:table|tr|td|th)\b", re.IGNORECASE)
_HTML_TAG = re.compile(rb"<!doctype\s+html|<\s*html\b|<\s*body\b|<\s*head\b", re.IGNORECASE)
_ANY_TAG = re.compile(rb"<\s*/?\s*[a-zA-Z][a-zA-Z0-9:]*[^<>]*>")


def sniff(text: str | bytes) -> float:
    """How likely the content is an HTML page with tables (0 to 1); never raises.

    0.95 for an HTML document with table tags, 0.8 for table markup without the document
    around it (a fragment), 0.3 for an HTML document without tables, 0.2 for table tags
    lost among other tags, 0 without table tags.  Text that only mentions a tag (a ``<br>``
    in a Markdown cell) is not HTML: table tags must make up a fair share of the markup.
    """
    head = text[:262144]
    if isinstance(head, bytes) and head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace")
    data = head.encode("utf-8", "replace") if isinstance(head, str) else head
    tables = len(_TABLE_TAG.findall(data))
    document = _HTML_TAG.search(data[:4096]) is not None
    if tables == 0:
        return 0.3 if document else 0.0
    if document:
        return 0.95
    # A fragment: table tags must be the markup, not a stray tag in prose.
    tags = len(_ANY_TAG.findall(data))
    return 0.8 if tables >= 2 and tables * 4 >= tags else 0.2


# -- decoding and parsing ------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_NOT_DECLARED = {"utf-8", "ascii", "iso8859-1", "latin-1", "cp1252", "iso8859-15"}
_GB = {"gb2312", "gbk", "gb18030", "euc_cn", "x-gbk", "cp936", "x-euc-cn", "gb_2312-80"}


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    if label in _GB:
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    # A meta tag readable as ASCII rules out UTF-16/32; a Western single-byte charset on a
    # page of Chinese tables is a wrong declaration (those bytes are GBK): fall back.
    if codec.startswith(("utf-16", "utf-32")) or codec in _NOT_DECLARED:
        return None
    return "gb18030" if codec in ("gb2312", "gbk", "gb18030") else codec


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return decode(data, name)  # a byte-order mark, or binary (refused there)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode(data, name)


def _parse(text: str) -> etree._Element | None:
    # lxml refuses str input with an encoding declaration; the text is decoded already.
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=False, remove_pis=False)
    try:
        return etree.fromstring(text, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


# -- text of elements ----------------------------------------------------------------------

_BLOCK = frozenset(
    "address article aside blockquote caption center dd div dl dt fieldset figcaption figure "  # noqa: SIM905
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot "
    "th thead tr ul".split()
)
_SKIP = frozenset("script style head title noscript template iframe object select".split())  # noqa: SIM905
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WS_RUN = re.compile(r"[\s\u00a0\u3000\u2000-\u200a\u202f\u205f]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u0000-\u0008\u000b\u000e-\u001f\u007f]")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _collapse(text: str) -> str:
    """One line's text: white space collapsed; a wrapped source line between CJK removed."""
    text = _INVISIBLE.sub("", text)
    pieces: list[str] = []
    pos = 0
    for match in _WS_RUN.finditer(text):
        pieces.append(text[pos : match.start()])
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if not ("\n" in match.group(0) and before and after and _wide(before) and _wide(after)):
            pieces.append(" ")
        pos = match.end()
    pieces.append(text[pos:])
    return "".join(pieces).strip()


class _Lines:
    """Text collected in document order, broken into lines by ``<br>`` and blocks."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def text(self, text: str | None) -> None:
        if text:
            self.current.append(text)

    def newline(self) -> None:
        line = _collapse("".join(self.current))
        self.current = []
        if line:
            self.lines.append(line)

    def add_line(self, line: str) -> None:
        self.newline()
        if line:
            self.lines.append(line)

    def take(self) -> list[str]:
        """The lines so far (the current one ended), and start afresh."""
        self.newline()
        lines, self.lines = self.lines, []
        return lines


_OnTable = Callable[[etree._Element, _Lines], None]


def _tag(el: etree._Element) -> str | None:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else None


def _hidden(el: etree._Element) -> bool:
    style = el.get("style")
    return el.get("hidden") is not None or (style is not None and bool(_HIDDEN.search(style)))


def _walk(el: etree._Element, out: _Lines, on_table: _OnTable) -> None:
    """Collect the text of ``el`` and its descendants (not its tail) into ``out``."""
    tag = _tag(el)
    if tag is None or tag in _SKIP or _hidden(el):
        return  # a comment, processing instruction, script, style or hidden element
    if tag == "br":
        out.newline()
        return
    if tag == "table":
        out.newline()
        on_table(el, out)
        out.newline()
        return
    block = tag in _BLOCK
    if block:
        out.newline()
    if tag == "pre" and el.text:
        for k, part in enumerate(el.text.split("\n")):
            if k:
                out.newline()
            out.text(part)
    else:
        out.text(el.text)
    for child in el:
        _walk(child, out, on_table)
        out.text(child.tail)
    if block:
        out.newline()


# -- tables --------------------------------------------------------------------------------


@dataclass
class _Cell:
    text: str
    line: int | None
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Content:
    """A cell's own text, and the large nested tables found in it (with the text before)."""

    lines: list[str] = field(default_factory=list)
    nested: list[tuple[etree._Element, list[str]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines and not self.nested


def _rows_of(table: etree._Element) -> list[list[etree._Element]]:
    """The cell elements of a table's own rows (not of nested tables), in source order;
    rows and cells hidden with ``display:none`` left out."""
    rows: list[list[etree._Element]] = []
    loose: list[etree._Element] = []  # cells written without a <tr>

    def end_loose() -> None:
        nonlocal loose
        if loose:
            rows.append(loose)
            loose = []

    def visit(parent: etree._Element) -> None:
        for child in parent:
            tag = _tag(child)
            if tag in ("thead", "tbody", "tfoot"):
                end_loose()
                visit(child)
            elif tag == "tr" and not _hidden(child):
                end_loose()
                rows.append([c for c in child if _tag(c) in ("td", "th") and not _hidden(c)])
            elif tag in ("td", "th") and not _hidden(child):
                loose.append(child)
        end_loose()

    visit(table)
    return rows


def _span(value: str | None, limit: int) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    if match is None:
        return 1
    number = int(match.group(1)[:7])
    return min(number, limit) if number > 0 else 0  # 0: rowspan to the end of the table


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) and 0 < line < _LAST_LINE else None


def _is_block_table(table: etree._Element) -> bool:
    """A nested table of data (two rows and two columns at least), not a line of text."""
    rows = _rows_of(table)
    return len(rows) >= 2 and max(len(r) for r in rows) >= 2


def _inline_table(table: etree._Element, out: _Lines) -> None:
    """A small nested table as text: one line per row, cells separated by a space."""
    for row in _rows_of(table):
        texts = [" ".join(_content(cell).lines) for cell in row]
        out.add_line(" ".join(t for t in texts if t))


def _content(cell: etree._Element) -> _Content:
    content = _Content()
    out = _Lines()

    def on_table(table: etree._Element, lines: _Lines) -> None:
        if _is_block_table(table):
            content.nested.append((table, lines.take()))
        else:
            _inline_table(table, lines)

    out.text(cell.text)
    for child in cell:
        _walk(child, out, on_table)
        out.text(child.tail)
    content.lines = out.take()
    return content


@dataclass
class _Rows:
    """A table's logical rows (after splicing) and the grids of nested tables of its own."""

    rows: list[list[_Cell]] = field(default_factory=list)
    nested: list[Grid] = field(default_factory=list)
    title: list[str] = field(default_factory=list)


def _table_rows(table: etree._Element, title: list[str], name: str) -> _Rows:
    result = _Rows(title=list(title))
    # <caption> belongs to the title.
    for caption in table:
        if _tag(caption) == "caption":
            result.title.extend(_content(caption).lines)
    elements = _rows_of(table)
    contents = [[_content(cell) for cell in row] for row in elements]
    tabular = any(sum(1 for c in row if c.lines) >= 2 for row in contents)
    seen_text = False  # whether the outer table has shown text or a nested table yet
    for row_els, row_contents in zip(elements, contents, strict=True):
        holders = [k for k, c in enumerate(row_contents) if c.nested]
        alone = (
            len(holders) == 1
            and len(row_contents[holders[0]].nested) == 1
            and all(c.empty for k, c in enumerate(row_contents) if k != holders[0])
        )
        if alone and tabular:
            cell_el, content = row_els[holders[0]], row_contents[holders[0]]
            nested_table, before = content.nested[0]
            for line in before:
                result.rows.append([_Cell(line, _line(cell_el))])
            inner = _table_rows(nested_table, [], name)
            result.rows.extend(inner.rows)
            result.nested.extend(inner.nested)
            result.title.extend(inner.title)
            if content.lines:
                result.rows.append([_Cell("\n".join(content.lines), _line(cell_el))])
            seen_text = True
            continue
        row: list[_Cell] = []
        for cell_el, content in zip(row_els, row_contents, strict=True):
            for nested_table, before in content.nested:
                # The text above the outer table is the title of its first content only.
                nested_title = before if seen_text else [*result.title, *before]
                result.nested.extend(_table_grids(nested_table, nested_title[-TITLE_LINES:], name))
                seen_text = True
            row.append(
                _Cell(
                    "\n".join(content.lines),
                    _line(cell_el),
                    rowspan=_span(cell_el.get("rowspan"), _MAX_ROWSPAN),
                    colspan=max(1, _span(cell_el.get("colspan"), _MAX_COLSPAN)),
                )
            )
            seen_text = seen_text or bool(content.lines)
        result.rows.append(row)
    return result


def _place(rows: list[list[_Cell]], name: str) -> list[GridCell]:
    """Place cells as a browser does: skip places taken by row spans from above."""
    cells: list[GridCell] = []
    busy_until: dict[int, int] = {}  # column -> first row not covered by a span from above
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while busy_until.get(c, 0) > r:
                c += 1
            left = len(rows) - r
            rowspan = left if cell.rowspan == 0 else min(cell.rowspan, left)
            for k in range(c, c + cell.colspan):
                busy_until[k] = r + rowspan
            cells.append(
                GridCell(
                    text=cell.text,
                    row=r,
                    col=c,
                    rowspan=rowspan,
                    colspan=cell.colspan,
                    source=Provenance(file=name, line=cell.line),
                )
            )
            c += cell.colspan
    return cells


def _table_grids(table: etree._Element, title: Iterable[str], name: str) -> list[Grid]:
    rows = _table_rows(table, list(title), name)
    out: list[Grid] = []
    if any(cell.text for row in rows.rows for cell in row):
        cells = _place(rows.rows, name)
        out.append(Grid(cells=tuple(cells), title=tuple(rows.title[-TITLE_LINES:])))
    out.extend(rows.nested)
    # In document order: a nested table in the first column comes before the text of a
    # layout table's other columns.
    return sorted(out, key=_first_line)


def _first_line(grid: Grid) -> int:
    lines = [c.source.line for c in grid.cells if c.text and c.source and c.source.line]
    return min(lines, default=_LAST_LINE)
