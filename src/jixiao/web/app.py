"""The FastAPI application: JSON API under /api/, pages in 简体中文 elsewhere."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from jixiao import __version__
from jixiao.domain.monitoring import MonitoringConfig
from jixiao.domain.review import ReviewConfig
from jixiao.domain.scoring import ScoringScheme
from jixiao.services import ServiceError, Services, actuals
from jixiao.services import review as reviewing

STATIC = Path(__file__).parent / "static"


def vendor_dir() -> Path:
    """Third-party browser assets (htmx, ECharts), installed by npm at set-up (see
    package.json)."""
    env = os.environ.get("JIXIAO_VENDOR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "node_modules"


def create_app(
    services: Services,
    *,
    secret_key: str | None = None,
    review_config: ReviewConfig | None = None,
    scoring_scheme: ScoringScheme | None = None,
    monitoring_config: MonitoringConfig | None = None,
) -> FastAPI:
    """The app over ``services``.  The review, scoring and monitoring settings default to
    the configuration file's ``[review]``, ``[scoring]`` and ``[monitoring]`` tables
    ($JIXIAO_CONFIG or ./jixiao.toml), as the CLI uses them."""
    app = FastAPI(
        title="jixiao 绩效 API",
        version=__version__,
        description="预算绩效管理：绩效目标的导入、编辑、审核、批复与调整。",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.services = services
    app.state.review_config = review_config or reviewing.load_config()
    app.state.scoring_scheme = scoring_scheme or actuals.scoring_scheme()
    app.state.monitoring_config = monitoring_config or actuals.monitoring_config()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or secrets.token_urlsafe(32),
        session_cookie="jixiao_session",
        same_site="lax",
        https_only=False,
        max_age=12 * 3600,
    )

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        body: dict[str, object] = {"detail": exc.message, "error": type(exc).__name__}
        field = getattr(exc, "field", None)
        if field:
            body["field"] = field
        current = getattr(exc, "current", None)
        if current is not None:
            body["current"] = current
        return JSONResponse(body, status_code=exc.status)

    from jixiao.web import api, downloads, inquiries, oversight, pages, performance

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(performance.router)
    app.include_router(downloads.router)
    app.include_router(oversight.router)
    app.include_router(inquiries.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    vendor = vendor_dir()
    if vendor.is_dir():
        app.mount("/vendor", StaticFiles(directory=vendor), name="vendor")
    return app


def from_environment() -> FastAPI:
    """The app of a server worker process (``jixiao serve --workers N``): the database
    ``$JIXIAO_DB`` (already migrated), the session key ``$JIXIAO_SECRET``."""
    url = os.environ.get("JIXIAO_DB")
    if not url:
        raise RuntimeError("JIXIAO_DB is not set: start workers with jixiao serve --workers")
    return create_app(Services.connect(url), secret_key=os.environ.get("JIXIAO_SECRET"))
