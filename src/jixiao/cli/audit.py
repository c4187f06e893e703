"""``jixiao audit``: verify, anchor and re-key the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from jixiao.cli.common import DbOption, connect, err, fail, out

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the audit trail: recompute its keyed hash chain, compare it with the anchor
    kept outside the database, and compare every table with its last audited state; exit 1
    naming what does not match."""
    from jixiao.services import audit

    svc = connect(db)
    result = audit.verify_chain(svc.uow())
    states = audit.verify_states(svc.uow())
    if result.ok:
        out.print(f"审计记录完好：已核对 {result.checked} 条记录（密钥、链头与锚定文件）")
    else:
        where = f"在第 {result.bad_seq} 条处" if result.bad_seq is not None else ""
        err.print(
            f"[bold red]审计记录不符[/]{where}：{escape(result.problem)}"
            f"（此前 {result.checked} 条已核对）",
            soft_wrap=True,
        )
    if states.ok:
        out.print(f"表数据与审计记录一致：{states.checked} 张表已核对")
    else:
        for p in states.problems:
            err.print(
                f"[bold red]表数据不符[/] 绩效目标表 {p.table_id}“{p.name}”：{p.problem}",
                soft_wrap=True,
            )
    if not result.ok or not states.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def audit_checkpoint(
    db: DbOption = None,
    adopt: Annotated[
        bool,
        typer.Option(
            "--adopt",
            help="Also record the present state of tables that have none yet (a database "
            "from before table states, or a bulk load): check them first.",
        ),
    ] = False,
) -> None:
    """Verify the chain, then append its head, signed, to the anchor file outside the
    database (run it from cron as well: a copy of the anchor elsewhere is better still)."""
    from jixiao.services import audit

    try:
        done = audit.checkpoint(connect(db).uow(), adopt=adopt)
    except ValueError as exc:
        err.print(f"[bold red]错误：[/]{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    if done.anchor is None:
        out.print(f"审计链头为第 {done.seq} 条记录（内存数据库，没有锚定文件）")
    else:
        out.print(f"已锚定：第 {done.seq} 条记录写入锚定文件 {escape(done.anchor)}")
    if adopt:
        out.print(f"已登记 {done.adopted} 张表的当前状态")


@app.command("rekey")
def audit_rekey(
    db: DbOption = None,
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            "--new-key-file",
            help="Put the new key in this file (created, mode 0600; an existing file's "
            "content is used as the new key). Needed when the key is set as audit_key "
            "(JIXIAO_AUDIT_KEY); otherwise the key file in use is replaced.",
        ),
    ] = None,
) -> None:
    """Rotate the audit key: verify the chain under the old key, sign it (and every table
    state) again with a new key, start a new anchor; all or nothing.  Stop the server
    first: it signs with the key it read at start."""
    from jixiao.services import ServiceError, audit, trail
    from jixiao.services import settings as configuration

    svc = connect(db)
    url = svc.engine.url.render_as_string(hide_password=False)
    try:
        in_use = trail.key_file_for(url, configuration.load())
    except ServiceError as exc:
        fail(exc)
    target = new_key_file or in_use
    if target is None:
        fail(
            RuntimeError(
                "审计密钥由 audit_key（JIXIAO_AUDIT_KEY）直接给出，无法替换："
                "请用 --new-key-file 指定新密钥文件，完成后改用 audit_key_file"
            )
        )
    existing = new_key_file.read_bytes().strip() if new_key_file and new_key_file.exists() else b""
    key = existing or trail.new_key()
    try:
        done = audit.rekey(svc.uow(), key, key_file=None if existing else target)
    except ValueError as exc:
        fail(exc)
    out.print(
        f"已更换审计密钥：{done.entries} 条审计记录、{done.states} 张表的状态已用新密钥重新签名"
    )
    if done.key_file:
        kept = f"（旧密钥保存为 {escape(done.old_key_file)}）" if done.old_key_file else ""
        out.print(f"新密钥已写入 {escape(done.key_file)}{kept}")
    if done.anchor:
        kept = f"（旧锚定文件保存为 {escape(done.old_anchor)}）" if done.old_anchor else ""
        out.print(f"新的锚定文件 {escape(done.anchor)}{kept}")
    if new_key_file is not None and new_key_file != in_use:
        out.print(
            f"请把设置 audit_key_file 改为 {escape(str(new_key_file))}"
            "（并去掉 audit_key / JIXIAO_AUDIT_KEY），服务器与命令行使用相同设置后再启动服务器"
        )
