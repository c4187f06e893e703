"""Performance: actuals in the database (``jixiao actuals``), 运行监控 (``jixiao monitor``)
and 绩效自评 (``jixiao evaluate``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from jixiao.cli.common import DbOption, connect, err, fail, out, write_files
from jixiao.domain.actuals import ActualsDocument, ProjectActuals
from jixiao.domain.model import Document, Project
from jixiao.domain.monitoring import LIGHT_LABELS, by_department, monitor_project, summarize
from jixiao.domain.scoring import ScoringError, mean_score, score_overall, score_project
from jixiao.interchange.results import monitor_to_dict, score_to_dict, summary_to_dict

actuals_app = typer.Typer(
    help="Actuals (实际完成情况) in the database: templates and imports.", no_args_is_help=True
)

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


def _paired(
    source: str, actuals_file: Path | None, period: str
) -> tuple[Document, list[tuple[Project, ProjectActuals]], ActualsDocument]:
    """Targets paired with actuals (services.pairing), or exit naming what is wrong."""
    from jixiao.services import Invalid, pairing

    try:
        return pairing.paired(source, actuals_file, period, lambda url: connect(url).uow())
    except Invalid as exc:
        fail(exc)


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

    svc = connect(db)
    try:
        scheme = performance.scoring_scheme(config)
    except Invalid as exc:
        fail(exc)
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

    svc = connect(db)
    try:
        data = performance.template(svc.uow(), unit, year, period, month=month)
    except ServiceError as exc:
        fail(exc)
    try:
        output.write_bytes(data)
    except OSError as exc:
        fail(RuntimeError(f"{output}：无法写入（{exc.strerror or exc}）"))
    out.print(escape(f"已写入 {output}"))


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
            fail(exc)
    write_files(outputs, err)


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
    from jixiao.services import Invalid
    from jixiao.services import actuals as performance

    _, pairs, doc = _paired(targets, actuals, "half_year")
    try:
        config = performance.monitoring_config(config_file, month=month or doc.month)
    except Invalid as exc:
        fail(exc)
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
    from jixiao.services import Invalid
    from jixiao.services import actuals as performance

    try:
        scheme = performance.scoring_scheme(config)
    except Invalid as exc:
        fail(exc)
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
        fail(RuntimeError(f"{actuals}: " + "；".join(problems) + "。未作任何计算。"))
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
