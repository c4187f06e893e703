"""Case ``wide table``: a list of projects printed one row (or block of rows) per project,
its indicators across the row.

A 部门预算 workbook may print its projects' targets as one wide table::

    单位名称(项目名称) | 项目资金          | 年度目标 | 绩效指标
                       | 资金总额 | 财政拨款 |          | 产出指标        | 效益指标        | 满意度指标
                       |          |          |          | 三级指标 | 指标值 | 三级指标 | 指标值 | 三级指标 | 指标值
    合计               | 370      | 370      |
      财政局           | 130      | 130      |
        项目甲         | 50       | 50       | 目标     | 检查人次 | 9000   | 效率     | 提高   | 满意度   | 90%
                       |          |          |          | 完成时间 | 年底前 | …

The bottom header row repeats one indicator's columns (三级指标 · 指标值, maybe 度量单位 …)
once per category, and a level label (产出指标 …, or a level 2 such as 数量指标) heads each
repetition from above (or is itself the name column's header: 产出指标 | 指标值 | …).  The
other columns say something of the project: its name, unit, funds and goal, printed on the
first row of its block; the rows below with an empty name cell continue the block with more
indicators.  A named row without any indicator or goal (a department or unit with its
subtotal, the 合计) is no project: it names the unit of the projects under it.

:func:`unpivot_wide` recognises the layout from the header words and the taxonomy (never from
positions) and rewrites the grid into the stacked-form layout the interpreter already reads:
for each project its field rows (项目名称, then each other column's header with the block's
value: 资金总额 | 50, 年度目标 | …), an indicator header (一级指标 · 三级指标 · 指标值) and one
row per indicator, category by category.  Every cell keeps the provenance of the cell it was
printed in; the category label of an indicator cites the header cell above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from jixiao.ingest._explain import Stage, note
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import clean, fold, join_wrapped

__all__ = ["unpivot_wide"]

_SCAN = 60  # rows searched for the header
_MAX_SPAN = 256  # columns a merged cell may cover (bounds odd input)
# Roles of the columns one indicator may print after its name (the interpreter's roles).
_INDICATOR_ROLES = frozenset({"target", "op", "unit", "kind", "direction", "weight"})
# The column that names each block: 项目名称 first, then any 名称, then a bare 项目.
_NAME_COLUMN = (re.compile(r"项目名称"), re.compile(r"名称"), re.compile(r"^项目$"))
_ZERO = re.compile(r"^[+-]?0+(?:\.0+)?$")
_AMOUNT = re.compile(r"^[+-]?[\d,]+(?:\.\d+)?$")
_MONEY = re.compile(r"[（(](?:万元|元)[)）]")


@dataclass(frozen=True, slots=True)
class _Words:
    """The interpreter's vocabulary (:mod:`jixiao.ingest._read`), passed in so that this
    module holds the layout and not the words."""

    role: Callable[[str], str | None]  # a header word's role ("name", "target" …)
    level: Callable[[str], int | None]  # a taxonomy label's level (1 or 2)
    field_of: Callable[[str], str | None]  # the field a label names (项目名称 → "name")
    total: Callable[[str], bool]  # 合计 / 小计
    remark: Callable[[str], bool]  # 注：… under the table
    blank: Callable[[str], bool]  # a placeholder (/, -, 无)


def _words() -> _Words:
    from jixiao.ingest._read.columns import _classify, _field_key
    from jixiao.ingest._read.levels import _resolve_any
    from jixiao.ingest._vocab import BLANK_MARKS, NOTE_ROW, SUMMARY

    def role(text: str) -> str | None:
        found = _classify(text)
        return found[0].value if found is not None else None

    def level(text: str) -> int | None:
        found = _resolve_any(text)
        return found.level if found is not None else None

    return _Words(
        role=role,
        level=level,
        field_of=_field_key,
        total=lambda text: bool(SUMMARY.match(fold(text))),
        remark=lambda text: bool(NOTE_ROW.match(text)),
        blank=lambda text: fold(text) in BLANK_MARKS,
    )


def _text(cell: GridCell) -> str:
    return join_wrapped(part for line in cell.text.split("\n") if (part := clean(line)))


@dataclass(frozen=True, slots=True)
class _Group:
    """One category's indicator columns: the header cells of the bottom row (name first) and
    the category labels above them (level → cell)."""

    heads: tuple[GridCell, ...]
    levels: dict[int, GridCell]

    @property
    def cols(self) -> tuple[int, ...]:
        return tuple(c for head in self.heads for c in _span(head))


@dataclass(frozen=True, slots=True)
class _Column:
    """A column that says something of the block (name, unit, funds, goal …)."""

    label: str  # the header text used as the field's label
    head: GridCell  # the header cell cited for the label
    cols: tuple[int, ...]
    words: str  # the header texts over the column, top to bottom


@dataclass
class _Block:
    name: GridCell | None
    owner: GridCell | None
    fields: dict[int, GridCell] = field(default_factory=dict)  # column index → cell
    rows: list[dict[int, list[GridCell]]] = field(default_factory=list)  # group → cells
    extra: list[list[GridCell]] = field(default_factory=list)  # rows read as they are


def _span(cell: GridCell) -> range:
    return range(cell.col, cell.col + min(max(1, cell.colspan), _MAX_SPAN))


def _covers(cells: Sequence[GridCell]) -> dict[tuple[int, int], GridCell]:
    out: dict[tuple[int, int], GridCell] = {}
    for cell in cells:
        for r in range(cell.row, cell.row + max(1, cell.rowspan)):
            for c in _span(cell):
                out.setdefault((r, c), cell)
    return out


def _repeats(row: Sequence[GridCell], words: _Words) -> list[list[GridCell]] | None:
    """The header cells of the indicator columns a header row repeats (two or more times the
    same: a name, then a target and maybe an operator, unit …), or None."""
    groups: list[list[GridCell]] = []
    current: list[GridCell] | None = None
    for k, cell in enumerate(row):
        text = _text(cell)
        role = words.role(text)
        nxt = words.role(_text(row[k + 1])) if k + 1 < len(row) else None
        if role == "name" or (
            role is None and words.level(text) is not None and nxt in _INDICATOR_ROLES
        ):
            current = [cell]
            groups.append(current)
        elif current is not None and role in _INDICATOR_ROLES:
            current.append(cell)
        else:
            current = None
    shapes = {tuple(words.role(_text(c)) or "label" for c in g[1:]) for g in groups}
    if len(groups) < 2 or len(shapes) != 1 or "target" not in next(iter(shapes)):
        return None
    return groups


def _groups(
    groups: Sequence[Sequence[GridCell]], cover: dict[tuple[int, int], GridCell], words: _Words
) -> list[_Group] | None:
    """Each repetition with its category labels; None when one has none."""
    out: list[_Group] = []
    for g in groups:
        head = g[0]
        levels: dict[int, GridCell] = {}
        if words.role(_text(head)) != "name":
            levels[words.level(_text(head)) or 1] = head  # the name's header is the label
        above = {cover.get((r, head.col)) for r in range(head.row)}
        for cell in sorted((c for c in above if c is not None), key=lambda c: c.row):
            found = words.level(_text(cell))
            if found is not None and found not in levels:
                levels[found] = cell
        if not levels:
            return None  # repeated blocks that are no categories (中期 / 年度 side by side)
        out.append(_Group(tuple(g), levels))
    return out


def _columns(
    top: int,
    bottom: int,
    width: int,
    taken: set[int],
    cover: dict[tuple[int, int], GridCell],
    words: _Words,
) -> list[_Column]:
    """The columns outside the indicator groups, with their header texts (top to bottom);
    neighbouring columns under one bottom header cell are one."""
    out: list[_Column] = []
    for c in range(width):
        if c in taken:
            continue
        heads: list[GridCell] = []
        for r in range(top, bottom + 1):
            cell = cover.get((r, c))
            if cell is not None and cell not in heads:
                heads.append(cell)
        if not heads:
            continue
        if out and out[-1].head is heads[-1] and out[-1].cols[-1] == c - 1:
            out[-1] = _Column(out[-1].label, out[-1].head, (*out[-1].cols, c), out[-1].words)
            continue
        texts = [_text(h) for h in heads]
        if words.role(texts[-1]) == "seq":
            continue  # 序号: the numbering says nothing of the project
        # The label a field is known by: the most specific header text that names a field
        # (资金总额 under 项目资金), else the bottom one.
        label = next(
            (x for x in [*reversed(texts), "".join(texts)] if words.field_of(x) is not None),
            texts[-1],
        )
        money = next((m.group(0) for x in texts if (m := _MONEY.search(x))), None)
        if money is not None and _MONEY.search(label) is None:
            label += money  # 资金总额 under 项目资金（万元）: the amounts are in 万元
        out.append(_Column(label, heads[-1], (c,), "".join(texts)))
    return out


def _name_column(columns: Sequence[_Column]) -> int | None:
    for pattern in _NAME_COLUMN:
        found = next((k for k, col in enumerate(columns) if pattern.search(fold(col.words))), None)
        if found is not None:
            return found
    return None


def _own(cells: Sequence[GridCell], cols: Sequence[int]) -> list[GridCell]:
    wanted = set(cols)
    return [c for c in cells if c.col in wanted and _text(c)]


def _is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(fold(text).replace(" ", "")))


def unpivot_wide(grid: Grid) -> Grid | None:
    """The grid rewritten as stacked project forms when it is a wide table (see the module
    docstring); None when it is not one."""
    if grid.ragged:
        return None
    cells = [c for c in grid.cells if _text(c)]
    if not cells:
        return None
    words = _words()
    by_row: dict[int, list[GridCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    row_ids = sorted(by_row)
    for r in row_ids:
        by_row[r].sort(key=lambda c: c.col)
    found: tuple[int, list[_Group]] | None = None
    cover: dict[tuple[int, int], GridCell] = {}
    for r in row_ids[:_SCAN]:
        repeats = _repeats(by_row[r], words)
        if repeats is None:
            continue
        cover = cover or _covers(cells)
        groups = _groups(repeats, cover, words)
        if groups is not None:
            found = (r, groups)
            break
    if found is None:
        return None
    bottom, groups = found
    width = max(c.col + min(max(1, c.colspan), _MAX_SPAN) for c in cells)
    taken = {c for g in groups for c in g.cols}
    heads_at_bottom = [cover[(bottom, c)] for c in range(width) if (bottom, c) in cover]
    labels = [cell for g in groups for cell in g.levels.values()]
    top = min(c.row for c in [*heads_at_bottom, *labels])
    columns = _columns(top, bottom, width, taken, cover, words)
    name_at = _name_column(columns)
    if name_at is None:
        return None
    name_col = columns[name_at]
    others = [(k, col) for k, col in enumerate(columns) if k != name_at]

    blocks: list[_Block] = []
    owner: GridCell | None = None
    leftover: list[list[GridCell]] = []  # rows before the first block
    for r in row_ids:
        if r <= bottom:
            continue
        row = by_row[r]
        names = _own(row, name_col.cols)
        name = names[0] if names else None
        inds = {k: own for k, g in enumerate(groups) if (own := _own(row, g.cols))}
        fields = {k: own[0] for k, col in others if (own := _own(row, col.cols))}
        used = {id(c) for c in names} | {id(c) for v in inds.values() for c in v}
        used |= {id(c) for c in fields.values()}
        rest = [c for c in row if id(c) not in used]
        # Text beside the name (a goal), not only amounts: the row is a project's.
        says = any(not _is_amount(_text(c)) and not words.blank(_text(c)) for c in fields.values())
        block = blocks[-1] if blocks else None
        if name is not None and words.remark(_text(name)):
            (block.extra if block is not None else leftover).append(row)
            continue
        if (
            name is not None
            and block is not None
            and block.name is not None
            and _text(name) == _text(block.name)
        ):
            name = None  # the name repeated on each row of its block
        if name is not None and not inds and not says:
            # A department or unit with its subtotal (or the 合计): no project, the unit of
            # the projects under it.
            if not words.total(_text(name)):
                owner = name
            note(
                Stage.PROJECTS,
                name.source,
                f"“{_text(name)}”是单位或合计行，不是项目",
                "名称行没有指标和目标（宽表）",
            )
            if rest:
                (block.extra if block is not None else leftover).append(rest)
            continue
        if name is not None or block is None:
            if name is None and not inds and not fields:
                leftover.append(row)
                continue
            block = _Block(name, owner)
            blocks.append(block)
        for k, cell in fields.items():
            if k not in block.fields and not (name is None and _ZERO.match(fold(_text(cell)))):
                block.fields[k] = cell
            elif _text(block.fields.get(k, cell)) != _text(cell) and not _ZERO.match(
                fold(_text(cell))
            ):
                rest.append(cell)
        if inds:
            block.rows.append(inds)
        if rest:
            block.extra.append(rest)
    if not any(b.rows for b in blocks):
        return None
    note(
        Stage.TABLE,
        by_row[bottom][0].source,
        f"宽表：{len(blocks)} 个项目，每个项目一行或一组行",
        f"表头按类别重复“{' · '.join(_text(c) for c in groups[0].heads)}”"
        f"（{'、'.join(_text(next(iter(g.levels.values()))) for g in groups)}）",
    )
    return _stacked(grid, by_row, row_ids, top, groups, name_col, others, blocks, leftover)


def _stacked(
    grid: Grid,
    by_row: dict[int, list[GridCell]],
    row_ids: Sequence[int],
    top: int,
    groups: Sequence[_Group],
    name_col: _Column,
    others: Sequence[tuple[int, _Column]],
    blocks: Sequence[_Block],
    leftover: Sequence[Sequence[GridCell]],
) -> Grid:
    """The rows of the stacked forms (see :func:`unpivot_wide`)."""
    out: list[GridCell] = []
    at = 0

    def emit(row: Sequence[GridCell], *, keep_cols: bool = False, start: int = 0) -> None:
        nonlocal at
        for k, cell in enumerate(row):
            col = cell.col if keep_cols else start + k
            out.append(
                GridCell(cell.text, at, col, 1, cell.colspan if keep_cols else 1, cell.source)
            )
        at += 1

    def label(text: str, head: GridCell) -> GridCell:
        return GridCell(text, 0, 0, source=head.source)

    for r in row_ids:
        if r < top:
            emit(by_row[r], keep_cols=True)  # titles and notes above the table
    for row in leftover:
        emit(row)
    levels = sorted({level for g in groups for level in g.levels})
    level_words = {1: "一级指标", 2: "二级指标"}
    first = groups[0]
    # The category columns come last, so that an indicator row starts at its name's cell
    # (the row's provenance).
    name_head = first.heads[0]
    name_is_label = any(cell is name_head for cell in first.levels.values())
    header = [label("三级指标" if name_is_label else _text(name_head), name_head)]
    header.extend(label(_text(h), h) for h in first.heads[1:])
    header.extend(label(level_words[lv], first.levels.get(lv) or name_head) for lv in levels)
    for block in blocks:
        if block.name is not None:
            emit([label("项目名称", name_col.head), block.name])
        if block.owner is not None and not any(
            "单位" in col.label for k, col in others if k in block.fields
        ):
            emit([label("单位名称", block.owner), block.owner])
        for k, col in others:
            if k in block.fields:
                emit([label(col.label, col.head), block.fields[k]])
        emit(header)
        for g_at, group in enumerate(groups):
            tags = [group.levels.get(lv) for lv in levels]
            for cells in block.rows:
                own = cells.get(g_at)
                if not own:
                    continue
                line: list[GridCell] = []
                for head in group.heads:
                    mine = [c for c in own if c.col in _span(head)]
                    text = "\n".join(c.text for c in mine)
                    line.append(GridCell(text, 0, 0, source=mine[0].source if mine else None))
                line.extend(
                    label(_text(tag), tag) if tag is not None else GridCell("", 0, 0)
                    for tag in tags
                )
                emit(line)
        for row in block.extra:
            # Cells the block does not place (a second amount, a note): beyond the header's
            # columns, so that the interpreter reports them instead of reading an indicator.
            emit(row, start=len(header))
    # Empty cells keep their place in a row (the columns are by position): drop them now.
    return Grid(
        cells=tuple(c for c in out if c.text.strip()),
        title=grid.title,
        page=grid.page,
        sheet=grid.sheet,
    )
