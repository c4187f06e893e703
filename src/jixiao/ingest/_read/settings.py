"""Every tolerance and threshold of the grid interpreter."""

from __future__ import annotations

_MAX_SPAN = 256  # columns a merged cell may cover (bounds odd input)
_MAX_ROW_CELLS = 200  # cells of a ragged row aligned by content; more are reported unused
_MAX_SPLIT = 40  # cells of a ragged row tried as two rows run together
_HEADER_SCAN = 60  # rows of a new sheet searched for an indicator header


_HEADER_MAX = 24  # characters of a header cell (merged group headers joined)
