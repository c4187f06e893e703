"""The ``jixiao`` command line (Typer).  Thin: it calls ingest, interchange and domain."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from jixiao import __version__
from jixiao.domain.messages import place_text, warning_label
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.values import TargetValue
from jixiao.domain.workflow import ROLE_LABELS, Role
from jixiao.ingest import FORMATS, IngestError, Step, isolation, read_path
from jixiao.interchange import dumps, json_schema

if TYPE_CHECKING:
    from jixiao.domain.actuals import ProjectActuals
    from jixiao.domain.provenance import Provenance
    from jixiao.domain.review import Finding, Report, ReviewConfig
    from jixiao.services import Services


def read_path_isolated(path: str | Path, **options: Any) -> Document:
    """A file read in the limited child process, with the parse limits of the settings
    (``JIXIAO_PARSE_*`` / ``JIXIAO_MAX_FILE_MB`` or jixiao.toml)."""
    from jixiao.services import Invalid
    from jixiao.services import settings as configuration

    try:
        limits = configuration.process_limits()
    except Invalid as exc:  # a bad setting, named
        _fail(exc)
    return isolation.read_path_isolated(path, limits=limits, **options)


app = typer.Typer(
    name="jixiao",
    help="jixiao 绩效: budget performance targets — import, review, monitor, evaluate, publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

_PERIOD_TITLES = {
    Period.HALF_YEAR: "半年指标值",
    Period.FULL_YEAR: "全年指标值",
    Period.LONG_TERM: "长期指标值",
}


def _version(value: bool) -> None:
    if value:
        out.print(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """jixiao 绩效 — budget performance management."""


def _value_text(value: TargetValue | None) -> Text:
    if value is None:
        return Text("")
    style = "red" if value.reason else ""
    return Text(value.text, style=style)


def _project_table(project: Project, actuals: ProjectActuals | None = None) -> Table:
    """A project's indicators as the table prints them; with ``actuals`` (a published
    自评表 or 监控表 read with the targets), the 实际完成值 column beside them."""
    periods = [p for p in Period if any(i.value(p) is not None for i in project.indicators)]
    reported = actuals is not None and any(a.value is not None for a in actuals.indicators)
    done = "实际完成值" if actuals is None or actuals.period is Period.FULL_YEAR else "当前完成值"
    facts = [f"主管部门：{project.department or '—'}", f"单位：{project.unit or '—'}"]
    if project.start_year or project.end_year:
        facts.append(f"实施期：{project.start_year or '?'}–{project.end_year or '?'}")
    table = Table(
        title=f"{project.name}（{project.fiscal_year or '?'} 年度）",
        caption="  ".join(facts),
        show_lines=False,
    )
    columns = ["一级指标", "二级指标", "三级指标", *(_PERIOD_TITLES[p] for p in periods)]
    if reported:
        columns.append(done)
    for column in columns:
        table.add_column(column, overflow="fold")
    last1 = last2 = None
    for ind in project.indicators:
        level1 = ind.level1 if ind.level1 != last1 else ""
        level2 = ind.level2 if (ind.level1, ind.level2) != (last1, last2) else ""
        last1, last2 = ind.level1, ind.level2
        cells = [_value_text(ind.value(p)) for p in periods]
        if reported:
            assert actuals is not None
            item = actuals.actual(ind.name)
            cells.append(_value_text(item.value if item is not None else None))
        table.add_row(level1, level2, ind.name, *cells)
    return table


def _reported(doc: Document, project: Project) -> ProjectActuals | None:
    """The actuals ``doc`` reports for ``project`` (year end before the checkpoint)."""
    for period in (Period.FULL_YEAR, Period.HALF_YEAR):
        for actuals in doc.actuals:
            if actuals.period is not period:
                continue
            for item in actuals.projects:
                if item.project == project.name:
                    return item
    return None


def _show(doc: Document) -> None:
    for overall in doc.overall_targets:
        table = Table(title=f"{overall.unit} {overall.fiscal_year or ''} 年部门整体支出绩效目标")
        for column in ("序号", "职能", "工作及项目名称", "年度目标", "目标值"):
            table.add_column(column, overflow="fold")
        last = None
        for goal in overall.goals:
            first = goal.seq != last
            last = goal.seq
            table.add_row(
                goal.seq if first else "",
                goal.function if first else "",
                goal.work,
                goal.goal,
                _value_text(goal.target),
            )
        out.print(table)
    for project in doc.projects:
        out.print(_project_table(project, _reported(doc, project)))
    out.print(
        f"{len(doc.overall_targets)} 张整体目标表，{doc.goal_count} 条目标；"
        f"{len(doc.projects)} 个项目，{doc.indicator_count} 个指标；"
        f"{len(doc.warnings)} 条警告"
    )


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="A published table: text dump or jixiao/1 JSON.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the jixiao/1 document as JSON.")
    ] = False,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Input layout: {', '.join(FORMATS)}."),
    ] = "auto",
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Print, for each row read or skipped, which stage of the importer "
            "decided what and why.",
        ),
    ] = False,
) -> None:
    """Read FILE and print what it holds (a table view, or jixiao/1 JSON with --json).

    Warnings go to the document and to stderr.  Exit 1 when FILE is not a performance table.
    """
    if explain:
        _explain(file, format)
        return
    try:
        # The document names the file, not the folder it is in (it may be shared or
        # imported); messages name the path given.
        doc = read_path_isolated(file, format=format, name=file.name)
    except IngestError as exc:
        shown = str(exc).replace(file.name, str(file), 1)
        err.print(f"[bold red]错误：[/]{escape(shown)}", soft_wrap=True)
        raise typer.Exit(1) from None
    for warning in doc.warnings:
        where = (
            place_text(warning.location.file, warning.location.page, warning.location.line)
            if warning.location
            else doc.source.file
            if doc.source
            else str(file)
        )
        err.print(
            f"[yellow]警告[/] {escape(where)}：{warning_label(warning.code)}："
            f"{escape(warning.message)}（{warning.code}）",
            soft_wrap=True,
        )
    if as_json:
        sys.stdout.write(dumps(doc) + "\n")
    else:
        _show(doc)


def _explain(file: Path, format: str) -> None:
    """``parse --explain``: the importer's decisions, stage by stage, in file order, one
    line each: ``place  [stage] decision — grounds``."""
    from jixiao.services import Invalid
    from jixiao.services import settings as configuration

    try:
        # In the limited child process, like every reading of a file (a hostile file
        # explained costs the child its life, not this process its memory).
        doc, steps, refused = isolation.explain_path_isolated(
            file, format=format, name=file.name, limits=configuration.process_limits()
        )
    except Invalid as exc:  # a bad setting, named
        _fail(exc)
    except IngestError as exc:  # beyond the limits of the process
        refused, steps, doc = exc, [], None
    out.print(f"[bold]{escape(file.name)}：导入过程（{len(steps)} 步）[/]")
    for step in steps:
        out.print(_step_line(step), soft_wrap=True)
    if refused is not None:
        shown = str(refused).replace(file.name, str(file), 1)
        err.print(f"[bold red]未导入：[/]{escape(shown)}", soft_wrap=True)
        raise typer.Exit(1)
    assert doc is not None
    indicators = sum(len(p.indicators) for p in doc.projects)
    goals = sum(len(t.goals) for t in doc.overall_targets)
    out.print(
        f"共 {len(doc.projects)} 个项目、{indicators} 个指标，{len(doc.overall_targets)} 张"
        f"部门整体目标表、{goals} 项目标，{len(doc.warnings)} 条警告"
    )


def _step_line(step: Step) -> Text:
    line = Text()
    if step.where is not None:
        # The file is named once, in the heading: each line gives the place inside it.
        place = _place(step.where)
        line.append(f"{place or '文件'}  ", style="dim")
    line.append(f"[{step.stage.label}] ", style="cyan")
    line.append(step.decision)
    if step.why:
        line.append(" — " + step.why, style="dim")
    return line


@app.command()
def schema() -> None:
    """Print the JSON Schema of the jixiao/1 format."""
    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")


# -- database, users, audit, import, serve ------------------------------------------------

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql+psycopg://…). "
        "Default: $JIXIAO_DB, else an SQLite file in the user's data folder.",
    ),
]

db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
actuals_app = typer.Typer(
    help="Actuals (实际完成情况) in the database: templates and imports.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
app.add_typer(actuals_app, name="actuals")


def _services(db: str | None, *, upgrade: bool = True) -> Services:
    from jixiao.services import Services

    try:
        return Services.connect(db, upgrade=upgrade)
    except Exception as exc:  # connection or migration failure: say which database
        from jixiao.services import default_url

        err.print(f"[bold red]错误：[/]数据库 {db or default_url()}：{exc}", soft_wrap=True)
        raise typer.Exit(1) from None


def _fail(exc: Exception) -> NoReturn:
    message = getattr(exc, "message", None) or str(exc)
    # Names, paths and values in messages are the user's text, never Rich markup.
    err.print(f"[bold red]错误：[/]{escape(message)}", soft_wrap=True)
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or apply pending migrations (and compute the oversight facts of
    tables that have none)."""
    svc = _services(db)
    out.print(f"数据库版本 {svc.revision()}：{svc.engine.url!r}")
    _compute_facts(svc, everything=False)


