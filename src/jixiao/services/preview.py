"""The import preview: the tables of a document as they will be stored, with each warning
placed beside the row (or table) it concerns.

Nothing here touches the database; :func:`jixiao.services.tables.preview_import` adds what
the database knows (a table already there, the same file imported before).

A warning is placed by its location (page/line for text and PDF, sheet/cell for
workbooks): on the row whose source or values share it; otherwise on the nearest row above
it on the same page or sheet (a line the reader left unused below a row belongs to the row
it follows); otherwise, when it lies between a table's title and its first row, on that
table; otherwise (no table before it on its page or sheet, or no place) on the document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.domain.messages import warning_label
from jixiao.domain.model import Diagnostic, Goal, Indicator, OverallTargets, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.workflow import Status
from jixiao.services.views import PlacedWarning, TableDetail, goal_view, indicator_view

_CELL_ROW = re.compile(r"[A-Za-z]*(\d+)")


def placed(w: Diagnostic) -> PlacedWarning:
    return PlacedWarning(w.code, warning_label(w.code), w.message, w.location)


# A position in a file that orders within one area: (area, row, 0).  A page of text or
# PDF is an area ordered by line; a workbook's sheet is one ordered by row (a cell's column
# does not matter: a row of the table is a row of the sheet).
_Key = tuple[str, int, int]


def _key(source: Provenance | None) -> _Key | None:
    if source is None:
        return None
    if source.sheet is not None or source.cell is not None:
        m = _CELL_ROW.fullmatch(source.cell or "")
        row = int(m.group(1)) if m else (source.line or 0)
        return (f"sheet:{source.sheet or ''}", row, 0)
    if source.page is None and source.line is None:
        return None
    return (f"page:{source.page or 0}", source.line or 0, 0)


def _row_keys(row: Indicator | Goal) -> set[_Key]:
    if isinstance(row, Indicator):
        sources = [row.source] + [
            v.source for v in (row.half_year, row.full_year, row.long_term) if v
        ]
    else:
        sources = [row.source] + ([row.target.source] if row.target is not None else [])
    return {k for k in map(_key, sources) if k is not None}


@dataclass(frozen=True, slots=True)
class _Anchor:
    key: _Key
    table: int
    row: int | None  # None: the table's own start


def place_warnings(
    tables: Sequence[Project | OverallTargets], warnings: Sequence[Diagnostic]
) -> tuple[
    dict[tuple[int, int], list[PlacedWarning]], dict[int, list[PlacedWarning]], list[PlacedWarning]
]:
    """Each warning on a row ``(table, row)``, on a table, or on the document."""
    exact: dict[_Key, tuple[int, int]] = {}
    anchors: list[_Anchor] = []
    for t, table in enumerate(tables):
        rows: Sequence[Indicator | Goal] = (
            table.indicators if isinstance(table, Project) else table.goals
        )
        start = _key(table.source)
        if start is not None:
            anchors.append(_Anchor(start, t, None))
        for r, row in enumerate(rows):
            keys = _row_keys(row)
            for k in keys:
                exact.setdefault(k, (t, r))
            if keys:
                anchors.append(_Anchor(min(keys), t, r))
    by_area: dict[str, list[_Anchor]] = {}
    for a in sorted(anchors, key=lambda a: (a.key, a.row is not None)):
        by_area.setdefault(a.key[0], []).append(a)
    on_rows: dict[tuple[int, int], list[PlacedWarning]] = {}
    on_tables: dict[int, list[PlacedWarning]] = {}
    loose: list[PlacedWarning] = []
    for w in warnings:
        shown = placed(w)
        key = _key(w.location)
        if key is None:
            loose.append(shown)
            continue
        if key in exact:
            on_rows.setdefault(exact[key], []).append(shown)
            continue
        area = by_area.get(key[0], [])
        at = bisect_right([a.key for a in area], key) - 1
        if at < 0:
            loose.append(shown)
            continue
        before = area[at]
        if before.row is not None:
            on_rows.setdefault((before.table, before.row), []).append(shown)
        else:
            on_tables.setdefault(before.table, []).append(shown)
    return on_rows, on_tables, loose


def row_id(table: int, row: int) -> int:
    """The id a previewed row carries in the page (there is none in the database yet)."""
    return (table + 1) * 100_000 + row


def detail(
    index: int,
    table: Project | OverallTargets,
    *,
    unit: str,
    department: str | None,
    fiscal_year: int | None,
    name: str,
) -> TableDetail:
    """A table of the document as the project page shows a stored one (a draft, first
    version), so that the same templates lay it out."""
    if isinstance(table, Project):
        funds = table.funds
        return TableDetail(
            id=0,
            kind="project",
            name=name,
            unit=unit,
            department=department,
            fiscal_year=fiscal_year,
            start_year=table.start_year,
            end_year=table.end_year,
            funds=funds,
            annual_goal=table.annual_goal,
            long_term_goal=table.long_term_goal,
            status=Status.DRAFT,
            version=1,
            adjust_reason=None,
            lock=0,
            source=table.source,
            source_file=table.source.file if table.source else None,
            indicators=tuple(
                indicator_view(row_id(index, k), k, 0, i) for k, i in enumerate(table.indicators)
            ),
        )
    return TableDetail(
        id=0,
        kind="overall",
        name=name,
        unit=unit,
        department=department,
        fiscal_year=fiscal_year,
        start_year=None,
        end_year=None,
        funds=None,
        annual_goal="",
        long_term_goal="",
        status=Status.DRAFT,
        version=1,
        adjust_reason=None,
        lock=0,
        source=table.source,
        source_file=table.source.file if table.source else None,
        goals=tuple(goal_view(row_id(index, k), k, 0, g) for k, g in enumerate(table.goals)),
    )
