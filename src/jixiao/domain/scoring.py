"""Self-evaluation scoring (绩效自评评分): the national default of DOMAIN.md §5, configurable.

Public API::

    score_project(project, actuals, scheme=DEFAULT_SCHEME, *, weights=None) -> ProjectScore
    score_overall(overall, actuals, scheme=DEFAULT_SCHEME) -> ProjectScore   (部门整体)
    grade_for(total, scheme=DEFAULT_SCHEME) -> Grade
    ScoringScheme(...), ScoringScheme.from_mapping(data, where), scheme.to_mapping()
    DEFAULT_SCHEME
    ScoringError (invalid input), ScoringConfigError (invalid scheme); both are ValueError

Formulas
--------

Points (分值).  The scheme gives ``budget_points`` to budget execution (预算执行率, 10 by
default) and points per level-1 group (``group_points``: 产出指标 50, 效益指标 30,
满意度指标 10); the points add up to 100.  A level-1 category without points of its own is
scored with the group ``group_of`` names (by default 成本指标 — a level 1 since 2021 —
counts with 产出指标); any other level 1 without points is refused.

Rescaling (折算).  What does not apply is left out and the rest is scaled up to 100:

1. The budget part applies when 全年预算数 is given and above 0; otherwise it is left out
   (weight 0, noted in ``problems``).
2. An indicator marked not applicable (:attr:`IndicatorActual.not_applicable`) is left out
   of its group; a group with no applicable indicator (the project lacks that level 1, or
   all of its indicators are not applicable) is left out (noted in ``problems``).
3. The groups left share ``100 − budget weight`` in proportion to their points:
   ``G = (100 − B) × p_g ÷ Σ p`` over the groups present.  Example: a project with 产出
   and 满意度 only: 产出 90 × 50/60 = 75, 满意度 90 × 10/60 = 15.
4. Within a group the applicable indicators share ``G`` equally, or, with ``weights``
   (relative weights by indicator name; all or none of a group's applicable indicators),
   in proportion to their weights: ``w_i = G × r_i ÷ Σ r``.  Without ``weights``, a group
   whose table prints a 权重 / 分值 for every applicable indicator (``Indicator.weight``)
   shares ``G`` in proportion to those: the printed weights replace the equal split.
5. Weights are apportioned in hundredths of a point (largest remainder method, ties to the
   earlier group or indicator), so that the displayed weights add up to exactly 100:
   50 points over three indicators are 16.67 + 16.67 + 16.66, never 3 × 16.67 = 50.01.
   The apportioned weight is the exact weight of the indicator: scores are computed from it,
   a score never exceeds it, and a full score is exactly it.

Budget execution (预算执行率).  ``rate = 执行数 ÷ 全年预算数`` (adjusted budget);
``budget score = B × min(rate, 1)``.  A rate below ``execution_explain_below`` (0.9) must
be explained (``execution_reason_needed``).  A missing 执行数 with a budget scores 0.

Quantitative indicators (定量), weight ``w``, target ``t``, actual ``a`` (same unit; a bare
actual number is read in the target's unit, see :func:`jixiao.domain.values.compare`);
``ratio = a ÷ t`` is reported (None when t = 0):

- positive (正向, ≥ >): ``a ≥ t`` → w; otherwise ``w × a ÷ t``.  A target ≤ 0 has no
  meaningful ratio: not reached → 0.
- exact (等值, ＝): scored as positive (reaching or exceeding the value → w).  Target 0:
  ``a ≤ 0`` → w, else 0.
- negative (反向, ≤ <): ``a ≤ t`` → w.  Otherwise, ``negative_rule = "linear"`` (default):
  ``t < a < 2t`` → ``w × (1 − (a − t) ÷ t)`` (1.5 × t → half), ``a ≥ 2t`` → 0;
  ``negative_rule = "ratio"``: ``w × t ÷ a``.  A target ≤ 0 exceeded → 0.
- Every score is kept within [0, w] (nothing above the weight, nothing below 0).

Dates (时效, e.g. 2025年12月底前).  Compared by :func:`jixiao.domain.values.compare`: for
≤ and ＝ targets, done on or before the end of the target date or period → w, later → 0;
≥, >, < targets as their operator says.  All or nothing.

Qualitative indicators (定性).  The result is 达成, 部分达成 or 未达成:

- an actual result word is the result whatever the target (达成 / 部分达成 / 未达成, the
  long forms 达成年度指标… and 完成 / 部分完成 / 未完成 accepted);
- an actual grade on another scale (好/较好/一般…, 优/良/中/差, 满意/基本满意…) is ranked
  against the target on their common scale: at or above the target → 达成; one step below
  → 部分达成, unless that is the worst grade of the scale (否, 不合格, 不满意 …); further
  below → 未达成.  The target's operator is not used.

The score is ``qualitative_defaults[result] × w`` (达成 100%, 部分达成 70%, 未达成 30%).
A manual score (:class:`ManualScore`) overrides it within the band of the result
(``qualitative_bands``: 达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%)); the band is
compared in points rounded to 2 decimals, as the weights are shown.  Outside → ScoringError.

Manual adjustments (人工调整).  A manual score on any other indicator (quantitative, date,
or one that cannot be scored automatically: a missing or unreadable target, an actual that
is text or not comparable) replaces the automatic score; it must lie in [0, w] and give a
reason, and ``rule`` records both it and the automatic score.  Without a manual score an
indicator that cannot be scored automatically is refused (ScoringError naming it).

Missing actuals.  No row, an empty cell or a not-filled marker (/, 无, *, XX) → 0 points and
the problem "缺少实际完成值".  (A manual adjustment may still be given.)

Reasons.  A score below the weight needs 偏差原因 and 改进措施: ``reason_needed``;
``missing_reason`` when the deviation text is blank (a category alone is not a reason),
``missing_measures`` when the measures are blank; both are listed in ``problems``.

Rounding.  Every indicator score and the budget score are rounded to 2 decimals, half up
(Decimal arithmetic, no float noise: 0.125 → 0.13); the total is the sum of the rounded
parts (so it always matches the table), which is then at most 100.

Grades.  ``grades`` are (threshold, grade) pairs, highest first: total ≥ threshold → that
grade; below the last → 差.  Default 优 ≥ 90, 良 ≥ 80, 中 ≥ 60 (89.99 → 良, 90 → 优).

Refused (ScoringError, listing every problem of the project at once): actuals of another
project or of the half year; an actual for an indicator the project does not have (or one
given twice); text where a number is needed; a manual score out of its band, above the
weight, below 0, or an adjustment without a reason; a manual score on an indicator marked
not applicable; weights naming an unknown indicator, negative, or given for part of a group;
a level 1 the scheme has no points for; negative budget or 执行数.

Standard library only: part of the pure domain core.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

from jixiao.domain.actuals import IndicatorActual, ManualScore, ProjectActuals, not_reported
from jixiao.domain.model import Indicator, OverallTargets, Period, Project
from jixiao.domain.taxonomy import COST, EFFECT, OUTPUT, SATISFACTION, TAXONOMY_2021
from jixiao.domain.values import (
    GRADE_SCALES,
    Direction,
    Kind,
    Number,
    Op,
    TargetValue,
    compare,
    grade_rank,
    grade_scales,
)
from jixiao.domain.workflow import Grade

__all__ = [
    "ACHIEVED",
    "DEFAULT_SCHEME",
    "NOT_ACHIEVED",
    "PARTLY_ACHIEVED",
    "RESULTS",
    "WORK_ITEMS",
    "GroupScore",
    "IndicatorScore",
    "NegativeRule",
    "ProjectScore",
    "ScoringConfigError",
    "ScoringError",
    "ScoringScheme",
    "grade_for",
    "mean_score",
    "overall_project",
    "score_overall",
    "score_project",
]

ACHIEVED = "达成"
PARTLY_ACHIEVED = "部分达成"
NOT_ACHIEVED = "未达成"
#: Qualitative results, best first.
RESULTS: tuple[str, str, str] = (ACHIEVED, PARTLY_ACHIEVED, NOT_ACHIEVED)

NegativeRule: TypeAlias = Literal["linear", "ratio"]
_NEGATIVE_RULES: tuple[str, ...] = ("linear", "ratio")


class ScoringError(ValueError):
    """Input that cannot be scored; the message (Chinese) names every offending item."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("；".join(self.problems))


