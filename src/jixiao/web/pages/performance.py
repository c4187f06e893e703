"""Pages for monitoring (运行监控) and self-evaluation (绩效自评).

- ``/tables/{id}/actuals/{period}``: a table's actuals beside its targets — the form for the
  unit (all or nothing: every problem is listed and what was typed stays), and the result
  for everyone: each indicator's light at the checkpoint, its score at year end, with the
  rule that gave it; manual scores (with a reason) for the roles that may give them.
- ``/units/{unit}/performance?year=``: a unit's summary (its overall self-evaluation and
  every project's score and lights), the XLSX template to fill in, the upload, and the
  official workbooks (绩效自评表, 绩效监控表).
- ``/performance``: the units to choose from.

Thin: every number comes from ``services.actuals`` (the same code the CLI and the
exports use).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from jixiao.domain.actuals import (
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ProjectActuals,
)
from jixiao.domain.limits import LIMITS, too_long
from jixiao.domain.model import Period
from jixiao.domain.money import in_unit, to_yuan
from jixiao.domain.monitoring import LIGHT_LABELS, Light
from jixiao.domain.values import parse_value
from jixiao.domain.workflow import Action, Actor, Status, TableRef
from jixiao.services import Conflict, Invalid, Services, access, tables
from jixiao.services import actuals as performance
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc, upload_limit
from jixiao.web.kit import Form, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PERIODS = {"half_year": "运行监控", "full_year": "绩效自评"}
LIKELIHOODS = [x.value for x in Likelihood]
CATEGORIES = [x.value for x in DeviationCategory]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _money(value: float | None, unit: str) -> str:
    """An amount of the actuals (万元) as the form's input shows it: exact, in ``unit``,
    without grouping or scientific notation (330.984 万元 in 元 → ``3309840``)."""
    if value is None:
        return ""
    return f"{in_unit(to_yuan(value), unit):f}"


def _stored_values(page: performance.ActualsForm) -> dict[str, str]:
    """The form's fields as stored (what the inputs show on first load)."""
    report = page.report
    values: dict[str, str] = {}
    if report is not None:
        values.update(
            budget_initial=_money(report.budget_initial, page.money_unit),
            budget=_money(report.budget, page.money_unit),
            executed=_money(report.executed, page.money_unit),
            execution_reason=report.execution_reason,
        )
    if page.month is not None:
        values["month"] = str(page.month)
    for row in page.rows:
        a = row.actual
        if a is None:
            continue
        k = row.row_id
        values[f"value-{k}"] = a.value.text if a.value else ""
        values[f"forecast-{k}"] = a.forecast.text if a.forecast else ""
        values[f"likelihood-{k}"] = a.likelihood.value if a.likelihood else ""
        values[f"category-{k}"] = (
            a.deviation.category.value if a.deviation and a.deviation.category else ""
        )
        values[f"deviation-{k}"] = a.deviation.text if a.deviation else ""
        values[f"measures-{k}"] = a.measures
        values[f"na-{k}"] = "1" if a.not_applicable else ""
    return values


def _amount(
    form: FormData, name: str, label: str, unit: str, errors: dict[str, str]
) -> float | None:
    """An amount typed in ``unit`` (grouping commas allowed), as the actuals take it: 万元,
    exact to the 元's hundredth (3,309,840.00 元 → 330.984)."""
    text = kit.text(form, name).strip().replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = f"{label}应为数字（{unit}），不是“{text}”"
        return None
    if not value.is_finite() or value < 0:
        errors[name] = f"{label}应为不小于 0 的数字（{unit}）"
        return None
    yuan = to_yuan(value, unit)
    if yuan != yuan.quantize(Decimal("0.0001")) or yuan >= Decimal(10) ** 16:
        errors[name] = f"{label}“{text}”{unit}超出可记录的范围（精确到 0.0001 元）"
        return None
    return float(in_unit(yuan))


