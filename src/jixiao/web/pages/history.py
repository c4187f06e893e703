"""A table's history in words, and its approved versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from jixiao.domain.messages import operator_name
from jixiao.domain.workflow import STATUS_LABELS, Status
from jixiao.services import access, actuals, tables, users
from jixiao.services.views import HistoryEntry
from jixiao.web import kit
from jixiao.web.deps import OptionalActor, Svc
from jixiao.web.kit import PageRoute
from jixiao.web.pages.tables import layout, read_table

router = APIRouter(route_class=PageRoute, include_in_schema=False)


# -- history and versions -----------------------------------------------------------------

HISTORY_ACTIONS = {
    "import": "导入",
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "submit": "提交",
    "review": "审核",
    "approve": "批复",
    "adjust": "调整",
    "comment": "发表意见",
    "record_approved": "登记批复",
    "actuals.save": "填报完成情况",
    "score.adjust": "人工评分",
}
INDICATOR_FIELDS = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("name", "三级指标"),
    ("half_year", "半年指标值"),
    ("full_year", "全年指标值"),
    ("long_term", "长期指标值"),
)
GOAL_FIELDS = (
    ("seq", "序号"),
    ("function", "职能"),
    ("work", "工作及项目名称"),
    ("goal", "年度目标"),
    ("target", "目标值"),
)
VALUE_FIELDS = {"half_year", "full_year", "long_term", "target"}


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str | None  # None: nothing before (a new row)
    after: str | None  # None: nothing after (a deleted row)


@dataclass(frozen=True, slots=True)
class HistoryLine:
    seq: int
    at: str
    actor: str
    action: str
    action_code: str
    subject: str
    changes: tuple[Change, ...] = ()
    note: str = ""


def _show(key: str, value: Any) -> str:
    if key in VALUE_FIELDS:
        return kit.value_text(value)
    if value is None or value == "":
        return "（空）"
    if key == "status":
        try:
            return STATUS_LABELS[Status(value)]
        except ValueError:
            return str(value)
    return str(value)


def _row_changes(
    fields: Sequence[tuple[str, str]], before: dict[str, Any], after: dict[str, Any]
) -> tuple[Change, ...]:
    changes = []
    for key, label in fields:
        old, new = before.get(key), after.get(key)
        if key in VALUE_FIELDS:
            if kit.value_text(old) != kit.value_text(new):
                changes.append(Change(label, _show(key, old), _show(key, new)))
        elif old != new:
            changes.append(Change(label, _show(key, old), _show(key, new)))
    return tuple(changes)


def _row_values(
    fields: Sequence[tuple[str, str]], data: dict[str, Any], *, new: bool
) -> tuple[Change, ...]:
    shown = [
        (label, _show(key, data.get(key)))
        for key, label in fields
        if data.get(key) not in (None, "")
    ]
    return tuple(
        Change(label, None, text) if new else Change(label, text, None) for label, text in shown
    )


def describe(entry: HistoryEntry, names: dict[str, str]) -> HistoryLine:
    """An audit entry in words: who did what, and what changed (before → after)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    who = operator_name(entry.actor, names)
    action = HISTORY_ACTIONS.get(entry.action, entry.action)
    base = HistoryLine(
        seq=entry.seq,
        at=kit.fmt_time(entry.at),
        actor=who,
        action=action,
        action_code=entry.action,
        subject="",
    )
    if entry.entity in ("indicator", "goal"):
        fields = INDICATOR_FIELDS if entry.entity == "indicator" else GOAL_FIELDS
        noun = "指标" if entry.entity == "indicator" else "目标"
        key = "name" if entry.entity == "indicator" else "work"
        title = after.get(key) or before.get(key) or entry.entity_id
        subject = f"{noun}“{title}”"
        if entry.action == "update":
            diff = _row_changes(fields, before, after)
            return replace(base, subject=subject, changes=diff, note="" if diff else "无实质变化")
        if entry.action == "create":
            return replace(base, subject=subject, changes=_row_values(fields, after, new=True))
        return replace(base, subject=subject, changes=_row_values(fields, before, new=False))
    if entry.entity == "comment":
        return replace(base, subject="意见", note=str(after.get("body", "")))
    if entry.entity == "actual_report":
        return replace(
            base,
            subject=actuals.PERIOD_LABELS.get(str(after.get("period")), "完成情况"),
            changes=_actuals_changes(before, after),
        )
    if entry.entity == "actual_item":
        subject = f"指标“{after.get('name') or before.get('name')}”"

        def points(d: dict[str, Any]) -> str:
            return "（无）" if d.get("score") is None else f"{d['score']:g} 分"

        return replace(
            base,
            subject=subject,
            changes=(Change("人工评分", points(before), points(after)),),
            note=f"理由：{after.get('reason', '')}",
        )
    if entry.action == "import":
        rows = len(after.get("indicators") or after.get("goals") or [])
        noun = "项指标" if after.get("kind") == "project" else "项目标"
        source = PurePath(str(after.get("source", ""))).name
        return replace(
            base, subject="绩效目标表", note=f"从 {source} 导入，{rows} {noun}，状态：草稿"
        )
    changes = []
    if before.get("status") != after.get("status"):
        changes.append(
            Change(
                "状态", _show("status", before.get("status")), _show("status", after.get("status"))
            )
        )
    if before.get("version") != after.get("version") and after.get("version") is not None:
        changes.append(
            Change("版本", f"第 {before.get('version')} 版", f"第 {after['version']} 版")
        )
    notes = []
    if "grade" in after:
        notes.append(f"等级：{after['grade']}")
    if "opinion" in after:
        notes.append(f"意见：{after['opinion']}")
    if "reason" in after:
        notes.append(f"理由：{after['reason']}")
    if entry.action == "approve" and after.get("version") is not None:
        notes.append(f"第 {after['version']} 版存档")
    return replace(base, subject="绩效目标表", changes=tuple(changes), note="；".join(notes))


