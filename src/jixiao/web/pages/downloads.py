"""Downloads: every table, unit and list as the official forms and as open data.

* ``/tables/{id}/export.{fmt}``: one table; ``html`` is the print-ready page (open it and
  print: A4 landscape, the header row repeated on every page), the others are files;
* ``/units/{unit}/export.{fmt}?year=``: a unit's disclosure of a year, all its tables in
  one PDF / one workbook (a sheet per table) / one page;
* ``/export.{fmt}?…``: the tables a list shows, with the list's filters; ``/list.csv`` and
  ``/list.xlsx``: the list itself, a row per table.

``fmt`` is one of ``services.exports.FORMATS``.  Reading only; any signed-in user.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from jixiao.services import NotFound, actuals, exports, tables
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import PageRoute
from jixiao.web.pages.tables import list_filter, read_table

ListFilter = Annotated[tables.TableFilter, Depends(list_filter)]

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_PRINT_BAR = (
    '<p class="jx-noprint" style="font-family:sans-serif;margin:0 0 1em">'
    '<button type="button" onclick="window.print()">打印</button> '
    '<a href="{back}">返回</a></p>'
)


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise NotFound(f"没有“{fmt}”格式的导出，可选：{'、'.join(exports.FORMATS)}")
    return fmt


def _with_print_bar(found: exports.ExportFile, back: str) -> exports.ExportFile:
    """The print page gets a 打印 button and a way back (neither is printed)."""
    if not found.media_type.startswith("text/html"):
        return found
    html = found.data.decode("utf-8").replace("<body>", "<body>" + _PRINT_BAR.format(back=back), 1)
    return exports.ExportFile(found.name, html.encode("utf-8"), found.media_type)


@router.get("/tables/{table_id}/export.{fmt}")
def table_export(
    request: Request, table_id: int, fmt: str, actor: OptionalActor, svc: Svc
) -> Response:
    """A table in one of the export formats."""
    if actor is None:
        return kit.login_redirect(request)
    detail = read_table(svc, actor, table_id)  # the actor may see it
    doc = exports.table_document(svc.uow(), table_id, actor)
    year = f"{detail.fiscal_year}年度" if detail.fiscal_year else ""
    found = exports.render(doc, _format(fmt), title=f"{detail.name}{year}绩效目标表")
    return kit.file_response(_with_print_bar(found, f"/tables/{table_id}"))


@router.get("/units/{unit}/export.{fmt}")
def unit_export(
    request: Request, unit: str, fmt: str, actor: OptionalActor, svc: Svc, year: str | None = None
) -> Response:
    """A unit's tables of a year in one export format."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.required_year(year)
    doc = exports.document(svc.uow(), tables.TableFilter(year=fiscal_year, unit=unit, reader=actor))
    if not doc.projects and not doc.overall_targets:
        raise NotFound(f"单位“{unit}”没有 {fiscal_year} 年度的绩效目标表")
    found = exports.render(doc, _format(fmt), title=f"{unit}{fiscal_year}年度绩效目标表")
    return kit.file_response(
        _with_print_bar(found, f"/units/{quote(unit)}/performance?year={fiscal_year}")
    )


@router.get("/export.{fmt}")
def list_export(
    request: Request, fmt: str, actor: OptionalActor, svc: Svc, f: ListFilter
) -> Response:
    """The filtered list's tables in one export format."""
    if actor is None:
        return kit.login_redirect(request)
    doc = exports.document(svc.uow(), replace(f, reader=actor))
    if not doc.projects and not doc.overall_targets:
        raise NotFound("没有符合筛选条件的绩效目标表")
    found = exports.render(doc, _format(fmt), title=_filter_title(f))
    return kit.file_response(_with_print_bar(found, "/"))


def _filter_title(f: tables.TableFilter) -> str:
    """The title of a filtered download: a department's (or unit's) disclosure of a year
    names them (无锡市人大常委会2023年度绩效目标表)."""
    who = f.unit or f.department or ""
    year = f"{f.year}年度" if f.year else ""
    return f"{who}{year}绩效目标表"


