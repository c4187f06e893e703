"""Use cases on users: accounts, passwords (argon2), API tokens, and who an actor is."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from jixiao.domain.workflow import Action, Actor, Role
from jixiao.services import access
from jixiao.services.errors import (
    Duplicate,
    Invalid,
    NotFound,
    TooManyAttempts,
)
from jixiao.services.uow import UnitOfWork
from jixiao.services.views import TokenView, UserView
from jixiao.store.models import (
    ApiTokenRow,
    DepartmentRow,
    LoginFailureRow,
    UnitRow,
    UserRow,
    UserSessionRow,
)

_hasher = PasswordHasher()

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: Tokens made before expiry existed are good this long after their creation.
LEGACY_TOKEN_DAYS = 90


# -- password policy ----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of the zxcvbn package's list (leaked-password
    corpora, maintained with the package), lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str, username: str) -> None:
    """Refuse a weak password (:class:`Invalid` on the field ``password``): shorter than
    :data:`MIN_PASSWORD`, one of the common passwords (also with digits or punctuation
    added at the end), containing the user name, or one repeated character."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少 {MIN_PASSWORD} 个字符", "password")
    if len(password) > MAX_PASSWORD:
        raise Invalid(f"密码不能超过 {MAX_PASSWORD} 个字符", "password")
    lowered = password.lower()
    common = _common_passwords()
    stem = lowered.rstrip("0123456789!@#$%^&*.-_ ")
    if lowered in common or (len(stem) >= 4 and stem in common):
        raise Invalid("密码过于常见（在常用密码表中），请换一个不易猜到的密码", "password")
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        raise Invalid("密码不能包含用户名", "password")
    if len(set(password)) < 3:
        raise Invalid("密码不能由一两个字符重复组成", "password")


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
        must_change_password=user.must_change_password,
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
    must_change: bool = False,
) -> UserView:
    """Create a user.  A 单位填报 user needs a unit, a 主管部门审核 user a department
    (created when new).  ``by`` is who does it, for the audit trail; ``must_change``: the
    password is an initial one, the user must choose their own at the first log-in."""
    role = access.role_of(role)
    username = username.strip()
    if not username:
        raise Invalid("用户名不能为空", "username")
    if len(username) > 100:
        raise Invalid("用户名不能超过 100 个字符", "username")
    if display_name is not None and len(display_name) > 200:
        raise Invalid("姓名不能超过 200 个字符", "display_name")
    check_password(password, username)
    access.check_binding(role, unit, department)
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
            department=dept_row if access.bound_to_department(role) else None,
            must_change_password=must_change,
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
                "must_change_password": must_change,
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


