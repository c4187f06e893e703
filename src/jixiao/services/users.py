"""Use cases on users: accounts, passwords (argon2), API tokens, and who an actor is."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from jixiao.domain.workflow import ROLE_LABELS, Actor, Role
from jixiao.services.errors import Duplicate, Invalid, NotFound
from jixiao.services.uow import UnitOfWork
from jixiao.services.views import UserView
from jixiao.store.models import ApiTokenRow, DepartmentRow, UnitRow, UserRow

_hasher = PasswordHasher()

MIN_PASSWORD = 8


def _actor(user: UserRow) -> Actor:
    return Actor(
        username=user.username,
        role=Role(user.role),
        unit=user.unit.name if user.unit else None,
        department=user.department.name if user.department else None,
    )


def _view(user: UserRow) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        unit=user.unit.name if user.unit else None,
        department=user.department.name if user.department else None,
        active=user.active,
    )


def add_user(
    uow: UnitOfWork,
    by: str,
    username: str,
    password: str,
    role: Role | str,
    *,
    display_name: str | None = None,
    unit: str | None = None,
    department: str | None = None,
) -> UserView:
    """Create a user.  A 单位填报 user needs a unit, a 主管部门审核 user a department
    (created when new).  ``by`` is who does it, for the audit trail."""
    try:
        role = Role(role)
    except ValueError:
        choices = "、".join(f"{r.value}（{ROLE_LABELS[r]}）" for r in Role)
        raise Invalid(f"未知角色“{role}”，可选：{choices}", "role") from None
    username = username.strip()
    if not username:
        raise Invalid("用户名不能为空", "username")
    if len(username) > 100:
        raise Invalid("用户名不能超过 100 个字符", "username")
    if display_name is not None and len(display_name) > 200:
        raise Invalid("姓名不能超过 200 个字符", "display_name")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符", "password")
    if role is Role.UNIT and not unit:
        raise Invalid("单位填报用户必须指定所属单位", "unit")
    if role is Role.DEPARTMENT and not department:
        raise Invalid("主管部门审核用户必须指定主管部门", "department")
    with uow:
        s = uow.session
        if s.execute(select(UserRow).where(UserRow.username == username)).first():
            raise Duplicate(f"用户名“{username}”已存在")
        dept_row = None
        if department:
            dept_row = s.execute(
                select(DepartmentRow).where(DepartmentRow.name == department)
            ).scalar_one_or_none() or DepartmentRow(name=department)
        unit_row = None
        if unit:
            unit_row = (
                s.execute(select(UnitRow).where(UnitRow.name == unit)).unique().scalar_one_or_none()
            )
            if unit_row is None:
                unit_row = UnitRow(name=unit, department=dept_row)
        user = UserRow(
            username=username,
            display_name=display_name or username,
            password_hash=_hasher.hash(password),
            role=role.value,
            unit=unit_row,
            department=dept_row if role is Role.DEPARTMENT else None,
        )
        s.add(user)
        s.flush()
        uow.audit(
            by,
            "create",
            "user",
            user.id,
            after={
                "username": username,
                "role": role.value,
                "unit": unit,
                "department": department,
            },
        )
        uow.commit()
        return _view(user)


def authenticate(uow: UnitOfWork, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password, else None (same answer for both)."""
    with uow:
        user = (
            uow.session.execute(select(UserRow).where(UserRow.username == username.strip()))
            .unique()
            .scalar_one_or_none()
        )
        if user is None or not user.active:
            _hasher.hash(password)  # same cost whether or not the user exists
            return None
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
            uow.commit()
        return _actor(user)


def actor(uow: UnitOfWork, username: str) -> Actor | None:
    with uow:
        user = (
            uow.session.execute(select(UserRow).where(UserRow.username == username))
            .unique()
            .scalar_one_or_none()
        )
        return _actor(user) if user is not None and user.active else None


def list_users(uow: UnitOfWork) -> list[UserView]:
    with uow:
        rows = uow.session.execute(select(UserRow).order_by(UserRow.id)).unique().scalars()
        return [_view(u) for u in rows]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(uow: UnitOfWork, username: str, name: str) -> str:
    """A new API token for the user; only its hash is stored, so show it once."""
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("令牌名称须为 1 至 100 个字符", "name")
    token = "jx_" + secrets.token_urlsafe(32)
    with uow:
        user = (
            uow.session.execute(select(UserRow).where(UserRow.username == username))
            .unique()
            .scalar_one_or_none()
        )
        if user is None:
            raise NotFound(f"用户“{username}”不存在")
        row = ApiTokenRow(user_id=user.id, name=name, token_hash=_token_hash(token))
        uow.session.add(row)
        uow.session.flush()
        uow.audit(username, "create", "api_token", row.id, after={"name": name})
        uow.commit()
    return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    with uow:
        row = (
            uow.session.execute(
                select(ApiTokenRow).where(ApiTokenRow.token_hash == _token_hash(token))
            )
            .unique()
            .scalar_one_or_none()
        )
        if row is None or not row.user.active:
            return None
        now = datetime.now(UTC)
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)  # SQLite returns naive UTC
        if last is None or now - last > timedelta(minutes=5):
            row.last_used_at = now
            uow.commit()
        return _actor(row.user)