@db_app.command("facts")
def db_facts(
    db: DbOption = None,
    all_tables: Annotated[
        bool, typer.Option("--all", help="Recompute every table's facts, not only missing ones.")
    ] = False,
) -> None:
    """Compute the oversight facts (review, lights, scores, early warnings) of the tables,
    e.g. after changing the review, scoring or monitoring settings."""
    _compute_facts(_services(db), everything=all_tables)


def _compute_facts(svc: Services, *, everything: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from jixiao.services import oversight

    columns = (TextColumn("computing facts"), BarColumn(), MofNCompleteColumn())
    try:
        with svc.session() as session, Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("facts", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            if everything:
                oversight.forget_facts(session)
            n = oversight.refresh_missing(session, svc.facts_settings(), advance)
            session.commit()
    except Exception as exc:
        _fail(exc)
    if n or everything:
        out.print(f"已计算 {n} 张表的监督数据")


def _new_password(given: str | None, what: str = "password") -> str:
    """A password from the option, $JIXIAO_PASSWORD, standard input when it is not a
    terminal (one line), or asked for twice without echo."""
    import os

    if given:
        return given
    env = os.environ.get("JIXIAO_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            _fail(RuntimeError("标准输入中没有密码（应为一行）"))
        return line
    secret: str = typer.prompt(what, hide_input=True, confirmation_prompt=True)
    return secret


def _user_call(db: str | None, call: Any) -> Any:
    from jixiao.services import ServiceError

    svc = _services(db)
    try:
        return call(svc.uow())
    except ServiceError as exc:
        _fail(exc)


@user_app.command("add")
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


@user_app.command("passwd")
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


@user_app.command("role")
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


@user_app.command("disable")
def user_disable(
    username: Annotated[str, typer.Argument(help="The user.")], db: DbOption = None
) -> None:
    """Disable a user: their sessions end, their tokens are refused."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.set_active(uow, SYSTEM.username, username, False))
    out.print(f"已停用 {username}")


@user_app.command("enable")
def user_enable(
    username: Annotated[str, typer.Argument(help="The user.")], db: DbOption = None
) -> None:
    """Enable a disabled user again."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.set_active(uow, SYSTEM.username, username, True))
    out.print(f"已启用 {username}")


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """List users."""
    from jixiao.services import users

    table = Table("用户名", "姓名", "角色", "单位/部门", "状态")
    for u in users.list_users(_services(db).uow()):
        state = "启用" if u.active else "停用"
        table.add_row(
            u.username,
            u.display_name,
            ROLE_LABELS[Role(u.role)],
            u.unit or u.department or "",
            state + ("（待改初始密码）" if u.must_change_password else ""),
        )
    out.print(table)


@user_app.command("token")
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

    config = _settings()
    token = _user_call(
        db,
        lambda uow: users.create_token(
            uow, username, name, days=days or config.token_days, max_days=config.token_max_days
        ),
    )
    sys.stdout.write(token + "\n")


@user_app.command("tokens")
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


@user_app.command("revoke")
def user_revoke(
    token_id: Annotated[int, typer.Argument(help="The token's number (see user tokens).")],
    db: DbOption = None,
) -> None:
    """Revoke an API token: it gets 401 from now on."""
    from jixiao.services import SYSTEM, users

    _user_call(db, lambda uow: users.revoke_token(uow, SYSTEM, token_id))
    out.print(f"已撤销令牌 {token_id}")


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the audit trail: recompute its keyed hash chain, compare it with the anchor
    kept outside the database, and compare every table with its last audited state; exit 1
    naming what does not match."""
    from jixiao.services import audit

    svc = _services(db)
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


@audit_app.command("checkpoint")
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
        done = audit.checkpoint(_services(db).uow(), adopt=adopt)
    except ValueError as exc:
        err.print(f"[bold red]错误：[/]{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1) from None
    if done.anchor is None:
        out.print(f"审计链头为第 {done.seq} 条记录（内存数据库，没有锚定文件）")
    else:
        out.print(f"已锚定：第 {done.seq} 条记录写入锚定文件 {escape(done.anchor)}")
    if adopt:
        out.print(f"已登记 {done.adopted} 张表的当前状态")


@audit_app.command("rekey")
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

    svc = _services(db)
    url = svc.engine.url.render_as_string(hide_password=False)
    try:
        in_use = trail.key_file_for(url, configuration.load())
    except ServiceError as exc:
        _fail(exc)
    target = new_key_file or in_use
    if target is None:
        _fail(
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
        _fail(exc)
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


#: File name endings `jixiao import FOLDER` picks up (the content still decides the format).
IMPORT_SUFFIXES = (".pdf", ".xlsx", ".xls", ".docx", ".html", ".htm", ".txt", ".json")


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders as the files below them with a known ending, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in IMPORT_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


def _parse_file(path: str, format: str) -> Document | str:
    """Read one file (in a limited child process): the document, or the refusal message.
    The document names the file by its name only (its folder is no business of the
    database's readers); the message names the path given."""
    name = Path(path).name
    try:
        return read_path_isolated(path, format=format, name=name)
    except IngestError as exc:
        return str(exc).replace(name, path, 1)


@app.command("import")
def import_files(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (searched recursively) in any format parse reads."),
    ],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Input layout.")] = "auto",
    approved: Annotated[
        bool,
        typer.Option(
            "--approved",
            help="The files are published, approved targets: record them as approved (登记批复).",
        ),
    ] = False,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, help="Processes that read files (0: one per CPU)."),
    ] = 0,
    no_actuals: Annotated[
        bool,
        typer.Option(
            "--no-actuals",
            help="Import the targets of self-evaluation and monitoring tables, not their actuals.",
        ),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML file with a \\[scoring] table (checks the actuals)."),
    ] = None,
) -> None:
    """Import files into the database: read in parallel processes, stored one transaction
    per document (targets, approval and actuals together), with a progress bar and a
    summary of what was imported, warned, refused."""
    import os
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from jixiao.services import SYSTEM, Invalid, ServiceError, tables
    from jixiao.services.actuals import scoring_scheme

    try:
        scheme = scoring_scheme(config)
    except Invalid as exc:
        _fail(exc)
    files = _expand(paths)
    if not files:
        _fail(
            RuntimeError(
                "没有可导入的文件（文件夹中查找以 " + "、".join(IMPORT_SUFFIXES) + " 结尾的文件）"
            )
        )
    imported = refused = warned = 0
    workers = jobs or min(len(files), os.cpu_count() or 1)
    # Each file is read in its own limited child process (jixiao.ingest.isolation), forked
    # from a server process that never opens the database; threads here wait for them.
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    if workers > 1:
        os.environ.setdefault("JIXIAO_PARSE_WORKERS", str(workers))
    svc = _services(db)

    def store(path: Path, parsed: Document | str) -> None:
        nonlocal imported, refused, warned
        if isinstance(parsed, str):
            refused += 1
            err.print(f"[red]未导入[/] {escape(parsed)}", soft_wrap=True)
            return
        try:
            result = tables.import_document(
                svc.uow(),
                SYSTEM,
                parsed,
                approved=f"公开文件 {path.name}（导入时登记批复）" if approved else None,
                with_actuals=not no_actuals,
                scheme=scheme,
            )
        except ServiceError as exc:
            refused += 1
            err.print(f"[red]未导入[/] {escape(f'{path}：{exc.message}')}", soft_wrap=True)
            return
        imported += 1
        warned += 1 if result.warnings else 0
        saved = f"，{result.actuals} 张表的完成情况" if result.actuals else ""
        out.print(
            escape(
                f"已导入 {path}：{len(result.table_ids)} 张表，{result.goals} 条目标，"
                f"{result.indicators} 项指标{saved}，{result.warnings} 条警告"
            )
        )
        if result.actuals_held:
            err.print(
                escape(
                    f"提示 {path}：{result.actuals_held} 张表的完成情况未保存：完成情况须对应"
                    "已批复的目标（文件是公开的批复文件时，请加 --approved 导入）"
                ),
                soft_wrap=True,
            )

    columns = (TextColumn("导入中"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("导入中", total=len(files))
        if pool is None:
            for path in files:
                store(path, _parse_file(str(path), format))
                progress.advance(task)
        else:
            with pool:
                futures = {pool.submit(_parse_file, str(p), format): p for p in files}
                for future in as_completed(futures):
                    store(futures[future], future.result())
                    progress.advance(task)
    out.print(f"已导入 {imported} 个文件（其中 {warned} 个有警告），未导入 {refused} 个")
    if refused:
        raise typer.Exit(1)


@app.command("export")
def export(
    target: Annotated[
        Path,
        typer.Argument(
            metavar="OUT", help="File to write (a .zip with --year: the year's archive)."
        ),
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="pdf, xlsx, html (the official forms), json, csv, datapackage."
        ),
    ],
    db: DbOption = None,
    input: Annotated[
        Path | None,
        typer.Option("--input", help="Export a file any importer reads instead of the database."),
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit's tables.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department's tables.")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this fiscal year.")] = None,
) -> None:
    """Publish target tables: the official forms (PDF, XLSX, HTML) or open data (jixiao/1
    JSON, flat CSV, a Frictionless data package).  With --year and an OUT ending in .zip,
    the year's archive: one file per unit and the open data, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from jixiao.export import FontMissing
    from jixiao.services import ServiceError, exports, tables

    fmt = format.lower()
    if fmt not in exports.FORMATS:
        _fail(RuntimeError(f"未知格式“{format}”，可选：{'、'.join(exports.FORMATS)}"))
    if input is not None and db is not None:
        _fail(RuntimeError("--db 与 --input 只能选一个"))
    archive = target.suffix.lower() == ".zip" and fmt in exports.LAYOUTS
    try:
        if archive:
            if input is not None or year is None or unit is not None:
                _fail(
                    RuntimeError(
                        ".zip 压缩包只能导出数据库中的整个年度（--year，可用 --department 缩小范围）"
                    )
                )
            svc = _services(db)
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("导出中", total=None)

                def step(name: str, done: int, total: int) -> None:
                    bar.update(task, total=total, completed=done, description=name[:30])

                result = exports.year_archive(
                    svc.uow(), year, fmt, department=department, progress=step
                )
            files = [(target, result.data)]
        else:
            if input is not None:
                doc = read_path_isolated(input)
                doc = _filtered(doc, unit=unit, department=department, year=year)
            else:
                svc = _services(db)
                doc = exports.document(
                    svc.uow(), tables.TableFilter(year=year, unit=unit, department=department)
                )
            if not doc.projects and not doc.overall_targets:
                _fail(RuntimeError("没有可导出的内容：没有符合条件的表"))
            title = target.stem
            if fmt == "csv":
                parts = exports.csv_files(doc)
                files = [(target, parts[0].data)] + [
                    (target.with_name(f"{target.stem}-{p.name}"), p.data) for p in parts[1:]
                ]
            else:
                files = [(target, exports.render(doc, fmt, title=title).data)]
    except (IngestError, ServiceError, FontMissing) as exc:
        _fail(exc)
    _write_files(files, out)


def _filtered(
    doc: Document, *, unit: str | None, department: str | None, year: int | None
) -> Document:
    """The document's tables that match the filters."""
    from dataclasses import replace

    def keep(u: str | None, d: str | None, y: int | None) -> bool:
        return (
            (unit is None or u == unit)
            and (department is None or d == department)
            and (year is None or (y or doc.fiscal_year) == year)
        )

    return replace(
        doc,
        overall_targets=tuple(
            o for o in doc.overall_targets if keep(o.unit, o.department, o.fiscal_year)
        ),
        projects=tuple(p for p in doc.projects if keep(p.unit, p.department, p.fiscal_year)),
    )


@actuals_app.command("import")
def actuals_import(
    paths: Annotated[
        list[Path], typer.Argument(help="jixiao-actuals/1 JSON files or filled XLSX templates.")
    ],
    db: DbOption = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Look projects up in this unit only.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML file with a \\[scoring] table.")
    ] = None,
) -> None:
    """Save actuals into the database: each file whole or not at all, audited."""
    from jixiao.services import SYSTEM, Invalid, ServiceError
    from jixiao.services import actuals as performance

    svc = _services(db)
    try:
        scheme = performance.scoring_scheme(config)
    except Invalid as exc:
        _fail(exc)
    refused = 0
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            refused += 1
            err.print(f"[red]未保存[/] {escape(str(path))}：无法读取（{exc.strerror}）")
            continue
        try:
            result = performance.import_file(
                svc.uow(), SYSTEM, str(path), data, unit=unit, scheme=scheme
            )
        except ServiceError as exc:
            refused += 1
            message = exc.message if exc.message.startswith(str(path)) else f"{path}: {exc.message}"
            err.print(f"[red]未保存[/] {escape(message)}", soft_wrap=True)
            continue
        label = performance.PERIOD_LABELS[result.period.value]
        out.print(
            escape(
                f"已保存 {path}：{len(result.reports)} 张表的{label}完成情况"
                f"（{sum(r.items for r in result.reports)} 项指标）"
            )
        )
    if refused:
        raise typer.Exit(1)


