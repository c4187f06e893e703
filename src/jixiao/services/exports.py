"""Publishing: target tables in the official layouts (PDF, XLSX, HTML) and open data
(``jixiao/1`` JSON, flat CSV, a Frictionless data package), of one table, a filter of the
database, a unit's disclosure, or a whole year as a zip.

Use cases::

    FORMATS, MEDIA_TYPES
    document(uow, f, *, with_actuals=True) -> Document
        the tables matching a TableFilter (and their stored actuals) as one document
    table_document(uow, table_id) -> Document        one table, its source and actuals
    render(doc, fmt, *, title) -> ExportFile          one file in a format
    list_file(uow, f, fmt)                            the list of tables as CSV / XLSX
    history_file(uow, table_id, fmt)                  a table's audit trail as CSV / XLSX
    version_document(uow, table_id, number) -> Document   an approved version
    csv_files(doc) -> list[ExportFile]                indicators.csv, goals.csv, results.csv
    year_archive(uow, year, fmt, *, progress) -> ExportFile
        a zip: each unit's tables as one file of ``fmt`` (pdf, xlsx or html) in a folder per
        department, and the year's open data (JSON, CSV, data package)

Everything published is what the database holds, read only; nothing here writes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from jixiao.domain.model import Document, OverallTargets
from jixiao.domain.workflow import Actor
from jixiao.export import fonts_for
from jixiao.export.html import workbook_html
from jixiao.export.opendata import (
    GOAL_FIELDS,
    INDICATOR_FIELDS,
    RESULT_FIELDS,
    csv_bytes,
    csv_table,
    datapackage,
    goal_rows,
    indicator_rows,
    result_rows,
)
from jixiao.export.pdf import FOOTER_TEXT, workbook_pdf
from jixiao.export.targets import LAYOUT_TEXT, targets_workbook
from jixiao.interchange import dumps
from jixiao.interchange.cells import write_only_row
from jixiao.services import actuals, tables
from jixiao.services.errors import Invalid
from jixiao.services.uow import UnitOfWork
from jixiao.store.tables import overall_of, project_of, table_of

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "ExportFile",
    "csv_files",
    "document",
    "history_file",
    "list_file",
    "render",
    "rows_file",
    "table_document",
    "unit_years_file",
    "version_document",
    "workbook_as",
    "year_archive",
]

FORMATS = ("pdf", "xlsx", "html", "json", "csv", "datapackage")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "datapackage": "application/zip",
    "zip": "application/zip",
}
_SUFFIX = {"datapackage": "zip"}
LAYOUTS = ("pdf", "xlsx", "html")  # the official forms (the others are open data)


@dataclass(frozen=True, slots=True)
class ExportFile:
    name: str  # a file name to save it under
    data: bytes
    media_type: str


def _safe(stem: str) -> str:
    """A name without path separators or characters file systems refuse."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") or "jixiao"


def file_name(stem: str, fmt: str) -> str:
    """A safe file name for a file of ``fmt``."""
    return f"{_safe(stem)}.{_SUFFIX.get(fmt, fmt)}"


def document(uow: UnitOfWork, f: tables.TableFilter, *, with_actuals: bool = True) -> Document:
    """The tables matching ``f`` (every page of them) with their stored actuals; the
    source is the file they were imported from when they share one."""
    doc, ids = tables.load_document(uow, replace(f, limit=10_000_000, offset=0))
    if not ids:
        return doc
    doc = replace(doc, source=tables.source_of(uow, list(ids.values()), f.reader))
    if not with_actuals:
        return doc
    return replace(doc, actuals=actuals.stored_actuals(uow, list(ids.values()), f.reader))


def table_document(uow: UnitOfWork, table_id: int, actor: Actor | None = None) -> Document:
    """One table (project or unit as a whole) with its source and stored actuals (when
    ``actor`` may read it; None: the command line)."""
    tables.require_read(uow, actor, table_id)
    with uow:
        row = uow.tables.get(table_id)
        overall = (overall_of(row),) if row.kind == tables.OVERALL else ()
        projects = (project_of(row),) if row.kind == tables.PROJECT else ()
        doc = Document(row.fiscal_year, overall_targets=overall, projects=projects)
    return replace(
        doc,
        source=tables.source_of(uow, [table_id], actor),
        actuals=actuals.stored_actuals(uow, [table_id], actor),
    )


