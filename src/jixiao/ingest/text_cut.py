"""A text that stops in the middle of a row (a published excerpt cut off mid-row).

The readers keep every complete row, and report a last row that they read in part (a name
without its values, fewer cells than the rows above).  A cut that leaves only the first cell
or the first few characters of a row (``满``, ``满意度指标 |``) is dropped by the readers as
text that is no row at all; :func:`report_cut_tail` reports it, naming its line (and page):
the document is never refused for it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from jixiao.domain.model import Diagnostic, Document
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import TAXONOMY_2015, TAXONOMY_2021
from jixiao.ingest._text import TextSource, fold
from jixiao.ingest._vocab import SIGN_OFF
from jixiao.ingest.text_blocks import TRUNCATED

_NEWLINE = re.compile(r"\r\n|\r|\n")
_CELL_BREAK = re.compile(r"\s*[|｜\t]\s*|\s+")
_SHOWN_MAX = 30


@cache
def _labels() -> tuple[str, ...]:
    """Every level-1 and level-2 label (names and aliases) of both taxonomy versions."""
    out: set[str] = set()
    for taxonomy in (TAXONOMY_2021, TAXONOMY_2015):
        for category in taxonomy.categories:
            out.update(fold(label).replace(" ", "") for label in (category.name, *category.aliases))
    return tuple(sorted(out))


def _starts_a_row(first_cell: str) -> bool:
    """Whether a row's first cell is a category label or the beginning of one (满 of
    满意度指标): the start of an indicator row whose other cells were cut off."""
    cell = fold(first_cell).replace(" ", "")
    if not cell or SIGN_OFF.search(cell):
        return False
    return any(label.startswith(cell) or cell.startswith(label) for label in _labels())


def _lines_read(doc: Document) -> set[int]:
    """The lines that a row, a goal or a warning of the reading refers to."""
    places: list[Provenance | None] = [w.location for w in doc.warnings]
    for project in doc.projects:
        places.append(project.source)
        for indicator in project.indicators:
            places.append(indicator.source)
            places.extend(v.source for _, v in indicator.values())
    for table in doc.overall_targets:
        places.append(table.source)
        places.extend(g.source for g in table.goals)
    return {p.line for p in places if p is not None and p.line is not None}


def report_cut_tail(source: TextSource, doc: Document) -> Document:
    """``doc`` with an ``ingest.truncated`` warning when the text ends in the first cells of
    a row that no reader took (the rows read before it are kept as they are)."""
    if not any(p.indicators for p in doc.projects) and not any(
        t.goals for t in doc.overall_targets
    ):
        return doc
    lines = _NEWLINE.split(source.text)
    paged = "\f" in source.text
    number = len(lines)
    while number > 0 and not lines[number - 1].replace("\f", "").strip():
        number -= 1
    if number == 0:
        return doc
    raw = lines[number - 1]
    text = raw.split("\f")[-1].strip()
    read = _lines_read(doc)
    if not read or number <= max(read) or not text:
        return doc
    cells = [c for c in _CELL_BREAK.split(text) if c]
    if not cells or not _starts_a_row(cells[0]):
        return doc
    page = sum(line.count("\f") for line in lines[:number]) + 1
    shown = text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"
    warning = Diagnostic(
        TRUNCATED,
        f"文档在此结束，最后一行“{shown}”是不完整的指标行（只印出了开头），未导入；"
        "此前的各行已导入",
        Provenance(file=source.name, page=page if paged else None, line=number),
    )
    return replace(doc, warnings=(*doc.warnings, warning))
