"""The pages: server-rendered HTML in 简体中文, enhanced with htmx.

Every page needs a logged-in user (session cookie, see ``deps``); the log-in page is the
only exception.  Pages work without JavaScript (plain forms, redirect after post); htmx
swaps table rows for inline editing, the list's results while filtering, and the
indicator table after a row is added or deleted.  Partial responses are chosen by the
``HX-Request`` header.

Errors from the services are shown where they belong: a field error (``Invalid.field``)
beside its input, a stale edit (``Conflict``) with the stored values next to what the
user typed, anything else as a flash message or an error page — never as JSON.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from jixiao.domain.messages import error_message, error_title, operator_name
from jixiao.domain.money import format_money, to_yuan
from jixiao.domain.monitoring import LIGHT_LABELS
from jixiao.domain.provenance import Provenance
from jixiao.domain.review import SEVERITY_LABELS
from jixiao.domain.taxonomy import taxonomy_for_year
from jixiao.domain.values import Kind, TargetValue, format_value
from jixiao.domain.workflow import (
    ACTION_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    Action,
    Actor,
    Grade,
    Status,
    TableRef,
)
from jixiao.services import (
    Conflict,
    Invalid,
    NotFound,
    PermissionDenied,
    ServiceError,
    Services,
    access,
    actuals,
    clock,
    imports,
    inquiries,
    tables,
    users,
)
from jixiao.services import review as reviewing
from jixiao.services.errors import TooManyAttempts
from jixiao.services.settings import Settings
from jixiao.services.tables import TableFilter
from jixiao.services.views import (
    GoalView,
    HistoryEntry,
    IndicatorView,
    PlannedTable,
    TableDetail,
)
from jixiao.web.deps import (
    Config,
    OptionalActor,
    Svc,
    client_address,
    csrf_token,
    upload_limit,
)

TEMPLATES = Path(__file__).parent / "templates"

PAGE_SIZE = 50
UPLOAD_TTL = 30 * 60  # seconds an uploaded file waits for 确认导入


# -- error handling: pages answer in HTML, never JSON -------------------------------------


class PageRoute(APIRoute):
    """A route whose HTTP and service errors become an HTML page (or, for htmx, text).

    The app's own handler turns ``ServiceError`` into JSON (right for the API); pages
    catch errors here, dependencies (log-in, CSRF) included.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as exc:
                headers = dict(exc.headers) if exc.headers else None
                return _error_response(request, exc.status_code, str(exc.detail), headers)
            except ServiceError as exc:
                return _error_response(request, exc.status, exc.message)
            except RequestValidationError:
                return _error_response(request, 404, "页面不存在或地址有误")

        return page_handler


router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _is_htmx(request: Request) -> bool:
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _session_actor(request: Request) -> Actor | None:
    """The logged-in user of an error page (so that it keeps the navigation), if any."""
    if "session" not in request.scope:
        return None
    sid = request.session.get("sid")
    if not sid:
        return None
    try:
        svc: Services = request.app.state.services
        found = users.session_identity(svc.uow(), str(sid))
    except Exception:  # an error page must render even when the database does not answer
        return None
    return found.actor if found is not None else None


def _error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if _is_htmx(request):
        return PlainTextResponse(message, status_code=status, headers=headers)
    return error_page(request, status, message, headers)


def error_page(
    request: Request, status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """An error as a page inside the normal layout: the navigation and the logged-in user
    stay, the title and message are in Chinese (see domain.messages)."""
    actor = _session_actor(request)
    try:
        common = _common(request, actor, flashes=False)
    except Exception:
        common = {"actor": None, "csrf": "", "flashes": [], "names": {}}
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            **common,
            "status": status,
            "title": error_title(status),
            "message": message or error_message(status),
        },
        status_code=status,
        headers=headers,
    )


# -- template helpers ---------------------------------------------------------------------


def wan_text(amount: float | None) -> str:
    """An amount of the actuals (万元) as a page shows it: exact, grouped, never in
    scientific notation (330.984 → ``330.984``, 3309840 → ``3,309,840.00``)."""
    return format_money(None if amount is None else to_yuan(amount))


def fmt_time(value: datetime | str | None) -> str:
    """A stored time (UTC; naive means UTC) as shown: ``2025-03-01 14:05``, in the
    configured time zone ($JIXIAO_TZ)."""
    return clock.shown(value)


@pass_context
def person(context: Any, username: str | None) -> str:
    """Who did something, as a person reads it: the display name (``names`` of the page's
    context), a system operator in words; never a bare login name where a name is known."""
    if not username:
        return ""
    names = context.get("names") or {}
    return operator_name(username, names)


_TYPED_IN = "在系统中录入（无原始出处）"


def location(source: Provenance) -> str:
    """A place in a source file: ``000_….txt 第 2 页 第 119 行``."""
    return source.label()


def place(source: Provenance | None) -> str:
    """Where a value came from, for a tooltip: ``来源：000_….txt 第 2 页 第 119 行``."""
    return _TYPED_IN if source is None else "来源：" + location(source)


def origin(source: Provenance | None) -> str:
    """Where a value came from, for a column headed 来源: the place, without the word."""
    return _TYPED_IN if source is None else location(source)


