"""Who may do what: every role decision of jixiao in one place.

Web, CLI and the other services ask :func:`allowed` (or :func:`require`) with an actor,
an action and, for actions on a table, the table (:class:`~jixiao.domain.workflow.TableRef`)
— the way Datasette asks ``allowed(action, resource, actor)`` everywhere.  The write rules
of the workflow (who edits, submits, reviews, approves, adjusts, reports) are the domain's
(:func:`jixiao.domain.workflow.check`); this module adds the reads, the scopes and the
separation of duties.  docs/security.md has the tables.

Scopes (what a role reads):

* 单位填报 — its own unit's tables only (drafts, history, versions, actuals);
* 主管部门审核 — the tables of the units of its own department;
* 财政审核, 管理员 — every table;
* 人大监督, 审计 — every *approved* (已批复, published with the budget) table: its content,
  history, actuals, scores and monitoring; the approved versions of every table.  Drafts,
  tables under review and adjustments in progress are not theirs to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, or_, select, true

from jixiao.domain.workflow import (
    ROLE_LABELS,
    Action,
    Actor,
    Decision,
    Role,
    Status,
    TableRef,
    check,
)
from jixiao.services.errors import Invalid, PermissionDenied
from jixiao.store.models import DepartmentRow, TargetTableRow, UnitRow


class Read(StrEnum):
    """Reads (and the other actions the domain's workflow does not know)."""

    TABLE = "read"  # a table: content, findings, actuals, scores, monitoring, comments, downloads
    HISTORY = "read_history"  # its audit trail (every write, before → after)
    VERSION = "read_version"  # an approved version (a snapshot)
    UNIT = "read_unit"  # a unit's pages: evaluation and monitoring of its tables
    OVERSIGHT = "oversight"  # the oversight dashboard (counts, rankings, warnings)
    VERIFY_AUDIT = "verify_audit"  # check the audit trail
    ASK = "ask"  # open an inquiry (询问) on a table
    ANSWER = "answer"  # answer an inquiry
    FOLLOW_UP = "follow_up"  # ask again, or close (办结), an inquiry


AnyAction = Action | Read

_OK = Decision(True)

#: Roles whose reads are held to approved tables (published with the budget).
_APPROVED_ONLY = frozenset({Role.CONGRESS, Role.AUDIT})
#: Roles that read every table.
_ALL = frozenset({Role.FINANCE, Role.ADMIN})
#: Who opens the oversight dashboard (a 主管部门 sees its own units there).
_OVERSEERS = frozenset({Role.CONGRESS, Role.FINANCE, Role.AUDIT, Role.ADMIN, Role.DEPARTMENT})
#: Who may check the audit trail.
_VERIFIERS = frozenset({Role.ADMIN, Role.AUDIT, Role.CONGRESS, Role.FINANCE})
#: Who asks (询问): the supervising side.
_ASKERS = frozenset({Role.CONGRESS, Role.FINANCE, Role.AUDIT, Role.ADMIN, Role.DEPARTMENT})

#: The actor the command line acts as (the operator on the server itself).
SYSTEM_NAME = "system"

#: The role that manages users and API tokens; one of them must stay enabled.
MANAGER = Role.ADMIN

#: The actor for work the system does itself (set-up, command-line administration).
SYSTEM = Actor(username=SYSTEM_NAME, role=MANAGER)


@dataclass(frozen=True, slots=True)
class InquiryRef:
    """What the rules need to know of an inquiry: its table and who asked it."""

    table: TableRef
    asked_role: Role


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def is_system(actor: Actor) -> bool:
    """The command line's own actor (``jixiao`` run on the server), not a web user."""
    return actor.username == SYSTEM_NAME and actor.role is MANAGER


def role_of(value: Role | str) -> Role:
    """The role named ``value`` (its code, e.g. ``unit``), or :class:`Invalid` listing them."""
    try:
        return Role(value)
    except ValueError:
        choices = "、".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in Role)
        raise Invalid(f"未知角色“{value}”，可选：{choices}", "role") from None


def check_binding(role: Role, unit: str | None, department: str | None) -> None:
    """A 单位填报 user belongs to a unit, a 主管部门 user to a department: :class:`Invalid`
    when the one the role needs is missing."""
    if role is Role.UNIT and not unit:
        raise Invalid("单位填报用户必须指定所属单位", "unit")
    if role is Role.DEPARTMENT and not department:
        raise Invalid("主管部门审核用户必须指定主管部门", "department")


def bound_to_unit(role: Role) -> bool:
    """Whether a user of ``role`` is held to a unit (单位填报)."""
    return role is Role.UNIT


def bound_to_department(role: Role) -> bool:
    """Whether a user of ``role`` is held to a department (主管部门审核)."""
    return role is Role.DEPARTMENT


def _in_scope(actor: Actor, table: TableRef) -> Decision:
    """Whether the table is in the actor's scope (own unit, own department, all)."""
    if actor.role is Role.UNIT and actor.unit != table.unit:
        return _deny(f"只能查看本单位（{actor.unit or '未指定'}）的绩效目标表")
    if actor.role is Role.DEPARTMENT and (
        table.department is None or actor.department != table.department
    ):
        return _deny(f"只能查看本部门（{actor.department or '未指定'}）所属单位的绩效目标表")
    return _OK


def _read(actor: Actor, action: Read, table: TableRef | None) -> Decision:
    label = ROLE_LABELS[actor.role]
    if table is None:
        return _OK
    scoped = _in_scope(actor, table)
    if not scoped:
        return scoped
    if (
        actor.role in _APPROVED_ONLY
        and action is not Read.VERSION
        and table.status is not Status.APPROVED
    ):
        return _deny(f"角色“{label}”只能查看已批复的绩效目标表（该表尚未批复或正在调整）")
    return _OK


