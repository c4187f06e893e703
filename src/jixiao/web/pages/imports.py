"""Import of a file: upload, preview, confirm."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from jixiao.domain.workflow import Action, Actor
from jixiao.services import Invalid, ServiceError, Services, access, imports, tables
from jixiao.services.views import PlannedTable
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc, upload_limit
from jixiao.web.kit import Form, PageRoute
from jixiao.web.pages.tables import KIND_LABELS, layout

router = APIRouter(route_class=PageRoute, include_in_schema=False)


UPLOAD_TTL = 30 * 60  # seconds an uploaded file waits for 确认导入

# -- import -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingUpload:
    username: str
    name: str
    data: bytes
    created: float


class Uploads:
    """Uploaded files between 预览 and 确认导入, bound to the user who uploaded them."""

    def __init__(self) -> None:
        self._items: dict[str, PendingUpload] = {}
        self._lock = threading.Lock()

    def _expire(self) -> None:
        cutoff = time.monotonic() - UPLOAD_TTL
        for token in [t for t, p in self._items.items() if p.created < cutoff]:
            del self._items[token]

    def put(self, username: str, name: str, data: bytes) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            mine = sorted((p.created, t) for t, p in self._items.items() if p.username == username)
            for _, old in mine[:-4]:  # keep a user's five most recent uploads
                del self._items[old]
            self._items[token] = PendingUpload(username, name, data, time.monotonic())
        return token

    def get(self, token: str, username: str) -> PendingUpload | None:
        with self._lock:
            self._expire()
            item = self._items.get(token)
        return item if item is not None and item.username == username else None

    def drop(self, token: str) -> None:
        with self._lock:
            self._items.pop(token, None)


def _uploads(request: Request) -> Uploads:
    state = request.app.state
    with _UPLOADS_LOCK:
        if not isinstance(getattr(state, "page_uploads", None), Uploads):
            state.page_uploads = Uploads()
    uploads: Uploads = state.page_uploads
    return uploads


_UPLOADS_LOCK = threading.Lock()


def _require_import(actor: Actor) -> None:
    access.require(actor, Action.IMPORT)


def _import_page(
    request: Request, actor: Actor, status_code: int = 200, **context: Any
) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("preview", None)
    return kit.page(request, "import.html", actor, status_code, **context)


@router.get("/import")
def import_page(request: Request, actor: OptionalActor) -> Response:
    """The import form."""
    if actor is None:
        return kit.login_redirect(request)
    _require_import(actor)
    return _import_page(request, actor)


@router.post("/import/preview")
async def import_preview(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Read an uploaded file and preview its tables before import."""
    if actor is None:
        return kit.login_redirect(request)
    _require_import(actor)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, actor, 422, error="请选择要导入的文件")
    limit = upload_limit(request)
    data = await upload.read(limit + 1)
    name = PurePath(upload.filename).name
    if len(data) > limit:
        return _import_page(request, actor, 413, error=f"文件过大（上限 {limit // 2**20} MB）")
    if not data:
        return _import_page(request, actor, 422, error=f"文件 {name} 是空的")
    return await _run(_preview, request, actor, svc, name, data)


async def _run(fn: Callable[..., Response], *args: Any) -> Response:
    return await run_in_threadpool(fn, *args)


def _preview(request: Request, actor: Actor, svc: Services, name: str, data: bytes) -> Response:
    try:
        doc = imports.read_targets(name, data)
    except Invalid as exc:
        return _import_page(request, actor, 422, error=exc.message)
    preview = tables.preview_import(svc.uow(), actor, doc)
    token = _uploads(request).put(actor.username, name, data) if preview.importable else None
    return _import_page(
        request,
        actor,
        preview=preview,
        previews=[_preview_html(k, p) for k, p in enumerate(preview.tables)],
        token=token,
        file_name=name,
        kind_labels=KIND_LABELS,
        can_record_approved=access.may(actor, Action.RECORD_APPROVED),
        approved_reason=_approved_reason(name),
    )


def _approved_reason(name: str) -> str:
    """The reason 登记批复 records by default: the published file (as the CLI's --approved)."""
    return f"公开文件 {name}（导入时登记批复）"


def _preview_html(index: int, planned: PlannedTable) -> Markup:
    """One table of the upload in the project page's layout, its warnings beside its rows."""
    t = planned.detail
    if t is None:
        return Markup("")
    context = {
        **layout(t),
        "editable": False,
        "table_warnings": planned.warnings,
        "planned": planned,
        "index": index,
    }
    if planned.row_warnings:  # the column 导入警告 only where a row has one
        context["notes"] = planned.row_warnings
    return Markup(kit.templates.get_template("_preview_table.html").render(context))


@router.post("/import/confirm")
def import_confirm(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Import the previewed file (as drafts, or recorded as approved)."""
    if actor is None:
        return kit.login_redirect(request)
    _require_import(actor)
    token = kit.text(form, "token")
    pending = _uploads(request).get(token, actor.username)
    if pending is None:
        return _import_page(
            request, actor, 410, error="上传的文件已过期或不存在，请重新选择文件并预览"
        )
    approved = None
    if kit.text(form, "mode") == "approved":
        approved = kit.text(form, "reason").strip() or _approved_reason(pending.name)
    try:
        doc = imports.read_targets(pending.name, pending.data)
        result = tables.import_document(
            svc.uow(),
            actor,
            doc,
            approved=approved,
            scheme=request.app.state.scoring_scheme,
        )
    except ServiceError as exc:
        _uploads(request).drop(token)
        return _import_page(request, actor, exc.status, error=f"导入未完成：{exc.message}")
    _uploads(request).drop(token)
    parts = [f"{result.indicators} 项指标"] if result.indicators else []
    if result.goals:
        parts.append(f"{result.goals} 项整体目标")
    if result.warnings:
        parts.append(f"{result.warnings} 条警告")
    held = (
        f"。文件中 {result.actuals_held} 张表的实际完成情况未保存：目标表批复后，"
        "可在单位的绩效页上传同一文件"
        if result.actuals_held
        else ""
    )
    if result.actuals:
        parts.append(f"{result.actuals} 张表的实际完成情况")
    kit.flash(
        request,
        f"已从 {PurePath(result.source).name} 导入 {len(result.table_ids)} 张绩效目标表"
        + (f"（{'，'.join(parts)}）" if parts else "")
        + ("，已登记批复" if approved is not None else "，状态：草稿")
        + held,
    )
    return kit.see_other("/")
