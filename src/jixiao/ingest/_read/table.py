"""A table as read: its fields, header and rows, before the projects are built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jixiao.domain.model import (
    Period,
)
from jixiao.domain.provenance import Provenance
from jixiao.ingest._explain import Stage, note
from jixiao.ingest._grid import GridCell

if TYPE_CHECKING:
    from jixiao.ingest._read.columns import _Header, _Role

# -- tables being read ---------------------------------------------------------------------


@dataclass
class _Value:
    text: str
    source: Provenance


@dataclass
class _IndRow:
    """An indicator row as read, before the taxonomy settles its levels."""

    source: Provenance
    l1: _Value | None
    l2: _Value | None
    name: _Value | None
    values: dict[Period, _Value]
    label_only: bool = False
    actuals: dict[str, _Value] = field(default_factory=dict)  # actual field → cell
    # A ragged row of one text cell: a name whose values follow on the next row, or text
    # wrapped from another row; imported only when values join it.
    tentative: bool = False
    # What else the row prints about the indicator: ``nature`` (指标性质), ``direction``
    # (指标方向) and the note columns by field (``basis``, ``explanation``, ``standard``,
    # ``remark``); the 权重 / 分值 is in ``actuals["weight"]``.
    extra: dict[str, _Value] = field(default_factory=dict)


@dataclass
class _GoalRow:
    source: Provenance
    seq: str
    function: str
    work: _Value | None
    goal: str
    target: _Value | None
    actuals: dict[str, _Value] = field(default_factory=dict)  # actual field → cell


@dataclass
class _Table:
    """One table being read: title, fields, header and rows."""

    kind_hint: str | None = None  # "overall" from the title
    year: int | None = None
    # 金额单位 printed for the table (金额单位：元, 项目资金（万元）), and the unit a funds label
    # names itself (年度资金总额（元）) by field.
    money_unit: str | None = None
    field_units: dict[str, str] = field(default_factory=dict)
    titles: list[tuple[str, Provenance]] = field(default_factory=list)
    fields: dict[str, _Value] = field(default_factory=dict)
    header: _Header | None = None
    rows: list[_IndRow] = field(default_factory=list)
    goals: list[_GoalRow] = field(default_factory=list)
    actuals: dict[str, Provenance] = field(default_factory=dict)  # column label → where
    # The funds block of a self-evaluation: headings by grid column (aligned grids) or by
    # position (ragged), and the figures of its 年度资金总额 row read under them.
    budget_heads: list[tuple[str | None, GridCell]] = field(default_factory=list)
    budget: dict[str, _Value] = field(default_factory=dict)
    unused_columns: dict[str, Provenance] = field(default_factory=dict)
    notes: list[tuple[str, str, Provenance]] = field(default_factory=list)  # pre-name warnings
    stray: list[tuple[str, Provenance]] = field(default_factory=list)  # rows before a header
    # A section after the indicators (监控发现问题 …): its heading and the rows under it.
    ended: tuple[str, Provenance] | None = None
    after_end: int = 0
    anchor: Provenance | None = None
    # A block of a list of many projects: the texts of its 项目名称 / 单位名称 / 预算数 /
    # 年度目标 cells (by role), and the first row's text when the block has no project.
    block: dict[_Role, str] = field(default_factory=dict)
    block_row: tuple[str, Provenance] | None = None
    block_at: tuple[int, int] | None = None  # (grid, row) of the block's first row
    # inheritance from the row above (empty level cells)
    cur_l1: _Value | None = None
    cur_l2: _Value | None = None
    above_l1: _Value | None = None  # a category printed left of the 一级 column (实施效果指标)
    cur_seq: str = ""
    cur_function: str = ""
    cur_work: _Value | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.header or self.rows or self.goals or "name" in self.fields)

    @property
    def kind(self) -> str | None:
        if self.header is not None:
            return self.header.kind
        if self.kind_hint == "overall":
            return "overall"
        if "name" in self.fields:
            return "project"
        return None

    def note(self, code: str, message: str, where: Provenance) -> None:
        self.notes.append((code, message, where))
        note(Stage.ROWS, where, "未导入", message)