def allowed(
    actor: Actor, action: AnyAction, target: TableRef | InquiryRef | None = None
) -> Decision:
    """Whether ``actor`` may do ``action`` (on ``target``); when not, why, in Chinese."""
    label = ROLE_LABELS[actor.role]
    table = target.table if isinstance(target, InquiryRef) else target
    if isinstance(action, Action):
        if action is Action.REPORT and is_system(actor) and table is not None:
            # The operator loads a unit's file of actuals on the server (jixiao actuals):
            # the rules of that unit apply (approved targets only).
            return check(Actor(actor.username, Role.UNIT, unit=table.unit), action, table)
        if action is Action.COMMENT and table is not None:
            # 意见: every role, on the tables it may read (a unit on its own, …).
            readable = _read(actor, Read.TABLE, table)
            if not readable:
                return _deny(readable.reason.replace("查看", "评论"))
        return check(actor, action, table)
    if action in (Read.TABLE, Read.HISTORY, Read.VERSION):
        return _read(actor, action, table)
    if action is Read.UNIT:
        return _OK if table is None else _in_scope(actor, table)
    if action is Read.OVERSIGHT:
        return _OK if actor.role in _OVERSEERS else _deny("没有查看监督视图的权限")
    if action is Read.VERIFY_AUDIT:
        return _OK if actor.role in _VERIFIERS else _deny(f"角色“{label}”无权校验审计记录")
    if action is Read.ASK:
        if actor.role not in _ASKERS:
            return _deny("只有人大、财政、审计和主管部门可以询问")
        if table is not None and actor.role is Role.DEPARTMENT and not _in_scope(actor, table):
            return _deny("主管部门只能询问本部门所属单位")
        return _read(actor, Read.TABLE, table)
    if action is Read.ANSWER:
        if actor.role is not Role.UNIT or table is None or actor.unit != table.unit:
            return _deny("只有被询问单位的填报人员可以答复")
        return _OK
    if action is Read.FOLLOW_UP:
        # 人大 owns its inquiries: only the role that asked follows up or closes (办结).
        asking = allowed(actor, Read.ASK, table)
        if not asking:
            return asking
        if isinstance(target, InquiryRef) and target.asked_role is not actor.role:
            return _deny(
                f"该询问由“{ROLE_LABELS[target.asked_role]}”提出，只有提出方可以追问或办结"
            )
        return _OK
    raise ValueError(f"unknown action {action!r}")  # pragma: no cover - enum is closed


def require(actor: Actor, action: AnyAction, target: TableRef | InquiryRef | None = None) -> None:
    """:func:`allowed`, or :class:`PermissionDenied` with its reason."""
    decision = allowed(actor, action, target)
    if not decision:
        raise PermissionDenied(decision.reason)


def may(
    actor: Actor | None, action: AnyAction, target: TableRef | InquiryRef | None = None
) -> bool:
    """:func:`allowed` as a bool; an anonymous visitor may nothing."""
    return actor is not None and bool(allowed(actor, action, target))


def is_unit_user(actor: Actor | None) -> bool:
    """A 单位填报 user (pages send them to their own unit's views)."""
    return actor is not None and actor.role is Role.UNIT


def fixed_department(actor: Actor) -> str | None:
    """The department a role's views are held to (a 主管部门's own), else None."""
    return actor.department if actor.role is Role.DEPARTMENT else None


def fixed_unit(actor: Actor) -> str | None:
    """The unit a role's views are held to (a 单位填报 user's own), else None."""
    return actor.unit if actor.role is Role.UNIT else None


def visible_statuses(actor: Actor | None) -> frozenset[Status] | None:
    """The workflow states of the tables ``actor`` may read (None: every state).  The
    oversight views count, rank and list only these, as the single-table reads allow."""
    if actor is not None and actor.role in _APPROVED_ONLY:
        return frozenset({Status.APPROVED})
    return None


def table_scope(actor: Actor | None) -> ColumnElement[bool]:
    """The tables ``actor`` may read, as a condition on ``target_table`` (needs no join):
    the listing, downloads and counts use it; ``None`` (the command line) reads all."""
    if actor is None or actor.role in _ALL:
        return true()
    if actor.role is Role.UNIT:
        return TargetTableRow.unit_id.in_(select(UnitRow.id).where(UnitRow.name == actor.unit))
    if actor.role is Role.DEPARTMENT:
        own_units = (
            select(UnitRow.id)
            .join(DepartmentRow, DepartmentRow.id == UnitRow.department_id)
            .where(DepartmentRow.name == actor.department)
        )
        without = select(UnitRow.id).where(UnitRow.department_id.is_(None))
        return or_(
            TargetTableRow.unit_id.in_(own_units),
            and_(
                TargetTableRow.unit_id.in_(without),
                TargetTableRow.department == actor.department,
            ),
        )
    if actor.role in _APPROVED_ONLY:
        return TargetTableRow.status == Status.APPROVED.value
    return TargetTableRow.id.is_(None)  # a role added later reads nothing until it is given


def inquiry_waits_for(actor: Actor) -> str:
    """Which inquiries wait for ``actor``: a unit answers ``open`` ones, askers read
    ``answered`` ones."""
    return "open" if actor.role is Role.UNIT else "answered"


__all__ = [
    "MANAGER",
    "SYSTEM",
    "SYSTEM_NAME",
    "AnyAction",
    "InquiryRef",
    "Read",
    "allowed",
    "bound_to_department",
    "bound_to_unit",
    "check_binding",
    "fixed_department",
    "fixed_unit",
    "inquiry_waits_for",
    "is_system",
    "is_unit_user",
    "may",
    "require",
    "role_of",
    "table_scope",
    "visible_statuses",
]