class ScoringConfigError(ValueError):
    """A scoring scheme with an unknown key or a bad value."""


# -- the scheme ---------------------------------------------------------------------------


def _frozen(data: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(data))


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _fraction(value: Number) -> Fraction:
    """The decimal value a number prints as (0.1 → 1/10, not the binary approximation)."""
    return Fraction(value) if isinstance(value, int) else Fraction(repr(float(value)))


def _decimal(value: Number) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(float(value)))


_KEYS: tuple[str, ...] = (
    "budget_points",
    "group_points",
    "group_of",
    "negative_rule",
    "qualitative_defaults",
    "qualitative_bands",
    "grades",
    "execution_explain_below",
)

_GRADE_ORDER: tuple[Grade, ...] = (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR, Grade.POOR)


def _level1(name: object, key: str) -> str:
    if not isinstance(name, str):
        raise ScoringConfigError(f"scoring.{key}: level-1 names must be text, got {name!r}")
    canonical = TAXONOMY_2021.resolve_level1(name)
    if canonical is None:
        raise ScoringConfigError(
            f"scoring.{key}: unknown level-1 category {name!r} "
            f"(expected one of {list(TAXONOMY_2021.level1)})"
        )
    return canonical


@dataclass(frozen=True)
class ScoringScheme:
    """Points, formulas and grade thresholds of self-evaluation scoring (DOMAIN.md §5).

    Level-1 names may be given by alias (产出 → 产出指标); they are stored canonical.
    Invalid values raise :class:`ScoringConfigError`.
    """

    budget_points: float = 10  # 预算执行率
    group_points: Mapping[str, float] = field(
        default_factory=lambda: _frozen({OUTPUT: 50, EFFECT: 30, SATISFACTION: 10})
    )
    # Level-1 categories scored with another group (2021 cost indicators count as outputs).
    group_of: Mapping[str, str] = field(default_factory=lambda: _frozen({COST: OUTPUT}))
    negative_rule: NegativeRule = "linear"
    # Default share of the weight per qualitative result.
    qualitative_defaults: Mapping[str, float] = field(
        default_factory=lambda: _frozen({ACHIEVED: 1.0, PARTLY_ACHIEVED: 0.7, NOT_ACHIEVED: 0.3})
    )
    # [low, high] for 达成, [low, high) for the others: manual scores must fall inside.
    qualitative_bands: Mapping[str, tuple[float, float]] = field(
        default_factory=lambda: _frozen(
            {ACHIEVED: (0.8, 1.0), PARTLY_ACHIEVED: (0.6, 0.8), NOT_ACHIEVED: (0.0, 0.6)}
        )
    )
    # (threshold, grade), highest first; below the last threshold: 差.
    grades: tuple[tuple[float, Grade], ...] = (
        (90, Grade.EXCELLENT),
        (80, Grade.GOOD),
        (60, Grade.FAIR),
    )
    execution_explain_below: float = 0.9  # 预算执行率 below this must be explained

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        budget = self.budget_points
        if not _is_number(budget) or not 0 <= budget <= 100:
            raise ScoringConfigError(
                f"scoring.budget_points must be a number from 0 to 100, got {budget!r}"
            )
        if _fraction(budget) * 100 != int(_fraction(budget) * 100):
            raise ScoringConfigError(
                f"scoring.budget_points must have at most 2 decimals, got {budget!r}"
            )

        if not isinstance(self.group_points, Mapping) or not self.group_points:
            raise ScoringConfigError(
                f"scoring.group_points must be a non-empty table of level-1 category → points, "
                f"got {self.group_points!r}"
            )
        points: dict[str, float] = {}
        for name, value in self.group_points.items():
            canonical = _level1(name, "group_points")
            if canonical in points:
                raise ScoringConfigError(f"scoring.group_points: {canonical} is given twice")
            if not _is_number(value) or value < 0:
                raise ScoringConfigError(
                    f"scoring.group_points.{name} must be a number ≥ 0, got {value!r}"
                )
            points[canonical] = value
        if sum(_fraction(v) for v in points.values()) <= 0:
            raise ScoringConfigError("scoring.group_points: the groups have no points at all")
        total = _fraction(budget) + sum(_fraction(v) for v in points.values())
        if total != 100:
            raise ScoringConfigError(
                f"scoring: budget_points + group_points must add up to 100, got {float(total):g}"
            )
        set_(self, "group_points", _frozen(points))

        if not isinstance(self.group_of, Mapping):
            raise ScoringConfigError(
                f"scoring.group_of must be a table of level-1 category → group, "
                f"got {self.group_of!r}"
            )
        group_of: dict[str, str] = {}
        for name, target in self.group_of.items():
            source = _level1(name, "group_of")
            group = _level1(target, "group_of")
            if source in points:
                raise ScoringConfigError(
                    f"scoring.group_of.{name}: {source} has points of its own in group_points"
                )
            if group not in points:
                raise ScoringConfigError(
                    f"scoring.group_of.{name}: {group} has no points in group_points"
                )
            group_of[source] = group
        set_(self, "group_of", _frozen(group_of))

        if self.negative_rule not in _NEGATIVE_RULES:
            raise ScoringConfigError(
                f"scoring.negative_rule must be one of {list(_NEGATIVE_RULES)}, "
                f"got {self.negative_rule!r}"
            )

        defaults = _results_table(self.qualitative_defaults, "qualitative_defaults")
        bands = _results_table(self.qualitative_bands, "qualitative_bands")
        checked_defaults: dict[str, float] = {}
        checked_bands: dict[str, tuple[float, float]] = {}
        for result in RESULTS:
            share = defaults[result]
            band = bands[result]
            if not _is_number(share) or not 0 <= share <= 1:
                raise ScoringConfigError(
                    f"scoring.qualitative_defaults.{result} must be a share from 0 to 1, "
                    f"got {share!r}"
                )
            if (
                not isinstance(band, tuple | list)
                or len(band) != 2
                or not all(_is_number(x) for x in band)
                or not 0 <= band[0] < band[1] <= 1
            ):
                raise ScoringConfigError(
                    f"scoring.qualitative_bands.{result} must be [low, high] with "
                    f"0 ≤ low < high ≤ 1, got {band!r}"
                )
            low, high = band[0], band[1]
            inside = low <= share <= high if result == ACHIEVED else low <= share < high
            if not inside:
                raise ScoringConfigError(
                    f"scoring.qualitative_defaults.{result} ({share}) is outside its band "
                    f"{list(band)}"
                )
            checked_defaults[result] = share
            checked_bands[result] = (low, high)
        set_(self, "qualitative_defaults", _frozen(checked_defaults))
        set_(self, "qualitative_bands", _frozen(checked_bands))

        set_(self, "grades", _checked_grades(self.grades))

        below = self.execution_explain_below
        if not _is_number(below) or not 0 <= below <= 1:
            raise ScoringConfigError(
                "scoring.execution_explain_below must be a rate from 0 to 1 (0.9 for 90%), "
                f"got {below!r}"
            )

    def __hash__(self) -> int:
        return hash(
            (
                self.budget_points,
                tuple(self.group_points.items()),
                tuple(self.group_of.items()),
                self.negative_rule,
                tuple(self.qualitative_defaults.items()),
                tuple(self.qualitative_bands.items()),
                self.grades,
                self.execution_explain_below,
            )
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> ScoringScheme:
        """From the ``[scoring]`` table of a TOML file; every key optional (TOML needs the
        Chinese keys quoted)::

            budget_points = 10
            group_points = { "产出指标" = 50, "效益指标" = 30, "满意度指标" = 10 }
            group_of = { "成本指标" = "产出指标" }
            negative_rule = "linear"        # or "ratio"
            qualitative_defaults = { "达成" = 1.0, "部分达成" = 0.7, "未达成" = 0.3 }
            qualitative_bands = { "达成" = [0.8, 1.0], "部分达成" = [0.6, 0.8], "未达成" = [0.0, 0.6] }
            grades = { "优" = 90, "良" = 80, "中" = 60 }
            execution_explain_below = 0.9

        ``group_points``, ``group_of`` and ``grades`` replace the defaults as a whole;
        ``qualitative_defaults`` and ``qualitative_bands`` may give some results only.  When
        ``group_points`` is given without ``group_of``, the default ``group_of`` keeps only
        the categories that have no points of their own.
        """
        if not isinstance(data, Mapping):
            raise ScoringConfigError(f"{where}: [scoring] must be a table, got {data!r}")
        unknown = [key for key in data if key not in _KEYS]
        if unknown:
            raise ScoringConfigError(
                f"{where}: unknown key(s) {', '.join('scoring.' + str(k) for k in unknown)} "
                f"(expected {list(_KEYS)})"
            )
        default = DEFAULT_SCHEME
        kwargs: dict[str, Any] = {key: data[key] for key in _KEYS if key in data}
        try:
            if "group_points" in data and "group_of" not in data:
                own = {
                    TAXONOMY_2021.resolve_level1(str(name))
                    for name in _table(data["group_points"], "group_points")
                }
                kwargs["group_of"] = {
                    k: v for k, v in default.group_of.items() if k not in own and v in own
                }
            for key in ("qualitative_defaults", "qualitative_bands"):
                if key in data:
                    given = _table(data[key], key)
                    extra = [str(r) for r in given if r not in RESULTS]
                    if extra:
                        raise ScoringConfigError(
                            f"scoring.{key}: unknown result(s) {', '.join(extra)} "
                            f"(expected {list(RESULTS)})"
                        )
                    merged: dict[str, Any] = dict(getattr(default, key))
                    for result, value in given.items():
                        merged[result] = tuple(value) if isinstance(value, list) else value
                    kwargs[key] = merged
            if "grades" in data:
                grades = _table(data["grades"], "grades")
                pairs: list[tuple[Any, Any]] = []
                for label, threshold in grades.items():
                    if label not in (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR):
                        raise ScoringConfigError(
                            f"scoring.grades: unknown grade {label!r} (expected 优, 良, 中; "
                            "below the last threshold is 差)"
                        )
                    pairs.append((threshold, Grade(label)))
                kwargs["grades"] = tuple(
                    sorted(pairs, key=lambda p: -p[0] if _is_number(p[0]) else 0)
                )
            return cls(**kwargs)
        except ScoringConfigError as exc:
            raise ScoringConfigError(f"{where}: {exc}") from None

    def to_mapping(self) -> dict[str, Any]:
        """The scheme as a ``[scoring]`` table (what :meth:`from_mapping` reads back)."""
        return {
            "budget_points": self.budget_points,
            "group_points": dict(self.group_points),
            "group_of": dict(self.group_of),
            "negative_rule": self.negative_rule,
            "qualitative_defaults": dict(self.qualitative_defaults),
            "qualitative_bands": {k: list(v) for k, v in self.qualitative_bands.items()},
            "grades": {grade.value: threshold for threshold, grade in self.grades},
            "execution_explain_below": self.execution_explain_below,
        }


def _table(value: object, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScoringConfigError(f"scoring.{key} must be a table, got {value!r}")
    return value


def _results_table(value: object, key: str) -> Mapping[str, Any]:
    table = _table(value, key)
    extra = [str(r) for r in table if r not in RESULTS]
    missing = [r for r in RESULTS if r not in table]
    if extra or missing:
        raise ScoringConfigError(
            f"scoring.{key} must give exactly {list(RESULTS)}"
            + (f"; unknown: {', '.join(extra)}" if extra else "")
            + (f"; missing: {', '.join(missing)}" if missing else "")
        )
    return table


def _checked_grades(grades: object) -> tuple[tuple[float, Grade], ...]:
    if not isinstance(grades, tuple | list) or not grades:
        raise ScoringConfigError(
            f"scoring.grades must give at least one (threshold, grade), got {grades!r}"
        )
    checked: list[tuple[float, Grade]] = []
    for item in grades:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ScoringConfigError(f"scoring.grades: {item!r} is not a (threshold, grade) pair")
        threshold, label = item
        if label not in (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR):
            raise ScoringConfigError(
                f"scoring.grades: unknown grade {label!r} (expected 优, 良, 中; "
                "below the last threshold is 差)"
            )
        if not _is_number(threshold) or not 0 < threshold <= 100:
            raise ScoringConfigError(
                f"scoring.grades.{label} must be a number above 0 and at most 100, "
                f"got {threshold!r}"
            )
        checked.append((threshold, Grade(label)))
    for (high, better), (low, worse) in pairwise(checked):
        if not high > low or _GRADE_ORDER.index(better) >= _GRADE_ORDER.index(worse):
            raise ScoringConfigError(
                "scoring.grades: thresholds must fall as the grades get worse "
                f"(优 > 良 > 中), got {better.value} {high} and {worse.value} {low}"
            )
    return tuple(checked)


DEFAULT_SCHEME = ScoringScheme()


def grade_for(total: float, scheme: ScoringScheme = DEFAULT_SCHEME) -> Grade:
    """The grade of a total: the first threshold it reaches, else 差."""
    value = _decimal(total)
    for threshold, grade in scheme.grades:
        if value >= _decimal(threshold):
            return grade
    return Grade.POOR


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator's score; texts as printed, ``rule`` in Chinese."""

    name: str
    level1: str
    level2: str
    target: str | None  # target text as printed (full year, else long term)
    actual: str | None  # actual text as printed
    weight: float  # points available after rescaling (hundredths, see the module docs)
    score: float  # rounded to 2 decimals
    ratio: float | None  # actual ÷ target, when quantitative and the target is not 0
    rule: str  # how it was scored
    reason_needed: bool  # below the weight → 偏差原因 and 改进措施 are required
    missing_reason: bool  # reason_needed and no deviation text
    applicable: bool
    missing_measures: bool = False  # reason_needed and no 改进措施
    group: str = ""  # the scoring group (level 1 after group_of)
    manual: bool = False  # a manual score was applied
    # The level labels as the target table printed them, when they differ from the names
    # (满意度 for 满意度指标); printed tables show them.
    level1_label: str = ""
    level2_label: str = ""


@dataclass(frozen=True, slots=True)
class GroupScore:
    """A scoring group's weight after rescaling and the sum of its indicators' scores."""

    name: str
    weight: float
    score: float


@dataclass(frozen=True, slots=True)
class ProjectScore:
    """A project's self-evaluation score; ``problems`` in Chinese."""

    name: str
    budget_score: float
    execution_rate: float | None  # 执行数 ÷ 全年预算数 (a rate: 0.85 for 85%)
    execution_reason_needed: bool
    indicators: tuple[IndicatorScore, ...]
    total: float
    grade: Grade
    problems: tuple[str, ...]
    budget_weight: float = 0.0  # budget_points, or 0 when the budget part does not apply
    groups: tuple[GroupScore, ...] = ()


# -- helpers ------------------------------------------------------------------------------

_CENT = Decimal("0.01")
_CONTEXT = Context(prec=60)


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _points(value: Decimal) -> str:
    """Points for messages: 2 decimals."""
    return format(_round(value), "f")


def _short(value: Decimal) -> str:
    """A number for messages: at most 2 decimals, trailing zeros dropped."""
    if value.adjusted() >= 15:  # absurd figures (a ratio over a tiny target): 6 digits
        return format(value, ".6g")
    text = format(_round(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(share: Decimal) -> str:
    return _short(share * 100) + "%"


def _apportion(total: int, shares: Sequence[Fraction]) -> list[int]:
    """Split ``total`` hundredths in proportion to ``shares`` (largest remainder, ties first)."""
    return list(_apportion_once(total, tuple(shares)))


@functools.lru_cache(maxsize=8192)
def _apportion_once(total: int, shares: tuple[Fraction, ...]) -> tuple[int, ...]:
    """:func:`_apportion`, remembered: projects share a handful of group structures, and
    exact fractions are slow."""
    whole = sum(shares, Fraction(0))
    if not shares:
        return ()
    if whole <= 0:
        return (0,) * len(shares)
    quotas = [Fraction(total) * s / whole for s in shares]
    parts = [math.floor(q) for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return tuple(parts)


def _printed(value: TargetValue | None) -> str | None:
    return None if value is None else value.text.strip()


_RESULT_SCALES = ("达成", "完成")


def _canonical(word: str) -> str:
    rank = grade_rank(word)
    return word if rank is None else GRADE_SCALES[rank[0]][rank[1]]


@dataclass(frozen=True, slots=True)
class _Auto:
    """The automatic score of an indicator, or why there is none (score None)."""

    score: Decimal | None
    rule: str
    ratio: float | None = None
    result: str | None = None  # qualitative result


def _quantitative(
    a: Decimal, t: Decimal, direction: Direction, w: Decimal, negative_rule: str
) -> _Auto:
    ratio = float(a / t) if t != 0 else None
    if ratio is not None and not math.isfinite(ratio):
        ratio = None
    zero = Decimal(0)
    if direction is Direction.NEGATIVE:
        name = "反向指标"
        if a <= t:
            return _Auto(w, f"{name}：实际值 ≤ 目标值，得满分", ratio)
        if t <= 0:
            return _Auto(
                zero, f"{name}：实际值高于目标值（目标值不大于 0，无法按比例计分），不得分", ratio
            )
        times = _short(a / t)
        if negative_rule == "ratio":
            score = w * t / a
            return _Auto(
                score, f"{name}：实际值为目标值的 {times} 倍，按 目标值/实际值 计分", ratio
            )
        if a >= 2 * t:
            return _Auto(
                zero, f"{name}：实际值为目标值的 {times} 倍（达到 2 倍及以上），不得分", ratio
            )
        score = w * (2 * t - a) / t
        return _Auto(
            score, f"{name}：实际值为目标值的 {times} 倍，按 1−(实际−目标)/目标 计分", ratio
        )
    if direction is Direction.EXACT and t == 0:
        if a <= 0:
            return _Auto(w, "等值指标：目标值为 0，实际值 ≤ 0，得满分", ratio)
        return _Auto(zero, "等值指标：目标值为 0，实际值大于 0，不得分", ratio)
    name = "正向指标" if direction is Direction.POSITIVE else "等值指标（按正向计分）"
    if a >= t:
        return _Auto(w, f"{name}：实际值 ≥ 目标值，得满分", ratio)
    if t <= 0:
        return _Auto(
            zero, f"{name}：实际值低于目标值（目标值不大于 0，无法按比例计分），不得分", ratio
        )
    score = max(zero, w * a / t)
    return _Auto(score, f"{name}：实际值为目标值的 {_percent(a / t)}，按 实际值/目标值 计分", ratio)


_DATE_CONDITIONS: Mapping[Op, str] = {
    Op.LE: "不晚于目标日期",
    Op.EQ: "不晚于目标日期",
    Op.GE: "不早于目标日期",
    Op.GT: "晚于目标日期",
    Op.LT: "早于目标日期",
}


def _qualitative_result(actual: TargetValue, target: TargetValue) -> tuple[str, str] | None:
    """(result, how it was found) of a qualitative actual, or None if not comparable."""
    assert actual.grade is not None
    shown = actual.text.strip()
    rank = grade_rank(actual.grade)
    if rank is not None and rank[0] in _RESULT_SCALES:
        return RESULTS[rank[1]], ""
    if target.grade is None:
        return None
    common = [s for s in grade_scales(target.grade) if s in grade_scales(actual.grade)]
    if not common and compare(actual, target).met:
        return ACHIEVED, f"实际“{shown}”与目标“{target.text.strip()}”一致，视为达成"
    if not common:
        return None
    scale = GRADE_SCALES[common[0]]
    ra = scale.index(_canonical(actual.grade))
    rt = scale.index(_canonical(target.grade))
    target_shown = target.text.strip()
    if ra <= rt:
        return ACHIEVED, f"实际“{shown}”不低于目标“{target_shown}”，视为达成"
    steps = ra - rt
    if steps == 1 and ra < len(scale) - 1:
        return PARTLY_ACHIEVED, f"实际“{shown}”比目标“{target_shown}”低一档，视为部分达成"
    return NOT_ACHIEVED, f"实际“{shown}”比目标“{target_shown}”低 {steps} 档，视为未达成"


def _automatic(
    indicator: Indicator,
    target: TargetValue | None,
    value: TargetValue | None,
    w: Decimal,
    scheme: ScoringScheme,
) -> _Auto:
    """Score an indicator from its target and actual; score None when that is impossible."""
    if not_reported(value):
        return _Auto(Decimal(0), "缺少实际完成值，不得分")
    assert value is not None
    shown = value.text.strip()
    if target is None:
        return _Auto(None, "没有全年或长期指标值，无法自动计分")
    target_shown = target.text.strip()
    if target.kind is Kind.TEXT:
        return _Auto(None, f"目标值“{target_shown}”无法识别（{target.reason}），无法自动计分")

    if target.kind is Kind.QUALITATIVE:
        if value.kind is not Kind.QUALITATIVE or value.grade is None:
            return _Auto(None, f"目标值“{target_shown}”为定性指标，实际值“{shown}”不是可比较的等级")
        found = _qualitative_result(value, target)
        if found is None:
            return _Auto(
                None, f"实际值“{shown}”与目标值“{target_shown}”不属于同一评价标准，无法比较"
            )
        result, how = found
        share = _decimal(scheme.qualitative_defaults[result])
        rule = f"定性指标：{how or result}，默认 {_percent(share)}"
        return _Auto(w * share, rule, result=result)

    comparison = compare(value, target)
    if target.kind is Kind.DATE:
        if comparison.met is None:
            return _Auto(
                None,
                f"目标值“{target_shown}”为日期，实际值“{shown}”不是可比较的日期"
                f"（{comparison.reason}）",
            )
        condition = _DATE_CONDITIONS[target.op or Op.EQ]
        if comparison.met:
            return _Auto(w, f"时效指标：实际日期{condition}，得满分")
        return _Auto(Decimal(0), f"时效指标：实际日期未能{condition}，不得分")

    # quantitative target
    if (
        comparison.ratio is None
        or value.value is None
        or target.value is None
        or not math.isfinite(float(value.value))
        or not math.isfinite(float(target.value))
    ):
        reason = comparison.reason or "数值无效"
        return _Auto(
            None, f"目标值“{target_shown}”为定量指标，实际值“{shown}”不是可比较的数值（{reason}）"
        )
    # the operator where it says ≥/≤, else the table's 指标方向 (a bare number under 反向)
    direction = indicator.effective_direction or Direction.EXACT
    return _quantitative(
        _decimal(value.value), _decimal(target.value), direction, w, scheme.negative_rule
    )


@dataclass(frozen=True, slots=True)
class _Scored:
    score: Decimal
    rule: str
    ratio: float | None
    manual: bool


def _apply_manual(
    name: str,
    auto: _Auto,
    manual: ManualScore | None,
    w: Decimal,
    scheme: ScoringScheme,
    errors: list[str],
) -> _Scored | None:
    if manual is None:
        if auto.score is None:
            errors.append(f"指标“{name}”{auto.rule}，请给出人工评分并说明理由")
            return None
        return _Scored(min(max(auto.score, Decimal(0)), w), auto.rule, auto.ratio, False)

    raw = manual.score
    if not _is_number(raw):
        errors.append(f"指标“{name}”的人工评分不是有效数字：{raw!r}")
        return None
    given = _decimal(raw)
    reason = manual.reason.strip()
    if given < 0 or given > w:
        errors.append(
            f"指标“{name}”的人工评分 {_short(_decimal(raw))} 分超出 0 到 {_points(w)} 分（权重）"
        )
        return None
    score = _round(given)
    because = f"（理由：{reason}）" if reason else ""

    if auto.result is not None:
        low_share, high_share = scheme.qualitative_bands[auto.result]
        low = _round(w * _decimal(low_share))
        high = _round(w * _decimal(high_share))
        closed = auto.result == ACHIEVED
        inside = low <= score <= high if closed else low <= score < high
        band = f"[{_points(low)}, {_points(high)}{']' if closed else ')'}"
        shares = f"{_percent(_decimal(low_share))}–{_percent(_decimal(high_share))}"
        if not inside:
            errors.append(
                f"指标“{name}”的人工评分 {_short(_decimal(raw))} 分不在“{auto.result}”的区间 "
                f"{band} 内（权重 {_points(w)} 分的 {shares}）"
            )
            return None
        rule = f"人工评分：{auto.result}，区间 {band}，评 {_points(score)} 分{because}"
        return _Scored(score, rule, auto.ratio, True)

    if not reason:
        errors.append(f"指标“{name}”的人工调整评分 {_short(_decimal(raw))} 分必须说明理由")
        return None
    if auto.score is None:
        rule = f"人工评分：评 {_points(score)} 分{because}；{auto.rule}"
    else:
        automatic = _round(min(max(auto.score, Decimal(0)), w))
        rule = (
            f"人工评分：调整为 {_points(score)} 分{because}；"
            f"自动计分 {_points(automatic)} 分（{auto.rule}）"
        )
    return _Scored(score, rule, auto.ratio, True)


# -- scoring ------------------------------------------------------------------------------


def _match(
    project: Project, actuals: ProjectActuals, errors: list[str]
) -> list[IndicatorActual | None]:
    """The actual of each indicator; the n-th row of a name goes to the n-th indicator."""
    slots: dict[str, list[int]] = {}
    for index, indicator in enumerate(project.indicators):
        slots.setdefault(indicator.name, []).append(index)
    matched: list[IndicatorActual | None] = [None] * len(project.indicators)
    used: dict[str, int] = {}
    for item in actuals.indicators:
        places = slots.get(item.indicator)
        if places is None:
            errors.append(f"项目“{project.name}”没有指标“{item.indicator}”，不能填写其完成情况")
            continue
        n = used.get(item.indicator, 0)
        if n >= len(places):
            errors.append(f"指标“{item.indicator}”的完成情况重复填写")
            continue
        used[item.indicator] = n + 1
        matched[places[n]] = item
    return matched


def _weights_in_cents(
    project: Project,
    groups: Sequence[str | None],
    applicable: Sequence[bool],
    indicator_cents: int,
    scheme: ScoringScheme,
    weights: Mapping[str, float] | None,
    errors: list[str],
) -> tuple[list[int], dict[str, int]]:
    """Each indicator's weight and each group's weight, in hundredths of a point."""
    names = {i.name for i in project.indicators}
    relative: dict[str, Fraction] = {}
    for name, value in (weights or {}).items():
        if name not in names:
            errors.append(f"权重中的指标“{name}”不在项目“{project.name}”中")
        elif not _is_number(value) or value < 0:
            errors.append(f"指标“{name}”的权重必须是不小于 0 的数字：{value!r}")
        else:
            relative[name] = _fraction(value)

    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        if group is not None and applicable[index]:
            members.setdefault(group, []).append(index)
    present = list(members)
    group_cents = dict(
        zip(
            present,
            _apportion(indicator_cents, [_fraction(scheme.group_points[g]) for g in present]),
            strict=True,
        )
    )
    cents = [0] * len(project.indicators)
    for group, indexes in members.items():
        given = [project.indicators[i].name in relative for i in indexes]
        if any(given) and not all(given):
            lacking = "、".join(
                f"“{project.indicators[i].name}”"
                for i, has in zip(indexes, given, strict=True)
                if not has
            )
            errors.append(f"{group}中部分指标给出了权重，{lacking}没有，请全部给出或全部不给")
            shares = [Fraction(1)] * len(indexes)
        elif all(given):
            shares = [relative[project.indicators[i].name] for i in indexes]
            if sum(shares) <= 0:
                errors.append(f"{group}中各指标的权重之和必须大于 0")
                shares = [Fraction(1)] * len(indexes)
        else:
            shares = _printed_shares(project, indexes)
        for i, part in zip(indexes, _apportion(group_cents[group], shares), strict=True):
            cents[i] = part
    return cents, group_cents


def _printed_shares(project: Project, indexes: Sequence[int]) -> list[Fraction]:
    """A group's shares by the 权重 / 分值 its table prints for every indicator of it (the
    printed weights replace the equal split, rescaled to the group's points); equal when
    any lacks one or none is above 0."""
    printed = [project.indicators[i].weight for i in indexes]
    if all(w is not None and _is_number(w) and w >= 0 for w in printed) and any(w for w in printed):
        return [_fraction(w) for w in printed if w is not None]
    return [Fraction(1)] * len(indexes)


def score_project(
    project: Project,
    actuals: ProjectActuals,
    scheme: ScoringScheme = DEFAULT_SCHEME,
    *,
    weights: Mapping[str, float] | None = None,
) -> ProjectScore:
    """Score a project's year-end actuals against its targets (see the module docs).

    ``weights`` (relative, by indicator name) replace equal sharing within a group.
    Raises :class:`ScoringError` listing every invalid item.
    """
    with localcontext(_CONTEXT):
        return _score(project, actuals, scheme, weights)


def _score(
    project: Project,
    actuals: ProjectActuals,
    scheme: ScoringScheme,
    weights: Mapping[str, float] | None,
) -> ProjectScore:
    errors: list[str] = []
    problems: list[str] = []
    if actuals.project != project.name:
        errors.append(f"完成情况属于项目“{actuals.project}”，不是项目“{project.name}”")
    if actuals.period is Period.HALF_YEAR:
        errors.append("绩效自评须使用全年实际完成值，不能使用半年（运行监控）数据")

    matched = _match(project, actuals, errors)

    # groups and applicability
    groups: list[str | None] = []
    for indicator in project.indicators:
        group = scheme.group_of.get(indicator.level1, indicator.level1)
        if group not in scheme.group_points:
            errors.append(
                f"指标“{indicator.name}”的一级指标“{indicator.level1}”在评分方案中没有分值，"
                "也未并入其他指标组"
            )
            groups.append(None)
        else:
            groups.append(group)
    applicable = [not (a is not None and a.not_applicable) for a in matched]
    for indicator, item in zip(project.indicators, matched, strict=True):
        if item is not None and item.not_applicable and item.manual is not None:
            errors.append(f"指标“{indicator.name}”标为不适用，不能同时给出人工评分")

    # budget execution
    budget, executed = actuals.budget, actuals.executed
    for label, amount in (("全年预算数", budget), ("执行数", executed)):
        if amount is not None and (not _is_number(amount) or amount < 0):
            errors.append(f"{label}必须是不小于 0 的数字：{amount!r}")
    budget_applies = budget is not None and _is_number(budget) and budget > 0
    budget_points = _decimal(scheme.budget_points)
    budget_cents = int(budget_points * 100) if budget_applies else 0
    rate: Decimal | None = None
    budget_score = Decimal(0)
    execution_reason_needed = False
    if not budget_applies:
        why = "未填写全年预算数" if budget is None else "全年预算数为 0"
        problems.append(f"{why}，预算执行率不计分，其余分值按比例折算为 100 分")
    elif executed is None:
        execution_reason_needed = True
        problems.append("未填写全年执行数，预算执行率得 0 分")
    elif _is_number(executed) and budget is not None and executed >= 0:
        rate = _decimal(executed) / _decimal(budget)
        budget_score = _round(budget_points * min(rate, Decimal(1)))
        below = _decimal(scheme.execution_explain_below)
        if rate < below:
            execution_reason_needed = True
            if not actuals.execution_reason.strip():
                problems.append(f"预算执行率 {_percent(rate)} 低于 {_percent(below)}，未说明原因")

    # weights
    present = {g for g, ok in zip(groups, applicable, strict=True) if g is not None and ok}
    if not present and not errors:
        errors.append(f"项目“{project.name}”没有可计分的绩效指标")
    for group, points in scheme.group_points.items():
        if group in present or points == 0:
            continue
        if any(g == group for g in groups):
            problems.append(f"{group}的指标均不适用，其分值按比例折算给其他指标")
        else:
            problems.append(f"项目缺少一级指标“{group}”，其分值按比例折算给其他指标")
    cents, group_cents = _weights_in_cents(
        project, groups, applicable, 10000 - budget_cents, scheme, weights, errors
    )

    # indicators
    scored: list[IndicatorScore] = []
    for index, (indicator, item) in enumerate(zip(project.indicators, matched, strict=True)):
        target = indicator.full_year or indicator.long_term
        value = item.value if item is not None else None
        group = groups[index] or ""
        if not applicable[index]:
            scored.append(
                IndicatorScore(
                    name=indicator.name,
                    level1=indicator.level1,
                    level2=indicator.level2,
                    level1_label=indicator.level1_label or "",
                    level2_label=indicator.level2_label or "",
                    target=_printed(target),
                    actual=_printed(value),
                    weight=0.0,
                    score=0.0,
                    ratio=None,
                    rule="不适用，不计分",
                    reason_needed=False,
                    missing_reason=False,
                    applicable=False,
                    group=group,
                )
            )
            continue
        w = Decimal(cents[index]) / 100
        auto = _automatic(indicator, target, value, w, scheme)
        result = _apply_manual(
            indicator.name, auto, item.manual if item else None, w, scheme, errors
        )
        if result is None:
            continue
        if not_reported(value):
            problems.append(f"指标“{indicator.name}”缺少实际完成值")
        score = _round(result.score)
        reason_needed = score < w
        has_reason = (
            item is not None and item.deviation is not None and bool(item.deviation.text.strip())
        )
        has_measures = item is not None and bool(item.measures.strip())
        missing_reason = reason_needed and not has_reason
        missing_measures = reason_needed and not has_measures
        if missing_reason or missing_measures:
            lacking = "和".join(
                label
                for label, lacks in (("偏差原因", missing_reason), ("改进措施", missing_measures))
                if lacks
            )
            problems.append(
                f"指标“{indicator.name}”未得满分（{_points(score)}/{_points(w)} 分），"
                f"未填写{lacking}"
            )
        scored.append(
            IndicatorScore(
                name=indicator.name,
                level1=indicator.level1,
                level2=indicator.level2,
                level1_label=indicator.level1_label or "",
                level2_label=indicator.level2_label or "",
                target=_printed(target),
                actual=_printed(value),
                weight=float(w),
                score=float(score),
                ratio=result.ratio,
                rule=result.rule,
                reason_needed=reason_needed,
                missing_reason=missing_reason,
                applicable=True,
                missing_measures=missing_measures,
                group=group,
                manual=result.manual,
            )
        )

    if errors:
        raise ScoringError(errors)

    total = budget_score + sum((_decimal(s.score) for s in scored), Decimal(0))
    group_scores = tuple(
        GroupScore(
            name=group,
            weight=float(Decimal(part) / 100),
            score=float(sum((_decimal(s.score) for s in scored if s.group == group), Decimal(0))),
        )
        for group, part in group_cents.items()
    )
    return ProjectScore(
        name=project.name,
        budget_score=float(budget_score),
        execution_rate=None if rate is None else float(rate),
        execution_reason_needed=execution_reason_needed,
        indicators=tuple(scored),
        total=float(total),
        grade=grade_for(float(total), scheme),
        problems=tuple(problems),
        budget_weight=float(Decimal(budget_cents) / 100),
        groups=group_scores,
    )


# -- the unit as a whole (部门整体) ----------------------------------------------------------

#: The scoring group of a unit's work items in its overall self-evaluation.
WORK_ITEMS = "年度工作任务"


def overall_project(overall: OverallTargets) -> Project:
    """A unit's overall targets as a project to score: one indicator per work item.

    Each goal row (部门职能 → 工作任务 → 年度目标 → 指标值) becomes an output indicator named
    by its work item (工作任务), with the goal's target as the annual target; actuals name
    the work items the same way (a work item listed twice takes its actuals in order).
    """
    return Project(
        name=f"{overall.unit}（部门整体）",
        department=overall.department,
        unit=overall.unit,
        fiscal_year=overall.fiscal_year,
        indicators=tuple(
            Indicator(
                level1=OUTPUT,
                level2=WORK_ITEMS,
                name=goal.work,
                full_year=goal.target,
                source=goal.source,
            )
            for goal in overall.goals
        ),
        source=overall.source,
    )


def score_overall(
    overall: OverallTargets,
    actuals: ProjectActuals,
    scheme: ScoringScheme = DEFAULT_SCHEME,
) -> ProjectScore:
    """The unit's overall self-evaluation (部门整体支出绩效自评) from its work items.

    Budget execution scores ``scheme.budget_points`` from the unit's 全年预算数 and 执行数, as
    for a project; the rest (90 by default) is shared equally by the work items, each
    scored by the rules for indicators (quantitative by direction, qualitative by band,
    manual adjustments with a reason).  ``actuals.project`` is the unit's name and its
    indicator names are the work items (工作任务).  In the result, an indicator's
    ``level1`` is the goal's function (部门职能), ``level2`` its annual goal (年度目标) and
    ``group`` :data:`WORK_ITEMS`.
    """
    if actuals.project != overall.unit:
        raise ScoringError([f"完成情况属于“{actuals.project}”，不是单位“{overall.unit}”"])
    if not overall.goals:
        raise ScoringError([f"单位“{overall.unit}”的整体绩效目标表没有年度目标"])
    project = overall_project(overall)
    flat = ScoringScheme(
        budget_points=scheme.budget_points,
        group_points={OUTPUT: 100 - scheme.budget_points},
        group_of={},
        negative_rule=scheme.negative_rule,
        qualitative_defaults=scheme.qualitative_defaults,
        qualitative_bands=scheme.qualitative_bands,
        grades=scheme.grades,
        execution_explain_below=scheme.execution_explain_below,
    )
    scored = score_project(project, replace(actuals, project=project.name), flat)
    indicators = tuple(
        replace(item, level1=goal.function, level2=goal.goal, group=WORK_ITEMS)
        for item, goal in zip(scored.indicators, overall.goals, strict=True)
    )
    groups = tuple(replace(g, name=WORK_ITEMS) for g in scored.groups)
    return replace(scored, name=overall.unit, indicators=indicators, groups=groups)


def mean_score(totals: Sequence[float]) -> float | None:
    """The mean of totals, rounded half up to 2 decimals on the exact mean (75.125 → 75.13).

    None for no totals.  (A float ``round`` would give 75.12: 75.125 is not exact in binary.)
    """
    if not totals:
        return None
    exact = sum((_decimal(t) for t in totals), Decimal(0)) / len(totals)
    return float(_round(exact))