def _typed(
    form: FormData, page: performance.ActualsForm, period: Period
) -> tuple[ProjectActuals, int | None, dict[str, str]]:
    """The posted form as actuals; field errors keyed by input name."""
    errors: dict[str, str] = {}
    unit = page.money_unit
    budget_initial = _amount(form, "budget_initial", "年初预算数", unit, errors)
    budget = _amount(form, "budget", "全年预算数", unit, errors)
    executed = _amount(form, "executed", "执行数", unit, errors)
    message = too_long("execution_reason", kit.text(form, "execution_reason").strip())
    if message is not None:
        errors["execution_reason"] = message
    month = None
    if period is Period.HALF_YEAR:
        month = kit.number(kit.text(form, "month"))
        if month is None or not 1 <= month <= 12:
            errors["month"] = "监控月份应为 1 到 12 的整数"
    items = []
    for row in page.rows:
        k = row.row_id
        text = {f: kit.text(form, f"{f}-{k}").strip() for f in PER_ROW}
        not_applicable = bool(text["na"])
        if not any(text.values()):
            continue
        for name in ("value", "forecast", "deviation", "measures"):
            message = too_long(name, text[name])
            if message is not None:
                errors[f"{name}-{k}"] = f"指标“{row.name}”的{message}"
        likelihood = text["likelihood"]
        category = text["category"]
        if likelihood and likelihood not in LIKELIHOODS:
            errors[f"likelihood-{k}"] = f"指标“{row.name}”的完成目标可能性应为：" + "、".join(
                LIKELIHOODS
            )
            likelihood = ""
        if category and category not in CATEGORIES:
            errors[f"category-{k}"] = f"指标“{row.name}”的偏差原因类别应为：" + "、".join(
                CATEGORIES
            )
            category = ""
        deviation = None
        if text["deviation"] or category:
            deviation = Deviation(
                text["deviation"], DeviationCategory(category) if category else None
            )
        items.append(
            IndicatorActual(
                indicator=row.name,
                value=parse_value(text["value"]) if text["value"] else None,
                forecast=parse_value(text["forecast"]) if text["forecast"] else None,
                likelihood=Likelihood(likelihood) if likelihood else None,
                deviation=deviation,
                measures=text["measures"],
                not_applicable=not_applicable,
            )
        )
    actuals = ProjectActuals(
        project=page.name,
        period=period,
        budget=budget,
        executed=executed,
        budget_initial=budget_initial,
        execution_reason=kit.text(form, "execution_reason").strip(),
        indicators=tuple(items),
        money_unit=unit,
    )
    return actuals, month, errors


PER_ROW = ("value", "forecast", "likelihood", "category", "deviation", "measures", "na")


def _result(
    svc: Services, request: Request, page: performance.ActualsForm, actor: Actor
) -> dict[str, Any]:
    """The score (year end) or the lights (checkpoint) of what is stored."""
    if page.period is Period.FULL_YEAR:
        evaluation = performance.evaluate_table(svc.uow(), page.table_id, _scheme(request), actor)
        scores: dict[int, Any] = {}
        if evaluation.score is not None:
            for row, scored in zip(page.rows, evaluation.score.indicators, strict=True):
                scores[row.row_id] = scored
        return {"evaluation": evaluation, "scores": scores, "monitor": None, "lights": {}}
    if page.kind != tables.PROJECT:
        return {"evaluation": None, "scores": {}, "monitor": None, "lights": {}}
    monitor = performance.monitor_table(svc.uow(), page.table_id, _monitoring(request), actor)
    lights: dict[int, Any] = {}
    if monitor is not None:
        for row, light in zip(page.rows, monitor.indicators, strict=True):
            lights[row.row_id] = light
    return {"evaluation": None, "scores": {}, "monitor": monitor, "lights": lights}


def _scheme(request: Request) -> Any:
    return request.app.state.scoring_scheme


def _monitoring(request: Request) -> Any:
    return request.app.state.monitoring_config


def _actuals_page(
    request: Request,
    actor: Actor,
    svc: Services,
    table_id: int,
    period: Period,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problems: tuple[str, ...] = (),
    status_code: int = 200,
) -> Response:
    page = performance.form(svc.uow(), table_id, period, actor)
    detail = tables.get_table(svc.uow(), table_id, actor)
    return kit.page(
        request,
        "actuals.html",
        actor,
        status_code,
        t=detail,
        page=page,
        period=period.value,
        periods=PERIODS,
        values=values if values is not None else _stored_values(page),
        errors=errors or {},
        problems=problems,
        likelihoods=LIKELIHOODS,
        categories=CATEGORIES,
        default_month=_monitoring(request).month,
        limits={name: most for name, (_, most) in LIMITS.items()},
        **_result(svc, request, page, actor),
    )


