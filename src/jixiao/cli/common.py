"""What every command shares: the consoles, the ``--db`` option, the database, the failure
message and the isolated reading of a file.

The service layer (SQLAlchemy, Alembic) is imported inside the functions that use it, here
and in the command modules: ``jixiao --help`` and ``jixiao parse`` do not pay for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from jixiao.domain.model import Document
from jixiao.ingest import isolation

if TYPE_CHECKING:
    from jixiao.services import Services

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///FILE or postgresql+psycopg://…). "
        "Default: $JIXIAO_DB, else an SQLite file in the user's data folder.",
    ),
]


def fail(exc: Exception) -> NoReturn:
    """Say what went wrong (the exception's ``message``, else its text) and exit 1."""
    message = getattr(exc, "message", None) or str(exc)
    # Names, paths and values in messages are the user's text, never Rich markup.
    err.print(f"[bold red]错误：[/]{escape(message)}", soft_wrap=True)
    raise typer.Exit(1)


def connect(db: str | None, *, upgrade: bool = True) -> Services:
    """The services on database ``db`` (migrated), or exit naming the database."""
    from jixiao.services import Services

    try:
        return Services.connect(db, upgrade=upgrade)
    except Exception as exc:  # connection or migration failure: say which database
        from jixiao.services import default_url

        err.print(f"[bold red]错误：[/]数据库 {db or default_url()}：{exc}", soft_wrap=True)
        raise typer.Exit(1) from None


def load_settings() -> Any:
    """The server's settings (environment and jixiao.toml), or exit naming the bad one."""
    from jixiao.services import ServiceError
    from jixiao.services import settings as configuration

    try:
        return configuration.load()
    except ServiceError as exc:
        fail(exc)


def read_path_isolated(path: str | Path, **options: Any) -> Document:
    """A file read in the limited child process, with the parse limits of the settings
    (``JIXIAO_PARSE_*`` / ``JIXIAO_MAX_FILE_MB`` or jixiao.toml)."""
    from jixiao.services import Invalid
    from jixiao.services import settings as configuration

    try:
        limits = configuration.process_limits()
    except Invalid as exc:  # a bad setting, named
        fail(exc)
    return isolation.read_path_isolated(path, limits=limits, **options)


def write_files(files: list[tuple[Path, bytes]], console: Console) -> None:
    """Write each file, saying so on ``console``; a file that cannot be written fails."""
    for path, data in files:
        try:
            path.write_bytes(data)
        except OSError as exc:
            fail(RuntimeError(f"{path}：无法写入（{exc.strerror or exc}）"))
        console.print(escape(f"已写入 {path}（{len(data):,} 字节）"))