@actuals_app.command("template")
def actuals_template(
    unit: Annotated[str, typer.Option("--unit", help="The budget unit (预算单位).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx.")],
    year: Annotated[int | None, typer.Option("--year", help="Fiscal year.")] = None,
    period: Annotated[
        str, typer.Option("--period", help="half_year (运行监控) or full_year (绩效自评).")
    ] = "full_year",
    month: Annotated[
        int | None, typer.Option("--month", min=1, max=12, help="Checkpoint month.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the unit's XLSX template, pre-filled with what it already reported."""
    from jixiao.services import ServiceError
    from jixiao.services import actuals as performance

    svc = _services(db)
    try:
        data = performance.template(svc.uow(), unit, year, period, month=month)
    except ServiceError as exc:
        _fail(exc)
    try:
        output.write_bytes(data)
    except OSError as exc:
        _fail(RuntimeError(f"{output}：无法写入（{exc.strerror or exc}）"))
    out.print(escape(f"已写入 {output}"))


def _settings() -> Any:
    """The server's settings (environment and jixiao.toml), or exit naming the bad one."""
    from jixiao.services import ServiceError
    from jixiao.services import settings as configuration

    try:
        return configuration.load()
    except ServiceError as exc:
        _fail(exc)


def _demo_secret_key() -> str:
    """For --demo without a configured key: one kept in the user's data folder (sessions
    survive restarts)."""
    import secrets

    from platformdirs import user_data_dir

    path = Path(user_data_dir("jixiao", appauthor=False)) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@app.command()
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
    import os

    import uvicorn

    from jixiao.services import demo as demo_setup
    from jixiao.services import settings as configuration
    from jixiao.services import users
    from jixiao.web.app import create_app

    config = _settings()
    svc = _services(db)
    if demo:
        out.print("演示模式（--demo）：仅供试用，请勿用于正式部署")
        seed = demo_setup.seed_path()
        if not demo_setup.is_empty(svc):
            err.print("数据库不是空的：未载入演示数据")
        elif seed is None:
            _fail(RuntimeError("找不到种子文件（shared/seeds 或 tests/fixtures）"))
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
    from jixiao.services import imports

    imports.warm_up()  # the process that reads uploads, started before the first one
    uvicorn.run(
        create_app(svc, secret_key=secret, settings=config),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
    )


# -- monitoring and self-evaluation -------------------------------------------------------


def _targets_document(source: str, year: int | None = None, unit: str | None = None) -> Document:
    """Targets from a file any importer reads, or from a database URL."""
    if _is_db_url(source):
        from jixiao.services import tables

        document, _ = tables.load_document(
            _services(source).uow(), tables.TableFilter(year=year, unit=unit, limit=1_000_000)
        )
        return document
    try:
        return read_path_isolated(Path(source))
    except IngestError as exc:
        _fail(RuntimeError(str(exc)))


def _paired(
    source: str, actuals_file: Path | None, period: str
) -> tuple[Document, list[tuple[Project, Any]], Any]:
    """Targets paired with actuals: from ``actuals_file``, or (without one) the actuals
    the targets file itself holds (a published self-evaluation or monitoring table)."""
    from jixiao.domain.actuals import ActualsError, pair
    from jixiao.interchange import FormatError
    from jixiao.interchange.actuals import loads_actuals

    wanted = "full_year（年末）" if period == "full_year" else "half_year（运行监控）"
    if actuals_file is None:
        if _is_db_url(source):
            _fail(RuntimeError("使用数据库时须用 --actuals 指定完成情况文件（jixiao-actuals/1）"))
        document = _targets_document(source)
        found = [a for a in document.actuals if a.period.value == period]
        if not found:
            _fail(
                RuntimeError(f"{source}：没有 {wanted}的完成情况，请用 --actuals 指定完成情况文件")
            )
        actuals_file = Path(source)
        actuals = found[0]
    else:
        try:
            actuals = loads_actuals(actuals_file.read_bytes(), where=str(actuals_file))
        except OSError as exc:
            _fail(RuntimeError(f"{actuals_file}：无法读取（{exc.strerror or exc}）"))
        except FormatError as exc:
            _fail(RuntimeError(str(exc)))
        if actuals.period.value != period:
            _fail(
                RuntimeError(
                    f"{actuals_file}：完成情况的期间为 {actuals.period.value}，应为 {wanted}"
                )
            )
        document = _targets_document(source, actuals.fiscal_year)
    try:
        pairs = pair(document.projects, actuals)
    except ActualsError as exc:
        _fail(RuntimeError(f"{actuals_file}：" + "；".join(exc.problems) + "。未作任何计算。"))
    # A database is filtered by the actuals' year; a file may hold another year's targets.
    other_year = [
        f"项目“{p.name}”的绩效目标为 {p.fiscal_year} 年度"
        for p, _ in pairs
        if actuals.fiscal_year is not None
        and p.fiscal_year is not None
        and p.fiscal_year != actuals.fiscal_year
    ]
    if other_year:
        _fail(
            RuntimeError(
                f"{actuals_file}：完成情况为 {actuals.fiscal_year} 年度，"
                + "；".join(other_year)
                + "。未作任何计算。"
            )
        )
    return document, pairs, actuals


ConfigFileOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="TOML file with \\[scoring] / \\[monitoring] tables "
        "(default $JIXIAO_CONFIG or ./jixiao.toml).",
    ),
]
XlsxOption = Annotated[
    Path | None, typer.Option("--xlsx", help="Also write the official workbook to this file.")
]
PdfOption = Annotated[
    Path | None, typer.Option("--pdf", help="Also write the official form as PDF to this file.")
]


def _write_forms(data: bytes, xlsx: Path | None, pdf: Path | None) -> None:
    """The workbook to --xlsx, and printed to --pdf."""
    from jixiao.export import FontMissing
    from jixiao.export.pdf import workbook_pdf

    outputs: list[tuple[Path, bytes]] = []
    if xlsx is not None:
        outputs.append((xlsx, data))
    if pdf is not None:
        try:
            outputs.append((pdf, workbook_pdf(data)))
        except FontMissing as exc:
            _fail(exc)
    _write_files(outputs, err)


def _write_files(files: list[tuple[Path, bytes]], console: Console) -> None:
    """Write each file, saying so on ``console``; a file that cannot be written fails."""
    for path, data in files:
        try:
            path.write_bytes(data)
        except OSError as exc:
            _fail(RuntimeError(f"{path}：无法写入（{exc.strerror or exc}）"))
        console.print(escape(f"已写入 {path}（{len(data):,} 字节）"))


@app.command()
def monitor(
    targets: Annotated[
        str, typer.Argument(help="Targets: a file any importer reads, or a database URL.")
    ],
    actuals: Annotated[
        Path | None,
        typer.Option(
            "--actuals",
            help="jixiao-actuals/1 file (period half_year); default: the actuals the targets "
            "file holds (a published 监控表).",
        ),
    ] = None,
    month: Annotated[
        int | None,
        typer.Option(
            "--month", min=1, max=12, help="Checkpoint month (default: the file's, else 6)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the monitoring tables as JSON.")
    ] = False,
    xlsx: XlsxOption = None,
    pdf: PdfOption = None,
    config_file: ConfigFileOption = None,
) -> None:
    """运行监控: budget execution and indicator lights at the checkpoint; exit 1 on findings.

    The checkpoint month is --month, else the file's, else the configuration's (6)."""
    from jixiao.domain.monitoring import LIGHT_LABELS, by_department, monitor_project, summarize
    from jixiao.interchange.results import monitor_to_dict, summary_to_dict
    from jixiao.services import Invalid
    from jixiao.services import actuals as performance

    _, pairs, doc = _paired(targets, actuals, "half_year")
    try:
        config = performance.monitoring_config(config_file, month=month or doc.month)
    except Invalid as exc:
        _fail(exc)
    monitors = [(p.unit or "", monitor_project(p, a, config)) for p, a in pairs]
    summaries = summarize(monitors, config)
    departments = summarize(by_department(m for _, m in monitors), config)
    if xlsx is not None or pdf is not None:
        from jixiao.export import monitoring_workbook

        _write_forms(
            monitoring_workbook(
                [m for _, m in monitors],
                summaries,
                fiscal_year=doc.fiscal_year or 0,
                month=config.month,
            ),
            xlsx,
            pdf,
        )
    findings = [f for _, m in monitors for f in m.findings]
    if as_json:
        data = {
            "month": config.month,
            "projects": [monitor_to_dict(m) for _, m in monitors],
            "units": [summary_to_dict(u) for u in summaries],
            "departments": [summary_to_dict(d) for d in departments],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        styles = {"green": "green", "yellow": "yellow", "red": "bold red", "none": "dim"}
        for _, m in monitors:
            light = m.execution_light.value
            rate = f"{m.time_adjusted:.1f}%" if m.time_adjusted is not None else "—"
            out.print(
                f"\n[bold]{escape(m.name)}[/]  预算执行（时间进度调整后）{rate} "
                f"[{styles[light]}]{LIGHT_LABELS[m.execution_light]}[/]"
            )
            table = Table("三级指标", "年度指标值", "当前完成值", "进度", "灯", "依据")
            for i in m.indicators:
                table.add_row(
                    escape(i.name),
                    escape(i.target or ""),
                    escape(i.current or ""),
                    f"{i.progress:.0f}%" if i.progress is not None else "",
                    f"[{styles[i.light.value]}]{LIGHT_LABELS[i.light]}[/]",
                    escape(i.basis),
                )
            out.print(table)
            for f in m.findings:
                out.print(f"  [yellow]{f.code}[/] {escape(f.message)}", soft_wrap=True)
        for label, groups in (("单位", summaries), ("主管部门", departments)):
            for g in groups:
                rate = f"{g.time_adjusted:.2f}%" if g.time_adjusted is not None else "—"
                lights = "、".join(f"{LIGHT_LABELS[k]} {n}" for k, n in g.lights.items())
                red = f"；红灯项目：{'、'.join(g.red_projects)}" if g.red_projects else ""
                out.print(
                    escape(
                        f"{label}“{g.unit or '未注明'}”：{g.projects} 个项目，预算执行"
                        f"（时间进度调整后）{rate} {LIGHT_LABELS[g.execution_light]}；"
                        f"指标 {lights}；监控问题 {g.findings} 个{red}"
                    ),
                    soft_wrap=True,
                )
        out.print(f"\n{len(monitors)} 个项目，{len(findings)} 个监控问题（第 {config.month} 月）")
    if findings:
        raise typer.Exit(1)


def _score_table(s: Any, *, overall: bool = False) -> None:
    rate = f"{s.execution_rate * 100:.2f}%" if s.execution_rate is not None else "—"
    title = (
        f"{s.name}{'（部门整体）' if overall else ''}：{s.total:.2f} 分，{s.grade.value}"
        f"（预算执行率 {rate}，得 {s.budget_score:.2f} 分）"
    )
    heads = ("部门职能", "工作任务") if overall else ("一级指标", "三级指标")
    table = Table(*heads, "指标值", "实际完成值", "分值", "得分", "说明", title=escape(title))
    for i in s.indicators:
        flag = "[yellow]需说明偏差原因[/] " if i.reason_needed else ""
        table.add_row(
            escape(i.level1),
            escape(i.name),
            escape(i.target or ""),
            escape(i.actual or ""),
            f"{i.weight:.2f}",
            f"{i.score:.2f}",
            flag + escape(i.rule),
        )
    out.print(table)
    for problem in s.problems:
        out.print(f"  [yellow]·[/] {escape(problem)}", soft_wrap=True)


@app.command()
def evaluate(
    targets: Annotated[
        str, typer.Argument(help="Targets: a file any importer reads, or a database URL.")
    ],
    actuals: Annotated[
        Path | None,
        typer.Option(
            "--actuals",
            help="jixiao-actuals/1 file (period full_year); default: the actuals the targets "
            "file holds (a published 自评表).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
    xlsx: XlsxOption = None,
    pdf: PdfOption = None,
    config: ConfigFileOption = None,
) -> None:
    """绩效自评: score each project (and each unit as a whole) by the scheme (docs/scoring.md)."""
    from jixiao.domain.scoring import ScoringError, mean_score, score_overall, score_project
    from jixiao.interchange.results import score_to_dict
    from jixiao.services import Invalid
    from jixiao.services import actuals as performance

    try:
        scheme = performance.scoring_scheme(config)
    except Invalid as exc:
        _fail(exc)
    document, pairs, doc = _paired(targets, actuals, "full_year")
    problems: list[str] = []
    scores: list[tuple[str, Any, Any, Any]] = []  # (unit, project, actuals, score)
    for project, report in pairs:
        try:
            scores.append(
                (project.unit or "", project, report, score_project(project, report, scheme))
            )
        except ScoringError as exc:
            problems.extend(f"项目“{project.name}”：{p}" for p in exc.problems)
    overall: dict[str, tuple[Any, Any, Any]] = {}
    by_unit = {o.unit: o for o in document.overall_targets}
    for report in doc.overall:
        targets_of = by_unit.get(report.project)
        if targets_of is None:
            problems.append(f"单位“{report.project}”没有部门整体绩效目标表")
            continue
        try:
            overall[report.project] = (
                targets_of,
                report,
                score_overall(targets_of, report, scheme),
            )
        except ScoringError as exc:
            problems.extend(f"单位“{report.project}”（部门整体）：{p}" for p in exc.problems)
    if problems:
        _fail(RuntimeError(f"{actuals}: " + "；".join(problems) + "。未作任何计算。"))
    units: dict[str, list[Any]] = {}
    for unit, _, _, score in scores:
        units.setdefault(unit, []).append(score)
    for unit in overall:
        units.setdefault(unit, [])
    summary: list[dict[str, Any]] = [
        {
            "unit": unit,
            "projects": len(items),
            "average": mean_score([s.total for s in items]),
            "grades": {
                g: sum(1 for s in items if s.grade.value == g) for g in ("优", "良", "中", "差")
            },
            "overall": (
                {"total": overall[unit][2].total, "grade": overall[unit][2].grade.value}
                if unit in overall
                else None
            ),
        }
        for unit, items in units.items()
    ]
    if xlsx is not None or pdf is not None:
        from jixiao.export import self_evaluation_workbook

        single = next(iter(units)) if len(units) == 1 else None
        data = self_evaluation_workbook(
            [(p, a, s) for _, p, a, s in scores],
            fiscal_year=doc.fiscal_year or 0,
            unit=single,
            overall=overall.get(single) if single is not None else None,
        )
        _write_forms(data, xlsx, pdf)
    if as_json:
        data_json = {
            "projects": [score_to_dict(s) for _, _, _, s in scores],
            "overall": [{"unit": u, **score_to_dict(o[2])} for u, o in overall.items()],
            "units": summary,
        }
        sys.stdout.write(json.dumps(data_json, ensure_ascii=False, indent=2) + "\n")
        return
    for _, _, score in overall.values():
        _score_table(score, overall=True)
    for _, _, _, score in scores:
        _score_table(score)
    for row in summary:
        grades = "、".join(f"{g} {n}" for g, n in row["grades"].items())
        average = f"{row['average']:.2f}" if row["average"] is not None else "—"
        whole = row["overall"]
        head = f"部门整体 {whole['total']:.2f} 分（{whole['grade']}）；" if whole else ""
        out.print(
            escape(
                f"{row['unit'] or '未注明单位'}：{head}{row['projects']} 个项目，"
                f"平均 {average} 分（{grades}）"
            )
        )


# -- review ---------------------------------------------------------------------------


def _review_config(path: Path | None) -> ReviewConfig:
    from jixiao.services import Invalid
    from jixiao.services import review as reviewing

    try:
        return reviewing.load_config(path)
    except Invalid as exc:
        _fail(exc)


def _is_db_url(text: str) -> bool:
    return "://" in text and text.split("://", 1)[0].split("+")[0] in ("sqlite", "postgresql")


def _previous_file(path: Path) -> dict[str, Any]:
    """Last year's actuals from a jixiao-actuals/1 file: project → indicator → value."""
    from jixiao.interchange import FormatError
    from jixiao.interchange.actuals import loads_actuals

    try:
        doc = loads_actuals(path.read_bytes(), where=str(path))
    except OSError as exc:
        _fail(RuntimeError(f"{path}: cannot be read: {exc.strerror or exc}"))
    except FormatError as exc:
        _fail(exc)
    if doc.period.value != "full_year":
        _fail(RuntimeError(f"{path}: period is {doc.period.value}, expected full_year (年末)"))
    return {
        p.project: {
            i.indicator: i.value
            for i in p.indicators
            if i.value is not None and not i.not_applicable
        }
        for p in doc.projects
    }


@app.command()
def review(
    source: Annotated[
        str, typer.Argument(help="A file any importer reads, or a database URL (sqlite:///…).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print findings and grades as JSON.")
    ] = False,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Only these rule codes or prefixes.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Skip these rule codes or prefixes.")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML file with a \\[review] table (default ./jixiao.toml)."),
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="With a database: only this fiscal year.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="With a database: only this unit.")] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Last year's year-end actuals (jixiao-actuals/1) for JX310; a database "
            "uses its stored actuals.",
        ),
    ] = None,
) -> None:
    """Review performance targets (绩效目标审核); exit 1 when there are errors."""
    from jixiao.domain.review import ConfigError, Severity, review_document

    try:
        cfg = _review_config(config).with_selection(select or None, ignore or None)
    except ConfigError as exc:
        _fail(exc)
    if _is_db_url(source):
        from jixiao.services import actuals as performance
        from jixiao.services import tables

        svc = _services(source)
        document, ids = tables.load_document(
            svc.uow(), tables.TableFilter(year=year, unit=unit, limit=1_000_000)
        )
        last_year = performance.previous_by_project(svc.uow(), ids)
    else:
        try:
            document = read_path_isolated(Path(source))
        except IngestError as exc:
            _fail(exc)
        last_year = {}
    if previous is not None:
        last_year.update(_previous_file(previous))
    report = review_document(document, cfg, last_year)
    if as_json:
        data = {
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity.value,
                    "dimension": f.dimension.value,
                    "project": f.project,
                    "indicator": f.indicator,
                    "message": f.message,
                    "location": _location_json(f.location),
                }
                for f in report.findings
            ],
            "grades": [
                {"project": g.project, "grade": g.grade.value, "reasons": list(g.reasons)}
                for g in report.grades
            ],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _show_review(report)
    if any(f.severity is Severity.ERROR for f in report.findings):
        raise typer.Exit(1)