_LIST_HEADER = ("编号", "类型", "名称", "预算单位", "主管部门", "年度", "状态", "版本", "行数")


def _list(uow: UnitOfWork, f: tables.TableFilter) -> list[list[str | int]]:
    summaries, _ = tables.list_tables(uow, replace(f, limit=10_000_000, offset=0))
    return [
        [
            t.id,
            t.kind_label,
            t.name,
            t.unit,
            t.department or "",
            t.fiscal_year or "",
            t.status_label,
            t.version,
            t.rows,
        ]
        for t in summaries
    ]


def version_document(
    uow: UnitOfWork, table_id: int, number: int, actor: Actor | None = None
) -> Document:
    """An approved version of a table (as kept when it was approved) as a document."""
    v = tables.get_version(uow, table_id, number, actor)
    table = table_of(v.snapshot)
    if isinstance(table, OverallTargets):
        return Document(table.fiscal_year, overall_targets=(table,))
    return Document(table.fiscal_year, projects=(table,))


_HISTORY_HEADER = ("序号", "时间", "操作人", "操作", "对象", "对象编号", "修改前", "修改后")


def history_file(
    uow: UnitOfWork, table_id: int, fmt: str, actor: Actor | None = None
) -> ExportFile:
    """A table's audit trail (every attributed change, newest first) as CSV or XLSX; the
    before and after states as JSON text."""
    rows: list[list[str | int]] = [
        [
            e.seq,
            tables.local_time(e.at),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
        ]
        for e in tables.history(uow, table_id, actor)
    ]
    return rows_file(f"绩效目标表{table_id}修改记录", _HISTORY_HEADER, rows, fmt)


_SHEET_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


def rows_file(
    title: str, header: Sequence[str], rows: Sequence[Sequence[object]], fmt: str
) -> ExportFile:
    """Rows under a header as a CSV file or a one-sheet workbook named ``title``."""
    if fmt == "csv":
        return ExportFile(file_name(title, "csv"), csv_table(header, rows), MEDIA_TYPES["csv"])
    if fmt == "xlsx":
        from openpyxl import Workbook

        # write-only: rows go out as they come (a year of a province's findings is nearly
        # 200,000 rows); a sheet's name has at most 31 characters and none of \ * ? : / [ ]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_SHEET_FORBIDDEN.sub("_", title)[:31])
        ws.append(write_only_row(ws, header))
        for row in rows:
            ws.append(write_only_row(ws, row))
        buffer = io.BytesIO()
        wb.save(buffer)
        return ExportFile(file_name(title, "xlsx"), buffer.getvalue(), MEDIA_TYPES["xlsx"])
    raise Invalid("清单只有 csv 和 xlsx 两种格式", "format")


def list_file(uow: UnitOfWork, f: tables.TableFilter, fmt: str) -> ExportFile:
    """The tables a list shows (every page), one row each, as CSV or XLSX."""
    return rows_file("绩效目标表清单", _LIST_HEADER, _list(uow, f), fmt)


_UNIT_YEARS_HEADER = ("预算单位", "主管部门", "年度", "项目支出绩效目标表", "部门整体绩效目标表")


def unit_years_file(uow: UnitOfWork, fmt: str, actor: Actor | None = None) -> ExportFile:
    """The 绩效监控与自评 index (each unit and year with its tables) as CSV or XLSX."""
    rows = [
        [u.unit, u.department or "", u.fiscal_year or "", u.projects, "有" if u.overall else "无"]
        for u in tables.unit_years(uow, actor)
    ]
    return rows_file("绩效监控与自评单位清单", _UNIT_YEARS_HEADER, rows, fmt)


def workbook_as(data: bytes, fmt: str, *, title: str) -> ExportFile:
    """A workbook jixiao wrote (a self-evaluation, a monitoring table) as xlsx, pdf or
    html: the same form."""
    if fmt == "xlsx":
        out = data
    elif fmt == "pdf":
        out = workbook_pdf(data)
    elif fmt == "html":
        out = workbook_html(data, title=title).encode("utf-8")
    else:
        raise Invalid(f"表格只能导出为 {'、'.join(LAYOUTS)}", "format")
    return ExportFile(file_name(title, fmt), out, MEDIA_TYPES[fmt])


