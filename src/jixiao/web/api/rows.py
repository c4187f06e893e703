"""Rows: a table's indicators and goals, added, changed and deleted in a draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi import status as http

from jixiao.services import Conflict, NotFound, tables
from jixiao.web.api import convert
from jixiao.web.api.schemas import (
    GoalFields,
    GoalOut,
    GoalUpdate,
    IndicatorFields,
    IndicatorOut,
    IndicatorUpdate,
    TableId,
    errors,
)
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


def _conflict_with_row(svc: Svc, table_id: int, row_id: int, exc: Conflict) -> Conflict:
    """The service's Conflict, with ``current`` as the row reads now (as in the table
    detail, so with its ``lock``): the client can show it and save again on top of it."""
    try:
        detail = tables.get_table(svc.uow(), table_id)
    except NotFound:
        return exc
    for indicator in detail.indicators:
        if indicator.id == row_id:
            return Conflict(exc.message, convert.indicator(indicator).model_dump(mode="json"))
    for goal in detail.goals:
        if goal.id == row_id:
            return Conflict(exc.message, convert.goal(goal).model_dump(mode="json"))
    return exc


_ROW_ERRORS = errors(403, 404, 409, 422)


@router.post(
    "/tables/{table_id}/indicators",
    response_model=IndicatorOut,
    status_code=http.HTTP_201_CREATED,
    tags=["指标"],
    summary="新增指标（项目目标表，草稿）",
    responses=_ROW_ERRORS,
)
def create_indicator(
    svc: Svc, actor: CurrentActor, table_id: TableId, body: IndicatorFields
) -> IndicatorOut:
    fields = body.model_dump(exclude_unset=True)
    return convert.indicator(tables.save_indicator(svc.uow(), actor, table_id, fields))


@router.put(
    "/tables/{table_id}/indicators/{indicator_id}",
    response_model=IndicatorOut,
    tags=["指标"],
    summary="修改指标（带回读取时的 lock）",
    responses=_ROW_ERRORS,
)
def update_indicator(
    svc: Svc, actor: CurrentActor, table_id: TableId, indicator_id: int, body: IndicatorUpdate
) -> IndicatorOut:
    fields = body.model_dump(exclude_unset=True, exclude={"lock"})
    try:
        view = tables.save_indicator(
            svc.uow(), actor, table_id, fields, indicator_id=indicator_id, expected_lock=body.lock
        )
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, indicator_id, exc) from None
    return convert.indicator(view)


@router.delete(
    "/tables/{table_id}/indicators/{indicator_id}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["指标"],
    summary="删除指标",
    responses=_ROW_ERRORS,
)
def delete_indicator(
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    indicator_id: int,
    lock: Annotated[int, Query(description="读取时的版本号")],
) -> Response:
    try:
        tables.delete_indicator(svc.uow(), actor, table_id, indicator_id, lock)
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, indicator_id, exc) from None
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.post(
    "/tables/{table_id}/goals",
    response_model=GoalOut,
    status_code=http.HTTP_201_CREATED,
    tags=["部门整体目标"],
    summary="新增目标（部门整体目标表，草稿）",
    responses=_ROW_ERRORS,
)
def create_goal(svc: Svc, actor: CurrentActor, table_id: TableId, body: GoalFields) -> GoalOut:
    fields = body.model_dump(exclude_unset=True)
    return convert.goal(tables.save_goal(svc.uow(), actor, table_id, fields))


@router.put(
    "/tables/{table_id}/goals/{goal_id}",
    response_model=GoalOut,
    tags=["部门整体目标"],
    summary="修改目标（带回读取时的 lock）",
    responses=_ROW_ERRORS,
)
def update_goal(
    svc: Svc, actor: CurrentActor, table_id: TableId, goal_id: int, body: GoalUpdate
) -> GoalOut:
    fields = body.model_dump(exclude_unset=True, exclude={"lock"})
    try:
        view = tables.save_goal(
            svc.uow(), actor, table_id, fields, goal_id=goal_id, expected_lock=body.lock
        )
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, goal_id, exc) from None
    return convert.goal(view)


@router.delete(
    "/tables/{table_id}/goals/{goal_id}",
    status_code=http.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["部门整体目标"],
    summary="删除目标",
    responses=_ROW_ERRORS,
)
def delete_goal(
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    goal_id: int,
    lock: Annotated[int, Query(description="读取时的版本号")],
) -> Response:
    try:
        tables.delete_goal(svc.uow(), actor, table_id, goal_id, lock)
    except Conflict as exc:
        raise _conflict_with_row(svc, table_id, goal_id, exc) from None
    return Response(status_code=http.HTTP_204_NO_CONTENT)
