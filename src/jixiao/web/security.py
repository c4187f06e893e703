"""What every request and answer goes through (see docs/security.md):

* :class:`BodyLimit` refuses a request body above the limit *while it streams in* (413):
  a declared ``Content-Length`` above it at once, a chunked body as soon as it passes
  it — a 1 GB upload is never received whole.
* :class:`IntegerBounds` refuses an integer path or query parameter outside the
  database's 32-bit range (422, in Chinese) before any handler runs, for every route that
  declares one (``/api/tables/2147483648`` would otherwise reach PostgreSQL and fail).
* :class:`SecurityHeaders` adds the headers of every answer: a Content-Security-Policy
  without inline script and with ``frame-ancestors 'none'``, ``nosniff``, a
  Referrer-Policy, and HSTS when the request came over HTTPS.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, get_args
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.routing import Match

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")


async def _answer(scope: Scope, send: Send, status: int, message: str, field: str | None) -> None:
    """A refusal in the form the client expects: JSON under /api/, plain text elsewhere."""
    if str(scope.get("path", "")).startswith("/api/"):
        body: dict[str, Any] = {
            "detail": message,
            "error": "TooLarge" if status == 413 else "Invalid",
        }
        if field:
            body["field"] = field
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        kind = b"application/json"
    else:
        content = message.encode("utf-8")
        kind = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(content)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies above ``max_bytes`` (413) without receiving them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return f"请求内容超过上限 {self.max_bytes / 2**20:.0f} MB，已拒绝（未接收完）"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await _answer(scope, send, 413, self._message(), "file")
                    return
        received = 0
        exceeded = False
        started = False

        async def limited() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a body cut short is replaced by the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _answer(scope, send, 413, self._message(), "file")


def _is_int(annotation: Any) -> bool:
    return annotation is int or int in get_args(annotation)


def integer_parameters(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The names of a route's integer path and query parameters (its dependencies' too)."""
    path: set[str] = set()
    query: set[str] = set()
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        path.update(f.alias for f in dependant.path_params if _is_int(f.field_info.annotation))
        query.update(f.alias for f in dependant.query_params if _is_int(f.field_info.annotation))
        stack.extend(dependant.dependencies)
    return frozenset(path), frozenset(query)


class IntegerBounds:
    """Refuse integer path and query parameters outside the 32-bit range (422)."""

    def __init__(self, app: ASGIApp, routes: Callable[[], list[Any]]) -> None:
        self.app = app
        self._routes = routes
        self._table: list[tuple[APIRoute, frozenset[str], frozenset[str]]] | None = None

    def _known(self) -> list[tuple[APIRoute, frozenset[str], frozenset[str]]]:
        if self._table is None:
            table = []
            for route in self._routes():
                if isinstance(route, APIRoute):
                    path, query = integer_parameters(route)
                    if path or query:
                        table.append((route, path, query))
            self._table = table
        return self._table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route, path, query in self._known():
                match, child = route.matches(scope)
                if match is not Match.FULL:
                    continue
                values = [(k, str(v)) for k, v in child.get("path_params", {}).items() if k in path]
                raw = scope.get("query_string", b"").decode("latin-1")
                values += [(k, v) for k, v in parse_qsl(raw) if k in query]
                for name, text in values:
                    try:
                        number = int(text.strip())
                    except ValueError:
                        continue  # not a number at all: the route's validation says so
                    if not INT_MIN <= number <= INT_MAX:
                        message = (
                            f"参数 {name} 的值 {text[:40]} 超出范围"
                            f"（应为 {INT_MIN} 到 {INT_MAX} 之间的整数）"
                        )
                        await _answer(scope, send, 422, message, name)
                        return
                break
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add the security headers (see the module docstring) to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # read now: the proxy-headers middleware inside sets the scheme a trusted
                # proxy reports on this same scope
                https = scope.get("scheme") == "https"
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in (*HEADERS, *((HSTS,) if https else ())):
                    if key not in present:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
