"""Stage ``table``: find the table (titles, field rows, headers, where a table starts, continues or ends)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from jixiao.domain.provenance import Provenance
from jixiao.ingest._cells import (
    find_year,
    parse_amount,
    parse_fields,
)
from jixiao.ingest._explain import Stage, active, note
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read.base import _grid_rows, _shown, _text
from jixiao.ingest._read.columns import (
    _aligned_header,
    _classify,
    _describe,
    _feat,
    _field_key,
    _fits_columns,
    _foreign_header,
    _is_header_row,
    _is_subheader_row,
    _ragged_header,
)
from jixiao.ingest._read.rows import _RowReader
from jixiao.ingest._read.settings import ReadSettings
from jixiao.ingest._read.table import _Table, _Value
from jixiao.ingest._read.values import _budget_key, _money_unit
from jixiao.ingest._text import clean, fold
from jixiao.ingest._vocab import (
    ACTUAL_WORDS,
    ACTUALS_ROW,
    AMOUNT_HEADING,
    BLANK_MARKS,
    BUDGET_COLUMN,
    BUDGET_HEADING,
    FUNDS_WORDS,
    GOAL_HEADING,
    INLINE_FIELD,
    MONEY_UNIT,
    NOTE_ROW,
    OVERALL_TITLE,
    PENDING,
    SECTION_END,
    SENTENCE,
    TABLE_TITLE,
    TITLE_UNIT_TAIL,
    YEAR_LINE,
)
from jixiao.ingest._wide import unpivot_wide
from jixiao.ingest.text_blocks import (
    AMBIGUOUS_ROWS,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.base import _Row


def _inline_fields(text: str) -> dict[str, str] | None:
    """``项目名称：X`` (or ``项目名称 X`` as text dumps print it) in one cell."""
    found = _inline_fields_cached(text)
    return dict(found) if found is not None else None


@functools.lru_cache(maxsize=65536)
def _inline_fields_cached(text: str) -> tuple[tuple[str, str], ...] | None:
    found = _inline_fields_uncached(text)
    return tuple(found.items()) if found else None


def _inline_fields_uncached(text: str) -> dict[str, str] | None:
    match = INLINE_FIELD.match(text)
    if match:
        key = _field_key(match.group(1))
        if key is not None:
            return {key: match.group(2).strip()}
    found = parse_fields(text.replace("\n", " "))
    if found:
        return {k: v for k, v in found.items() if v}
    return None


def _is_title(text: str) -> bool:
    folded = fold(text)
    if not folded or len(folded) > 80 or NOTE_ROW.match(text):
        return False
    return bool(TABLE_TITLE.search(folded))


def _title_year(text: str) -> int | None:
    match = YEAR_LINE.match(fold(text))
    if match:
        return int(match.group(1))
    return find_year(text) if _is_title(text) else None


def _title_unit(text: str) -> str:
    """The unit named in an overall table's title: the words before the year or 整体."""
    match = re.search(r"(?:19|20)\d{2}\s*年", text)
    if match:
        return text[: match.start()].strip()
    head = re.split(r"整体", text)[0]
    return TITLE_UNIT_TAIL.sub("", head).strip()


# -- the reader: grids into tables ---------------------------------------------------------


