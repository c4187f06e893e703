"""What the use cases return to web and CLI: plain dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jixiao.domain.model import Document, Funds, Goal, Indicator, Nature
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Direction, Number, TargetValue
from jixiao.domain.workflow import STATUS_LABELS, Action, Status
from jixiao.store.tables import extras_of


@dataclass(frozen=True, slots=True)
class TableSummary:
    id: int
    kind: str  # "overall" | "project"
    name: str
    unit: str
    department: str | None
    fiscal_year: int | None
    status: Status
    version: int
    rows: int
    updated_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return "部门整体" if self.kind == "overall" else "项目"


@dataclass(frozen=True, slots=True)
class IndicatorView:
    id: int
    position: int
    level1: str
    level2: str
    name: str
    level1_label: str | None
    level2_label: str | None
    half_year: TargetValue | None
    full_year: TargetValue | None
    long_term: TargetValue | None
    source: Provenance | None
    lock: int
    # what else the table printed (see domain.model.Indicator)
    weight: Number | None = None
    direction: Direction | None = None
    nature: Nature | None = None
    basis: str = ""
    explanation: str = ""
    standard: str = ""
    remark: str = ""


@dataclass(frozen=True, slots=True)
class GoalView:
    id: int
    position: int
    seq: str
    function: str
    work: str
    goal: str
    target: TargetValue | None
    source: Provenance | None
    lock: int


@dataclass(frozen=True, slots=True)
class ReviewView:
    reviewer: str
    role: str
    grade: str
    opinion: str
    version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CommentView:
    id: int
    author: str
    role: str
    body: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int
    reason: str | None
    approved_by: str
    approved_at: datetime
    snapshot: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TableDetail:
    id: int
    kind: str
    name: str
    unit: str
    department: str | None
    fiscal_year: int | None
    start_year: int | None
    end_year: int | None
    funds: Funds | None  # 元, with the unit printed
    annual_goal: str
    long_term_goal: str
    status: Status
    version: int
    adjust_reason: str | None
    lock: int
    source: Provenance | None
    source_file: str | None
    indicators: tuple[IndicatorView, ...] = ()
    goals: tuple[GoalView, ...] = ()
    reviews: tuple[ReviewView, ...] = ()
    comments: tuple[CommentView, ...] = ()
    versions: tuple[int, ...] = ()
    actions: frozenset[Action] = field(default_factory=frozenset)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class PlacedWarning:
    """An import warning as a person reads it: its code's label and its message in
    Chinese, and the place in the file it concerns."""

    code: str
    label: str
    message: str
    location: Provenance | None


@dataclass(frozen=True, slots=True)
class PlannedTable:
    kind: str
    name: str
    unit: str
    fiscal_year: int | None
    rows: int
    exists: bool  # a table with the same key is already in the database
    # The table as it will be stored (the project page's layout), its rows' warnings by
    # the previewed row's id, and the warnings about the table as a whole.
    detail: TableDetail | None = None
    row_warnings: dict[int, tuple[PlacedWarning, ...]] = field(default_factory=dict)
    warnings: tuple[PlacedWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportPreview:
    document: Document
    tables: tuple[PlannedTable, ...]
    duplicate_of: str | None  # set when the same file was imported before
    problems: tuple[str, ...]  # reasons the import would be refused
    # Warnings that concern no table of the file (a page that is not a target table …).
    loose_warnings: tuple[PlacedWarning, ...] = ()

    @property
    def importable(self) -> bool:
        return not self.problems and self.duplicate_of is None


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    table_ids: tuple[int, ...]
    goals: int
    indicators: int
    warnings: int
    actuals: int = 0  # reports of actuals saved (published self-evaluation / monitoring)
    actuals_held: int = 0  # reports read but not saved: their tables are not approved


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    unit: str | None
    department: str | None
    active: bool
    must_change_password: bool = False


@dataclass(frozen=True, slots=True)
class TokenView:
    """An API token as its owner and the administrators see it (never the secret)."""

    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已撤销"
        if self.expires_at is not None and self.expires_at <= datetime.now(UTC):
            return "已过期"
        return "有效"


def indicator_view(id: int, position: int, lock: int, ind: Indicator) -> IndicatorView:
    """A domain indicator (from its row or a version's snapshot) as the pages show it."""
    return IndicatorView(
        id=id,
        position=position,
        level1=ind.level1,
        level2=ind.level2,
        name=ind.name,
        level1_label=ind.level1_label,
        level2_label=ind.level2_label,
        half_year=ind.half_year,
        full_year=ind.full_year,
        long_term=ind.long_term,
        source=ind.source,
        lock=lock,
        **extras_of(ind),
    )


def goal_view(id: int, position: int, lock: int, goal: Goal) -> GoalView:
    """A domain work item (from its row or a version's snapshot) as the pages show it."""
    return GoalView(
        id=id,
        position=position,
        seq=goal.seq,
        function=goal.function,
        work=goal.work,
        goal=goal.goal,
        target=goal.target,
        source=goal.source,
        lock=lock,
    )
