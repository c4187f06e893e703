"""Target values (指标值) as printed in budget performance tables.

A printed value such as ``＝461人次``, ``≥90%``, ``2025年12月底前`` or ``较好`` is parsed into a
:class:`TargetValue`: quantitative (operator, number, unit), a date or period, a grade on a
known qualitative scale, or -- when it cannot be read without guessing -- text with a reason.

Parsing never raises and never alters :attr:`TargetValue.text`.  :func:`format_value` prints
the canonical form, and ``parse_value(format_value(v))`` gives back ``v`` in every field but
``text``.  :func:`compare` compares an actual value with a target and computes the
completion ratio by direction (正向 / 反向 / 等于).

Standard library only (and the domain's own Provenance): part of the pure domain core.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import TypeAlias

from jixiao.domain._pickling import by_fields
from jixiao.domain.provenance import Provenance

__all__ = [
    "GRADE_SCALES",
    "Comparison",
    "Direction",
    "Kind",
    "Number",
    "Op",
    "TargetValue",
    "compare",
    "format_number",
    "format_value",
    "grade_rank",
    "grade_scales",
    "parse_value",
]


class Kind(StrEnum):
    """What a printed value is."""

    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DATE = "date"
    TEXT = "text"


class Op(StrEnum):
    """Comparison operator (计算符号) of a target value."""

    EQ = "="
    GE = ">="
    LE = "<="
    GT = ">"
    LT = "<"


class Direction(StrEnum):
    """Indicator direction (指标方向)."""

    POSITIVE = "positive"  # 正向: larger is better
    NEGATIVE = "negative"  # 反向: smaller is better
    EXACT = "exact"  # 等于


Number: TypeAlias = int | float

_DIRECTIONS: dict[Op, Direction] = {
    Op.GE: Direction.POSITIVE,
    Op.GT: Direction.POSITIVE,
    Op.LE: Direction.NEGATIVE,
    Op.LT: Direction.NEGATIVE,
    Op.EQ: Direction.EXACT,
}


@by_fields
@dataclass(frozen=True, slots=True)
class TargetValue:
    """A parsed target (or actual) value; ``text`` is exactly what was printed.

    Which fields are set depends on ``kind``: quantitative values have ``op``, ``value`` and
    ``unit``; dates ``op``, ``start`` and ``end``; qualitative values ``op`` and ``grade``;
    text values only ``reason``.
    """

    text: str
    kind: Kind
    op: Op | None = None
    value: Number | None = None
    unit: str = ""
    start: str | None = None
    end: str | None = None
    grade: str | None = None
    reason: str = ""
    # Where the value was read; not part of the value (ignored by ==, never set by parsing).
    source: Provenance | None = field(default=None, compare=False)

    @property
    def direction(self) -> Direction | None:
        """Positive for ≥/>, negative for ≤/<, exact for ＝, None without an operator."""
        return None if self.op is None else _DIRECTIONS[self.op]

    @property
    def is_numeric(self) -> bool:
        """True for quantitative values (operator, number, unit)."""
        return self.kind is Kind.QUANTITATIVE

    def with_source(self, source: Provenance | None) -> TargetValue:
        """The same value, located at ``source``."""
        return replace(self, source=source)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Result of comparing an actual value with a target value."""

    met: bool | None
    ratio: float | None
    reason: str = ""


# -- qualitative scales -----------------------------------------------------------------

#: Grade scales, best grade first.  Where a word is on several scales (一般, 差) the first
#: scale listed here is its primary one (see :func:`grade_rank`).
GRADE_SCALES: Mapping[str, tuple[str, ...]] = {
    "好差": ("好", "较好", "一般", "较差", "差"),
    "优良中差": ("优", "良", "中", "差"),
    "优秀": ("优秀", "良好", "中等", "较差"),
    "高低": ("高", "较高", "一般", "较低", "低"),
    "显著": ("显著", "较显著", "一般", "不显著"),
    "达成": ("达成", "部分达成", "未达成"),
    "完成": ("完成", "部分完成", "未完成"),
    "是否": ("是", "否"),
    "有效": ("有效", "基本有效", "无效"),
    "合格": ("合格", "不合格"),
    "满意": ("满意", "基本满意", "不满意"),
}