def render(
    doc: Document, fmt: str, *, title: str, fonts: tuple[Path, Path] | None = None
) -> ExportFile:
    """``doc`` as one file of ``fmt`` (CSV: the indicators, else the goals); ``fonts``
    for PDF (default: the installed ones)."""
    if fmt not in FORMATS:
        raise Invalid(f"不支持的导出格式“{fmt}”，可选：{'、'.join(FORMATS)}", "format")
    if fmt == "json":
        data = (dumps(doc) + "\n").encode("utf-8")
    elif fmt == "csv":
        files = csv_files(doc)
        return replace(files[0], name=file_name(title, "csv"))
    elif fmt == "datapackage":
        data = datapackage(doc, title=title)
    else:
        workbook = targets_workbook(doc.overall_targets, doc.projects)
        if fmt == "xlsx":
            data = workbook
        elif fmt == "pdf":
            data = workbook_pdf(workbook, fonts=fonts)
        else:
            data = workbook_html(workbook, title=title).encode("utf-8")
    return ExportFile(file_name(title, fmt), data, MEDIA_TYPES[fmt])


def csv_files(doc: Document) -> list[ExportFile]:
    """The flat tables: indicators (always), goals and results (when there are any)."""
    media = MEDIA_TYPES["csv"]
    out = [ExportFile("indicators.csv", csv_bytes(INDICATOR_FIELDS, indicator_rows(doc)), media)]
    goals = goal_rows(doc)
    if goals or not doc.projects:
        out.append(ExportFile("goals.csv", csv_bytes(GOAL_FIELDS, goals), media))
        if not doc.projects:
            out.reverse()  # a document of overall tables: the goals first
    results = result_rows(doc)
    if results:
        out.append(ExportFile("results.csv", csv_bytes(RESULT_FIELDS, results), media))
    return out


def year_archive(
    uow: UnitOfWork,
    year: int,
    fmt: str = "pdf",
    *,
    department: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExportFile:
    """A whole year's disclosure: per unit one ``fmt`` file (``部门/单位2023年度绩效目标表``)
    and the open data of all of it.  ``progress(unit, done, total)`` after each unit."""
    if fmt not in LAYOUTS:
        raise Invalid(f"年度打包只支持 {'、'.join(LAYOUTS)} 格式", "format")
    doc = document(uow, tables.TableFilter(year=year, department=department))
    # A unit's tables together, under the department any of them names.
    units: dict[str, list[int]] = {}
    departments: dict[str, str] = {}
    for k, o in enumerate(doc.overall_targets):
        units.setdefault(o.unit, []).append(k)
        departments.setdefault(o.unit, o.department or "")
    for k, p in enumerate(doc.projects):
        units.setdefault(p.unit or "", []).append(-1 - k)
        if not departments.get(p.unit or ""):
            departments[p.unit or ""] = p.department or ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        # One font subset for the whole year (not the whole font parsed per unit), kept
        # for the process (the year's later downloads need no cut of their own).
        fonts = (
            fonts_for(dumps(doc) + LAYOUT_TEXT + FOOTER_TEXT) if fmt == "pdf" and units else None
        )
        for done, (unit, keys) in enumerate(units.items(), 1):
            dept = departments.get(unit, "")
            part = replace(
                doc,
                overall_targets=tuple(doc.overall_targets[k] for k in keys if k >= 0),
                projects=tuple(doc.projects[-1 - k] for k in keys if k < 0),
                actuals=(),
            )
            title = f"{unit or '未注明单位'}{year}年度绩效目标表"
            folder = _safe(dept or "未注明主管部门")
            found = render(part, fmt, title=title, fonts=fonts)
            z.writestr(f"{folder}/{file_name(title, fmt)}", found.data)
            if progress is not None:
                progress(unit, done, len(units))
        z.writestr(f"{year}.json", render(doc, "json", title=str(year)).data)
        for f in csv_files(doc):
            z.writestr(f.name, f.data)
        z.writestr("datapackage.zip", datapackage(doc, title=f"{year}年度预算绩效目标"))
    name = file_name(f"{department or ''}{year}年度绩效目标表", "zip")
    return ExportFile(name, buffer.getvalue(), MEDIA_TYPES["zip"])
