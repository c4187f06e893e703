"""The JSON API under ``/api``: thin handlers over the services, one module per concept.

Authentication, the error format and the value shapes are described in docs/api.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from jixiao.web.api import admin, audit, history, imports, performance, rows, tables, workflow

#: The API's routers, one per concept, each under ``/api``.  Kept flat (not included into
#: one router): FastAPI keeps an included router as one entry, and the integer bounds
#: middleware (web/security.py) looks for the routes themselves in ``routers[i].routes``.
routers: list[APIRouter] = [
    admin.router,
    tables.router,
    history.router,
    rows.router,
    workflow.router,
    imports.router,
    performance.router,
    audit.router,
]

__all__ = ["routers"]
