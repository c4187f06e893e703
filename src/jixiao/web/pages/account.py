"""Log-in and log-out, one's own account (password, API tokens) and, for administrators, the users.

Thin: :mod:`jixiao.services.users`.  Every form carries the session's CSRF token (the
pages' dependency checks it); a token is minted only after the password is typed again.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.domain.workflow import ROLE_LABELS, Action, Actor, Role
from jixiao.services import ServiceError, Services, access, users
from jixiao.services.errors import Invalid, TooManyAttempts
from jixiao.services.settings import Settings
from jixiao.web import kit
from jixiao.web.deps import Config, OptionalActor, Svc, client_address, csrf_token
from jixiao.web.kit import Form, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# -- log-in -------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after log-in (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, actor: OptionalActor, next: str | None = None) -> Response:
    """The log-in form (a logged-in user goes on to ``next``)."""
    if actor is not None:
        return kit.see_other(_safe_next(next))
    return kit.page(request, "login.html", None, next=_safe_next(next), username="", error=None)


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
    """Log in: check the password (throttled), start a session, go on to ``next``."""
    username = kit.text(form, "username").strip()
    password = kit.text(form, "password")
    target = _safe_next(kit.text(form, "next"))
    expected = request.session.get("csrf")
    submitted = kit.text(form, "csrf_token")
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
                kit.flash(request, "管理员为您设置了初始密码，请先设置自己的新密码", "error")
                return kit.see_other("/account/password")
            return kit.see_other(target)
    response = kit.page(
        request, "login.html", None, status, next=target, username=username, error=error
    )
    if headers:
        response.headers.update(headers)
    return response


@router.post("/logout")
def logout(request: Request, svc: Svc, actor: OptionalActor) -> Response:
    """Log out: end the server-side session and clear the cookie."""
    sid = request.session.get("sid")
    if sid:
        users.end_session(svc.uow(), str(sid))
    request.session.clear()
    if actor is not None:
        kit.flash(request, "已退出登录")
    return kit.see_other("/login")


def _error_of(exc: ServiceError) -> tuple[str, str]:
    return (getattr(exc, "field", None) or "", exc.message)


# -- own password ------------------------------------------------------------------------


@router.get("/account/password")
def password_page(request: Request, actor: OptionalActor, svc: Svc) -> Response:
    """The form to change one's own password."""
    if actor is None:
        return kit.login_redirect(request)
    me = users.get_user(svc.uow(), actor.username)
    return kit.page(
        request,
        "account_password.html",
        actor,
        nav="account",
        forced=me.must_change_password,
        min_length=users.MIN_PASSWORD,
        error=None,
    )


