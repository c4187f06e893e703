"""Target tables in and out of the database: ``jixiao import`` and ``jixiao export``."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from jixiao.cli.common import DbOption, connect, err, fail, out, read_path_isolated, write_files
from jixiao.domain.model import Document
from jixiao.ingest import IngestError

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
    from jixiao.services import SYSTEM, Invalid, ServiceError, tables
    from jixiao.services.actuals import scoring_scheme

    try:
        scheme = scoring_scheme(config)
    except Invalid as exc:
        fail(exc)
    files = _expand(paths)
    if not files:
        fail(
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
    svc = connect(db)

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
    from jixiao.export import FontMissing
    from jixiao.services import ServiceError, exports, tables

    fmt = format.lower()
    if fmt not in exports.FORMATS:
        fail(RuntimeError(f"未知格式“{format}”，可选：{'、'.join(exports.FORMATS)}"))
    if input is not None and db is not None:
        fail(RuntimeError("--db 与 --input 只能选一个"))
    archive = target.suffix.lower() == ".zip" and fmt in exports.LAYOUTS
    try:
        if archive:
            if input is not None or year is None or unit is not None:
                fail(
                    RuntimeError(
                        ".zip 压缩包只能导出数据库中的整个年度（--year，可用 --department 缩小范围）"
                    )
                )
            svc = connect(db)
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
                svc = connect(db)
                doc = exports.document(
                    svc.uow(), tables.TableFilter(year=year, unit=unit, department=department)
                )
            if not doc.projects and not doc.overall_targets:
                fail(RuntimeError("没有可导出的内容：没有符合条件的表"))
            title = target.stem
            if fmt == "csv":
                parts = exports.csv_files(doc)
                files = [(target, parts[0].data)] + [
                    (target.with_name(f"{target.stem}-{p.name}"), p.data) for p in parts[1:]
                ]
            else:
                files = [(target, exports.render(doc, fmt, title=title).data)]
    except (IngestError, ServiceError, FontMissing) as exc:
        fail(exc)
    write_files(files, out)


def _filtered(
    doc: Document, *, unit: str | None, department: str | None, year: int | None
) -> Document:
    """The document's tables that match the filters."""

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