class _Reader(_RowReader):
    """Reads the grids row by row into tables (see the module docstring)."""

    def __init__(self, file: str, settings: ReadSettings) -> None:
        self.file = file
        self.settings = settings
        self.tables: list[_Table] = []
        self.table = _Table()
        self.consumed: set[tuple[int, int, int]] = set()  # (grid, row, col) of field values
        self.found_structure = False
        self.money_unit = ""  # 金额单位 printed above the grid's table (万元 / 元)
        self.sheet: str | None = None  # the workbook sheet read last
        # The last 金额单位 seen and its grid: the next tables of that grid print under it.
        self.unit_seen: tuple[int, str] | None = None
        self.grid_index = -1

    # tables ------------------------------------------------------------------------------

    def start_table(self) -> _Table:
        self.close_table()
        return self.table

    def close_table(self) -> None:
        t = self.table
        if t.has_content or t.fields or t.notes or t.actuals or t.stray:
            self.tables.append(t)
        self.table = _Table()
        if self.unit_seen is not None and self.unit_seen[0] == self.grid_index:
            self.table.money_unit = self.unit_seen[1]

    # grids -------------------------------------------------------------------------------

    def read_grid(self, gi: int, grid: Grid) -> None:
        self.grid_index = gi
        wide = unpivot_wide(grid)
        if wide is not None:
            # Case ``wide table``: a project per row (block), indicators across; read as the
            # stacked forms it is rewritten into, a table of its own (see jixiao.ingest._wide).
            grid = wide
            self.start_table()
        rows, width = _grid_rows(grid, gi, self.file, self.settings, ragged=grid.ragged)
        self.money_unit = ""
        first = rows[0].first if rows else Provenance(self.file, grid.page, sheet=grid.sheet)
        t = self.table
        if t.stray and not (t.has_content or t.fields or t.titles):
            t = self.start_table()  # a grid of other text before: a table of its own
        elif t.kind_hint == "summary":
            t = self.start_table()  # a summary sheet continues nowhere
        elif (
            grid.sheet is not None
            and self.sheet is not None
            and grid.sheet != self.sheet
            and not any(_is_header_row(r) for r in rows[: self.settings.header_scan])
        ):
            # A sheet without indicator headers (a budget sheet after the targets) continues
            # no table: its rows are its own, reported, never the last table's indicators.
            t = self.start_table()
        self.sheet = grid.sheet
        if active():
            kind = "按内容对齐的文本行" if grid.ragged else f"{width} 列的表格"
            note(Stage.TABLE, first, f"第 {gi + 1} 个区域：{len(rows)} 行，{kind}")
        if rows and t.header is not None and self.is_data_row(rows[0]):
            note(Stage.TABLE, first, "续接上一表格", "区域以数据行开始，上一表格已有表头")
            # A grid that starts with data continues the table before it (a page break);
            # a title repeated above it (a running page head) does not start a new table.
            self.read_titles(grid, first, continuing=True)
            if (
                not grid.ragged
                and not t.header.ragged
                and width != t.header.width
                and not _fits_columns(rows, t.header, self.settings)
            ):
                t.note(
                    AMBIGUOUS_ROWS,
                    f"表格续接：本表格没有表头，列数（{width}）与上一表格（{t.header.width}）"
                    "不同，按内容续接上一表格",
                    rows[0].first,
                )
                t.header = t.header.as_ragged()
            if t.header.ragged and not grid.ragged:
                rows, width = _grid_rows(grid, gi, self.file, self.settings, ragged=True)
        else:
            self.read_titles(grid, first, continuing=False)
        k = 0
        while k < len(rows):
            k = self.read_row(rows, k, width)

    def read_titles(self, grid: Grid, where: Provenance, *, continuing: bool) -> None:
        """Title lines printed above the grid: a table title, a year, fields."""
        started = continuing
        for raw in grid.title:
            text = clean(raw)
            if not text:
                continue
            is_title = _is_title(text) or bool(YEAR_LINE.match(fold(text)))
            found = None if is_title else _inline_fields(text)
            if not is_title and not found:
                continue
            if continuing:
                year = _title_year(text) if is_title else None
                if year is not None and self.table.year is None:
                    self.table.year = year
            elif not started and self.table.has_content:
                self.start_table()
            started = True
            if is_title and not continuing:
                self.add_title(text, where)
            for key, value in (found or {}).items():
                self.set_field(key, _Value(value, where))

    def add_title(self, text: str, where: Provenance) -> None:
        t = self.table
        t.titles.append((text, where))
        t.anchor = t.anchor or where
        year = _title_year(text)
        if year is not None and t.year is None:
            t.year = year
        folded = fold(text)
        if _is_title(text) and OVERALL_TITLE.search(folded):
            t.kind_hint = "overall"
        if _is_title(text) and "汇总" in folded:
            t.kind_hint = "summary"  # a list of tables (…汇总表), no table of its own

    def set_field(self, key: str, value: _Value) -> None:
        if key == "meta":
            return
        t = self.table
        if key == "name" and value.text:
            self.found_structure = True
        if key not in t.fields or not t.fields[key].text:
            t.fields[key] = value
        t.anchor = t.anchor or value.source

    # rows --------------------------------------------------------------------------------

    def is_data_row(self, row: _Row) -> bool:
        texts = row.texts()
        if len(texts) <= 2 and any(_is_title(x) or YEAR_LINE.match(fold(x)) for x in texts):
            return False
        if _is_header_row(row) is not None:
            return False
        return not _field_cells(row)

    def read_row(self, rows: Sequence[_Row], k: int, width: int) -> int:
        """Read the row at k (and the header rows below it); the index of the next row."""
        row = rows[k]
        own = [c for c in row.own if (row.grid, c.row, c.col) not in self.consumed]
        if not own:
            return k + 1
        row = replace(row, own=tuple(own))
        texts = row.texts()
        t = self.table
        unit = next((u for x in texts if (u := _money_unit(x)) is not None), None)
        if unit is not None:
            self.unit_seen = (row.grid, unit)
            if t.header is None:
                t.money_unit = unit

        # A title row: one cell naming a table (maybe with a meta cell), or a year line.
        if len(texts) <= 2 and any(_is_title(x) for x in texts):
            note(
                Stage.TABLE,
                row.first,
                "标题行" + ("，开始新表格" if t.has_content else ""),
                " | ".join(texts),
            )
            if t.has_content:
                self.start_table()
            for x in texts:
                if _is_title(x) or YEAR_LINE.match(fold(x)):
                    self.add_title(x, row.first)
                else:
                    for key, value in (_inline_fields(x) or {}).items():
                        self.set_field(key, _Value(value, row.first))
            return k + 1
        if len(texts) == 1 and YEAR_LINE.match(fold(texts[0])):
            self.add_title(texts[0], row.first)
            return k + 1

        if t.ended is not None and not any(key == "name" for key, _ in _field_cells(row)):
            note(Stage.ROWS, row.first, "跳过", f"在“{_shown(t.ended[0])}”之后，不属于指标表")
            t.after_end += 1  # under a section that is not the table's (监控发现问题 …)
            return k + 1

        # A header row, with the rows of sub-headers below it.
        kind = _is_header_row(row)
        if kind is not None:
            header_rows = [row]
            j = k + 1
            while j < len(rows) and _is_subheader_row(rows[j]):
                header_rows.append(rows[j])
                j += 1
            header = (
                _ragged_header(header_rows, kind)
                if row.ragged
                else _aligned_header(header_rows, kind, width)
            )
            self.found_structure = True
            if t.header is not None and (t.rows or t.goals):
                if header.signature() == t.header.signature():
                    note(Stage.COLUMNS, row.first, "表头重复（换页），续接同一表格")
                    return j  # the header printed again (a new page of the same table)
                t = self.start_table()
            if active():
                note(Stage.COLUMNS, row.first, f"表头（{j - k} 行）", _describe(header))
            t.header = header
            t.anchor = t.anchor or row.first
            return j

        if t.rows and _foreign_header(row, self.settings):
            # Case ``another table follows``: the header of a table that is no target table
            # (序号 | 学校性质 | 培训机构 | … | 备注) ends this one.
            note(Stage.TABLE, row.first, "指标表结束", "另一张表格的表头")
            t.ended = (" | ".join(texts), row.first)
            return k + 1

        for text in texts:
            money = MONEY_UNIT.fullmatch(fold(text))
            if money is not None:
                self.money_unit = "万元" if "万元" in money.group(0) else "元"
        if self.read_fields(row, rows[k + 1] if k + 1 < len(rows) else None):
            return k + 1
        t = self.table
        if t.header is not None and len(texts) == 1 and SECTION_END.match(fold(texts[0])):
            note(Stage.TABLE, row.first, "指标表结束", f"“{_shown(texts[0])}”开始另一部分")
            t.ended = (texts[0], row.first)
            return k + 1
        if t.header is None:
            self.pre_header_row(row, texts)
        elif t.header.kind == "overall":
            self.goal_row(row)
        else:
            self.indicator_row(row)
        return k + 1

    def read_fields(self, row: _Row, below: _Row | None) -> bool:
        """Read a field row (labels with values beside, below or inline); False if none."""
        found = _field_cells(row)
        if not found:
            return False
        t = self.table
        if (
            t.header is not None
            and any(_feat(_text(c)).value for c in row.own)
            and not any(key in ("name", "inline") for key, _ in found)
        ):
            return False  # in the data area a row with values is a data row
        label_ids = {id(cell) for _, cell in found}
        pairs: list[tuple[str, _Value]] = []
        goals_above = _goal_texts_below(row, found, below)
        if goals_above is not None:
            assert below is not None
            for key, cell in goals_above:
                self.consumed.add((below.grid, cell.row, cell.col))
                pairs.append((key, _Value(_text(cell), below.src(cell))))
            found = []
        for key, cell in found:
            if key == "inline":
                for k2, v in (_inline_fields(_text(cell)) or {}).items():
                    pairs.append((k2, _Value(v, row.src(cell))))
                continue
            value_cell = _beside(row, cell, label_ids, self.settings)
            if (
                value_cell is None
                and below is not None
                and (len(found) == len(row.own) or key.startswith("goal."))
            ):
                value_cell = _under(row, cell, below)
            if value_cell is not None and key == "name" and _column_heading(_text(value_cell)):
                value_cell = None  # 项目名称 | 金额: a budget table's headings, no project
            if value_cell is not None:
                self.consumed.add((row.grid, value_cell.row, value_cell.col))
                pairs.append((key, _Value(_text(value_cell), row.src(value_cell))))
                label_unit = _money_unit(_text(cell)) if key.startswith("funds.") else None
                if label_unit is not None:
                    t.field_units.setdefault(key, label_unit)
            elif key == "name":
                pairs.append((key, _Value("", row.src(cell))))
        # A key twice in one row: the later one counts (中期资金总额 … 年度资金总额 side by
        # side in the central template, the year's figures on the right).
        pairs = list({key: v for key, v in pairs if v.text or key == "name"}.items())
        new_name = any(key == "name" and v.text for key, v in pairs)
        repeated = any(
            key != "meta" and v.text and key in t.fields and t.fields[key].text for key, v in pairs
        )
        if t.budget_heads and any(key == "funds.total" for key, _ in found):
            self.read_budget(row, next(c for key, c in found if key == "funds.total"))
        busy = bool(t.rows or t.goals)
        named = "name" in t.fields and bool(t.fields["name"].text)
        starts = (new_name and (named or busy)) or (repeated and busy)
        if active():
            shown = "；".join(f"{key}=“{_shown(v.text)}”" for key, v in pairs)
            why = ""
            if starts:
                why = "新的项目名称，开始新表格" if new_name else "字段再次出现，开始新表格"
            note(Stage.PROJECTS if starts else Stage.TABLE, row.first, f"字段行：{shown}", why)
        if starts:
            self.start_table()
        for key, value in pairs:
            self.set_field(key, value)
        return True

    def read_budget(self, row: _Row, label: GridCell) -> None:
        """The 年度资金总额 row of a funds block: each figure under its heading (by column,
        or by position when the dump dropped the empty and merged cells)."""
        t = self.table
        heads = t.budget_heads
        if row.ragged:
            cells = list(row.own[row.own.index(label) + 1 :])
            if not cells or len(cells) > len(heads):
                return
            pairs = [
                (key, cell) for (key, _), cell in zip(heads[-len(cells) :], cells, strict=True)
            ]
        else:
            cells = [c for c in row.own if c.col > label.col]
            pairs = []
            for key, head in heads:
                span = range(head.col, head.col + max(1, head.colspan))
                cell = next((c for c in cells if c.col in span), None)
                if cell is not None:
                    pairs.append((key, cell))
        for key, cell in pairs:
            text = _text(cell)
            if key == "execution_reason":
                text = PENDING.sub("", text).strip()
                if text and text not in BLANK_MARKS:
                    t.budget.setdefault(key, _Value(text, row.src(cell)))
            elif key is not None and parse_amount(text) is not None:
                t.budget.setdefault(key, _Value(text, row.src(cell)))

    def pre_header_row(self, row: _Row, texts: list[str]) -> None:
        """A row before any header: headings of actuals (a self-evaluation's 预算执行情况)
        are noted, headings and placeholders skipped, anything else reported."""
        t = self.table
        actuals_row = bool(ACTUALS_ROW.search(fold(" ".join(texts))))
        if actuals_row and any(BUDGET_COLUMN.search(fold(x)) for x in texts):
            t.budget_heads = [
                (_budget_key(x, self.settings), c) for c, x in zip(row.own, texts, strict=True)
            ]
        rest: list[str] = []
        for cell, text in zip(row.own, texts, strict=True):
            f = fold(text)
            heading = len(f) <= self.settings.header_max and not SENTENCE.search(f)
            if actuals_row and heading and ACTUAL_WORDS.search(f):
                if _budget_key(text, self.settings) is None:
                    t.actuals.setdefault(text, row.src(cell))
            elif actuals_row and heading and (_classify(text) or BUDGET_HEADING.search(f)):
                continue  # the budget columns' headings (年初预算数, 分值 …)
            elif not (f in BLANK_MARKS or MONEY_UNIT.fullmatch(f) or GOAL_HEADING.match(f)):
                rest.append(text)
        if rest:
            note(Stage.TABLE, row.first, "表头之前的文字，不是指标行", " | ".join(rest))
            t.stray.append((" | ".join(rest), row.first))

    # data rows ---------------------------------------------------------------------------


