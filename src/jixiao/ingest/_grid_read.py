"""The grid interpreter: tables as grids of cells → a ``jixiao/1`` Document.

Every table reader (XLSX, XLS, DOCX, HTML, PDF, text dumps with cell separators) ends at the
grid (:mod:`jixiao.ingest._grid`); :func:`read_grids` finds the structure, the same way for
all of them, from what the domain knows and never from fixed positions:

* **Rows by what they hold.**  A *title row* (one cell naming a 绩效目标表 / 自评表 / 监控表)
  starts a table; a *field row* holds field labels (项目名称, 主管部门, 实施单位, 开始时间,
  年度资金总额, 财政拨款 …) with their value beside them, below them, or inline
  (``项目名称：X``); a *header row* is made of header words (一级指标, 二级指标, 三级指标,
  指标值, 半年, 全年, 长期, 年度, 计算符号, 度量单位, 权重, 指标值类型, 指标方向, 实际完成值,
  得分, 职能, 工作任务, 年度目标 …), possibly over several rows (merged group headers); the
  rows after a header are *data rows*.
* **Columns by header words.**  Each column gets a role (level 1, level 2, name, target for a
  period, operator, unit, weight, value type, direction, actuals, note); separate 计算符号 /
  目标值 / 度量单位 columns are joined into one target text (``≥`` ``90`` ``%`` → ``≥90%``).
  Actuals columns (实际完成值, 当前完成值, 全年预计, 完成目标可能性, 得分, 分值, 偏差原因,
  改进措施 …) are never read as targets: a self-evaluation (自评表) or monitoring table
  (监控表) imports them into the document's ``actuals`` (one ``jixiao-actuals/1`` document
  per period), with the funds of its 年初预算数 / 全年预算数 / 执行数 columns; columns with
  no place there (执行率, 自评等级 …) get one ``ingest.actuals-not-imported`` warning.
* **Merged and empty cells.**  A merged level-1/level-2 cell covers its rows; an empty
  level-1/level-2 cell inherits the label of the row above.
* **Ragged grids** (text dumps that dropped empty and merged cells) are aligned to the header
  by content: each cell's fitness for each column role (a taxonomy label, a value, an
  operator, a unit, a bare number …) is scored and the best order-keeping alignment wins
  (columns may be skipped: dropped cells; a text cell may continue the one before it: a
  cell split in two; a lone value goes to the last period).  A row that reads far better
  as two rows run together is split; a row of one text cell without values is reported.
* **Rows that are not indicators**: total rows (合计, 总分), notes (注：…), a cell spread
  over the name and value columns, prose goals above the header (年度绩效目标 …) are
  reported, not read; a label-only row (一、产出指标) heads the rows below it.
* **Several tables** per grid (title or 项目名称 rows start a new one) and **tables continued**
  on the next grid (a grid without title, fields or header continues the table before it;
  when its columns differ it is read by content, with a warning).

Level labels go through the taxonomy of the table's year (the other version as a fallback,
aliases included); printed labels are kept.  Every indicator, goal and value carries the
provenance of its cell.  Anything the interpreter is not sure of becomes a warning; rows are
never dropped in silence.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum

from jixiao.domain.actuals import (
    ActualsDocument,
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
)
from jixiao.domain.model import (
    Diagnostic,
    Document,
    Funds,
    Goal,
    Indicator,
    OverallTargets,
    Period,
    Project,
    parse_direction,
    parse_nature,
)
from jixiao.domain.money import DEFAULT_UNIT, implausible, in_unit, to_yuan
from jixiao.domain.provenance import Provenance
from jixiao.domain.taxonomy import (
    TAXONOMY_2015,
    TAXONOMY_2021,
    Resolved,
    Taxonomy,
    taxonomy_for_year,
)
from jixiao.domain.values import Kind, TargetValue, parse_value
from jixiao.ingest._cells import (
    as_value,
    find_year,
    is_result_word,
    is_weak_value,
    parse_amount,
    parse_fields,
    parse_money,
)
from jixiao.ingest._document import finish, most_common_year
from jixiao.ingest._explain import Stage, active, note
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._text import clean, fold, join_wrapped
from jixiao.ingest._vocab import CATEGORY_HEADER, CHECKBOX, LEVEL_LABEL, POINTS, PROJECT_INFO
from jixiao.ingest._wide import unpivot_wide
from jixiao.ingest.errors import IngestError
from jixiao.ingest.text_blocks import (
    AMBIGUOUS_ROWS,
    EMPTY_TABLE,
    LEVEL_MISMATCH,
    MISSING_FIELD,
    MISSING_TARGET,
    MISSING_VALUE,
    TRUNCATED,
    UNKNOWN_LABEL,
    UNPARSED_VALUE,
    UNUSED_TEXT,
)

__all__ = ["ACTUALS_NOT_IMPORTED", "IMPLAUSIBLE_AMOUNT", "SUMMARY_TABLE", "read_grids"]

#: Warning code: an amount implausible for the unit it is printed in (3,309,840 万元, 0.9 元).
IMPLAUSIBLE_AMOUNT = "ingest.implausible-amount"
_FUNDS_LABELS = {
    "total": "年度资金总额",
    "fiscal": "财政拨款",
    "carryover": "上年结转",
    "other": "其他资金",
}

#: Warning code: a self-evaluation or monitoring table's columns of results that have no
#: place in the actuals (执行率, 自评等级 …) were seen and not imported.
ACTUALS_NOT_IMPORTED = "ingest.actuals-not-imported"
#: Warning code: a summary table (…汇总表, a list of projects with totals) was skipped.
SUMMARY_TABLE = "ingest.summary-table"

_MAX_SPAN = 256  # columns a merged cell may cover (bounds odd input)
_MAX_ROW_CELLS = 200  # cells of a ragged row aligned by content; more are reported unused
_MAX_SPLIT = 40  # cells of a ragged row tried as two rows run together
_HEADER_SCAN = 60  # rows of a new sheet searched for an indicator header


# -- cell texts ----------------------------------------------------------------------------


def _text(cell: GridCell) -> str:
    """A cell's text with wrapped lines joined (no separator between CJK text)."""
    return _joined(cell.text)


@functools.lru_cache(maxsize=65536)
def _joined(text: str) -> str:
    return join_wrapped(part for line in text.split("\n") if (part := clean(line)))


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


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

_NOTE_WORDS = re.compile(
    r"评分标准|评分规则|评分方法|计分方法|评价标准|评\(?扣\)?分标准|扣分标准|指标解释|指标说明|"
    r"指标定义|备注|说明|数据来源|佐证|评价要点|计算公式|取值依据|设定依据|确定依据|标准或依据|"
    r"指标依据|^依据$"
)
# Where a note column's text goes on the indicator (Indicator.basis / explanation / standard
# / remark), by its header words; a note column matching none is not imported.
_NOTE_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("standard", re.compile(r"评分|计分|评价标准|扣分|评\(?扣\)?分")),
    ("basis", re.compile(r"依据|数据来源|佐证")),
    ("explanation", re.compile(r"解释|指标说明|定义|计算公式|评价要点")),
    ("remark", re.compile(r"备注|说明")),
)


@functools.lru_cache(maxsize=4096)
def _note_field(label: str) -> str | None:
    """The indicator text a note column holds (``basis``, ``explanation``, ``standard``,
    ``remark``), or None."""
    f = fold(label)
    return next((key for key, pattern in _NOTE_FIELDS if pattern.search(f)), None)


_ACTUAL_WORDS = re.compile(
    r"实际|完成值|完成情况|完成数|完成率|执行情况|执行数|执行率|预计|得分|偏差|原因|措施|"
    r"可能性|经费保障|制度保障|人员保障|硬件条件保障|自评|当前|累计|^其他$|进度$|监控结果"
)
_LEVEL1_WORDS = re.compile(r"一级指标|^一级$")
_LEVEL2_WORDS = re.compile(r"二级指标|^二级$")
_NAME_WORDS = re.compile(r"三级指标|^三级$|指标名称|具体指标|指标内容|^指标项$")
_KIND_WORDS = re.compile(r"指标值类型|指标类型|值类型|指标性质|^定[量性]/?定[量性]$|^类型$")
_OP_WORDS = re.compile(r"计算符号|运算符号|运算符|比较符|^符号$")
_UNIT_WORDS = re.compile(r"度量单位|计量单位|^单位$")
_WEIGHT_WORDS = re.compile(r"权重|分值|标准分|^分数$|满分|权数")
_DIRECTION_WORDS = re.compile(r"指标方向|^方向$|正反向|指标属性")
_SEQ_WORDS = re.compile(r"^序号|^编号|^序$|^代码$")
_FUNCTION_WORDS = re.compile(r"职能|二级专项|^职责")
_WORK_WORDS = re.compile(
    r"工作任务|工作及项目名称|工作内容|重点工作|工作名称|任务名称|^项目名称$|主要任务|工作事项"
)
_TARGET_WORDS = re.compile(r"指标值|目标值|标准值|期望值|预期值|指标目标|年目标")
_GOAL_WORDS = re.compile(r"年度目标|绩效目标|工作目标|预期目标|目标$")
_PERIOD_WORDS = re.compile(r"^(?:\d{4}年)?(?:半年|全年|年度|中长期|长期|当年|年)(?:\(程\))?$")
_NAME_WEAK_WORDS = re.compile(r"绩效指标$|^指标$")
_OWNER_WORDS = re.compile(r"^(?:单位名称|部门名称|预算单位|实施单位|项目单位|预算部门|主管部门)$")
_FUNDS_WORDS = re.compile(
    r"^(?:项目)?(?:年度)?(?:预算数|预算金额|预算资金|资金总额|预算总额|资金合计|金额)"
    r"(?:\((?:万元|元)\))?$"
)


_HEADER_MAX = 24  # characters of a header cell (merged group headers joined)
_SENTENCE = re.compile(r"[，。；,;！!？?]")


@functools.lru_cache(maxsize=65536)
def _classify(text: str) -> tuple[_Role, Period | None] | None:
    """The role a header cell names (and a target column's period), or None."""
    f = fold(text).rstrip(":：")
    if not f or len(f) > _HEADER_MAX or _SENTENCE.search(f) or _resolve_any(f) is not None:
        return None  # header words are short; prose and taxonomy labels are data
    if PROJECT_INFO.search(f):
        return _Role.IGNORED, None  # what a list of projects says of each project (项目简介 …)
    if _NOTE_WORDS.search(f):
        return _Role.NOTE, None
    if _ACTUAL_WORDS.search(f):
        field_ = _actual_field(f)
        if field_ == "score":
            return _Role.ACTUAL_SCORE, None
        if field_ is not None and field_ not in ("value", "forecast"):
            return _Role.ACTUAL_TEXT, None
        return _Role.ACTUAL, None
    ordered = (
        (_LEVEL1_WORDS, _Role.LEVEL1),
        (_LEVEL2_WORDS, _Role.LEVEL2),
        (_NAME_WORDS, _Role.NAME),
        (_KIND_WORDS, _Role.KIND),
        (_OP_WORDS, _Role.OP),
        (_UNIT_WORDS, _Role.UNIT),
        (_WEIGHT_WORDS, _Role.WEIGHT),
        (_DIRECTION_WORDS, _Role.DIRECTION),
        (_SEQ_WORDS, _Role.SEQ),
        (_FUNCTION_WORDS, _Role.FUNCTION),
        (_WORK_WORDS, _Role.WORK),
        (_OWNER_WORDS, _Role.OWNER),
        (_FUNDS_WORDS, _Role.FUNDS),
    )
    for pattern, role in ordered:
        if pattern.search(f):
            return role, None
    if _TARGET_WORDS.search(f) or _PERIOD_WORDS.match(f):
        return _Role.TARGET, _period(f)
    if _GOAL_WORDS.search(f):
        return _Role.GOAL, None
    if _NAME_WEAK_WORDS.search(f):
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
_ACTUAL_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("score", re.compile(r"得分")),
    ("likelihood", re.compile(r"可能性")),
    ("forecast", re.compile(r"预计")),
    ("reason", re.compile(r"偏差|原因")),
    ("measures", re.compile(r"措施")),
    (
        "value",
        re.compile(r"实际完成|完成值|实际值|当前完成|累计完成|^完成情况$|^实际$|完成数|执行情况"),
    ),
)


@functools.lru_cache(maxsize=4096)
def _actual_field(label: str) -> str | None:
    """Where an actuals column goes (``value``, ``forecast``, ``likelihood``, ``score``,
    ``reason``, ``measures``, ``category`` (the category named), ``category:<经费保障 …>``
    (one column per category)), or None: not imported."""
    f = fold(label)
    for word in _CATEGORY_WORDS:
        if f.endswith(word) and (f == word or "原因" in f or "偏差" in f):
            return f"category:{word}"  # one column per 偏差原因 category, marked ✓
    if re.search(r"率|执行数|等级", f) and "得分" not in f:
        return None  # 完成率, 执行率, 执行数, 自评等级: computed or the funds', not kept here
    if f.endswith("类别") and ("原因" in f or "偏差" in f):
        return "category"  # 偏差原因类别: the category's name in the cell
    return next((key for key, pattern in _ACTUAL_FIELDS if pattern.search(f)), None)


