"""History: a table's record of changes and its approved versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from jixiao.services import tables
from jixiao.web.api.schemas import HistoryEntryOut, TableId, VersionOut, errors
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


@router.get(
    "/tables/{table_id}/history",
    response_model=list[HistoryEntryOut],
    tags=["绩效目标表"],
    summary="修改记录（新的在前）",
    responses=errors(404),
)
def table_history(svc: Svc, actor: CurrentActor, table_id: TableId) -> list[HistoryEntryOut]:
    return [
        HistoryEntryOut(
            seq=h.seq,
            at=h.at,
            actor=h.actor,
            action=h.action,
            entity=h.entity,
            entity_id=h.entity_id,
            before=h.before,
            after=h.after,
        )
        for h in tables.history(svc.uow(), table_id, actor)
    ]


@router.get(
    "/tables/{table_id}/versions/{number}",
    response_model=VersionOut,
    tags=["绩效目标表"],
    summary="已批复的版本",
    responses=errors(404),
)
def table_version(
    svc: Svc, actor: CurrentActor, table_id: TableId, number: Annotated[int, Path(ge=1)]
) -> VersionOut:
    v = tables.get_version(svc.uow(), table_id, number, actor)
    return VersionOut(
        number=v.number,
        reason=v.reason,
        approved_by=v.approved_by,
        approved_at=v.approved_at,
        snapshot=v.snapshot,
    )