_KIND_WORDS = {
    Kind.QUANTITATIVE: "定量",
    Kind.QUALITATIVE: "定性",
    Kind.DATE: "日期",
    Kind.TEXT: "无法识别",
}


def value_title(value: TargetValue | None) -> str:
    """The tooltip of a value: its provenance and how it was read."""
    if value is None:
        return ""
    lines = [place(value.source)]
    if value.kind is Kind.TEXT:
        lines.append(f"无法识别：{value.reason}")
    else:
        lines.append(f"识别为：{format_value(value)}（{_KIND_WORDS[value.kind]}）")
    return "\n".join(lines)


def value_input(value: TargetValue | None) -> str:
    return "" if value is None else value.text


def _value_text(data: Any) -> str:
    """A stored value (``jixiao/1`` JSON) as the text the user sees, for history."""
    if data is None:
        return "（空）"
    if isinstance(data, dict):
        return str(data.get("text") or "（空）")
    return str(data)


templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["time"] = fmt_time
templates.env.filters["wan"] = wan_text
templates.env.filters["person"] = person
templates.env.filters["place"] = place
templates.env.filters["location"] = location
templates.env.filters["value_title"] = value_title
templates.env.filters["value_input"] = value_input
templates.env.filters["basename"] = lambda path: PurePath(str(path)).name
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    ACTION_LABELS=ACTION_LABELS,
    ROLE_NAMES={role.value: label for role, label in ROLE_LABELS.items()},
    Action=Action,
    Status=Status,
    Kind=Kind,
    SEVERITY_LABELS=SEVERITY_LABELS,
    LIGHT_LABELS=LIGHT_LABELS,
    GRADES=[
        (Grade.EXCELLENT.value, "直接通过"),
        (Grade.GOOD.value, "小幅调整后通过"),
        (Grade.FAIR.value, "退回修改后重报"),
        (Grade.POOR.value, "退回，不得纳入预算"),
    ],
)


def _flash(request: Request, message: str, kind: str = "ok") -> None:
    flashes = list(request.session.get("flash", []))
    flashes.append([kind, message])
    request.session["flash"] = flashes


def _waiting(request: Request, actor: Actor | None) -> int:
    """Inquiries waiting for the actor (the badge beside 询问 in the navigation)."""
    if actor is None:
        return 0
    svc: Services = request.app.state.services
    return inquiries.open_count(svc.uow(), actor)


def _names(request: Request, actor: Actor | None) -> dict[str, str]:
    """Display names by login name (one query per page, for the logged-in only)."""
    if actor is None:
        return {}
    svc: Services = request.app.state.services
    return {u.username: u.display_name for u in users.list_users(svc.uow()) if u.display_name}


def _common(request: Request, actor: Actor | None, *, flashes: bool = True) -> dict[str, Any]:
    return {
        "names": _names(request, actor),
        "actor": actor,
        "user_name": request.session.get("name") or (actor.username if actor else None),
        "role_label": ROLE_LABELS[actor.role] if actor else "",
        "can_import": access.may(actor, Action.IMPORT),
        "can_oversee": access.may(actor, access.Read.OVERSIGHT),
        "inquiries_waiting": _waiting(request, actor),
        "csrf": csrf_token(request),
        "flashes": request.session.pop("flash", []) if flashes else [],
    }


def _page(
    request: Request, name: str, actor: Actor | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {**_common(request, actor), **context}, status_code=status_code
    )


#: The fragments that answer a change of a table's rows (saved, added, deleted).
_ROW_FRAGMENTS = frozenset({"row_indicators.html", "row_goals.html", "_targets.html"})


