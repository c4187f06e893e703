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

    def label(self) -> str:
        """The place as the interface shows it: ``seed.txt 第 2 页 第 119 行`` (the file's
        name without its folders)."""
        name = self.file.replace("\\", "/").rsplit("/", 1)[-1] or self.file
        parts = [name]
        if self.sheet is not None:
            parts.append(f"工作表 {self.sheet}")
        if self.cell is not None:
            parts.append(f"单元格 {self.cell}")
        if self.page is not None:
            parts.append(f"第 {self.page} 页")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        return " ".join(parts)
