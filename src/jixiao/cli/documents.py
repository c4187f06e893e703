"""Commands on one document: ``parse`` (with ``--explain``), ``schema``, ``review`` and
``rules``."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from jixiao.cli.common import connect, err, fail, out, read_path_isolated
from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.messages import place_text, warning_label
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.review import (
    RULES,
    SEVERITY_LABELS,
    ConfigError,
    Finding,
    Report,
    ReviewConfig,
    Severity,
    review_document,
)
from jixiao.domain.review.docs import render_all
from jixiao.domain.values import TargetValue
from jixiao.ingest import FORMATS, IngestError, Step, isolation
from jixiao.interchange import dumps, json_schema, location_to_dict

_PERIOD_TITLES = {
    Period.HALF_YEAR: "半年指标值",
    Period.FULL_YEAR: "全年指标值",
    Period.LONG_TERM: "长期指标值",
}


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
        fail(exc)
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


def schema() -> None:
    """Print the JSON Schema of the jixiao/1 format."""
    sys.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n")


def _review_config(path: Path | None) -> ReviewConfig:
    from jixiao.services import Invalid
    from jixiao.services import review as reviewing

    try:
        return reviewing.load_config(path)
    except Invalid as exc:
        fail(exc)


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
    from jixiao.services import Invalid, pairing, tables
    from jixiao.services import actuals as performance

    try:
        cfg = _review_config(config).with_selection(select or None, ignore or None)
    except ConfigError as exc:
        fail(exc)
    if pairing.is_db_url(source):
        svc = connect(source)
        document, ids = tables.load_document(
            svc.uow(), tables.TableFilter(year=year, unit=unit, limit=1_000_000)
        )
        last_year = performance.previous_by_project(svc.uow(), ids)
    else:
        try:
            document = read_path_isolated(Path(source))
        except IngestError as exc:
            fail(exc)
        last_year = {}
    if previous is not None:
        try:
            last_year.update(pairing.previous_file(previous))
        except Invalid as exc:
            fail(exc)
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
    return location_to_dict(location)  # type: ignore[arg-type]


def _place(where: Provenance) -> str:
    """A place inside the file read, without the file's name: ``第 2 页 第 14 行``."""
    return replace(where, file="").label().strip()


def _show_review(report: Report) -> None:
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


def rules(
    write_docs: Annotated[
        Path | None, typer.Option("--write-docs", help="Write the rule pages into this folder.")
    ] = None,
) -> None:
    """List the review rules (or write their documentation pages)."""
    if write_docs is not None:
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
