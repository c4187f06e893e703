"""``jixiao serve``: the web application.  uvicorn, the web layer and the services are
imported when it runs, not for ``jixiao --help``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.cli.common import DbOption, connect, err, fail, load_settings, out
from jixiao.ingest import read_path


def _demo_secret_key() -> str:
    """For --demo without a configured key: one kept in the user's data folder (sessions
    survive restarts)."""
    from platformdirs import user_data_dir

    path = Path(user_data_dir("jixiao", appauthor=False)) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes (one per CPU for load).")
    ] = 1,
    db: DbOption = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo",
            help=(
                "Demo mode: on an empty database import the seed, create one demo user per "
                "role (password jixiao-demo), approve the tables and load the example "
                "actuals; a session key is kept in the user's data folder when none is set. "
                "Without it the server refuses to start unless a secret key is configured "
                "and an administrator exists (see docs/deploy.md)."
            ),
        ),
    ] = False,
) -> None:
    """Run the web application (creates and migrates the database first)."""
    import uvicorn

    from jixiao.services import demo as demo_setup
    from jixiao.services import imports, users
    from jixiao.services import settings as configuration
    from jixiao.web.app import create_app

    config = load_settings()
    svc = connect(db)
    if demo:
        out.print("演示模式（--demo）：仅供试用，请勿用于正式部署")
        seed = demo_setup.seed_path()
        if not demo_setup.is_empty(svc):
            err.print("数据库不是空的：未载入演示数据")
        elif seed is None:
            fail(RuntimeError("找不到种子文件（shared/seeds 或 tests/fixtures）"))
        else:
            created = demo_setup.set_up(svc, read_path(seed, name=seed.name), with_actuals=True)
            table = Table(
                "用户名",
                "角色",
                "单位/部门",
                title=f"演示用户（密码均为 {demo_setup.DEMO_PASSWORD}）",
            )
            for user in created:
                table.add_row(user.username, user.role_label, user.unit or user.department or "")
            out.print(f"已导入种子文件 {seed.name}，其中的表均已批复")
            for path in demo_setup.example_actuals():
                out.print(f"已载入示例完成情况 {path.name}")
            out.print(table)
        secret = config.secret_key or _demo_secret_key()
    else:
        problem = configuration.production_problem(config)
        if problem is None and not users.active_admins(svc.uow()):
            problem = (
                "尚无启用的管理员：请先运行 jixiao user add 用户名 --role admin 创建管理员"
                "（试用请加 --demo 启动演示模式）"
            )
        if problem is not None:
            svc.dispose()
            err.print(f"[bold red]无法启动：[/]{escape(problem)}", soft_wrap=True)
            raise typer.Exit(2)
        secret = config.secret_key
    out.print(f"jixiao 已启动：http://{host}:{port}/（数据库：{svc.engine.url!r}）")
    # The app reads X-Forwarded-* itself (only from config.trusted_proxies): see create_app.
    if workers > 1:
        # Each worker process builds the app from the environment (same database, same
        # session key, so a session is good on every worker).
        os.environ["JIXIAO_DB"] = svc.engine.url.render_as_string(hide_password=False)
        os.environ["JIXIAO_SECRET"] = secret
        svc.dispose()
        uvicorn.run(
            "jixiao.web.app:from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            proxy_headers=False,
        )
        return
    imports.warm_up()  # the process that reads uploads, started before the first one
    uvicorn.run(
        create_app(svc, secret_key=secret, settings=config),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
    )
