"""Every tolerance and threshold of the grid interpreter, in one settings object.

As pdfplumber's table finder takes its ``table_settings``, :func:`jixiao.ingest._read.read_grids`
takes a :class:`ReadSettings` and passes it to the stages that measure something (the
finder, the rows, the column alignment); the defaults are what every corpus is read with
and measured against.  The words the stages recognise are not settings: they are in the
one vocabulary module, :mod:`jixiao.ingest._vocab`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_SETTINGS", "ReadSettings"]


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """The interpreter's tolerances and thresholds (frozen and hashable: cached alignments
    are keyed by it)."""

    #: Columns a merged cell may cover (bounds odd input).
    max_span: int = 256
    #: Cells of a ragged row aligned by content; more are reported unused.
    max_row_cells: int = 200
    #: Cells of a ragged row tried as two rows run together (at least four).
    max_split: int = 40
    #: Rows of a new sheet searched for an indicator header: a sheet without one continues
    #: no table.
    header_scan: int = 60
    #: Characters of a header cell (merged group headers joined); longer text is no header
    #: word.
    header_max: int = 24
    #: Header cells of a row that heads another table (it ends the one being read).
    foreign_header_cells: int = 4
    #: Aligning a ragged row: the cost of leaving a cell in no column.
    unassigned_cost: float = 4.0
    #: Aligning a ragged row: the cost of skipping a name column (names are never merged:
    #: a row without one is rare).
    skip_name: float = 4.5
    #: … of skipping a target column.
    skip_target: float = 0.5
    #: … of skipping a work-item column (merged over several goals, so dropped more often
    #: than a goal).
    skip_work: float = 0.8
    #: … of skipping a goal column.
    skip_goal: float = 1.0


#: The settings every reader uses unless given others.
DEFAULT_SETTINGS = ReadSettings()
