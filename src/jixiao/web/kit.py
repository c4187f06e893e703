"""The pages' kit: templates and their filters, rendering a page or an htmx fragment,
flash messages and redirects, the context every page shares, and errors as pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path, PurePath
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import FormData

from jixiao.domain.messages import error_message, error_title, operator_name
from jixiao.domain.money import format_money, to_yuan
from jixiao.domain.monitoring import LIGHT_LABELS
from jixiao.domain.provenance import Provenance
from jixiao.domain.review import SEVERITY_LABELS
from jixiao.domain.values import Kind, TargetValue, format_value
from jixiao.domain.workflow import (
    ACTION_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    Action,
    Actor,
    Grade,
    Status,
)
from jixiao.services import (
    Invalid,
    ServiceError,
    Services,
    access,
    clock,
    exports,
    inquiries,
    users,
)
from jixiao.web.deps import csrf_token

TEMPLATES = Path(__file__).parent / "templates"

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


def is_htmx(request: Request) -> bool:
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
    if is_htmx(request):
        return PlainTextResponse(message, status_code=status, headers=headers)
    return error_page(request, status, message, headers)


def error_page(
    request: Request, status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """An error as a page inside the normal layout: the navigation and the logged-in user
    stay, the title and message are in Chinese (see domain.messages)."""
    actor = _session_actor(request)
    try:
        shared = common(request, actor, flashes=False)
    except Exception:
        shared = {"actor": None, "csrf": "", "flashes": [], "names": {}}
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            **shared,
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


def value_text(data: Any) -> str:
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


def flash(request: Request, message: str, kind: str = "ok") -> None:
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


def common(request: Request, actor: Actor | None, *, flashes: bool = True) -> dict[str, Any]:
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


def page(
    request: Request, name: str, actor: Actor | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, {**common(request, actor), **context}, status_code=status_code
    )


#: The fragments that answer a change of a table's rows (saved, added, deleted).
_ROW_FRAGMENTS = frozenset({"row_indicators.html", "row_goals.html", "_targets.html"})


def partial(
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
        {**common(request, actor, flashes=False), **context},
        status_code=status_code,
        headers=headers,
    )


def login_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/login?" + urlencode({"next": target}) if target != "/" else "/login"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def number(value: str | None) -> int | None:
    """A form or query number; None when empty, not a number or beyond what the database
    stores (32 bits)."""
    try:
        found = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return found if found is None or -(2**31) <= found < 2**31 else None


def required_year(year: str | None) -> int:
    """A page's ``?year=`` that it cannot do without."""
    value = number(year)
    if value is None:
        raise Invalid("请指定年度（?year=）", "year")
    return value


def file_response(found: exports.ExportFile) -> Response:
    """An export as a download (HTML shown in the browser instead)."""
    inline = found.media_type.startswith("text/html")
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.name)}"}
    if inline:
        body = found.data.decode("utf-8")
        return Response(body, media_type=found.media_type, headers=headers)
    return Response(found.data, media_type=found.media_type, headers=headers)