def _location_json(location: object) -> dict[str, object] | None:
    from jixiao.interchange import location_to_dict

    return location_to_dict(location)  # type: ignore[arg-type]


def _place(where: Provenance) -> str:
    """A place inside the file read, without the file's name: ``第 2 页 第 14 行``."""
    return replace(where, file="").label().strip()


def _show_review(report: Report) -> None:
    from jixiao.domain.review import SEVERITY_LABELS, Severity

    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    by_table: dict[str | None, list[Finding]] = {}
    for finding in report.findings:
        by_table.setdefault(finding.project, []).append(finding)
    several = len({f.location.file for f in report.findings if f.location is not None}) > 1
    for grade in report.grades:
        out.print(f"\n[bold]{grade.project}[/]  建议审核等级：[bold]{grade.grade.value}[/]")
        for finding in by_table.get(grade.project, []):
            where = ""
            if finding.location is not None:
                # The place in the source (第 2 页 第 14 行, 工作表 … 单元格 …); the file is
                # named where more than one was read.
                place = finding.location.label() if several else _place(finding.location)
                where = f"{escape(place)}：" if place else ""
            label = SEVERITY_LABELS[finding.severity]
            out.print(
                f"  {where}[{styles[finding.severity]}]{finding.code} {label}[/] "
                f"{finding.message}\n      [dim]{finding.hint}[/]",
                soft_wrap=True,
            )
        for reason in grade.reasons:
            out.print(f"  [dim]· {reason}[/]", soft_wrap=True)
    counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
    out.print(
        f"\n{len(report.grades)} 张表：{counts[Severity.ERROR]} 个错误，"
        f"{counts[Severity.WARNING]} 个警告，{counts[Severity.INFO]} 个提示"
    )


