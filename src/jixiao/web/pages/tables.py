"""The list of tables and a table's page (the official layout)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jixiao.domain.taxonomy import taxonomy_for_year
from jixiao.domain.workflow import Action, Actor, Status, TableRef
from jixiao.services import Services, access, inquiries, reads, tables
from jixiao.services.tables import TableFilter
from jixiao.services.views import GoalView, IndicatorView, TableDetail
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


PAGE_SIZE = 50

# -- the list of tables -------------------------------------------------------------------

KIND_LABELS = {"project": "项目", "overall": "部门整体"}


def list_filter(
    q: str | None = None,
    year: str | None = None,
    department: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> TableFilter:
    """The list's filters from its query (unknown statuses and kinds ignored): the list
    page and its downloads (a FastAPI dependency there) read them alike."""
    status_value = status if status in {s.value for s in Status} else None
    return TableFilter(
        year=kit.number(year),
        department=department or None,
        unit=unit or None,
        status=Status(status_value) if status_value else None,
        kind=kind if kind in KIND_LABELS else None,
        q=(q or "").strip() or None,
    )


@router.get("/")
def table_list(
    request: Request,
    actor: OptionalActor,
    svc: Svc,
    q: str | None = None,
    year: str | None = None,
    department: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    page: str | None = None,
) -> Response:
    """The list of tables, filtered and paged (htmx: the results only)."""
    if actor is None:
        return kit.login_redirect(request)
    page_no = max(kit.number(page) or 1, 1)
    f = list_filter(q, year, department, unit, status, kind)
    filters = {
        "q": f.q or "",
        "year": str(f.year or ""),
        "department": f.department or "",
        "unit": f.unit or "",
        "status": f.status.value if f.status else "",
        "kind": f.kind or "",
    }
    summaries, total = tables.list_tables(
        svc.uow(), replace(f, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, reader=actor)
    )
    active = {k: v for k, v in filters.items() if v}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    context: dict[str, Any] = {
        "rows": summaries,
        "total": total,
        "filters": filters,
        "page_no": page_no,
        "pages": pages,
        "prev_url": "/?" + urlencode({**active, "page": page_no - 1}) if page_no > 1 else None,
        "next_url": "/?" + urlencode({**active, "page": page_no + 1}) if page_no < pages else None,
        "kind_labels": KIND_LABELS,
    }
    response: Response
    if kit.is_htmx(request) and request.headers.get("hx-target") == "results":
        response = kit.partial(request, "_results.html", actor, **context)
    else:
        options = tables.filter_options(svc.uow())
        response = kit.page(request, "list.html", actor, options=options, **context)
    # The same URL answers a fragment to htmx and a page otherwise: keep caches apart.
    response.headers["Vary"] = "HX-Request, HX-Target"
    return response


# -- the official layout ------------------------------------------------------------------


def _runs(keys: Sequence[object]) -> list[int]:
    """Row spans of merged cells: the length of each run of equal keys at its first row."""
    spans = [0] * len(keys)
    start = 0
    for k in range(1, len(keys) + 1):
        if k == len(keys) or keys[k] != keys[start]:
            spans[start] = k - start
            start = k
    return spans


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    """An indicator with its merged cells: span 0 means covered by the cell above."""

    ind: IndicatorView
    l1_span: int
    l2_span: int
    l1_label: str
    l2_label: str


@dataclass(frozen=True, slots=True)
class GoalLine:
    goal: GoalView
    span: int  # of 序号 and 职能


def indicator_lines(indicators: Sequence[IndicatorView]) -> list[IndicatorLine]:
    l1 = _runs([i.level1 for i in indicators])
    l2 = _runs([(i.level1, i.level2) for i in indicators])
    return [
        IndicatorLine(i, s1, s2, i.level1_label or i.level1, i.level2_label or i.level2)
        for i, s1, s2 in zip(indicators, l1, l2, strict=True)
    ]


def goal_lines(goals: Sequence[GoalView]) -> list[GoalLine]:
    spans = _runs([(g.seq, g.function) for g in goals])
    return [GoalLine(g, s) for g, s in zip(goals, spans, strict=True)]


@dataclass
class RowForm:
    """An edit or add form's state: what the user typed, and what went wrong."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None  # an error that belongs to no field
    conflict: str | None = None  # set when the row changed under the user
    current: dict[str, str] | None = None  # the stored values, on conflict
    lock: int | None = None


