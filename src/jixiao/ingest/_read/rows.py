"""Stage ``rows``: each data row read as an indicator or goal, or skipped."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from jixiao.domain.model import (
    Period,
)
from jixiao.ingest._cells import (
    parse_amount,
)
from jixiao.ingest._explain import Stage, active, note
from jixiao.ingest._grid import GridCell
from jixiao.ingest._read.base import _shown, _text
from jixiao.ingest._read.columns import (
    _ACTUAL_ROLES,
    _BLOCK_ROLES,
    _PERIOD_LABELS,
    _ROLE_LABELS,
    _actual_field,
    _best_alignment,
    _cached_alignment,
    _feat,
    _note_field,
    _Role,
    _score_pairs,
    _two_level_name,
)
from jixiao.ingest._read.levels import _level1_of, _parent_of, _resolve_any
from jixiao.ingest._read.settings import ReadSettings
from jixiao.ingest._read.table import _GoalRow, _IndRow, _Value
from jixiao.ingest._read.values import _money_unit, _operator, _period_values
from jixiao.ingest._text import fold, join_wrapped
from jixiao.ingest._vocab import (
    ACTUAL_WORDS,
    BLANK_MARKS,
    CHECKBOX,
    CONCLUSION_ROW,
    FUNDS_COLUMN,
    GOAL_WORDS,
    GRADE_ROW,
    LEVEL_LABEL,
    NOTE_ROW,
    NUMBER_ONLY,
    SENTENCE,
    SEQ_VALUE,
    SUMMARY,
    TARGET_WORDS,
)
from jixiao.ingest.text_blocks import (
    AMBIGUOUS_ROWS,
    UNUSED_TEXT,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.base import _Row
    from jixiao.ingest._read.columns import _Col, _Header
    from jixiao.ingest._read.table import _Table


class _RowReader:
    """The rows half of the reader (:class:`jixiao.ingest._read.find._Reader`): each data
    row read as an indicator or goal, or skipped.  The table being read and the way to
    start another are the finder's."""

    table: _Table
    settings: ReadSettings
    money_unit: str  # 金额单位 printed above the grid's table (万元 / 元)

    def start_table(self) -> _Table:
        raise NotImplementedError

    def set_field(self, key: str, value: _Value) -> None:
        raise NotImplementedError

    def cells_by_column(self, row: _Row) -> tuple[list[_Placed], list[GridCell]]:
        """Every column the row fills with its cell, and the cells in no column."""
        t = self.table
        assert t.header is not None
        header = t.header
        placed: list[_Placed] = []
        if row.ragged or header.ragged:
            own = list(row.own[: self.settings.max_row_cells])
            left: list[GridCell] = list(row.own[self.settings.max_row_cells :])
            context = _resolve_any(t.cur_l1.text) if t.cur_l1 is not None else None
            roles = [c.role for c in header.columns]
            feats = [_feat(_text(c)) for c in own]
            blocked: frozenset[int] = frozenset()
            if header.kind == "overall" and _Role.SEQ in roles and feats and not feats[0].seq_like:
                # No 序号: the row continues the function above (its cells merged, dropped).
                blocked = frozenset(
                    k for k, r in enumerate(roles) if r in (_Role.SEQ, _Role.FUNCTION)
                )
            at = _cached_alignment(
                tuple(feats),
                tuple(roles),
                context.name if context else None,
                blocked,
                self.settings,
            )[1]
            by_column: dict[int, list[GridCell]] = {}
            for cell, k in zip(own, at, strict=True):
                if k < 0:
                    left.append(cell)
                else:
                    by_column.setdefault(k, []).append(cell)
            for k, cells in by_column.items():
                cell = cells[0]
                if len(cells) > 1:  # one cell the dump split in two: joined again
                    cell = replace(cell, text=join_wrapped(_text(c) for c in cells))
                placed.append(_Placed(header.columns[k], cell, True))
            return placed, left
        seen: set[int] = set()
        for col in header.columns:
            mine: list[GridCell] = []
            for k in col.cols:
                covering = row.cover.get(k)
                if covering is None or any(covering is c for c in mine):
                    continue
                mine.append(covering)
                placed.append(_Placed(col, covering, covering.row == row.index))
                seen.add(id(covering))
        return placed, [c for c in row.own if id(c) not in seen]

    def note_columns(self, row: _Row, placed: list[_Placed], left: list[GridCell]) -> None:
        t = self.table
        for p in placed:
            if not p.own:
                continue
            if p.col.role in _ACTUAL_ROLES and _actual_field(p.col.label) is None:
                t.actuals.setdefault(p.col.label, p.col.source or row.src(p.cell))
            elif (
                (p.col.role is _Role.NOTE and _note_field(p.col.label) is None)
                or (p.col.role is _Role.UNKNOWN and not FUNDS_COLUMN.search(fold(p.col.label)))
                or (
                    p.col.role is _Role.IGNORED
                    and _text(p.cell) != p.col.label
                    and _resolve_any(_text(p.cell)) is None
                    and not (t.header is not None and _project_goal_column(p.col, t.header))
                )
            ):
                t.unused_columns.setdefault(p.col.label, p.col.source or row.src(p.cell))
        for cell in left:
            t.note(UNUSED_TEXT, f"“{_shown(_text(cell))}”不在任何已知的列中，未导入", row.src(cell))

    def note_row(self, row: _Row, texts: list[str]) -> bool:
        """A row that is a note under or inside the table (注：…, or one cell spread over
        the name and value columns): reported, not read as data."""
        t = self.table
        assert t.header is not None
        if texts and (NOTE_ROW.match(texts[0]) or CONCLUSION_ROW.match(texts[0].strip())):
            # 注： | 1.… (the note's text in the next cell), 评价结论 | …, 存在问题 | 无
            shown = _shown(" | ".join(texts))
            t.note(UNUSED_TEXT, f"“{shown}”是表格的说明，未导入", row.first)
            return True
        if len(row.own) != 1:
            return False
        if row.ragged or t.header.ragged or _resolve_any(texts[0]) is not None:
            return False
        cell = row.own[0]
        start = cell.col - row.lo
        covered = set(range(start, start + min(max(1, cell.colspan), self.settings.max_span)))
        roles = {c.role for c in t.header.columns if covered & set(c.cols)}
        data = {_Role.TARGET, _Role.NAME, _Role.NAME_WEAK, _Role.WORK, _Role.GOAL}
        if len(roles - {_Role.IGNORED, _Role.UNKNOWN}) >= 2 and roles & data:
            t.note(UNUSED_TEXT, f"“{_shown(texts[0])}”跨越多列，不是指标行，未导入", row.first)
            return True
        return False

    def summary_row(self, row: _Row, texts: list[str]) -> bool:
        """A total row (合计 / 总分 …, 自评等级): no indicator; other text on it is reported."""
        at = next(
            (
                k
                for k, x in enumerate(texts[:2])
                if SUMMARY.match(fold(x)) or GRADE_ROW.match(fold(x))
            ),
            None,
        )
        if at is None:
            return False
        note(Stage.ROWS, row.first, "合计行，不是指标", f"“{_shown(texts[at])}”")
        if GRADE_ROW.match(fold(texts[at])):
            # 自评等级 | 优 — a result, reported with the actuals.
            self.table.actuals.setdefault(texts[at], row.src(row.own[at]))
            return True
        rest = [
            (x, c)
            for k, (x, c) in enumerate(zip(texts, row.own, strict=True))
            if k != at and not _feat(x).value and not _feat(x).number
        ]
        for text, cell in rest:
            if ACTUAL_WORDS.search(fold(text)) or "等级" in text:
                # 自评等级：优 — a result, reported with the actuals.
                self.table.actuals.setdefault(re.split(r"[:：]", text)[0], row.src(cell))
            else:
                self.table.note(UNUSED_TEXT, f"合计行中的“{_shown(text)}”未导入", row.src(cell))
        return True

    def split_ragged(self, row: _Row) -> list[_Row] | None:
        """A ragged row that holds two indicator rows run together (a text dump that lost
        a line break): its two parts, when reading them apart fits the columns far better."""
        t = self.table
        assert t.header is not None
        if not (row.ragged or t.header.ragged) or not 4 <= len(row.own) <= self.settings.max_split:
            return None
        roles = [c.role for c in t.header.columns]
        feats = [_feat(_text(c)) for c in row.own]
        resolved = _resolve_any(t.cur_l1.text) if t.cur_l1 is not None else None
        context = resolved.name if resolved is not None else None
        whole, at = _cached_alignment(
            tuple(feats), tuple(roles), context, frozenset(), self.settings
        )
        if all(k >= 0 for k in at):
            return None
        best: tuple[float, int] | None = None
        for k in range(2, len(feats) - 1):
            if not any(f.value for f in feats[:k]) or not any(f.value for f in feats[k:]):
                continue
            score = (
                _best_alignment(feats[:k], roles, context, self.settings)[0]
                + _best_alignment(feats[k:], roles, context, self.settings)[0]
            )
            if score > whole + 2.0 and (best is None or score > best[0]):
                best = (score, k)
        if best is None:
            return None
        k = best[1]
        note(
            Stage.ROWS,
            row.first,
            f"一行拆成两行（前 {k} 格、后 {len(row.own) - k} 格）",
            f"两行分开读与列的吻合度 {best[0]:.1f}，高于整行读的 {whole:.1f}",
        )
        return [replace(row, own=row.own[:k]), replace(row, own=row.own[k:])]

    def indicator_row(self, row: _Row) -> None:
        t = self.table
        assert t.header is not None
        texts = row.texts()
        if self.summary_row(row, texts) or self.note_row(row, texts):
            return  # a total row (合计 / 总分) or a note: no indicator
        if _score_pairs(texts):
            # Case ``score list``: item | 10分 | item | 10分 — the points an evaluation gave
            # (分值 / 得分), never targets.
            note(Stage.ROWS, row.first, "跳过", "评分项与分数，不是指标行")
            t.note(UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”是评分结果，未导入", row.first)
            return
        if any(len(CHECKBOX.findall(x)) >= 2 for x in texts):
            # Case ``form fields``: a row of tick boxes (优秀□ 良好□ …) is a form's field.
            note(Stage.ROWS, row.first, "跳过", "勾选框表单字段，不是指标行")
            t.note(UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”是表单的勾选项，未导入", row.first)
            return
        parts = self.split_ragged(row)
        if parts is not None:
            for part in parts:
                self.indicator_row(part)
            return
        placed, left = self.cells_by_column(row)
        if not (row.ragged or t.header.ragged) and _shifted_right(placed):
            # Case ``row shifted right``: an extra cell at the start pushed the row one
            # column on (the level 1 in the 二级 column, the level 2 in the name's): read
            # one column to the left, and say so.
            t.note(
                AMBIGUOUS_ROWS,
                f"“{_shown(' | '.join(texts))}”比表头多出一格、整行右移，按左移一格读取",
                row.first,
            )
            row = replace(row, cover={k - 1: c for k, c in row.cover.items() if k >= 1})
            placed, left = self.cells_by_column(row)
        t = self.new_block(row, placed)
        assert t.header is not None
        self.note_columns(row, placed, left)
        if (
            t.block_at == (row.grid, row.index)
            and _Role.PROJECT in t.block
            and _no_indicator(placed)
        ):
            # Case ``project row``: the project named on a row of its own (项目名称, 金额,
            # 项目完成目标 …), its indicator cells empty or dashes; its indicators follow.
            note(Stage.PROJECTS, row.first, "项目行，没有指标", "指标列为空或占位符（-、/、无）")
            return

        def first(role: _Role) -> _Placed | None:
            return next((p for p in placed if p.col.role is role), None)

        l1, l2 = first(_Role.LEVEL1), first(_Role.LEVEL2)
        if l1 is not None and l2 is not None and l1.cell is l2.cell:
            l2 = None  # one cell merged across both columns: no level 2 printed
        name_role = _Role.NAME if t.header.has(_Role.NAME) else _Role.NAME_WEAK
        labels = {id(p.cell) for p in (l1, l2) if p is not None}
        name_cells = [p for p in placed if p.col.role is name_role and id(p.cell) not in labels]
        op = _operator(placed)
        unit = next((_text(p.cell) for p in placed if p.col.role is _Role.UNIT), "")
        # A label cell spread over further columns (a section row) is no name or value.
        values = _period_values(row, [p for p in placed if id(p.cell) not in labels], op, unit)
        name = (
            _Value(join_wrapped(_text(p.cell) for p in name_cells), row.src(name_cells[0].cell))
            if name_cells
            else None
        )
        actual_cells = _actual_cells(row, placed, labels)
        mine = [p for p in placed if p.own]
        label_only = False
        if name is None and not values:
            if not mine:
                return  # only merged cells from above
            own_labels = [p for p in mine if p.col.role in (_Role.LEVEL1, _Role.LEVEL2)]
            others = [
                p
                for p in mine
                if id(p.cell) not in labels and p.col.role not in (_Role.IGNORED, _Role.REPEATED)
            ]
            if own_labels and not all(_resolve_any(_text(p.cell)) for p in own_labels):
                # Text in the level columns that is no label, without a name or a value
                # (评价结论 | …, 存在问题 | … under a self-evaluation): no indicator.
                t.note(
                    UNUSED_TEXT,
                    f"“{_shown(' | '.join(texts))}”不是已知的指标名称，也没有指标值，未导入",
                    row.first,
                )
                return
            if own_labels and not others:
                if not all(_resolve_any(_text(p.cell)) for p in own_labels):
                    t.note(
                        UNUSED_TEXT,
                        f"“{_shown(' | '.join(texts))}”不是已知的指标名称，也没有指标值，未导入",
                        row.first,
                    )
                    return
                label_only = True  # a section row: its labels head the rows below
            elif not own_labels:
                t.note(
                    UNUSED_TEXT,
                    f"“{_shown(' | '.join(texts))}”没有三级指标名称和指标值，未导入",
                    row.first,
                )
                return

        # Levels: merged cells cover their rows; empty cells inherit from the row above.
        l1v = _Value(_text(l1.cell), row.src(l1.cell)) if l1 is not None else None
        l2v = _Value(_text(l2.cell), row.src(l2.cell)) if l2 is not None else None
        if l1 is not None and l2 is None and l1v is not None and _level1_of(l1v.text):
            # Case ``category above level 1``: a label the taxonomy does not know printed
            # left of a level-1 label (实施效果指标 | 产出指标 | name): the printed levels
            # sit one column right — the known label is the row's level 2.
            before = [
                p
                for p in mine
                if p.col.role in (_Role.IGNORED, _Role.UNKNOWN)
                and row.col(p.cell) < row.col(l1.cell)
                and _resolve_any(_text(p.cell)) is None
                and LEVEL_LABEL.fullmatch(fold(_text(p.cell)))
            ]
            if before:
                t.above_l1 = _Value(_text(before[-1].cell), row.src(before[-1].cell))
            if t.above_l1 is not None:
                l1v, l2v = t.above_l1, l1v
        if l1v is None:
            l1v = t.cur_l1
            if l2v is None:
                l2v = t.cur_l2
            elif l1v is not None and _parent_of(l2v.text) not in (None, _level1_of(l1v.text)):
                l1v = None  # the level 1 above does not reach this row: its level 2 says
        elif (
            l2v is None
            and t.cur_l2 is not None
            and (
                (t.cur_l1 is not None and l1v.text == t.cur_l1.text)
                or _parent_of(t.cur_l2.text) == _level1_of(l1v.text)
            )
        ):
            # The level 2 above belongs to this level 1: a merged cell whose label was
            # printed in the middle of it (the level 1 centred lower down).
            l2v = t.cur_l2
        if (
            l2 is None
            and not t.header.has(_Role.LEVEL2)
            and name is not None
            and _two_level_name(name.text)
        ):
            l2v = name  # a two-level table: the name is the level-2 label
        if (
            l2 is None
            and t.header.has(_Role.LEVEL2)
            and t.header.has(_Role.NAME)
            and name is not None
            and (found := _resolve_any(fold(name.text))) is not None
            and found.level == 2
            and values
            and all(NUMBER_ONLY.match(v.text.strip()) for v in values.values())
        ):
            # Case ``empty category row``: a level-2 label that no indicator fills, with
            # only its 分值 or 得分 (生态效益指标 … 0), slid into the name column.
            t.note(
                UNUSED_TEXT,
                f"“{_shown(' | '.join(texts))}”是没有指标的二级指标行，未导入",
                row.first,
            )
            return
        if l1 is not None or l2 is not None:
            t.cur_l1, t.cur_l2 = l1v, l2v
        if active():
            carried = [
                f"{level}“{v.text}”"
                for level, printed, v in (("一级", l1, l1v), ("二级", l2, l2v))
                if printed is None and v is not None
            ]
            if carried:
                note(
                    Stage.LEVELS,
                    row.first,
                    "沿用上方的" + "、".join(carried),
                    "本行没有印出这一层级（合并单元格或空单元格）",
                )
        if label_only:
            note(Stage.ROWS, row.first, "层级行", f"{_levels_text(l1v, l2v)}，作用于下面的行")
            t.rows.append(_IndRow(row.first, l1v, l2v, None, {}, label_only=True))
            return
        if name is None and values and t.rows:
            prev = t.rows[-1]
            if prev.name is not None and not prev.values and not prev.label_only:
                note(
                    Stage.ROWS,
                    row.first,
                    f"指标值并入上一行“{_shown(prev.name.text)}”",
                    "本行只有指标值，上一行只有名称（换页或折行断开的一行）",
                )
                prev.values.update(values)  # a row cut by a page break: its values
                for key, cell in actual_cells.items():
                    prev.actuals.setdefault(key, cell)
                prev.tentative = False
                return
        tentative = (row.ragged or t.header.ragged) and not values and len(mine) == 1
        if tentative and name is not None and self.prose_remark(name):
            note(Stage.ROWS, row.first, "作为上一行的偏差原因/改进措施", "单独成行的一句话")
            return
        if active():
            _explain_row(row, name, l1v, l2v, values, placed, tentative=tentative)
        t.rows.append(
            _IndRow(
                row.first,
                l1v,
                l2v,
                name,
                values,
                actuals=actual_cells,
                tentative=tentative,
                extra=self.indicator_extras(row, placed, labels),
            )
        )

    def indicator_extras(
        self, row: _Row, placed: Sequence[_Placed], skip: set[int]
    ) -> dict[str, _Value]:
        """The row's 指标性质, 指标方向 and note texts by field; the table's 年度目标 and
        预算数 where the header has columns for them (a list of projects prints them on the
        first row of each project)."""
        t = self.table
        assert t.header is not None
        found: dict[str, _Value] = {}
        for p in placed:
            text = _text(p.cell)
            if not text or id(p.cell) in skip or fold(text) in BLANK_MARKS:
                continue
            key: str | None = None
            if p.col.role is _Role.KIND:
                key = "nature"
            elif p.col.role is _Role.DIRECTION:
                key = "direction"
            elif p.col.role is _Role.NOTE:
                key = _note_field(p.col.label)
            elif _project_goal_column(p.col, t.header):
                if "goal.annual" not in t.fields:
                    t.fields["goal.annual"] = _Value(text, row.src(p.cell))
            elif (
                p.col.role is _Role.UNKNOWN
                and FUNDS_COLUMN.search(fold(p.col.label))
                and "funds.total" not in t.fields
                and parse_amount(text) is not None
            ):
                t.fields["funds.total"] = _Value(text, row.src(p.cell))
                label_unit = _money_unit(p.col.label)
                if label_unit is not None:
                    t.field_units.setdefault("funds.total", label_unit)
            if key is not None:
                found.setdefault(key, _Value(text, row.src(p.cell)))
        return found

    def new_block(self, row: _Row, placed: Sequence[_Placed]) -> _Table:
        """A list of many projects (单位名称 · 项目名称 · 预算数 · 年度目标 columns): a row whose
        own cells in those columns start a merged cell or change their text begins the next
        project, which gets the table's header and the block's name, unit, funds and goal.
        The table the row belongs to."""
        t = self.table
        block = [p for p in placed if p.col.role in _BLOCK_ROLES and _text(p.cell)]
        # The block is named by its 项目名称 / 单位名称 cells; 预算数 and 年度目标 are what
        # it says of itself (a funds column repeated on every row starts nothing).
        own = [p for p in block if p.own and p.col.role in (_Role.PROJECT, _Role.OWNER)]
        # One cell alone on its row (a note under the table spread over the first
        # columns, a unit's name) starts no block: a block row has more to say.
        cells = {id(p.cell) for p in own}
        alone = len(cells) == 1 and all(id(c) in cells for c in row.own)
        if (
            not own
            or alone
            or not any(p.cell.rowspan > 1 or t.block.get(p.col.role) != _text(p.cell) for p in own)
        ):
            return t
        if t.rows or t.block:
            header, year, titles = t.header, t.year, t.titles
            t = self.start_table()
            t.header, t.year, t.titles = header, year, list(titles)
        t.block = {p.col.role: _text(p.cell) for p in block}
        t.block_at = (row.grid, row.index)
        t.anchor = row.first
        keys = {_Role.PROJECT: "name", _Role.OWNER: "unit", _Role.GOAL: "goal.annual"}
        for p in block:
            text = _text(p.cell)
            if p.col.role is _Role.FUNDS:
                unit = "万元" if "万元" in p.col.label else "元" if "元" in p.col.label else ""
                unit = unit or self.money_unit
                if NUMBER_ONLY.match(fold(text).replace(",", "")) and unit:
                    text += unit
                key, value = "funds.total", _Value(text, row.src(p.cell))
            else:
                key, value = keys[p.col.role], _Value(text, row.src(p.cell))
            self.set_field(key, value)
            t.fields[key] = value  # the block's own cell, over a field printed above the list
        if _Role.PROJECT not in t.block:
            shown = [_text(p.cell) for p in block if p.own]
            t.block_row = (" | ".join(shown), row.first)
        return t

    def prose_remark(self, text: _Value) -> bool:
        """A lone sentence after an indicator row of a ragged table with a 偏差原因 /
        改进措施 column: that row's remark (a dump that put the cell on its own line)."""
        t = self.table
        assert t.header is not None
        remark = next(
            (
                _actual_field(c.label)
                for c in reversed(t.header.columns)
                if c.role is _Role.ACTUAL_TEXT and _actual_field(c.label) in ("reason", "measures")
            ),
            None,
        )
        prev = t.rows[-1] if t.rows else None
        if (
            remark is None
            or prev is None
            or prev.label_only
            or not prev.values
            or remark in prev.actuals
            or not SENTENCE.search(text.text)
        ):
            return False
        prev.actuals[remark] = text
        return True

    def goal_row(self, row: _Row) -> None:
        t = self.table
        assert t.header is not None
        texts = row.texts()
        if self.summary_row(row, texts) or self.note_row(row, texts):
            return
        placed, left = self.cells_by_column(row)
        self.note_columns(row, placed, left)

        def first(role: _Role) -> _Placed | None:
            return next((p for p in placed if p.col.role is role), None)

        seq, function, work, goal = (
            first(_Role.SEQ),
            first(_Role.FUNCTION),
            first(_Role.WORK),
            first(_Role.GOAL),
        )
        op = _operator(placed)
        unit = next((_text(p.cell) for p in placed if p.col.role is _Role.UNIT), "")
        values = _period_values(row, placed, op, unit)
        target = values.get(Period.FULL_YEAR) or next(iter(values.values()), None)
        mine = [p for p in placed if p.own]
        heads_only = all(p.col.role in (_Role.SEQ, _Role.FUNCTION) for p in mine)
        if goal is None and target is None and not heads_only and (work is None or not work.own):
            t.note(
                UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”没有工作及年度目标，未导入", row.first
            )
            return
        if target is None and seq is None and (row.ragged or t.header.ragged) and not heads_only:
            # Text dumps: a row of text without its target is a cell wrapped onto a line
            # of its own more often than a goal.
            t.note(
                UNUSED_TEXT,
                f"“{_shown(' | '.join(texts))}”没有目标值，可能是上一行折行的文字，未导入",
                row.first,
            )
            return
        if seq is not None:
            match = SEQ_VALUE.match(fold(_text(seq.cell)))
            t.cur_seq = match.group(1) if match else _text(seq.cell)
        if function is not None and _text(function.cell) != t.cur_function:
            t.cur_function = _text(function.cell)
            t.cur_work = None
        if work is not None:
            t.cur_work = _Value(_text(work.cell), row.src(work.cell))
        if goal is None and target is None:
            return  # a function's own row: its work items follow
        work_value = t.cur_work if t.header.has(_Role.WORK) else None
        texts_of = {id(p.cell) for p in (seq, function, work, goal) if p is not None}
        if active():
            shown = _text(goal.cell) if goal is not None else ""
            note(
                Stage.ROWS,
                row.first,
                f"年度目标“{_shown(shown)}”",
                f"职能“{_shown(t.cur_function)}”，工作任务“"
                f"{_shown(work_value.text) if work_value else ''}”，"
                f"目标值“{_shown(target.text) if target else ''}”",
            )
        t.goals.append(
            _GoalRow(
                row.first,
                t.cur_seq,
                t.cur_function,
                work_value,
                _text(goal.cell) if goal is not None else "",
                target,
                _actual_cells(row, placed, texts_of),
            )
        )


@dataclass(frozen=True, slots=True)
class _Placed:
    """A cell of a data row in its column; ``own`` is False for a merged cell from above."""

    col: _Col
    cell: GridCell
    own: bool


def _project_goal_column(col: _Col, header: _Header) -> bool:
    """A project table's 年度目标 / 绩效目标 column beside the indicators' target columns
    (a list of projects prints each project's goal text there)."""
    return (
        header.kind == "project"
        and col.role is _Role.IGNORED
        and GOAL_WORDS.search(fold(col.label)) is not None
        and TARGET_WORDS.search(fold(col.label)) is None
    )


_INDICATOR_ROLES = frozenset(
    {_Role.LEVEL1, _Role.LEVEL2, _Role.NAME, _Role.NAME_WEAK, _Role.TARGET, _Role.OP, _Role.UNIT}
)


def _no_indicator(placed: Sequence[_Placed]) -> bool:
    """Whether the row's own cells in the indicator columns are all placeholders (-, /, 无)
    or there are none."""
    return all(
        fold(_text(p.cell)) in BLANK_MARKS or not _text(p.cell)
        for p in placed
        if p.own and p.col.role in _INDICATOR_ROLES
    )


def _shifted_right(placed: Sequence[_Placed]) -> bool:
    """Whether the row's 二级 cell holds a level-1 label and its name cell a level-2 label,
    with a cell of its own in the 一级 column (none merged from above): the row sits one
    column to the right."""

    def own(role: _Role) -> _Placed | None:
        return next((p for p in placed if p.col.role is role and p.own), None)

    l1, l2, name = own(_Role.LEVEL1), own(_Role.LEVEL2), own(_Role.NAME)
    if (
        l1 is None
        or l2 is None
        or name is None
        or len({id(l1.cell), id(l2.cell), id(name.cell)}) < 3
    ):
        return False  # the extra cell is the row's own, in the 一级 column
    r2, rn = _resolve_any(_text(l2.cell)), _resolve_any(_text(name.cell))
    return r2 is not None and r2.level == 1 and rn is not None and rn.level == 2


def _actual_cells(row: _Row, placed: Sequence[_Placed], skip: set[int]) -> dict[str, _Value]:
    """The row's actuals (and 分值) by field, leaving out the cells ``skip`` (ids) holds."""
    found: dict[str, _Value] = {}
    for p in placed:
        key = (
            _actual_field(p.col.label)
            if p.col.role in _ACTUAL_ROLES
            else "weight"
            if p.col.role is _Role.WEIGHT
            else None
        )
        if key is not None and id(p.cell) not in skip and _text(p.cell):
            found.setdefault(key, _Value(_text(p.cell), row.src(p.cell)))
    return found


def _levels_text(l1: _Value | None, l2: _Value | None) -> str:
    return f"一级“{l1.text if l1 else ''}”，二级“{l2.text if l2 else ''}”"


def _explain_row(
    row: _Row,
    name: _Value | None,
    l1: _Value | None,
    l2: _Value | None,
    values: Mapping[Period, _Value],
    placed: Sequence[_Placed],
    *,
    tentative: bool,
) -> None:
    """What ``--explain`` says of an indicator row that was read: its cells' columns and
    the values joined."""
    cells = "；".join(
        f"“{_shown(_text(p.cell))}”→{_ROLE_LABELS[p.col.role]}" for p in placed if p.own
    )
    decision = (
        f"暂记为指标“{_shown(name.text)}”（没有指标值，可能是折行）"
        if tentative and name is not None
        else f"指标“{_shown(name.text) if name else ''}”"
    )
    note(Stage.ROWS, row.first, decision, f"{_levels_text(l1, l2)}；{cells}")
    for period, v in values.items():
        raw = [_operator(placed), *(_text(p.cell) for p in placed if p.col.role is _Role.UNIT)]
        if any(raw):
            note(
                Stage.VALUES,
                v.source,
                f"{_PERIOD_LABELS.get(period, period.value)}指标值“{_shown(v.text)}”",
                "由指标值与" + "、".join(f"“{x}”" for x in raw if x) + "合成",
            )
