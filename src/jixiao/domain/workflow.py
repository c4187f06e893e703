"""The target-table workflow and who may do what: pure rules, no I/O.

A table (a unit's overall targets or a project's indicator table) moves through::

    草稿 draft ──submit──▶ 已提交 submitted ──review 优/良──▶ 已审核 reviewed ──approve──▶ 已批复 approved
        ▲                        │ review 中/差 (退回)                                   │
        └────────────────────────┘◀──────────────── adjust (调整, with a reason) ────────┘

Approved tables are locked; an adjustment opens a new version (a draft again) that must be
submitted, reviewed and approved like the first.  Every approved version stays readable.

:func:`check` answers whether an actor may perform an action on a table and, when not,
says why in Chinese; :func:`next_status` gives the status an allowed action leads to.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"  # 草稿 (also: returned 退回, and an adjustment in progress)
    SUBMITTED = "submitted"  # 已提交
    REVIEWED = "reviewed"  # 已审核
    APPROVED = "approved"  # 已批复


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "已提交",
    Status.REVIEWED: "已审核",
    Status.APPROVED: "已批复",
}


class Role(StrEnum):
    UNIT = "unit"  # 单位填报: edits its own unit's tables
    DEPARTMENT = "department"  # 主管部门审核: reviews its units' tables
    FINANCE = "finance"  # 财政审核: reviews and approves all tables
    CONGRESS = "congress"  # 人大监督: reads approved tables, comments, asks, exports
    AUDIT = "audit"  # 审计: reads approved tables, comments, asks, exports
    ADMIN = "admin"  # 管理员: users and settings


ROLE_LABELS: dict[Role, str] = {
    Role.UNIT: "单位填报",
    Role.DEPARTMENT: "主管部门审核",
    Role.FINANCE: "财政审核",
    Role.CONGRESS: "人大监督",
    Role.AUDIT: "审计",
    Role.ADMIN: "管理员",
}


class Action(StrEnum):
    IMPORT = "import"  # 导入
    EDIT = "edit"  # create, change or delete rows and table fields
    SUBMIT = "submit"  # 提交
    REVIEW = "review"  # 审核
    APPROVE = "approve"  # 批复
    ADJUST = "adjust"  # 调整
    COMMENT = "comment"  # 意见 / 询问
    MANAGE_USERS = "manage_users"
    REPORT = "report"  # 填报完成情况: actuals at the checkpoint and at year end
    RESCORE = "rescore"  # 人工评分: a manual score (adjustment) with its reason
    # 登记批复: record targets that were approved outside jixiao (a published document) as
    # approved, with the source named in the reason.
    RECORD_APPROVED = "record_approved"


ACTION_LABELS: dict[Action, str] = {
    Action.IMPORT: "导入",
    Action.EDIT: "编辑",
    Action.SUBMIT: "提交",
    Action.REVIEW: "审核",
    Action.APPROVE: "批复",
    Action.ADJUST: "调整",
    Action.COMMENT: "发表意见",
    Action.MANAGE_USERS: "管理用户",
    Action.REPORT: "填报完成情况",
    Action.RESCORE: "人工评分",
    Action.RECORD_APPROVED: "登记批复",
}


class Grade(StrEnum):
    """Review grades (财预〔2015〕88号)."""

    EXCELLENT = "优"  # goes straight on
    GOOD = "良"  # small agreed changes
    FAIR = "中"  # revise and resubmit
    POOR = "差"  # may not enter the budget

    @property
    def passes(self) -> bool:
        return self in (Grade.EXCELLENT, Grade.GOOD)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a role, and the unit or department the role is bound to."""

    username: str
    role: Role
    unit: str | None = None  # for Role.UNIT
    department: str | None = None  # for Role.DEPARTMENT


@dataclass(frozen=True, slots=True)
class TableRef:
    """What the rules need to know of a table."""

    unit: str
    department: str | None
    status: Status


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


_OK = Decision(True)

_ALLOWED_FROM: dict[Action, tuple[Status, ...]] = {
    Action.EDIT: (Status.DRAFT,),
    Action.SUBMIT: (Status.DRAFT,),
    Action.REVIEW: (Status.SUBMITTED,),
    Action.APPROVE: (Status.REVIEWED,),
    Action.ADJUST: (Status.APPROVED,),
    # Actuals and scores are reported against approved targets only.
    Action.REPORT: (Status.APPROVED,),
    Action.RESCORE: (Status.APPROVED,),
    Action.RECORD_APPROVED: (Status.DRAFT,),
}

_ROLES_FOR: dict[Action, tuple[Role, ...]] = {
    Action.IMPORT: (Role.UNIT, Role.FINANCE, Role.ADMIN),
    Action.EDIT: (Role.UNIT,),
    Action.SUBMIT: (Role.UNIT,),
    Action.REVIEW: (Role.DEPARTMENT, Role.FINANCE),
    Action.APPROVE: (Role.FINANCE,),
    Action.ADJUST: (Role.UNIT, Role.FINANCE),
    Action.COMMENT: tuple(Role),
    Action.MANAGE_USERS: (Role.ADMIN,),
    # The unit reports its own actuals (an administrator does not: separation of duties;
    # the command line loads a unit's file on the server, see services/access.py).
    Action.REPORT: (Role.UNIT,),
    # The unit scores its own self-evaluation; reviewers may mark a score down (DOMAIN.md §5).
    Action.RESCORE: (Role.UNIT, Role.DEPARTMENT, Role.FINANCE),
    Action.RECORD_APPROVED: (Role.FINANCE, Role.ADMIN),
}


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def check(actor: Actor, action: Action, table: TableRef | None = None) -> Decision:
    """Whether ``actor`` may perform ``action`` (on ``table``, for table actions)."""
    label = ACTION_LABELS[action]
    if actor.role not in _ROLES_FOR[action]:
        return _deny(f"角色“{ROLE_LABELS[actor.role]}”无权{label}")
    if table is None or action is Action.COMMENT:
        return _OK  # comments and inquiries (意见、询问) are open to every role on every table
    if actor.role is Role.UNIT and actor.unit != table.unit:
        return _deny(f"只能{label}本单位（{actor.unit or '未指定'}）的绩效目标表")
    if actor.role is Role.DEPARTMENT and (
        table.department is None or actor.department != table.department
    ):
        return _deny(f"只能{label}本部门（{actor.department or '未指定'}）所属单位的绩效目标表")
    allowed = _ALLOWED_FROM.get(action)
    if allowed is not None and table.status not in allowed:
        return _deny(
            f"状态为“{STATUS_LABELS[table.status]}”的绩效目标表不能{label}"
            + ("（已批复的目标须通过调整修改）" if table.status is Status.APPROVED else "")
        )
    return _OK


def next_status(action: Action, status: Status, grade: Grade | None = None) -> Status:
    """The status after an allowed action (unchanged for actions that keep it)."""
    if action is Action.SUBMIT:
        return Status.SUBMITTED
    if action is Action.REVIEW:
        if grade is None:
            raise ValueError("a review needs a grade")
        return Status.REVIEWED if grade.passes else Status.DRAFT
    if action in (Action.APPROVE, Action.RECORD_APPROVED):
        return Status.APPROVED
    if action is Action.ADJUST:
        return Status.DRAFT
    return status
