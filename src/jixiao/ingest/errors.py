"""Errors raised by readers."""

from __future__ import annotations

from jixiao.domain.messages import ingest_problem, place_text


class IngestError(Exception):
    """Input that is not a performance table, or cannot be read at all.

    The message, in Chinese, always names the file and, where known, the page and line:
    ``表.pdf 第 2 页：不是绩效目标表…``.  The readers may word ``problem`` in English; it
    is translated by the catalogue (:func:`jixiao.domain.messages.ingest_problem`).
    """

    def __init__(
        self, file: str, problem: str, *, line: int | None = None, page: int | None = None
    ) -> None:
        self.file = file
        self.problem = ingest_problem(problem)  # in Chinese (domain.messages)
        self.line = line
        self.page = page
        super().__init__(f"{place_text(file, page, line)}：{self.problem}")
