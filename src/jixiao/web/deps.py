"""Request plumbing shared by the API and the pages: who is asking, CSRF, errors.

* Pages use a signed session cookie (Starlette's SessionMiddleware) that holds the
  username and a CSRF token; every unsafe page request must carry that token (form field
  ``csrf_token`` or header ``X-CSRF-Token``, which htmx sends, see base.html).
* Machine clients use ``Authorization: Bearer <token>`` (tokens from ``jixiao user token``
  or ``POST /api/tokens``).  The API also accepts the session cookie, with the CSRF header.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from jixiao.domain.workflow import Actor
from jixiao.services import Services, users

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe cookie-authenticated request without the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get("csrf")
    submitted = await _submitted_csrf(request)
    if not expected or not submitted or not secrets.compare_digest(str(expected), submitted):
        raise HTTPException(status_code=403, detail="CSRF 校验失败，请刷新页面后重试")


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _identify(request: Request) -> tuple[Actor | None, bool]:
    """Who is asking, and whether by session cookie.  Sync on purpose: FastAPI runs it in
    its thread pool, so the database look-ups do not block the event loop."""
    svc = services(request)
    token = _bearer(request)
    if token is not None:
        actor = users.actor_for_token(svc.uow(), token)
        if actor is None:
            raise HTTPException(
                status_code=401,
                detail="API 令牌无效或已停用",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return actor, False
    username = request.session.get("user")
    if not username:
        return None, False
    actor = users.actor(svc.uow(), str(username))
    if actor is None:
        request.session.clear()
        return None, False
    return actor, True


async def optional_actor(
    request: Request, identified: Annotated[tuple[Actor | None, bool], Depends(_identify)]
) -> Actor | None:
    """The actor behind a bearer token or the session cookie (CSRF-checked), or None."""
    actor, by_cookie = identified
    if by_cookie:
        await check_csrf(request)
    return actor


async def api_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise HTTPException(
            status_code=401,
            detail="需要登录或 API 令牌",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return actor


OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
CurrentActor = Annotated[Actor, Depends(api_actor)]
Svc = Annotated[Services, Depends(services)]
