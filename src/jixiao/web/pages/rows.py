"""Inline editing of a table's rows: indicators (project) and goals (overall)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from jixiao.domain.workflow import Action, Actor, TableRef
from jixiao.services import (
    Conflict,
    Invalid,
    NotFound,
    PermissionDenied,
    ServiceError,
    Services,
    access,
    tables,
)
from jixiao.services.views import GoalView, IndicatorView, TableDetail
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import Form, PageRoute
from jixiao.web.pages.tables import (
    GoalLine,
    IndicatorLine,
    RowForm,
    goal_lines,
    indicator_lines,
    read_table,
    table_response,
    targets_context,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# -- inline editing: indicators and goals -------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowKind:
    """What differs between editing indicators (project) and goals (overall)."""

    path: str  # "indicators" | "goals"
    noun: str  # 指标 | 目标
    edit_fields: tuple[str, ...]
    add_fields: tuple[str, ...]

    def rows(self, t: TableDetail) -> Sequence[IndicatorView | GoalView]:
        return t.indicators if self.path == "indicators" else t.goals

    def find(self, t: TableDetail, row_id: int) -> IndicatorView | GoalView:
        for row in self.rows(t):
            if row.id == row_id:
                return row
        raise NotFound(f"{self.noun} {row_id} 不存在（可能已被删除）")

    def line(self, t: TableDetail, row_id: int) -> IndicatorLine | GoalLine:
        lines: Sequence[IndicatorLine | GoalLine] = (
            indicator_lines(t.indicators) if self.path == "indicators" else goal_lines(t.goals)
        )
        for line in lines:
            row = line.ind if isinstance(line, IndicatorLine) else line.goal
            if row.id == row_id:
                return line
        raise NotFound(f"{self.noun} {row_id} 不存在（可能已被删除）")

    def values(self, row: IndicatorView | GoalView) -> dict[str, str]:
        """The row's stored values as the texts the inputs show."""
        if isinstance(row, IndicatorView):
            return {
                "level1": row.level1,
                "level2": row.level2,
                "name": row.name,
                "half_year": kit.value_input(row.half_year),
                "full_year": kit.value_input(row.full_year),
                "long_term": kit.value_input(row.long_term),
            }
        return {
            "seq": row.seq,
            "function": row.function,
            "work": row.work,
            "goal": row.goal,
            "target": kit.value_input(row.target),
        }

    def save(
        self,
        svc: Services,
        actor: Actor,
        table_id: int,
        fields: dict[str, str | None],
        row_id: int | None,
        lock: int | None,
    ) -> None:
        if self.path == "indicators":
            tables.save_indicator(
                svc.uow(), actor, table_id, fields, indicator_id=row_id, expected_lock=lock
            )
        else:
            tables.save_goal(svc.uow(), actor, table_id, fields, goal_id=row_id, expected_lock=lock)

    def delete(self, svc: Services, actor: Actor, table_id: int, row_id: int, lock: int) -> None:
        if self.path == "indicators":
            tables.delete_indicator(svc.uow(), actor, table_id, row_id, lock)
        else:
            tables.delete_goal(svc.uow(), actor, table_id, row_id, lock)


INDICATORS = RowKind(
    "indicators",
    "指标",
    edit_fields=("name", "half_year", "full_year", "long_term"),
    add_fields=("level1", "level2", "name", "half_year", "full_year", "long_term"),
)
GOALS = RowKind(
    "goals",
    "目标",
    edit_fields=("work", "goal", "target"),
    add_fields=("seq", "function", "work", "goal", "target"),
)


