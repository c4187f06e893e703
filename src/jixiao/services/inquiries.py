"""Inquiries (询问): a deputy, reviewer or auditor asks about a table or one of its rows, the
unit answers, the thread is kept.

Who (services/access.py decides): 人大监督, 财政审核, 审计, 管理员 and the table's 主管部门
ask, on the tables they may read; the side that asked (its role: 人大 owns its inquiries)
follows up and closes; the table's own unit (单位填报) answers.  Every message is audited with its table.  An inquiry
is ``open`` until answered, ``answered`` until asked again or closed, ``closed`` for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from jixiao.domain.workflow import ROLE_LABELS, Actor, Role, TableRef
from jixiao.services import access, tables
from jixiao.services.errors import Invalid, NotFound
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import (
    GoalRow,
    IndicatorRow,
    InquiryMessageRow,
    InquiryRow,
    TargetTableRow,
)
from jixiao.store.tables import ref_of

__all__ = [
    "STATUS_LABELS",
    "Inquiry",
    "Message",
    "answer",
    "ask",
    "close",
    "follow_up",
    "for_table",
    "listing",
    "may_follow_up",
    "open_count",
]

STATUS_LABELS = {"open": "待答复", "answered": "已答复", "closed": "已办结"}
_MAX_SUBJECT = 200
_MAX_BODY = 5000


@dataclass(frozen=True, slots=True)
class Message:
    kind: str  # question, answer
    author: str
    role: str  # its label
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Inquiry:
    id: int
    table_id: int
    table: str
    unit: str
    fiscal_year: int | None
    item: str | None  # the indicator or work item asked about
    position: int | None  # its row in the table, when it still exists
    subject: str
    status: str
    asked_by: str
    asked_role: str  # the side that asked owns the inquiry (follows up, closes)
    created_at: datetime
    messages: tuple[Message, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def _text(value: str, field: str, label: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise Invalid(f"{label}不能为空", field)
    if len(text) > limit:
        raise Invalid(f"{label}不能超过 {limit} 个字", field)
    return text


def may_follow_up(actor: Actor, table: TableRef, inquiry: Inquiry) -> bool:
    """Whether ``actor`` may follow up or close ``inquiry`` (on ``table``)."""
    ref = access.InquiryRef(table=table, asked_role=Role(inquiry.asked_role))
    return access.may(actor, access.Read.FOLLOW_UP, ref)


def _ref(row: InquiryRow, uow: UnitOfWork) -> access.InquiryRef:
    table = ref_of(uow.tables.get(row.table_id))
    return access.InquiryRef(table=table, asked_role=Role(row.asked_role))


def ask(
    uow: UnitOfWork,
    actor: Actor,
    table_id: int,
    subject: str,
    body: str,
    *,
    position: int | None = None,
) -> int:
    """Open an inquiry on a table (or its row ``position``); its id."""
    subject = _text(subject, "subject", "询问主题", _MAX_SUBJECT)
    body = _text(body, "body", "询问内容", _MAX_BODY)
    with uow:
        row = uow.tables.get(table_id)
        access.require(actor, access.Read.ASK, ref_of(row))
        indicator_id = goal_id = None
        item = None
        if position is not None:
            rows: list[IndicatorRow] | list[GoalRow] = (
                row.goals if row.kind == tables.OVERALL else row.indicators
            )
            if not 0 <= position < len(rows):
                raise NotFound(f"绩效目标表 {table_id} 没有第 {position + 1} 行")
            target = rows[position]
            if isinstance(target, GoalRow):
                goal_id, item = target.id, target.work
            else:
                indicator_id, item = target.id, target.name
        inquiry = InquiryRow(
            table_id=table_id,
            indicator_id=indicator_id,
            goal_id=goal_id,
            item=item,
            subject=subject,
            status="open",
            asked_by=actor.username,
            asked_role=actor.role.value,
        )
        inquiry.messages.append(
            InquiryMessageRow(
                kind="question", author=actor.username, role=actor.role.value, body=body
            )
        )
        uow.session.add(inquiry)
        uow.session.flush()
        uow.audit(
            actor.username,
            "ask",
            "inquiry",
            inquiry.id,
            table_id=table_id,
            after={"subject": subject, "item": item, "body": body},
        )
        uow.commit()
        return inquiry.id


def _inquiry(uow: UnitOfWork, inquiry_id: int) -> InquiryRow:
    found = uow.session.get(InquiryRow, inquiry_id)
    if found is None:
        raise NotFound(f"询问 {inquiry_id} 不存在")
    return found


def _add(uow: UnitOfWork, actor: Actor, row: InquiryRow, kind: str, body: str, status: str) -> None:
    row.messages.append(
        InquiryMessageRow(kind=kind, author=actor.username, role=actor.role.value, body=body)
    )
    before = row.status
    row.status = status
    uow.session.flush()
    uow.audit(
        actor.username,
        kind,
        "inquiry",
        row.id,
        table_id=row.table_id,
        before={"status": before},
        after={"status": status, "body": body},
    )


def answer(uow: UnitOfWork, actor: Actor, inquiry_id: int, body: str) -> None:
    """The unit answers (the inquiry becomes ``answered``)."""
    body = _text(body, "body", "答复内容", _MAX_BODY)
    with uow:
        row = _inquiry(uow, inquiry_id)
        access.require(actor, access.Read.ANSWER, _ref(row, uow))
        if row.status == "closed":
            raise Invalid("询问已办结，不能再答复", "body")
        _add(uow, actor, row, "answer", body, "answered")
        uow.commit()


def follow_up(uow: UnitOfWork, actor: Actor, inquiry_id: int, body: str) -> None:
    """The asking side asks again (the inquiry is ``open`` again)."""
    body = _text(body, "body", "追问内容", _MAX_BODY)
    with uow:
        row = _inquiry(uow, inquiry_id)
        access.require(actor, access.Read.FOLLOW_UP, _ref(row, uow))
        if row.status == "closed":
            raise Invalid("询问已办结，不能再追问", "body")
        _add(uow, actor, row, "question", body, "open")
        uow.commit()


def close(uow: UnitOfWork, actor: Actor, inquiry_id: int, note: str = "") -> None:
    """The asking side closes the inquiry (with an optional note)."""
    with uow:
        row = _inquiry(uow, inquiry_id)
        access.require(actor, access.Read.FOLLOW_UP, _ref(row, uow))
        if row.status == "closed":
            raise Invalid("询问已办结", "status")
        _add(uow, actor, row, "note", note.strip() or "办结", "closed")
        uow.commit()


def _domain(row: InquiryRow, table: TargetTableRow, positions: dict[int, int]) -> Inquiry:
    key = row.goal_id if row.goal_id is not None else row.indicator_id
    return Inquiry(
        id=row.id,
        table_id=row.table_id,
        table=table.name,
        unit=table.unit.name,
        fiscal_year=table.fiscal_year,
        item=row.item,
        position=positions.get(key) if key is not None else None,
        subject=row.subject,
        status=row.status,
        asked_by=row.asked_by,
        asked_role=row.asked_role,
        created_at=row.created_at,
        messages=tuple(
            Message(m.kind, m.author, ROLE_LABELS[Role(m.role)], m.body, m.created_at)
            for m in row.messages
        ),
    )


def for_table(uow: UnitOfWork, table_id: int, actor: Actor | None = None) -> list[Inquiry]:
    """A table's inquiries with their threads, newest first (when ``actor`` may read it)."""
    with uow:
        table = uow.tables.get(table_id)
        if actor is not None:
            access.require(actor, access.Read.TABLE, ref_of(table))
        return for_table_in(uow, table)


