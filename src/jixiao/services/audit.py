"""Use cases on the audit trail: verify it (chain, anchor, table states), checkpoint it,
and record the events that are not writes (logins, failed logins, token use, downloads)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from jixiao.domain.audit import GENESIS, AuditEntry, VerifyResult, chain_hash, same, verify
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
                f"审计链止于第 {result.checked} 条，但链头记为第 {head_seq} 条：链尾的记录被删除",
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
        where = config.anchor.name if config.anchor is not None else ""
        return None, (f"锚定文件 {where} 第 {bad.line} 行的签名与审计密钥不符（锚定文件被改动）")
    furthest = max((a.seq for a in anchored), default=0)
    if furthest > last:
        return furthest, (
            f"数据库外的锚定文件记录到第 {furthest} 条，但审计链止于第 {last} 条："
            "链尾的记录被删除（截断）"
        )
    for a in sorted(anchored, key=lambda a: a.seq):
        found = by_seq.get(a.seq)
        if found is None or not same(found, a.hash):
            return a.seq, (f"第 {a.seq} 条与数据库外锚定的哈希不符（审计链被改写并重新计算）")
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
        raise ValueError("内存数据库没有审计密钥，无法锚定")
    checked = verify_chain(uow)
    if not checked.ok:
        raise ValueError(f"审计记录在第 {checked.bad_seq} 条处不符：{checked.problem}，未锚定")
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


@dataclass(frozen=True, slots=True)
class Rekeyed:
    entries: int  # entries of the chain signed again (the rekey entry included)
    states: int  # table states signed again
    anchor: str | None  # the new anchor file
    old_anchor: str | None  # where the old anchor was kept
    key_file: str | None  # the file now holding the new key (None: the caller keeps it)
    old_key_file: str | None  # where the old key was kept


def rekey(
    uow: UnitOfWork,
    new_key: bytes,
    *,
    actor: str = "system",
    key_file: Path | None = None,
) -> Rekeyed:
    """Rotate the audit key: verify the chain (and every recorded table state's
    signature) under the old key, sign every entry, the head and the states again with
    ``new_key``, add a ``rekey`` entry, and start a new anchor with the new head.

    All or nothing: the database is changed in one transaction; the new anchor (and, with
    ``key_file``, the new key) are written beside the old ones first and swapped in only
    after the commit, the old ones kept as ``….before-rekey-<time>``.  Anything wrong
    before the commit leaves the database and the files as they were (``ValueError``, in
    Chinese).  Writers must be stopped: a running server keeps signing with the old key."""
    config = uow.config
    if config is None:
        raise ValueError("内存数据库没有审计密钥，无需更换")
    new_key = new_key.strip()
    if len(new_key) < 32:
        raise ValueError("新的审计密钥太短（至少 32 个字符）")
    if same(new_key.decode("ascii", "replace"), config.key.decode("ascii", "replace")):
        raise ValueError("新的审计密钥与当前密钥相同，未更换")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    pending: list[tuple[Path, Path, Path]] = []  # (written, final, old kept as)
    try:
        with uow:
            s = uow.session
            head = s.execute(
                select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
            ).scalar_one_or_none()
            entries = _entries(uow)
            checked = verify(entries, config.key)
            head_seq = head.seq if head is not None else 0
            if not checked.ok:
                raise ValueError(
                    f"审计记录在第 {checked.bad_seq} 条处不符（{checked.problem}），未更换密钥"
                )
            if head_seq != checked.checked:
                raise ValueError(
                    f"审计链止于第 {checked.checked} 条，但链头记为第 {head_seq} 条，未更换密钥"
                )
            problem = _anchor_problem(config, entries)
            if problem is not None:
                raise ValueError(f"审计链与锚定文件不符（{problem[1]}），未更换密钥")
            states = list(s.execute(select(AuditStateRow)).scalars())
            for state in states:
                expected = trail.state_mac(config.key, state.table_id, state.seq, state.digest)
                if not same(state.mac, expected):
                    raise ValueError(
                        f"绩效目标表 {state.table_id} 的审计状态记录签名不符，未更换密钥"
                    )
            rows = list(s.execute(select(AuditRow).order_by(AuditRow.seq)).scalars())
            prev = GENESIS
            for row, entry in zip(rows, entries, strict=True):
                row.prev_hash = prev
                row.hash = chain_hash(prev, entry.content(), new_key)
                prev = row.hash
            seq = len(rows) + 1
            at = datetime.now(UTC).isoformat(timespec="microseconds")
            after = {"entries": len(rows), "states": len(states)}
            content = AuditEntry(
                seq, at, actor, "rekey", "audit", "key", None, None, after, prev, ""
            ).content()
            digest = chain_hash(prev, content, new_key)
            s.add(
                AuditRow(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action="rekey",
                    entity="audit",
                    entity_id="key",
                    table_id=None,
                    before=None,
                    after=after,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            if head is None:
                s.add(AuditHeadRow(id=1, seq=seq, hash=digest))
            else:
                head.seq, head.hash = seq, digest
            for state in states:
                state.mac = trail.state_mac(new_key, state.table_id, state.seq, state.digest)
            s.flush()
            if config.anchor is not None:
                written = config.anchor.with_name(config.anchor.name + ".rekey")
                line = trail.anchor_line(new_key, seq, digest, at)
                trail.write_private(written, line.encode("ascii"))
                kept = config.anchor.with_name(f"{config.anchor.name}.before-rekey-{stamp}")
                pending.append((written, config.anchor, kept))
            if key_file is not None:
                written = key_file.with_name(key_file.name + ".rekey")
                trail.write_private(written, new_key + b"\n")
                kept = key_file.with_name(f"{key_file.name}.before-rekey-{stamp}")
                pending.append((written, key_file, kept))
            s.commit()
    except BaseException:
        for new_file, _, _ in pending:
            new_file.unlink(missing_ok=True)
        raise
    kept_as: dict[Path, Path | None] = {}
    for new_file, final, old_file in pending:
        if final.exists():
            os.replace(final, old_file)
            kept_as[final] = old_file
        else:
            kept_as[final] = None
        os.replace(new_file, final)
    old_anchor = kept_as.get(config.anchor) if config.anchor is not None else None
    old_key = kept_as.get(key_file) if key_file is not None else None
    return Rekeyed(
        entries=seq,
        states=len(states),
        anchor=str(config.anchor) if config.anchor is not None else None,
        old_anchor=str(old_anchor) if old_anchor is not None else None,
        key_file=str(key_file) if key_file is not None else None,
        old_key_file=str(old_key) if old_key is not None else None,
    )


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
    "Rekeyed",
    "StateProblem",
    "StateReport",
    "checkpoint",
    "record_event",
    "rekey",
    "verify_chain",
    "verify_states",
]