def layout(t: TableDetail) -> dict[str, Any]:
    """What the official-layout templates need of a table."""
    return {
        "t": t,
        "lines": indicator_lines(t.indicators),
        "goal_lines": goal_lines(t.goals),
        "show_long": any(i.long_term is not None for i in t.indicators),
        "has_funds": t.funds is not None,
        "editable": Action.EDIT in t.actions,
        "duties": t.actions - {Action.COMMENT},
    }


def targets_context(t: TableDetail, **extra: Any) -> dict[str, Any]:
    taxonomy = taxonomy_for_year(t.fiscal_year)
    levels = [(l1, taxonomy.level2_of(l1)) for l1 in taxonomy.level1]
    functions = list(dict.fromkeys((g.seq, g.function) for g in t.goals))
    context = {**layout(t), "levels": levels, "functions": functions, "edit": {}}
    context.update(add=RowForm(), section_error=None)
    context.update(extra)
    return context


def read_table(svc: Services, actor: Actor, table_id: int) -> TableDetail:
    return tables.get_table(svc.uow(), table_id, actor)


def table_response(
    request: Request,
    actor: Actor,
    t: TableDetail,
    status_code: int = 200,
    forms: dict[str, RowForm] | None = None,
    **extra: Any,
) -> HTMLResponse:
    return kit.page(
        request,
        "table.html",
        actor,
        status_code,
        forms=forms or {},
        **targets_context(t, **extra),
    )


@router.get("/tables/{table_id}")
def table_page(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """A table; ``?accept=N…`` drafts a review opinion from those findings."""
    if actor is None:
        return kit.login_redirect(request)
    page = reads.table_page(
        svc.uow(),
        actor,
        table_id,
        review_config=request.app.state.review_config,
        scheme=request.app.state.scoring_scheme,
        monitoring=request.app.state.monitoring_config,
    )
    detail, findings = page.detail, page.review
    forms: dict[str, RowForm] = {}
    accepted = [int(x) for x in request.query_params.getlist("accept") if x.isdigit()]
    if accepted and Action.REVIEW in detail.actions:
        chosen = [f for k, f in enumerate(findings.findings) if k in accepted]
        draft = replace(findings, findings=tuple(chosen)).opinion()
        forms["review"] = RowForm(values={"opinion": draft, "grade": findings.grade.value})
    return table_response(
        request,
        actor,
        detail,
        forms=forms,
        findings=findings,
        performance=page.evaluation,
        monitor=page.monitor,
        **inquiry_fields(actor, page.ref, page.inquiries, table_id, request.url.path),
    )


def inquiry_context(
    svc: Services,
    actor: Actor,
    table_id: int,
    here: str,
    position: int | None = None,
) -> dict[str, Any]:
    """What ``_inquiries.html`` needs: the table's threads (those of one row when
    ``position`` is given) and whether the actor may ask, answer, follow up or close."""
    table = tables.require_read(svc.uow(), actor, table_id)
    threads = inquiries.for_table(svc.uow(), table_id, actor)
    return inquiry_fields(actor, table, threads, table_id, here, position)


def inquiry_fields(
    actor: Actor,
    table: TableRef,
    threads: list[inquiries.Inquiry],
    table_id: int,
    here: str,
    position: int | None = None,
) -> dict[str, Any]:
    """:func:`inquiry_context` from the table and threads already read."""
    if position is not None:
        threads = [q for q in threads if q.position == position]
    return {
        "threads": threads,
        "table_id": table_id,
        "position": position,
        "here": here,
        "may_ask": access.may(actor, access.Read.ASK, table),
        "may_answer": access.may(actor, access.Read.ANSWER, table),
        "follow_ids": {q.id for q in threads if inquiries.may_follow_up(actor, table, q)},
    }
