"""A table's workflow: submit, review, approve, record approved, adjust, comment."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.domain.workflow import STATUS_LABELS, Actor, Status
from jixiao.services import ServiceError, Services, tables
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import Form, PageRoute
from jixiao.web.pages.tables import RowForm, read_table, table_response

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# -- workflow -----------------------------------------------------------------------------


def _after_workflow(request: Request, table_id: int, message: str) -> Response:
    kit.flash(request, message)
    return kit.see_other(f"/tables/{table_id}")


def _workflow_error(
    request: Request,
    actor: Actor,
    svc: Services,
    table_id: int,
    form_name: str,
    exc: ServiceError,
    typed: dict[str, str],
) -> Response:
    """A field error is shown at its field (the page again); anything else as a flash."""
    field_name = getattr(exc, "field", None)
    if field_name and field_name in typed:
        t = read_table(svc, actor, table_id)
        state = RowForm(values=typed, errors={field_name: exc.message})
        return table_response(request, actor, t, exc.status, forms={form_name: state})
    kit.flash(request, exc.message, "error")
    return kit.see_other(f"/tables/{table_id}")


@router.post("/tables/{table_id}/submit")
def submit(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """Submit a draft for review."""
    if actor is None:
        return kit.login_redirect(request)
    try:
        status = tables.submit(svc.uow(), actor, table_id)
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "submit", exc, {})
    return _after_workflow(request, table_id, f"已提交审核，当前状态：{STATUS_LABELS[status]}")


@router.post("/tables/{table_id}/review")
def review(request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Review a submitted table: a grade and an opinion."""
    if actor is None:
        return kit.login_redirect(request)
    typed = {"grade": kit.text(form, "grade"), "opinion": kit.text(form, "opinion")}
    try:
        status = tables.review(svc.uow(), actor, table_id, typed["grade"], typed["opinion"])
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "review", exc, typed)
    verdict = "审核通过" if status is Status.REVIEWED else "已退回单位修改"
    return _after_workflow(
        request,
        table_id,
        f"审核完成（等级：{typed['grade']}），{verdict}，当前状态：{STATUS_LABELS[status]}",
    )


@router.post("/tables/{table_id}/approve")
def approve(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """Approve a reviewed table (its version is archived)."""
    if actor is None:
        return kit.login_redirect(request)
    try:
        status = tables.approve(svc.uow(), actor, table_id)
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "approve", exc, {})
    version = tables.get_table(svc.uow(), table_id, actor).version
    return _after_workflow(
        request,
        table_id,
        f"已批复，第 {version} 版已存档，当前状态：{STATUS_LABELS[status]}",
    )


@router.post("/tables/{table_id}/record-approved")
def record_approved(
    request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """登记批复: record a draft approved outside jixiao as approved."""
    if actor is None:
        return kit.login_redirect(request)
    typed = {"reason": kit.text(form, "reason")}
    try:
        status = tables.record_approved(svc.uow(), actor, table_id, typed["reason"])
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "record_approved", exc, typed)
    version = tables.get_table(svc.uow(), table_id, actor).version
    return _after_workflow(
        request,
        table_id,
        f"已登记批复，第 {version} 版已存档，当前状态：{STATUS_LABELS[status]}",
    )


@router.post("/tables/{table_id}/adjust")
def adjust(request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Adjust an approved table: a new draft version, with a reason."""
    if actor is None:
        return kit.login_redirect(request)
    typed = {"reason": kit.text(form, "reason")}
    try:
        version = tables.adjust(svc.uow(), actor, table_id, typed["reason"])
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "adjust", exc, typed)
    return _after_workflow(
        request,
        table_id,
        f"已开始调整：第 {version} 版，当前状态：{STATUS_LABELS[Status.DRAFT]}",
    )


@router.post("/tables/{table_id}/comment")
def comment(
    request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Comment on a table."""
    if actor is None:
        return kit.login_redirect(request)
    typed = {"body": kit.text(form, "body")}
    try:
        tables.comment(svc.uow(), actor, table_id, typed["body"])
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "comment", exc, typed)
    return _after_workflow(request, table_id, "意见已发表")