_GRADE_ALIASES: dict[str, str] = {
    "达成年度指标": "达成",
    "达成预期指标": "达成",
    "达成预期目标": "达成",
    "已达成": "达成",
    "完成预期目标": "完成",
    "完成预期指标": "完成",
    "已完成": "完成",
    "已经完成": "完成",
    "全部完成": "完成",
    "均已完成": "完成",
    "部分达成年度指标并具有一定效果": "部分达成",
    "部分达成年度指标": "部分达成",
    "未达成年度指标且效果较差": "未达成",
    "未达成年度指标": "未达成",
}

_GRADE_WORDS: dict[str, str] = {
    **{word: word for words in GRADE_SCALES.values() for word in words},
    **_GRADE_ALIASES,
}


def _canonical_grade(word: str) -> str | None:
    return _GRADE_WORDS.get(word)


#: Grade word (long forms included) → the scales it is on, primary first.
_SCALES_OF: dict[str, tuple[str, ...]] = {
    alias: tuple(name for name, words in GRADE_SCALES.items() if word in words)
    for alias, word in _GRADE_WORDS.items()
}


def grade_scales(grade: str) -> tuple[str, ...]:
    """Names of the scales (keys of :data:`GRADE_SCALES`) the grade word is on, primary first."""
    return _SCALES_OF.get(grade, ())


def grade_rank(grade: str) -> tuple[str, int] | None:
    """(scale name, rank) of a grade word on its primary scale, rank 0 being the best.

    Long forms are accepted (``达成年度指标`` ranks as ``达成``).  None for unknown words.
    """
    scales = grade_scales(grade)
    if not scales:
        return None
    word = _GRADE_WORDS[grade]
    return scales[0], GRADE_SCALES[scales[0]].index(word)


# -- qualitative phrases (定性) ------------------------------------------------------------
#
# Besides the grades of a scale, tables print qualitative targets as short phrases of degree
# and quality words: 准确, 达标, 提升, 明显增强, 逐步改善, 有效减轻, 按计划实施, 程度较高,
# or a whole scale (高中低, 优/良/中/差).  Such a phrase is read as a qualitative value whose
# grade is the phrase itself (on no scale: it compares only with the same phrase).  The rule
# is a shape, not a list of targets: the phrase, without a digit, is cut entirely into words
# of the vocabulary below, ends in a head (a change or quality word) or a grade, and is short.
# Anything else (a name such as 群众满意度, prose) stays text.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Degree, manner and aspect words that come before a head (明显 增强, 按计划 实施, 已 完成).
QUALITATIVE_DEGREE_WORDS: frozenset[str] = _words(
    "明显 显著 大幅 大幅度 大大 进一步 逐步 逐年 逐渐 日益 日趋 持续 稳步 不断 "
    "继续 有所 有效 基本 初步 全面 较大 较大幅度 一定 得到 切实 更加 更 较 "
    "较为 非常 十分 极大 很大 有力 大力 充分 普遍 总体 整体 均 均已 全部 已 "
    "已经 按时 按期 如期 及时 足额 按计划 按要求 按规定 按标准 同比 定性 "
)

#: Heads: words of change (提升, 减轻) or quality (准确, 达标) that end a qualitative phrase.
QUALITATIVE_HEAD_WORDS: frozenset[str] = _words(
    "提升 提高 增强 增加 增长 加强 加快 改善 改进 改观 好转 向好 优化 完善 "
    "健全 巩固 扩大 拓展 降低 减少 减轻 下降 缓解 推进 实施 落实 到位 达标 "
    "保障 覆盖 全覆盖 提速 发挥 促进 增效 提质 见效 实现 满足 运行 运转 发放 "
    "支付 拨付 准确 及时 有效 规范 合规 良好 稳定 正常 明显 显著 安全 可控 "
    "高效 便捷 一致 完整 齐全 清晰 清楚 符合 适应 通过 充足 充分 严格 合理 "
    "公开 透明 公平 公正 准时 畅通 整洁 美观 长期 长效 持久 可持续 "
)

