"""Stage ``levels``: level 1 / level 2 labels resolved through the taxonomy, carried down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jixiao.domain.taxonomy import (
    TAXONOMY_2015,
    TAXONOMY_2021,
    Resolved,
    Taxonomy,
)
from jixiao.ingest._vocab import (
    LABEL_NUMBERING,
)
from jixiao.ingest.text_blocks import (
    LEVEL_MISMATCH,
    UNKNOWN_LABEL,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.table import _IndRow


def _label_key(text: str) -> str:
    return LABEL_NUMBERING.sub("", text.strip())


def _resolve(text: str, taxonomy: Taxonomy) -> Resolved | None:
    key = _label_key(text)
    return taxonomy.resolve(key) if key else None


def _legacy_level2(text: str) -> Resolved | None:
    """The label as a level 2 of the 2015 taxonomy when the 2021 one makes it a level 1."""
    resolved = _resolve(text, TAXONOMY_2021)
    if resolved is None or resolved.level != 1:
        return None
    legacy = _resolve(text, TAXONOMY_2015)
    return legacy if legacy is not None and legacy.level == 2 else None


def _parent_of(label: str) -> str | None:
    found = _resolve_any(label)
    return found.parent if found is not None and found.level == 2 else None


def _level1_of(label: str) -> str | None:
    found = _resolve_any(label)
    return found.name if found is not None and found.level == 1 else None


def _resolve_any(text: str) -> Resolved | None:
    """The label in the 2021 taxonomy, else in the 2015 one (for content, not for levels)."""
    return _resolve(text, TAXONOMY_2021) or _resolve(text, TAXONOMY_2015)


def _backfill_levels(rows: Sequence[_IndRow]) -> None:
    """Rows at the top of a table with no level labels at all (nothing above to inherit)
    take those of the first labelled row: text dumps print a merged cell's label in the
    middle of its rows."""
    first = next((r for r in rows if r.l1 is not None or r.l2 is not None), None)
    if first is None:
        return
    for row in rows:
        if row is first or row.l1 is not None or row.l2 is not None:
            break
        row.l1, row.l2 = first.l1, first.l2


def _fuller_before(rows: Sequence[_IndRow], k: int) -> bool:
    before = [r for r in rows[:k] if not r.label_only]
    return bool(before) and len(rows[k].values) < max(len(r.values) for r in before)


def _cells_cut(rows: Sequence[_IndRow], k: int) -> int:
    """How many fields every earlier indicator row prints and row ``k`` does not (its
    values, actuals, weight, notes): a last row cut off by the end of the document."""
    before = [r for r in rows[:k] if not r.label_only and r.name is not None]
    if not before:
        return 0

    def keys(r: _IndRow) -> set[str]:
        return {f"v{p}" for p in r.values} | set(r.actuals) | set(r.extra)

    common = set.intersection(*(keys(r) for r in before))
    return len(common - keys(rows[k]))


@dataclass(frozen=True, slots=True)
class _Levels:
    level1: str
    level1_label: str | None
    level2: str
    level2_label: str | None
    problems: tuple[tuple[str, str], ...]


def _levels(l1: str | None, l2: str | None, taxonomy: Taxonomy) -> _Levels:
    """Canonical level 1 and level 2 of a row from its printed labels."""
    other = TAXONOMY_2015 if taxonomy is TAXONOMY_2021 else TAXONOMY_2021
    problems: list[tuple[str, str]] = []
    r1 = _resolve(l1, taxonomy) if l1 else None
    r2 = _resolve(l2, taxonomy) if l2 else None
    if r2 is not None and r2.level == 1:
        legacy = TAXONOMY_2015.resolve_level2(_label_key(l2 or ""))
        if r1 is not None and r1.level == 1 and r2.name == r1.name:
            r2, l2 = None, None  # the level-1 label printed again in the level-2 column
        elif legacy is not None:
            r2 = legacy  # older templates: 成本指标 as a level 2 under 产出指标
    if r1 is not None and r1.level == 2:
        alternative = other.resolve(_label_key(l1 or ""))
        if alternative is not None and alternative.level == 1:
            r1 = alternative
        elif r2 is None and not l2:
            r1, r2, l2 = None, r1, l1  # the level-1 column holds the level 2
            l1 = None
        else:
            r1 = None
    if r1 is None and l1:
        alternative = other.resolve(_label_key(l1))
        if alternative is not None and alternative.level == 1:
            r1 = alternative
    if r2 is None and l2:
        alternative = other.resolve(_label_key(l2))
        if alternative is not None and alternative.level == 2:
            r2 = alternative
    # level 1
    if r1 is not None:
        level1, level1_label = r1.name, l1
    elif l1:
        parent = r2.parent if r2 is not None else None
        level1, level1_label = parent or l1, l1
        if parent:
            problems.append(
                (UNKNOWN_LABEL, f"一级指标“{l1}”不是已知的一级指标名称，按二级指标归入“{parent}”")
            )
        else:
            problems.append((UNKNOWN_LABEL, f"一级指标“{l1}”不是已知的一级指标名称，按原文导入"))
    else:
        level1, level1_label = (r2.parent or "") if r2 is not None else "", None
    # level 2
    if r2 is not None:
        level2, level2_label = r2.name, l2
        if r1 is not None and r2.parent is not None and r2.parent != r1.name:
            problems.append(
                (
                    LEVEL_MISMATCH,
                    f"二级指标“{l2}”不属于一级指标“{l1}”（{taxonomy.version} 版指标体系）",
                )
            )
    elif l2:
        level2, level2_label = l2, l2
        problems.append((UNKNOWN_LABEL, f"二级指标“{l2}”不是已知的二级指标名称，按原文导入"))
    else:
        children = taxonomy.level2_of(level1) or other.level2_of(level1)
        legacy = _legacy_level2(l1) if l1 and r1 is not None and len(children) != 1 else None
        if legacy is not None and legacy.parent is not None:
            # A row labelled only 成本指标: the older templates' level 2 under 产出指标.
            level1, level1_label = legacy.parent, None
            level2, level2_label = legacy.name, l1
        elif len(children) == 1:
            level2, level2_label = children[0], None
        else:
            level2, level2_label = "", None
            problems.append((UNKNOWN_LABEL, "指标行没有可识别的二级指标名称"))
    return _Levels(level1, level1_label, level2, level2_label, tuple(problems))
