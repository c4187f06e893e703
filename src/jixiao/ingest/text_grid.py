"""Readers for plain-text dumps of tables: cells found by separators, columns or lines.

Six layouts, each with a ``sniff(source) -> float`` and a ``read(source, *, sha256)``
(the shape of :mod:`jixiao.ingest.text_blocks`), collected in :data:`LAYOUTS`:

``pipe``
    Cells separated by ``|`` (also ``│ ┃ ║ ｜``), as Markdown tables or ``| a | b |`` dumps
    of HTML/XLSX tables.  Border lines (``|---|:--:|``, ``+----+``, ``├──┼──┤``) end a row.
    A row broken across lines is joined: in dumps whose rows end with ``|``, a line that
    did not end with ``|`` continues on the next line; elsewhere, a line with fewer cells
    than the table's widest row continues the previous row's last cell when that cell is
    no value and the line does not start with a label, header word or field key.  Tables
    drawn as grids (a border line between every row) join the lines between two borders
    column by column.  Empty cells are kept, ``\\|`` is a literal bar, ``<br>`` a line break.
``tsv``
    Cells separated by tabs (a spreadsheet selection copied as text).  Quoted cells may hold
    line breaks (``"a\\nb"``, as spreadsheets write them).  Broken rows are joined by the
    same count rule as unbordered ``pipe`` rows.
``columns``
    Columns aligned with runs of spaces (``pdftotext -layout``).  A cell is a run of text
    between gaps of two or more spaces.  Positions are measured both by characters (what
    ``pdftotext`` does) and in display columns (a CJK character, ``east_asian_width`` W or
    F, two wide: text aligned for a terminal); the measure under which the cells separate
    best wins.  Column boundaries are the positions that (almost) no line of the table's
    body covers (lines with three or more cells, field lines left out); a column where no
    cell starts is the overflow of the one before; the header line (the line with most
    header words) splits a column holding two of its words and adds one for a word right of
    all columns (备注).  A cell across two columns is cut at a single space near the
    boundary, else it gets a ``colspan``.  Rows: a line with a value (not a bare sequence
    number) is a row's *baseline*; the other lines (a wrapped or vertically centred cell,
    a merged label printed between its rows) go to the nearest baseline within three
    lines, at equal distance to the one whose line leaves their columns empty, then to the
    one above; the lines just above and below a baseline in a column it leaves empty go to
    it (a cell centred on its row).  Header lines are one row, with the lines next to them
    that complete their words (``序号（`` / ``代码）``).  Field lines are rows of their own.
``spaces``
    Cells separated by single spaces, one row per line (the text of an XLSX preview or an
    HTML table whose cells were joined with one space): each run of whitespace separates
    two cells, so a cell that holds a space (``100 %``) becomes two and the interpreter's
    ragged alignment puts them back in their columns (a value and its 度量单位); words
    inside brackets stay one cell (``数量( ≥**个 )``), and a sign-off line (审核意见
    (盖章)) ends the table.  A line
    with one word continues the row above (a wrapped cell).  Tried only where a line holds
    three or more header words as cells of their own; the reading that makes most sense
    among the layouts wins.
``bar-cells``
    One cell per line, each ending with `` |`` (an HTML table dumped cell by cell); a line
    of bars alone is an empty cell (``|``) or the end of a row (``||||``), and a cell
    followed by more bars (``2350 | ||||``) ends its row.  Where the dump marks no row ends,
    rows are cut from the cell stream by the header's width: the width (the header's cells,
    one less — a group label such as 绩效指标 printed once —, or with the empty cells
    before it) under which the cells of each column look most alike.  A title cell
    (…绩效目标表) or a 项目名称-like field label after the body starts a new table.
``cell-lines``
    One cell per line, or per paragraph (cells separated by blank lines, wrapped over
    several lines; when most blocks with a value hold several lines, blank lines separate
    rows instead).  Cells before the first header word, field key or label are the title.
    A new row starts at a field key (which takes one cell, its value), after a header row,
    at a level-1 label, at a level-2 label once the row has a name, at a bare number where
    a row ends (a sequence number), and after the row's values: once the row has as many
    cells from its first value as the header has from its first value column, or at any
    cell but a value, a word such as 正向/定量, or (with a header) a short word such as a
    unit.  ``半年（程）`` + ``指标值`` in a header are one cell; with a single name column
    in the header, the text cells just before a row's values are one name, wrapped.

Every reader returns ragged grids (``Grid.ragged``) unless the columns are aligned (all rows
of a ``pipe``/``tsv`` table have the same number of cells; ``columns``).  Cell text keeps the
lines of a wrapped cell joined with ``"\\n"``.  Provenance is
``Provenance(file=name, page=<page, only when the text has form feeds>, line=<1-based>)``,
the line where the cell starts.  A table's ``title`` is the last five lines of other text
above it.  The grids go to the interpreter, :func:`jixiao.ingest._read.read_grids`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import TAXONOMY_2015, TAXONOMY_2021
from jixiao.ingest._cells import as_value, parse_fields, split_trailing_values
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import TextSource, fold, join_wrapped
from jixiao.ingest._vocab import SIGN_OFF, bracket_depth
from jixiao.ingest.errors import IngestError

PIPE = "pipe"
TSV = "tsv"
COLUMNS = "columns"
CELL_LINES = "cell-lines"
SPACES = "spaces"
BAR_CELLS = "bar-cells"

TITLE_LINES = 5  # lines of other text above a table kept as its title
_SNIFF_LINES = 4000  # sniff looks at this many lines at most

__all__ = [
    "BAR_CELLS",
    "CELL_LINES",
    "COLUMNS",
    "LAYOUTS",
    "PIPE",
    "SPACES",
    "TSV",
    "bar_cells_grids",
    "cell_lines_grids",
    "columns_grids",
    "pipe_grids",
    "spaces_grids",
    "tsv_grids",
]


# -- lines -----------------------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000e-\u001f\u007f\u200b-\u200d\u2060\ufeff]")


@dataclass(frozen=True, slots=True)
class _Raw:
    number: int  # 1-based line number in the file
    page: int | None  # 1-based page, only when the text has form feeds
    text: str  # control characters removed; tabs and indentation kept

    @property
    def stripped(self) -> str:
        return self.text.strip()


def _raw_lines(text: str) -> list[_Raw]:
    """The file's lines with their numbers (as an editor counts them) and form-feed pages."""
    paged = "\f" in text
    if text.endswith(("\r\n", "\n", "\r")):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    out: list[_Raw] = []
    page = 1
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        for k, segment in enumerate(raw.split("\f")):
            if k:
                page += 1
            out.append(_Raw(number, page if paged else None, _CONTROL.sub("", segment)))
    return out