def _submitted(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The fields the form carried (a field absent from the form stays unchanged)."""
    return {n: kit.text(form, n) for n in names if n in form}


def _error_form(exc: ServiceError, typed: dict[str, str], known: Iterable[str]) -> RowForm:
    form = RowForm(values=typed)
    field_name = getattr(exc, "field", None)
    if field_name in set(known) and field_name in typed:
        form.errors[field_name] = exc.message
    else:
        form.message = exc.message
    return form


def _conflict_form(
    exc: Conflict, typed: dict[str, str], kind: RowKind, t: TableDetail, row_id: int
) -> RowForm:
    current = exc.current if isinstance(exc.current, dict) else {}
    form = RowForm(
        values=typed,
        conflict=exc.message,
        current={
            k: (kit.value_text(v) if isinstance(v, dict) or v is None else str(v))
            for k, v in current.items()
        },
    )
    # Conflict.current has no lock: read the row again, so that saving once more (after
    # looking at the stored values) deliberately replaces them.
    try:
        form.lock = kind.find(t, row_id).lock
    except NotFound:
        form.message = f"该{kind.noun}已被删除"
    return form


def _edit_response(
    request: Request,
    actor: Actor,
    t: TableDetail,
    kind: RowKind,
    row_id: int,
    form: RowForm,
    status_code: int,
) -> Response:
    """The edit row again (htmx) or the whole page with the row in edit mode."""
    if not kit.is_htmx(request):
        return table_response(request, actor, t, status_code, edit={row_id: form})
    context = targets_context(t)
    return kit.partial(
        request,
        f"row_{kind.path}_edit.html",
        actor,
        status_code,
        line=kind.line(t, row_id),
        form=form,
        **context,
    )


def _row_view(
    request: Request, rk: RowKind, table_id: int, row_id: int, actor: Actor | None, svc: Services
) -> Response:
    """One row as displayed (htmx: cancel an edit)."""
    if actor is None:
        return kit.login_redirect(request)
    if not kit.is_htmx(request):
        return kit.see_other(f"/tables/{table_id}#{rk.path}-{row_id}")
    t = read_table(svc, actor, table_id)
    return kit.partial(
        request, f"row_{rk.path}.html", actor, line=rk.line(t, row_id), **targets_context(t)
    )


def _row_edit(
    request: Request, rk: RowKind, table_id: int, row_id: int, actor: Actor | None, svc: Services
) -> Response:
    if actor is None:
        return kit.login_redirect(request)
    t = read_table(svc, actor, table_id)
    if Action.EDIT not in t.actions:
        decision = access.allowed(actor, Action.EDIT, TableRef(t.unit, t.department, t.status))
        raise PermissionDenied(decision.reason or "无权编辑此绩效目标表")
    row = rk.find(t, row_id)
    form = RowForm(values=rk.values(row), lock=row.lock)
    return _edit_response(request, actor, t, rk, row_id, form, 200)


def _row_save(
    request: Request,
    rk: RowKind,
    table_id: int,
    row_id: int,
    actor: Actor | None,
    svc: Services,
    form: FormData,
) -> Response:
    if actor is None:
        return kit.login_redirect(request)
    typed = _submitted(form, rk.edit_fields)
    lock = kit.number(kit.text(form, "lock"))
    try:
        rk.save(svc, actor, table_id, dict(typed), row_id, lock)
    except Conflict as exc:
        t = read_table(svc, actor, table_id)
        state = _conflict_form(exc, typed, rk, t, row_id)
        if state.lock is None:  # deleted meanwhile: nothing left to edit
            return _targets_response(request, actor, t, 409, section_error=state.message)
        return _edit_response(request, actor, t, rk, row_id, state, 409)
    except Invalid as exc:
        t = read_table(svc, actor, table_id)
        state = _error_form(exc, typed, rk.edit_fields)
        state.lock = lock
        return _edit_response(request, actor, t, rk, row_id, state, exc.status)
    except NotFound as exc:
        t = read_table(svc, actor, table_id)  # NotFound again if the table itself is gone
        message = f"{exc.message}，您的修改未保存"
        return _targets_response(request, actor, t, 409, section_error=message)
    t = read_table(svc, actor, table_id)
    if not kit.is_htmx(request):
        kit.flash(request, f"{rk.noun}已保存")
        return kit.see_other(f"/tables/{table_id}#{rk.path}-{row_id}")
    return kit.partial(
        request,
        f"row_{rk.path}.html",
        actor,
        flash=f"{rk.noun}已保存",
        line=rk.line(t, row_id),
        **targets_context(t),
    )


def _targets_response(
    request: Request,
    actor: Actor,
    t: TableDetail,
    status_code: int = 200,
    flash: str | None = None,
    **extra: Any,
) -> Response:
    """The indicator (or goal) table with its add form: htmx section, else the page."""
    if not kit.is_htmx(request):
        if status_code < 400:
            if flash:
                kit.flash(request, flash)
            return kit.see_other(f"/tables/{t.id}#targets")
        return table_response(request, actor, t, status_code, **extra)
    response = kit.partial(
        request, "_targets.html", actor, status_code, flash=flash, **targets_context(t, **extra)
    )
    # Also when the request came from a row (its row was deleted meanwhile).
    response.headers.update({"HX-Retarget": "#targets", "HX-Reswap": "outerHTML"})
    return response


def _row_add(
    request: Request, rk: RowKind, table_id: int, actor: Actor | None, svc: Services, form: FormData
) -> Response:
    if actor is None:
        return kit.login_redirect(request)
    typed = _submitted(form, rk.add_fields)
    try:
        rk.save(svc, actor, table_id, dict(typed), None, None)
    except Invalid as exc:
        t = read_table(svc, actor, table_id)
        state = _error_form(exc, typed, rk.add_fields)
        return _targets_response(request, actor, t, exc.status, add=state)
    t = read_table(svc, actor, table_id)
    return _targets_response(request, actor, t, flash=f"已新增{rk.noun}")


def _row_delete(
    request: Request,
    rk: RowKind,
    table_id: int,
    row_id: int,
    actor: Actor | None,
    svc: Services,
    form: FormData,
) -> Response:
    if actor is None:
        return kit.login_redirect(request)
    lock = kit.number(kit.text(form, "lock"))
    try:
        if lock is None:
            raise Invalid(f"删除{rk.noun}需要提供版本号（lock）", "lock")
        rk.delete(svc, actor, table_id, row_id, lock)
    except (Conflict, Invalid, NotFound) as exc:
        t = read_table(svc, actor, table_id)
        message = exc.message
        if isinstance(exc, Conflict):
            message = message.replace("您的修改未保存", "未删除")
        status = 422 if isinstance(exc, Invalid) else 409
        return _targets_response(request, actor, t, status, section_error=message)
    t = read_table(svc, actor, table_id)
    return _targets_response(request, actor, t, flash=f"已删除{rk.noun}")


def _register_row_routes(rk: RowKind) -> None:
    """GET/POST routes of one row kind: /tables/{id}/indicators/… or /tables/{id}/goals/…"""
    base = f"/tables/{{table_id}}/{rk.path}"

    def view(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc
    ) -> Response:
        return _row_view(request, rk, table_id, row_id, actor, svc)

    def edit(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc
    ) -> Response:
        return _row_edit(request, rk, table_id, row_id, actor, svc)

    def save(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_save(request, rk, table_id, row_id, actor, svc, form)

    def add(
        request: Request, table_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_add(request, rk, table_id, actor, svc, form)

    def delete(
        request: Request, table_id: int, row_id: int, actor: OptionalActor, svc: Svc, form: Form
    ) -> Response:
        return _row_delete(request, rk, table_id, row_id, actor, svc, form)

    router.add_api_route(base, add, methods=["POST"], name=f"{rk.path}_add")
    router.add_api_route(base + "/{row_id}", view, methods=["GET"], name=f"{rk.path}_view")
    router.add_api_route(base + "/{row_id}", save, methods=["POST"], name=f"{rk.path}_save")
    router.add_api_route(base + "/{row_id}/edit", edit, methods=["GET"], name=f"{rk.path}_edit")
    router.add_api_route(
        base + "/{row_id}/delete", delete, methods=["POST"], name=f"{rk.path}_delete"
    )


for _kind in (INDICATORS, GOALS):
    _register_row_routes(_kind)
