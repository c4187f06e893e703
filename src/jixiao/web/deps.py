"""Request plumbing shared by the API and the pages: who is asking, CSRF, errors.

* Pages use a signed session cookie (Starlette's SessionMiddleware) that holds the secret
  of a server-side session (``sid``, see :func:`jixiao.services.users.start_session`) and a
  CSRF token; every unsafe page request must carry that token (form field ``csrf_token``
  or header ``X-CSRF-Token``, which htmx sends, see base.html).  Logging out, disabling the
  user or a new password deletes the server-side session: the old cookie is refused.
* Machine clients use ``Authorization: Bearer <token>`` (tokens from ``jixiao user token``
  or ``POST /api/tokens``; revoked or expired ones get 401).  The API also accepts the
  session cookie, with the CSRF header.
* A user whose password an administrator set must change it first: every other request
  gets :class:`MustChangePassword` (a redirect to /account/password, 403 on the API).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from jixiao.domain.workflow import Actor
from jixiao.services import Services, users
from jixiao.services.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Where a user who must change the password may still go.
PASSWORD_PATHS = frozenset({"/account/password", "/logout", "/login"})


class MustChangePassword(Exception):
    message = "须先修改管理员设置的初始密码（登录网页，在“修改密码”页设置新密码）"


def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def upload_limit(request: Request) -> int:
    """The largest upload accepted, in bytes (setting ``max_upload_mb``)."""
    return settings(request).max_upload_bytes


def client_address(request: Request) -> str:
    """The client's address (as a trusted proxy reports it, see ProxyHeadersMiddleware)."""
    return request.client.host if request.client else ""


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
        found = users.token_identity(svc.uow(), token)
        if found is None:
            raise HTTPException(
                status_code=401,
                detail="API 令牌无效、已过期、已撤销或其用户已停用",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if found.must_change_password:
            raise MustChangePassword()
        return found.actor, False
    sid = request.session.get("sid")
    if not sid:
        return None, False
    found = users.session_identity(svc.uow(), str(sid))
    if found is None:
        request.session.clear()
        return None, False
    if found.must_change_password and request.url.path not in PASSWORD_PATHS:
        raise MustChangePassword()
    return found.actor, True


async def optional_actor(
    request: Request, identified: Annotated[tuple[Actor | None, bool], Depends(_identify)]
) -> Actor | None:
    """The actor behind a bearer token or the session cookie (CSRF-checked), or None."""
    actor, by_cookie = identified
    if by_cookie:
        await check_csrf(request)
    request.state.actor = actor  # for the download audit (web/app.py)
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
Config = Annotated[Settings, Depends(settings)]