def _column_heading(text: str) -> bool:
    """A cell that heads a column of amounts (金额, 预算数（万元）): no field's value."""
    f = fold(text)
    return bool(
        AMOUNT_HEADING.match(f) or FUNDS_WORDS.match(f) or re.search(r"\((?:万元|元)\)$", f)
    )


def _field_cells(row: _Row) -> list[tuple[str, GridCell]]:
    """Label cells of the row with the field each names (``inline`` for ``key：value``)."""
    found: list[tuple[str, GridCell]] = []
    for cell in row.own:
        text = _text(cell)
        key = _field_key(text)
        if key is not None:
            found.append((key, cell))
        elif _inline_fields(text):
            found.append(("inline", cell))
    return found


def _beside(
    row: _Row, label: GridCell, label_ids: set[int], settings: ReadSettings
) -> GridCell | None:
    """The value of a label cell: the next cell to its right in the row."""
    if row.ragged:
        cells = list(row.own)
        k = next((i for i, c in enumerate(cells) if c is label), -1)
        if 0 <= k < len(cells) - 1:
            nxt = cells[k + 1]
            if id(nxt) not in label_ids and _field_key(_text(nxt)) is None:
                return nxt
        return None
    start = label.col - row.lo + min(max(1, label.colspan), settings.max_span)
    for col in range(start, start + settings.max_span):
        cell = row.cover.get(col)
        if cell is None or cell is label:
            continue
        if id(cell) in label_ids or _field_key(_text(cell)) is not None:
            return None
        if cell.row != row.index:
            continue  # a merged cell from above (a group label)
        return cell
    return None


def _goal_texts_below(
    row: _Row, found: Sequence[tuple[str, GridCell]], below: _Row | None
) -> list[tuple[str, GridCell]] | None:
    """A ragged row of goal labels only (总体目标 | 中长期目标 | 年度目标) with their texts
    on the next line: each text under the label it lines up with from the right (a group
    label such as 总体目标 on the left has no text of its own); None when it is not that."""
    if (
        not row.ragged
        or below is None
        or len(found) != len(row.own)
        or not all(key.startswith("goal.") for key, _ in found)
        or not below.own
        or len(below.own) > len(found)
        or any(_field_key(_text(c)) is not None or _feat(_text(c)).value for c in below.own)
        or _is_header_row(below) is not None
    ):
        return None
    keys = [key for key, _ in found][-len(below.own) :]
    return list(zip(keys, below.own, strict=True))


def _under(row: _Row, label: GridCell, below: _Row) -> GridCell | None:
    """The value printed under a label, in a row of labels only (aligned grids)."""
    if row.ragged or below.ragged or _is_header_row(below) is not None:
        return None
    cell = below.cover.get(label.col - row.lo)
    if cell is None or cell.row != below.index or _field_key(_text(cell)) is not None:
        return None
    return cell
