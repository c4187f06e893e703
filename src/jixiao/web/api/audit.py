"""Audit: checking the audit chain."""

from __future__ import annotations

from fastapi import APIRouter

from jixiao.services import access, audit
from jixiao.web.api.schemas import AuditVerifyOut, errors
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


@router.get(
    "/audit/verify",
    response_model=AuditVerifyOut,
    tags=["审计"],
    summary="校验审计链（管理员、审计、人大、财政）",
    responses=errors(403),
)
def verify_audit(svc: Svc, actor: CurrentActor) -> AuditVerifyOut:
    access.require(actor, access.Read.VERIFY_AUDIT)
    result = audit.verify_chain(svc.uow())
    return AuditVerifyOut(
        ok=result.ok, checked=result.checked, bad_seq=result.bad_seq, problem=result.problem
    )
