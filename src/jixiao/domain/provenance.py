"""Provenance: the place in a source a value came from."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.domain._pickling import by_fields


@by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """A place in a source file: page and line for text and PDF, sheet and cell for workbooks.

    ``line`` is 1-based and counts lines of the file as read (for a PDF, of the page's text).
    """

    file: str
    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ", ".join(parts)