_MARK = re.compile(r"^(?:[√✓✔●■☑Vv]|是|有)$")
# A remark cell (偏差原因分析及改进措施) in parts: ``偏差原因（经费保障）：…``, ``改进措施：…``
# (as jixiao's self-evaluation workbook prints them, one a line, and as units often write
# them, after a ``；``); readers join a cell's lines, so a label is found anywhere.
_REMARK_LABEL = re.compile(
    r"(偏差原因类别|偏差原因(?:[（(]([^（()）]{1,8})[)）])?|原因分析|改进措施|整改措施|人工调整)"
    r"\s*[:：]"
)
# No report: jixiao's reminder of what is missing (always last), the 不适用 marker (first).
_PENDING = re.compile(r"【待补充】.*$", re.S)
_NOT_APPLICABLE = re.compile(r"^不适用[，,]?不计分[。.；;]?")
_MANUAL_REASON = re.compile(r"（理由：(.*?)）(?:；|$)")


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
    body = _PENDING.sub("", text.strip()).strip()
    marker = _NOT_APPLICABLE.match(body)
    if marker is not None:
        body = body[marker.end() :].strip()
    parts: dict[str, str] = {}
    category: DeviationCategory | None = None
    marks = list(_REMARK_LABEL.finditer(body))

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


_POINTS = re.compile(r"^\d{1,3}(?:\.\d+)?$")
_HALF_YEAR_WORDS = re.compile(r"监控|当前|预计|可能性|1-\d月|截至")


# -- taxonomy labels -----------------------------------------------------------------------

_LABEL_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、．]|\d{1,2}\.(?!\d))\s*"
)


def _label_key(text: str) -> str:
    return _LABEL_NUMBERING.sub("", text.strip())


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


# -- operators, units and other cell contents ----------------------------------------------

_OP_TOKEN = re.compile(
    r"^(?:[=＝═≥≧≤≦<>＜＞⩾⩽]|[<>＜＞]\s*[=＝]|==|大于等于|大于或等于|小于等于|小于或等于|"
    r"不低于|不少于|不小于|不高于|不超过|不多于|不大于|大于|小于|高于|低于|等于|多于|少于|超过|"
    r"至少|达到)$"
)
_STARTS_WITH_OP = re.compile(
    r"^(?:[=＝═≥≧≤≦<>＜＞⩾⩽]|大于|小于|不低于|不少于|不小于|不高于|不超过|不多于|不大于|高于|"
    r"低于|等于|多于|少于|超过|至少|达到)"
)
_PLACEHOLDER = frozenset(
    {"/", "-", "--", "—", "——", "－", "\\", "无", "N/A", "n/a", "NA", "不适用"}
)
_KIND_VALUES = re.compile(r"^(?:定量|定性|定量指标|定性指标)$")
_DIRECTION_VALUES = re.compile(
    r"^(?:正向|反向|中性|逆向|正向指标|反向指标|中性指标|越大越好|越小越好)$"
)
_NUMBER_ONLY = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_SEQ_VALUE = re.compile(r"^[（(]?(\d{1,4})[)）]?[.、．]?$")
_MEASURE_CHARS = frozenset(
    "人次个元天日月年件期份户家台场批项座里米吨时分秒周课亩辆册本套间所栋处条宗例张篇部瓶株只头"
    "支把度位名班床%‰㎡²³"
)
_ACTUALS_ROW = re.compile(r"执行数|执行率|得分|实际完成|完成情况|偏差")
# The funds block of a self-evaluation or monitoring table: 年初预算数 · 全年预算数 · 执行数.
_BUDGET_COLUMN = re.compile(r"年初预算|全年预算|调整后预算|预算数|执行数|实际支出")
_BUDGET_KEYS = (
    ("budget_initial", re.compile(r"年初")),
    ("executed", re.compile(r"执行数|实际支出|支出数")),
    ("budget", re.compile(r"全年预算|调整后预算|预算数")),
)


def _budget_key(text: str) -> str | None:
    """The funds figure a heading of the funds block names, or ``execution_reason`` (执行偏差
    原因); None: not one we keep."""
    f = fold(text)
    if re.search(r"偏差|原因", f) and len(f) <= _HEADER_MAX:
        return "execution_reason"
    if not _BUDGET_COLUMN.search(f) or "率" in f:
        return None
    return next((key for key, pattern in _BUDGET_KEYS if pattern.search(f)), None)


_BUDGET_HEADING = re.compile(r"预算|资金|金额")
_MONEY_UNIT = re.compile(r"(?:金额|资金)?(?:单位)?[:：]?(?:万元|元)")
# The unit of a table's amounts: 金额单位：元, 单位：万元, 金额：万元, or a heading of amounts
# with the unit in brackets (项目资金（万元）, 年度资金总额（元）, 预算数（万元）).
_UNIT_PHRASE = re.compile(
    r"(?:(?:金额|货币)?单位|^金额)[:：]?(万元|千元|元)$"
    r"|(?:预算|资金|金额|总额|拨款|结转|预算数)[^()]{0,8}\((万元|千元|元)\)$"
)


@functools.lru_cache(maxsize=65536)
def _money_unit(text: str) -> str | None:
    """The money unit a cell names (元 / 千元 / 万元), or None."""
    f = fold(text)
    if len(f) > 40:
        return None
    match = _UNIT_PHRASE.search(f)
    return next((g for g in match.groups() if g), None) if match else None


# Headings of the prose goals above the indicators (no place for them in the model).
_GOAL_HEADING = re.compile(
    r"^(?:项目)?(?:年度|中长期|长期|总体|预期|整体)?(?:总体|主要)?(?:绩效)?(?:目标|任务)(?:\(.*\))?$"
)
_NOTE_ROW = re.compile(r"^\s*(?:注|说明|备注|填表说明|填报说明)\s*\d?\s*[:：．.、]")
_SUMMARY = re.compile(
    r"^(?:合计|总计|小计|总分|得分合计|分值合计|总体得分|综合得分|合\s*计)[:：]?$"
)
# The grade under a self-evaluation's total (自评等级 | 优): a result computed from the total.
_GRADE_ROW = re.compile(r"^(?:自评|评价|绩效|综合)?(?:等级|评级|评价等级)$")
# A section under the indicators that is not part of them (jixiao's monitoring sheets list
# 监控发现问题 there): the table ends.
_SECTION_END = re.compile(r"^(?:监控|自评|评价|审核)?(?:发现|存在)的?(?:主要)?问题|^问题清单")


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
    op_only = bool(_OP_TOKEN.match(folded))
    parsed = None if op_only else as_value(text)
    value = parsed is not None
    resolved = None if value or op_only else _resolve_any(text)
    kind_word = bool(_KIND_VALUES.match(folded))
    direction_word = bool(_DIRECTION_VALUES.match(folded))
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
        number=bool(_NUMBER_ONLY.match(folded)),
        level=resolved.level if resolved else None,
        parent=resolved.parent if resolved else None,
        legacy_parent=legacy.parent if resolved and (legacy := _legacy_level2(text)) else None,
        kind_word=kind_word,
        direction_word=direction_word,
        unit_like=unit_like,
        seq_like=bool(_SEQ_VALUE.match(folded)),
        short=len(folded) <= 12 and not _SENTENCE.search(folded),
        measure=unit_like and (len(folded) <= 2 or folded[-1] in _MEASURE_CHARS),
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


_SKIP_COST: Mapping[_Role, float] = {
    _Role.NAME: 4.5,  # names are never merged: a row without one is rare
    _Role.NAME_WEAK: 4.5,
    _Role.TARGET: 0.5,
    _Role.WORK: 0.8,  # merged over several goals, so dropped more often than a goal
    _Role.GOAL: 1.0,
}
_UNASSIGNED_COST = 4.0


def _skip_cost(role: _Role, labels_only: bool) -> float:
    if labels_only and role in (_Role.NAME, _Role.NAME_WEAK):
        return 0.0  # a row of labels only (a section row): no name expected
    return _SKIP_COST.get(role, 0.0)


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
) -> tuple[float, tuple[int, ...]]:
    score, at = _best_alignment(feats, roles, context_level1, blocked)
    return score, tuple(at)