def _pages(lines: Sequence[_Raw]) -> list[list[_Raw]]:
    pages: dict[int | None, list[_Raw]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    return list(pages.values())


# -- what a cell is ------------------------------------------------------------------------

_HEADER_WORDS = re.compile(
    r"一级指标|二级指标|三级指标|四级指标|绩效指标|指标名称|指标内容|年度指标值|年度目标值|"
    r"全年指标值|半年指标值|指标值类型|指标值|目标值|实际完成值|完成值|计算符号|度量单位|计量单位|"
    r"指标方向|指标性质|指标类型|权重|分值|得分|偏差原因|原因分析|改进措施|备注|序号|代码|"
    r"职能|二级专项|工作及项目名称|工作任务|年度目标|年目标值|"
    r"半年|全年|中长期|长期|年度|符号|单位|指标|程"
)
_HEADER_REST = set("()/、:：-,，%（）")
_TITLE = re.compile(r"绩效(?:目标|自评|监控|评价)[^|]{0,8}表")


def _joined(text: str) -> str:
    return join_wrapped(part.strip() for part in text.split("\n"))


_HEADER_YEAR = re.compile(r"(?:19|20)\d{2}年")  # 2024年目标值


def _is_header(text: str) -> bool:
    folded = _HEADER_YEAR.sub("", fold(text), count=1)
    if not folded or _HEADER_WORDS.search(folded) is None:
        return False
    return all(ch in _HEADER_REST for ch in _HEADER_WORDS.sub("", folded))


@functools.lru_cache(maxsize=16384)
def _label_level(text: str) -> int | None:
    """1 or 2 when the text is a taxonomy label (any version), else None."""
    label = _joined(text)
    if not label or len(label) > 20:
        return None
    for taxonomy in (TAXONOMY_2021, TAXONOMY_2015):
        found = taxonomy.resolve(label)
        if found is not None:
            return found.level
    return None


@functools.lru_cache(maxsize=16384)
def _is_value(text: str) -> bool:
    """One target value (``≥90%``, ``≥ 90 %``, ``2025年6月``); not two (``≥3期 ≥6期``)."""
    joined = _joined(text)
    if not joined or len(joined) > 40 or as_value(joined) is None:
        return False
    if " " in joined:
        head, values = split_trailing_values(joined)
        return bool(head) or len(values) < 2
    return True


def _is_field(text: str) -> bool:
    joined = _joined(text)
    return len(joined) <= 200 and parse_fields(joined) is not None


def _starts_row(text: str) -> bool:
    """A cell that begins a row of its own: a label, a header word or a field key."""
    return _label_level(text) is not None or _is_header(text) or _is_field(text)


def _is_title(text: str) -> bool:
    return len(text) <= 120 and _TITLE.search(fold(text)) is not None


_HINT_WORDS = re.compile(
    r"一级指标|二级指标|三级指标|绩效指标|指标值|目标值|绩效目标|项目名称|产出指标|效益指标|满意度"
)


def _hint(text: str) -> float:
    """How much the text looks like a performance table at all (1, or 0.5 without hints)."""
    return 1.0 if _HINT_WORDS.search(fold(text[:200_000])) else 0.5


# -- grids ---------------------------------------------------------------------------------


@dataclass
class _TCell:
    text: str
    number: int
    page: int | None
    col: int | None = None  # an aligned column; None: the position in the row
    colspan: int = 1


def _clean_cell(text: str) -> str:
    return "\n".join(line for line in (part.strip() for part in text.split("\n")) if line)


def _grid(
    rows: Sequence[Sequence[_TCell]], title: Sequence[str], name: str, *, aligned: bool
) -> Grid:
    cells: list[GridCell] = []
    pages: set[int | None] = set()
    for r, row in enumerate(rows):
        for k, cell in enumerate(row):
            pages.add(cell.page)
            cells.append(
                GridCell(
                    text=cell.text,
                    row=r,
                    col=k if cell.col is None else cell.col,
                    colspan=cell.colspan,
                    source=Provenance(file=name, page=cell.page, line=cell.number),
                )
            )
    page = next(iter(pages)) if len(pages) == 1 else None
    return Grid(
        cells=tuple(cells), title=tuple(title[-TITLE_LINES:]), page=page, ragged=not aligned
    )


# -- rows of cells with separators (pipe, tsv) ---------------------------------------------


@dataclass
class _SepLine:
    raw: _Raw
    cells: list[str]
    lead: bool = False  # the line starts with a separator
    trail: bool = False  # the line ends with a separator
    numbers: list[int] | None = None  # each cell's line, when not all on the first line

    def number(self, k: int) -> int:
        return self.numbers[k] if self.numbers is not None else self.raw.number


_BORDER = object()  # an item: a border line (----, +---+, |:--|)
_BLANK = object()  # an item: a blank line
_Item = object  # _SepLine, _Raw (a line of other text), _BORDER or _BLANK


class _SepAssembler:
    """Rows of separated cells, with broken rows joined, into grids (one per table)."""

    def __init__(self, name: str, *, bordered: bool, trail_style: bool, full: int) -> None:
        self.name = name
        self.bordered = bordered  # rows start with a separator
        self.trail_style = trail_style  # rows end with a separator
        self.full = full  # the widest row's number of cells
        self.grids: list[Grid] = []
        self.title: list[str] = []
        self.rows: list[list[_TCell]] = []
        self.row_title: list[str] = []
        self.open = False  # the last row's last cell may go on on the next line
        self.after_blank = False

    @property
    def row(self) -> list[_TCell] | None:
        return self.rows[-1] if self.rows else None

    def finish(self) -> None:
        if self.rows:
            aligned = len({len(r) for r in self.rows}) == 1
            self.grids.append(_grid(self.rows, self.row_title, self.name, aligned=aligned))
        self.rows = []
        self.open = False

    def _count_rule(self, row: list[_TCell], extra: int, first: str) -> bool:
        """Whether a line with ``extra`` more cells continues ``row`` (unbordered dumps)."""
        last = row[-1].text if row else ""
        return (
            len(row) < self.full
            and len(row) + extra <= self.full
            and bool(last)
            and bool(first)
            and not _is_value(last)
            and not _starts_row(first)
        )

    def border(self) -> None:
        self.open = False

    def blank(self) -> None:
        self.after_blank = True

    def text(self, line: _Raw) -> None:
        row = self.row
        text = line.stripped
        joins = row is not None and not self.after_blank and not _is_title(text)
        if joins and row is not None:
            joins = self.open if self.trail_style else self._count_rule(row, 0, text)
        if joins and row is not None:
            row[-1].text = _clean_cell(row[-1].text + "\n" + text)
            return
        self.finish()
        self.title.append(text)
        self.after_blank = False

    def cells(self, line: _SepLine) -> None:
        row = self.row
        new = [_TCell(text, line.number(k), line.raw.page) for k, text in enumerate(line.cells)]
        joins = False
        merge_last = False
        if row is not None and new:
            if self.trail_style:
                if self.open:
                    joins = len(row) + len(new) - (0 if line.lead else 1) <= self.full
                    merge_last = not line.lead
                elif self.bordered and not line.lead:
                    # Broken right after a separator: the line's cells are new cells.
                    joins = len(row) + len(new) <= self.full
            elif not (self.bordered and line.lead) and not self.after_blank:
                joins = self._count_rule(row, len(new) - 1, new[0].text)
                merge_last = True
        if joins and row is not None:
            if merge_last:
                first = new.pop(0)
                row[-1].text = _clean_cell(row[-1].text + "\n" + first.text)
            row.extend(new)
        else:
            lead = _prose_before_header(new)
            if lead:
                self.finish()
                self.title.append(lead)
            if not self.rows:
                self.row_title = self.title[-TITLE_LINES:]
                self.title = []
            self.rows.append(new)
        self.open = self.trail_style and not line.trail
        self.after_blank = False

    def feed(self, items: Iterable[_Item]) -> None:
        for item in items:
            if item is _BORDER:
                self.border()
            elif item is _BLANK:
                self.blank()
            elif isinstance(item, _SepLine):
                self.cells(item)
            elif isinstance(item, _Raw):
                self.text(item)
        self.finish()


_PROSE_END = re.compile(r"[。；;：:）)\]】]")


def _prose_before_header(cells: list[_TCell]) -> str:
    """Case ``prose before the header``: a notice sentence run into the first header cell
    (``…请以附件为准)一级指标 | 二级指标 | …``).  The sentence is cut off the cell and
    returned (it is title text); ``""`` when the row is no such header."""
    if len(cells) < 3 or _is_header(cells[0].text):
        return ""
    if sum(1 for c in cells[1:] if c.text and _is_header(c.text)) < 2:
        return ""
    text = cells[0].text
    for m in reversed(list(_PROSE_END.finditer(text))):
        rest = text[m.end() :].strip()
        if rest and _is_header(rest):
            cells[0].text = rest
            return text[: m.end()].strip()
    return ""


def _style(lines: Sequence[_SepLine]) -> tuple[bool, bool, int]:
    """(rows start with a separator, rows end with one, widest row) of a page's lines."""
    if not lines:
        return False, False, 0
    bordered = sum(line.lead for line in lines) * 2 > len(lines)
    trail = sum(line.trail for line in lines) * 2 > len(lines)
    return bordered, trail, max(len(line.cells) for line in lines)


# pipe ----------------------------------------------------------------------------------------

_SEPARATORS = "|│┃║｜"
_SEP = re.compile(r"(?<!\\)[|│┃║｜]")
_BORDER_CHARS = frozenset("-=+:|│┃║｜─━═┼╋╬├┤┌┐└┘┬┴╔╗╚╝╠╣╦╩╪╫╞╡╟╢┠┨┯┷┏┓┗┛┣┫┳┻╀╁╂╃╄╅╆╇╈╉╊~_. \t")
_DASHES = frozenset("-─━═=~_")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _is_border(text: str) -> bool:
    text = text.strip()
    return (
        len(text) >= 3
        and all(ch in _BORDER_CHARS for ch in text)
        and any(ch in _DASHES for ch in text)
    )


def _pipe_cell(text: str) -> str:
    text = text.replace("\\|", "|")
    text = _BR.sub("\n", text)
    if "&" in text:
        text = html.unescape(text)
    return _clean_cell(text)


def _pipe_line(raw: _Raw, *, bordered: bool = True) -> _SepLine | None:
    """The cells of a line with separators; None for a line without (or a border).

    In a bordered table (rows start with ``|``) the bar at the start of a line opens the
    first cell; elsewhere it closes an empty first cell.  A bar at the end closes the last.
    """
    text = raw.stripped
    if not text or _is_border(text) or _SEP.search(text) is None:
        return None
    lead = text[0] in _SEPARATORS
    trail = text[-1] in _SEPARATORS and not text[:-1].endswith("\\")
    pieces = _SEP.split(text)
    if lead and bordered:
        pieces = pieces[1:]
    if trail and pieces:
        pieces = pieces[:-1]
    if not pieces:
        return None
    return _SepLine(raw, [_pipe_cell(p) for p in pieces], lead, trail)


def _pipe_items(page: Sequence[_Raw]) -> list[_Item]:
    lines = [raw.stripped for raw in page]
    with_bars = [t for t in lines if t and not _is_border(t) and _SEP.search(t)]
    bordered = sum(t[0] in _SEPARATORS for t in with_bars) * 2 > len(with_bars)
    items: list[_Item] = []
    for raw, text in zip(page, lines, strict=True):
        if not text:
            items.append(_BLANK)
        elif _is_border(text):
            items.append(_BORDER)
        else:
            items.append(_pipe_line(raw, bordered=bordered) or raw)
    return items


def _grid_mode(items: list[_Item]) -> list[_Item]:
    """Tables that draw a border under every row: the lines between two borders are one
    row, a cell's lines being the pieces of its column.  Other items are returned as are."""
    marks = [k for k, item in enumerate(items) if item is _BORDER or isinstance(item, _SepLine)]
    if not marks:
        return items
    first, last = marks[0], marks[-1]
    groups: list[list[_SepLine]] = [[]]
    for item in items[first : last + 1]:
        if item is _BORDER:
            if groups[-1]:
                groups.append([])
        elif isinstance(item, _SepLine):
            groups[-1].append(item)
        elif isinstance(item, _Raw):
            return items  # text between the rows: not a drawn grid
    groups = [g for g in groups if g]
    if len(groups) < 3 or all(len(g) == 1 for g in groups):
        return items
    joined: list[_Item] = []
    for group in groups:
        joined.extend((_join_group(group), _BORDER))
    return [*items[:first], *joined, *items[last + 1 :]]


def _join_group(lines: Sequence[_SepLine]) -> _SepLine:
    width = max(len(line.cells) for line in lines)
    columns: list[list[str]] = [[] for _ in range(width)]
    for line in lines:
        for k, text in enumerate(line.cells):
            if text:
                columns[k].append(text)
    first = lines[0]
    return _SepLine(first.raw, ["\n".join(c) for c in columns], first.lead, True)


def pipe_grids(source: TextSource) -> list[Grid]:
    """The tables of a text whose cells are separated by ``|`` (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        items = _grid_mode(_pipe_items(page))
        sep_lines = [item for item in items if isinstance(item, _SepLine)]
        if not sep_lines:
            continue
        bordered, trail, full = _style(sep_lines)
        assembler = _SepAssembler(source.name, bordered=bordered, trail_style=trail, full=full)
        assembler.feed(items)
        grids.extend(assembler.grids)
    return grids


# tsv -----------------------------------------------------------------------------------------

_QUOTED_LINES = 20  # a quoted cell may run over this many lines at most


def _split_quoted(text: str) -> list[tuple[str, int]] | None:
    """Tab-separated fields with spreadsheet quoting, each with the offset where it starts;
    None when a quote is left open."""
    cells: list[tuple[str, int]] = []
    pos = 0
    while True:
        if text.startswith('"', pos):
            out: list[str] = []
            k = pos + 1
            while True:
                end = text.find('"', k)
                if end < 0:
                    return None
                out.append(text[k:end])
                if text.startswith('"', end + 1):
                    out.append('"')
                    k = end + 2
                    continue
                k = end + 1
                break
            tab = text.find("\t", k)
            rest = text[k:] if tab < 0 else text[k:tab]
            cells.append(("".join(out) + rest, pos))
            if tab < 0:
                return cells
            pos = tab + 1
        else:
            tab = text.find("\t", pos)
            if tab < 0:
                cells.append((text[pos:], pos))
                return cells
            cells.append((text[pos:tab], pos))
            pos = tab + 1


def _tsv_items(page: Sequence[_Raw]) -> list[_Item]:
    items: list[_Item] = []
    k = 0
    while k < len(page):
        raw = page[k]
        if not raw.stripped:
            items.append(_BLANK)
            k += 1
            continue
        if "\t" not in raw.text:
            items.append(_Raw(raw.number, raw.page, raw.stripped))
            k += 1
            continue
        cells = raw.text.split("\t")
        numbers: list[int] | None = None
        used = 1
        if '"' in raw.text:
            buffer = raw.text
            for extra in range(_QUOTED_LINES):
                quoted = _split_quoted(buffer)
                if quoted is not None:
                    cells = [cell for cell, _ in quoted]
                    numbers = [raw.number + buffer.count("\n", 0, at) for _, at in quoted]
                    used = extra + 1
                    break
                if k + extra + 1 >= len(page):
                    break
                buffer += "\n" + page[k + extra + 1].text
        items.append(_SepLine(raw, [_clean_cell(c) for c in cells], numbers=numbers))
        k += used
    return items


def tsv_grids(source: TextSource) -> list[Grid]:
    """The tables of a text whose cells are separated by tabs (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        items = _tsv_items(page)
        sep_lines = [item for item in items if isinstance(item, _SepLine)]
        if not sep_lines:
            continue
        full = max(len(line.cells) for line in sep_lines)
        assembler = _SepAssembler(source.name, bordered=False, trail_style=False, full=full)
        assembler.feed(items)
        grids.extend(assembler.grids)
    return grids


# spaces --------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d+)?$")


def _space_items(page: Sequence[_Raw]) -> list[_Item]:
    items: list[_Item] = []
    seen_header = False
    lines = list(page)
    k = 0
    while k < len(lines):
        raw = lines[k]
        k += 1
        text = raw.stripped
        if not text:
            items.append(_BLANK)
            continue
        seen_header = seen_header or _spaced_header(text)
        cells = _bracketed(_WS.split(text))
        last = items[-1] if items else None
        if len(cells) == 1 and isinstance(last, _SepLine):
            if _NUMBER.match(text):
                last.cells.append(text)  # a weight or score wrapped onto the next line
                continue
            if _label_level(last.cells[-1] + text) is not None:
                last.cells[-1] += text  # a label broken over lines (经济效益 / 指标)
                items.append(_BLANK)  # a row of labels heads the rows below: it is whole
                continue
        if len(cells) == 1 and k < len(lines):
            following = lines[k].stripped
            if " " not in following and _label_level(text + following) is not None:
                text, k = text + following, k + 1  # 社会效益 / 指标 on lines of their own
        if len(cells) == 1 and _label_level(text) is not None:
            items.extend((_SepLine(raw, [text]), _BLANK))  # a label heading the rows below
            continue
        sign_off = seen_header and SIGN_OFF.search(text)
        if len(cells) < 2 or "\t" in raw.text or _SEP.search(text) or sign_off:
            items.append(_Raw(raw.number, raw.page, text))
        else:
            items.append(_SepLine(raw, cells))
    return items


def _bracketed(words: list[str]) -> list[str]:
    """Words inside brackets stay one cell (``数量( ≥**个 )``)."""
    out: list[str] = []
    for word in words:
        if out and bracket_depth(out[-1]):
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def _spaced_header(text: str) -> bool:
    """A line whose whitespace-separated words include three header words."""
    return sum(1 for word in _WS.split(text.strip()) if _is_header(word)) >= 3


def spaces_grids(source: TextSource) -> list[Grid]:
    """The tables of a text whose cells are separated by single spaces (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        if not any(_spaced_header(raw.text) for raw in page):
            continue
        items = _space_items(page)
        sep_lines = [item for item in items if isinstance(item, _SepLine)]
        if not sep_lines:
            continue
        full = max(len(line.cells) for line in sep_lines)
        assembler = _SepAssembler(source.name, bordered=False, trail_style=False, full=full)
        assembler.feed(items)
        grids.extend(assembler.grids)
    return grids


# bar-cells -----------------------------------------------------------------------------------

_BAR_LINE = re.compile(r"^(.*?)\s*\|((?:\s*\|)*)\s*$")


@dataclass(frozen=True, slots=True)
class _BarItem:
    cell: _TCell | None  # None: no cell on the line (a row end)
    ends_row: bool


def _bar_items(page: Sequence[_Raw]) -> list[_BarItem | _Raw]:
    out: list[_BarItem | _Raw] = []
    for raw in page:
        text = raw.stripped
        if not text:
            continue
        m = _BAR_LINE.match(text)
        if m is None or _SEP.search(m.group(1)):
            out.append(raw)
            continue
        cell_text, more = m.group(1).strip(), m.group(2).count("|")
        if not cell_text and more:
            out.append(_BarItem(None, True))  # ||||: the row's remaining cells, empty
            continue
        out.append(_BarItem(_TCell(cell_text, raw.number, raw.page), more > 0))
    return out


def _cell_type(text: str) -> str:
    if not text:
        return "e"
    if _is_value(text):
        return "v"
    return "t"


def _likeness(cells: Sequence[str], width: int) -> float:
    """How alike the cells of each column are when the stream is cut every ``width`` cells."""
    if width <= 0:
        return float("-inf")
    rows = [cells[k : k + width] for k in range(0, len(cells) - width + 1, width)]
    if len(rows) < 2:
        return float("-inf")
    total = 0.0
    for j in range(width):
        types = [_cell_type(r[j]) for r in rows]
        total += max(types.count(t) for t in set(types)) / len(types)
    return total / width


def _header_word(text: str) -> bool:
    """A header cell: a header word of the text readers or a column the interpreter knows
    (实际完成值, 得分, 偏差原因 …)."""
    from jixiao.ingest._read.columns import _classify

    return _is_header(text) or _classify(text) is not None


def _is_table_start(text: str) -> bool:
    from jixiao.ingest._read.columns import _field_key

    return _is_title(text) or _field_key(text) == "name"


class _BarRows:
    """Rows of a bar-cells stream, cut at row ends or by the header's width."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.grids: list[Grid] = []
        self.title: list[str] = []
        self.rows: list[list[_TCell]] = []
        self.row: list[_TCell] = []

    def end_row(self) -> None:
        if self.row:
            self.rows.append(self.row)
        self.row = []

    def finish(self) -> None:
        self.end_row()
        if self.rows:
            width = max(len(r) for r in self.rows)
            rows = [
                r + [_TCell("", r[-1].number, r[-1].page)] * (width - len(r)) for r in self.rows
            ]
            self.grids.append(_grid(rows, self.title, self.name, aligned=False))
        self.rows = []
        self.title = []

    def read(self, items: Sequence[_BarItem | _Raw]) -> None:
        k = 0
        while k < len(items):
            item = items[k]
            if isinstance(item, _Raw):
                self.end_row()
                if self.rows:
                    self.finish()
                self.title.append(item.stripped)
                k += 1
                continue
            if (
                item.cell is not None
                and _header_word(item.cell.text)
                and self._header_run(items, k)
            ):
                k = self._body(items, k)
                continue
            if item.cell is not None:
                if self.rows and not self.row and _is_title(item.cell.text):
                    self.finish()
                self.row.append(item.cell)
            if item.ends_row:
                self.end_row()
            k += 1
        self.finish()

    @staticmethod
    def _header_run(items: Sequence[_BarItem | _Raw], k: int) -> int:
        """Header-word cells from k on (0 below three)."""
        n = 0
        while k + n < len(items):
            item = items[k + n]
            if not isinstance(item, _BarItem) or item.cell is None:
                break
            if not _header_word(item.cell.text):
                break
            n += 1
            if item.ends_row:
                break
        if n < 3:
            return 0
        from jixiao.ingest._read.columns import _classify, _header_kind

        texts = [i.cell.text for i in items[k : k + n] if isinstance(i, _BarItem) and i.cell]
        roles = {found[0] for t in texts if (found := _classify(t)) is not None}
        return n if _header_kind(roles) is not None else 0

    def _body(self, items: Sequence[_BarItem | _Raw], k: int) -> int:
        """Read the header at k and the rows under it; the index after them."""
        run = self._header_run(items, k)
        lead = list(self.row)  # cells of the header's row before its first word
        self.row = []
        header = [i.cell for i in items[k : k + run] if isinstance(i, _BarItem) and i.cell]
        last = items[k + run - 1]
        ended = isinstance(last, _BarItem) and last.ends_row
        # Lead cells that are empty belong to the header's row (a merged column's cell).
        empties = [c for c in lead if not c.text]
        lead = [c for c in lead if c.text]
        if lead:
            self.rows.append(lead)
        stream: list[_BarItem] = []
        j = k + run
        while j < len(items):
            item = items[j]
            if isinstance(item, _Raw):
                break
            if item.cell is not None and stream and _is_table_start(item.cell.text):
                break
            if (
                item.cell is not None
                and _header_word(item.cell.text)
                and self._header_run(items, j)
            ):
                break
            stream.append(item)
            j += 1
        marked = sum(1 for i in stream if i.ends_row) >= 2 or (
            ended and any(i.ends_row for i in stream)
        )
        self.rows.append(empties + header)
        if marked:
            for i in stream:
                if i.cell is not None:
                    self.row.append(i.cell)
                if i.ends_row:
                    self.end_row()
            self.end_row()
            return j
        cells = [i.cell for i in stream if i.cell is not None]
        texts = [c.text for c in cells]
        widths = {len(header), len(header) - 1, len(header) + len(empties)}
        width = max(sorted(widths), key=lambda w: (_likeness(texts, w), w == len(header)))
        if width <= 0:
            return j
        if width == len(header) - 1 and not empties:
            # The first header word is a group label over the rest (绩效指标 | 指标 | …).
            self.rows[-1] = header[1:]
            self.title.append(header[0].text)
        for at in range(0, len(cells), width):
            self.rows.append(cells[at : at + width])
        return j


def bar_cells_grids(source: TextSource) -> list[Grid]:
    """The tables of a text with one cell per line ending with ``|`` (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        rows = _BarRows(source.name)
        rows.read(_bar_items(page))
        grids.extend(rows.grids)
    return grids


# -- columns aligned with spaces -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int  # display column where the text starts
    end: int  # display column after its last character
    text: str


def _width(ch: str, cjk_wide: bool) -> int:
    if unicodedata.combining(ch):
        return 0
    if cjk_wide and unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _segments(text: str, cjk_wide: bool) -> list[_Segment]:
    """Runs of text separated by two or more spaces (or a tab), in display columns."""
    out: list[_Segment] = []
    x = 0
    start = last_end = -1
    chars: list[str] = []
    gap = 0  # white space characters since the last text character
    gap_text: list[str] = []
    for ch in text:
        if ch == "\t":
            gap += 2
            x = (x // 8 + 1) * 8
            continue
        if ch.isspace():
            gap += 1
            gap_text.append(" ")
            x += _width(ch, cjk_wide)
            continue
        if chars and gap >= 2:
            out.append(_Segment(start, last_end, "".join(chars)))
            chars = []
        elif chars and gap:
            chars.extend(gap_text)
        if not chars:
            start = x
        chars.append(ch)
        gap = 0
        gap_text = []
        x += _width(ch, cjk_wide)
        last_end = x
    if chars:
        out.append(_Segment(start, last_end, "".join(chars)))
    return out


@dataclass
class _Layout:
    columns: list[tuple[int, int]]  # [start, end) display columns
    lines: list[tuple[_Raw, list[_Segment]]]
    clean: float  # share of cells (of lines with two or more) alone in one column
    cjk_wide: bool  # CJK characters measured as two columns


def _columns_of(lines: Sequence[tuple[_Raw, list[_Segment]]]) -> list[tuple[int, int]]:
    multi = [segs for _, segs in lines if len(segs) >= 2]
    if len(multi) < 2:
        return []
    # The lines of the table's body define the gaps; field lines (项目名称 and its value
    # across the table) and two-cell lines only when there are no others.
    body = [segs for segs in multi if len(segs) >= 3 and parse_fields(segs[0].text) is None]
    if len(body) >= 3:
        multi = body
    width = max(seg.end for segs in multi for seg in segs)
    coverage = [0] * (width + 1)
    for segs in multi:
        for seg in segs:
            for x in range(seg.start, seg.end):
                coverage[x] += 1
    # This many lines may run across a gap: a cell that fills its column and is followed by
    # a single space, or a spill.
    tolerance = max(1, len(multi) // 8) if len(multi) >= 5 else 0
    columns: list[tuple[int, int]] = []
    start = -1
    for x in range(width + 1):
        busy = coverage[x] > tolerance
        if busy and start < 0:
            start = x
        elif not busy and start >= 0:
            columns.append((start, x))
            start = -1
    # A column where no cell starts holds only the tails of long cells from the column
    # before (the gap between them was crossed by few lines): it is part of that column.
    # (Header words are centred over their columns: their starts do not count.)
    starts = [
        seg.start for segs in multi if not any(_is_header(seg.text) for seg in segs) for seg in segs
    ]
    merged: list[tuple[int, int]] = []
    for a, b in columns:
        since = merged[-1][1] if merged else 0
        if merged and not any(since <= x < b for x in starts):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    columns = merged
    # The header line (the line with the most header words) holding two words in one column
    # shows a boundary the gaps missed.
    header = max(
        (segs for _, segs in lines if len(segs) >= 2),
        key=lambda segs: sum(_is_header(seg.text) for seg in segs),
    )
    if columns and sum(_is_header(seg.text) for seg in header) >= 2:
        # A header word right of every column heads a column empty in every row (备注).
        for seg in header:
            if _is_header(seg.text) and seg.start >= columns[-1][1]:
                columns.append((seg.start, seg.end))
        for k in range(len(columns) - 1, -1, -1):
            inside = [seg for seg in header if _place(seg, columns)[0] == k]
            a, b = columns[k]
            cuts = [seg.start for seg in inside[1:] if a < seg.start < b]
            if cuts:
                edges = [a, *cuts, b]
                columns[k : k + 1] = [(edges[j], edges[j + 1]) for j in range(len(edges) - 1)]
    return columns


def _place(seg: _Segment, columns: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(first column, number of columns) of a segment."""
    hit = [k for k, (a, b) in enumerate(columns) if seg.start < b and seg.end > a]
    if not hit:  # in a gap: the nearest column
        nearest = min(
            range(len(columns)),
            key=lambda k: max(0, columns[k][0] - seg.end, seg.start - columns[k][1]),
        )
        return nearest, 1
    return hit[0], hit[-1] - hit[0] + 1


def _layout(lines: Sequence[_Raw], cjk_wide: bool) -> _Layout:
    segmented = [(raw, _segments(raw.text, cjk_wide)) for raw in lines]
    columns = _columns_of(segmented)
    multi = [segs for _, segs in segmented if len(segs) >= 2]
    if not columns or not multi:
        return _Layout(columns, segmented, 0.0, cjk_wide)
    # How well the columns separate the cells: per line, the columns that hold exactly one
    # cell, and that cell in that column only (columns lumped together score less).
    fit = 0
    for segs in multi:
        places = [_place(s, columns) for s in segs]
        firsts = [col for col, _ in places]
        fit += sum(1 for col, span in places if span == 1 and firsts.count(col) == 1)
    clean = fit / sum(len(segs) for segs in multi)
    return _Layout(columns, segmented, clean, cjk_wide)


def _split_spilled(
    seg: _Segment, columns: Sequence[tuple[int, int]], cjk_wide: bool
) -> list[_Segment]:
    """A segment across two columns split at a single space where the next column starts
    (``pdftotext`` leaves one space between cells when a cell fills its column)."""
    col, span = _place(seg, columns)
    if span < 2 or " " not in seg.text:
        return [seg]
    # Display position of every space in the segment.
    spaces: list[tuple[int, int]] = []  # (index in text, display column)
    x = seg.start
    for k, ch in enumerate(seg.text):
        if ch == " ":
            spaces.append((k, x))
        x += _width(ch, cjk_wide)
    pieces: list[_Segment] = []
    start_index, start_x = 0, seg.start
    for boundary in (columns[c][0] for c in range(col + 1, col + span)):
        near = [(k, at) for k, at in spaces if k > start_index and abs(at + 1 - boundary) <= 3]
        if not near:
            continue
        k, at = min(near, key=lambda item: abs(item[1] + 1 - boundary))
        pieces.append(_Segment(start_x, at, seg.text[start_index:k]))
        start_index, start_x = k + 1, at + 1
    pieces.append(_Segment(start_x, seg.end, seg.text[start_index:]))
    return [p for p in pieces if p.text.strip()]


def _row_cells(raw: _Raw, segs: Sequence[_Segment], layout: _Layout) -> list[_TCell]:
    cells: dict[int, _TCell] = {}
    for whole in segs:
        for seg in _split_spilled(whole, layout.columns, layout.cjk_wide):
            col, span = _place(seg, layout.columns)
            if col in cells:
                cells[col].text += " " + seg.text
                cells[col].colspan = max(cells[col].colspan, span)
            else:
                cells[col] = _TCell(seg.text, raw.number, raw.page, col=col, colspan=span)
    return [cells[k] for k in sorted(cells)]


def _line_kind(raw: _Raw, cells: Sequence[_TCell]) -> str:
    """field, header, title, anchor (a line with a value: the baseline of a table row) or
    fragment (a piece of a cell printed above or below its row's baseline)."""
    if parse_fields(cells[0].text) is not None or parse_fields(raw.stripped) is not None:
        return "field"
    headers = sum(_is_header(c.text) for c in cells)
    if headers == len(cells) or (headers >= 3 and headers * 3 >= len(cells) * 2):
        return "header"  # (a long header such as 偏差原因分析及改进措施 among header words)
    if len(cells) == 1 and _is_title(cells[0].text):
        return "title"
    if any(_is_value(c.text) and not _SEQ_NUMBER.match(fold(c.text)) for c in cells):
        return "anchor"
    return "fragment"


_FRAGMENT_REACH = 3  # lines a fragment may be from its row's baseline


def _merge_lines(lines: Sequence[tuple[_Raw, list[_TCell]]]) -> list[_TCell]:
    """One row from lines: the cells of each column joined top to bottom."""
    cells: dict[int, _TCell] = {}
    for raw, line_cells in sorted(lines, key=lambda item: item[0].number):
        for cell in line_cells:
            col = cell.col or 0
            if col in cells:
                cells[col].text += "\n" + cell.text
                cells[col].colspan = max(cells[col].colspan, cell.colspan)
            else:
                cells[col] = _TCell(cell.text, raw.number, raw.page, col=col, colspan=cell.colspan)
    return [cells[k] for k in sorted(cells)]


def _attach(
    fragment: tuple[_Raw, list[_TCell]],
    above: tuple[_Raw, list[_TCell]] | None,
    below: tuple[_Raw, list[_TCell]] | None,
) -> int | None:
    """Which neighbouring baseline a fragment belongs to: 0 above, 1 below, None neither.

    The nearer wins; at the same distance the one whose own line leaves the fragment's
    columns empty (a cell centred on that row's baseline); then the one above (a merged
    cell printed between its rows covers the rows below it).
    """
    raw, cells = fragment
    options: list[tuple[int, int, int]] = []  # (distance, misfit, which)
    for which, anchor in ((0, above), (1, below)):
        if anchor is None:
            continue
        distance = abs(anchor[0].number - raw.number)
        if distance > _FRAGMENT_REACH:
            continue
        taken = {k for c in anchor[1] for k in range(c.col or 0, (c.col or 0) + c.colspan)}
        misfit = int(any((c.col or 0) in taken for c in cells))
        options.append((distance, misfit, which))
    return min(options)[2] if options else None


def _block_rows(block: Sequence[tuple[_Raw, list[_TCell], str]]) -> list[list[_TCell]]:
    """Rows of a run of baselines and fragments: each fragment goes to a baseline."""
    anchors = [k for k, (_, _, kind) in enumerate(block) if kind == "anchor"]
    if not anchors:
        return [_merge_lines([(raw, cells)]) for raw, cells, _ in block]
    groups: dict[int, list[tuple[_Raw, list[_TCell]]]] = {k: [block[k][:2]] for k in anchors}
    alone: dict[int, list[tuple[_Raw, list[_TCell]]]] = {}
    # A cell centred on its row's baseline: its lines just above and just below the
    # baseline, in a column the baseline leaves empty, belong to that row.
    placed: set[int] = set()
    for a in anchors:
        if a == 0 or a + 1 >= len(block) or block[a - 1][2] != "fragment":
            continue
        if block[a + 1][2] != "fragment" or a - 1 in placed:
            continue
        above, line, below = block[a - 1], block[a], block[a + 1]
        if below[0].number - line[0].number != 1 or line[0].number - above[0].number != 1:
            continue
        taken = {c.col for c in line[1]}
        if {c.col for c in above[1]} & {c.col for c in below[1]} - taken:
            groups[a].extend([above[:2], below[:2]])
            placed.update((a - 1, a + 1))
    for k, (raw, cells, kind) in enumerate(block):
        if kind == "anchor" or k in placed:
            continue
        up = max((a for a in anchors if a < k), default=None)
        down = min((a for a in anchors if a > k), default=None)
        which = _attach(
            (raw, cells),
            None if up is None else block[up][:2],
            None if down is None else block[down][:2],
        )
        if which is None:
            alone[k] = [(raw, cells)]
        else:
            target = up if which == 0 else down
            assert target is not None
            groups[target].append((raw, cells))
    # Rows in the order of their baselines (fragments left alone in their own place).
    order = sorted([*groups, *alone])
    return [_merge_lines(groups[k] if k in groups else alone[k]) for k in order]


_HEADER_REACH = 2  # lines above or below a header line that may hold the rest of its words


def _extend_headers(lines: list[tuple[_Raw, list[_TCell], str]]) -> None:
    """Header cells wrapped over lines (``序号（`` / ``代码）``, ``2024年目标`` / ``值``): the
    lines next to a header line whose pieces complete header words become header lines."""

    def adjacent(lo: int, hi: int) -> bool:
        return all(lines[j + 1][0].number - lines[j][0].number == 1 for j in range(lo, hi - 1))

    k = 0
    while k < len(lines):
        if lines[k][2] != "header":
            k += 1
            continue
        end = k + 1
        while end < len(lines) and lines[end][2] == "header":
            end += 1
        best = (0, 0)
        for up in range(_HEADER_REACH + 1):
            for down in range(_HEADER_REACH + 1):
                lo, hi = k - up, end + down
                if up + down <= sum(best) or lo < 0 or hi > len(lines) or not adjacent(lo, hi):
                    continue
                # (``2024年目标`` reads as a value: any line but a field or a title may be
                # the rest of the header; all columns must then read as header words.)
                if any(lines[j][2] in ("field", "title") for j in (*range(lo, k), *range(end, hi))):
                    continue
                merged = _merge_lines([(raw, cells) for raw, cells, _ in lines[lo:hi]])
                if all(_is_header(cell.text) for cell in merged):
                    best = (up, down)
        for j in (*range(k - best[0], k), *range(end, end + best[1])):
            lines[j] = (lines[j][0], lines[j][1], "header")
        k = end + best[1]


def _columns_region(region: Sequence[_Raw], title: list[str], name: str) -> Grid | None:
    layout = max((_layout(region, True), _layout(region, False)), key=lambda lay: lay.clean)
    if not layout.columns:
        return None
    head: list[str] = []
    lines: list[tuple[_Raw, list[_TCell], str]] = []
    for raw, segs in layout.lines:
        if not segs:
            continue
        if not lines and len(segs) < 2:
            head.append(raw.stripped)  # text above the table's first line of cells
            continue
        cells = _row_cells(raw, segs, layout)
        lines.append((raw, cells, _line_kind(raw, cells)))
    _extend_headers(lines)
    rows: list[list[_TCell]] = []
    k = 0
    while k < len(lines):
        kind = lines[k][2]
        end = k + 1
        if kind in ("header", "anchor", "fragment"):
            same = ("header",) if kind == "header" else ("anchor", "fragment")
            while end < len(lines) and lines[end][2] in same:
                end += 1
        if kind == "header":  # a header printed over several lines is one row
            rows.append(_merge_lines([(raw, cells) for raw, cells, _ in lines[k:end]]))
        elif kind in ("anchor", "fragment"):
            rows.extend(_block_rows(lines[k:end]))
        else:
            rows.append(lines[k][1])
        k = end
    if not rows:
        return None
    return _grid(rows, [*title, *head], name, aligned=True)


def _columns_page(page: Sequence[_Raw], name: str) -> list[Grid]:
    grids: list[Grid] = []
    title: list[str] = []
    region: list[_Raw] = []
    has_cells = False  # the region has a line of two or more cells

    def flush(next_title: list[str]) -> None:
        nonlocal title, region, has_cells
        grid = _columns_region(region, title, name) if has_cells else None
        if grid is not None:
            grids.append(grid)
            title = next_title
        else:  # no table: its lines are text above the next one
            title = [*title, *(r.stripped for r in region if r.stripped), *next_title]
        region = []
        has_cells = False

    for raw in page:
        multi = len(_segments(raw.text, True)) >= 2
        if has_cells and not multi and _is_title(raw.stripped):
            flush([raw.stripped])  # the title of the next table on the page
            continue
        region.append(raw)
        has_cells = has_cells or multi
    flush([])
    return grids


def columns_grids(source: TextSource) -> list[Grid]:
    """The tables of a text whose columns are aligned with spaces (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        grids.extend(_columns_page(page, source.name))
    return grids


# -- one cell per line or per paragraph ----------------------------------------------------


@dataclass
class _Cell:
    text: str
    raw: _Raw
    row_break: bool = False  # a blank line before it ends the row (rows by blank lines)


def _blocks(page: Sequence[_Raw]) -> list[list[_Raw]]:
    blocks: list[list[_Raw]] = [[]]
    for raw in page:
        if raw.stripped:
            blocks[-1].append(_Raw(raw.number, raw.page, raw.stripped))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _cell_sequence(page: Sequence[_Raw]) -> list[_Cell]:
    blocks = _blocks(page)
    multi = [b for b in blocks if len(b) >= 2]
    if not multi:
        return [_Cell(b[0].text, b[0]) for b in blocks]
    # Rows by blank lines (a block holds a row: several cells, values among them) or cells by
    # blank lines (a block is one cell, wrapped; a value stands in a block of its own).
    rows_by_blanks = sum(any(_is_value(raw.text) for raw in b) for b in multi)
    single_values = sum(1 for b in blocks if len(b) == 1 and _is_value(b[0].text))
    if rows_by_blanks * 2 >= rows_by_blanks + single_values and rows_by_blanks:
        return [_Cell(raw.text, raw, row_break=k == 0) for b in blocks for k, raw in enumerate(b)]
    return [_Cell("\n".join(raw.text for raw in b), b[0]) for b in blocks]


# Words of a row's own columns (指标方向, 指标值类型), never a row's start.
_TRAILING_WORDS = frozenset("正向 反向 中性 正向指标 反向指标 中性指标 定量 定性".split())  # noqa: SIM905


@functools.lru_cache(maxsize=16384)
def _kind(text: str) -> str:
    """What a cell is: title, header, value, l1, l2, word (定量, 正向), field, field+value,
    or text (a name, a goal, anything else)."""
    if _is_title(text):
        return "title"
    if _is_header(text):
        return "header"
    if _is_value(text):
        return "value"
    level = _label_level(text)
    if level is not None:
        return f"l{level}"
    if fold(text) in _TRAILING_WORDS:
        return "word"
    joined = _joined(text)
    fields = parse_fields(joined) if len(joined) <= 200 else None
    if fields is not None:
        return "field" if all(not v for v in fields.values()) else "field+value"
    return "text"


_SEQ_NUMBER = re.compile(r"^\d{1,3}$")
_PERIOD_CELL = re.compile(r"^(?:半年|全年|年度|中长期|长期)(?:\(程\))?$")
_VALUE_WORD = re.compile(r"^(?:指标值|目标值)$")
_VALUE_HEADER = re.compile(r"指标值|目标值|计算符号|^符号$|半年|全年|长期|完成值")
_LEVEL_HEADER = re.compile(r"^(?:一级指标|二级指标|序号.*)$")


@dataclass(frozen=True, slots=True)
class _HeaderInfo:
    """What a header row tells the row splitter."""

    value_cells: int  # cells from the first value column to the end of a full row
    text_columns: int  # text columns (names) before the first value column


def _join_period_cells(row: list[tuple[_Cell, str]]) -> list[tuple[_Cell, str]]:
    """``半年（程）`` + ``指标值`` printed on two lines of one header cell are one cell."""
    out: list[tuple[_Cell, str]] = []
    for cell, kind in row:
        if out and _VALUE_WORD.match(fold(cell.text)) and _PERIOD_CELL.match(fold(out[-1][0].text)):
            first = out[-1][0]
            out[-1] = (_Cell(first.text + "\n" + cell.text, first.raw, first.row_break), kind)
        else:
            out.append((cell, kind))
    return out


def _header_info(row: Sequence[tuple[_Cell, str]]) -> _HeaderInfo | None:
    folded = [fold(cell.text) for cell, _ in row]
    first = next((k for k, f in enumerate(folded) if _VALUE_HEADER.search(f)), None)
    if first is None:
        return None
    # A group header (指标值 over 半年/全年) is no column of its own.
    value_cells = sum(
        1
        for k in range(first, len(folded))
        if not (
            _VALUE_WORD.match(folded[k])
            and k + 1 < len(folded)
            and _PERIOD_CELL.match(folded[k + 1])
        )
    )
    text_columns = sum(1 for f in folded[:first] if not _LEVEL_HEADER.match(f))
    return _HeaderInfo(value_cells, text_columns)


def _is_unit(text: str) -> bool:
    """A short word after a bare number: its unit (人次, 万元, %)."""
    joined = _joined(text)
    return 0 < len(joined) <= 4 and not any(ch.isdigit() for ch in joined)


class _CellRows:
    """Cells in reading order → rows (see the module doc), then grids split at titles."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.grids: list[Grid] = []
        self.title: list[str] = []
        self.rows: list[list[tuple[_Cell, str]]] = []
        self.grid_title: list[str] = []
        self.values = False  # the grid has a row with a value
        self.header: _HeaderInfo | None = None

    def finish(self) -> None:
        if self.rows:
            self._close_row()
            rows = [[_TCell(c.text, c.raw.number, c.raw.page) for c, _ in row] for row in self.rows]
            self.grids.append(_grid(rows, self.grid_title, self.name, aligned=False))
        self.rows = []
        self.values = False
        self.header = None

    def _close_row(self) -> None:
        """Last touches to the row just completed: wrapped header and name cells joined."""
        row = self.rows[-1]
        kinds = [k for _, k in row]
        if all(k == "header" for k in kinds):
            row[:] = _join_period_cells(row)
            self.header = _header_info(row) or self.header
            return
        if self.header is None or self.header.text_columns != 1 or "value" not in kinds:
            return
        # One name column: the text cells just before the values are one name, wrapped.
        end = kinds.index("value")
        start = end
        while start > 0 and kinds[start - 1] == "text":
            start -= 1
        if end - start >= 2:
            first = row[start][0]
            text = "\n".join(cell.text for cell, _ in row[start:end])
            row[start:end] = [(_Cell(text, first.raw, first.row_break), "text")]

    def _value_region_full(self, row: Sequence[tuple[_Cell, str]]) -> bool:
        kinds = [k for _, k in row]
        if self.header is None or "value" not in kinds:
            return False
        return len(kinds) - kinds.index("value") >= self.header.value_cells

    def _starts(self, row: list[tuple[_Cell, str]], kind: str, text: str) -> bool:
        """Whether a cell of this kind starts a new row after ``row``."""
        if not row:
            return True
        kinds = [k for _, k in row]
        if kinds[0] in ("title", "field+value"):
            return True
        if kinds[0] == "field":  # a field key takes one cell: its value
            return len(row) >= 2 or kind in ("field", "field+value", "header", "title", "l1", "l2")
        if all(k == "header" for k in kinds):
            return kind != "header"
        if kind in ("title", "field", "field+value", "header", "seq"):
            return True
        if "value" in kinds:
            if kind == "value":
                return False
            if self._value_region_full(row) or kind in ("l1", "l2"):
                return True
            folded = fold(text)
            if kind == "word":
                return False
            if self.header is not None:
                return len(folded) > 6  # a unit or a short word inside the row's value cells
            return not (_SEQ_NUMBER.match(fold(row[-1][0].text)) and _is_unit(text))
        if kind == "l1":
            return any(k not in ("l1", "seq") for k in kinds)
        if kind == "l2":
            return "text" in kinds or kinds.count("l2") >= 2
        return False

    def add(self, cell: _Cell) -> None:
        kind = _kind(cell.text)
        if kind == "title" and (self.values or not self.rows):
            self.finish()
            self.title.append(_joined(cell.text))
            return
        if not self.rows and kind in ("text", "value", "title"):
            self.title.append(_joined(cell.text))  # above the table
            return
        if not self.rows:
            self.grid_title = self.title[-TITLE_LINES:]
            self.title = []
        row = self.rows[-1] if self.rows else []
        if kind == "value" and _SEQ_NUMBER.match(fold(cell.text)):
            # A bare number where a row ends (after a header or a full row) is a row's number.
            kinds = [k for _, k in row]
            if row and (all(k == "header" for k in kinds) or self._value_region_full(row)):
                kind = "seq"
        if cell.row_break or self._starts(row, kind, cell.text):
            if self.rows:
                self._close_row()
            self.rows.append([(cell, kind)])
        else:
            row.append((cell, kind))
        if kind == "value":
            self.values = True


def cell_lines_grids(source: TextSource) -> list[Grid]:
    """The tables of a text with one cell per line or paragraph (see the module doc)."""
    grids: list[Grid] = []
    for page in _pages(_raw_lines(source.text)):
        rows = _CellRows(source.name)
        for cell in _cell_sequence(page):
            rows.add(cell)
        rows.finish()
        grids.extend(rows.grids)
    return grids


# -- sniffing ------------------------------------------------------------------------------


def _sample(source: TextSource) -> list[_Raw]:
    lines = _raw_lines(source.text[:1_000_000])
    return [line for line in lines[:_SNIFF_LINES] if line.stripped]


def _safe(sniff: Callable[[TextSource], float]) -> Callable[[TextSource], float]:
    def guarded(source: TextSource) -> float:
        try:
            return max(0.0, min(1.0, sniff(source)))
        except Exception:  # a sniffer never raises: it just does not recognise the text
            return 0.0

    guarded.__name__ = sniff.__name__
    guarded.__doc__ = sniff.__doc__
    return guarded


@_safe
def sniff_pipe(source: TextSource) -> float:
    """0.55–0.95 by the share of lines with ``|`` cells (x0.5 without table words); 0 below
    two such lines.  The seed has no ``|``."""
    lines = _sample(source)
    table = [line for line in lines if _pipe_line(line) is not None or _is_border(line.text)]
    cells = [line for line in lines if (p := _pipe_line(line)) is not None and len(p.cells) >= 2]
    if len(cells) < 2:
        return 0.0
    return _hint(source.text) * (0.55 + 0.4 * len(table) / len(lines))


@_safe
def sniff_tsv(source: TextSource) -> float:
    """0.55–0.95 by the share of lines with tab-separated cells (x0.5 without table words)."""
    lines = _sample(source)
    tabbed = [
        line
        for line in lines
        if "\t" in line.text and sum(1 for c in line.text.split("\t") if c.strip()) >= 2
    ]
    if len(tabbed) < 2:
        return 0.0
    return _hint(source.text) * (0.55 + 0.4 * len(tabbed) / len(lines))


@_safe
def sniff_columns(source: TextSource) -> float:
    """0.55–0.95 by the share of lines with two or more cells separated by runs of spaces and
    no ``|`` or tab (x0.5 without table words); 0 below three such lines."""
    lines = _sample(source)
    spaced = [
        line
        for line in lines
        if "\t" not in line.text
        and _SEP.search(line.text) is None
        and len(_segments(line.text, True)) >= 2
    ]
    if len(spaced) < 3:
        return 0.0
    return _hint(source.text) * (0.55 + 0.4 * len(spaced) / len(lines))


@_safe
def sniff_spaces(source: TextSource) -> float:
    """0.5–0.9 by the share of lines with three or more words separated by whitespace and no
    ``|`` or tab (x0.5 without table words); 0 without a line of three header words."""
    lines = _sample(source)
    if not any(_spaced_header(line.text) for line in lines):
        return 0.0
    spaced = [
        line
        for line in lines
        if "\t" not in line.text
        and _SEP.search(line.text) is None
        and len(_WS.split(line.stripped)) >= 3
    ]
    # Columns aligned with runs of spaces are the ``columns`` layout's: this one needs the
    # gaps between words to be mostly single spaces.
    gaps = [g for line in spaced for g in _GAP.findall(line.stripped)]
    if not gaps or sum(1 for g in gaps if g == " ") < _SINGLE_GAPS * len(gaps):
        return 0.0
    return _hint(source.text) * (0.5 + 0.4 * len(spaced) / len(lines))


_GAP = re.compile(r"(?<=\S)\s+(?=\S)")
_SINGLE_GAPS = 0.7  # share of single-space gaps a text with cells separated by spaces has


@_safe
def sniff_bar_cells(source: TextSource) -> float:
    """0.6–0.95 by the share of lines that are one cell ending with `` |`` (x0.5 without
    table words); 0 below ten such lines or without three header words in a row."""
    lines = _sample(source)
    items = _bar_items(lines)
    cells = [i for i in items if isinstance(i, _BarItem)]
    if len(cells) < 10:
        return 0.0
    if not any(_BarRows._header_run(items, k) for k in range(len(items))):
        return 0.0
    return _hint(source.text) * (0.6 + 0.35 * len(cells) / len(lines))


@_safe
def sniff_cell_lines(source: TextSource) -> float:
    """High when values stand on lines of their own and no line holds several cells: a
    label or name with values, or two values (the seed's value rows do:
    ``数量指标 ＝200人次 ＝461人次``).

    0.5 + 0.45 x (share of value lines that are a single value), times the share of lines
    without ``|``, tabs or space-aligned columns, x0.5 without table words; 0 below two
    single values.
    """
    lines = _sample(source)
    single = mixed = other = 0
    for line in lines:
        text = line.stripped
        if "\t" in line.text or _SEP.search(text) or len(_segments(line.text, True)) >= 2:
            other += 1
            continue
        if _is_value(text):
            single += 1
            continue
        head, values = split_trailing_values(text)
        if values and (head or len(values) >= 2):
            mixed += 1  # several cells on one line: a label or name with values, two values
    if single < 2:
        return 0.0
    plain = 1 - other / len(lines)
    return _hint(source.text) * plain * (0.5 + 0.45 * single / (single + mixed))


# -- readers -------------------------------------------------------------------------------

_DESCRIBE = {
    PIPE: "cells separated by |",
    TSV: "cells separated by tabs",
    COLUMNS: "columns aligned with spaces",
    CELL_LINES: "one cell per line",
    SPACES: "cells separated by spaces",
    BAR_CELLS: "one cell per line ending with |",
}


def _reader(layout: str, find: Callable[[TextSource], list[Grid]]) -> Callable[..., Document]:
    def read(source: TextSource, *, sha256: str) -> Document:
        from jixiao.ingest._read import read_grids

        found = find(source)
        if not found:
            first = next((line for line in _raw_lines(source.text) if line.stripped), None)
            if first is None:
                raise IngestError(source.name, "is empty: no performance target table in it")
            raise IngestError(
                source.name,
                f"is not a performance target table: found no table with {_DESCRIBE[layout]}",
                line=first.number,
                page=first.page,
            )
        return read_grids(found, file=source.name, sha256=sha256, layout=layout)

    read.__name__ = f"read_{layout.replace('-', '_')}"
    read.__doc__ = f"Read a text dump with {_DESCRIBE[layout]} (layout ``{layout}``)."
    return read


read_pipe = _reader(PIPE, pipe_grids)
read_tsv = _reader(TSV, tsv_grids)
read_columns = _reader(COLUMNS, columns_grids)
read_cell_lines = _reader(CELL_LINES, cell_lines_grids)
read_spaces = _reader(SPACES, spaces_grids)
read_bar_cells = _reader(BAR_CELLS, bar_cells_grids)

_Read = Callable[..., Document]
_Sniff = Callable[[TextSource], float]

LAYOUTS: dict[str, tuple[_Read, _Sniff]] = {
    PIPE: (read_pipe, sniff_pipe),
    TSV: (read_tsv, sniff_tsv),
    COLUMNS: (read_columns, sniff_columns),
    CELL_LINES: (read_cell_lines, sniff_cell_lines),
    SPACES: (read_spaces, sniff_spaces),
    BAR_CELLS: (read_bar_cells, sniff_bar_cells),
}
