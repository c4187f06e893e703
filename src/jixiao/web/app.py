"""The FastAPI application: JSON API under /api/, pages in 简体中文 elsewhere."""

from __future__ import annotations

import os
import secrets
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from jixiao import __version__
from jixiao.domain.messages import error_message
from jixiao.domain.monitoring import MonitoringConfig
from jixiao.domain.review import ReviewConfig
from jixiao.domain.scoring import ScoringScheme
from jixiao.services import ServiceError, Services, actuals, audit
from jixiao.services import review as reviewing
from jixiao.services import settings as configuration
from jixiao.web.deps import MustChangePassword

STATIC = Path(__file__).parent / "static"

#: Starlette's own error details (English HTTP phrases), replaced by Chinese messages.
_STARLETTE_PHRASES = frozenset(s.phrase for s in HTTPStatus)
#: FastAPI's answer to a body it cannot parse (deep JSON gives a RecursionError inside).
_BODY_UNREADABLE = "There was an error parsing the body"

_FIELD_WORDS = {"query": "查询参数", "path": "地址参数", "body": "请求内容", "header": "请求头"}


def _validation_text(error: Any) -> str:
    """One validation error in Chinese: where it is, and what was expected."""
    loc = [str(x) for x in error.get("loc", ()) if isinstance(x, str | int)]
    where = _FIELD_WORDS.get(loc[0], loc[0]) if loc else ""
    name = "·".join(loc[1:])
    kind = str(error.get("type", ""))
    if kind == "missing":
        what = "缺少此项"
    elif kind.startswith("int"):
        what = "应为整数"
    elif kind.startswith("float"):
        what = "应为数字"
    elif kind.startswith("bool"):
        what = "应为是或否"
    elif "too_long" in kind:
        what = "内容过长"
    elif kind.startswith("enum") or kind == "literal_error":
        what = "不是可选的值"
    elif kind.startswith("json"):
        what = "不是有效的 JSON"
    else:
        what = "格式不正确"
    return f"{where}“{name}”{what}" if name else f"{where}{what}"


