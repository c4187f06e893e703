"""The JSON API under ``/api``: thin handlers over the services, one module per concept.

Authentication, the error format and the value shapes are described in docs/api.md.
"""

from __future__ import annotations

from fastapi import APIRouter

from jixiao.web.api import admin, audit, history, imports, performance, rows, tables, workflow
from jixiao.web.api.schemas import errors

router = APIRouter(prefix="/api", responses=errors(401))
for _concept in (admin, tables, history, rows, workflow, imports, performance, audit):
    router.include_router(_concept.router)

__all__ = ["router"]