def _aware(when: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user_row(uow: UnitOfWork, username: str) -> UserRow:
    user = (
        uow.session.execute(select(UserRow).where(UserRow.username == username.strip()))
        .unique()
        .scalar_one_or_none()
    )
    if user is None:
        raise NotFound(f"用户“{username}”不存在")
    return user


def _password_ok(user: UserRow, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return True


def get_user(uow: UnitOfWork, username: str) -> UserView:
    with uow:
        return _view(_user_row(uow, username))


def active_admins(uow: UnitOfWork) -> int:
    """How many enabled administrators there are (production needs one)."""
    with uow:
        return int(
            uow.session.execute(
                select(func.count())
                .select_from(UserRow)
                .where(UserRow.role == access.MANAGER.value, UserRow.active.is_(True))
            ).scalar_one()
        )


# -- log-in, throttling and sessions ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Throttle:
    """How many failed log-ins are allowed within ``window_minutes``, per user name and per
    client address, before further attempts are refused until the window has passed."""

    per_user: int = 5
    per_address: int = 20
    window_minutes: int = 15


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is behind a session or a token."""

    actor: Actor
    display_name: str
    must_change_password: bool


def _identity(user: UserRow) -> Identity:
    return Identity(_actor(user), user.display_name, user.must_change_password)


def identity(uow: UnitOfWork, username: str) -> Identity:
    with uow:
        return _identity(_user_row(uow, username))


def _locked(uow: UnitOfWork, username: str, address: str, throttle: Throttle) -> str | None:
    since = datetime.now(UTC) - timedelta(minutes=throttle.window_minutes)
    s = uow.session

    def failures(*where: Any) -> int:
        return int(
            s.execute(select(func.count()).select_from(LoginFailureRow).where(*where)).scalar_one()
        )

    if failures(LoginFailureRow.username == username, LoginFailureRow.at >= since) >= (
        throttle.per_user
    ):
        return (
            f"用户“{username}”登录失败次数过多（{throttle.window_minutes} 分钟内 "
            f"{throttle.per_user} 次），已暂时锁定，请 {throttle.window_minutes} 分钟后再试"
        )
    if address and failures(LoginFailureRow.address == address, LoginFailureRow.at >= since) >= (
        throttle.per_address
    ):
        return (
            f"来自地址 {address} 的登录失败次数过多（{throttle.window_minutes} 分钟内 "
            f"{throttle.per_address} 次），请 {throttle.window_minutes} 分钟后再试"
        )
    return None


def log_in(
    uow: UnitOfWork,
    username: str,
    password: str,
    *,
    address: str = "",
    throttle: Throttle | None = None,
) -> Identity | None:
    """Check a log-in, throttled per user name and per address.

    A locked-out user or address gets :class:`TooManyAttempts` before the password is
    even checked (no argon2 work for an attacker).  A wrong user or password is None and
    counted; the attempt that reaches the limit is audited as ``login_locked``.  Every
    failure is audited as ``login_failed``, a success as ``login``.
    """
    throttle = throttle or Throttle()
    username = username.strip()[:100]
    address = address[:64]
    with uow:
        reason = _locked(uow, username, address, throttle)
        if reason is not None:
            raise TooManyAttempts(reason, throttle.window_minutes * 60)
        user = (
            uow.session.execute(select(UserRow).where(UserRow.username == username))
            .unique()
            .scalar_one_or_none()
        )
        if user is None or not user.active:
            _hasher.hash(password)  # same cost whether or not the user exists
            good = False
        else:
            good = _password_ok(user, password)
        entity_id: object = user.id if user is not None else username
        if not good:
            # failures older than the window count no more: keep the table small
            since = datetime.now(UTC) - timedelta(minutes=throttle.window_minutes)
            uow.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < since))
            uow.session.add(LoginFailureRow(username=username, address=address))
            uow.audit(username, "login_failed", "user", entity_id, after={"address": address})
            uow.session.flush()
            if _locked(uow, username, address, throttle) is not None:
                uow.audit(username, "login_locked", "user", entity_id, after={"address": address})
            uow.commit()
            return None
        assert user is not None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        uow.session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username))
        uow.audit(username, "login", "user", user.id, after={"address": address})
        uow.commit()
        return _identity(user)


def start_session(uow: UnitOfWork, username: str, *, hours: float = 12.0, address: str = "") -> str:
    """A new server-side session for the user: the secret to put in the cookie."""
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with uow:
        user = _user_row(uow, username)
        uow.session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at < now))
        uow.session.add(
            UserSessionRow(
                token_hash=_hash(secret),
                user_id=user.id,
                address=address[:64],
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
        uow.commit()
    return secret


def session_identity(uow: UnitOfWork, secret: str) -> Identity | None:
    """Who a session belongs to; None when it ended (log-out, disabled user, new
    password) or expired."""
    with uow:
        row = (
            uow.session.execute(
                select(UserSessionRow).where(UserSessionRow.token_hash == _hash(secret))
            )
            .unique()
            .scalar_one_or_none()
        )
        if row is None or not row.user.active:
            return None
        expires = _aware(row.expires_at)
        if expires is None or expires <= datetime.now(UTC):
            return None
        return _identity(row.user)


def end_session(uow: UnitOfWork, secret: str) -> None:
    """Log out: the session's row goes, so the cookie is refused from now on."""
    with uow:
        row = uow.session.execute(
            select(UserSessionRow).where(UserSessionRow.token_hash == _hash(secret))
        ).scalar_one_or_none()
        if row is not None:
            username = row.user.username
            uow.session.delete(row)
            uow.audit(username, "logout", "user", row.user_id)
            uow.commit()


def _end_sessions(uow: UnitOfWork, user: UserRow) -> None:
    uow.session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user.id))


