"""The oversight dashboard (人大 / 财政 / 审计): a year across every unit, with charts,
drill-down from the region to a department, a unit, a project and an indicator with its
source, rankings, early warnings and the year-over-year comparison; each view as CSV/XLSX.

Thin: the figures come from :mod:`jixiao.services.oversight` (counted in the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from jixiao.domain.monitoring import FINDING_CODES, LIGHT_LABELS, Light
from jixiao.domain.oversight import SIZE_CLASSES, WARNINGS
from jixiao.domain.review import RULES
from jixiao.domain.workflow import STATUS_LABELS, Actor, Status
from jixiao.services import NotFound, access, exports, oversight, tables
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import PageRoute
from jixiao.web.pages.tables import inquiry_context

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_PAGE = 50


def _code_label(code: str) -> str:
    if code in WARNINGS:
        return WARNINGS[code].summary
    if code in FINDING_CODES:
        return FINDING_CODES[code]
    rule = RULES.get(code)
    return rule.summary if rule is not None else code


@dataclass(frozen=True, slots=True)
class _Query:
    """The filter as the query string gives it (every view reads the same five)."""

    year: str | None = None
    department: str | None = None
    unit: str | None = None
    size: str | None = None
    status: str | None = None


Query = Annotated[_Query, Depends()]


def _filter(
    actor: Actor, years: list[int], q: _Query, own_year: int | None = None
) -> oversight.Filter:
    """The view's filter: by default the latest year with tables the user may see
    (``own_year``, else the latest of all), held to what the user may read
    (:func:`oversight.scoped`: a 主管部门 its own units, 人大 and 审计 approved tables)."""
    department, unit, status = q.department, q.unit, q.status
    chosen = kit.number(q.year)
    if chosen is None:
        if not years:
            raise NotFound("还没有可供监督的绩效目标表")
        chosen = own_year if own_year in years else years[0]
    size_value = kit.number(q.size)
    if size_value is not None and not 0 <= size_value < len(SIZE_CLASSES):
        size_value = None
    chosen_filter = oversight.Filter(
        year=chosen,
        department=department or None,
        unit=unit or None,
        size=size_value,
        status=status if status in {s.value for s in Status} else None,
    )
    return oversight.scoped(chosen_filter, actor)


def _reader(request: Request, actor: Actor | None) -> Actor | Response:
    if actor is None:
        return kit.login_redirect(request)
    if access.is_unit_user(actor):
        return kit.see_other("/performance")  # a unit looks at its own page
    access.require(actor, access.Read.OVERSIGHT)
    return actor


def _url(path: str, f: oversight.Filter, **extra: object) -> str:
    query = {**f.query(), **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
    return f"{path}?{urlencode(query)}" if query else path


def _context(svc: Svc, actor: Actor, f: oversight.Filter) -> dict[str, Any]:
    return {
        "f": f,
        "years": oversight.years(svc.uow()),
        "departments": oversight.departments(svc.uow()),
        "sizes": [label for label, _ in SIZE_CLASSES],
        "statuses": [
            (s.value, STATUS_LABELS[s])
            for s in Status
            if f.statuses is None or s.value in f.statuses
        ],
        "url": _url,
        "code_label": _code_label,
        "light_labels": {light.value: LIGHT_LABELS[light] for light in Light},
        "orders": oversight.ORDERS,
        "locked_department": access.fixed_department(actor) is not None,
        "region": oversight.Filter(year=f.year),
        "department_view": oversight.Filter(year=f.year, department=f.department),
    }


@router.get("/oversight")
def dashboard(
    request: Request,
    actor: OptionalActor,
    svc: Svc,
    q: Query,
) -> Response:
    """监督: the dashboard of a year, filtered by department, unit, size."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    f = _filter(reader, oversight.years(svc.uow()), q, tables.latest_year(svc.uow(), reader))
    uow = svc.uow
    view = oversight.overview(uow(), f)
    level = "unit" if f.unit else "department" if f.department else "region"
    groups = [] if f.unit else oversight.groups(uow(), f, "unit" if f.department else "department")
    listed, listed_total = (
        oversight.projects(uow(), f, order="id", limit=_PAGE) if f.unit else ([], 0)
    )
    rankings = {
        key: oversight.projects(uow(), f, order=key, limit=5)[0]
        for key in ("lagging", "red", "findings", "low-score")
    }
    codes = oversight.findings_by_code(uow(), f)
    warnings, warnings_total = oversight.findings(uow(), f, source="warning", limit=20)
    compared, compared_total = oversight.year_over_year(uow(), f, limit=10)
    charts = {
        "review": [[g, view.review_grades.get(g, 0)] for g in ("优", "良", "中", "差")],
        "grades": [[g, view.grades.get(g, 0)] for g in ("优", "良", "中", "差")],
        "lights": [
            [LIGHT_LABELS[light], view.execution_lights.get(light.value, 0), light.value]
            for light in Light
        ],
        "scores": [[f"{b}–{b + 10 if b < 90 else 100}", n] for b, n in view.scores],
        "codes": [
            [c.code, _code_label(c.code), c.count]
            for c in sorted((c for c in codes if c.source != "warning"), key=lambda c: -c.count)[
                :12
            ]
        ],
        "warnings": [
            [c.code, _code_label(c.code), c.count] for c in codes if c.source == "warning"
        ],
        "groups": [
            [
                g.key,
                round(g.totals.half_rate, 2) if g.totals.half_rate is not None else None,
                g.totals.mean_score,
            ]
            for g in groups[:40]
        ],
    }
    return kit.page(
        request,
        "oversight.html",
        reader,
        nav="oversight",
        **_context(svc, reader, f),
        level=level,
        view=view,
        groups=groups,
        listed=listed,
        listed_total=listed_total,
        rankings=rankings,
        codes=codes,
        warnings=warnings,
        warnings_total=warnings_total,
        compared=compared,
        compared_total=compared_total,
        charts=charts,
    )


