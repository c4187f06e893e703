"""``jixiao db``: migrations and the oversight facts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from jixiao.cli.common import DbOption, connect, err, fail, out

if TYPE_CHECKING:
    from jixiao.services import Services

app = typer.Typer(help="The database: migrations.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or apply pending migrations (and compute the oversight facts of
    tables that have none)."""
    svc = connect(db)
    out.print(f"数据库版本 {svc.revision()}：{svc.engine.url!r}")
    _compute_facts(svc, everything=False)


@app.command("facts")
def db_facts(
    db: DbOption = None,
    all_tables: Annotated[
        bool, typer.Option("--all", help="Recompute every table's facts, not only missing ones.")
    ] = False,
) -> None:
    """Compute the oversight facts (review, lights, scores, early warnings) of the tables,
    e.g. after changing the review, scoring or monitoring settings."""
    _compute_facts(connect(db), everything=all_tables)


def _compute_facts(svc: Services, *, everything: bool) -> None:
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
        fail(exc)
    if n or everything:
        out.print(f"已计算 {n} 张表的监督数据")
