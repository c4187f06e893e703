"""Stage ``values``: operator, value and unit joined into targets; remarks, weights, amounts."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jixiao.domain.actuals import (
    DeviationCategory,
)
from jixiao.domain.model import (
    Period,
)
from jixiao.domain.values import Kind, parse_value
from jixiao.ingest._read.base import _text
from jixiao.ingest._read.columns import _Role
from jixiao.ingest._read.settings import ReadSettings
from jixiao.ingest._read.table import _Value
from jixiao.ingest._text import fold, join_wrapped
from jixiao.ingest._vocab import (
    BLANK_MARKS,
    BUDGET_COLUMN,
    BUDGET_KEYS,
    EXECUTION_REASON,
    NOT_APPLICABLE,
    NUMBER_ONLY,
    OP_TOKEN,
    PENDING,
    REMARK_LABEL,
    STARTS_WITH_OP,
    UNIT_PHRASE,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.base import _Row
    from jixiao.ingest._read.rows import _Placed


@dataclass(frozen=True, slots=True)
class _Remarks:
    reason: str = ""
    category: DeviationCategory | None = None
    measures: str = ""
    not_applicable: bool = False
    manual: str | None = None  # the text of a 人工调整 line


def _category(text: str) -> DeviationCategory | None:
    f = fold(text).strip()
    return next((c for c in DeviationCategory if c.value == f), None)


def _remarks(text: str) -> _Remarks:
    """The parts of a remark cell; text under no label is the reason."""
    body = PENDING.sub("", text.strip()).strip()
    marker = NOT_APPLICABLE.match(body)
    if marker is not None:
        body = body[marker.end() :].strip()
    parts: dict[str, str] = {}
    category: DeviationCategory | None = None
    marks = list(REMARK_LABEL.finditer(body))

    def piece(start: int, end: int) -> str:
        return body[start:end].strip().rstrip("；;").strip()

    lead = piece(0, marks[0].start() if marks else len(body))
    for k, mark in enumerate(marks):
        part = piece(mark.end(), marks[k + 1].start() if k + 1 < len(marks) else len(body))
        label = mark.group(1)
        if label == "偏差原因类别":
            category = _category(part) or category
            continue
        if mark.group(2):
            category = _category(mark.group(2)) or category
        key = (
            "measures"
            if label in ("改进措施", "整改措施")
            else "manual"
            if label == "人工调整"
            else "reason"
        )
        parts[key] = "\n".join(x for x in (parts.get(key, ""), part) if x)
    reason = "\n".join(x for x in (lead, parts.get("reason", "")) if x)
    return _Remarks(
        reason=reason,
        category=category,
        measures=parts.get("measures", ""),
        not_applicable=marker is not None,
        manual=parts.get("manual"),
    )


def _budget_key(text: str, settings: ReadSettings) -> str | None:
    """The funds figure a heading of the funds block names, or ``execution_reason`` (执行偏差
    原因); None: not one we keep."""
    f = fold(text)
    if EXECUTION_REASON.search(f) and len(f) <= settings.header_max:
        return "execution_reason"
    if not BUDGET_COLUMN.search(f) or "率" in f:
        return None
    return next((key for key, pattern in BUDGET_KEYS if pattern.search(f)), None)


@functools.lru_cache(maxsize=65536)
def _money_unit(text: str) -> str | None:
    """The money unit a cell names (元 / 千元 / 万元), or None."""
    f = fold(text)
    if len(f) > 40:
        return None
    match = UNIT_PHRASE.search(f)
    return next((g for g in match.groups() if g), None) if match else None


# Columns that may hold the operator: 计算符号, and 指标性质 / 指标方向 where a template
# prints ＝ ≥ ≤ there (定性 / 正向 in the same column are no operator).
_OPERATOR_ROLES = (_Role.OP, _Role.KIND, _Role.DIRECTION)


def _operator(placed: Sequence[_Placed]) -> str:
    """The row's operator: the 计算符号 cell, else an operator printed in the 指标性质 or
    指标方向 column; ``""`` when the row prints none (no operator is invented)."""
    for role in _OPERATOR_ROLES:
        for p in placed:
            if p.col.role is not role:
                continue
            text = _text(p.cell)
            if role is _Role.OP or OP_TOKEN.match(fold(text)):
                return text
    return ""


def _period_values(row: _Row, placed: list[_Placed], op: str, unit: str) -> dict[Period, _Value]:
    """The row's target values by period; cells of one column group are joined."""
    groups: dict[Period, list[_Placed]] = {}
    for p in placed:
        if p.col.role is not _Role.TARGET or p.col.period is None:
            continue
        group = groups.setdefault(p.col.period, [])
        if not group or group[0].col is p.col:
            group.append(p)
        elif not any(_text(q.cell) for q in group):
            groups[p.col.period] = [p]  # the first column of this period is empty
    values: dict[Period, _Value] = {}
    for period, group in groups.items():
        text = join_wrapped(_text(p.cell) for p in group)
        if text:
            values[period] = _Value(_join_value(text, op, unit), row.src(group[0].cell))
    return values


def _join_value(text: str, op: str, unit: str) -> str:
    """One target text from separate 计算符号 / 目标值 / 度量单位 cells."""
    if OP_TOKEN.match(fold(op)) and not STARTS_WITH_OP.match(fold(text)):
        text = re.sub(r"\s+", "", op) + text  # as printed (＝ stays full-width)
    unit = unit.strip()
    if unit and unit not in BLANK_MARKS and fold(unit) not in BLANK_MARKS:
        parsed = parse_value(text)
        bare = parsed.kind is Kind.QUANTITATIVE and not parsed.unit
        if bare or (parsed.kind is Kind.TEXT and NUMBER_ONLY.match(fold(text).lstrip("=≥≤<>"))):
            text += unit
    return text