@router.get("/tables/{table_id}/actuals/{period}")
def actuals_page(
    request: Request, table_id: int, period: str, actor: OptionalActor, svc: Svc
) -> Response:
    """The form of a table's actuals for a period (监控 or 自评)."""
    if actor is None:
        return kit.login_redirect(request)
    return _actuals_page(request, actor, svc, table_id, performance.parse_period(period))


@router.post("/tables/{table_id}/actuals/{period}")
def save_actuals(
    request: Request, table_id: int, period: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Save a table's actuals for a period."""
    if actor is None:
        return kit.login_redirect(request)
    wanted = performance.parse_period(period)
    page = performance.form(svc.uow(), table_id, wanted, actor)
    typed = {k: v for k, v in form.items() if isinstance(v, str)}
    actuals, month, errors = _typed(form, page, wanted)
    if errors:
        return _actuals_page(
            request,
            actor,
            svc,
            table_id,
            wanted,
            values=typed,
            errors=errors,
            problems=tuple(errors.values()),
            status_code=422,
        )
    try:
        performance.save_report(
            svc.uow(),
            actor,
            table_id,
            actuals,
            month=month,
            expected_lock=kit.number(kit.text(form, "lock")),
            scheme=_scheme(request),
        )
    except performance.Refused as exc:
        return _actuals_page(
            request,
            actor,
            svc,
            table_id,
            wanted,
            values=typed,
            problems=exc.problems,
            status_code=422,
        )
    except Conflict as exc:
        return _actuals_page(
            request,
            actor,
            svc,
            table_id,
            wanted,
            values=typed,
            problems=(exc.message,),
            status_code=409,
        )
    kit.flash(request, f"已保存{PERIODS[wanted.value]}完成情况")
    return kit.see_other(f"/tables/{table_id}/actuals/{wanted.value}")


@router.post("/tables/{table_id}/actuals/full_year/score/{row_id}")
def manual_score(
    request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Score an indicator by hand (人工评分), with a reason."""
    if actor is None:
        return kit.login_redirect(request)
    text = kit.text(form, "score").strip()
    score: float | None = None
    if text:
        try:
            score = float(text)
        except ValueError:
            score = math.nan
    back = f"/tables/{table_id}/actuals/full_year#row-{row_id}"
    if score is not None and not math.isfinite(score):
        kit.flash(request, f"人工评分应为数字，不是“{text}”", "error")
        return kit.see_other(back)
    try:
        performance.set_manual_score(
            svc.uow(),
            actor,
            table_id,
            row_id,
            score,
            kit.text(form, "reason"),
            scheme=_scheme(request),
        )
    except Invalid as exc:
        kit.flash(request, exc.message, "error")
        return kit.see_other(back)
    kit.flash(request, "已清除人工评分" if score is None else f"已记录人工评分 {score:g} 分")
    return kit.see_other(back)


# -- a unit's summary -------------------------------------------------------------------


def _unit_url(unit: str, year: int | None) -> str:
    return f"/units/{quote(unit, safe='')}/performance" + (f"?year={year}" if year else "")


@router.get("/performance")
def performance_index(request: Request, actor: OptionalActor, svc: Svc) -> Response:
    """绩效: a unit goes to its own page, others choose a unit."""
    if actor is None:
        return kit.login_redirect(request)
    own = access.fixed_unit(actor)
    if own:
        return kit.see_other(_unit_url(own, tables.latest_year(svc.uow(), actor)))
    return kit.page(
        request,
        "performance_index.html",
        actor,
        nav="performance",
        units=tables.unit_years(svc.uow(), actor),
        unit_url=_unit_url,
        quote=lambda text: quote(text, safe=""),
    )


@router.get("/units/{unit}/performance")
def unit_page(
    request: Request, unit: str, actor: OptionalActor, svc: Svc, year: str | None = None
) -> Response:
    """A unit's performance of a year: lights and scores per table."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.number(year)
    evaluation = performance.evaluate_unit(svc.uow(), unit, fiscal_year, _scheme(request), actor)
    monitoring = performance.monitor_unit(svc.uow(), unit, fiscal_year, _monitoring(request), actor)
    may_report = access.may(actor, Action.REPORT, TableRef(unit, None, Status.APPROVED))
    upload_problems = request.session.pop("upload_problems", None)
    return kit.page(
        request,
        "unit_performance.html",
        actor,
        nav="performance",
        unit=unit,
        year=fiscal_year,
        evaluation=evaluation,
        monitoring=monitoring,
        may_report=may_report,
        unit_q=quote(unit, safe=""),
        upload_problems=upload_problems,
        light_labels=LIGHT_LABELS,
        Light=Light,
    )


def _xlsx(data: bytes, filename: str) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/units/{unit}/self-evaluation.xlsx")
def unit_self_evaluation(
    request: Request,
    unit: str,
    actor: OptionalActor,
    svc: Svc,
    year: str | None = None,
    table: str | None = None,
) -> Response:
    """The unit's 绩效自评表 as XLSX."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.required_year(year)
    data = performance.self_evaluation_workbook(
        svc.uow(),
        unit,
        fiscal_year,
        table_id=kit.number(table),
        scheme=_scheme(request),
        actor=actor,
    )
    return _xlsx(data, f"{unit}{fiscal_year}年度绩效自评表.xlsx")


@router.get("/units/{unit}/monitoring.xlsx")
def unit_monitoring(
    request: Request, unit: str, actor: OptionalActor, svc: Svc, year: str | None = None
) -> Response:
    """The unit's 绩效监控表 as XLSX."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.required_year(year)
    data = performance.monitoring_workbook(
        svc.uow(), unit, fiscal_year, _monitoring(request), actor
    )
    return _xlsx(data, f"{unit}{fiscal_year}年度绩效监控表.xlsx")


@router.get("/units/{unit}/actuals-template.xlsx")
def unit_template(
    request: Request,
    unit: str,
    actor: OptionalActor,
    svc: Svc,
    year: str | None = None,
    period: str = "full_year",
) -> Response:
    """The template a unit fills in with its actuals of a period (XLSX)."""
    if actor is None:
        return kit.login_redirect(request)
    wanted = performance.parse_period(period)
    fiscal_year = kit.number(year)
    month = _monitoring(request).month if wanted is Period.HALF_YEAR else None
    data = performance.template(svc.uow(), unit, fiscal_year, wanted, month=month, actor=actor)
    label = "运行监控" if wanted is Period.HALF_YEAR else "绩效自评"
    return _xlsx(data, f"{unit}{fiscal_year or ''}年度{label}填报模板.xlsx")


@router.post("/units/{unit}/actuals")
async def upload_actuals(
    request: Request, unit: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Upload a unit's actuals: the filled-in template or jixiao-actuals/1 JSON."""
    if actor is None:
        return kit.login_redirect(request)
    year = kit.number(kit.text(form, "year"))
    back = _unit_url(unit, year)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        kit.flash(
            request, "请选择要上传的文件（填报模板 .xlsx 或 jixiao-actuals/1 .json）", "error"
        )
        return kit.see_other(back)
    limit = upload_limit(request)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        kit.flash(request, f"{upload.filename}：文件超过 {limit // 1024 // 1024} MB", "error")
        return kit.see_other(back)
    try:
        result = await run_in_threadpool(
            performance.import_file,
            svc.uow(),
            actor,
            upload.filename,
            data,
            unit=unit,
            scheme=_scheme(request),
        )
    except performance.Refused as exc:
        request.session["upload_problems"] = [upload.filename, list(exc.problems)]
        return kit.see_other(back + ("&" if "?" in back else "?") + "problems=1#upload")
    except Invalid as exc:
        request.session["upload_problems"] = [upload.filename, exc.message.splitlines()]
        return kit.see_other(back + ("&" if "?" in back else "?") + "problems=1#upload")
    label = PERIODS[result.period.value]
    kit.flash(request, f"已导入{upload.filename}：{len(result.reports)} 张表的{label}完成情况")
    return kit.see_other(_unit_url(unit, result.fiscal_year or year))
