"""Use cases on the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from jixiao.domain.audit import AuditEntry, VerifyResult, verify
from jixiao.services.uow import UnitOfWork
from jixiao.store.models import AuditHeadRow, AuditRow


def verify_chain(uow: UnitOfWork) -> VerifyResult:
    """Recompute the whole chain; also catches entries removed from its end."""
    with uow:
        rows = uow.session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
        result = verify(
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
        )
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
        return result
