"""Tables as grids of cells: what the table readers (XLSX, XLS, DOCX, HTML, PDF, text dumps
with cell separators) produce, and what one interpreter turns into a ``Document``.

A reader's job ends at the grid: the cells of each table in reading order, each with the
text it shows, its place (row, column; spans for merged cells) and its provenance (file and
sheet/cell, or page and line).  Finding the structure — which rows are headers, which
columns hold level 1, level 2, names, target values, operators, units, weights, actuals —
is the interpreter's job (:func:`jixiao.ingest._read.read_grids`), using the domain
(header words, the taxonomy with its aliases, the value grammar), the same for every source.

Grids may be *ragged*: text dumps drop empty and merged cells, so a row can be shorter than
the header and shifted left; cells can be split across lines.  The interpreter must not
assume a rectangle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.domain.provenance import Provenance


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell as printed; a merged cell appears once, at its top-left place, with spans."""

    text: str  # the cell's text, lines joined with "\n", stripped
    row: int  # 0-based row in the grid
    col: int  # 0-based column in the grid (for ragged rows: the position in the row)
    rowspan: int = 1
    colspan: int = 1
    source: Provenance | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Grid:
    """One table: its cells, row by row, and where it is.

    ``title`` holds text printed just above the table (its caption, e.g. 项目支出绩效目标表
    and the unit/project lines), which often carries the table's name, unit and year.
    ``ragged`` says the reader could not keep columns aligned (text dumps): column numbers
    are then positions in the row, not places in a rectangle.
    """

    cells: tuple[GridCell, ...]
    title: tuple[str, ...] = ()
    page: int | None = None  # PDF page (1-based), when the table is on one page
    sheet: str | None = None  # workbook sheet
    ragged: bool = False

    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by row, in column order (merged cells only at their top row)."""
        out: dict[int, list[GridCell]] = {}
        for cell in self.cells:
            out.setdefault(cell.row, []).append(cell)
        return [sorted(out[r], key=lambda c: c.col) for r in sorted(out)]
