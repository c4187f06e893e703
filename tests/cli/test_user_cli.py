"""`jixiao user …` and production mode of `jixiao serve`, in-process (Typer's CliRunner).

Shown: a password comes from standard input (one line) when no terminal asks for it; the
password policy applies on the command line too; passwd, role, disable, enable, list,
token, tokens and revoke work and the last administrator is kept; `jixiao serve` without
--demo refuses to start (exit 2, in Chinese) without a session key, with a short one (from
jixiao.toml) and without an administrator — before it starts any server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.services import Services, users

STRONG = "Harbour-lights-31"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    for name in ("JIXIAO_SECRET", "JIXIAO_PASSWORD", "JIXIAO_CONFIG", "JIXIAO_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./jixiao.toml unless a test writes one
    monkeypatch.setenv("COLUMNS", "200")
    return f"sqlite:///{tmp_path / 'users.db'}"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_user_commands(db: str) -> None:
    code, out, _ = run("user", "add", "boss", "--role", "admin", "--db", db, input=STRONG + "\n")
    assert code == 0 and "已创建用户 boss（管理员）" in out
    for weak, message in (("password", "密码至少 10 个字符"), ("password123", "过于常见")):
        code, _, err = run(
            "user", "add", "weak", "--role", "finance", "--db", db, input=weak + "\n"
        )
        assert code == 1 and message in err
    code, _, err = run(
        "user", "add", "caiwu", "--role", "finance", "--db", db, input="Caiwu-Harbour-31\n"
    )
    assert code == 1 and "不能包含用户名" in err

    code, out, _ = run(
        "user", "add", "cz", "--role", "finance", "--temporary", "--password", STRONG, "--db", db
    )
    assert code == 0
    assert "待改初始密码" in run("user", "list", "--db", db)[1]
    assert run("user", "passwd", "cz", "--db", db, input="Another-strong-8\n")[0] == 0
    assert "待改初始密码" not in run("user", "list", "--db", db)[1]
    svc = Services.connect(db)
    assert users.authenticate(svc.uow(), "cz", "Another-strong-8") is not None

    code, out, _ = run("user", "role", "cz", "congress", "--db", db)
    assert code == 0 and "cz 的角色已改为 人大监督" in out
    code, _, err = run("user", "role", "boss", "finance", "--db", db)
    assert code == 1 and "唯一启用的管理员" in err
    code, _, err = run("user", "disable", "boss", "--db", db)
    assert code == 1 and "唯一启用的管理员" in err

    code, token, _ = run("user", "token", "cz", "--name", "sync", "--days", "3", "--db", db)
    assert code == 0 and token.startswith("jx_")
    assert users.actor_for_token(svc.uow(), token.strip()) is not None
    assert run("user", "disable", "cz", "--db", db)[0] == 0
    assert "停用" in run("user", "list", "--db", db)[1]
    assert users.actor_for_token(svc.uow(), token.strip()) is None  # disabled: refused
    assert run("user", "enable", "cz", "--db", db)[0] == 0
    assert users.actor_for_token(svc.uow(), token.strip()) is not None

    listing = run("user", "tokens", "cz", "--db", db)[1]
    assert "sync" in listing and "有效" in listing and "jx_" not in listing
    token_id = users.list_tokens(svc.uow(), "cz")[0].id
    assert run("user", "revoke", str(token_id), "--db", db)[0] == 0
    assert users.actor_for_token(svc.uow(), token.strip()) is None
    assert "已撤销" in run("user", "tokens", "--db", db)[1]
    svc.dispose()


def test_serve_without_demo_refuses_without_a_key_or_an_administrator(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run("serve", "--db", db)
    assert code == 2
    assert "无法启动" in err and "未配置会话密钥" in err and "JIXIAO_SECRET" in err

    (tmp_path / "jixiao.toml").write_text('[server]\nsecret = "too-short"\n', encoding="utf-8")
    code, _, err = run("serve", "--db", db)
    assert code == 2 and "会话密钥太短" in err

    (tmp_path / "jixiao.toml").write_text(f'[server]\nsecret = "{"k" * 40}"\n', encoding="utf-8")
    code, _, err = run("serve", "--db", db)
    assert code == 2 and "尚无启用的管理员" in err and "jixiao user add" in err
    # no demo users were created on the empty database
    svc = Services.connect(db)
    assert users.list_users(svc.uow()) == []

    # an administrator who is disabled does not count
    users.add_user(svc.uow(), "system", "boss", STRONG, "admin")
    users.add_user(svc.uow(), "system", "boss2", STRONG, "admin")
    users.set_active(svc.uow(), "system", "boss", False)
    users.set_active(svc.uow(), "system", "boss2", True)
    assert users.active_admins(svc.uow()) == 1
    svc.dispose()

    monkeypatch.setenv("JIXIAO_SESSION_HOURS", "-1")
    code, _, err = run("serve", "--db", db)
    assert code == 1 and "会话时长 session_hours" in err


def _typed_at_a_terminal(
    args: list[str], answers: list[tuple[str, str]], env: dict[str, str]
) -> str:
    """Runs ``jixiao ARGS`` on a pseudo-terminal; for each (prompt, line) waits until the
    prompt is shown with echo off (Click prints the prompt, getpass then turns echo off and
    prints the space after it) and types the line; returns all the terminal showed."""
    import contextlib
    import os
    import pty
    import select
    import sys
    import termios
    import time

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(sys.executable, [sys.executable, "-m", "jixiao", *args], env)
    shown = b""
    deadline = time.monotonic() + 60

    def drain(seconds: float) -> None:
        nonlocal shown
        ready, _, _ = select.select([fd], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):  # the child has gone
                shown += os.read(fd, 4096)

    try:
        for i, (prompt, line) in enumerate(answers):
            wanted = (prompt + " ").encode()
            count = 1 + sum(1 for p, _ in answers[:i] if p == prompt)
            while shown.count(wanted) < count or termios.tcgetattr(fd)[3] & termios.ECHO:
                assert time.monotonic() < deadline, shown
                drain(0.05)
            os.write(fd, line.encode() + b"\n")
        while time.monotonic() < deadline:
            before = len(shown)
            drain(0.5)
            if len(shown) == before and os.waitpid(pid, os.WNOHANG)[0]:
                break
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    return shown.decode("utf-8", "replace")


def test_user_add_asks_twice_without_echo_at_a_terminal(db: str) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_PASSWORD"}
    shown = _typed_at_a_terminal(
        ["user", "add", "boss", "--role", "admin", "--db", db],
        [("password:", "Harbour-lights-31"), ("Repeat for confirmation:", "Harbour-lights-31")],
        env,
    )
    assert "password:" in shown and "Repeat for confirmation:" in shown
    assert "已创建用户 boss（管理员）" in shown
    assert "Harbour-lights-31" not in shown  # never echoed
    svc = Services.connect(db)
    assert users.authenticate(svc.uow(), "boss", "Harbour-lights-31") is not None
    svc.dispose()
