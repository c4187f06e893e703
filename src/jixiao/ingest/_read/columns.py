"""Stage ``columns``: header words, each column's role, ragged rows aligned to the header."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

from jixiao.domain.actuals import (
    DeviationCategory,
)
from jixiao.domain.model import (
    Period,
)
from jixiao.domain.provenance import Provenance
from jixiao.ingest._cells import (
    as_value,
    is_result_word,
    is_weak_value,
)
from jixiao.ingest._grid import GridCell
from jixiao.ingest._read.base import _shown, _text
from jixiao.ingest._read.levels import _legacy_level2, _resolve_any
from jixiao.ingest._read.settings import DEFAULT_SETTINGS, ReadSettings
from jixiao.ingest._text import fold
from jixiao.ingest._vocab import (
    ACTUAL_FIELDS,
    ACTUAL_WORDS,
    BRACKET_TAIL,
    CATEGORY_HEADER,
    DIRECTION_VALUES,
    DIRECTION_WORDS,
    FIELD_LABELS,
    FUNCTION_WORDS,
    FUNDS_WORDS,
    GOAL_WORDS,
    KIND_VALUES,
    KIND_WORDS,
    LABEL_TAIL,
    LEVEL1_WORDS,
    LEVEL2_WORDS,
    LEVEL_LABEL,
    MEASURE_CHARS,
    META_LABELS,
    NAME_WEAK_WORDS,
    NAME_WORDS,
    NOTE_FIELDS,
    NOTE_WORDS,
    NUMBER_ONLY,
    OP_TOKEN,
    OP_WORDS,
    OWNER_WORDS,
    PERIOD_WORDS,
    POINTS,
    PROJECT_INFO,
    PROJECT_WORDS,
    SENTENCE,
    SEQ_VALUE,
    SEQ_WORDS,
    TARGET_WORDS,
    UNIT_WORDS,
    UNKEPT_RESULT,
    WEIGHT_WORDS,
    WORK_WORDS,
)

if TYPE_CHECKING:
    from jixiao.ingest._read.base import _Row

# -- header words --------------------------------------------------------------------------


class _Role(Enum):
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    NAME = "name"
    NAME_WEAK = "name-weak"  # 绩效指标: the name column only when no 三级指标 column exists
    TARGET = "target"
    OP = "op"
    UNIT = "unit"
    WEIGHT = "weight"
    KIND = "kind"
    DIRECTION = "direction"
    ACTUAL = "actual"  # an actual value (实际完成值, 当前完成值, 全年预计 …)
    ACTUAL_SCORE = "actual-score"  # 得分: a number
    ACTUAL_TEXT = "actual-text"  # 偏差原因, 改进措施, 完成目标可能性, a 偏差原因 category
    SEQ = "seq"
    FUNCTION = "function"
    WORK = "work"
    GOAL = "goal"
    # A list of many projects (one block of rows each): the columns that name the block.
    PROJECT = "project"  # 项目名称
    OWNER = "owner"  # 单位名称 / 预算单位: the unit the block belongs to
    FUNDS = "funds"  # 预算数: the block's funds
    NOTE = "note"
    IGNORED = "ignored"  # a known header word with no use here (a group label)
    REPEATED = "repeated"  # a name or level column of an earlier side-by-side block
    UNKNOWN = "unknown"  # a header cell that is no known word


_ACTUAL_ROLES = frozenset({_Role.ACTUAL, _Role.ACTUAL_SCORE, _Role.ACTUAL_TEXT})

#: How ``jixiao parse --explain`` names each role.
_ROLE_LABELS = {
    _Role.LEVEL1: "一级指标",
    _Role.LEVEL2: "二级指标",
    _Role.NAME: "三级指标名称",
    _Role.NAME_WEAK: "指标名称（无三级指标列时）",
    _Role.TARGET: "指标值",
    _Role.OP: "计算符号",
    _Role.UNIT: "度量单位",
    _Role.WEIGHT: "权重/分值",
    _Role.KIND: "指标性质",
    _Role.DIRECTION: "指标方向",
    _Role.ACTUAL: "实际完成值",
    _Role.ACTUAL_SCORE: "得分",
    _Role.ACTUAL_TEXT: "完成情况说明",
    _Role.SEQ: "序号",
    _Role.FUNCTION: "职能",
    _Role.WORK: "工作任务",
    _Role.GOAL: "年度目标",
    _Role.PROJECT: "项目名称（各项目一块）",
    _Role.OWNER: "单位名称",
    _Role.FUNDS: "预算数",
    _Role.NOTE: "说明（不导入）",
    _Role.IGNORED: "不使用",
    _Role.REPEATED: "前一块的重复列（不导入）",
    _Role.UNKNOWN: "未知列（不导入）",
}
_PERIOD_LABELS = {
    Period.HALF_YEAR: "半年",
    Period.FULL_YEAR: "全年",
    Period.LONG_TERM: "中长期",
}


@functools.lru_cache(maxsize=4096)
def _note_field(label: str) -> str | None:
    """The indicator text a note column holds (``basis``, ``explanation``, ``standard``,
    ``remark``), or None."""
    f = fold(label)
    return next((key for key, pattern in NOTE_FIELDS if pattern.search(f)), None)


@functools.lru_cache(maxsize=65536)
def _classify(text: str) -> tuple[_Role, Period | None] | None:
    """The role a header cell names (and a target column's period), or None.

    The text readers ask it too (a line of header words), so it measures a header cell
    with the default settings."""
    f = fold(text).rstrip(":：")
    if (
        not f
        or len(f) > DEFAULT_SETTINGS.header_max
        or SENTENCE.search(f)
        or _resolve_any(f) is not None
    ):
        return None  # header words are short; prose and taxonomy labels are data
    if PROJECT_INFO.search(f):
        return _Role.IGNORED, None  # what a list of projects says of each project (项目简介 …)
    if NOTE_WORDS.search(f):
        return _Role.NOTE, None
    if ACTUAL_WORDS.search(f):
        field_ = _actual_field(f)
        if field_ == "score":
            return _Role.ACTUAL_SCORE, None
        if field_ is not None and field_ not in ("value", "forecast"):
            return _Role.ACTUAL_TEXT, None
        return _Role.ACTUAL, None
    ordered = (
        (LEVEL1_WORDS, _Role.LEVEL1),
        (LEVEL2_WORDS, _Role.LEVEL2),
        (NAME_WORDS, _Role.NAME),
        (KIND_WORDS, _Role.KIND),
        (OP_WORDS, _Role.OP),
        (UNIT_WORDS, _Role.UNIT),
        (WEIGHT_WORDS, _Role.WEIGHT),
        (DIRECTION_WORDS, _Role.DIRECTION),
        (SEQ_WORDS, _Role.SEQ),
        (FUNCTION_WORDS, _Role.FUNCTION),
        (WORK_WORDS, _Role.WORK),
        (OWNER_WORDS, _Role.OWNER),
        (FUNDS_WORDS, _Role.FUNDS),
    )
    for pattern, role in ordered:
        if pattern.search(f):
            return role, None
    if TARGET_WORDS.search(f) or PERIOD_WORDS.match(f):
        return _Role.TARGET, _period(f)
    if GOAL_WORDS.search(f):
        return _Role.GOAL, None
    if NAME_WEAK_WORDS.search(f):
        return _Role.NAME_WEAK, None
    return None


def _period(folded: str) -> Period:
    if "半年" in folded:
        return Period.HALF_YEAR
    if "长期" in folded:
        return Period.LONG_TERM
    return Period.FULL_YEAR


def _explicit_period(label: str) -> bool:
    return any(word in label for word in ("半年", "全年", "年度", "长期", "当年"))


_CATEGORY_WORDS = tuple(c.value for c in DeviationCategory)


@functools.lru_cache(maxsize=4096)
def _actual_field(label: str) -> str | None:
    """Where an actuals column goes (``value``, ``forecast``, ``likelihood``, ``score``,
    ``reason``, ``measures``, ``category`` (the category named), ``category:<经费保障 …>``
    (one column per category)), or None: not imported."""
    f = fold(label)
    for word in _CATEGORY_WORDS:
        if f.endswith(word) and (f == word or "原因" in f or "偏差" in f):
            return f"category:{word}"  # one column per 偏差原因 category, marked ✓
    if UNKEPT_RESULT.search(f) and "得分" not in f:
        return None  # 完成率, 执行率, 执行数, 自评等级: computed or the funds', not kept here
    if f.endswith("类别") and ("原因" in f or "偏差" in f):
        return "category"  # 偏差原因类别: the category's name in the cell
    return next((key for key, pattern in ACTUAL_FIELDS if pattern.search(f)), None)


@dataclass(frozen=True, slots=True)
class _Feat:
    """What a cell's text looks like, for aligning ragged rows by content."""

    value: bool  # reads as a target value
    weak: bool  # a value that may be a name's end or an actual (明显提升, 达成预期指标)
    result: bool  # a result word (达成, 已完成): an actual more likely than a target
    op_only: bool
    number: bool  # a bare number (a weight or score)
    level: int | None  # taxonomy level (either version)
    parent: str | None
    legacy_parent: str | None  # a level 1 that older templates print as a level 2 (成本指标)
    kind_word: bool
    direction_word: bool
    unit_like: bool
    seq_like: bool
    short: bool  # short enough, and no sentence, to be a label printed in a level column
    measure: bool  # looks like a unit: short, ending in a measure word (人次, 万元, 个工作日)
    length: int


_FEATS: dict[str, _Feat] = {}


def _feat(text: str) -> _Feat:
    found = _FEATS.get(text)
    if found is not None:
        return found
    folded = fold(text)
    op_only = bool(OP_TOKEN.match(folded))
    parsed = None if op_only else as_value(text)
    value = parsed is not None
    resolved = None if value or op_only else _resolve_any(text)
    kind_word = bool(KIND_VALUES.match(folded))
    direction_word = bool(DIRECTION_VALUES.match(folded))
    unit_like = (
        0 < len(folded) <= 6
        and not any(ch.isdigit() for ch in folded)
        and not value
        and not op_only
        and resolved is None
        and not kind_word
        and not direction_word
    )
    feat = _Feat(
        value=value,
        weak=parsed is not None and is_weak_value(parsed),
        result=parsed is not None and is_result_word(parsed),
        op_only=op_only,
        number=bool(NUMBER_ONLY.match(folded)),
        level=resolved.level if resolved else None,
        parent=resolved.parent if resolved else None,
        legacy_parent=legacy.parent if resolved and (legacy := _legacy_level2(text)) else None,
        kind_word=kind_word,
        direction_word=direction_word,
        unit_like=unit_like,
        seq_like=bool(SEQ_VALUE.match(folded)),
        short=len(folded) <= 12 and not SENTENCE.search(folded),
        measure=unit_like and (len(folded) <= 2 or folded[-1] in MEASURE_CHARS),
        length=len(folded),
    )
    if len(_FEATS) < 50_000:
        _FEATS[text] = feat
    return feat


def _score(feat: _Feat, role: _Role, context_level1: str | None) -> float:
    """How well a cell of these looks fits a column role (ragged rows)."""
    text_like = not feat.value and not feat.op_only
    # Unknown text in a level column: a label the taxonomy does not know, so short.
    unknown_label = 0.5 if feat.short else -2.0
    if role is _Role.LEVEL1:
        if feat.level == 1:
            return 4.0
        return (
            -1.0 if feat.level == 2 else (unknown_label if text_like and not feat.number else -6.0)
        )
    if role is _Role.LEVEL2:
        if feat.level == 2:
            return 4.0 + (1.0 if context_level1 and feat.parent == context_level1 else 0.0)
        if feat.level == 1:
            # 成本指标 after rows of 产出指标: the older templates' level 2.
            return 4.5 if context_level1 and feat.legacy_parent == context_level1 else 0.0
        return unknown_label if text_like and not feat.number else -6.0
    if role in (_Role.NAME, _Role.NAME_WEAK, _Role.REPEATED):
        if feat.op_only:
            return -6.0
        if feat.value:
            return -3.0
        return 1.5 if feat.level is not None else 2.0
    if role is _Role.TARGET:
        if feat.op_only:
            return -6.0
        if feat.value:
            return 1.0 if feat.weak else 3.0
        if feat.kind_word or feat.direction_word:
            return -2.0
        return 0.3
    if role is _Role.OP:
        if feat.kind_word:
            return 2.0  # 定性 in the 计算符号 column, as some templates ask
        return 4.0 if feat.op_only else -6.0
    if role is _Role.UNIT:
        if not feat.unit_like:
            return -3.0
        return 1.5 if feat.measure else 0.2  # 人次, 万元, 个工作日; 不断缩小 is prose
    if role is _Role.WEIGHT:
        return 1.5 if feat.number else -3.0
    if role is _Role.KIND:  # 定量 / 定性, or the operator where a template prints it there
        return 4.0 if feat.kind_word or feat.op_only else -4.0
    if role is _Role.DIRECTION:
        return 4.0 if feat.direction_word or feat.op_only else -4.0
    if role is _Role.ACTUAL:
        return 2.0 if feat.result else (1.0 if feat.value else 0.5)
    if role is _Role.ACTUAL_SCORE:
        return 1.5 if feat.number else -3.0
    if role is _Role.ACTUAL_TEXT:
        return -2.0 if feat.number or feat.op_only else (-0.5 if feat.value else 0.8)
    if role is _Role.SEQ:
        return 3.0 if feat.seq_like else -2.0
    if role in (_Role.FUNCTION, _Role.WORK, _Role.GOAL):
        if feat.op_only:
            return -6.0
        return -3.0 if feat.value else 1.0
    return 0.2 if text_like else 0.0


def _skip_cost(role: _Role, labels_only: bool, settings: ReadSettings) -> float:
    if role in (_Role.NAME, _Role.NAME_WEAK):
        # A row of labels only (a section row): no name expected.
        return 0.0 if labels_only else settings.skip_name
    if role is _Role.TARGET:
        return settings.skip_target
    if role is _Role.WORK:
        return settings.skip_work
    if role is _Role.GOAL:
        return settings.skip_goal
    return 0.0


def _labels_only(feats: Sequence[_Feat]) -> bool:
    return bool(feats) and all(f.level is not None for f in feats)


_JOINABLE = frozenset({_Role.NAME, _Role.NAME_WEAK, _Role.FUNCTION, _Role.WORK, _Role.GOAL})


def _join_score(before: _Feat, feat: _Feat) -> float:
    """A text cell continuing the cell before it (a cell the dump split in two): allowed,
    at a cost that grows with their length (the pieces of a split cell are short)."""
    return -0.5 - 0.05 * (before.length + feat.length)


@functools.lru_cache(maxsize=4096)
def _cached_alignment(
    feats: tuple[_Feat, ...],
    roles: tuple[_Role, ...],
    context_level1: str | None,
    blocked: frozenset[int],
    settings: ReadSettings,
) -> tuple[float, tuple[int, ...]]:
    score, at = _best_alignment(feats, roles, context_level1, settings, blocked)
    return score, tuple(at)


def _best_alignment(
    feats: Sequence[_Feat],
    roles: Sequence[_Role],
    context_level1: str | None,
    settings: ReadSettings,
    blocked: frozenset[int] = frozenset(),
) -> tuple[float, list[int]]:
    """The best order-keeping assignment of cells to columns and its score.

    Columns may be skipped (dropped cells); a cell may be left out (-1); a text cell may
    continue the text column the cell before it went to (a cell the dump split in two).
    States are (cells read, columns passed, whether the last column passed took a cell).
    Columns in ``blocked`` take no cell (merged from above, so dropped).
    """
    n, m = len(feats), len(roles)
    labels_only = _labels_only(feats)
    neg = float("-inf")
    # Skipping a later target costs a little more: a lone value is read right-aligned
    # (the year's value, not the half year's).
    skip = [_skip_cost(role, labels_only, settings) + 0.001 * j for j, role in enumerate(roles)]
    take = [
        [
            neg if j in blocked else _score(feat, role, context_level1)
            for j, role in enumerate(roles)
        ]
        for feat in feats
    ]
    joinable = [role in _JOINABLE for role in roles]
    join = [
        _join_score(feats[i - 1], f)
        if i > 0
        and f.level is None
        and not (f.value or f.op_only or f.kind_word or f.direction_word)
        else None
        for i, f in enumerate(feats)
    ]
    best = [[[neg, neg] for _ in range(m + 1)] for _ in range(n + 1)]
    back: list[list[list[tuple[int, int, int, int] | None]]] = [
        [[None, None] for _ in range(m + 1)] for _ in range(n + 1)
    ]
    best[0][0][0] = 0.0

    def push(i: int, j: int, f: int, w: float, step: tuple[int, int, int, int]) -> None:
        if w > best[i][j][f]:
            best[i][j][f], back[i][j][f] = w, step

    for i in range(n + 1):
        for j in range(m + 1):
            for f in (0, 1):
                here = best[i][j][f]
                if here == neg:
                    continue
                if j < m:
                    push(i, j + 1, 0, here - skip[j], (i, j, f, 0))
                if i == n:
                    continue
                if j < m and take[i][j] != neg:
                    push(i + 1, j + 1, 1, here + take[i][j], (i, j, f, 1))
                push(i + 1, j, 0, here - settings.unassigned_cost, (i, j, f, 2))
                cost = join[i]
                if f == 1 and cost is not None and joinable[j - 1]:
                    push(i + 1, j, 1, here + cost, (i, j, f, 3))
    out = [-1] * n
    f_end = 0 if best[n][m][0] >= best[n][m][1] else 1
    i, j, f = n, m, f_end
    while (i, j, f) != (0, 0, 0):
        step = back[i][j][f]
        if step is None:  # pragma: no cover - every state but the start has a predecessor
            break
        pi, pj, pf, action = step
        if action == 1:
            out[pi] = pj
        elif action == 3:
            out[pi] = pj - 1
        i, j, f = pi, pj, pf
    return max(best[n][m]), out


def _aligned_score(row: _Row, header: _Header, settings: ReadSettings) -> float:
    """The content score of reading a row by its columns (as :func:`_best_alignment`
    scores an alignment), to compare with reading it by content."""
    by_col = {k: c for c in header.columns for k in c.cols}
    feats = [_feat(_text(c)) for c in row.own]
    labels_only = _labels_only(feats)
    total = 0.0
    filled: set[int] = set()
    for cell, feat in zip(row.own, feats, strict=True):
        col = by_col.get(row.col(cell))
        if col is None or id(col) in filled:
            total -= settings.unassigned_cost
            continue
        filled.add(id(col))
        total += _score(feat, col.role, None)
    for j, col in enumerate(header.columns):
        if id(col) not in filled:
            total -= _skip_cost(col.role, labels_only, settings) + 0.001 * j
    return total


def _fits_columns(rows: Sequence[_Row], header: _Header, settings: ReadSettings) -> bool:
    """Whether rows of another grid read by the header's columns fit them as well as any
    order-keeping reading by content (a page whose columns moved does not)."""
    roles = [c.role for c in header.columns]
    for row in rows[:20]:
        feats = [_feat(_text(c)) for c in row.own[: settings.max_row_cells]]
        best, _ = _best_alignment(feats, roles, None, settings)
        if _aligned_score(row, header, settings) < best - 1e-9:
            return False
    return True


@functools.lru_cache(maxsize=65536)
def _field_key(text: str) -> str | None:
    """The field (or ``"meta"``) a label cell names, or None when the cell is no label."""
    key = LABEL_TAIL.sub("", fold(text).rstrip(":："))
    for candidate in (key, key.removeprefix("其中:"), key.removeprefix("其中")):
        if candidate in FIELD_LABELS:
            return FIELD_LABELS[candidate]
        if candidate in META_LABELS:
            return "meta"
    # A goal's label with its period in brackets: 中长期目标（2025年－2027年）.
    found = FIELD_LABELS.get(BRACKET_TAIL.sub("", key))
    return found if found is not None and found.startswith("goal.") else None


# -- headers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Col:
    """A column of a table: its role, its period (targets) and the grid columns it spans."""

    role: _Role
    period: Period | None
    label: str
    cols: tuple[int, ...]  # aligned grids: columns; ragged: the position in the header
    source: Provenance | None = None


@dataclass(frozen=True, slots=True)
class _Header:
    kind: str  # "project" or "overall"
    columns: tuple[_Col, ...]
    ragged: bool
    width: int
    source: Provenance

    def signature(self) -> tuple[tuple[_Role, Period | None], ...]:
        return tuple((c.role, c.period) for c in self.columns if c.role is not _Role.UNKNOWN)

    def has(self, role: _Role) -> bool:
        return any(c.role is role for c in self.columns)

    def as_ragged(self) -> _Header:
        cols = tuple(
            replace(c, cols=(k,))
            for k, c in enumerate(c for c in self.columns if c.role is not _Role.UNKNOWN)
        )
        return replace(self, columns=cols, ragged=True)


_CORE_PROJECT = frozenset({_Role.LEVEL1, _Role.LEVEL2, _Role.NAME})
_CORE_OVERALL = frozenset({_Role.FUNCTION, _Role.WORK})
_LEVEL_ROLES = frozenset({_Role.LEVEL1, _Role.LEVEL2})


def _header_kind(roles: set[_Role]) -> str | None:
    core = roles & _CORE_PROJECT
    if core and (_Role.TARGET in roles or len(core) >= 2):
        return "project"
    if roles >= _CORE_OVERALL and roles & {_Role.GOAL, _Role.TARGET}:
        return "overall"  # (an overall self-evaluation heads its columns 绩效指标 too)
    if _Role.NAME_WEAK in roles and _Role.TARGET in roles:
        return "project"
    if roles & _CORE_OVERALL and roles & {_Role.GOAL, _Role.TARGET}:
        return "overall"
    return None


def _header_cells(row: _Row) -> list[GridCell]:
    """The row's cells; in a ragged row a cell of header words run together with spaces
    (``职能 工作任务 年度目标``) counts as one cell per word."""
    if not row.ragged:
        return list(row.own)
    out: list[GridCell] = []
    for cell in row.own:
        # Words on one line only: a line break in a cell wraps one word (半年（程）/指标值).
        words = [] if "\n" in cell.text.strip() else cell.text.split()
        if len(words) >= 2 and all(_classify(w) is not None for w in words):
            out.extend(replace(cell, text=w) for w in words)
        else:
            out.append(cell)
    return out


def _header_words(row: _Row) -> list[tuple[GridCell, _Role, Period | None]] | None:
    """The row's cells as header words, or None when any cell is a value or a label."""
    found: list[tuple[GridCell, _Role, Period | None]] = []
    for cell in _header_cells(row):
        text = _text(cell)
        classified = _classify(text)
        if classified is None:
            feat = _feat(text)
            if feat.value or feat.level is not None or len(fold(text)) > 30:
                return None
            found.append((cell, _Role.UNKNOWN, None))
        else:
            found.append((cell, classified[0], classified[1]))
    return found


def _is_header_row(row: _Row) -> str | None:
    words = _header_words(row)
    if not words:
        return None
    unknown = sum(1 for _, role, _ in words if role is _Role.UNKNOWN)
    roles = {role for _, role, _ in words}
    known = len(words) - unknown
    # Case ``project list with described projects``: a header that names the whole indicator
    # core (a level, 三级指标, 指标值) is one even beside as many columns of its own words
    # (项目简介 | 项目依据的政策描述 | 使用范围 …).
    full_core = _Role.NAME in roles and _Role.TARGET in roles and roles & _LEVEL_ROLES
    if unknown > (known if full_core else max(1, known // 3)):
        return None
    return _header_kind(roles)


def _score_pairs(texts: Sequence[str]) -> bool:
    """Two or more (item, points) pairs in a row: ``考核节点进度完成率 | 10分 | 采购节约率 |
    10分``."""
    cells = [x for x in texts if x]
    pairs = sum(
        1
        for a, b in itertools.pairwise(cells)
        if POINTS.fullmatch(fold(b)) and not _feat(a).value and _resolve_any(a) is None
    )
    return pairs >= 2


def _foreign_header(row: _Row, settings: ReadSettings) -> bool:
    """A row of column titles that are no target table's: four or more text cells, none a
    value or a label, two or more of them header words (序号, 备注 …)."""
    texts = [x for x in (_text(c) for c in row.own) if x]
    feats = [_feat(x) for x in texts]
    if len(texts) < settings.foreign_header_cells or any(
        f.level is not None or f.number or f.op_only for f in feats
    ):
        return False
    if sum(1 for f in feats if f.value) > 1:
        return False  # (a value-looking title such as 2021年培训人数 is allowed once)
    if any(_field_key(x) is not None for x in texts):
        return False  # 项目名称 | … : the next project's fields
    return sum(1 for x in texts if _classify(x) is not None) >= 2


def _is_subheader_row(row: _Row) -> bool:
    words = _header_words(row)
    return words is not None and bool(words) and all(r is not _Role.UNKNOWN for _, r, _ in words)


# The columns that name a block of rows in a list of many projects (单位名称 · 项目名称 ·
# 预算数 · 年度目标, printed on the block's first row, merged down or repeated).
_BLOCK_ROLES = frozenset({_Role.PROJECT, _Role.OWNER, _Role.FUNDS, _Role.GOAL})


def _finish_columns(cols: list[_Col], kind: str) -> tuple[_Col, ...]:
    """Settle roles that depend on the whole header (weak names, goals, plain periods)."""
    roles = {c.role for c in cols}
    out: list[_Col] = []
    plain_targets = [c for c in cols if c.role is _Role.TARGET and not _explicit_period(c.label)]
    two_plain = (
        len(plain_targets) == 2
        and len([c for c in cols if c.role is _Role.TARGET]) == 2
        and kind == "project"
    )
    for c in cols:
        role, period = c.role, c.period
        if role is _Role.NAME_WEAK and _Role.NAME in roles:
            role = _Role.IGNORED
        if kind == "project":
            if role is _Role.GOAL and _Role.TARGET not in roles:
                role, period = _Role.TARGET, Period.FULL_YEAR
            elif role is _Role.WORK and PROJECT_WORDS.match(fold(c.label)):
                role = _Role.PROJECT  # a list of projects: each block names its own
            elif role in (_Role.FUNCTION, _Role.WORK, _Role.SEQ):
                role = _Role.IGNORED
            elif role is _Role.TARGET and two_plain:
                period = Period.HALF_YEAR if c is plain_targets[0] else Period.FULL_YEAR
        elif role in (
            _Role.LEVEL1,
            _Role.LEVEL2,
            _Role.NAME,
            _Role.NAME_WEAK,
            _Role.FUNDS,
            _Role.OWNER,
        ):
            role = _Role.IGNORED
        out.append(replace(c, role=role, period=period))
    if kind == "project":
        out = _owner_column(_category_column(_side_by_side_blocks(out)))
    return tuple(out)


def _owner_column(cols: list[_Col]) -> list[_Col]:
    """Case ``unit column of a project list``: a column headed only 单位 left of the
    indicator columns names the unit each row belongs to (单位 | 项目名称 | … | 二级指标 …);
    a 度量单位 column always follows the indicator's name."""
    first = next(
        (k for k, c in enumerate(cols) if c.role in (_Role.LEVEL1, _Role.LEVEL2, _Role.NAME)),
        None,
    )
    if first is None:
        return cols
    return [
        replace(c, role=_Role.OWNER) if k < first and fold(c.label) == "单位" else c
        for k, c in enumerate(cols)
    ]


def _category_column(cols: list[_Col]) -> list[_Col]:
    """Case ``two-level table``: 指标类型 beside 指标名称 with no 一级 / 二级 column heads
    the category (产出指标 …), not 定量 / 定性; the name column then holds the level-2
    label itself (see :func:`_two_level_name`)."""
    roles = {c.role for c in cols}
    if _Role.LEVEL1 in roles or _Role.LEVEL2 in roles or _Role.NAME not in roles:
        return cols
    return [
        replace(c, role=_Role.LEVEL1)
        if c.role is _Role.KIND and CATEGORY_HEADER.match(fold(c.label))
        else c
        for c in cols
    ]


def _two_level_name(name: str) -> bool:
    """A name that is a level-2 label (数量指标, 服务对象或受益者满意度指标): the row of a
    two-level table, whose name is its level 2."""
    found = _resolve_any(name)
    if found is not None:
        return found.level == 2
    return bool(LEVEL_LABEL.fullmatch(fold(name)))


def _side_by_side_blocks(cols: list[_Col]) -> list[_Col]:
    """Case ``side-by-side blocks``: 中期 and 年度 indicators printed side by side, each
    block with its own 二级指标 / 三级指标 / 指标值 (the name columns repeat).  The last block
    is the year's (the 年度 block follows the 中期 one): its name and values are read; an
    earlier block's names and levels are not, and its plain values are the 中长期 ones."""
    names = [k for k, c in enumerate(cols) if c.role is _Role.NAME]
    if len(names) < 2:
        return cols
    last = names[-1]
    if not any(c.role is _Role.TARGET for c in cols[last:]):
        return cols
    start = last
    while start > names[-2] + 1 and cols[start - 1].role is _Role.LEVEL2:
        start -= 1
    later_level2 = any(x.role is _Role.LEVEL2 for x in cols[start:])
    out: list[_Col] = []
    for k, c in enumerate(cols):
        repeated = c.role in (_Role.NAME, _Role.NAME_WEAK) or (
            c.role is _Role.LEVEL2 and later_level2
        )
        if k < start and repeated:
            c = replace(c, role=_Role.REPEATED)
        elif k < start and c.role is _Role.TARGET and not _explicit_period(c.label):
            c = replace(c, period=Period.LONG_TERM)
        out.append(c)
    return out


def _aligned_header(rows: Sequence[_Row], kind: str, width: int) -> _Header:
    """Columns of an aligned grid from its header rows (merged group headers included).

    A column's label is the texts of the header cells over it, top to bottom; neighbouring
    columns under one merged bottom cell form one column (their data cells are joined).
    """
    cols: list[_Col] = []
    bottoms: list[GridCell] = []
    first = rows[0]
    for k in range(width):
        cells: list[GridCell] = []
        for row in rows:
            cell = row.cover.get(k)
            if cell is not None and all(cell is not c for c in cells):
                cells.append(cell)
        if not cells:
            continue
        bottom = cells[-1]
        if bottoms and bottoms[-1] is bottom and cols[-1].cols[-1] == k - 1:
            cols[-1] = replace(cols[-1], cols=(*cols[-1].cols, k))
            continue
        label = "".join(_text(c) for c in cells)
        # A group label above a known word (绩效指标 over 一级指标): the bottom word counts.
        classified = _classify(label) or _classify(_text(bottom))
        role, period = classified if classified is not None else (_Role.UNKNOWN, None)
        cols.append(_Col(role, period, label, (k,), first.src(bottom)))
        bottoms.append(bottom)
    return _Header(kind, _finish_columns(cols, kind), False, width, first.first)


def _detailed_column(cols: Sequence[_Col], subs: Sequence[_Col]) -> int | None:
    """The column of a ragged header that a row of sub-headers details, if any:
    指标值 → 半年 · 全年 (or 计算符号 · 目标值 · 度量单位), 绩效指标 → 一级 · 二级 · 三级,
    偏差原因 → 经费保障 · 制度保障 …"""
    roles = {c.role for c in subs}
    for k, c in enumerate(cols):
        plain_target = c.role is _Role.TARGET and not _explicit_period(c.label)
        if plain_target and roles <= {_Role.TARGET, _Role.OP, _Role.UNIT, _Role.KIND}:
            return k
        if c.role is _Role.NAME_WEAK and roles <= {_Role.LEVEL1, _Role.LEVEL2, _Role.NAME}:
            return k
        if (
            c.role in _ACTUAL_ROLES
            and "原因" in c.label
            and roles <= _ACTUAL_ROLES
            and all("原因" not in s.label for s in subs)
        ):
            return k
    return None


def _ragged_header(rows: Sequence[_Row], kind: str) -> _Header:
    """Columns of a ragged header: one per cell; a second row of sub-headers replaces the
    group column it details (指标值 → 半年 · 全年)."""
    main = rows[0]
    cols: list[_Col] = []
    for cell in _header_cells(main):
        label = _text(cell)
        classified = _classify(label)
        role, period = classified if classified is not None else (_Role.UNKNOWN, None)
        cols.append(_Col(role, period, label, (0,), main.src(cell)))
    for sub in rows[1:]:
        subs: list[_Col] = []
        for cell in _header_cells(sub):
            label = _text(cell)
            classified = _classify(label)
            role, period = classified if classified is not None else (_Role.UNKNOWN, None)
            subs.append(_Col(role, period, label, (0,), sub.src(cell)))
        target = _detailed_column(cols, subs)
        if target is None:
            cols.extend(subs)  # a header cell wrapped onto the next line: more columns
        else:
            parent = cols[target].label
            cols[target : target + 1] = [replace(c, label=parent + c.label) for c in subs]
    numbered = [replace(c, cols=(k,)) for k, c in enumerate(cols)]
    return _Header(kind, _finish_columns(numbered, kind), True, len(numbered), main.first)


def _describe(header: _Header) -> str:
    """A header's columns and their roles, for ``--explain``."""
    parts = []
    for c in header.columns:
        role = _ROLE_LABELS[c.role]
        if c.period is not None:
            role += f"（{_PERIOD_LABELS.get(c.period, c.period.value)}）"
        parts.append(f"“{_shown(c.label)}”→{role}")
    kind = "项目指标表" if header.kind == "project" else "部门整体目标表"
    layout = "按内容对齐（无固定列）" if header.ragged else f"{header.width} 列"
    return f"{kind}，{layout}：" + "；".join(parts)