_ACTUAL_FIELDS = (
    ("value", "完成值"),
    ("forecast", "全年预计"),
    ("likelihood", "可能性"),
    ("category", "偏差原因类别"),
    ("deviation", "偏差原因"),
    ("measures", "措施"),
    ("not_applicable", "不适用"),
    ("manual_score", "人工评分"),
)
_REPORT_FIELDS = (
    ("budget_initial", "年初预算数"),
    ("budget", "全年预算数"),
    ("executed", "执行数"),
    ("execution_reason", "执行偏差原因"),
    ("month", "监控月份"),
)


def _actuals_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[Change, ...]:
    """What a saved report changed: its funds, then each item by name."""

    def shown(value: Any) -> str:
        if value is None or value == "":
            return "（空）"
        if value is True:
            return "是"
        return f"{value:g}" if isinstance(value, float) else str(value)

    changes = [
        Change(label, shown(before.get(key)), shown(after.get(key)))
        for key, label in _REPORT_FIELDS
        if before.get(key) != after.get(key) and (before or after.get(key) not in (None, ""))
    ]
    old = {i.get("name"): i for i in before.get("items", [])}
    for item in after.get("items", []):
        was = old.pop(item.get("name"), {})
        for key, label in _ACTUAL_FIELDS:
            if was.get(key) != item.get(key) and (was or item.get(key) not in (None, "", False)):
                changes.append(
                    Change(f"{item.get('name')}·{label}", shown(was.get(key)), shown(item.get(key)))
                )
    for name in old:
        changes.append(Change(f"{name}", "已填报", "（删除）"))
    return tuple(changes)


@router.get("/tables/{table_id}/history")
def history_page(request: Request, table_id: int, actor: OptionalActor, svc: Svc) -> Response:
    """A table's history in words, with its approved versions."""
    if actor is None:
        return kit.login_redirect(request)
    t = read_table(svc, actor, table_id)
    names = {u.username: u.display_name for u in users.list_users(svc.uow())}
    entries = tables.history(svc.uow(), table_id, actor)
    versions = [tables.get_version(svc.uow(), table_id, n, actor) for n in t.versions]
    return kit.page(
        request,
        "history.html",
        actor,
        t=t,
        lines=[describe(e, names) for e in entries],
        versions=versions,
        names=names,
    )


@router.get("/tables/{table_id}/versions/{number}")
def version_page(
    request: Request, table_id: int, number: int, actor: OptionalActor, svc: Svc
) -> Response:
    """An approved version of a table, as it was approved."""
    if actor is None:
        return kit.login_redirect(request)
    v = tables.get_version(svc.uow(), table_id, number, actor)
    t = tables.version_detail(table_id, v)
    # 人大 and 审计 read an approved version while its table is being adjusted (a draft
    # they do not read): the page then says nothing of the current table.
    readable = access.may(actor, access.Read.TABLE, tables.require_read(svc.uow(), None, table_id))
    current = read_table(svc, actor, table_id) if readable else None
    return kit.page(
        request, "version.html", actor, current=current, v=v, **(layout(t) | {"editable": False})
    )