#: Generic subjects that may open a phrase (程度 较高, 能力 持续提升), never end it.
QUALITATIVE_SUBJECT_WORDS: frozenset[str] = _words(
    "程度 水平 质量 效果 效率 能力 意识 素质 环境 状况 成效 形象 秩序 条件 效益 作用 "
)

#: Separators between the words of a printed scale (优/良/中/差, 高、中、低).
_SCALE_SEPARATORS = frozenset("/、,;|")
_PHRASE_MAX = 12
_PHRASE_WORDS = (
    QUALITATIVE_DEGREE_WORDS
    | QUALITATIVE_HEAD_WORDS
    | QUALITATIVE_SUBJECT_WORDS
    | frozenset(_GRADE_WORDS)
)
_PHRASE_WORD_MAX = max(len(w) for w in _PHRASE_WORDS)


def _phrase_words(body: str) -> list[str] | None:
    """``body`` cut into vocabulary words (longest first), or None when it cannot be."""
    words = _PHRASE_WORDS
    longest = _PHRASE_WORD_MAX
    # best[i]: a cut of body[:i] with the fewest words (None: no cut)
    best: list[list[str] | None] = [[]] + [None] * len(body)
    for i in range(1, len(body) + 1):
        for size in range(min(longest, i), 0, -1):
            piece = body[i - size : i]
            before = best[i - size]
            if before is None:
                continue
            if piece in words or (piece in _SCALE_SEPARATORS and before):
                cut = [*before, piece]
                if best[i] is None or len(cut) < len(best[i] or ()):
                    best[i] = cut
    return best[len(body)]


def _qualitative_phrase(body: str) -> str | None:
    """The grade of a qualitative phrase (the phrase itself), or None when it is not one."""
    if not 2 <= len(body) <= _PHRASE_MAX or body[-1] in _SCALE_SEPARATORS:
        return None
    cut = _phrase_words(body)
    if cut is None:
        return None
    words = [w for w in cut if w not in _SCALE_SEPARATORS]
    if any(w in QUALITATIVE_SUBJECT_WORDS for w in words[1:]):
        return None  # a subject opens the phrase, once
    last = words[-1]
    if last in QUALITATIVE_HEAD_WORDS or last in _GRADE_WORDS:
        return body
    return None


# -- normalisation ----------------------------------------------------------------------


