"""One's own account (password, API tokens) and, for administrators, the users.

Thin: :mod:`jixiao.services.users`.  Every form carries the session's CSRF token (the
pages' dependency checks it); a token is minted only after the password is typed again.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.domain.workflow import ROLE_LABELS, Action, Actor, Role
from jixiao.services import ServiceError, Services, access, users
from jixiao.services.errors import Invalid
from jixiao.web.deps import Config, OptionalActor, Svc
from jixiao.web.pages import (
    Form,
    PageRoute,
    _flash,
    _int,
    _login_redirect,
    _page,
    _see_other,
    _text,
    begin_session,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _error_of(exc: ServiceError) -> tuple[str, str]:
    return (getattr(exc, "field", None) or "", exc.message)


# -- own password ------------------------------------------------------------------------


@router.get("/account/password")
def password_page(request: Request, actor: OptionalActor, svc: Svc) -> Response:
    if actor is None:
        return _login_redirect(request)
    me = users.get_user(svc.uow(), actor.username)
    return _page(
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
    if actor is None:
        return _login_redirect(request)
    new = _text(form, "password")
    try:
        if new != _text(form, "password_again"):
            raise Invalid("两次输入的新密码不一致", "password_again")
        users.change_password(svc.uow(), actor.username, _text(form, "current_password"), new)
    except ServiceError as exc:
        me = users.get_user(svc.uow(), actor.username)
        return _page(
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
    _flash(request, "密码已修改，其他设备上的登录已全部退出")
    return _see_other("/account")


# -- own tokens --------------------------------------------------------------------------


def _account_page(
    request: Request,
    actor: Actor,
    svc: Services,
    days: int,
    status: int = 200,
    **context: object,
) -> Response:
    return _page(
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
    if actor is None:
        return _login_redirect(request)
    return _account_page(request, actor, svc, config.token_days)


@router.post("/account/tokens")
def create_token(
    request: Request, actor: OptionalActor, svc: Svc, config: Config, form: Form
) -> Response:
    if actor is None:
        return _login_redirect(request)
    days = _int(_text(form, "days")) or config.token_days
    try:
        token = users.create_token(
            svc.uow(),
            actor.username,
            _text(form, "name"),
            days=days,
            max_days=config.token_max_days,
            password=_text(form, "password"),
        )
    except ServiceError as exc:
        return _account_page(request, actor, svc, config.token_days, 422, error=_error_of(exc))
    return _account_page(request, actor, svc, config.token_days, 201, new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, actor: OptionalActor, svc: Svc) -> Response:
    if actor is None:
        return _login_redirect(request)
    users.revoke_token(svc.uow(), actor, token_id)
    _flash(request, f"令牌 {token_id} 已撤销")
    back = _text_next(request)
    return _see_other(back)


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
    return _page(
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
    if actor is None:
        return _login_redirect(request)
    return _users_page(request, _admin(actor), svc)


@router.post("/admin/users")
def add_user(request: Request, actor: OptionalActor, svc: Svc, form: Form) -> Response:
    if actor is None:
        return _login_redirect(request)
    admin = _admin(actor)
    fields = {
        k: _text(form, k).strip()
        for k in ("username", "display_name", "role", "unit", "department")
    }
    try:
        created = users.add_user(
            svc.uow(),
            admin.username,
            fields["username"],
            _text(form, "password"),
            fields["role"],
            display_name=fields["display_name"] or None,
            unit=fields["unit"] or None,
            department=fields["department"] or None,
            must_change=True,
        )
    except ServiceError as exc:
        return _users_page(request, admin, svc, 422, error=_error_of(exc), form=fields)
    _flash(request, f"已新增用户“{created.username}”，首次登录时须修改初始密码")
    return _see_other("/admin/users")


@router.post("/admin/users/{username}/role")
def set_role(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    if actor is None:
        return _login_redirect(request)
    admin = _admin(actor)
    try:
        users.set_role(
            svc.uow(),
            admin.username,
            username,
            _text(form, "role"),
            unit=_text(form, "unit").strip() or None,
            department=_text(form, "department").strip() or None,
        )
    except ServiceError as exc:
        return _users_page(request, admin, svc, exc.status, error=(f"role-{username}", exc.message))
    _flash(request, f"已修改“{username}”的角色")
    return _see_other("/admin/users")


@router.post("/admin/users/{username}/password")
def reset_password(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    if actor is None:
        return _login_redirect(request)
    admin = _admin(actor)
    try:
        users.set_password(
            svc.uow(), admin.username, username, _text(form, "password"), temporary=True
        )
    except ServiceError as exc:
        return _users_page(
            request, admin, svc, exc.status, error=(f"password-{username}", exc.message)
        )
    _flash(request, f"已重设“{username}”的密码，其登录已退出，下次登录时须修改")
    return _see_other("/admin/users")


@router.post("/admin/users/{username}/active")
def set_active(
    request: Request, username: str, actor: OptionalActor, svc: Svc, form: Form
) -> Response:
    if actor is None:
        return _login_redirect(request)
    admin = _admin(actor)
    active = _text(form, "active") == "1"
    try:
        users.set_active(svc.uow(), admin.username, username, active)
    except ServiceError as exc:
        return _users_page(
            request, admin, svc, exc.status, error=(f"active-{username}", exc.message)
        )
    _flash(
        request,
        f"已{'启用' if active else '停用'}“{username}”" + ("" if active else "，其登录已全部退出"),
    )
    return _see_other("/admin/users")
