"""Errors raised by readers."""

from __future__ import annotations


class IngestError(Exception):
    """Input that is not a performance table, or cannot be read at all.

    The message always names the file and, where known, the page and line.
    """

    def __init__(
        self, file: str, problem: str, *, line: int | None = None, page: int | None = None
    ) -> None:
        self.file = file
        self.problem = problem
        self.line = line
        self.page = page
        where = file
        if page is not None:
            where += f", page {page}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")
