"""Tables: the filters, the list, one table and its review findings."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from jixiao.domain.workflow import Status
from jixiao.services import review as reviewing
from jixiao.services import tables
from jixiao.web.api import convert
from jixiao.web.api.schemas import (
    FilterOptionsOut,
    FindingOut,
    FindingsOut,
    TableDetailOut,
    TableId,
    TableListOut,
    errors,
)
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


@router.get(
    "/filters", response_model=FilterOptionsOut, tags=["绩效目标表"], summary="列表筛选的可选值"
)
def filters(svc: Svc, actor: CurrentActor) -> FilterOptionsOut:
    return FilterOptionsOut.model_validate(tables.filter_options(svc.uow()))


@router.get(
    "/tables",
    response_model=TableListOut,
    tags=["绩效目标表"],
    summary="目标表列表",
    responses=errors(422),
)
def list_tables(
    svc: Svc,
    actor: CurrentActor,
    year: Annotated[int | None, Query(description="预算年度")] = None,
    department: Annotated[str | None, Query(description="主管部门")] = None,
    unit: Annotated[str | None, Query(description="预算单位")] = None,
    status: Annotated[Status | None, Query(description="状态")] = None,
    kind: Annotated[Literal["overall", "project"] | None, Query(description="类型")] = None,
    q: Annotated[str | None, Query(description="按项目或单位名称查找")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TableListOut:
    found, total = tables.list_tables(
        svc.uow(),
        tables.TableFilter(
            year=year,
            department=department or None,
            unit=unit or None,
            status=status,
            kind=kind,
            q=q or None,
            limit=limit,
            offset=offset,
            reader=actor,
        ),
    )
    return TableListOut(total=total, items=[convert.summary(t) for t in found])


@router.get(
    "/tables/{table_id}",
    response_model=TableDetailOut,
    tags=["绩效目标表"],
    summary="目标表详情",
    responses=errors(404),
)
def get_table(svc: Svc, actor: CurrentActor, table_id: TableId) -> TableDetailOut:
    return convert.detail(tables.get_table(svc.uow(), table_id, actor))


@router.get(
    "/tables/{table_id}/findings",
    response_model=FindingsOut,
    tags=["绩效目标表"],
    summary="审核发现（规则自动检查）与建议等级",
    responses=errors(404),
)
def table_findings(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> FindingsOut:
    result = reviewing.review_table(svc.uow(), table_id, request.app.state.review_config, actor)
    return FindingsOut(
        findings=[
            FindingOut(
                code=f.code,
                severity=f.severity.value,
                dimension=f.dimension.value,
                project=f.project,
                indicator=f.indicator,
                message=f.message,
                hint=f.hint,
                location=convert.location(f.location),
            )
            for f in result.findings
        ],
        grade=result.grade.value,
        reasons=list(result.reasons),
        opinion=result.opinion(),
    )