@router.get("/oversight/projects")
def project_list(
    request: Request,
    actor: OptionalActor,
    svc: Svc,
    q: Query,
    order: str = "id",
    page: int = 1,
) -> Response:
    """The projects of the filter, with their lights and findings."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    f = _filter(reader, oversight.years(svc.uow()), q, tables.latest_year(svc.uow(), reader))
    page = max(page, 1)
    rows, total = oversight.projects(
        svc.uow(), f, order=order, limit=_PAGE, offset=(page - 1) * _PAGE
    )
    return kit.page(
        request,
        "oversight_projects.html",
        reader,
        nav="oversight",
        **_context(svc, reader, f),
        rows=rows,
        total=total,
        order=order,
        page_no=page,
        pages=max(1, -(-total // _PAGE)),
    )


@router.get("/oversight/findings")
def finding_list(
    request: Request,
    actor: OptionalActor,
    svc: Svc,
    q: Query,
    code: str | None = None,
    source: str | None = None,
    page: int = 1,
) -> Response:
    """The findings and warnings of the filter, by code."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    f = _filter(reader, oversight.years(svc.uow()), q, tables.latest_year(svc.uow(), reader))
    page = max(page, 1)
    source = source if source in ("review", "monitor", "warning") else None
    rows, total = oversight.findings(
        svc.uow(), f, code=code or None, source=source, limit=_PAGE, offset=(page - 1) * _PAGE
    )
    return kit.page(
        request,
        "oversight_findings.html",
        reader,
        nav="oversight",
        **_context(svc, reader, f),
        rows=rows,
        total=total,
        code=code or "",
        source=source or "",
        page_no=page,
        pages=max(1, -(-total // _PAGE)),
    )


def _one_table(
    request: Request,
    svc: Svc,
    reader: Actor,
    detail: oversight.TableDetail | oversight.IndicatorDetail,
    template: str,
    position: int | None = None,
) -> Response:
    """A project's or an indicator's page: the drill-down path above it, its inquiries."""
    f = oversight.Filter(
        year=detail.fiscal_year or 0, department=detail.department, unit=detail.unit
    )
    return kit.page(
        request,
        template,
        reader,
        nav="oversight",
        d=detail,
        f=f,
        region=oversight.Filter(year=f.year),
        department_view=oversight.Filter(year=f.year, department=f.department),
        url=_url,
        code_label=_code_label,
        light_labels={light.value: LIGHT_LABELS[light] for light in Light},
        **inquiry_context(
            svc,
            reader,
            detail.table_id,
            request.url.path,
            position=position,
        ),
    )


# (declared before the pages: "/oversight/tables/{table_id}" would take "7.csv" as an id)
@router.get("/oversight/tables/{table_id}.{fmt}")
def table_download(
    request: Request, table_id: int, fmt: str, actor: OptionalActor, svc: Svc
) -> Response:
    """A project's oversight page as a file (one row per indicator)."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    _format(fmt)
    d = oversight.table_detail(svc.uow(), table_id, reader)
    overall = d.kind == "overall"
    header = (
        "行号",
        "部门职能" if overall else "一级指标",
        "年度目标" if overall else "二级指标",
        "工作任务" if overall else "三级指标",
        "指标值",
        "问题数",
        "预警数",
        "问题与预警",
    )

    def listed(position: int | None) -> str:
        return "\n".join(
            f"{w.code} {_code_label(w.code)}：{w.message}"
            for w in d.findings
            if w.position == position
        )

    rows: list[list[object]] = []
    whole = [w for w in d.findings if w.position is None]
    if whole:
        rows.append(
            [
                "",
                "",
                "",
                "（整张表）",
                "",
                sum(1 for w in whole if w.source != "warning"),
                sum(1 for w in whole if w.source == "warning"),
                listed(None),
            ]
        )
    rows += [
        [
            r.position + 1,
            r.level1,
            r.level2,
            r.name,
            r.target or "",
            r.findings,
            r.warnings,
            listed(r.position),
        ]
        for r in d.rows
    ]
    title = f"{d.unit}{d.fiscal_year or ''}年度{d.name}问题与预警"
    return kit.file_response(exports.rows_file(title, header, rows, fmt))


@router.get("/oversight/tables/{table_id}/rows/{position}.{fmt}")
def indicator_download(
    request: Request, table_id: int, position: int, fmt: str, actor: OptionalActor, svc: Svc
) -> Response:
    """An indicator's oversight page as a file."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    _format(fmt)
    d = oversight.indicator_detail(svc.uow(), table_id, position, svc.facts_settings(), reader)

    targets: list[list[object]] = [
        [f"{label}指标值", v.text, kit.origin(v.source)] for label, v in d.targets
    ]
    rows: list[list[object]] = [
        ["项目", d.table, ""],
        ["预算单位", d.unit, ""],
        ["主管部门", d.department or "", ""],
        ["年度", d.fiscal_year or "", ""],
        ["行号", d.position + 1, ""],
        ["一级指标", d.level1, ""],
        ["二级指标", d.level2, ""],
        ["指标", d.name, kit.origin(d.source)],
        ["导入文件", d.table_source or "", ""],
        *targets,
        ["上年实际完成值", d.last_year or "", ""],
    ]
    for r in d.reported:
        period = "运行监控" if r.period.value == "half_year" else "绩效自评"
        deviation = f"{r.category}：{r.deviation}" if r.category else r.deviation
        rows += [
            [f"{period}完成值", r.value or "", kit.origin(r.source)],
            [f"{period}全年预计", r.forecast or "", ""],
            [f"{period}完成可能性", r.likelihood or "", ""],
            [f"{period}偏差原因", deviation, ""],
            [f"{period}改进措施", r.measures, ""],
        ]
    if d.light:
        rows.append(["运行监控", d.light, d.light_basis])
    if d.score or d.score_rule:
        rows.append(["绩效自评得分", d.score or "", d.score_rule])
    rows += [[f"{w.code} {_code_label(w.code)}", w.message, ""] for w in d.findings]
    title = f"{d.table}第{d.position + 1}行{d.name}"
    return kit.file_response(exports.rows_file(title, ("项目", "内容", "依据或来源"), rows, fmt))


@router.get("/oversight/tables/{table_id}")
def table_page(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """A project as oversight reads it: findings, warnings, lights."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    detail = oversight.table_detail(svc.uow(), table_id, reader)
    return _one_table(request, svc, reader, detail, "oversight_table.html")


@router.get("/oversight/tables/{table_id}/rows/{position}")
def indicator_page(
    request: Request, table_id: int, position: int, actor: OptionalActor, svc: Svc
) -> Response:
    """One indicator as oversight reads it, with where each value came from."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    detail = oversight.indicator_detail(svc.uow(), table_id, position, svc.facts_settings(), reader)
    return _one_table(request, svc, reader, detail, "oversight_indicator.html", position)


# -- downloads: every view as CSV or XLSX ---------------------------------------------------

_TOTALS_HEADER = (
    "单位数",
    "项目数",
    "指标数",
    "资金总额（万元）",
    "已监控项目",
    "监控预算数（万元）",
    "监控执行数（万元）",
    "监控执行率",
    "红灯指标",
    "黄灯指标",
    "绿灯指标",
    "已自评项目",
    "全年预算数（万元）",
    "全年执行数（万元）",
    "全年执行率",
    "平均得分",
    "审核问题",
    "预警",
)


def _totals_row(t: oversight.Totals) -> list[object]:
    def pct(x: float | None) -> object:
        return round(x, 2) if x is not None else ""

    return [
        t.units,
        t.projects,
        t.indicators,
        round(t.funds, 2),
        t.monitored,
        round(t.half_budget, 2),
        round(t.half_executed, 2),
        pct(t.half_rate),
        t.red,
        t.yellow,
        t.green,
        t.evaluated,
        round(t.budget, 2),
        round(t.executed, 2),
        pct(t.execution_rate),
        "" if t.mean_score is None else t.mean_score,
        t.findings,
        t.warnings,
    ]


_PROJECT_HEADER = (
    "编号",
    "项目",
    "预算单位",
    "主管部门",
    "状态",
    "资金总额（万元）",
    "审核建议等级",
    "审核问题",
    "时间进度调整后执行率",
    "执行灯",
    "红灯指标",
    "黄灯指标",
    "全年执行率",
    "自评得分",
    "自评等级",
    "预警",
)


def _project_row(p: oversight.ProjectFacts) -> list[object]:
    return [
        p.table_id,
        p.name,
        p.unit,
        p.department or "",
        _STATUS.get(p.status, p.status),
        "" if p.funds is None else p.funds,
        p.review_grade,
        p.findings,
        "" if p.time_adjusted is None else round(p.time_adjusted, 2),
        LIGHT_LABELS[Light(p.execution_light)] if p.execution_light else "",
        p.red,
        p.yellow,
        "" if p.execution_rate is None else round(p.execution_rate, 2),
        "" if p.score is None else p.score,
        p.grade or "",
        p.warnings,
    ]


_ALL = 1_000_000


def _format(fmt: str) -> None:
    if fmt not in ("csv", "xlsx"):
        raise NotFound("监督视图只能下载 csv 或 xlsx")


_STATUS = {s.value: label for s, label in STATUS_LABELS.items()}


@router.get("/oversight/{view}.{fmt}")
def download(
    request: Request,
    view: str,
    fmt: str,
    actor: OptionalActor,
    svc: Svc,
    q: Query,
    order: str = "id",
    code: str | None = None,
    source: str | None = None,
) -> Response:
    """One of the dashboard's views as CSV or XLSX."""
    reader = _reader(request, actor)
    if isinstance(reader, Response):
        return reader
    _format(fmt)
    f = _filter(reader, oversight.years(svc.uow()), q, tables.latest_year(svc.uow(), reader))
    scope = f.unit or f.department or "全部单位"
    title = f"{scope}{f.year}年度"
    header: tuple[str, ...]
    rows: list[list[object]]
    if view in ("departments", "units"):
        by = "department" if view == "departments" else "unit"
        found = oversight.groups(svc.uow(), f, by)
        if by == "department":
            header = ("主管部门", *_TOTALS_HEADER)
            rows = [[g.key, *_totals_row(g.totals)] for g in found]
        else:
            header = ("预算单位", "主管部门", *_TOTALS_HEADER)
            rows = [[g.key, g.department or "", *_totals_row(g.totals)] for g in found]
        title += "分部门汇总" if by == "department" else "分单位汇总"
    elif view == "overview":
        header = _TOTALS_HEADER
        rows = [_totals_row(oversight.overview(svc.uow(), f).totals)]
        title += "总体情况"
    elif view == "projects":
        found_projects, _ = oversight.projects(svc.uow(), f, order=order, limit=_ALL)
        header = _PROJECT_HEADER
        rows = [_project_row(p) for p in found_projects]
        title += f"项目{oversight.ORDERS[order][0]}"
    elif view == "codes":
        header = ("代码", "说明", "来源", "问题数", "涉及表数")
        rows = [
            [c.code, _code_label(c.code), c.source, c.count, c.tables]
            for c in oversight.findings_by_code(svc.uow(), f)
        ]
        title += "问题分类统计"
    elif view in ("findings", "warnings"):
        kind = "warning" if view == "warnings" else (source or None)
        found_rows, _ = oversight.findings(svc.uow(), f, code=code or None, source=kind, limit=_ALL)
        header = ("编号", "项目", "预算单位", "代码", "说明", "指标", "原因")
        rows = [
            [
                r.table_id,
                r.project,
                r.unit,
                r.code,
                _code_label(r.code),
                r.indicator or "",
                r.message,
            ]
            for r in found_rows
        ]
        title += "预警清单" if view == "warnings" else "问题清单"
    elif view == "yoy":
        compared, _ = oversight.year_over_year(svc.uow(), f, limit=_ALL)
        header = (
            "预算单位",
            "主管部门",
            "项目数",
            "平均得分",
            "上年平均得分",
            "全年执行率",
            "上年全年执行率",
            "目标低于上年实际",
            "连续两年偏差",
        )
        rows = [
            [
                c.unit,
                c.department or "",
                c.projects,
                "" if c.score is None else c.score,
                "" if c.score_before is None else c.score_before,
                "" if c.execution_rate is None else c.execution_rate,
                "" if c.execution_before is None else c.execution_before,
                c.below_last_year,
                c.repeated,
            ]
            for c in compared
        ]
        title += "与上年比较"
    else:
        raise NotFound(f"没有“{view}”这个监督视图")
    return kit.file_response(exports.rows_file(title, header, rows, fmt))