@app.command()
def rules(
    write_docs: Annotated[
        Path | None, typer.Option("--write-docs", help="Write the rule pages into this folder.")
    ] = None,
) -> None:
    """List the review rules (or write their documentation pages)."""
    from jixiao.domain.review import RULES

    if write_docs is not None:
        from jixiao.domain.review.docs import render_all

        write_docs.mkdir(parents=True, exist_ok=True)
        pages = render_all()
        for name, text in pages.items():
            (write_docs / name).write_text(text, encoding="utf-8")
        out.print(f"wrote {len(pages)} pages to {write_docs}")
        return
    table = Table("代码", "名称", "维度", "级别", "说明")
    for code, rule in sorted(RULES.items()):
        table.add_row(code, rule.name, rule.dimension.value, rule.severity.value, rule.summary)
    out.print(table)


@app.command()
def synth(
    units: Annotated[int, typer.Option("--units", min=1, help="Budget units (预算单位).")] = 50,
    projects_per_unit: Annotated[
        int, typer.Option("--projects-per-unit", min=1, help="Project tables per unit and year.")
    ] = 10,
    years: Annotated[int, typer.Option("--years", min=1, max=20, help="Fiscal years.")] = 2,
    last_year: Annotated[
        int, typer.Option("--last-year", help="The latest fiscal year (the others before it).")
    ] = 2025,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed, the same data.")
    ] = 1,
    weak_share: Annotated[
        float,
        typer.Option("--weak-share", min=0.0, max=1.0, help="Share of deliberately weak tables."),
    ] = 0.3,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=0, help="Processes computing the facts (default: one per CPU)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load realistic synthetic data (approved project tables with checkpoint and year-end
    actuals, deliberate weaknesses, the oversight facts) into a database, in one
    transaction, by COPY on PostgreSQL; for demos and benchmarks."""
    import os
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from jixiao import synth as generator
    from jixiao.services import SYSTEM, bulk

    config = generator.SynthConfig(
        units=units,
        projects_per_unit=projects_per_unit,
        years=tuple(range(last_year - years + 1, last_year + 1)),
        weak_share=weak_share,
        seed=seed,
    )
    svc = _services(db)
    total = units * projects_per_unit * years
    items = (
        bulk.Reported(r.project, r.checkpoint, r.year_end, config.checkpoint_month)
        for r in generator.records(config)
    )
    columns = (TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    started = time.perf_counter()
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("synth", total=total)
            result = bulk.load(
                svc.uow(),
                SYSTEM,
                items,
                svc.facts_settings(),
                progress=lambda n: bar.update(task, completed=n),
                workers=(os.cpu_count() or 1) if workers is None else workers,
            )
    except Exception as exc:
        _fail(exc)
    seconds = time.perf_counter() - started
    rows = result.rows
    out.print(
        f"loaded {result.tables} tables of {units} units, {len(config.years)} years "
        f"({config.years[0]}–{config.years[-1]}): {rows.get('indicator', 0)} indicators, "
        f"{rows.get('actual_item', 0)} reported values, {rows.get('table_finding', 0)} "
        f"findings and warnings in {seconds:.1f} s into {svc.engine.url!r}"
    )


def main() -> None:
    app()