@router.post("/account/password")
def change_password(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Change one's own password (the current one typed again)."""
    if actor is None:
        return kit.login_redirect(request)
    new = kit.text(form, "password")
    try:
        if new != kit.text(form, "password_again"):
            raise Invalid("两次输入的新密码不一致", "password_again")
        users.change_password(svc.uow(), actor.username, kit.text(form, "current_password"), new)
    except ServiceError as exc:
        me = users.get_user(svc.uow(), actor.username)
        return kit.page(
            request,
            "account_password.html",
            actor,
            422,
            nav="account",
            forced=me.must_change_password,
            min_length=users.MIN_PASSWORD,
            error=_error_of(exc),
        )
    # Every session of the user ended with the change; this browser gets a new one.
    begin_session(request, svc, users.identity(svc.uow(), actor.username))
    kit.flash(request, "密码已修改，其他设备上的登录已全部退出")
    return kit.see_other("/account")


# -- own tokens --------------------------------------------------------------------------


def _account_page(
    request: Request,
    actor: Actor,
    svc: Services,
    days: int,
    status: int = 200,
    **context: object,
) -> Response:
    return kit.page(
        request,
        "account.html",
        actor,
        status,
        nav="account",
        me=users.get_user(svc.uow(), actor.username),
        tokens=users.list_tokens(svc.uow(), actor.username),
        default_days=days,
        **{"new_token": None, "error": None, **context},
    )


@router.get("/account")
def account_page(request: Request, actor: OptionalActor, svc: Svc, config: Config) -> Response:
    """One's own account and its API tokens."""
    if actor is None:
        return kit.login_redirect(request)
    return _account_page(request, actor, svc, config.token_days)


@router.post("/account/tokens")
def create_token(
    request: Request, actor: OptionalActor, svc: Svc, config: Config, form: Form
) -> Response:
    """Mint an API token (the password typed again); shown once."""
    if actor is None:
        return kit.login_redirect(request)
    days = kit.number(kit.text(form, "days")) or config.token_days
    try:
        token = users.create_token(
            svc.uow(),
            actor.username,
            kit.text(form, "name"),
            days=days,
            max_days=config.token_max_days,
            password=kit.text(form, "password"),
        )
    except ServiceError as exc:
        return _account_page(request, actor, svc, config.token_days, 422, error=_error_of(exc))
    return _account_page(request, actor, svc, config.token_days, 201, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """Revoke one of one's own API tokens."""
    if actor is None:
        return kit.login_redirect(request)
    users.revoke_token(svc.uow(), actor, token_id)
    kit.flash(request, f"令牌 {token_id} 已撤销")
    back = _text_next(request)
    return kit.see_other(back)


def _text_next(request: Request) -> str:
    target = request.query_params.get("next", "")
    return target if target in ("/account", "/admin/users") else "/account"


# -- administrators: users ---------------------------------------------------------------


def _admin(actor: Actor | None) -> Actor:
    if not access.may(actor, Action.MANAGE_USERS):
        raise _NotAdmin()
    assert actor is not None
    return actor


class _NotAdmin(ServiceError):
    status = 403

    def __init__(self) -> None:
        super().__init__(f"只有{ROLE_LABELS[access.MANAGER]}可以管理用户")


def _users_page(
    request: Request, actor: Actor, svc: Services, status: int = 200, **context: object
) -> Response:
    return kit.page(
        request,
        "admin_users.html",
        actor,
        status,
        nav="users",
        people=users.list_users(svc.uow()),
        tokens=users.list_tokens(svc.uow()),
        roles=[(r.value, ROLE_LABELS[r]) for r in Role],
        min_length=users.MIN_PASSWORD,
        **{"error": None, "form": {}, **context},
    )


@router.get("/admin/users")
def users_page(request: Request, actor: OptionalActor, svc: Svc) -> Response:
    """用户管理: the users, for administrators."""
    if actor is None:
        return kit.login_redirect(request)
    return _users_page(request, _admin(actor), svc)


@router.post("/admin/users")
def add_user(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    """Add a user with an initial password."""
    if actor is None:
        return kit.login_redirect(request)
    admin = _admin(actor)
    fields = {
        k: kit.text(form, k).strip()
        for k in ("username", "display_name", "role", "unit", "department")
    }
    try:
        created = users.add_user(
            svc.uow(),
            admin.username,
            fields["username"],
            kit.text(form, "password"),
            fields["role"],
            display_name=fields["display_name"] or None,
            unit=fields["unit"] or None,
            department=fields["department"] or None,
            must_change=True,
        )
    except ServiceError as exc:
        return _users_page(request, admin, svc, 422, error=_error_of(exc), form=fields)
    kit.flash(request, f"已新增用户“{created.username}”，首次登录时须修改初始密码")
    return kit.see_other("/admin/users")


@router.post("/admin/users/{username}/role")
def set_role(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Change a user's role (and unit or department)."""
    if actor is None:
        return kit.login_redirect(request)
    admin = _admin(actor)
    try:
        users.set_role(
            svc.uow(),
            admin.username,
            username,
            kit.text(form, "role"),
            unit=kit.text(form, "unit").strip() or None,
            department=kit.text(form, "department").strip() or None,
        )
    except ServiceError as exc:
        return _users_page(request, admin, svc, exc.status, error=(f"role-{username}", exc.message))
    kit.flash(request, f"已修改“{username}”的角色")
    return kit.see_other("/admin/users")


@router.post("/admin/users/{username}/password")
def reset_password(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Set a user's initial password again."""
    if actor is None:
        return kit.login_redirect(request)
    admin = _admin(actor)
    try:
        users.set_password(
            svc.uow(), admin.username, username, kit.text(form, "password"), temporary=True
        )
    except ServiceError as exc:
        return _users_page(
            request, admin, svc, exc.status, error=(f"password-{username}", exc.message)
        )
    kit.flash(request, f"已重设“{username}”的密码，其登录已退出，下次登录时须修改")
    return kit.see_other("/admin/users")


@router.post("/admin/users/{username}/active")
def set_active(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    """Disable or enable a user."""
    if actor is None:
        return kit.login_redirect(request)
    admin = _admin(actor)
    active = kit.text(form, "active") == "1"
    try:
        users.set_active(svc.uow(), admin.username, username, active)
    except ServiceError as exc:
        return _users_page(
            request, admin, svc, exc.status, error=(f"active-{username}", exc.message)
        )
    kit.flash(
        request,
        f"已{'启用' if active else '停用'}“{username}”" + ("" if active else "，其登录已全部退出"),
    )
    return kit.see_other("/admin/users")
