"""Cell-level helpers shared by the text readers: value tokens, labels, fields, years."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.domain.taxonomy import Taxonomy
from jixiao.domain.values import Kind, TargetValue, grade_rank, parse_value
from jixiao.ingest._text import fold, join_wrapped

_OPERATOR_ONLY = re.compile(r"^(?:[=＝═≥≧≤≦<>＜＞⩾⩽]|[<>＜＞]=|[＜＞]＝|==)$")


_STARTS_WITH_OPERATOR = re.compile(r"^[=＝═≥≧≤≦<>＜＞⩾⩽]")


def as_value(token: str) -> TargetValue | None:
    """The token as a target value, or None when it is not one (prose, a label).

    A token that starts with a comparison operator is a value even when it does not parse
    (``≥**%``, a placeholder never filled in): it is kept as a ``text`` value with its
    reason, so that review can flag it.
    """
    value = parse_value(token)
    if value.kind is not Kind.TEXT or _STARTS_WITH_OPERATOR.match(token):
        return value
    return None


#: Grades that report a result (达成, 部分达成, 已完成): what a self-evaluation prints as
#: the actual, rarely a target.
_RESULT_SCALES = frozenset({"达成", "完成"})


def is_result_word(value: TargetValue) -> bool:
    """A result grade (达成预期指标, 已完成): an actual more likely than a target."""
    if value.kind is not Kind.QUALITATIVE or value.grade is None:
        return False
    rank = grade_rank(value.grade)
    return rank is not None and rank[0] in _RESULT_SCALES


def is_weak_value(value: TargetValue) -> bool:
    """A value that tells little about its column: a result word, or a qualitative phrase on
    no scale (明显提升, 逐步改善) that may as well be the end of a name run into it."""
    if value.kind is not Kind.QUALITATIVE or value.grade is None:
        return False
    return is_result_word(value) or grade_rank(value.grade) is None


def split_trailing_values(text: str) -> tuple[str, list[TargetValue]]:
    """Split ``"数量指标 ＝200人次 ＝461人次"`` into the leading text and the values at its end.

    Tokens are separated by white space; an operator printed apart from its number
    (``"≥ 90%"``) is joined to it.  Returns the text before the values (stripped) and the
    values in printed order; no values when the line does not end in one.
    """
    tokens = text.split()
    merged: list[str] = []
    for token in tokens:
        if merged and _OPERATOR_ONLY.match(merged[-1]):
            merged[-1] += token
        else:
            merged.append(token)
    values: list[TargetValue] = []
    while merged:
        value = as_value(merged[-1])
        if value is None:
            break
        values.append(value)
        merged.pop()
    values.reverse()
    return " ".join(merged), values


@dataclass(frozen=True, slots=True)
class LabelParse:
    """Taxonomy labels found at the start of a row's text, and what is left (a name)."""

    level1: str | None = None
    level1_label: str | None = None
    level2: str | None = None
    level2_label: str | None = None
    rest: str = ""
    consumed: int = 0  # how many fragments the labels used


def parse_labels(fragments: Sequence[str], taxonomy: Taxonomy) -> LabelParse:
    """Read level-1/level-2 labels from text fragments (wrapped pieces of merged cells).

    Fragments are joined greedily: at each position the longest run of fragments whose
    concatenation is a known label wins (``["满意度", "服务对象满", "意度"]`` gives
    level 1 满意度指标 and level 2 服务对象满意度指标).  Text that is no label ends the scan
    and is returned as ``rest``.
    """
    level1 = level1_label = level2 = level2_label = None
    i = 0
    parts = list(fragments)
    while i < len(parts):
        found = None
        for j in range(len(parts), i, -1):
            label = "".join(parts[i:j])
            resolved = taxonomy.resolve(label)
            if resolved is not None:
                found = (j, resolved, label)
                break
        if found is None:
            break
        j, resolved, label = found
        if resolved.level == 1 and level1 is None and level2 is None:
            level1, level1_label = resolved.name, label
        elif resolved.level == 2 and level2 is None:
            level2, level2_label = resolved.name, label
        elif resolved.level == 1 and level2 is None and level1 is not None:
            # Two level-1 labels in a row: the second is the level 2 printed with a level-1
            # name (成本指标 under 产出指标 in older templates).
            level2, level2_label = resolved.name, label
        else:
            break
        i = j
    rest = join_wrapped(parts[i:])
    return LabelParse(level1, level1_label, level2, level2_label, rest, i)


# -- header fields ----------------------------------------------------------------------

FIELD_KEYS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "主管部门及代码": "department",
    "实施单位": "unit",
    "预算单位": "unit",
    "项目单位": "unit",
    "单位名称": "unit",
    "开始时间": "start",
    "项目开始时间": "start",
    "起始时间": "start",
    "完成时间": "end",
    "结束时间": "end",
    "项目完成时间": "end",
    "年度资金总额": "funds.total",
    "资金总额": "funds.total",
    "财政拨款": "funds.fiscal",
    "其中：财政拨款": "funds.fiscal",
    "上年结转": "funds.carryover",
    "其他资金": "funds.other",
}

# A key counts only when a separator (space, colon) or the line's end follows it, so that a
# name such as 财政拨款到位率 is not read as the field 财政拨款.
_FIELD_RE = re.compile(
    "("
    + "|".join(re.escape(k) for k in sorted(FIELD_KEYS, key=len, reverse=True))
    + r")(?:\s*[:：]\s*|\s+|$)"
)


def parse_fields(text: str) -> dict[str, str] | None:
    """``"项目名称 人大代表履职培训费"`` → ``{"name": "人大代表履职培训费"}``.

    A line may hold several fields (``项目名称 X 主管部门 Y``).  Returns None when the line
    does not start with a field key.
    """
    matches = list(_FIELD_RE.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    fields: dict[str, str] = {}
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        fields[FIELD_KEYS[match.group(1)]] = text[match.end() : end].strip()
    return fields


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def find_year(text: str) -> int | None:
    """The first 4-digit year written as ``2023年`` in the text."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


_MONEY_SUFFIX = re.compile(r"(万元|千元|元)")


def parse_money(text: str) -> tuple[Decimal, str | None] | None:
    """An amount as printed (``"3,309,840.00"``, ``"120.5万元"``): the exact number and the
    unit written after it (None when the cell names none), or None without a number."""
    folded = fold(text).replace(",", "")
    match = _NUMBER.search(folded)
    if match is None:
        return None
    suffix = _MONEY_SUFFIX.search(folded, match.end())
    return Decimal(match.group(0)), suffix.group(1) if suffix else None


def parse_amount(text: str) -> int | float | None:
    """An amount in 万元 from a field value such as ``"120.5万元"`` or ``"120.5"``."""
    folded = fold(text).replace(",", "")
    match = _NUMBER.search(folded)
    if match is None:
        return None
    number = float(match.group(0))
    if "元" in folded and "万元" not in folded:
        number /= 10000
    return int(number) if number.is_integer() else number