# -- administration -----------------------------------------------------------------------


def _keep_an_admin(uow: UnitOfWork, user: UserRow) -> None:
    """Refuse to take away the last enabled administrator."""
    if user.role != access.MANAGER.value or not user.active:
        return
    others = uow.session.execute(
        select(func.count())
        .select_from(UserRow)
        .where(
            UserRow.role == access.MANAGER.value, UserRow.active.is_(True), UserRow.id != user.id
        )
    ).scalar_one()
    if not others:
        raise Invalid(f"“{user.username}”是唯一启用的管理员，不能停用或改为其他角色", "role")


def set_password(
    uow: UnitOfWork, by: str, username: str, password: str, *, temporary: bool = True
) -> None:
    """An administrator sets a user's password (``temporary``: the user must change it at
    the next log-in).  The user's sessions end."""
    with uow:
        user = _user_row(uow, username)
        check_password(password, user.username)
        user.password_hash = _hasher.hash(password)
        user.must_change_password = temporary
        _end_sessions(uow, user)
        uow.audit(by, "set_password", "user", user.id, after={"must_change_password": temporary})
        uow.commit()


def change_password(uow: UnitOfWork, username: str, current: str, new: str) -> None:
    """The user changes their own password (the current one confirms it); every session
    of the user ends (the caller starts a new one for the browser in use)."""
    with uow:
        user = _user_row(uow, username)
        if not _password_ok(user, current):
            raise Invalid("当前密码不正确", "current_password")
        if new == current:
            raise Invalid("新密码不能与当前密码相同", "password")
        check_password(new, user.username)
        user.password_hash = _hasher.hash(new)
        user.must_change_password = False
        _end_sessions(uow, user)
        uow.audit(username, "change_password", "user", user.id)
        uow.commit()


def set_role(
    uow: UnitOfWork,
    by: str,
    username: str,
    role: Role | str,
    *,
    unit: str | None = None,
    department: str | None = None,
) -> UserView:
    """Change a user's role (and the unit or department the role needs)."""
    role = access.role_of(role)
    access.check_binding(role, unit, department)
    with uow:
        s = uow.session
        user = _user_row(uow, username)
        if role is not access.MANAGER:
            _keep_an_admin(uow, user)
        before = {
            "role": user.role,
            "unit": user.unit.name if user.unit else None,
            "department": user.department.name if user.department else None,
        }
        dept_row = None
        if department:
            dept_row = s.execute(
                select(DepartmentRow).where(DepartmentRow.name == department)
            ).scalar_one_or_none() or DepartmentRow(name=department)
        unit_row = None
        if access.bound_to_unit(role) and unit:
            unit_row = (
                s.execute(select(UnitRow).where(UnitRow.name == unit)).unique().scalar_one_or_none()
            )
            if unit_row is None:
                unit_row = UnitRow(name=unit, department=dept_row)
        user.role = role.value
        user.unit = unit_row
        user.department = dept_row if access.bound_to_department(role) else None
        _end_sessions(uow, user)  # pages cached for the old role must not stay open
        uow.audit(
            by,
            "set_role",
            "user",
            user.id,
            before=before,
            after={
                "role": role.value,
                "unit": unit if unit_row else None,
                "department": department if access.bound_to_department(role) else None,
            },
        )
        uow.commit()
        return _view(user)


