"""Workflow: submit, review, approve, adjust, and comments on a table."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi import status as http

from jixiao.domain.workflow import Actor
from jixiao.services import tables
from jixiao.web.api import convert
from jixiao.web.api.schemas import (
    AdjustIn,
    CommentIn,
    CommentOut,
    ReviewIn,
    TableId,
    TransitionOut,
    errors,
)
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


def _transition(svc: Svc, actor: Actor, table_id: int) -> TransitionOut:
    d = tables.get_table(svc.uow(), table_id, actor)
    return TransitionOut(
        id=d.id,
        status=d.status,
        status_label=d.status_label,
        version=d.version,
        actions=convert.actions(d.actions),
    )


_FLOW_ERRORS = errors(403, 404, 422)


@router.post(
    "/tables/{table_id}/submit",
    response_model=TransitionOut,
    tags=["流程"],
    summary="提交审核（单位，草稿）",
    responses=_FLOW_ERRORS,
)
def submit(svc: Svc, actor: CurrentActor, table_id: TableId) -> TransitionOut:
    tables.submit(svc.uow(), actor, table_id)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/review",
    response_model=TransitionOut,
    tags=["流程"],
    summary="审核（主管部门、财政；优/良通过，中/差退回）",
    responses=_FLOW_ERRORS,
)
def review(svc: Svc, actor: CurrentActor, table_id: TableId, body: ReviewIn) -> TransitionOut:
    tables.review(svc.uow(), actor, table_id, body.grade, body.opinion)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/approve",
    response_model=TransitionOut,
    tags=["流程"],
    summary="批复（财政，已审核）",
    responses=_FLOW_ERRORS,
)
def approve(svc: Svc, actor: CurrentActor, table_id: TableId) -> TransitionOut:
    tables.approve(svc.uow(), actor, table_id)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/adjust",
    response_model=TransitionOut,
    tags=["流程"],
    summary="调整已批复的目标（新版本，须说明理由）",
    responses=_FLOW_ERRORS,
)
def adjust(svc: Svc, actor: CurrentActor, table_id: TableId, body: AdjustIn) -> TransitionOut:
    tables.adjust(svc.uow(), actor, table_id, body.reason)
    return _transition(svc, actor, table_id)


@router.post(
    "/tables/{table_id}/comments",
    response_model=CommentOut,
    status_code=http.HTTP_201_CREATED,
    tags=["流程"],
    summary="发表意见",
    responses=_FLOW_ERRORS,
)
def add_comment(svc: Svc, actor: CurrentActor, table_id: TableId, body: CommentIn) -> CommentOut:
    return convert.comment(tables.comment(svc.uow(), actor, table_id, body.body))


# -- import -----------------------------------------------------------------------------
