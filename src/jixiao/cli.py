"""The ``jixiao`` command line (Typer).  Thin: it calls ingest, interchange and domain."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jixiao import __version__
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.values import TargetValue
from jixiao.ingest import FORMATS, IngestError, read_path
from jixiao.interchange import dumps, json_schema

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


def _project_table(project: Project) -> Table:
    periods = [p for p in Period if any(i.value(p) is not None for i in project.indicators)]
    facts = [f"主管部门：{project.department or '—'}", f"单位：{project.unit or '—'}"]
    if project.start_year or project.end_year:
        facts.append(f"实施期：{project.start_year or '?'}–{project.end_year or '?'}")
    table = Table(
        title=f"{project.name}（{project.fiscal_year or '?'} 年度）",
        caption="  ".join(facts),
        show_lines=False,
    )
    for column in ("一级指标", "二级指标", "三级指标", *(_PERIOD_TITLES[p] for p in periods)):
        table.add_column(column, overflow="fold")
    last1 = last2 = None
    for ind in project.indicators:
        level1 = ind.level1 if ind.level1 != last1 else ""
        level2 = ind.level2 if (ind.level1, ind.level2) != (last1, last2) else ""
        last1, last2 = ind.level1, ind.level2
        table.add_row(level1, level2, ind.name, *(_value_text(ind.value(p)) for p in periods))
    return table


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
        out.print(_project_table(project))
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
) -> None:
    """Read FILE and print what it holds (a table view, or jixiao/1 JSON with --json).

    Warnings go to the document and to stderr.  Exit 1 when FILE is not a performance table.
    """
    try:
        doc = read_path(file, format=format)
    except IngestError as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    for warning in doc.warnings:
        where = f"{warning.location}: " if warning.location else ""
        err.print(f"[yellow]warning[/] {where}{warning.code}: {warning.message}", soft_wrap=True)
    if as_json:
        sys.stdout.write(dumps(doc) + "\n")
    else:
        _show(doc)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the jixiao/1 format."""
    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")


def main() -> None:
    app()
