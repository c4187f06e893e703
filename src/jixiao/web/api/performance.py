"""Performance: actuals reported, manual scores, year-end evaluation and monitoring."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.workflow import Action, Actor
from jixiao.interchange import FormatError
from jixiao.interchange.actuals import ACTUALS_FORMAT, WireActuals, load_actuals
from jixiao.interchange.results import (
    ScoreDict,
    actuals_to_dict,
    monitor_to_dict,
    score_to_dict,
    summary_to_dict,
)
from jixiao.services import Conflict, Invalid, access
from jixiao.services import actuals as performance
from jixiao.web.api.schemas import (
    ActualsIn,
    ActualsOut,
    EvaluationOut,
    ManualScoreIn,
    MonitoringOut,
    NotReportedOut,
    SavedReportOut,
    SaveResultOut,
    TableId,
    UnitEvaluationOut,
    UnitMonitoringOut,
    errors,
)
from jixiao.web.deps import CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))

PERIOD_TEXT = "期间：half_year（运行监控）或 full_year（绩效自评）"
PeriodPath = Annotated[
    str, Path(description=PERIOD_TEXT, json_schema_extra={"enum": list(performance.PERIOD_LABELS)})
]
YearQuery = Annotated[int | None, Query(description="预算年度（省略：未注明年度的目标表）")]


def _refused(exc: performance.Refused) -> JSONResponse:
    """A refused save: the error JSON with every problem (nothing was saved)."""
    body = {"detail": exc.message, "error": type(exc).__name__, "problems": list(exc.problems)}
    return JSONResponse(body, status_code=exc.status)


def _actuals(svc: Svc, actor: Actor, table_id: int, period: str) -> ActualsOut:
    page = performance.form(svc.uow(), table_id, period, actor)
    actions = [Action.REPORT] if page.can_report else []
    if page.can_rescore and page.period.value == "full_year":
        actions.append(Action.RESCORE)
    return ActualsOut(
        table_id=page.table_id,
        period=page.period.value,  # type: ignore[arg-type]
        month=page.month,
        lock=page.lock,
        updated_by=page.updated_by,
        actions=actions,
        report=actuals_to_dict(page.report) if page.report is not None else None,
    )


def _entry(body: ActualsIn, period: str) -> ProjectActuals:
    """The body as domain actuals, read as the ``jixiao-actuals/1`` files are."""
    entry = body.model_dump(exclude={"lock", "month"})
    entry["name"] = body.name or "（请求）"  # the table decides the name
    doc = {"format": ACTUALS_FORMAT, "fiscal_year": None, "period": period, "projects": [entry]}
    try:
        return load_actuals(doc, where="请求").projects[0]
    except FormatError as exc:  # the body was validated by the same model: not expected
        raise Invalid(str(exc)) from None


def _evaluation(e: performance.TableEvaluation) -> EvaluationOut:
    return EvaluationOut(
        table_id=e.table_id,
        kind=e.kind,  # type: ignore[arg-type]
        name=e.name,
        unit=e.unit,
        score=score_to_dict(e.score) if e.score is not None else None,
        problems=list(e.problems),
    )


_ACTUALS_ERRORS = errors(403, 404, 409, 422)


@router.get(
    "/tables/{table_id}/actuals/{period}",
    response_model=ActualsOut,
    tags=["完成情况"],
    summary="读取完成情况（jixiao-actuals/1 项目条目）",
    responses=errors(404, 422),
)
def get_actuals(svc: Svc, actor: CurrentActor, table_id: TableId, period: PeriodPath) -> ActualsOut:
    return _actuals(svc, actor, table_id, performance.parse_period(period).value)


@router.put(
    "/tables/{table_id}/actuals/{period}",
    response_model=ActualsOut,
    tags=["完成情况"],
    summary="填报完成情况（单位；整份替换，全部成功或全部不写入；带回 lock）",
    responses=_ACTUALS_ERRORS,
)
def save_actuals(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    period: PeriodPath,
    body: ActualsIn,
) -> ActualsOut | JSONResponse:
    wanted = performance.parse_period(period).value
    try:
        performance.save_report(
            svc.uow(),
            actor,
            table_id,
            _entry(body, wanted),
            month=body.month,
            expected_lock=body.lock,
            scheme=request.app.state.scoring_scheme,
        )
    except performance.Refused as exc:
        return _refused(exc)
    except Conflict as exc:
        current = _actuals(svc, actor, table_id, wanted).model_dump(mode="json")
        raise Conflict(exc.message, current) from None
    return _actuals(svc, actor, table_id, wanted)


@router.post(
    "/actuals",
    response_model=SaveResultOut,
    tags=["完成情况"],
    summary="导入一份 jixiao-actuals/1 文档（全部成功或全部不写入）",
    responses=_ACTUALS_ERRORS,
)
def save_actuals_document(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    body: WireActuals,
    unit: Annotated[
        str | None, Query(description="只在该单位的目标表中查找项目（单位用户总是本单位）")
    ] = None,
) -> SaveResultOut | JSONResponse:
    access.require(actor, Action.REPORT)
    try:
        doc = load_actuals(body.model_dump(), where="请求")
    except FormatError as exc:  # the body was validated by the same model: not expected
        raise Invalid(str(exc)) from None
    try:
        result = performance.save_document(
            svc.uow(), actor, doc, unit=unit or None, scheme=request.app.state.scoring_scheme
        )
    except performance.Refused as exc:
        return _refused(exc)
    return SaveResultOut(
        period=result.period.value,  # type: ignore[arg-type]
        fiscal_year=result.fiscal_year,
        reports=[
            SavedReportOut(
                table_id=r.table_id,
                kind=r.kind,  # type: ignore[arg-type]
                name=r.name,
                items=r.items,
                created=r.created,
            )
            for r in result.reports
        ],
    )


@router.put(
    "/tables/{table_id}/scores/{row_id}",
    response_model=ScoreDict,
    tags=["绩效自评"],
    summary="人工评分（须说明理由；score 为 null 时清除），返回新的得分",
    responses=errors(403, 404, 422),
)
def set_manual_score(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    table_id: TableId,
    row_id: Annotated[int, Path(description="指标（部门整体：目标）编号")],
    body: ManualScoreIn,
) -> ScoreDict:
    score = performance.set_manual_score(
        svc.uow(),
        actor,
        table_id,
        row_id,
        body.score,
        body.reason,
        scheme=request.app.state.scoring_scheme,
    )
    return score_to_dict(score)


@router.get(
    "/tables/{table_id}/evaluation",
    response_model=EvaluationOut,
    tags=["绩效自评"],
    summary="目标表的绩效自评得分",
    responses=errors(404),
)
def table_evaluation(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> EvaluationOut:
    return _evaluation(
        performance.evaluate_table(svc.uow(), table_id, request.app.state.scoring_scheme, actor)
    )


@router.get(
    "/tables/{table_id}/monitoring",
    response_model=MonitoringOut,
    tags=["运行监控"],
    summary="项目的运行监控（预算执行与指标预警灯）",
    responses=errors(404, 422),
)
def table_monitoring(
    request: Request, svc: Svc, actor: CurrentActor, table_id: TableId
) -> MonitoringOut:
    found = performance.monitor_table(
        svc.uow(), table_id, request.app.state.monitoring_config, actor
    )
    return MonitoringOut(
        table_id=table_id, monitor=monitor_to_dict(found) if found is not None else None
    )


@router.get(
    "/units/{unit}/evaluation",
    response_model=UnitEvaluationOut,
    tags=["绩效自评"],
    summary="单位的绩效自评：部门整体与各项目的得分",
    responses=errors(404),
)
def unit_evaluation(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    unit: Annotated[str, Path(description="预算单位")],
    year: YearQuery = None,
) -> UnitEvaluationOut:
    e = performance.evaluate_unit(svc.uow(), unit, year, request.app.state.scoring_scheme, actor)
    return UnitEvaluationOut(
        unit=e.unit,
        fiscal_year=e.fiscal_year,
        overall=_evaluation(e.overall) if e.overall is not None else None,
        projects=[_evaluation(p) for p in e.projects],
        average=e.average,
        grades=e.grades,
    )


@router.get(
    "/units/{unit}/monitoring",
    response_model=UnitMonitoringOut,
    tags=["运行监控"],
    summary="单位的运行监控：各项目的预警灯与单位汇总",
    responses=errors(404),
)
def unit_monitoring(
    request: Request,
    svc: Svc,
    actor: CurrentActor,
    unit: Annotated[str, Path(description="预算单位")],
    year: YearQuery = None,
) -> UnitMonitoringOut:
    m = performance.monitor_unit(svc.uow(), unit, year, request.app.state.monitoring_config, actor)
    return UnitMonitoringOut(
        unit=m.unit,
        fiscal_year=m.fiscal_year,
        month=m.month,
        monitors=[
            MonitoringOut(table_id=table_id, monitor=monitor_to_dict(found))
            for table_id, found in m.monitors
        ],
        not_reported=[NotReportedOut(table_id=i, name=name) for i, name in m.not_reported],
        summary=summary_to_dict(m.summary) if m.summary is not None else None,
    )


# -- users, tokens, audit ---------------------------------------------------------------
