"""Admin: who is asking, users, passwords and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import status as http

from jixiao.domain.workflow import ROLE_LABELS, Action
from jixiao.services import Invalid, access, users
from jixiao.services.views import TokenView
from jixiao.web.api import convert
from jixiao.web.api.schemas import (
    ActorOut,
    PasswordChangeIn,
    PasswordResetIn,
    TokenIn,
    TokenInfoOut,
    TokenOut,
    UserChangeIn,
    UserIn,
    UserOut,
    errors,
)
from jixiao.web.deps import Config, CurrentActor, Svc

router = APIRouter(prefix="/api", responses=errors(401))


@router.get("/me", response_model=ActorOut, tags=["用户"], summary="当前用户")
def me(actor: CurrentActor) -> ActorOut:
    return ActorOut(
        username=actor.username,
        role=actor.role,
        role_label=ROLE_LABELS[actor.role],
        unit=actor.unit,
        department=actor.department,
    )


@router.get(
    "/users",
    response_model=list[UserOut],
    tags=["用户"],
    summary="用户列表（管理员）",
    responses=errors(403),
)
def list_users(svc: Svc, actor: CurrentActor) -> list[UserOut]:
    access.require(actor, Action.MANAGE_USERS)
    return [convert.user(u) for u in users.list_users(svc.uow())]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=http.HTTP_201_CREATED,
    tags=["用户"],
    summary="新增用户（管理员）",
    responses=errors(403, 422),
)
def add_user(svc: Svc, actor: CurrentActor, body: UserIn) -> UserOut:
    access.require(actor, Action.MANAGE_USERS)
    view = users.add_user(
        svc.uow(),
        actor.username,
        body.username,
        body.password,
        body.role,
        display_name=body.display_name or None,
        unit=body.unit or None,
        department=body.department or None,
        must_change=True,
    )
    return convert.user(view)


@router.patch(
    "/users/{username}",
    response_model=UserOut,
    tags=["用户"],
    summary="修改用户的角色，停用或启用（管理员）",
    responses=errors(403, 404, 422),
)
def change_user(svc: Svc, actor: CurrentActor, username: str, body: UserChangeIn) -> UserOut:
    access.require(actor, Action.MANAGE_USERS)
    view = users.get_user(svc.uow(), username)
    if body.role is not None:
        view = users.set_role(
            svc.uow(),
            actor.username,
            username,
            body.role,
            unit=body.unit or None,
            department=body.department or None,
        )
    if body.active is not None:
        view = users.set_active(svc.uow(), actor.username, username, body.active)
    return convert.user(view)


@router.put(
    "/users/{username}/password",
    status_code=http.HTTP_204_NO_CONTENT,
    tags=["用户"],
    summary="重设用户的密码（管理员；用户下次登录时须修改）",
    responses=errors(403, 404, 422),
)
def reset_password(svc: Svc, actor: CurrentActor, username: str, body: PasswordResetIn) -> None:
    access.require(actor, Action.MANAGE_USERS)
    users.set_password(svc.uow(), actor.username, username, body.password, temporary=True)


@router.put(
    "/me/password",
    status_code=http.HTTP_204_NO_CONTENT,
    tags=["用户"],
    summary="修改本人的密码（本人的全部登录随即退出）",
    responses=errors(422),
)
def change_password(svc: Svc, actor: CurrentActor, body: PasswordChangeIn) -> None:
    users.change_password(svc.uow(), actor.username, body.current_password, body.password)


@router.post(
    "/tokens",
    response_model=TokenOut,
    status_code=http.HTTP_201_CREATED,
    tags=["用户"],
    summary="为当前用户创建 API 令牌（须再次输入密码；只显示一次）",
    responses=errors(422),
)
def create_token(svc: Svc, actor: CurrentActor, config: Config, body: TokenIn) -> TokenOut:
    name = body.name.strip()
    if not name:
        raise Invalid("令牌名称不能为空", "name")
    if len(name) > 100:
        raise Invalid("令牌名称不能超过 100 个字符", "name")
    token = users.create_token(
        svc.uow(),
        actor.username,
        name,
        days=body.days or config.token_days,
        max_days=config.token_max_days,
        password=body.password,
    )
    made = users.list_tokens(svc.uow(), actor.username)[0]
    assert made.expires_at is not None
    return TokenOut(token=token, name=name, username=actor.username, expires_at=made.expires_at)


def _token(t: TokenView) -> TokenInfoOut:
    return TokenInfoOut(
        id=t.id,
        username=t.username,
        name=t.name,
        created_at=t.created_at,
        expires_at=t.expires_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
        state=t.state,
    )


@router.get(
    "/tokens",
    response_model=list[TokenInfoOut],
    tags=["用户"],
    summary="本人的 API 令牌；管理员加 all=true 看全部",
)
def list_tokens(
    svc: Svc,
    actor: CurrentActor,
    everyone: Annotated[bool, Query(alias="all", description="全部用户的令牌（管理员）")] = False,
) -> list[TokenInfoOut]:
    if everyone:
        access.require(actor, Action.MANAGE_USERS)
    return [_token(t) for t in users.list_tokens(svc.uow(), None if everyone else actor.username)]


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenInfoOut,
    tags=["用户"],
    summary="撤销 API 令牌（本人或管理员）",
    responses=errors(404),
)
def revoke_token(svc: Svc, actor: CurrentActor, token_id: int) -> TokenInfoOut:
    return _token(users.revoke_token(svc.uow(), actor, token_id))
