"""The application's outer surface stays put while its inside is rearranged.

tests/web/surface.json records every OpenAPI operation (path, method, parameters, request
and response schemas, with the component schemas they name) and every page URL with its
methods.  Prose (descriptions) is left out: route docstrings may be shortened; what a
client can call and send may not change by accident.  After an intended change of the
surface, record it again with ``JIXIAO_RECORD_SURFACE=1 pytest tests/web/test_surface.py``
and commit the file with the change that made it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from sqlalchemy import create_engine
from starlette.routing import BaseRoute, Mount, Route

from jixiao.services import Services
from jixiao.web.app import create_app

RECORD = Path(__file__).with_name("surface.json")
_PROSE = {"description", "summary"}


def _without_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_prose(v) for k, v in sorted(node.items()) if k not in _PROSE}
    if isinstance(node, list):
        return [_without_prose(v) for v in node]
    return node


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, also those of included routers (FastAPI keeps an included router as
    one entry that holds the original; its routes carry their full paths)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        else:
            yield route


def _surface() -> dict[str, Any]:
    app = create_app(Services(create_engine("sqlite://")), secret_key="surface")
    openapi = app.openapi()
    pages: dict[str, list[str]] = {}
    for route in _routes(app.routes):
        if isinstance(route, APIRoute) and route.include_in_schema:
            continue  # in the OpenAPI document
        if isinstance(route, Mount):
            pages[route.path + "/…"] = ["MOUNT"]
        elif isinstance(route, Route):
            pages.setdefault(route.path, [])
            pages[route.path] = sorted(set(pages[route.path]) | set(route.methods or ()))
    return {
        "paths": _without_prose(openapi["paths"]),
        "schemas": _without_prose(openapi.get("components", {}).get("schemas", {})),
        "pages": dict(sorted(pages.items())),
    }


def test_the_api_and_page_surface_is_the_recorded_one() -> None:
    now = _surface()
    if os.environ.get("JIXIAO_RECORD_SURFACE") == "1":
        RECORD.write_text(json.dumps(now, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert sorted(now["pages"]) == sorted(recorded["pages"]), "page URLs changed"
    assert now["pages"] == recorded["pages"], "page methods changed"
    assert sorted(now["paths"]) == sorted(recorded["paths"]), "API paths changed"
    for path, operations in recorded["paths"].items():
        assert now["paths"][path] == operations, f"API operation changed: {path}"
    assert now["schemas"] == recorded["schemas"], "API schemas changed"


def test_the_surface_record_would_see_a_removed_route() -> None:
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert len(recorded["paths"]) > 30 and len(recorded["pages"]) > 20
    assert any(path.startswith("/api/tables") for path in recorded["paths"])