def _partial(
    request: Request,
    name: str,
    actor: Actor | None,
    status_code: int = 200,
    flash: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """An htmx fragment; ``flash`` is shown as a toast (HX-Trigger, ASCII-escaped JSON).

    A fragment that changed a table's rows (``flash`` given, status below 400) also triggers
    ``jx-findings``: the table page's 审核发现 panel reloads itself (the review rules see the
    rows as saved)."""
    events: dict[str, str] = {}
    if flash:
        events["jx-flash"] = flash
        if status_code < 400 and name in _ROW_FRAGMENTS:
            events["jx-findings"] = ""
    headers = {"HX-Trigger": json.dumps(events)} if events else None
    return templates.TemplateResponse(
        request,
        name,
        {**_common(request, actor, flashes=False), **context},
        status_code=status_code,
        headers=headers,
    )


def _login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/login?" + urlencode({"next": target}) if target != "/" else "/login"
    if _is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _int(value: str | None) -> int | None:
    """A form or query number; None when empty, not a number or beyond what the database
    stores (32 bits)."""
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is None or -(2**31) <= number < 2**31 else None


# -- log-in -------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after log-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, actor: OptionalActor, next: str | None = None) -> Response:
    if actor is not None:
        return _see_other(_safe_next(next))
    return _page(request, "login.html", None, next=_safe_next(next), username="", error=None)


def throttle(settings: Settings) -> users.Throttle:
    return users.Throttle(
        per_user=settings.login_max_failures,
        per_address=settings.login_max_failures_address,
        window_minutes=settings.login_window_minutes,
    )


def begin_session(request: Request, svc: Services, identity: users.Identity) -> None:
    """A fresh cookie session (new CSRF token) bound to a new server-side session."""
    settings: Settings = request.app.state.settings
    sid = users.start_session(
        svc.uow(),
        identity.actor.username,
        hours=settings.session_hours,
        address=client_address(request),
    )
    request.session.clear()
    request.session["sid"] = sid
    request.session["name"] = identity.display_name
    csrf_token(request)


@router.post("/login")
def login(request: Request, svc: Svc, config: Config, form: Form) -> Response:
    username = _text(form, "username").strip()
    password = _text(form, "password")
    target = _safe_next(_text(form, "next"))
    expected = request.session.get("csrf")
    submitted = _text(form, "csrf_token")
    status, headers = 401, None
    if not expected or not secrets.compare_digest(str(expected), submitted):
        error = "页面已过期，请重新登录"
    elif not username or not password:
        error = "请输入用户名和密码"
    else:
        try:
            identity = users.log_in(
                svc.uow(),
                username,
                password,
                address=client_address(request),
                throttle=throttle(config),
            )
        except TooManyAttempts as exc:
            identity, error = None, exc.message
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        else:
            error = "用户名或密码错误"
        if identity is not None:
            begin_session(request, svc, identity)
            if identity.must_change_password:
                _flash(request, "管理员为您设置了初始密码，请先设置自己的新密码", "error")
                return _see_other("/account/password")
            return _see_other(target)
    response = _page(
        request, "login.html", None, status, next=target, username=username, error=error
    )
    if headers:
        response.headers.update(headers)
    return response


@router.post("/logout")
def logout(request: Request, svc: Svc, actor: OptionalActor) -> Response:
    sid = request.session.get("sid")
    if sid:
        users.end_session(svc.uow(), str(sid))
    request.session.clear()
    if actor is not None:
        _flash(request, "已退出登录")
    return _see_other("/login")


# -- the list of tables -------------------------------------------------------------------

KIND_LABELS = {"project": "项目", "overall": "部门整体"}


def list_filter(
    q: str | None = None,
    year: str | None = None,
    department: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> TableFilter:
    """The list's filters from its query (unknown statuses and kinds ignored): the list
    page and its downloads (a FastAPI dependency there) read them alike."""
    status_value = status if status in {s.value for s in Status} else None
    return TableFilter(
        year=_int(year),
        department=department or None,
        unit=unit or None,
        status=Status(status_value) if status_value else None,
        kind=kind if kind in KIND_LABELS else None,
        q=(q or "").strip() or None,
    )


@router.get("/")
def table_list(
    request: Request,
    actor: OptionalActor,
    svc: Svc,
    q: str | None = None,
    year: str | None = None,
    department: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    page: str | None = None,
) -> Response:
    if actor is None:
        return _login_redirect(request)
    page_no = max(_int(page) or 1, 1)
    f = list_filter(q, year, department, unit, status, kind)
    filters = {
        "q": f.q or "",
        "year": str(f.year or ""),
        "department": f.department or "",
        "unit": f.unit or "",
        "status": f.status.value if f.status else "",
        "kind": f.kind or "",
    }
    summaries, total = tables.list_tables(
        svc.uow(), replace(f, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, reader=actor)
    )
    active = {k: v for k, v in filters.items() if v}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    context: dict[str, Any] = {
        "rows": summaries,
        "total": total,
        "filters": filters,
        "page_no": page_no,
        "pages": pages,
        "prev_url": "/?" + urlencode({**active, "page": page_no - 1}) if page_no > 1 else None,
        "next_url": "/?" + urlencode({**active, "page": page_no + 1}) if page_no < pages else None,
        "kind_labels": KIND_LABELS,
    }
    response: Response
    if _is_htmx(request) and request.headers.get("hx-target") == "results":
        response = _partial(request, "_results.html", actor, **context)
    else:
        options = tables.filter_options(svc.uow())
        response = _page(request, "list.html", actor, options=options, **context)
    # The same URL answers a fragment to htmx and a page otherwise: keep caches apart.
    response.headers["Vary"] = "HX-Request, HX-Target"
    return response


# -- the official layout ------------------------------------------------------------------


def _runs(keys: Sequence[object]) -> list[int]:
    """Row spans of merged cells: the length of each run of equal keys at its first row."""
    spans = [0] * len(keys)
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start]:
            spans[start] = k - start
            start = k
    return spans


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    """An indicator with its merged cells: span 0 means covered by the cell above."""

    ind: IndicatorView
    l1_span: int
    l2_span: int
    l1_label: str
    l2_label: str


@dataclass(frozen=True, slots=True)
class GoalLine:
    goal: GoalView
    span: int  # of 序号 and 职能


def indicator_lines(indicators: Sequence[IndicatorView]) -> list[IndicatorLine]:
    l1 = _runs([i.level1 for i in indicators])
    l2 = _runs([(i.level1, i.level2) for i in indicators])
    return [
        IndicatorLine(i, s1, s2, i.level1_label or i.level1, i.level2_label or i.level2)
        for i, s1, s2 in zip(indicators, l1, l2, strict=True)
    ]


def goal_lines(goals: Sequence[GoalView]) -> list[GoalLine]:
    spans = _runs([(g.seq, g.function) for g in goals])
    return [GoalLine(g, s) for g, s in zip(goals, spans, strict=True)]


@dataclass
class RowForm:
    """An edit or add form's state: what the user typed, and what went wrong."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None  # an error that belongs to no field
    conflict: str | None = None  # set when the row changed under the user
    current: dict[str, str] | None = None  # the stored values, on conflict
    lock: int | None = None


def _layout(t: TableDetail) -> dict[str, Any]:
    """What the official-layout templates need of a table."""
    return {
        "t": t,
        "lines": indicator_lines(t.indicators),
        "goal_lines": goal_lines(t.goals),
        "show_long": any(i.long_term is not None for i in t.indicators),
        "has_funds": t.funds is not None,
        "editable": Action.EDIT in t.actions,
        "duties": t.actions - {Action.COMMENT},
    }


def _targets_context(t: TableDetail, **extra: Any) -> dict[str, Any]:
    taxonomy = taxonomy_for_year(t.fiscal_year)
    levels = [(l1, taxonomy.level2_of(l1)) for l1 in taxonomy.level1]
    functions = list(dict.fromkeys((g.seq, g.function) for g in t.goals))
    context = {**_layout(t), "levels": levels, "functions": functions, "edit": {}}
    context.update(add=RowForm(), section_error=None)
    context.update(extra)
    return context


def _detail(svc: Services, actor: Actor, table_id: int) -> TableDetail:
    return tables.get_table(svc.uow(), table_id, actor)


def _table_page(
    request: Request,
    actor: Actor,
    t: TableDetail,
    status_code: int = 200,
    forms: dict[str, RowForm] | None = None,
    **extra: Any,
) -> HTMLResponse:
    return _page(
        request,
        "table.html",
        actor,
        status_code,
        forms=forms or {},
        **_targets_context(t, **extra),
    )


@router.get("/tables/{table_id}")
def table_page(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """The table; ``?accept=N&accept=M`` (the findings panel's form) drafts a review
    opinion from those findings for a reviewer to edit before submitting."""
    if actor is None:
        return _login_redirect(request)
    detail = _detail(svc, actor, table_id)
    findings = reviewing.review_table(svc.uow(), table_id, request.app.state.review_config, actor)
    forms: dict[str, RowForm] = {}
    accepted = [int(x) for x in request.query_params.getlist("accept") if x.isdigit()]
    if accepted and Action.REVIEW in detail.actions:
        chosen = [f for k, f in enumerate(findings.findings) if k in accepted]
        draft = replace(findings, findings=tuple(chosen)).opinion()
        forms["review"] = RowForm(values={"opinion": draft, "grade": findings.grade.value})
    performance = monitor = None
    if detail.status is Status.APPROVED:
        performance = actuals.evaluate_table(
            svc.uow(), table_id, request.app.state.scoring_scheme, actor
        )
        if detail.kind == tables.PROJECT:
            monitor = actuals.monitor_table(
                svc.uow(), table_id, request.app.state.monitoring_config, actor
            )
    return _table_page(
        request,
        actor,
        detail,
        forms=forms,
        findings=findings,
        performance=performance,
        monitor=monitor,
        **inquiry_context(svc, actor, table_id, request.url.path),
    )


def inquiry_context(
    svc: Services,
    actor: Actor,
    table_id: int,
    here: str,
    position: int | None = None,
) -> dict[str, Any]:
    """What ``_inquiries.html`` needs: the table's threads (those of one row when
    ``position`` is given) and whether the actor may ask, answer, follow up or close."""
    table = tables.require_read(svc.uow(), actor, table_id)
    threads = inquiries.for_table(svc.uow(), table_id, actor)
    if position is not None:
        threads = [q for q in threads if q.position == position]
    return {
        "threads": threads,
        "table_id": table_id,
        "position": position,
        "here": here,
        "may_ask": access.may(actor, access.Read.ASK, table),
        "may_answer": access.may(actor, access.Read.ANSWER, table),
        "follow_ids": {q.id for q in threads if inquiries.may_follow_up(actor, table, q)},
    }


# -- inline editing: indicators and goals -------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowKind:
    """What differs between editing indicators (project) and goals (overall)."""

    path: str  # "indicators" | "goals"
    noun: str  # 指标 | 目标
    edit_fields: tuple[str, ...]
    add_fields: tuple[str, ...]

    def rows(self, t: TableDetail) -> Sequence[IndicatorView | GoalView]:
        return t.indicators if self.path == "indicators" else t.goals

    def find(self, t: TableDetail, row_id: int) -> IndicatorView | GoalView:
        for row in self.rows(t):
            if row.id == row_id:
                return row
        raise NotFound(f"{self.noun} {row_id} 不存在（可能已被删除）")

    def line(self, t: TableDetail, row_id: int) -> IndicatorLine | GoalLine:
        lines: Sequence[IndicatorLine | GoalLine] = (
            indicator_lines(t.indicators) if self.path == "indicators" else goal_lines(t.goals)
        )
        for line in lines:
            row = line.ind if isinstance(line, IndicatorLine) else line.goal
            if row.id == row_id:
                return line
        raise NotFound(f"{self.noun} {row_id} 不存在（可能已被删除）")

    def values(self, row: IndicatorView | GoalView) -> dict[str, str]:
        """The row's stored values as the texts the inputs show."""
        if isinstance(row, IndicatorView):
            return {
                "level1": row.level1,
                "level2": row.level2,
                "name": row.name,
                "half_year": value_input(row.half_year),
                "full_year": value_input(row.full_year),
                "long_term": value_input(row.long_term),
            }
        return {
            "seq": row.seq,
            "function": row.function,
            "work": row.work,
            "goal": row.goal,
            "target": value_input(row.target),
        }

    def save(
        self,
        svc: Services,
        actor: Actor,
        table_id: int,
        fields: dict[str, str | None],
        row_id: int | None,
        lock: int | None,
    ) -> None:
        if self.path == "indicators":
            tables.save_indicator(
                svc.uow(), actor, table_id, fields, indicator_id=row_id, expected_lock=lock
            )
        else:
            tables.save_goal(svc.uow(), actor, table_id, fields, goal_id=row_id, expected_lock=lock)

    def delete(self, svc: Services, actor: Actor, table_id: int, row_id: int, lock: int) -> None:
        if self.path == "indicators":
            tables.delete_indicator(svc.uow(), actor, table_id, row_id, lock)
        else:
            tables.delete_goal(svc.uow(), actor, table_id, row_id, lock)


INDICATORS = RowKind(
    "indicators",
    "指标",
    edit_fields=("name", "half_year", "full_year", "long_term"),
    add_fields=("level1", "level2", "name", "half_year", "full_year", "long_term"),
)
GOALS = RowKind(
    "goals",
    "目标",
    edit_fields=("work", "goal", "target"),
    add_fields=("seq", "function", "work", "goal", "target"),
)


def _submitted(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The fields the form carried (a field absent from the form stays unchanged)."""
    return {n: _text(form, n) for n in names if n in form}


def _error_form(exc: ServiceError, typed: dict[str, str], known: Iterable[str]) -> RowForm:
    form = RowForm(values=typed)
    field_name = getattr(exc, "field", None)
    if field_name in set(known) and field_name in typed:
        form.errors[field_name] = exc.message
    else:
        form.message = exc.message
    return form


def _conflict_form(
    exc: Conflict, typed: dict[str, str], kind: RowKind, t: TableDetail, row_id: int
) -> RowForm:
    current = exc.current if isinstance(exc.current, dict) else {}
    form = RowForm(
        values=typed,
        conflict=exc.message,
        current={
            k: (_value_text(v) if isinstance(v, dict) or v is None else str(v))
            for k, v in current.items()
        },
    )
    # Conflict.current has no lock: read the row again, so that saving once more (after
    # looking at the stored values) deliberately replaces them.
    try:
        form.lock = kind.find(t, row_id).lock
    except NotFound:
        form.message = f"该{kind.noun}已被删除"
    return form


def _edit_response(
    request: Request,
    actor: Actor,
    t: TableDetail,
    kind: RowKind,
    row_id: int,
    form: RowForm,
    status_code: int,
) -> Response:
    """The edit row again (htmx) or the whole page with the row in edit mode."""
    if not _is_htmx(request):
        return _table_page(request, actor, t, status_code, edit={row_id: form})
    context = _targets_context(t)
    return _partial(
        request,
        f"row_{kind.path}_edit.html",
        actor,
        status_code,
        line=kind.line(t, row_id),
        form=form,
        **context,
    )


def _row_view(
    request: Request, rk: RowKind, table_id: int, row_id: int, actor: Actor | None, svc: Services
) -> Response:
    """One row as displayed (htmx: cancel an edit)."""
    if actor is None:
        return _login_redirect(request)
    if not _is_htmx(request):
        return _see_other(f"/tables/{table_id}#{rk.path}-{row_id}")
    t = _detail(svc, actor, table_id)
    return _partial(
        request, f"row_{rk.path}.html", actor, line=rk.line(t, row_id), **_targets_context(t)
    )


def _row_edit(
    request: Request, rk: RowKind, table_id: int, row_id: int, actor: Actor | None, svc: Services
) -> Response:
    if actor is None:
        return _login_redirect(request)
    t = _detail(svc, actor, table_id)
    if Action.EDIT not in t.actions:
        decision = access.allowed(actor, Action.EDIT, TableRef(t.unit, t.department, t.status))
        raise PermissionDenied(decision.reason or "无权编辑此绩效目标表")
    row = rk.find(t, row_id)
    form = RowForm(values=rk.values(row), lock=row.lock)
    return _edit_response(request, actor, t, rk, row_id, form, 200)


def _row_save(
    request: Request,
    rk: RowKind,
    table_id: int,
    row_id: int,
    actor: Actor | None,
    svc: Services,
    form: FormData,
) -> Response:
    if actor is None:
        return _login_redirect(request)
    typed = _submitted(form, rk.edit_fields)
    lock = _int(_text(form, "lock"))
    try:
        rk.save(svc, actor, table_id, dict(typed), row_id, lock)
    except Conflict as exc:
        t = _detail(svc, actor, table_id)
        state = _conflict_form(exc, typed, rk, t, row_id)
        if state.lock is None:  # deleted meanwhile: nothing left to edit
            return _targets_response(request, actor, t, 409, section_error=state.message)
        return _edit_response(request, actor, t, rk, row_id, state, 409)
    except Invalid as exc:
        t = _detail(svc, actor, table_id)
        state = _error_form(exc, typed, rk.edit_fields)
        state.lock = lock
        return _edit_response(request, actor, t, rk, row_id, state, exc.status)
    except NotFound as exc:
        t = _detail(svc, actor, table_id)  # NotFound again if the table itself is gone
        message = f"{exc.message}，您的修改未保存"
        return _targets_response(request, actor, t, 409, section_error=message)
    t = _detail(svc, actor, table_id)
    if not _is_htmx(request):
        _flash(request, f"{rk.noun}已保存")
        return _see_other(f"/tables/{table_id}#{rk.path}-{row_id}")
    return _partial(
        request,
        f"row_{rk.path}.html",
        actor,
        flash=f"{rk.noun}已保存",
        line=rk.line(t, row_id),
        **_targets_context(t),
    )


def _targets_response(
    request: Request,
    actor: Actor,
    t: TableDetail,
    status_code: int = 200,
    flash: str | None = None,
    **extra: Any,
) -> Response:
    """The indicator (or goal) table with its add form: htmx section, else the page."""
    if not _is_htmx(request):
        if status_code < 400:
            if flash:
                _flash(request, flash)
            return _see_other(f"/tables/{t.id}#targets")
        return _table_page(request, actor, t, status_code, **extra)
    response = _partial(
        request, "_targets.html", actor, status_code, flash=flash, **_targets_context(t, **extra)
    )
    # Also when the request came from a row (its row was deleted meanwhile).
    response.headers.update({"HX-Retarget": "#targets", "HX-Reswap": "outerHTML"})
    return response


def _row_add(
    request: Request, rk: RowKind, table_id: int, actor: Actor | None, svc: Services, form: FormData
) -> Response:
    if actor is None:
        return _login_redirect(request)
    typed = _submitted(form, rk.add_fields)
    try:
        rk.save(svc, actor, table_id, dict(typed), None, None)
    except Invalid as exc:
        t = _detail(svc, actor, table_id)
        state = _error_form(exc, typed, rk.add_fields)
        return _targets_response(request, actor, t, exc.status, add=state)
    t = _detail(svc, actor, table_id)
    return _targets_response(request, actor, t, flash=f"已新增{rk.noun}")


def _row_delete(
    request: Request,
    rk: RowKind,
    table_id: int,
    row_id: int,
    actor: Actor | None,
    svc: Services,
    form: FormData,
) -> Response:
    if actor is None:
        return _login_redirect(request)
    lock = _int(_text(form, "lock"))
    try:
        if lock is None:
            raise Invalid(f"删除{rk.noun}需要提供版本号（lock）", "lock")
        rk.delete(svc, actor, table_id, row_id, lock)
    except (Conflict, Invalid, NotFound) as exc:
        t = _detail(svc, actor, table_id)
        message = exc.message
        if isinstance(exc, Conflict):
            message = message.replace("您的修改未保存", "未删除")
        status = 422 if isinstance(exc, Invalid) else 409
        return _targets_response(request, actor, t, status, section_error=message)
    t = _detail(svc, actor, table_id)
    return _targets_response(request, actor, t, flash=f"已删除{rk.noun}")


def _register_row_routes(rk: RowKind) -> None:
    """GET/POST routes of one row kind: /tables/{id}/indicators/… or /tables/{id}/goals/…"""
    base = f"/tables/{{table_id}}/{rk.path}"

    def view(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc
    ) -> Response:
        return _row_view(request, rk, table_id, row_id, actor, svc)

    def edit(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc
    ) -> Response:
        return _row_edit(request, rk, table_id, row_id, actor, svc)

    def save(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_save(request, rk, table_id, row_id, actor, svc, form)

    def add(
        request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_add(request, rk, table_id, actor, svc, form)

    def delete(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_delete(request, rk, table_id, row_id, actor, svc, form)

    router.add_api_route(base, add, methods=["POST"], name=f"{rk.path}_add")
    router.add_api_route(base + "/{row_id}", view, methods=["GET"], name=f"{rk.path}_view")
    router.add_api_route(base + "/{row_id}", save, methods=["POST"], name=f"{rk.path}_save")
    router.add_api_route(base + "/{row_id}/edit", edit, methods=["GET"], name=f"{rk.path}_edit")
    router.add_api_route(
        base + "/{row_id}/delete", delete, methods=["POST"], name=f"{rk.path}_delete"
    )


for _kind in (INDICATORS, GOALS):
    _register_row_routes(_kind)


# -- workflow -----------------------------------------------------------------------------


def _after_workflow(request: Request, table_id: int, message: str) -> Response:
    _flash(request, message)
    return _see_other(f"/tables/{table_id}")


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
        t = _detail(svc, actor, table_id)
        state = RowForm(values=typed, errors={field_name: exc.message})
        return _table_page(request, actor, t, exc.status, forms={form_name: state})
    _flash(request, exc.message, "error")
    return _see_other(f"/tables/{table_id}")


@router.post("/tables/{table_id}/submit")
def submit(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    if actor is None:
        return _login_redirect(request)
    try:
        status = tables.submit(svc.uow(), actor, table_id)
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "submit", exc, {})
    return _after_workflow(request, table_id, f"已提交审核，当前状态：{STATUS_LABELS[status]}")


@router.post("/tables/{table_id}/review")
def review(request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    if actor is None:
        return _login_redirect(request)
    typed = {"grade": _text(form, "grade"), "opinion": _text(form, "opinion")}
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
    if actor is None:
        return _login_redirect(request)
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
    """登记批复: a draft whose targets were approved outside jixiao (a published budget
    document) recorded as approved, as ``jixiao import --approved`` does at import."""
    if actor is None:
        return _login_redirect(request)
    typed = {"reason": _text(form, "reason")}
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
    if actor is None:
        return _login_redirect(request)
    typed = {"reason": _text(form, "reason")}
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
    if actor is None:
        return _login_redirect(request)
    typed = {"body": _text(form, "body")}
    try:
        tables.comment(svc.uow(), actor, table_id, typed["body"])
    except ServiceError as exc:
        return _workflow_error(request, actor, svc, table_id, "comment", exc, typed)
    return _after_workflow(request, table_id, "意见已发表")


# -- history and versions -----------------------------------------------------------------

HISTORY_ACTIONS = {
    "import": "导入",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "submit": "提交",
    "review": "审核",
    "approve": "批复",
    "adjust": "调整",
    "comment": "发表意见",
    "record_approved": "登记批复",
    "actuals.save": "填报完成情况",
    "score.adjust": "人工评分",
}
INDICATOR_FIELDS = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标"),
    ("half_year", "半年指标值"),
    ("full_year", "全年指标值"),
    ("long_term", "长期指标值"),
)
GOAL_FIELDS = (
    ("seq", "序号"),
    ("function", "职能"),
    ("work", "工作及项目名称"),
    ("goal", "年度目标"),
    ("target", "目标值"),
)
VALUE_FIELDS = {"half_year", "full_year", "long_term", "target"}


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str | None  # None: nothing before (a new row)
    after: str | None  # None: nothing after (a deleted row)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    seq: int
    at: str
    actor: str
    action: str
    action_code: str
    subject: str
    changes: tuple[Change, ...] = ()
    note: str = ""


def _show(key: str, value: Any) -> str:
    if key in VALUE_FIELDS:
        return _value_text(value)
    if value is None or value == "":
        return "（空）"
    if key == "status":
        try:
            return STATUS_LABELS[Status(value)]
        except ValueError:
            return str(value)
    return str(value)


def _row_changes(
    fields: Sequence[tuple[str, str]], before: dict[str, Any], after: dict[str, Any]
) -> tuple[Change, ...]:
    changes = []
    for key, label in fields:
        old, new = before.get(key), after.get(key)
        if key in VALUE_FIELDS:
            if _value_text(old) != _value_text(new):
                changes.append(Change(label, _show(key, old), _show(key, new)))
        elif old != new:
            changes.append(Change(label, _show(key, old), _show(key, new)))
    return tuple(changes)


def _row_values(
    fields: Sequence[tuple[str, str]], data: dict[str, Any], *, new: bool
) -> tuple[Change, ...]:
    shown = [
        (label, _show(key, data.get(key)))
        for key, label in fields
        if data.get(key) not in (None, "")
    ]
    return tuple(
        Change(label, None, text) if new else Change(label, text, None) for label, text in shown
    )


def describe(entry: HistoryEntry, names: dict[str, str]) -> HistoryLine:
    """An audit entry in words: who did what, and what changed (before → after)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    who = operator_name(entry.actor, names)
    action = HISTORY_ACTIONS.get(entry.action, entry.action)
    base = HistoryLine(
        seq=entry.seq,
        at=fmt_time(entry.at),
        actor=who,
        action=action,
        action_code=entry.action,
        subject="",
    )
    if entry.entity in ("indicator", "goal"):
        fields = INDICATOR_FIELDS if entry.entity == "indicator" else GOAL_FIELDS
        noun = "指标" if entry.entity == "indicator" else "目标"
        key = "name" if entry.entity == "indicator" else "work"
        title = after.get(key) or before.get(key) or entry.entity_id
        subject = f"{noun}“{title}”"
        if entry.action == "update":
            diff = _row_changes(fields, before, after)
            return replace(base, subject=subject, changes=diff, note="" if diff else "无实质变化")
        if entry.action == "create":
            return replace(base, subject=subject, changes=_row_values(fields, after, new=True))
        return replace(base, subject=subject, changes=_row_values(fields, before, new=False))
    if entry.entity == "comment":
        return replace(base, subject="意见", note=str(after.get("body", "")))
    if entry.entity == "actual_report":
        return replace(
            base,
            subject=actuals.PERIOD_LABELS.get(str(after.get("period")), "完成情况"),
            changes=_actuals_changes(before, after),
        )
    if entry.entity == "actual_item":
        subject = f"指标“{after.get('name') or before.get('name')}”"

        def points(d: dict[str, Any]) -> str:
            return "（无）" if d.get("score") is None else f"{d['score']:g} 分"

        return replace(
            base,
            subject=subject,
            changes=(Change("人工评分", points(before), points(after)),),
            note=f"理由：{after.get('reason', '')}",
        )
    if entry.action == "import":
        rows = len(after.get("indicators") or after.get("goals") or [])
        noun = "项指标" if after.get("kind") == "project" else "项目标"
        source = PurePath(str(after.get("source", ""))).name
        return replace(
            base, subject="绩效目标表", note=f"从 {source} 导入，{rows} {noun}，状态：草稿"
        )
    changes = []
    if before.get("status") != after.get("status"):
        changes.append(
            Change(
                "状态", _show("status", before.get("status")), _show("status", after.get("status"))
            )
        )
    if before.get("version") != after.get("version") and after.get("version") is not None:
        changes.append(
            Change("版本", f"第 {before.get('version')} 版", f"第 {after['version']} 版")
        )
    notes = []
    if "grade" in after:
        notes.append(f"等级：{after['grade']}")
    if "opinion" in after:
        notes.append(f"意见：{after['opinion']}")
    if "reason" in after:
        notes.append(f"理由：{after['reason']}")
    if entry.action == "approve" and after.get("version") is not None:
        notes.append(f"第 {after['version']} 版存档")
    return replace(base, subject="绩效目标表", changes=tuple(changes), note="；".join(notes))


_ACTUAL_FIELDS = (
    ("value", "完成值"),
    ("forecast", "全年预计"),
    ("likelihood", "可能性"),
    ("category", "偏差原因类别"),
    ("deviation", "偏差原因"),
    ("measures", "措施"),
    ("not_applicable", "不适用"),
    ("manual_score", "人工评分"),
)
_REPORT_FIELDS = (
    ("budget_initial", "年初预算数"),
    ("budget", "全年预算数"),
    ("executed", "执行数"),
    ("execution_reason", "执行偏差原因"),
    ("month", "监控月份"),
)


def _actuals_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[Change, ...]:
    """What a saved report changed: its funds, then each item by name."""

    def shown(value: Any) -> str:
        if value is None or value == "":
            return "（空）"
        if value is True:
            return "是"
        return f"{value:g}" if isinstance(value, float) else str(value)

    changes = [
        Change(label, shown(before.get(key)), shown(after.get(key)))
        for key, label in _REPORT_FIELDS
        if before.get(key) != after.get(key) and (before or after.get(key) not in (None, ""))
    ]
    old = {i.get("name"): i for i in before.get("items", [])}
    for item in after.get("items", []):
        was = old.pop(item.get("name"), {})
        for key, label in _ACTUAL_FIELDS:
            if was.get(key) != item.get(key) and (was or item.get(key) not in (None, "", False)):
                changes.append(
                    Change(f"{item.get('name')}·{label}", shown(was.get(key)), shown(item.get(key)))
                )
    for name in old:
        changes.append(Change(f"{name}", "已填报", "（删除）"))
    return tuple(changes)


@router.get("/tables/{table_id}/history")
def history_page(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    if actor is None:
        return _login_redirect(request)
    t = _detail(svc, actor, table_id)
    names = {u.username: u.display_name for u in users.list_users(svc.uow())}
    entries = tables.history(svc.uow(), table_id, actor)
    versions = [tables.get_version(svc.uow(), table_id, n, actor) for n in t.versions]
    return _page(
        request,
        "history.html",
        actor,
        t=t,
        lines=[describe(e, names) for e in entries],
        versions=versions,
        names=names,
    )


@router.get("/tables/{table_id}/versions/{number}")
def version_page(
    request: Request, table_id: int, number: int, actor: OptionalActor, svc: Svc
) -> Response:
    if actor is None:
        return _login_redirect(request)
    v = tables.get_version(svc.uow(), table_id, number, actor)
    t = tables.version_detail(table_id, v)
    # 人大 and 审计 read an approved version while its table is being adjusted (a draft
    # they do not read): the page then says nothing of the current table.
    readable = access.may(actor, access.Read.TABLE, tables.require_read(svc.uow(), None, table_id))
    current = _detail(svc, actor, table_id) if readable else None
    return _page(
        request, "version.html", actor, current=current, v=v, **(_layout(t) | {"editable": False})
    )


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
    return _page(request, "import.html", actor, status_code, **context)


@router.get("/import")
def import_page(request: Request, actor: OptionalActor) -> Response:
    if actor is None:
        return _login_redirect(request)
    _require_import(actor)
    return _import_page(request, actor)


@router.post("/import/preview")
async def import_preview(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    if actor is None:
        return _login_redirect(request)
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
        doc = imports.read_upload(data, name)
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
        **_layout(t),
        "editable": False,
        "table_warnings": planned.warnings,
        "planned": planned,
        "index": index,
    }
    if planned.row_warnings:  # the column 导入警告 only where a row has one
        context["notes"] = planned.row_warnings
    return Markup(templates.get_template("_preview_table.html").render(context))


@router.post("/import/confirm")
def import_confirm(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    if actor is None:
        return _login_redirect(request)
    _require_import(actor)
    token = _text(form, "token")
    pending = _uploads(request).get(token, actor.username)
    if pending is None:
        return _import_page(
            request, actor, 410, error="上传的文件已过期或不存在，请重新选择文件并预览"
        )
    approved = None
    if _text(form, "mode") == "approved":
        approved = _text(form, "reason").strip() or _approved_reason(pending.name)
    try:
        doc = imports.read_upload(pending.data, pending.name)
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
    _flash(
        request,
        f"已从 {PurePath(result.source).name} 导入 {len(result.table_ids)} 张绩效目标表"
        + (f"（{'，'.join(parts)}）" if parts else "")
        + ("，已登记批复" if approved is not None else "，状态：草稿")
        + held,
    )
    return _see_other("/")