def vendor_dir() -> Path:
    """Third-party browser assets (htmx, ECharts), installed by npm at set-up (see
    package.json)."""
    env = os.environ.get("JIXIAO_VENDOR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "node_modules"


class SecureCookies:
    """Marks the cookies ``Secure`` on requests that came over HTTPS (the scheme after
    :class:`ProxyHeadersMiddleware`, i.e. as a trusted proxy says), for
    ``cookie_secure = "auto"``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("scheme") != "https":
            await self.app(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message.get("headers", []):
                    if name.lower() == b"set-cookie" and b"; secure" not in value.lower():
                        value = value + b"; secure"
                    headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secure)


_DOCS_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>jixiao 绩效 API · 接口文档</title>
  <link rel="stylesheet" href="/vendor/swagger-ui-dist/swagger-ui.css">
  <script src="/vendor/swagger-ui-dist/swagger-ui-bundle.js" defer></script>
  <script src="/static/api-docs.js" defer></script>
</head>
<body><div id="swagger-ui"></div></body>
</html>
"""


def create_app(
    services: Services,
    *,
    secret_key: str | None = None,
    settings: configuration.Settings | None = None,
    review_config: ReviewConfig | None = None,
    scoring_scheme: ScoringScheme | None = None,
    monitoring_config: MonitoringConfig | None = None,
) -> FastAPI:
    """The app over ``services``.  The review, scoring and monitoring settings default to
    the configuration file's ``[review]``, ``[scoring]`` and ``[monitoring]`` tables
    ($JIXIAO_CONFIG or ./jixiao.toml), as the CLI uses them; the server's ``settings``
    (session key, cookies, proxies, limits) to :func:`jixiao.services.settings.load`.
    ``secret_key`` overrides the settings' key (without either, a random key: sessions
    then last as long as the process).  Request bodies above the upload limit and 1 MB (the
    form around the file) are refused while they stream in."""
    settings = settings or configuration.load()
    app = FastAPI(
        title="jixiao 绩效 API",
        version=__version__,
        description="预算绩效管理：绩效目标的导入、编辑、审核、批复与调整。",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served below from the installed swagger-ui-dist, not a CDN
        redoc_url=None,
    )
    app.state.services = services
    app.state.settings = settings
    app.state.review_config = review_config or reviewing.load_config()
    app.state.scoring_scheme = scoring_scheme or actuals.scoring_scheme()
    app.state.monitoring_config = monitoring_config or actuals.monitoring_config()

    # Who downloads what (the actor the route's dependencies found).
    @app.middleware("http")
    async def _audit_downloads(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        disposition = response.headers.get("content-disposition")
        actor = getattr(request.state, "actor", None)  # set by deps.optional_actor
        user = actor.username if actor is not None else None
        if disposition and response.status_code == 200 and user:
            detail = {"path": request.url.path[:300], "query": request.url.query[:300]}
            await run_in_threadpool(
                audit.record_event,
                services.uow(),
                str(user),
                "download",
                entity="download",
                entity_id=request.url.path[:50],
                detail=detail,
            )
        return response

    # Added innermost first: proxy headers decide the scheme and client address, then the
    # session cookie is read and written, marked Secure on HTTPS.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or settings.secret_key or secrets.token_urlsafe(32),
        session_cookie="jixiao_session",
        same_site="lax",
        https_only=settings.cookie_secure == "always",
        max_age=int(settings.session_hours * 3600),
    )
    if settings.cookie_secure == "auto":
        app.add_middleware(SecureCookies)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # A number in a body beyond what the database stores (SQLite's 64 bits).
        return JSONResponse({"detail": "数值超出允许的范围", "error": "Invalid"}, status_code=422)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        body: dict[str, object] = {"detail": exc.message, "error": type(exc).__name__}
        field = getattr(exc, "field", None)
        if field:
            body["field"] = field
        current = getattr(exc, "current", None)
        if current is not None:
            body["current"] = current
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(MustChangePassword)
    async def _must_change(request: Request, exc: MustChangePassword) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": exc.message, "error": "MustChangePassword"}, status_code=403
            )
        if request.headers.get("hx-request") == "true":
            return Response(status_code=204, headers={"HX-Redirect": "/account/password"})
        return RedirectResponse("/account/password", status_code=303)

    from jixiao.web import api, kit, pages, security

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Pages answer an error as a page in the layout; the API in JSON, in Chinese."""
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail in _STARLETTE_PHRASES:
            detail = None  # "Not Found", "Method Not Allowed": said in Chinese instead
        elif detail == _BODY_UNREADABLE:  # FastAPI's, e.g. JSON nested past the recursion limit
            detail = "请求内容无法读取：不是有效的 JSON 或表单，或嵌套过深"
        headers = dict(exc.headers) if exc.headers else None
        if _is_api(request):
            body = {"detail": detail or error_message(exc.status_code)}
            return JSONResponse(body, status_code=exc.status_code, headers=headers)
        return await run_in_threadpool(kit.error_page, request, exc.status_code, detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "；".join(_validation_text(e) for e in exc.errors())
        message = f"请求参数有误：{problems}" if problems else error_message(422)
        if _is_api(request):
            # FastAPI's list of errors (clients read ``loc``), each ``msg`` in Chinese.
            errors = [{**e, "msg": _validation_text(e)} for e in exc.errors()]
            body = {"detail": jsonable_encoder(errors), "message": message}
            return JSONResponse(body, status_code=422)
        return await run_in_threadpool(kit.error_page, request, 422, message, None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": error_message(500)}, status_code=500)
        return await run_in_threadpool(kit.error_page, request, 500, None, None)

    routers = [*api.routers, *pages.ROUTERS]
    for router in routers:
        app.include_router(router)
    # Outermost last: the headers go on every answer, the 413 and 422 refusals included.
    app.add_middleware(
        security.IntegerBounds, routes=lambda: [r for router in routers for r in router.routes]
    )
    app.add_middleware(security.BodyLimit, max_bytes=settings.max_upload_bytes + 2**20)
    app.add_middleware(security.SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    vendor = vendor_dir()
    if vendor.is_dir():
        app.mount("/vendor", StaticFiles(directory=vendor), name="vendor")
    return app


def from_environment() -> FastAPI:
    """The app of a server worker process (``jixiao serve --workers N``): the database
    ``$JIXIAO_DB`` (already migrated), the settings from the environment and jixiao.toml
    (the session key ``$JIXIAO_SECRET`` included, which ``jixiao serve`` sets)."""
    url = os.environ.get("JIXIAO_DB")
    if not url:
        raise RuntimeError("JIXIAO_DB is not set: start workers with jixiao serve --workers")
    from jixiao.services import imports

    imports.warm_up()  # the process that reads uploads, started before the first one
    return create_app(Services.connect(url))
