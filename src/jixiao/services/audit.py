"""Use cases on the audit trail: verify it (chain, anchor, table states), checkpoint it,
and record the events that are not writes (logins, failed logins, token use, downloads)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from jixiao.domain.audit import AuditEntry, VerifyResult, same, verify
from jixiao.services import trail
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import AuditHeadRow, AuditRow, AuditStateRow, TargetTableRow

#: Events that change nothing but are kept in the trail (entity "session" / "download").
EVENTS = frozenset({"login", "login_failed", "logout", "token_use", "download"})


def _entries(uow: UnitOfWork) -> list[AuditEntry]:
    rows = uow.session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
    return [
        AuditEntry(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            table_id=r.table_id,
            before=r.before,
            after=r.after,
            prev_hash=r.prev_hash,
            hash=r.hash,
        )
        for r in rows
    ]


def verify_chain(uow: UnitOfWork) -> VerifyResult:
    """Recompute the whole chain with the key; also catches entries removed from its end
    (the head row, and the anchor outside the database)."""
    config = uow.config
    key = config.key if config is not None else None
    with uow:
        entries = _entries(uow)
        result = verify(entries, key)
        if not result.ok:
            return result
        head = uow.session.get(AuditHeadRow, 1)
        head_seq = head.seq if head is not None else 0
        if head_seq != result.checked:
            return VerifyResult(
                False,
                result.checked,
                result.checked + 1,
                f"the chain ends at entry {result.checked} but its head says {head_seq}: "
                "entries were removed from its end",
            )
        if config is not None:
            problem = _anchor_problem(config, entries)
            if problem is not None:
                return VerifyResult(False, result.checked, problem[0], problem[1])
        return result


def _anchor_problem(
    config: trail.TrailConfig, entries: list[AuditEntry]
) -> tuple[int | None, str] | None:
    """The first disagreement between the anchor (outside the database) and the chain."""
    by_seq = {e.seq: e.hash for e in entries}
    last = len(entries)
    anchored = list(trail.read_anchor(config))
    for bad in (a for a in anchored if not a.ok):
        return None, (
            f"anchor line {bad.line} of {config.anchor} is not signed with the audit key "
            "(the anchor file was altered)"
        )
    furthest = max((a.seq for a in anchored), default=0)
    if furthest > last:
        return furthest, (
            f"the anchor outside the database records entry {furthest}, but the chain ends "
            f"at entry {last}: entries were removed from its end (truncated)"
        )
    for a in sorted(anchored, key=lambda a: a.seq):
        found = by_seq.get(a.seq)
        if found is None or not same(found, a.hash):
            return a.seq, (
                f"entry {a.seq} differs from its hash anchored outside the database "
                "(the chain was rewritten and recomputed)"
            )
    return None


@dataclass(frozen=True, slots=True)
class StateProblem:
    table_id: int
    name: str
    problem: str  # in Chinese, for the report


@dataclass(frozen=True, slots=True)
class StateReport:
    checked: int
    problems: tuple[StateProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_states(uow: UnitOfWork) -> StateReport:
    """Compare every table with its last audited state: a row changed, added or removed
    with SQL (outside jixiao) is reported with its table."""
    config = uow.config
    if config is None:
        return StateReport(0)
    problems: list[StateProblem] = []
    checked = 0
    with uow:
        s = uow.session
        states = {r.table_id: r for r in s.execute(select(AuditStateRow)).scalars()}
        last_entry = dict(
            s.execute(
                select(AuditRow.table_id, func.max(AuditRow.seq))
                .where(AuditRow.table_id.is_not(None))
                .group_by(AuditRow.table_id)
            ).all()
        )
        names = dict(s.execute(select(TargetTableRow.id, TargetTableRow.name)).all())
        for table_id in sorted(set(names) | set(states)):
            name = names.get(table_id, "")
            state = states.get(table_id)
            if state is None:
                problems.append(
                    StateProblem(
                        table_id,
                        name,
                        "没有审计记录的状态（在 jixiao 之外写入，或早于本版本；"
                        "核实后可运行 jixiao audit checkpoint 登记）",
                    )
                )
                continue
            checked += 1
            if not same(state.mac, trail.state_mac(config.key, table_id, state.seq, state.digest)):
                problems.append(StateProblem(table_id, name, "审计状态记录被改动（签名不符）"))
                continue
            if last_entry.get(table_id, 0) > state.seq:
                problems.append(
                    StateProblem(
                        table_id,
                        name,
                        f"审计状态停在第 {state.seq} 条记录，但之后还有第 "
                        f"{last_entry[table_id]} 条关于该表的记录（状态记录被换回旧的）",
                    )
                )
                continue
            current = trail.table_state(s, table_id)
            if current is None:
                problems.append(
                    StateProblem(table_id, name, "该表已不在数据库中，但审计记录中没有删除操作")
                )
            elif not same(current, state.digest):
                problems.append(
                    StateProblem(
                        table_id,
                        name,
                        f"数据与第 {state.seq} 条审计记录后的状态不符（在 jixiao 之外被修改）",
                    )
                )
    return StateReport(checked, tuple(problems))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    anchor: str | None
    adopted: int  # tables without a recorded state that now have one


def checkpoint(uow: UnitOfWork, *, adopt: bool = False) -> Checkpoint:
    """Append the chain's current head to the anchor (after verifying the chain); with
    ``adopt``, record the state of tables that have none (a database from before table
    states, or a bulk load) as they are now."""
    config = uow.config
    if config is None:
        raise ValueError("checkpoint needs the audit key")
    checked = verify_chain(uow)
    if not checked.ok:
        raise ValueError(f"the audit trail is broken at entry {checked.bad_seq}: {checked.problem}")
    adopted = 0
    with uow:
        s = uow.session
        head = s.get(AuditHeadRow, 1)
        seq, hash_ = (head.seq, head.hash) if head is not None else (0, "")
        if adopt:
            have = set(s.execute(select(AuditStateRow.table_id)).scalars())
            missing = set(s.execute(select(TargetTableRow.id)).scalars()) - have
            adopted = trail.record_states(s, config.key, missing, seq)
            s.commit()
    if seq:
        trail.append_anchor(config, seq, hash_, datetime.now(UTC).isoformat(timespec="seconds"))
    return Checkpoint(seq, hash_, str(config.anchor) if config.anchor else None, adopted)


def record_event(
    uow: UnitOfWork,
    actor: str,
    action: str,
    *,
    entity: str = "session",
    entity_id: object = "",
    table_id: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Keep an event that writes nothing in the trail: ``login``, ``login_failed``,
    ``logout``, ``token_use``, ``download`` (``detail``: the address, the file, …).

    Downloads name their table in ``detail`` (not ``table_id``): they are not part of
    the table's history of changes."""
    if action not in EVENTS:
        raise ValueError(f"unknown audit event {action!r}")
    with uow:
        after = dict(detail or {})
        if table_id is not None:
            after["table"] = table_id
        uow.audit(actor, action, entity, entity_id, after=after or None)
        uow.commit()


__all__ = [
    "EVENTS",
    "Checkpoint",
    "StateProblem",
    "StateReport",
    "checkpoint",
    "record_event",
    "verify_chain",
    "verify_states",
]