@router.get("/list.{fmt}")
def list_download(
    request: Request, fmt: str, actor: OptionalActor, svc: Svc, f: ListFilter
) -> Response:
    """The filtered list itself as CSV or XLSX."""
    if actor is None:
        return kit.login_redirect(request)
    if fmt not in ("csv", "xlsx"):
        raise NotFound("清单只有 csv 和 xlsx 两种格式")
    return kit.file_response(exports.list_file(svc.uow(), replace(f, reader=actor), fmt))


@router.get("/performance.{fmt}")
def unit_years_download(request: Request, fmt: str, actor: OptionalActor, svc: Svc) -> Response:
    """The units' performance by year as CSV or XLSX."""
    if actor is None:
        return kit.login_redirect(request)
    if fmt not in ("csv", "xlsx"):
        raise NotFound("清单只有 csv 和 xlsx 两种格式")
    return kit.file_response(exports.unit_years_file(svc.uow(), fmt, actor))


@router.get("/tables/{table_id}/history.{fmt}")
def history_download(
    request: Request, table_id: int, fmt: str, actor: OptionalActor, svc: Svc
) -> Response:
    """The table's audit trail (修改记录) as CSV or XLSX."""
    if actor is None:
        return kit.login_redirect(request)
    if fmt not in ("csv", "xlsx"):
        raise NotFound("修改记录只有 csv 和 xlsx 两种格式")
    return kit.file_response(exports.history_file(svc.uow(), table_id, fmt, actor))


@router.get("/tables/{table_id}/versions/{number}/export.{fmt}")
def version_export(
    request: Request, table_id: int, number: int, fmt: str, actor: OptionalActor, svc: Svc
) -> Response:
    """An approved version (批复版本) in every format, as it was approved."""
    if actor is None:
        return kit.login_redirect(request)
    doc = exports.version_document(svc.uow(), table_id, number, actor)
    name = next(iter(doc.projects), None)
    title = f"{name.name if name else doc.overall_targets[0].unit}第{number}版（已批复）"
    found = exports.render(doc, _format(fmt), title=title)
    return kit.file_response(_with_print_bar(found, f"/tables/{table_id}/versions/{number}"))


@router.get("/units/{unit}/self-evaluation.{fmt}")
def unit_self_evaluation_form(
    request: Request, unit: str, fmt: str, actor: OptionalActor, svc: Svc, year: str | None = None
) -> Response:
    """The unit's 绩效自评表 printed (the XLSX is ``performance``'s own route)."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.required_year(year)
    data = actuals.self_evaluation_workbook(
        svc.uow(), unit, fiscal_year, scheme=request.app.state.scoring_scheme, actor=actor
    )
    return _form(unit, fiscal_year, "绩效自评表", data, fmt)


@router.get("/units/{unit}/monitoring.{fmt}")
def unit_monitoring_form(
    request: Request, unit: str, fmt: str, actor: OptionalActor, svc: Svc, year: str | None = None
) -> Response:
    """The unit's 绩效监控表 printed (the XLSX is ``performance``'s own route)."""
    if actor is None:
        return kit.login_redirect(request)
    fiscal_year = kit.required_year(year)
    data = actuals.monitoring_workbook(
        svc.uow(), unit, fiscal_year, request.app.state.monitoring_config, actor
    )
    return _form(unit, fiscal_year, "绩效监控表", data, fmt)


def _form(unit: str, fiscal_year: int, what: str, workbook: bytes, fmt: str) -> Response:
    """A unit's form (a workbook) printed as PDF or the print page."""
    if fmt not in ("pdf", "html"):
        raise NotFound(f"没有“{fmt}”格式的导出，可选：pdf、html")
    found = exports.workbook_as(workbook, fmt, title=f"{unit}{fiscal_year}年度{what}")
    return kit.file_response(
        _with_print_bar(found, f"/units/{quote(unit)}/performance?year={fiscal_year}")
    )