def _best_alignment(
    feats: Sequence[_Feat],
    roles: Sequence[_Role],
    context_level1: str | None,
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
    skip = [_skip_cost(role, labels_only) + 0.001 * j for j, role in enumerate(roles)]
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
                push(i + 1, j, 0, here - _UNASSIGNED_COST, (i, j, f, 2))
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


def _aligned_score(row: _Row, header: _Header) -> float:
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
            total -= _UNASSIGNED_COST
            continue
        filled.add(id(col))
        total += _score(feat, col.role, None)
    for j, col in enumerate(header.columns):
        if id(col) not in filled:
            total -= _skip_cost(col.role, labels_only) + 0.001 * j
    return total


def _fits_columns(rows: Sequence[_Row], header: _Header) -> bool:
    """Whether rows of another grid read by the header's columns fit them as well as any
    order-keeping reading by content (a page whose columns moved does not)."""
    roles = [c.role for c in header.columns]
    for row in rows[:20]:
        feats = [_feat(_text(c)) for c in row.own[:_MAX_ROW_CELLS]]
        best, _ = _best_alignment(feats, roles, None)
        if _aligned_score(row, header) < best - 1e-9:
            return False
    return True


# -- fields --------------------------------------------------------------------------------

_FIELD_LABELS: Mapping[str, str] = {
    "项目名称": "name",
    "专项名称": "name",
    "专项资金名称": "name",
    "项目名": "name",
    "主管部门": "department",
    "主管部门及代码": "department",
    "项目主管部门": "department",
    "主管单位": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "预算单位": "unit",
    "项目单位": "unit",
    "单位名称": "unit",
    "部门名称": "unit",
    "部门(单位)名称": "unit",
    "填报单位": "unit",
    "填报单位(盖章)": "unit",
    "申报单位": "unit",
    "申报单位(盖章)": "unit",
    "开始时间": "start",
    "项目开始时间": "start",
    "起始时间": "start",
    "实施开始时间": "start",
    "完成时间": "end",
    "结束时间": "end",
    "项目完成时间": "end",
    "项目结束时间": "end",
    "项目期": "period",
    "项目周期": "period",
    "实施期限": "period",
    "实施周期": "period",
    "项目期限": "period",
    "起止时间": "period",
    "项目起止时间": "period",
    "执行期限": "period",
    "年度资金总额": "funds.total",
    "资金总额": "funds.total",
    "项目资金总额": "funds.total",
    "年度预算总额": "funds.total",
    "财政拨款": "funds.fiscal",
    "当年财政拨款": "funds.fiscal",
    "本年财政拨款": "funds.fiscal",
    "财政资金": "funds.fiscal",
    "上年结转": "funds.carryover",
    "上年结转资金": "funds.carryover",
    "其他资金": "funds.other",
    "项目金额": "funds.total",
    "项目总金额": "funds.total",
    "预算金额": "funds.total",
    "项目预算": "funds.total",
    # The project's goal texts (the label beside or above the text).
    "年度目标": "goal.annual",
    "年度绩效目标": "goal.annual",
    "年度总体目标": "goal.annual",
    "项目年度目标": "goal.annual",
    "项目年度绩效目标": "goal.annual",
    "年度预期目标": "goal.annual",
    "当年绩效目标": "goal.annual",
    "中长期目标": "goal.long",
    "中长期绩效目标": "goal.long",
    "项目中长期目标": "goal.long",
    "长期目标": "goal.long",
    "实施期目标": "goal.long",
    "实施期绩效目标": "goal.long",
    "实施期总目标": "goal.long",
    "总体目标": "goal.long",
    "总体绩效目标": "goal.long",
    "项目总体目标": "goal.long",
}
# Labels printed beside a value that the model has no place for: read and set aside.
_META_LABELS = frozenset(
    {
        "单位",
        "金额单位",
        "填报日期",
        "填报时间",
        "填报人",
        "联系电话",
        "联系人",
        "负责人",
        "项目负责人",
        "审核人",
        "日期",
        "项目属性",
        "项目编码",
        "项目代码",
        "项目类型",
        "项目类别",
        "预算年度",
        "年度",
        "年度目标完成情况",
        "年度目标实际完成情况",
    }
)
_LABEL_TAIL = re.compile(r"(?:\((?:万元|元|盖章|公章)\))+$")
_BRACKET_TAIL = re.compile(r"\([^()]{1,20}\)$")


@functools.lru_cache(maxsize=65536)
def _field_key(text: str) -> str | None:
    """The field (or ``"meta"``) a label cell names, or None when the cell is no label."""
    key = _LABEL_TAIL.sub("", fold(text).rstrip(":："))
    for candidate in (key, key.removeprefix("其中:"), key.removeprefix("其中")):
        if candidate in _FIELD_LABELS:
            return _FIELD_LABELS[candidate]
        if candidate in _META_LABELS:
            return "meta"
    # A goal's label with its period in brackets: 中长期目标（2025年－2027年）.
    found = _FIELD_LABELS.get(_BRACKET_TAIL.sub("", key))
    return found if found is not None and found.startswith("goal.") else None


_INLINE_FIELD = re.compile(r"^\s*([^:：]{1,24}?)\s*[:：]\s*(\S.*)$", re.S)


def _inline_fields(text: str) -> dict[str, str] | None:
    """``项目名称：X`` (or ``项目名称 X`` as text dumps print it) in one cell."""
    found = _inline_fields_cached(text)
    return dict(found) if found is not None else None


@functools.lru_cache(maxsize=65536)
def _inline_fields_cached(text: str) -> tuple[tuple[str, str], ...] | None:
    found = _inline_fields_uncached(text)
    return tuple(found.items()) if found else None


def _inline_fields_uncached(text: str) -> dict[str, str] | None:
    match = _INLINE_FIELD.match(text)
    if match:
        key = _field_key(match.group(1))
        if key is not None:
            return {key: match.group(2).strip()}
    found = parse_fields(text.replace("\n", " "))
    if found:
        return {k: v for k, v in found.items() if v}
    return None


# -- titles --------------------------------------------------------------------------------

# A table's title ends in its kind (a year or unit in brackets may follow).
_TABLE_TITLE = re.compile(
    r"(?:绩效目标(?:申报|设定|批复)?表|目标申报表|自评表|评价表|监控表|监控情况表|"
    r"绩效监控(?:情况)?表|目标表|(?:自评|监控|目标|绩效)汇总表)(?:[(（][^()（）]{0,30}[)）])?$"
)
_YEAR_LINE = re.compile(r"^[（(]?((?:19|20)\d{2})\s*年度?[）)]?$")
_OVERALL_TITLE = re.compile(r"整体")
_TITLE_UNIT_TAIL = re.compile(r"(?:部门单位|部门[（(]单位[）)]|部门|单位)$")
_NUMBERS = re.compile(r"(?:19|20)\d{2}")


def _is_title(text: str) -> bool:
    folded = fold(text)
    if not folded or len(folded) > 80 or _NOTE_ROW.match(text):
        return False
    return bool(_TABLE_TITLE.search(folded))


def _title_year(text: str) -> int | None:
    match = _YEAR_LINE.match(fold(text))
    if match:
        return int(match.group(1))
    return find_year(text) if _is_title(text) else None


def _title_unit(text: str) -> str:
    """The unit named in an overall table's title: the words before the year or 整体."""
    match = re.search(r"(?:19|20)\d{2}\s*年", text)
    if match:
        return text[: match.start()].strip()
    head = re.split(r"整体", text)[0]
    return _TITLE_UNIT_TAIL.sub("", head).strip()


# -- rows of a grid ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of a grid: its own cells and, for aligned grids, what covers each column."""

    grid: int
    index: int
    own: tuple[GridCell, ...]  # cells that start in this row, in column order, non-empty
    cover: Mapping[int, GridCell]  # aligned grids: column (from the grid's first) → cell
    ragged: bool
    lo: int  # the grid's first column
    fallback: Provenance

    def col(self, cell: GridCell) -> int:
        return cell.col - self.lo

    def src(self, cell: GridCell) -> Provenance:
        return cell.source or self.fallback

    @property
    def first(self) -> Provenance:
        return self.src(self.own[0]) if self.own else self.fallback

    def texts(self) -> list[str]:
        return [_text(c) for c in self.own]


def _grid_rows(grid: Grid, gi: int, file: str, *, ragged: bool) -> tuple[list[_Row], int]:
    """The non-empty rows of a grid and its width (columns)."""
    fallback = Provenance(file=file, page=grid.page, sheet=grid.sheet)
    cells = [c for c in grid.cells if _text(c)]
    if not cells:
        return [], 0
    by_row: dict[int, list[GridCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    row_ids = sorted(by_row)
    if ragged:
        rows = [
            _Row(gi, r, tuple(sorted(by_row[r], key=lambda c: c.col)), {}, True, 0, fallback)
            for r in row_ids
        ]
        return rows, max(len(r.own) for r in rows)
    lo = min(0, min(c.col for c in cells))
    hi = max(c.col + min(max(1, c.colspan), _MAX_SPAN) for c in cells)
    cover: dict[int, dict[int, GridCell]] = {r: {} for r in row_ids}
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rowspan = max(1, cell.rowspan)
        colspan = min(max(1, cell.colspan), _MAX_SPAN)
        start = bisect.bisect_left(row_ids, cell.row)
        end = bisect.bisect_left(row_ids, cell.row + rowspan)
        for r in row_ids[start:end]:
            line = cover[r]
            for k in range(cell.col - lo, cell.col - lo + colspan):
                line.setdefault(k, cell)
    rows = [
        _Row(gi, r, tuple(sorted(by_row[r], key=lambda c: c.col)), cover[r], False, lo, fallback)
        for r in row_ids
    ]
    return rows, hi - lo


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


_FOREIGN_HEADER_CELLS = 4  # cells of a row that heads another table


def _foreign_header(row: _Row) -> bool:
    """A row of column titles that are no target table's: four or more text cells, none a
    value or a label, two or more of them header words (序号, 备注 …)."""
    texts = [x for x in (_text(c) for c in row.own) if x]
    feats = [_feat(x) for x in texts]
    if len(texts) < _FOREIGN_HEADER_CELLS or any(
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


_PROJECT_WORDS = re.compile(r"^(?:项目名称|项目)$")
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
            elif role is _Role.WORK and _PROJECT_WORDS.match(fold(c.label)):
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


# -- tables being read ---------------------------------------------------------------------


@dataclass
class _Value:
    text: str
    source: Provenance


@dataclass
class _IndRow:
    """An indicator row as read, before the taxonomy settles its levels."""

    source: Provenance
    l1: _Value | None
    l2: _Value | None
    name: _Value | None
    values: dict[Period, _Value]
    label_only: bool = False
    actuals: dict[str, _Value] = field(default_factory=dict)  # actual field → cell
    # A ragged row of one text cell: a name whose values follow on the next row, or text
    # wrapped from another row; imported only when values join it.
    tentative: bool = False
    # What else the row prints about the indicator: ``nature`` (指标性质), ``direction``
    # (指标方向) and the note columns by field (``basis``, ``explanation``, ``standard``,
    # ``remark``); the 权重 / 分值 is in ``actuals["weight"]``.
    extra: dict[str, _Value] = field(default_factory=dict)


@dataclass
class _GoalRow:
    source: Provenance
    seq: str
    function: str
    work: _Value | None
    goal: str
    target: _Value | None
    actuals: dict[str, _Value] = field(default_factory=dict)  # actual field → cell


@dataclass
class _Table:
    """One table being read: title, fields, header and rows."""

    kind_hint: str | None = None  # "overall" from the title
    year: int | None = None
    # 金额单位 printed for the table (金额单位：元, 项目资金（万元）), and the unit a funds label
    # names itself (年度资金总额（元）) by field.
    money_unit: str | None = None
    field_units: dict[str, str] = field(default_factory=dict)
    titles: list[tuple[str, Provenance]] = field(default_factory=list)
    fields: dict[str, _Value] = field(default_factory=dict)
    header: _Header | None = None
    rows: list[_IndRow] = field(default_factory=list)
    goals: list[_GoalRow] = field(default_factory=list)
    actuals: dict[str, Provenance] = field(default_factory=dict)  # column label → where
    # The funds block of a self-evaluation: headings by grid column (aligned grids) or by
    # position (ragged), and the figures of its 年度资金总额 row read under them.
    budget_heads: list[tuple[str | None, GridCell]] = field(default_factory=list)
    budget: dict[str, _Value] = field(default_factory=dict)
    unused_columns: dict[str, Provenance] = field(default_factory=dict)
    notes: list[tuple[str, str, Provenance]] = field(default_factory=list)  # pre-name warnings
    stray: list[tuple[str, Provenance]] = field(default_factory=list)  # rows before a header
    # A section after the indicators (监控发现问题 …): its heading and the rows under it.
    ended: tuple[str, Provenance] | None = None
    after_end: int = 0
    anchor: Provenance | None = None
    # A block of a list of many projects: the texts of its 项目名称 / 单位名称 / 预算数 /
    # 年度目标 cells (by role), and the first row's text when the block has no project.
    block: dict[_Role, str] = field(default_factory=dict)
    block_row: tuple[str, Provenance] | None = None
    block_at: tuple[int, int] | None = None  # (grid, row) of the block's first row
    # inheritance from the row above (empty level cells)
    cur_l1: _Value | None = None
    cur_l2: _Value | None = None
    above_l1: _Value | None = None  # a category printed left of the 一级 column (实施效果指标)
    cur_seq: str = ""
    cur_function: str = ""
    cur_work: _Value | None = None

    @property
    def has_content(self) -> bool:
        return bool(self.header or self.rows or self.goals or "name" in self.fields)

    @property
    def kind(self) -> str | None:
        if self.header is not None:
            return self.header.kind
        if self.kind_hint == "overall":
            return "overall"
        if "name" in self.fields:
            return "project"
        return None

    def note(self, code: str, message: str, where: Provenance) -> None:
        self.notes.append((code, message, where))
        note(Stage.ROWS, where, "未导入", message)


# -- the interpreter -----------------------------------------------------------------------


class _Reader:
    """Reads the grids row by row into tables (see the module docstring)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.tables: list[_Table] = []
        self.table = _Table()
        self.consumed: set[tuple[int, int, int]] = set()  # (grid, row, col) of field values
        self.found_structure = False
        self.money_unit = ""  # 金额单位 printed above the grid's table (万元 / 元)
        self.sheet: str | None = None  # the workbook sheet read last
        # The last 金额单位 seen and its grid: the next tables of that grid print under it.
        self.unit_seen: tuple[int, str] | None = None
        self.grid_index = -1

    # tables ------------------------------------------------------------------------------

    def start_table(self) -> _Table:
        self.close_table()
        return self.table

    def close_table(self) -> None:
        t = self.table
        if t.has_content or t.fields or t.notes or t.actuals or t.stray:
            self.tables.append(t)
        self.table = _Table()
        if self.unit_seen is not None and self.unit_seen[0] == self.grid_index:
            self.table.money_unit = self.unit_seen[1]

    # grids -------------------------------------------------------------------------------

    def read_grid(self, gi: int, grid: Grid) -> None:
        self.grid_index = gi
        wide = unpivot_wide(grid)
        if wide is not None:
            # Case ``wide table``: a project per row (block), indicators across; read as the
            # stacked forms it is rewritten into, a table of its own (see jixiao.ingest._wide).
            grid = wide
            self.start_table()
        rows, width = _grid_rows(grid, gi, self.file, ragged=grid.ragged)
        self.money_unit = ""
        first = rows[0].first if rows else Provenance(self.file, grid.page, sheet=grid.sheet)
        t = self.table
        if t.stray and not (t.has_content or t.fields or t.titles):
            t = self.start_table()  # a grid of other text before: a table of its own
        elif t.kind_hint == "summary":
            t = self.start_table()  # a summary sheet continues nowhere
        elif (
            grid.sheet is not None
            and self.sheet is not None
            and grid.sheet != self.sheet
            and not any(_is_header_row(r) for r in rows[:_HEADER_SCAN])
        ):
            # A sheet without indicator headers (a budget sheet after the targets) continues
            # no table: its rows are its own, reported, never the last table's indicators.
            t = self.start_table()
        self.sheet = grid.sheet
        if active():
            kind = "按内容对齐的文本行" if grid.ragged else f"{width} 列的表格"
            note(Stage.TABLE, first, f"第 {gi + 1} 个区域：{len(rows)} 行，{kind}")
        if rows and t.header is not None and self.is_data_row(rows[0]):
            note(Stage.TABLE, first, "续接上一表格", "区域以数据行开始，上一表格已有表头")
            # A grid that starts with data continues the table before it (a page break);
            # a title repeated above it (a running page head) does not start a new table.
            self.read_titles(grid, first, continuing=True)
            if (
                not grid.ragged
                and not t.header.ragged
                and width != t.header.width
                and not _fits_columns(rows, t.header)
            ):
                t.note(
                    AMBIGUOUS_ROWS,
                    f"表格续接：本表格没有表头，列数（{width}）与上一表格（{t.header.width}）"
                    "不同，按内容续接上一表格",
                    rows[0].first,
                )
                t.header = t.header.as_ragged()
            if t.header.ragged and not grid.ragged:
                rows, width = _grid_rows(grid, gi, self.file, ragged=True)
        else:
            self.read_titles(grid, first, continuing=False)
        k = 0
        while k < len(rows):
            k = self.read_row(rows, k, width)

    def read_titles(self, grid: Grid, where: Provenance, *, continuing: bool) -> None:
        """Title lines printed above the grid: a table title, a year, fields."""
        started = continuing
        for raw in grid.title:
            text = clean(raw)
            if not text:
                continue
            is_title = _is_title(text) or bool(_YEAR_LINE.match(fold(text)))
            found = None if is_title else _inline_fields(text)
            if not is_title and not found:
                continue
            if continuing:
                year = _title_year(text) if is_title else None
                if year is not None and self.table.year is None:
                    self.table.year = year
            elif not started and self.table.has_content:
                self.start_table()
            started = True
            if is_title and not continuing:
                self.add_title(text, where)
            for key, value in (found or {}).items():
                self.set_field(key, _Value(value, where))

    def add_title(self, text: str, where: Provenance) -> None:
        t = self.table
        t.titles.append((text, where))
        t.anchor = t.anchor or where
        year = _title_year(text)
        if year is not None and t.year is None:
            t.year = year
        folded = fold(text)
        if _is_title(text) and _OVERALL_TITLE.search(folded):
            t.kind_hint = "overall"
        if _is_title(text) and "汇总" in folded:
            t.kind_hint = "summary"  # a list of tables (…汇总表), no table of its own

    def set_field(self, key: str, value: _Value) -> None:
        if key == "meta":
            return
        t = self.table
        if key == "name" and value.text:
            self.found_structure = True
        if key not in t.fields or not t.fields[key].text:
            t.fields[key] = value
        t.anchor = t.anchor or value.source

    # rows --------------------------------------------------------------------------------

    def is_data_row(self, row: _Row) -> bool:
        texts = row.texts()
        if len(texts) <= 2 and any(_is_title(x) or _YEAR_LINE.match(fold(x)) for x in texts):
            return False
        if _is_header_row(row) is not None:
            return False
        return not _field_cells(row)

    def read_row(self, rows: Sequence[_Row], k: int, width: int) -> int:
        """Read the row at k (and the header rows below it); the index of the next row."""
        row = rows[k]
        own = [c for c in row.own if (row.grid, c.row, c.col) not in self.consumed]
        if not own:
            return k + 1
        row = replace(row, own=tuple(own))
        texts = row.texts()
        t = self.table
        unit = next((u for x in texts if (u := _money_unit(x)) is not None), None)
        if unit is not None:
            self.unit_seen = (row.grid, unit)
            if t.header is None:
                t.money_unit = unit

        # A title row: one cell naming a table (maybe with a meta cell), or a year line.
        if len(texts) <= 2 and any(_is_title(x) for x in texts):
            note(
                Stage.TABLE,
                row.first,
                "标题行" + ("，开始新表格" if t.has_content else ""),
                " | ".join(texts),
            )
            if t.has_content:
                self.start_table()
            for x in texts:
                if _is_title(x) or _YEAR_LINE.match(fold(x)):
                    self.add_title(x, row.first)
                else:
                    for key, value in (_inline_fields(x) or {}).items():
                        self.set_field(key, _Value(value, row.first))
            return k + 1
        if len(texts) == 1 and _YEAR_LINE.match(fold(texts[0])):
            self.add_title(texts[0], row.first)
            return k + 1

        if t.ended is not None and not any(key == "name" for key, _ in _field_cells(row)):
            note(Stage.ROWS, row.first, "跳过", f"在“{_shown(t.ended[0])}”之后，不属于指标表")
            t.after_end += 1  # under a section that is not the table's (监控发现问题 …)
            return k + 1

        # A header row, with the rows of sub-headers below it.
        kind = _is_header_row(row)
        if kind is not None:
            header_rows = [row]
            j = k + 1
            while j < len(rows) and _is_subheader_row(rows[j]):
                header_rows.append(rows[j])
                j += 1
            header = (
                _ragged_header(header_rows, kind)
                if row.ragged
                else _aligned_header(header_rows, kind, width)
            )
            self.found_structure = True
            if t.header is not None and (t.rows or t.goals):
                if header.signature() == t.header.signature():
                    note(Stage.COLUMNS, row.first, "表头重复（换页），续接同一表格")
                    return j  # the header printed again (a new page of the same table)
                t = self.start_table()
            if active():
                note(Stage.COLUMNS, row.first, f"表头（{j - k} 行）", _describe(header))
            t.header = header
            t.anchor = t.anchor or row.first
            return j

        if t.rows and _foreign_header(row):
            # Case ``another table follows``: the header of a table that is no target table
            # (序号 | 学校性质 | 培训机构 | … | 备注) ends this one.
            note(Stage.TABLE, row.first, "指标表结束", "另一张表格的表头")
            t.ended = (" | ".join(texts), row.first)
            return k + 1

        for text in texts:
            money = _MONEY_UNIT.fullmatch(fold(text))
            if money is not None:
                self.money_unit = "万元" if "万元" in money.group(0) else "元"
        if self.read_fields(row, rows[k + 1] if k + 1 < len(rows) else None):
            return k + 1
        t = self.table
        if t.header is not None and len(texts) == 1 and _SECTION_END.match(fold(texts[0])):
            note(Stage.TABLE, row.first, "指标表结束", f"“{_shown(texts[0])}”开始另一部分")
            t.ended = (texts[0], row.first)
            return k + 1
        if t.header is None:
            self.pre_header_row(row, texts)
        elif t.header.kind == "overall":
            self.goal_row(row)
        else:
            self.indicator_row(row)
        return k + 1

    def read_fields(self, row: _Row, below: _Row | None) -> bool:
        """Read a field row (labels with values beside, below or inline); False if none."""
        found = _field_cells(row)
        if not found:
            return False
        t = self.table
        if (
            t.header is not None
            and any(_feat(_text(c)).value for c in row.own)
            and not any(key in ("name", "inline") for key, _ in found)
        ):
            return False  # in the data area a row with values is a data row
        label_ids = {id(cell) for _, cell in found}
        pairs: list[tuple[str, _Value]] = []
        goals_above = _goal_texts_below(row, found, below)
        if goals_above is not None:
            assert below is not None
            for key, cell in goals_above:
                self.consumed.add((below.grid, cell.row, cell.col))
                pairs.append((key, _Value(_text(cell), below.src(cell))))
            found = []
        for key, cell in found:
            if key == "inline":
                for k2, v in (_inline_fields(_text(cell)) or {}).items():
                    pairs.append((k2, _Value(v, row.src(cell))))
                continue
            value_cell = _beside(row, cell, label_ids)
            if (
                value_cell is None
                and below is not None
                and (len(found) == len(row.own) or key.startswith("goal."))
            ):
                value_cell = _under(row, cell, below)
            if value_cell is not None and key == "name" and _column_heading(_text(value_cell)):
                value_cell = None  # 项目名称 | 金额: a budget table's headings, no project
            if value_cell is not None:
                self.consumed.add((row.grid, value_cell.row, value_cell.col))
                pairs.append((key, _Value(_text(value_cell), row.src(value_cell))))
                label_unit = _money_unit(_text(cell)) if key.startswith("funds.") else None
                if label_unit is not None:
                    t.field_units.setdefault(key, label_unit)
            elif key == "name":
                pairs.append((key, _Value("", row.src(cell))))
        # A key twice in one row: the later one counts (中期资金总额 … 年度资金总额 side by
        # side in the central template, the year's figures on the right).
        pairs = list({key: v for key, v in pairs if v.text or key == "name"}.items())
        new_name = any(key == "name" and v.text for key, v in pairs)
        repeated = any(
            key != "meta" and v.text and key in t.fields and t.fields[key].text for key, v in pairs
        )
        if t.budget_heads and any(key == "funds.total" for key, _ in found):
            self.read_budget(row, next(c for key, c in found if key == "funds.total"))
        busy = bool(t.rows or t.goals)
        named = "name" in t.fields and bool(t.fields["name"].text)
        starts = (new_name and (named or busy)) or (repeated and busy)
        if active():
            shown = "；".join(f"{key}=“{_shown(v.text)}”" for key, v in pairs)
            why = ""
            if starts:
                why = "新的项目名称，开始新表格" if new_name else "字段再次出现，开始新表格"
            note(Stage.PROJECTS if starts else Stage.TABLE, row.first, f"字段行：{shown}", why)
        if starts:
            self.start_table()
        for key, value in pairs:
            self.set_field(key, value)
        return True

    def read_budget(self, row: _Row, label: GridCell) -> None:
        """The 年度资金总额 row of a funds block: each figure under its heading (by column,
        or by position when the dump dropped the empty and merged cells)."""
        t = self.table
        heads = t.budget_heads
        if row.ragged:
            cells = list(row.own[row.own.index(label) + 1 :])
            if not cells or len(cells) > len(heads):
                return
            pairs = [
                (key, cell) for (key, _), cell in zip(heads[-len(cells) :], cells, strict=True)
            ]
        else:
            cells = [c for c in row.own if c.col > label.col]
            pairs = []
            for key, head in heads:
                span = range(head.col, head.col + max(1, head.colspan))
                cell = next((c for c in cells if c.col in span), None)
                if cell is not None:
                    pairs.append((key, cell))
        for key, cell in pairs:
            text = _text(cell)
            if key == "execution_reason":
                text = _PENDING.sub("", text).strip()
                if text and text not in _PLACEHOLDER:
                    t.budget.setdefault(key, _Value(text, row.src(cell)))
            elif key is not None and parse_amount(text) is not None:
                t.budget.setdefault(key, _Value(text, row.src(cell)))

    def pre_header_row(self, row: _Row, texts: list[str]) -> None:
        """A row before any header: headings of actuals (a self-evaluation's 预算执行情况)
        are noted, headings and placeholders skipped, anything else reported."""
        t = self.table
        actuals_row = bool(_ACTUALS_ROW.search(fold(" ".join(texts))))
        if actuals_row and any(_BUDGET_COLUMN.search(fold(x)) for x in texts):
            t.budget_heads = [(_budget_key(x), c) for c, x in zip(row.own, texts, strict=True)]
        rest: list[str] = []
        for cell, text in zip(row.own, texts, strict=True):
            f = fold(text)
            heading = len(f) <= _HEADER_MAX and not _SENTENCE.search(f)
            if actuals_row and heading and _ACTUAL_WORDS.search(f):
                if _budget_key(text) is None:
                    t.actuals.setdefault(text, row.src(cell))
            elif actuals_row and heading and (_classify(text) or _BUDGET_HEADING.search(f)):
                continue  # the budget columns' headings (年初预算数, 分值 …)
            elif not (f in _PLACEHOLDER or _MONEY_UNIT.fullmatch(f) or _GOAL_HEADING.match(f)):
                rest.append(text)
        if rest:
            note(Stage.TABLE, row.first, "表头之前的文字，不是指标行", " | ".join(rest))
            t.stray.append((" | ".join(rest), row.first))

    # data rows ---------------------------------------------------------------------------

    def cells_by_column(self, row: _Row) -> tuple[list[_Placed], list[GridCell]]:
        """Every column the row fills with its cell, and the cells in no column."""
        t = self.table
        assert t.header is not None
        header = t.header
        placed: list[_Placed] = []
        if row.ragged or header.ragged:
            own = list(row.own[:_MAX_ROW_CELLS])
            left: list[GridCell] = list(row.own[_MAX_ROW_CELLS:])
            context = _resolve_any(t.cur_l1.text) if t.cur_l1 is not None else None
            roles = [c.role for c in header.columns]
            feats = [_feat(_text(c)) for c in own]
            blocked: frozenset[int] = frozenset()
            if header.kind == "overall" and _Role.SEQ in roles and feats and not feats[0].seq_like:
                # No 序号: the row continues the function above (its cells merged, dropped).
                blocked = frozenset(
                    k for k, r in enumerate(roles) if r in (_Role.SEQ, _Role.FUNCTION)
                )
            at = _cached_alignment(
                tuple(feats), tuple(roles), context.name if context else None, blocked
            )[1]
            by_column: dict[int, list[GridCell]] = {}
            for cell, k in zip(own, at, strict=True):
                if k < 0:
                    left.append(cell)
                else:
                    by_column.setdefault(k, []).append(cell)
            for k, cells in by_column.items():
                cell = cells[0]
                if len(cells) > 1:  # one cell the dump split in two: joined again
                    cell = replace(cell, text=join_wrapped(_text(c) for c in cells))
                placed.append(_Placed(header.columns[k], cell, True))
            return placed, left
        seen: set[int] = set()
        for col in header.columns:
            mine: list[GridCell] = []
            for k in col.cols:
                covering = row.cover.get(k)
                if covering is None or any(covering is c for c in mine):
                    continue
                mine.append(covering)
                placed.append(_Placed(col, covering, covering.row == row.index))
                seen.add(id(covering))
        return placed, [c for c in row.own if id(c) not in seen]

    def note_columns(self, row: _Row, placed: list[_Placed], left: list[GridCell]) -> None:
        t = self.table
        for p in placed:
            if not p.own:
                continue
            if p.col.role in _ACTUAL_ROLES and _actual_field(p.col.label) is None:
                t.actuals.setdefault(p.col.label, p.col.source or row.src(p.cell))
            elif (
                (p.col.role is _Role.NOTE and _note_field(p.col.label) is None)
                or (p.col.role is _Role.UNKNOWN and not _FUNDS_COLUMN.search(fold(p.col.label)))
                or (
                    p.col.role is _Role.IGNORED
                    and _text(p.cell) != p.col.label
                    and _resolve_any(_text(p.cell)) is None
                    and not (t.header is not None and _project_goal_column(p.col, t.header))
                )
            ):
                t.unused_columns.setdefault(p.col.label, p.col.source or row.src(p.cell))
        for cell in left:
            t.note(UNUSED_TEXT, f"“{_shown(_text(cell))}”不在任何已知的列中，未导入", row.src(cell))

    def note_row(self, row: _Row, texts: list[str]) -> bool:
        """A row that is a note under or inside the table (注：…, or one cell spread over
        the name and value columns): reported, not read as data."""
        t = self.table
        assert t.header is not None
        if len(row.own) != 1:
            return False
        if _NOTE_ROW.match(texts[0]):
            t.note(UNUSED_TEXT, f"“{_shown(texts[0])}”是表格的说明，未导入", row.first)
            return True
        if row.ragged or t.header.ragged or _resolve_any(texts[0]) is not None:
            return False
        cell = row.own[0]
        start = cell.col - row.lo
        covered = set(range(start, start + min(max(1, cell.colspan), _MAX_SPAN)))
        roles = {c.role for c in t.header.columns if covered & set(c.cols)}
        data = {_Role.TARGET, _Role.NAME, _Role.NAME_WEAK, _Role.WORK, _Role.GOAL}
        if len(roles - {_Role.IGNORED, _Role.UNKNOWN}) >= 2 and roles & data:
            t.note(UNUSED_TEXT, f"“{_shown(texts[0])}”跨越多列，不是指标行，未导入", row.first)
            return True
        return False

    def summary_row(self, row: _Row, texts: list[str]) -> bool:
        """A total row (合计 / 总分 …, 自评等级): no indicator; other text on it is reported."""
        at = next(
            (
                k
                for k, x in enumerate(texts[:2])
                if _SUMMARY.match(fold(x)) or _GRADE_ROW.match(fold(x))
            ),
            None,
        )
        if at is None:
            return False
        note(Stage.ROWS, row.first, "合计行，不是指标", f"“{_shown(texts[at])}”")
        if _GRADE_ROW.match(fold(texts[at])):
            # 自评等级 | 优 — a result, reported with the actuals.
            self.table.actuals.setdefault(texts[at], row.src(row.own[at]))
            return True
        rest = [
            (x, c)
            for k, (x, c) in enumerate(zip(texts, row.own, strict=True))
            if k != at and not _feat(x).value and not _feat(x).number
        ]
        for text, cell in rest:
            if _ACTUAL_WORDS.search(fold(text)) or "等级" in text:
                # 自评等级：优 — a result, reported with the actuals.
                self.table.actuals.setdefault(re.split(r"[:：]", text)[0], row.src(cell))
            else:
                self.table.note(UNUSED_TEXT, f"合计行中的“{_shown(text)}”未导入", row.src(cell))
        return True

    def split_ragged(self, row: _Row) -> list[_Row] | None:
        """A ragged row that holds two indicator rows run together (a text dump that lost
        a line break): its two parts, when reading them apart fits the columns far better."""
        t = self.table
        assert t.header is not None
        if not (row.ragged or t.header.ragged) or not 4 <= len(row.own) <= _MAX_SPLIT:
            return None
        roles = [c.role for c in t.header.columns]
        feats = [_feat(_text(c)) for c in row.own]
        resolved = _resolve_any(t.cur_l1.text) if t.cur_l1 is not None else None
        context = resolved.name if resolved is not None else None
        whole, at = _cached_alignment(tuple(feats), tuple(roles), context, frozenset())
        if all(k >= 0 for k in at):
            return None
        best: tuple[float, int] | None = None
        for k in range(2, len(feats) - 1):
            if not any(f.value for f in feats[:k]) or not any(f.value for f in feats[k:]):
                continue
            score = (
                _best_alignment(feats[:k], roles, context)[0]
                + _best_alignment(feats[k:], roles, context)[0]
            )
            if score > whole + 2.0 and (best is None or score > best[0]):
                best = (score, k)
        if best is None:
            return None
        k = best[1]
        note(
            Stage.ROWS,
            row.first,
            f"一行拆成两行（前 {k} 格、后 {len(row.own) - k} 格）",
            f"两行分开读与列的吻合度 {best[0]:.1f}，高于整行读的 {whole:.1f}",
        )
        return [replace(row, own=row.own[:k]), replace(row, own=row.own[k:])]

    def indicator_row(self, row: _Row) -> None:
        t = self.table
        assert t.header is not None
        texts = row.texts()
        if self.summary_row(row, texts) or self.note_row(row, texts):
            return  # a total row (合计 / 总分) or a note: no indicator
        if _score_pairs(texts):
            # Case ``score list``: item | 10分 | item | 10分 — the points an evaluation gave
            # (分值 / 得分), never targets.
            note(Stage.ROWS, row.first, "跳过", "评分项与分数，不是指标行")
            t.note(UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”是评分结果，未导入", row.first)
            return
        if any(len(CHECKBOX.findall(x)) >= 2 for x in texts):
            # Case ``form fields``: a row of tick boxes (优秀□ 良好□ …) is a form's field.
            note(Stage.ROWS, row.first, "跳过", "勾选框表单字段，不是指标行")
            t.note(UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”是表单的勾选项，未导入", row.first)
            return
        parts = self.split_ragged(row)
        if parts is not None:
            for part in parts:
                self.indicator_row(part)
            return
        placed, left = self.cells_by_column(row)
        if not (row.ragged or t.header.ragged) and _shifted_right(placed):
            # Case ``row shifted right``: an extra cell at the start pushed the row one
            # column on (the level 1 in the 二级 column, the level 2 in the name's): read
            # one column to the left, and say so.
            t.note(
                AMBIGUOUS_ROWS,
                f"“{_shown(' | '.join(texts))}”比表头多出一格、整行右移，按左移一格读取",
                row.first,
            )
            row = replace(row, cover={k - 1: c for k, c in row.cover.items() if k >= 1})
            placed, left = self.cells_by_column(row)
        t = self.new_block(row, placed)
        assert t.header is not None
        self.note_columns(row, placed, left)
        if (
            t.block_at == (row.grid, row.index)
            and _Role.PROJECT in t.block
            and _no_indicator(placed)
        ):
            # Case ``project row``: the project named on a row of its own (项目名称, 金额,
            # 项目完成目标 …), its indicator cells empty or dashes; its indicators follow.
            note(Stage.PROJECTS, row.first, "项目行，没有指标", "指标列为空或占位符（-、/、无）")
            return

        def first(role: _Role) -> _Placed | None:
            return next((p for p in placed if p.col.role is role), None)

        l1, l2 = first(_Role.LEVEL1), first(_Role.LEVEL2)
        if l1 is not None and l2 is not None and l1.cell is l2.cell:
            l2 = None  # one cell merged across both columns: no level 2 printed
        name_role = _Role.NAME if t.header.has(_Role.NAME) else _Role.NAME_WEAK
        labels = {id(p.cell) for p in (l1, l2) if p is not None}
        name_cells = [p for p in placed if p.col.role is name_role and id(p.cell) not in labels]
        op = _operator(placed)
        unit = next((_text(p.cell) for p in placed if p.col.role is _Role.UNIT), "")
        # A label cell spread over further columns (a section row) is no name or value.
        values = _period_values(row, [p for p in placed if id(p.cell) not in labels], op, unit)
        name = (
            _Value(join_wrapped(_text(p.cell) for p in name_cells), row.src(name_cells[0].cell))
            if name_cells
            else None
        )
        actual_cells = _actual_cells(row, placed, labels)
        mine = [p for p in placed if p.own]
        label_only = False
        if name is None and not values:
            if not mine:
                return  # only merged cells from above
            own_labels = [p for p in mine if p.col.role in (_Role.LEVEL1, _Role.LEVEL2)]
            others = [
                p
                for p in mine
                if id(p.cell) not in labels and p.col.role not in (_Role.IGNORED, _Role.REPEATED)
            ]
            if own_labels and not all(_resolve_any(_text(p.cell)) for p in own_labels):
                # Text in the level columns that is no label, without a name or a value
                # (评价结论 | …, 存在问题 | … under a self-evaluation): no indicator.
                t.note(
                    UNUSED_TEXT,
                    f"“{_shown(' | '.join(texts))}”不是已知的指标名称，也没有指标值，未导入",
                    row.first,
                )
                return
            if own_labels and not others:
                if not all(_resolve_any(_text(p.cell)) for p in own_labels):
                    t.note(
                        UNUSED_TEXT,
                        f"“{_shown(' | '.join(texts))}”不是已知的指标名称，也没有指标值，未导入",
                        row.first,
                    )
                    return
                label_only = True  # a section row: its labels head the rows below
            elif not own_labels:
                t.note(
                    UNUSED_TEXT,
                    f"“{_shown(' | '.join(texts))}”没有三级指标名称和指标值，未导入",
                    row.first,
                )
                return

        # Levels: merged cells cover their rows; empty cells inherit from the row above.
        l1v = _Value(_text(l1.cell), row.src(l1.cell)) if l1 is not None else None
        l2v = _Value(_text(l2.cell), row.src(l2.cell)) if l2 is not None else None
        if l1 is not None and l2 is None and l1v is not None and _level1_of(l1v.text):
            # Case ``category above level 1``: a label the taxonomy does not know printed
            # left of a level-1 label (实施效果指标 | 产出指标 | name): the printed levels
            # sit one column right — the known label is the row's level 2.
            before = [
                p
                for p in mine
                if p.col.role in (_Role.IGNORED, _Role.UNKNOWN)
                and row.col(p.cell) < row.col(l1.cell)
                and _resolve_any(_text(p.cell)) is None
                and LEVEL_LABEL.fullmatch(fold(_text(p.cell)))
            ]
            if before:
                t.above_l1 = _Value(_text(before[-1].cell), row.src(before[-1].cell))
            if t.above_l1 is not None:
                l1v, l2v = t.above_l1, l1v
        if l1v is None:
            l1v = t.cur_l1
            if l2v is None:
                l2v = t.cur_l2
            elif l1v is not None and _parent_of(l2v.text) not in (None, _level1_of(l1v.text)):
                l1v = None  # the level 1 above does not reach this row: its level 2 says
        elif (
            l2v is None
            and t.cur_l2 is not None
            and (
                (t.cur_l1 is not None and l1v.text == t.cur_l1.text)
                or _parent_of(t.cur_l2.text) == _level1_of(l1v.text)
            )
        ):
            # The level 2 above belongs to this level 1: a merged cell whose label was
            # printed in the middle of it (the level 1 centred lower down).
            l2v = t.cur_l2
        if (
            l2 is None
            and not t.header.has(_Role.LEVEL2)
            and name is not None
            and _two_level_name(name.text)
        ):
            l2v = name  # a two-level table: the name is the level-2 label
        if l1 is not None or l2 is not None:
            t.cur_l1, t.cur_l2 = l1v, l2v
        if active():
            carried = [
                f"{level}“{v.text}”"
                for level, printed, v in (("一级", l1, l1v), ("二级", l2, l2v))
                if printed is None and v is not None
            ]
            if carried:
                note(
                    Stage.LEVELS,
                    row.first,
                    "沿用上方的" + "、".join(carried),
                    "本行没有印出这一层级（合并单元格或空单元格）",
                )
        if label_only:
            note(Stage.ROWS, row.first, "层级行", f"{_levels_text(l1v, l2v)}，作用于下面的行")
            t.rows.append(_IndRow(row.first, l1v, l2v, None, {}, label_only=True))
            return
        if name is None and values and t.rows:
            prev = t.rows[-1]
            if prev.name is not None and not prev.values and not prev.label_only:
                note(
                    Stage.ROWS,
                    row.first,
                    f"指标值并入上一行“{_shown(prev.name.text)}”",
                    "本行只有指标值，上一行只有名称（换页或折行断开的一行）",
                )
                prev.values.update(values)  # a row cut by a page break: its values
                for key, cell in actual_cells.items():
                    prev.actuals.setdefault(key, cell)
                prev.tentative = False
                return
        tentative = (row.ragged or t.header.ragged) and not values and len(mine) == 1
        if tentative and name is not None and self.prose_remark(name):
            note(Stage.ROWS, row.first, "作为上一行的偏差原因/改进措施", "单独成行的一句话")
            return
        if active():
            _explain_row(row, name, l1v, l2v, values, placed, tentative=tentative)
        t.rows.append(
            _IndRow(
                row.first,
                l1v,
                l2v,
                name,
                values,
                actuals=actual_cells,
                tentative=tentative,
                extra=self.indicator_extras(row, placed, labels),
            )
        )

    def indicator_extras(
        self, row: _Row, placed: Sequence[_Placed], skip: set[int]
    ) -> dict[str, _Value]:
        """The row's 指标性质, 指标方向 and note texts by field; the table's 年度目标 and
        预算数 where the header has columns for them (a list of projects prints them on the
        first row of each project)."""
        t = self.table
        assert t.header is not None
        found: dict[str, _Value] = {}
        for p in placed:
            text = _text(p.cell)
            if not text or id(p.cell) in skip or fold(text) in _PLACEHOLDER:
                continue
            key: str | None = None
            if p.col.role is _Role.KIND:
                key = "nature"
            elif p.col.role is _Role.DIRECTION:
                key = "direction"
            elif p.col.role is _Role.NOTE:
                key = _note_field(p.col.label)
            elif _project_goal_column(p.col, t.header):
                if "goal.annual" not in t.fields:
                    t.fields["goal.annual"] = _Value(text, row.src(p.cell))
            elif (
                p.col.role is _Role.UNKNOWN
                and _FUNDS_COLUMN.search(fold(p.col.label))
                and "funds.total" not in t.fields
                and parse_amount(text) is not None
            ):
                t.fields["funds.total"] = _Value(text, row.src(p.cell))
                label_unit = _money_unit(p.col.label)
                if label_unit is not None:
                    t.field_units.setdefault("funds.total", label_unit)
            if key is not None:
                found.setdefault(key, _Value(text, row.src(p.cell)))
        return found

    def new_block(self, row: _Row, placed: Sequence[_Placed]) -> _Table:
        """A list of many projects (单位名称 · 项目名称 · 预算数 · 年度目标 columns): a row whose
        own cells in those columns start a merged cell or change their text begins the next
        project, which gets the table's header and the block's name, unit, funds and goal.
        The table the row belongs to."""
        t = self.table
        block = [p for p in placed if p.col.role in _BLOCK_ROLES and _text(p.cell)]
        # The block is named by its 项目名称 / 单位名称 cells; 预算数 and 年度目标 are what
        # it says of itself (a funds column repeated on every row starts nothing).
        own = [p for p in block if p.own and p.col.role in (_Role.PROJECT, _Role.OWNER)]
        # One cell alone on its row (a note under the table spread over the first
        # columns, a unit's name) starts no block: a block row has more to say.
        cells = {id(p.cell) for p in own}
        alone = len(cells) == 1 and all(id(c) in cells for c in row.own)
        if (
            not own
            or alone
            or not any(p.cell.rowspan > 1 or t.block.get(p.col.role) != _text(p.cell) for p in own)
        ):
            return t
        if t.rows or t.block:
            header, year, titles = t.header, t.year, t.titles
            t = self.start_table()
            t.header, t.year, t.titles = header, year, list(titles)
        t.block = {p.col.role: _text(p.cell) for p in block}
        t.block_at = (row.grid, row.index)
        t.anchor = row.first
        keys = {_Role.PROJECT: "name", _Role.OWNER: "unit", _Role.GOAL: "goal.annual"}
        for p in block:
            text = _text(p.cell)
            if p.col.role is _Role.FUNDS:
                unit = "万元" if "万元" in p.col.label else "元" if "元" in p.col.label else ""
                unit = unit or self.money_unit
                if _NUMBER_ONLY.match(fold(text).replace(",", "")) and unit:
                    text += unit
                key, value = "funds.total", _Value(text, row.src(p.cell))
            else:
                key, value = keys[p.col.role], _Value(text, row.src(p.cell))
            self.set_field(key, value)
            t.fields[key] = value  # the block's own cell, over a field printed above the list
        if _Role.PROJECT not in t.block:
            shown = [_text(p.cell) for p in block if p.own]
            t.block_row = (" | ".join(shown), row.first)
        return t

    def prose_remark(self, text: _Value) -> bool:
        """A lone sentence after an indicator row of a ragged table with a 偏差原因 /
        改进措施 column: that row's remark (a dump that put the cell on its own line)."""
        t = self.table
        assert t.header is not None
        remark = next(
            (
                _actual_field(c.label)
                for c in reversed(t.header.columns)
                if c.role is _Role.ACTUAL_TEXT and _actual_field(c.label) in ("reason", "measures")
            ),
            None,
        )
        prev = t.rows[-1] if t.rows else None
        if (
            remark is None
            or prev is None
            or prev.label_only
            or not prev.values
            or remark in prev.actuals
            or not _SENTENCE.search(text.text)
        ):
            return False
        prev.actuals[remark] = text
        return True

    def goal_row(self, row: _Row) -> None:
        t = self.table
        assert t.header is not None
        texts = row.texts()
        if self.summary_row(row, texts) or self.note_row(row, texts):
            return
        placed, left = self.cells_by_column(row)
        self.note_columns(row, placed, left)

        def first(role: _Role) -> _Placed | None:
            return next((p for p in placed if p.col.role is role), None)

        seq, function, work, goal = (
            first(_Role.SEQ),
            first(_Role.FUNCTION),
            first(_Role.WORK),
            first(_Role.GOAL),
        )
        op = _operator(placed)
        unit = next((_text(p.cell) for p in placed if p.col.role is _Role.UNIT), "")
        values = _period_values(row, placed, op, unit)
        target = values.get(Period.FULL_YEAR) or next(iter(values.values()), None)
        mine = [p for p in placed if p.own]
        heads_only = all(p.col.role in (_Role.SEQ, _Role.FUNCTION) for p in mine)
        if goal is None and target is None and not heads_only and (work is None or not work.own):
            t.note(
                UNUSED_TEXT, f"“{_shown(' | '.join(texts))}”没有工作及年度目标，未导入", row.first
            )
            return
        if target is None and seq is None and (row.ragged or t.header.ragged) and not heads_only:
            # Text dumps: a row of text without its target is a cell wrapped onto a line
            # of its own more often than a goal.
            t.note(
                UNUSED_TEXT,
                f"“{_shown(' | '.join(texts))}”没有目标值，可能是上一行折行的文字，未导入",
                row.first,
            )
            return
        if seq is not None:
            match = _SEQ_VALUE.match(fold(_text(seq.cell)))
            t.cur_seq = match.group(1) if match else _text(seq.cell)
        if function is not None and _text(function.cell) != t.cur_function:
            t.cur_function = _text(function.cell)
            t.cur_work = None
        if work is not None:
            t.cur_work = _Value(_text(work.cell), row.src(work.cell))
        if goal is None and target is None:
            return  # a function's own row: its work items follow
        work_value = t.cur_work if t.header.has(_Role.WORK) else None
        texts_of = {id(p.cell) for p in (seq, function, work, goal) if p is not None}
        if active():
            shown = _text(goal.cell) if goal is not None else ""
            note(
                Stage.ROWS,
                row.first,
                f"年度目标“{_shown(shown)}”",
                f"职能“{_shown(t.cur_function)}”，工作任务“"
                f"{_shown(work_value.text) if work_value else ''}”，"
                f"目标值“{_shown(target.text) if target else ''}”",
            )
        t.goals.append(
            _GoalRow(
                row.first,
                t.cur_seq,
                t.cur_function,
                work_value,
                _text(goal.cell) if goal is not None else "",
                target,
                _actual_cells(row, placed, texts_of),
            )
        )


@dataclass(frozen=True, slots=True)
class _Placed:
    """A cell of a data row in its column; ``own`` is False for a merged cell from above."""

    col: _Col
    cell: GridCell
    own: bool


# A list of projects: the column of each project's funds (预算数, 预算金额, 资金总额).
_FUNDS_COLUMN = re.compile(
    r"^(?:项目)?(?:预算数|预算金额|预算资金|资金总额|年度资金总额|金额)(?:\(.*\))?$"
)


def _project_goal_column(col: _Col, header: _Header) -> bool:
    """A project table's 年度目标 / 绩效目标 column beside the indicators' target columns
    (a list of projects prints each project's goal text there)."""
    return (
        header.kind == "project"
        and col.role is _Role.IGNORED
        and _GOAL_WORDS.search(fold(col.label)) is not None
        and _TARGET_WORDS.search(fold(col.label)) is None
    )


_INDICATOR_ROLES = frozenset(
    {_Role.LEVEL1, _Role.LEVEL2, _Role.NAME, _Role.NAME_WEAK, _Role.TARGET, _Role.OP, _Role.UNIT}
)


def _no_indicator(placed: Sequence[_Placed]) -> bool:
    """Whether the row's own cells in the indicator columns are all placeholders (-, /, 无)
    or there are none."""
    return all(
        fold(_text(p.cell)) in _PLACEHOLDER or not _text(p.cell)
        for p in placed
        if p.own and p.col.role in _INDICATOR_ROLES
    )


def _shifted_right(placed: Sequence[_Placed]) -> bool:
    """Whether the row's 二级 cell holds a level-1 label and its name cell a level-2 label,
    with a cell of its own in the 一级 column (none merged from above): the row sits one
    column to the right."""

    def own(role: _Role) -> _Placed | None:
        return next((p for p in placed if p.col.role is role and p.own), None)

    l1, l2, name = own(_Role.LEVEL1), own(_Role.LEVEL2), own(_Role.NAME)
    if (
        l1 is None
        or l2 is None
        or name is None
        or len({id(l1.cell), id(l2.cell), id(name.cell)}) < 3
    ):
        return False  # the extra cell is the row's own, in the 一级 column
    r2, rn = _resolve_any(_text(l2.cell)), _resolve_any(_text(name.cell))
    return r2 is not None and r2.level == 1 and rn is not None and rn.level == 2


def _actual_cells(row: _Row, placed: Sequence[_Placed], skip: set[int]) -> dict[str, _Value]:
    """The row's actuals (and 分值) by field, leaving out the cells ``skip`` (ids) holds."""
    found: dict[str, _Value] = {}
    for p in placed:
        key = (
            _actual_field(p.col.label)
            if p.col.role in _ACTUAL_ROLES
            else "weight"
            if p.col.role is _Role.WEIGHT
            else None
        )
        if key is not None and id(p.cell) not in skip and _text(p.cell):
            found.setdefault(key, _Value(_text(p.cell), row.src(p.cell)))
    return found


_AMOUNT_HEADING = re.compile(r"^(?:金额|合计|小计|总计|预算数|决算数)(?:\(.*\))?$")


def _column_heading(text: str) -> bool:
    """A cell that heads a column of amounts (金额, 预算数（万元）): no field's value."""
    f = fold(text)
    return bool(
        _AMOUNT_HEADING.match(f) or _FUNDS_WORDS.match(f) or re.search(r"\((?:万元|元)\)$", f)
    )


def _field_cells(row: _Row) -> list[tuple[str, GridCell]]:
    """Label cells of the row with the field each names (``inline`` for ``key：value``)."""
    found: list[tuple[str, GridCell]] = []
    for cell in row.own:
        text = _text(cell)
        key = _field_key(text)
        if key is not None:
            found.append((key, cell))
        elif _inline_fields(text):
            found.append(("inline", cell))
    return found


def _beside(row: _Row, label: GridCell, label_ids: set[int]) -> GridCell | None:
    """The value of a label cell: the next cell to its right in the row."""
    if row.ragged:
        cells = list(row.own)
        k = next((i for i, c in enumerate(cells) if c is label), -1)
        if 0 <= k < len(cells) - 1:
            nxt = cells[k + 1]
            if id(nxt) not in label_ids and _field_key(_text(nxt)) is None:
                return nxt
        return None
    start = label.col - row.lo + min(max(1, label.colspan), _MAX_SPAN)
    for col in range(start, start + _MAX_SPAN):
        cell = row.cover.get(col)
        if cell is None or cell is label:
            continue
        if id(cell) in label_ids or _field_key(_text(cell)) is not None:
            return None
        if cell.row != row.index:
            continue  # a merged cell from above (a group label)
        return cell
    return None


def _goal_texts_below(
    row: _Row, found: Sequence[tuple[str, GridCell]], below: _Row | None
) -> list[tuple[str, GridCell]] | None:
    """A ragged row of goal labels only (总体目标 | 中长期目标 | 年度目标) with their texts
    on the next line: each text under the label it lines up with from the right (a group
    label such as 总体目标 on the left has no text of its own); None when it is not that."""
    if (
        not row.ragged
        or below is None
        or len(found) != len(row.own)
        or not all(key.startswith("goal.") for key, _ in found)
        or not below.own
        or len(below.own) > len(found)
        or any(_field_key(_text(c)) is not None or _feat(_text(c)).value for c in below.own)
        or _is_header_row(below) is not None
    ):
        return None
    keys = [key for key, _ in found][-len(below.own) :]
    return list(zip(keys, below.own, strict=True))


def _under(row: _Row, label: GridCell, below: _Row) -> GridCell | None:
    """The value printed under a label, in a row of labels only (aligned grids)."""
    if row.ragged or below.ragged or _is_header_row(below) is not None:
        return None
    cell = below.cover.get(label.col - row.lo)
    if cell is None or cell.row != below.index or _field_key(_text(cell)) is not None:
        return None
    return cell


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
            if role is _Role.OP or _OP_TOKEN.match(fold(text)):
                return text
    return ""


def _levels_text(l1: _Value | None, l2: _Value | None) -> str:
    return f"一级“{l1.text if l1 else ''}”，二级“{l2.text if l2 else ''}”"


def _explain_row(
    row: _Row,
    name: _Value | None,
    l1: _Value | None,
    l2: _Value | None,
    values: Mapping[Period, _Value],
    placed: Sequence[_Placed],
    *,
    tentative: bool,
) -> None:
    """What ``--explain`` says of an indicator row that was read: its cells' columns and
    the values joined."""
    cells = "；".join(
        f"“{_shown(_text(p.cell))}”→{_ROLE_LABELS[p.col.role]}" for p in placed if p.own
    )
    decision = (
        f"暂记为指标“{_shown(name.text)}”（没有指标值，可能是折行）"
        if tentative and name is not None
        else f"指标“{_shown(name.text) if name else ''}”"
    )
    note(Stage.ROWS, row.first, decision, f"{_levels_text(l1, l2)}；{cells}")
    for period, v in values.items():
        raw = [_operator(placed), *(_text(p.cell) for p in placed if p.col.role is _Role.UNIT)]
        if any(raw):
            note(
                Stage.VALUES,
                v.source,
                f"{_PERIOD_LABELS.get(period, period.value)}指标值“{_shown(v.text)}”",
                "由指标值与" + "、".join(f"“{x}”" for x in raw if x) + "合成",
            )


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
    if _OP_TOKEN.match(fold(op)) and not _STARTS_WITH_OP.match(fold(text)):
        text = re.sub(r"\s+", "", op) + text  # as printed (＝ stays full-width)
    unit = unit.strip()
    if unit and unit not in _PLACEHOLDER and fold(unit) not in _PLACEHOLDER:
        parsed = parse_value(text)
        bare = parsed.kind is Kind.QUANTITATIVE and not parsed.unit
        if bare or (parsed.kind is Kind.TEXT and _NUMBER_ONLY.match(fold(text).lstrip("=≥≤<>"))):
            text += unit
    return text


# -- building the document -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Report:
    """The actuals one table reports."""

    year: int | None
    actuals: ProjectActuals
    overall: bool  # of a unit as a whole (its work items)
    month: int | None  # a monitoring table's checkpoint (截至6月)


_WEIGHT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*(?:%|分)?$")


def _weight(cell: _Value | None) -> float | None:
    """A 权重 / 分值 cell as a number (``10``, ``10%``, ``10分``), or None."""
    match = _WEIGHT.match(fold(cell.text)) if cell is not None else None
    if match is None:
        return None
    number = float(match.group(1))
    return int(number) if number.is_integer() else number


_AMOUNT = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\(?(?:万元|千元|元)?\)?$")


def _wan(text: str, unit: str | None) -> float | None:
    """A self-evaluation's budget figure in 万元 (the actuals' unit), from the table's unit."""
    parsed = parse_money(text)
    if parsed is None:
        return None
    number, suffix = parsed
    wan = in_unit(to_yuan(number, suffix or unit or DEFAULT_UNIT))
    return int(wan) if wan == wan.to_integral_value() else float(wan)


def _extra(row: _IndRow, key: str) -> str:
    found = row.extra.get(key)
    return found.text if found is not None else ""


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[Diagnostic] = []
        self.actuals: list[_Report] = []

    def warn(self, code: str, message: str, where: Provenance | None) -> None:
        self.warnings.append(Diagnostic(code, message, where or Provenance(self.file)))
        note(Stage.PROJECTS, where, f"警告 {code}", message)

    def value(self, v: _Value) -> TargetValue:
        parsed = parse_value(v.text)
        if parsed.kind is Kind.TEXT and parsed.reason:
            self.warn(UNPARSED_VALUE, f"指标值“{v.text}”无法识别：{parsed.reason}", v.source)
        return parsed.with_source(v.source)

    def notes(self, t: _Table, what: str) -> None:
        if t.stray and (t.header is not None or t.fields or t.titles):
            for text, where in t.stray:
                message = f"“{_shown(text)}”既不是表头、字段，也不是指标行，未导入"
                self.warn(UNUSED_TEXT, f"{what}：{message}" if what else message, where)
        elif t.stray:
            text, where = t.stray[0]
            self.warn(
                UNUSED_TEXT,
                f"表格（{len(t.stray)} 行，从“{_shown(text)}”起）不是绩效目标表，未导入",
                where,
            )
        for code, message, where in t.notes:
            self.warn(code, f"{what}：{message}" if what else message, where)
        if t.ended is not None:
            heading, where = t.ended
            message = f"“{_shown(heading)}”及其下 {t.after_end} 行不是绩效指标，未导入"
            self.warn(UNUSED_TEXT, f"{what}：{message}" if what else message, where)
        if t.actuals:
            cols = "、".join(dict.fromkeys(t.actuals))
            where = next(iter(t.actuals.values()))
            self.warn(
                ACTUALS_NOT_IMPORTED,
                f"{what}：实际完成情况中的“{cols}”没有对应的字段，未导入",
                where,
            )
        if t.unused_columns:
            cols = "、".join(dict.fromkeys(t.unused_columns))
            where = next(iter(t.unused_columns.values()))
            self.warn(UNUSED_TEXT, f"{what}：列“{cols}”的内容未导入", where)

    def report(
        self,
        t: _Table,
        year: int | None,
        name: str,
        reported: Sequence[IndicatorActual],
        anchor: Provenance | None,
    ) -> None:
        """The actuals of a self-evaluation or monitoring table (of a project, or of a unit
        as a whole) with its funds block."""
        budget = {
            key: _wan(v.text, t.money_unit)
            for key, v in t.budget.items()
            if key != "execution_reason"
        }
        reason = t.budget.get("execution_reason")
        report = ProjectActuals(
            project=name,
            period=_table_period(t),
            budget=budget.get("budget"),
            executed=budget.get("executed"),
            budget_initial=budget.get("budget_initial"),
            execution_reason=reason.text if reason is not None else "",
            indicators=tuple(reported),
            source=anchor,
        )
        self.actuals.append(_Report(year, report, t.kind == "overall", _table_month(t)))

    # projects ----------------------------------------------------------------------------

    def project(self, t: _Table, year: int | None, is_last: bool) -> Project | None:
        name_field = t.fields.get("name")
        anchor = (
            (name_field.source if name_field else None)
            or t.anchor
            or (t.rows[0].source if t.rows else None)
        )
        unit_field = t.fields.get("unit")
        name = name_field.text if name_field else ""
        if not name and t.kind_hint == "overall":
            # An overall table printed as indicators (一级/二级/三级指标): the unit as a whole.
            unit = unit_field.text if unit_field and unit_field.text else ""
            unit = unit or _title_unit(_title_text(t))
            name = f"{unit}（部门整体）" if unit else ""
        what = f"项目“{name}”"
        rows = [r for r in t.rows if not r.label_only and not r.tentative]
        printed = [v.text for r in rows for v in (r.l1, r.l2) if v is not None and v.text]
        valued = t.header is not None and t.header.has(_Role.TARGET) and any(r.values for r in rows)
        if printed and not valued and not any(_resolve_any(x) for x in printed):
            # 一级 / 二级 / 三级 columns whose labels are no indicator categories at all (a
            # catalogue of purchased services): not a performance table.
            where = t.anchor or rows[0].source
            self.warn(
                UNUSED_TEXT,
                f"表格的一级、二级分类（如“{_shown(printed[0])}”）不是绩效指标分类，"
                f"不是绩效目标表，{len(rows)} 行未导入",
                where,
            )
            return None
        if not rows and not name and t.block_row is not None:
            shown, where = t.block_row
            self.warn(UNUSED_TEXT, f"“{_shown(shown)}”没有项目名称和指标，是汇总行，未导入", where)
            return None
        if not rows and fold(name) in _PLACEHOLDER:
            name = ""  # an empty form (项目名称 | 无): no project
        if not rows and not name:
            self.notes(t, "")  # a header, stray text or empty fields, but no project
            if t.header is not None:
                code, lead = (TRUNCATED, "文档在此结束，") if is_last else (EMPTY_TABLE, "")
                self.warn(code, f"{lead}绩效目标表只有表头，没有任何指标行", anchor)
            return None
        self.notes(t, what)
        if not name:
            self.warn(MISSING_FIELD, "项目绩效目标表没有项目名称", anchor)
        if not rows:
            cut = is_last and t.header is not None
            code, lead = (TRUNCATED, "文档在此结束，") if cut else (EMPTY_TABLE, "")
            self.warn(code, f"{lead}{what}的绩效目标表没有任何指标行", anchor)
        _backfill_levels(t.rows)
        taxonomy = taxonomy_for_year(year)
        periods = (
            {c.period for c in t.header.columns if c.role is _Role.TARGET} if t.header else set()
        )
        indicators: list[Indicator] = []
        reported: list[IndicatorActual] = []
        for k, row in enumerate(t.rows):
            last_row = is_last and k == len(t.rows) - 1
            if row.label_only:
                if last_row and rows:
                    label = (row.l2 or row.l1 or _Value("", row.source)).text
                    self.warn(
                        TRUNCATED, f"文档在此结束，{what}的“{label}”之后没有指标行", row.source
                    )
                continue
            if last_row and row.name is not None and not row.values and periods:
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{row.name.text}”没有指标值，未导入",
                    row.source,
                )
                continue
            if row.tentative and row.name is not None:
                self.warn(
                    UNUSED_TEXT,
                    f"{what}：“{_shown(row.name.text)}”单独成行，没有指标值，"
                    "可能是折行的文字，未导入",
                    row.source,
                )
                continue
            indicator = self.indicator(row, taxonomy, what)
            if last_row and 0 < len(row.values) < len(periods) and _fuller_before(t.rows, k):
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{indicator.name}”的指标值不完整",
                    row.source,
                )
            elif last_row and (missing := _cells_cut(t.rows, k)):
                self.warn(
                    TRUNCATED,
                    f"文档在此结束，{what}指标“{indicator.name}”这一行不完整"
                    f"（比上方各行少 {missing} 项），已导入本行已有的内容",
                    row.source,
                )
            elif not row.values and periods:
                self.warn(MISSING_VALUE, f"{what}指标“{indicator.name}”没有指标值", row.source)
            indicators.append(indicator)
            if indicator.name and set(row.actuals) - {"weight"}:
                # a self-evaluation or monitoring row (a target table's 权重 is no actual)
                target = indicator.full_year or indicator.half_year or indicator.long_term
                reported.append(self.actual(row.actuals, indicator.name, target, what))

        def text(key: str) -> str | None:
            found = t.fields.get(key)
            return found.text if found and found.text else None

        start_year = _field_year(text("start"))
        end_year = _field_year(text("end"))
        period = text("period")
        if period:
            years = [int(y) for y in _NUMBERS.findall(period)]
            if years:
                start_year = start_year or years[0]
                end_year = end_year or years[-1]
        funds = self.funds(t, what)
        note(
            Stage.PROJECTS,
            anchor,
            f"项目“{_shown(name)}”：{len(indicators)} 个指标",
            f"表格共 {len(t.rows)} 行（层级行 {sum(r.label_only for r in t.rows)}）",
        )
        if name and (reported or t.budget):  # actuals are keyed by the project's name
            self.report(t, t.year or year, name, reported, anchor)
        return Project(
            name=name,
            department=text("department"),
            unit=text("unit"),
            fiscal_year=t.year,
            start_year=start_year,
            end_year=end_year,
            funds=funds,
            annual_goal=text("goal.annual") or "",
            long_term_goal=text("goal.long") or "",
            indicators=tuple(indicators),
            source=anchor,
        )

    def funds(self, t: _Table, what: str) -> Funds | None:
        """The table's funds in 元: each amount in the unit written after it, else the unit
        its label names, else the table's 金额单位 (万元 when none is printed); a warning
        where an amount is implausible for its unit."""
        table_unit = t.money_unit or DEFAULT_UNIT
        amounts: dict[str, Decimal] = {}
        units: dict[str, str] = {}
        for key, v in t.fields.items():
            if not key.startswith("funds.") or not v.text:
                continue
            parsed = parse_money(v.text) if _AMOUNT.match(fold(v.text)) else None
            if parsed is None:
                continue  # no amount (prose taken for a value is not read for a number in it)
            number, suffix = parsed
            unit = suffix or t.field_units.get(key) or table_unit
            name = key.split(".")[1]
            amounts[name], units[name] = to_yuan(number, unit), unit
            why = implausible(amounts[name], unit)
            if why is not None:
                label = _FUNDS_LABELS.get(name, name)
                self.warn(IMPLAUSIBLE_AMOUNT, f"{what}的{label}“{v.text}”：{why}", v.source)
        if not amounts:
            return None
        unit = units.get("total") or next(iter(units.values()))
        return Funds(**amounts, unit=unit)

    def indicator(self, row: _IndRow, taxonomy: Taxonomy, what: str) -> Indicator:
        name = row.name.text if row.name is not None else ""
        if row.name is None:
            self.warn(
                AMBIGUOUS_ROWS,
                f"{what}：指标行没有三级指标名称，按空名称导入",
                row.source,
            )
        levels = _levels(row.l1.text if row.l1 else None, row.l2.text if row.l2 else None, taxonomy)
        for code, message in levels.problems:
            self.warn(code, f"{what}：{message}", row.source)
        values = {p: self.value(v) for p, v in row.values.items()}
        return Indicator(
            level1=levels.level1,
            level2=levels.level2,
            name=name,
            half_year=values.get(Period.HALF_YEAR),
            full_year=values.get(Period.FULL_YEAR),
            long_term=values.get(Period.LONG_TERM),
            level1_label=levels.level1_label,
            level2_label=levels.level2_label,
            weight=_weight(row.actuals.get("weight")),
            direction=parse_direction(row.extra["direction"].text)
            if "direction" in row.extra
            else None,
            nature=parse_nature(row.extra["nature"].text) if "nature" in row.extra else None,
            basis=_extra(row, "basis"),
            explanation=_extra(row, "explanation"),
            standard=_extra(row, "standard"),
            remark=_extra(row, "remark"),
            source=row.name.source if row.name is not None else row.source,
        )

    def actual(
        self, cells: Mapping[str, _Value], name: str, target: TargetValue | None, what: str
    ) -> IndicatorActual:
        """What a self-evaluation or monitoring row reports beside its targets (``cells``:
        actual field → cell) for the indicator (or work item) ``name``."""
        where = f"{what}指标“{name}”"

        def value(key: str) -> TargetValue | None:
            cell = cells.get(key)
            if cell is None or cell.text in _PLACEHOLDER:
                return None
            return parse_value(_with_unit(cell.text, target)).with_source(cell.source)

        def points(key: str, label: str) -> float | None:
            cell = cells.get(key)
            if cell is None or cell.text in _PLACEHOLDER:
                return None
            text = fold(cell.text)
            if not _POINTS.match(text):
                self.warn(
                    UNPARSED_VALUE, f"{where}的{label}“{cell.text}”不是分数，未导入", cell.source
                )
                return None
            return float(text)

        likelihood = None
        if "likelihood" in cells:
            text = fold(cells["likelihood"].text)
            likelihood = next((x for x in Likelihood if x.value == text), None)
            if likelihood is None and text not in _PLACEHOLDER:
                self.warn(
                    UNPARSED_VALUE,
                    f"{where}的完成目标可能性“{cells['likelihood'].text}”不是"
                    "确定能、有可能或完全不可能，未导入",
                    cells["likelihood"].source,
                )
        # One column per category: marked (✓), or holding the explanation itself; or
        # one column naming the category (偏差原因类别).
        categories: list[DeviationCategory] = []
        explained: list[str] = []
        for key, cell in cells.items():
            if key.startswith("category:") and cell.text not in _PLACEHOLDER:
                categories.append(DeviationCategory(key.split(":", 1)[1]))
                if not _MARK.match(fold(cell.text)):
                    explained.append(cell.text)
        named = cells.get("category")
        if named is not None and named.text not in _PLACEHOLDER:
            category = _category(named.text)
            if category is None:
                self.warn(
                    UNPARSED_VALUE,
                    f"{where}的偏差原因类别“{named.text}”不是"
                    f"{'、'.join(c.value for c in DeviationCategory)}之一，未导入",
                    named.source,
                )
            else:
                categories.insert(0, category)
        reason_cell = cells.get("reason")
        remarks = _remarks(
            "" if reason_cell is None or reason_cell.text in _PLACEHOLDER else reason_cell.text
        )
        if remarks.category is not None:
            categories.append(remarks.category)
        reason = remarks.reason or "；".join(explained)
        deviation = (
            Deviation(reason, categories[0] if categories else None)
            if reason or categories
            else None
        )
        measures = cells["measures"].text if "measures" in cells else ""
        measures = "" if measures in _PLACEHOLDER else _PENDING.sub("", measures).strip()
        score = points("score", "得分")
        manual = None
        if remarks.manual is not None and score is not None:
            found = _MANUAL_REASON.search(remarks.manual)
            manual = ManualScore(score, found.group(1) if found else remarks.manual)
        actual_cell = cells.get("value") or next(iter(cells.values()))
        return IndicatorActual(
            indicator=name,
            value=value("value"),
            forecast=value("forecast"),
            likelihood=likelihood,
            deviation=deviation,
            measures=measures or remarks.measures,
            manual=manual,
            not_applicable=remarks.not_applicable,
            weight=points("weight", "分值"),
            reported_score=score,
            source=actual_cell.source,
        )

    # overall targets ---------------------------------------------------------------------

    def overall(self, t: _Table, year: int | None, is_last: bool) -> OverallTargets | None:
        unit_field = t.fields.get("unit")
        title = _title_text(t)
        unit = unit_field.text if unit_field and unit_field.text else _title_unit(title)
        what = f"单位“{unit}”整体绩效目标表" if unit else "整体绩效目标表"
        anchor = t.anchor or (t.goals[0].source if t.goals else None)
        self.notes(t, what)
        if not unit:
            self.warn(MISSING_FIELD, "整体绩效目标表没有标题，无法确定单位名称", anchor)
        goals: list[Goal] = []
        for k, g in enumerate(t.goals):
            work = g.work.text if g.work is not None else ""
            if g.target is None:
                code = TRUNCATED if is_last and k == len(t.goals) - 1 else MISSING_TARGET
                lead = "文档在此结束，" if code == TRUNCATED else ""
                self.warn(code, f"{lead}工作“{work}”的年度目标“{g.goal}”没有目标值", g.source)
            if not g.function:
                self.warn(MISSING_FIELD, f"工作“{work}”没有所属职能", g.source)
            goals.append(
                Goal(
                    seq=g.seq,
                    function=g.function,
                    work=work,
                    goal=g.goal,
                    target=self.value(g.target) if g.target is not None else None,
                    source=g.work.source if g.work is not None else g.source,
                )
            )
        if not goals:
            code = TRUNCATED if is_last and t.header is None else EMPTY_TABLE
            lead = "文档在此结束，" if code == TRUNCATED else ""
            self.warn(code, f"{lead}整体绩效目标表只有表头，没有任何目标", anchor)
        # a self-evaluation of the unit as a whole: each work item's results
        reported = [
            self.actual(row.actuals, goal.work, goal.target, what)
            for row, goal in zip(t.goals, goals, strict=True)
            if goal.work and set(row.actuals) - {"weight"}
        ]
        if unit and (reported or t.budget):
            self.report(t, t.year or year, unit, reported, anchor)
        return OverallTargets(
            unit=unit,
            fiscal_year=t.year,
            goals=tuple(goals),
            department=(t.fields["department"].text or None) if "department" in t.fields else None,
            source=anchor,
        )


def _table_period(t: _Table) -> Period:
    """A monitoring table (监控表; 当前完成值, 全年预计 …) reports the checkpoint, anything
    else (自评表) the year end."""
    title = fold(_title_text(t))
    if "监控" in title:
        return Period.HALF_YEAR
    if "自评" in title or "评价" in title:
        return Period.FULL_YEAR
    labels = [c.label for c in t.header.columns if c.role in _ACTUAL_ROLES] if t.header else []
    if any(_HALF_YEAR_WORDS.search(fold(x)) for x in labels):
        return Period.HALF_YEAR
    return Period.FULL_YEAR


_MONTH = re.compile(r"截至\s*(\d{1,2})\s*月|1\s*[-－—~～至]\s*(\d{1,2})\s*月")


def _table_month(t: _Table) -> int | None:
    """The checkpoint month a monitoring table names (截至6月, 1-6月执行情况), if any."""
    if _table_period(t) is not Period.HALF_YEAR:
        return None
    labels = [_title_text(t)] + (
        [c.label for c in t.header.columns if c.role in _ACTUAL_ROLES] if t.header else []
    )
    for label in labels:
        found = _MONTH.search(fold(label))
        if found:
            month = int(found.group(1) or found.group(2))
            if 1 <= month <= 12:
                return month
    return None


def _with_unit(text: str, target: TargetValue | None) -> str:
    """A bare number read with the unit of the indicator's target (``98`` beside ``≥95%``
    is ``98%``), as a unit reports it in the target's terms."""
    folded = fold(text).replace(",", "")
    if not _NUMBER_ONLY.match(folded):
        return text
    if target is None or target.kind is not Kind.QUANTITATIVE or not target.unit:
        return text
    return f"{text}{target.unit}"


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


def _title_text(t: _Table) -> str:
    return next((text for text, _ in t.titles if _is_title(text)), "")


def _field_year(value: str | None) -> int | None:
    if not value:
        return None
    year = find_year(value if value.endswith("年") else value + "年")
    if year is None:
        match = _NUMBERS.search(value)
        year = int(match.group(0)) if match else None
    return year


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


def _finish(reader: _Reader, file: str, sha256: str, layout: str) -> Document:
    builder = _Builder(file)
    tables = reader.tables
    doc_year = most_common_year(t.year for t in tables)
    overall: list[OverallTargets] = []
    projects: list[Project] = []
    empty_years: list[int | None] = []
    previous_year: int | None = None
    for k, t in enumerate(tables):
        is_last = k == len(tables) - 1
        year = t.year or previous_year or doc_year
        previous_year = t.year or previous_year
        if t.kind == "overall":
            table = builder.overall(t, year, is_last)
            if table is not None and table.goals:
                overall.append(table)
            elif table is not None:
                empty_years.append(table.fiscal_year)
        elif t.kind_hint == "summary":
            title, where = t.titles[0]
            builder.warn(SUMMARY_TABLE, f"“{_shown(title)}”是汇总表，不是绩效目标表，未导入", where)
        elif t.kind == "project" or t.rows:
            project = builder.project(t, year, is_last)
            if project is not None:
                projects.append(project)
        else:
            builder.notes(t, "")
    fiscal_year = most_common_year(
        [o.fiscal_year for o in overall] + [p.fiscal_year for p in projects]
    )
    if fiscal_year is None:
        fiscal_year = most_common_year(empty_years)
    return finish(
        overall,
        projects,
        fiscal_year=fiscal_year,
        warnings=builder.warnings,
        file=file,
        sha256=sha256,
        layout=layout,
        actuals=(
            ActualsDocument(
                fiscal_year=r.year or fiscal_year,
                period=r.actuals.period,
                projects=() if r.overall else (r.actuals,),
                overall=(r.actuals,) if r.overall else (),
                month=r.month,
            )
            for r in builder.actuals
        ),
    )


def read_grids(grids: Sequence[Grid], *, file: str, sha256: str, layout: str) -> Document:
    """Interpret the grids of one file (in reading order) as a ``jixiao/1`` document.

    Raises :class:`IngestError` naming ``file`` when no grid holds a performance table.
    """
    if not any(_text(c) for grid in grids for c in grid.cells) and not any(
        clean(t) for grid in grids for t in grid.title
    ):
        raise IngestError(file, "is empty: no performance target table in it")
    reader = _Reader(file)
    for gi, grid in enumerate(grids):
        reader.read_grid(gi, grid)
    reader.close_table()
    note(Stage.TABLE, None, f"共找到 {len(reader.tables)} 个表格", f"{len(grids)} 个区域")
    if not reader.found_structure:
        raise IngestError(
            file,
            "is not a performance target table: found no 绩效目标表 headers "
            "(一级指标/二级指标/三级指标, or 职能/年度目标)",
        )
    return _finish(reader, file, sha256, layout)