def _build_translation() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
    extra = {
        "═": "=",
        "﹦": "=",
        "﹥": ">",
        "﹤": "<",
        "≧": "≥",
        "⩾": "≥",
        "≦": "≤",
        "⩽": "≤",
        "﹪": "%",
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "﹣": "-",
        "〜": "~",
        "∼": "~",
        "＊": "*",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
    table.update({ord(k): v for k, v in extra.items()})
    return table


_TRANSLATION = _build_translation()
_SPACE_RUN = re.compile(r"\s+")
_ASCII_DIGITS = frozenset("0123456789")


def _normalise(text: str) -> str:
    """Fold full-width forms and operator variants; drop spaces except between digits."""
    s = text.translate(_TRANSLATION)

    def keep_between_digits(match: re.Match[str]) -> str:
        before = s[match.start() - 1 : match.start()]
        after = s[match.end() : match.end() + 1]
        return " " if before in _ASCII_DIGITS and after in _ASCII_DIGITS else ""

    return _SPACE_RUN.sub(keep_between_digits, s)


# -- operators ----------------------------------------------------------------------------

_SYMBOL_OPS: tuple[tuple[str, Op], ...] = (
    (">=", Op.GE),
    ("<=", Op.LE),
    ("==", Op.EQ),
    ("≥", Op.GE),
    ("≤", Op.LE),
    ("=", Op.EQ),
    (">", Op.GT),
    ("<", Op.LT),
)

_WORD_OPS: tuple[tuple[str, Op], ...] = tuple(
    sorted(
        {
            "不低于": Op.GE,
            "不少于": Op.GE,
            "不小于": Op.GE,
            "至少": Op.GE,
            "大于等于": Op.GE,
            "大于或等于": Op.GE,
            "达到": Op.GE,
            "不高于": Op.LE,
            "不超过": Op.LE,
            "不多于": Op.LE,
            "不大于": Op.LE,
            "小于等于": Op.LE,
            "小于或等于": Op.LE,
            "控制在": Op.LE,
            "不晚于": Op.LE,
            "不迟于": Op.LE,
            "截至": Op.LE,
            "截止": Op.LE,
            "大于": Op.GT,
            "高于": Op.GT,
            "多于": Op.GT,
            "超过": Op.GT,
            "小于": Op.LT,
            "低于": Op.LT,
            "少于": Op.LT,
            "等于": Op.EQ,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)

# Suffixes after a number (and unit) or a grade; longest first.
_VALUE_SUFFIXES: tuple[tuple[str, Op], ...] = (
    ("及以上", Op.GE),
    ("及以下", Op.LE),
    ("以上", Op.GE),
    ("以下", Op.LE),
    ("以内", Op.LE),
    ("之内", Op.LE),
    ("内", Op.LE),
)

# Suffixes after a date or period; longest first.
_DATE_SUFFIXES: tuple[tuple[str, Op], ...] = (
    ("底前", Op.LE),
    ("之前", Op.LE),
    ("以前", Op.LE),
    ("以内", Op.LE),
    ("之内", Op.LE),
    ("前", Op.LE),
    ("底", Op.LE),
    ("内", Op.LE),
)

_OP_SYMBOLS: dict[Op, str] = {Op.EQ: "＝", Op.GE: "≥", Op.LE: "≤", Op.GT: "＞", Op.LT: "＜"}
_OPERATOR_CHARS = frozenset("=<>≥≤")


@dataclass(frozen=True, slots=True)
class _Prefix:
    token: str
    op: Op
    symbol: bool  # printed as a symbol (≥) rather than a word (不低于)


def _leading_op(s: str) -> _Prefix | None:
    for token, op in _SYMBOL_OPS:
        if s.startswith(token):
            return _Prefix(token, op, symbol=True)
    for token, op in _WORD_OPS:
        if s.startswith(token):
            return _Prefix(token, op, symbol=False)
    return None


class _Unreadable(Exception):
    """Raised inside the parser with the Chinese reason of a TEXT value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _combine(prefix: _Prefix | None, suffix: tuple[str, Op] | None) -> Op:
    """The operator of a value from its leading operator and its suffix (以上, 前, ...)."""
    if suffix is None:
        return Op.EQ if prefix is None else prefix.op
    if prefix is None:
        return suffix[1]
    # A symbol together with a suffix (≥90%以上) is refused; a word that agrees with the
    # suffix (控制在5%以内, 达到90%以上) is read as that operator.
    if prefix.symbol or prefix.op is not suffix[1]:
        raise _Unreadable(f"运算符冲突：{prefix.token} 与 {suffix[0]}")
    return prefix.op


# -- dates --------------------------------------------------------------------------------

_YEAR_MIN, _YEAR_MAX = 1900, 2199

_DateParts: TypeAlias = tuple[int, int | None, int | None]

_CN_DATE = re.compile(r"(\d{4})年(?:度|(\d{1,2})月(?:份|(\d{1,2})[日号])?)?")
_NUM_DATE = re.compile(r"(\d{4})([./-])(\d{1,2})(?:\2(\d{1,2}))?")
_BARE_YEAR = re.compile(r"\d{4}")
_SHORT_END = re.compile(r"(\d{1,2})月(?:份|(\d{1,2})[日号])?")
_PERIOD_SEPARATORS = frozenset("-~至到")


def _checked(year: int, month: int | None, day: int | None, shown: str) -> _DateParts:
    if month is not None and not 1 <= month <= 12:
        raise _Unreadable(f"日期无效：{shown}")
    if month is not None and day is not None and not 1 <= day <= _days_in(year, month):
        raise _Unreadable(f"日期无效：{shown}")
    return year, month, day


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _opt_int(text: str | None) -> int | None:
    return None if text is None else int(text)


def _single_date(s: str) -> _DateParts | None:
    """A single date in one of the printed forms; None when ``s`` is not one."""
    m = _CN_DATE.fullmatch(s)
    if m:
        year = int(m.group(1))
        if not _YEAR_MIN <= year <= _YEAR_MAX:
            raise _Unreadable(f"年份超出范围：{s}")
        return _checked(year, _opt_int(m.group(2)), _opt_int(m.group(3)), s)
    m = _NUM_DATE.fullmatch(s)
    if m:
        year = int(m.group(1))
        if not _YEAR_MIN <= year <= _YEAR_MAX:
            return None  # 1234.5 is a number, not a date
        return _checked(year, int(m.group(3)), _opt_int(m.group(4)), s)
    return None


def _period_end(left_text: str, left: _DateParts, right: str) -> _DateParts | None:
    """The end of a period, allowing the short forms 2023年7月-12月 and 2023-2025年."""
    full = _single_date(right)
    if full is not None:
        return full
    m = _SHORT_END.fullmatch(right)
    if m and left[1] is not None and "年" in left_text:
        return _checked(left[0], int(m.group(1)), _opt_int(m.group(2)), right)
    return None


def _split_period(s: str) -> tuple[_DateParts, _DateParts] | None:
    error: _Unreadable | None = None
    for i, ch in enumerate(s):
        if ch not in _PERIOD_SEPARATORS or i == 0:
            continue
        left_text, right_text = s[:i], s[i + 1 :]
        try:
            if _BARE_YEAR.fullmatch(left_text):
                right_year = _CN_DATE.fullmatch(right_text)
                if not right_year or right_year.group(2) is not None:
                    continue
                year = int(left_text)
                if not _YEAR_MIN <= year <= _YEAR_MAX:
                    raise _Unreadable(f"年份超出范围：{s}")
                left: _DateParts | None = (year, None, None)
            else:
                left = _single_date(left_text)
            if left is None:
                continue
            right = _period_end(left_text, left, right_text)
        except _Unreadable as exc:
            error = error or exc
            continue
        if right is None:
            continue
        if _first_day(left) > _first_day(right):
            raise _Unreadable(f"起止日期颠倒：{s}")
        return left, right
    if error is not None:
        raise error
    return None


def _iso(parts: _DateParts) -> str:
    year, month, day = parts
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _from_iso(iso: str) -> _DateParts:
    pieces = [int(p) for p in iso.split("-")]
    year = pieces[0]
    month = pieces[1] if len(pieces) > 1 else None
    day = pieces[2] if len(pieces) > 2 else None
    return year, month, day


def _first_day(parts: _DateParts) -> tuple[int, int, int]:
    year, month, day = parts
    return year, month or 1, day or 1


def _last_day(parts: _DateParts) -> tuple[int, int, int]:
    year, month, day = parts
    month = month or 12
    return year, month, day or calendar.monthrange(year, month)[1]


@dataclass(frozen=True, slots=True)
class _DateMatch:
    start: _DateParts
    end: _DateParts
    suffix: tuple[str, Op] | None


def _match_date(body: str) -> _DateMatch | None:
    """A date or period with an optional 前/底/之前 suffix (and 完成); None if not a date."""
    s = body
    if s.endswith("完成") and len(s) > 2:
        s = s[:-2]
    suffix = next(((w, op) for w, op in _DATE_SUFFIXES if s.endswith(w) and len(s) > len(w)), None)
    if suffix is not None:
        s = s[: -len(suffix[0])]
    single = _single_date(s)
    if single is not None:
        return _DateMatch(single, single, suffix)
    period = _split_period(s)
    if period is not None:
        return _DateMatch(period[0], period[1], suffix)
    return None


def _format_date(iso: str) -> str:
    year, month, day = _from_iso(iso)
    if month is None:
        return f"{year}年"
    if day is None:
        return f"{year}年{month}月"
    return f"{year}年{month}月{day}日"


# -- numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+(?![\d])|\d+)(\.\d+)?")
_RANGE_REST = re.compile(r"[^\d]*?[-~至到][+-]?\d")
_MAX_DIGITS = 40
_UNIT_EXTRA_CHARS = frozenset("%‰‱°/·()²³'")


#: Units printed in tables are short (人次, 万元, 服务周期, 个工作日, 平方公里); longer
#: "units" are prose that happens to follow a number.
_MAX_UNIT = 6


def _is_unit_char(ch: str) -> bool:
    if ch in _UNIT_EXTRA_CHARS:
        return True
    category = unicodedata.category(ch)
    return category[0] in "LM" or category == "So"


def _is_digit_char(ch: str) -> bool:
    return ch not in "²³" and unicodedata.category(ch) in ("Nd", "No", "Nl")


def format_number(number: Number) -> str:
    """A number as printed: ints as is, floats in shortest form but never in exponent form.

    Integral floats keep a ``.0`` so that reading the printed form gives a float again.
    """
    if isinstance(number, int):
        return str(int(number))
    if not math.isfinite(number):
        return repr(number)
    printed = format(Decimal(repr(number)), "f")
    if "." not in printed:
        printed += ".0"
    return printed


def _parse_quantity(body: str, prefix: _Prefix | None, shown: str) -> tuple[Op, Number, str]:
    m = _NUMBER.match(body)
    if m is None:
        raise _Unreadable(f"无法识别的指标值：{shown}")
    sign, integer, fraction = m.group(1), m.group(2), m.group(3) or ""
    rest = body[m.end() :]
    if rest[:1] == "," and rest[1:2].isdigit():
        raise _Unreadable(f"千分位分隔符无效：{shown}")
    if _RANGE_REST.match(rest):
        raise _Unreadable(f"数值范围暂不支持：{shown}")
    if any(_is_digit_char(ch) for ch in rest):
        raise _Unreadable(f"包含多个数值：{shown}")
    digits = integer.replace(",", "") + fraction
    if len(digits) > _MAX_DIGITS:
        raise _Unreadable(f"数值位数过多：{shown}")

    suffix = next(((w, op) for w, op in _VALUE_SUFFIXES if rest.endswith(w)), None)
    unit = rest if suffix is None else rest[: -len(suffix[0])]
    if any(ch in _OPERATOR_CHARS for ch in unit):
        raise _Unreadable(f"单位中含有运算符：{shown}")
    if not all(_is_unit_char(ch) for ch in unit):
        raise _Unreadable(f"单位无效：{shown}")
    if len(unit) > _MAX_UNIT:
        # "4 讨论决定重大事项" is a number followed by prose, not a quantity.
        raise _Unreadable(f"单位过长，可能是数字后接文字：{shown}")
    for word, _ in _VALUE_SUFFIXES:
        if unit.endswith(word):
            raise _Unreadable(f"运算符重复：{shown}")
    op = _combine(prefix, suffix)

    value: Number
    if fraction:
        value = float(sign + integer.replace(",", "") + fraction)
        if not math.isfinite(value):
            raise _Unreadable(f"数值超出范围：{shown}")
    else:
        value = int(sign + integer.replace(",", ""))
    # A number whose canonical form reads as a date (2,025年 → 2025年) is ambiguous.
    canonical = format_number(value) + unit
    try:
        looks_like_date = _match_date(canonical) is not None
    except _Unreadable:
        looks_like_date = True
    if looks_like_date:
        raise _Unreadable(f"数值与日期格式冲突：{shown}")
    return op, value, unit


# -- parsing ------------------------------------------------------------------------------

_NOT_FILLED = frozenset({"/", "-", "--", "---", "无", "N/A", "n/a", "NA", "不适用", "暂无"})
_PLACEHOLDER = re.compile(r"\*|[xX×]{2,}")
_SINGLE_X = re.compile(r"[xX×](?![A-Za-z])")
_SHOWN_MAX = 40


def _shown(text: str) -> str:
    s = text.strip()
    return s if len(s) <= _SHOWN_MAX else s[:_SHOWN_MAX] + "…"


def _text_value(text: str, reason: str) -> TargetValue:
    return TargetValue(text=text, kind=Kind.TEXT, reason=reason)


def parse_value(text: str) -> TargetValue:
    """Parse a printed target or actual value.  Never raises; ``text`` is kept verbatim."""
    try:
        return _parse(text)
    except _Unreadable as exc:
        return _text_value(text, exc.reason)
    except Exception:  # defensive: the contract is that parsing never raises
        return _text_value(text, f"内部错误，无法识别的指标值：{_shown(text)}")


def _parse(text: str) -> TargetValue:
    s = _normalise(text).strip()
    shown = _shown(text)
    if not s:
        return _text_value(text, "空值")
    if s in _NOT_FILLED:
        return _text_value(text, f"未填写指标值：{shown}")
    if _PLACEHOLDER.search(s):
        return _text_value(text, f"占位符未填写：{shown}")

    prefix = _leading_op(s)
    body = s if prefix is None else s[len(prefix.token) :]
    if _SINGLE_X.match(body):
        return _text_value(text, f"占位符未填写：{shown}")
    if prefix is not None:
        second = _leading_op(body)
        if second is not None:
            if second.op is prefix.op:
                raise _Unreadable(f"运算符重复：{shown}")
            raise _Unreadable(f"运算符冲突：{prefix.token} 与 {second.token}")
        if not body:
            raise _Unreadable(f"缺少数值：{shown}")

    date = _match_date(body)
    if date is not None:
        return TargetValue(
            text=text,
            kind=Kind.DATE,
            op=_combine(prefix, date.suffix),
            start=_iso(date.start),
            end=_iso(date.end),
        )

    grade = _canonical_grade(body)
    suffix: tuple[str, Op] | None = None
    if grade is None:
        suffix = next(((w, op) for w, op in _VALUE_SUFFIXES if body.endswith(w)), None)
        if suffix is not None:
            grade = _canonical_grade(body[: -len(suffix[0])])
    if grade is not None:
        return TargetValue(
            text=text, kind=Kind.QUALITATIVE, op=_combine(prefix, suffix), grade=grade
        )
    phrase = _qualitative_phrase(body)
    if phrase is not None:
        return TargetValue(
            text=text, kind=Kind.QUALITATIVE, op=_combine(prefix, None), grade=phrase
        )

    op, value, unit = _parse_quantity(body, prefix, shown)
    return TargetValue(text=text, kind=Kind.QUANTITATIVE, op=op, value=value, unit=unit)


# -- formatting ---------------------------------------------------------------------------


def format_value(v: TargetValue) -> str:
    """The canonical printed form: ``＝461人次``, ``2025年12月前``, ``≥较好``; text verbatim."""
    if v.kind is Kind.QUANTITATIVE and v.value is not None:
        return _OP_SYMBOLS[v.op or Op.EQ] + format_number(v.value) + v.unit
    if v.kind is Kind.DATE and v.start is not None:
        end = v.end or v.start
        body = _format_date(v.start)
        if end != v.start:
            body += "-" + _format_date(end)
        op = v.op or Op.EQ
        if op is Op.EQ:
            return body
        if op is Op.LE:
            return body + "前"
        return _OP_SYMBOLS[op] + body
    if v.kind is Kind.QUALITATIVE and v.grade is not None:
        op = v.op or Op.EQ
        return v.grade if op is Op.EQ else _OP_SYMBOLS[op] + v.grade
    return v.text


# -- comparison ---------------------------------------------------------------------------

_KIND_NAMES: dict[Kind, str] = {
    Kind.QUANTITATIVE: "定量",
    Kind.QUALITATIVE: "定性",
    Kind.DATE: "日期",
    Kind.TEXT: "文本",
}
_PERCENT_UNITS = frozenset({"%", "‰", "‱"})


def _not_comparable(reason: str) -> Comparison:
    return Comparison(met=None, ratio=None, reason=reason)


def compare(actual: TargetValue, target: TargetValue) -> Comparison:
    """Whether ``actual`` meets ``target``, and the completion ratio by direction.

    Ratios are not capped (the caller caps).  Not comparable (``met`` and ``ratio`` None,
    with a Chinese ``reason``): text values, different kinds, different units, grades on
    different scales, a target without an operator.
    """
    if target.kind is Kind.TEXT:
        return _not_comparable(f"目标值无法识别：{target.reason or target.text}")
    if actual.kind is Kind.TEXT:
        return _not_comparable(f"实际值无法识别：{actual.reason or actual.text}")
    if actual.kind is not target.kind:
        return _not_comparable(
            f"类型不一致：{_KIND_NAMES[actual.kind]} 与 {_KIND_NAMES[target.kind]}"
        )
    if target.op is None:
        return _not_comparable("目标值缺少运算符")
    if target.kind is Kind.QUANTITATIVE:
        return _compare_quantities(actual, target, target.op)
    if target.kind is Kind.QUALITATIVE:
        return _compare_grades(actual, target, target.op)
    return _compare_dates(actual, target, target.op)


def _units_compatible(actual: str, target: str) -> bool:
    if actual == target or actual == "":
        return True
    # A target printed without unit accepts an actual count, but not a percentage.
    return target == "" and actual not in _PERCENT_UNITS


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _compare_quantities(actual: TargetValue, target: TargetValue, op: Op) -> Comparison:
    if actual.value is None or target.value is None:
        return _not_comparable("缺少数值")
    if not _units_compatible(actual.unit, target.unit):
        return _not_comparable(
            f"单位不一致：{actual.unit or '（无单位）'} 与 {target.unit or '（无单位）'}"
        )
    a, t = float(actual.value), float(target.value)
    close = _close(a, t)
    if op is Op.LE or op is Op.LT:
        met = (a < t or close) if op is Op.LE else (a < t and not close)
        if met:
            return Comparison(met=True, ratio=1.0)
        ratio = max(0.0, t / a) if a > 0 else 0.0
        return Comparison(met=False, ratio=ratio)
    if op is Op.EQ:
        met = close
        if t == 0:
            ratio = 1.0 if a <= 0 or close else 0.0
        elif t < 0:
            ratio = 1.0 if met else 0.0
        else:
            ratio = a / t
        return Comparison(met=met, ratio=ratio)
    met = (a > t or close) if op is Op.GE else (a > t and not close)
    if t == 0:
        ratio = 1.0 if a >= 0 or close else 0.0
    elif t < 0:
        ratio = 1.0 if met else 0.0
    else:
        ratio = a / t
    return Comparison(met=met, ratio=ratio)


def _compare_grades(actual: TargetValue, target: TargetValue, op: Op) -> Comparison:
    if actual.grade is None or target.grade is None:
        return _not_comparable("缺少等级")
    target_scales = grade_scales(target.grade)
    actual_scales = set(grade_scales(actual.grade))
    common = [name for name in target_scales if name in actual_scales]
    if not common and actual.grade == target.grade and op in (Op.EQ, Op.GE, Op.LE):
        return Comparison(met=True, ratio=1.0)  # the same phrase (明显提升), on no scale
    if not common:
        return _not_comparable(f"等级不属于同一评价标准：{actual.grade} 与 {target.grade}")
    scale = GRADE_SCALES[common[0]]
    worst = len(scale) - 1
    ra = scale.index(_GRADE_WORDS[actual.grade])
    rt = scale.index(_GRADE_WORDS[target.grade])
    if op is Op.LE or op is Op.LT:  # at most this grade: lower on the scale is better
        met = ra >= rt if op is Op.LE else ra > rt
        if met:
            return Comparison(met=True, ratio=1.0)
        return Comparison(met=False, ratio=ra / rt if rt > 0 else 0.0)
    met = ra < rt if op is Op.GT else ra <= rt
    if met:
        return Comparison(met=True, ratio=1.0)
    return Comparison(met=False, ratio=(worst - ra) / (worst - rt) if worst > rt else 0.0)


def _compare_dates(actual: TargetValue, target: TargetValue, op: Op) -> Comparison:
    if actual.start is None or target.start is None:
        return _not_comparable("缺少日期")
    a_start, a_end = _from_iso(actual.start), _from_iso(actual.end or actual.start)
    t_start, t_end = _from_iso(target.start), _from_iso(target.end or target.start)
    if op is Op.GE:
        met = _first_day(a_start) >= _first_day(t_start)
    elif op is Op.GT:
        met = _first_day(a_start) > _last_day(t_end)
    elif op is Op.LT:
        met = _last_day(a_end) < _first_day(t_start)
    else:  # LE and EQ: done by the end of the target date or period
        met = _last_day(a_end) <= _last_day(t_end)
    return Comparison(met=met, ratio=1.0 if met else 0.0)