def for_table_in(uow: UnitOfWork, table: TargetTableRow) -> list[Inquiry]:
    """:func:`for_table` of a table already read (and its reading allowed) inside the
    caller's unit of work."""
    rows: list[IndicatorRow | GoalRow] = list(
        table.goals if table.kind == tables.OVERALL else table.indicators
    )
    positions = {r.id: k for k, r in enumerate(rows)}
    found = uow.session.execute(
        select(InquiryRow)
        .where(InquiryRow.table_id == table.id)
        .options(selectinload(InquiryRow.messages))
        .order_by(InquiryRow.id.desc())
    ).scalars()
    return [_domain(r, table, positions) for r in found]


def listing(
    uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 200
) -> list[Inquiry]:
    """The inquiries an actor deals with: those on the tables it may read (a unit's about
    its tables, a 主管部门's about its units'); newest first."""
    with uow:
        query = (
            select(InquiryRow, TargetTableRow)
            .join(TargetTableRow, TargetTableRow.id == InquiryRow.table_id)
            .where(access.table_scope(actor))
            .options(selectinload(InquiryRow.messages))
            .order_by(InquiryRow.id.desc())
            .limit(limit)
        )
        if status:
            query = query.where(InquiryRow.status == status)
        return [_domain(r, t, {}) for r, t in uow.session.execute(query).all()]


def open_count(uow: UnitOfWork, actor: Actor) -> int:
    """How many inquiries wait: for a unit, unanswered ones about it; for askers, answered
    ones waiting to be read or closed."""
    waiting = access.inquiry_waits_for(actor)
    with uow:
        query = (
            select(func.count())
            .select_from(InquiryRow)
            .join(TargetTableRow, TargetTableRow.id == InquiryRow.table_id)
            .where(InquiryRow.status == waiting)
            .where(access.table_scope(actor))
        )
        return int(uow.session.execute(query).scalar_one())