def set_active(uow: UnitOfWork, by: str, username: str, active: bool) -> UserView:
    """Enable or disable a user; disabling ends the user's sessions, and their tokens are
    refused while the user is disabled."""
    with uow:
        user = _user_row(uow, username)
        if not active:
            _keep_an_admin(uow, user)
            _end_sessions(uow, user)
        if user.active != active:
            user.active = active
            uow.audit(by, "enable" if active else "disable", "user", user.id)
        uow.commit()
        return _view(user)


# -- API tokens ---------------------------------------------------------------------------


def create_token(
    uow: UnitOfWork,
    username: str,
    name: str,
    *,
    days: int = 90,
    max_days: int = 365,
    password: str | None = None,
) -> str:
    """A new API token for the user, good for ``days``; only its hash is stored, so show
    it once.  Over the web the user's ``password`` must be given again (a stolen session
    cannot mint a lasting credential); ``None`` is for the server's command line only."""
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("令牌名称须为 1 至 100 个字符", "name")
    if not 1 <= days <= max_days:
        raise Invalid(f"有效期须为 1 至 {max_days} 天", "days")
    token = "jx_" + secrets.token_urlsafe(32)
    with uow:
        user = _user_row(uow, username)
        if password is not None and not _password_ok(user, password):
            raise Invalid("密码不正确：创建令牌须再次输入本人的登录密码", "password")
        now = datetime.now(UTC)
        row = ApiTokenRow(
            user_id=user.id,
            name=name,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        uow.session.add(row)
        uow.session.flush()
        uow.audit(username, "create", "api_token", row.id, after={"name": name, "days": days})
        uow.commit()
    return token


def _token_view(row: ApiTokenRow) -> TokenView:
    expires = _aware(row.expires_at)
    created = _aware(row.created_at)
    assert created is not None
    if expires is None:
        expires = created + timedelta(days=LEGACY_TOKEN_DAYS)
    return TokenView(
        id=row.id,
        username=row.user.username,
        name=row.name,
        created_at=created,
        expires_at=expires,
        last_used_at=_aware(row.last_used_at),
        revoked_at=_aware(row.revoked_at),
    )


def list_tokens(uow: UnitOfWork, username: str | None = None) -> list[TokenView]:
    """The tokens of one user, or (None) of everybody, newest first."""
    with uow:
        query = select(ApiTokenRow).order_by(ApiTokenRow.id.desc())
        if username is not None:
            query = query.where(ApiTokenRow.user_id == _user_row(uow, username).id)
        return [_token_view(r) for r in uow.session.execute(query).unique().scalars()]


def revoke_token(uow: UnitOfWork, who: Actor, token_id: int) -> TokenView:
    """Revoke a token: its owner or an administrator may.  Others are told it does not
    exist (they may not learn which tokens there are)."""
    with uow:
        row = uow.session.get(ApiTokenRow, token_id)
        if row is None or (
            row.user.username != who.username and not access.may(who, Action.MANAGE_USERS)
        ):
            raise NotFound(f"令牌 {token_id} 不存在")
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            row.revoked_by = who.username
            uow.audit(
                who.username, "revoke", "api_token", row.id, after={"owner": row.user.username}
            )
            uow.commit()
        return _token_view(row)


def token_identity(uow: UnitOfWork, token: str) -> Identity | None:
    """Who a token acts for; None when it is unknown, revoked, expired or its user
    disabled."""
    with uow:
        row = (
            uow.session.execute(select(ApiTokenRow).where(ApiTokenRow.token_hash == _hash(token)))
            .unique()
            .scalar_one_or_none()
        )
        if row is None or not row.user.active or row.revoked_at is not None:
            return None
        now = datetime.now(UTC)
        view = _token_view(row)
        if view.expires_at is not None and view.expires_at <= now:
            return None
        last = view.last_used_at
        if last is None or now - last > timedelta(minutes=5):
            # Kept in the audit trail at most once in five minutes per token.
            row.last_used_at = now
            uow.audit(row.user.username, "token_use", "api_token", row.id, after={"name": row.name})
            uow.commit()
        return _identity(row.user)


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    found = token_identity(uow, token)
    return found.actor if found is not None else None
