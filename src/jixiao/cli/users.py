"""``jixiao user``: users and API tokens."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from jixiao.cli.common import DbOption, connect, fail, load_settings, out
from jixiao.domain.workflow import ROLE_LABELS, Role

app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)


def _new_password(given: str | None, what: str = "password") -> str:
    """A password from the option, $JIXIAO_PASSWORD, standard input when it is not a
    terminal (one line), or asked for twice without echo."""
    if given:
        return given
    env = os.environ.get("JIXIAO_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail(RuntimeError("标准输入中没有密码（应为一行）"))
        return line
    secret: str = typer.prompt(what, hide_input=True, confirmation_prompt=True)
    return secret


def _user_call(db: str | None, call: Any) -> Any:
    from jixiao.services import ServiceError

    svc = connect(db)
    try:
        return call(svc.uow())
    except ServiceError as exc:
        fail(exc)


@app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        Role, typer.Option("--role", help=" / ".join(f"{r.value} {ROLE_LABELS[r]}" for r in Role))
    ],
    unit: Annotated[str | None, typer.Option(help="预算单位 (role unit).")] = None,
    department: Annotated[str | None, typer.Option(help="主管部门 (role department).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (else $JIXIAO_PASSWORD, else one line of standard input, else "
            "asked for twice without echo)."
        ),
    ] = None,
    temporary: Annotated[
        bool,
        typer.Option(
            "--temporary", help="An initial password: the user must change it at first log-in."
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a user (the password policy applies: length, common passwords, name)."""
    from jixiao.services import SYSTEM, users

    secret = _new_password(password)
    user = _user_call(
        db,
        lambda uow: users.add_user(
            uow,
            SYSTEM.username,
            username,
            secret,
            role,
            display_name=name,
            unit=unit,
            department=department,
            must_change=temporary,
        ),
    )
    where = user.unit or user.department or ""
    out.print(
        f"已创建用户 {user.username}（{ROLE_LABELS[Role(user.role)]}{' · ' + where if where else ''}）"
    )


@app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="The user.")],
    password: Annotated[
        str | None, typer.Option(help="New password (else as for user add).")
    ] = None,
    temporary: Annotated[
        bool,
        typer.Option("--temporary", help="The user must change it at the next log-in."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Set a user's password; the user's sessions end."""
    from jixiao.services import SYSTEM, users

    secret = _new_password(password)
    _user_call(
        db,
        lambda uow: users.set_password(uow, SYSTEM.username, username, secret, temporary=temporary),
    )
    out.print(f"已修改 {username} 的密码，其登录会话均已结束")


@app.command("role")
def user_role(
    username: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[Role, typer.Argument(help=" / ".join(r.value for r in Role))],
    unit: Annotated[str | None, typer.Option(help="预算单位 (role unit).")] = None,
    department: Annotated[str | None, typer.Option(help="主管部门 (role department).")] = None,
    db: DbOption = None,
) -> None:
    """Change a user's role (the last administrator keeps theirs)."""
    from jixiao.services import SYSTEM, users

    user = _user_call(
        db,
        lambda uow: users.set_role(
            uow, SYSTEM.username, username, role, unit=unit, department=department
        ),
    )
    out.print(f"{user.username} 的角色已改为 {ROLE_LABELS[Role(user.role)]}")


@app.command("disable")
def user_disable(
    username: Annotated[str, typer.Argument(help="The user.")], db: DbOption = None
) -> None:
    """Disable a user: their sessions end, their tokens are refused."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.set_active(uow, SYSTEM.username, username, False))
    out.print(f"已停用 {username}")


@app.command("enable")
def user_enable(
    username: Annotated[str, typer.Argument(help="The user.")], db: DbOption = None
) -> None:
    """Enable a disabled user again."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.set_active(uow, SYSTEM.username, username, True))
    out.print(f"已启用 {username}")


@app.command("list")
def user_list(db: DbOption = None) -> None:
    """List users."""
    from jixiao.services import users

    table = Table("用户名", "姓名", "角色", "单位/部门", "状态")
    for u in users.list_users(connect(db).uow()):
        state = "启用" if u.active else "停用"
        table.add_row(
            u.username,
            u.display_name,
            ROLE_LABELS[Role(u.role)],
            u.unit or u.department or "",
            state + ("（待改初始密码）" if u.must_change_password else ""),
        )
    out.print(table)


@app.command("token")
def user_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Days it is good for (default: token_days).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Create an API token (printed once; only its hash is stored)."""
    from jixiao.services import users

    config = load_settings()
    token = _user_call(
        db,
        lambda uow: users.create_token(
            uow, username, name, days=days or config.token_days, max_days=config.token_max_days
        ),
    )
    sys.stdout.write(token + "\n")


@app.command("tokens")
def user_tokens(
    username: Annotated[
        str | None, typer.Argument(help="Only this user's tokens (default: everybody's).")
    ] = None,
    db: DbOption = None,
) -> None:
    """List API tokens (never the secrets)."""
    from jixiao.services import users

    table = Table("编号", "用户", "用途", "到期", "最近使用", "状态")
    for t in _user_call(db, lambda uow: users.list_tokens(uow, username)):
        table.add_row(
            str(t.id),
            t.username,
            t.name,
            f"{t.expires_at:%Y-%m-%d %H:%M}" if t.expires_at else "",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "",
            t.state,
        )
    out.print(table)


@app.command("revoke")
def user_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's number (see user tokens).")],
    db: DbOption = None,
) -> None:
    """Revoke an API token: it gets 401 from now on."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.revoke_token(uow, SYSTEM, token_id))
    out.print(f"已撤销令牌 {token_id}")
