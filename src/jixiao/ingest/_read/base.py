"""What every stage shares: cell texts and the grid's rows."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from jixiao.domain.provenance import Provenance
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read.settings import ReadSettings
from jixiao.ingest._text import clean, join_wrapped

#: Warning code: an amount implausible for the unit it is printed in (3,309,840 万元, 0.9 元).
IMPLAUSIBLE_AMOUNT = "ingest.implausible-amount"

#: Warning code: a self-evaluation or monitoring table's columns of results that have no
#: place in the actuals (执行率, 自评等级 …) were seen and not imported.
ACTUALS_NOT_IMPORTED = "ingest.actuals-not-imported"
#: Warning code: a summary table (…汇总表, a list of projects with totals) was skipped.
SUMMARY_TABLE = "ingest.summary-table"


# -- cell texts ----------------------------------------------------------------------------


def _text(cell: GridCell) -> str:
    """A cell's text with wrapped lines joined (no separator between CJK text)."""
    return _joined(cell.text)


@functools.lru_cache(maxsize=65536)
def _joined(text: str) -> str:
    return join_wrapped(part for line in text.split("\n") if (part := clean(line)))


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


# -- rows of a grid ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of a grid: its own cells and, for aligned grids, what covers each column."""

    grid: int
    index: int
    own: tuple[GridCell, ...]  # cells that start in this row, in column order, non-empty
    cover: Mapping[int, GridCell]  # aligned grids: column (from the grid's first) → cell
    ragged: bool
    lo: int  # the grid's first column
    fallback: Provenance

    def col(self, cell: GridCell) -> int:
        return cell.col - self.lo

    def src(self, cell: GridCell) -> Provenance:
        return cell.source or self.fallback

    @property
    def first(self) -> Provenance:
        return self.src(self.own[0]) if self.own else self.fallback

    def texts(self) -> list[str]:
        return [_text(c) for c in self.own]


def _grid_rows(
    grid: Grid, gi: int, file: str, settings: ReadSettings, *, ragged: bool
) -> tuple[list[_Row], int]:
    """The non-empty rows of a grid and its width (columns)."""
    fallback = Provenance(file=file, page=grid.page, sheet=grid.sheet)
    cells = [c for c in grid.cells if _text(c)]
    if not cells:
        return [], 0
    by_row: dict[int, list[GridCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    row_ids = sorted(by_row)
    if ragged:
        rows = [
            _Row(gi, r, tuple(sorted(by_row[r], key=lambda c: c.col)), {}, True, 0, fallback)
            for r in row_ids
        ]
        return rows, max(len(r.own) for r in rows)
    lo = min(0, min(c.col for c in cells))
    hi = max(c.col + min(max(1, c.colspan), settings.max_span) for c in cells)
    cover: dict[int, dict[int, GridCell]] = {r: {} for r in row_ids}
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rowspan = max(1, cell.rowspan)
        colspan = min(max(1, cell.colspan), settings.max_span)
        start = bisect.bisect_left(row_ids, cell.row)
        end = bisect.bisect_left(row_ids, cell.row + rowspan)
        for r in row_ids[start:end]:
            line = cover[r]
            for k in range(cell.col - lo, cell.col - lo + colspan):
                line.setdefault(k, cell)
    rows = [
        _Row(gi, r, tuple(sorted(by_row[r], key=lambda c: c.col)), cover[r], False, lo, fallback)
        for r in row_ids
    ]
    return rows, hi - lo
