"""The domain model: what a budget unit publishes as performance targets.

Plain frozen dataclasses, no I/O.  A :class:`Document` is what one published source holds
(one unit's overall targets and/or any number of project tables); it is the in-memory form
of the ``jixiao/1`` interchange format (see docs/format.md).

Names of departments and units are kept as printed; identity across documents is the
store's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from jixiao.domain._pickling import by_fields
from jixiao.domain.money import DEFAULT_UNIT, format_money, in_unit, to_yuan
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Direction, Number, TargetValue

if TYPE_CHECKING:  # actuals build on this module
    from jixiao.domain.actuals import ActualsDocument


class Nature(StrEnum):
    """What an indicator is, as a table's 指标性质 / 指标类型 column says."""

    QUANTITATIVE = "quantitative"  # 定量
    QUALITATIVE = "qualitative"  # 定性


_NATURE_WORDS: dict[str, Nature] = {"定量": Nature.QUANTITATIVE, "定性": Nature.QUALITATIVE}
_OPERATOR_CHARS = frozenset("=＝≥≧≤≦<>＜＞⩾⩽")
_DIRECTION_WORDS: tuple[tuple[str, Direction], ...] = (
    ("越大越好", Direction.POSITIVE),
    ("越小越好", Direction.NEGATIVE),
    ("正向", Direction.POSITIVE),
    ("反向", Direction.NEGATIVE),
    ("逆向", Direction.NEGATIVE),
    ("中性", Direction.EXACT),
)


def parse_nature(text: str) -> Nature | None:
    """指标性质 as printed: 定量(指标) / 定性(指标); an operator (≥ ＝ …, which tables print
    in that column too) is a quantitative indicator; anything else None."""
    word = "".join(text.split()).removesuffix("指标")
    if word in _NATURE_WORDS:
        return _NATURE_WORDS[word]
    if word and len(word) <= 2 and all(ch in _OPERATOR_CHARS for ch in word):
        return Nature.QUANTITATIVE
    return None


def parse_direction(text: str) -> Direction | None:
    """指标方向 as printed: 正向(指标) / 反向 / 逆向 / 中性, 越大越好 / 越小越好; else None."""
    word = "".join(text.split())
    if len(word) > 6:
        return None
    return next((d for w, d in _DIRECTION_WORDS if word.startswith(w)), None)


class Period(StrEnum):
    """The period a target value is set for (指标值的期间)."""

    HALF_YEAR = "half_year"  # 半年（程）指标值
    FULL_YEAR = "full_year"  # 全年（程）/ 年度指标值
    LONG_TERM = "long_term"  # 长期 / 中长期指标值 (multi-year projects)


@dataclass(frozen=True, slots=True)
class Department:
    """A supervising department (主管部门)."""

    name: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class BudgetUnit:
    """A budget unit (预算单位) under a supervising department."""

    name: str
    department: str | None = None
    code: str | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class Goal:
    """One row of a unit's overall targets (部门整体支出绩效目标表).

    ``seq`` is the 序号（代码） of the function (职能) as printed; all work items (工作及项目
    名称) under one function share it.
    """

    seq: str
    function: str
    work: str
    goal: str
    target: TargetValue | None
    source: Provenance | None = field(default=None, compare=False)


@by_fields
@dataclass(frozen=True, slots=True)
class OverallTargets:
    """A unit's overall expenditure performance targets for one fiscal year."""

    unit: str
    fiscal_year: int | None
    goals: tuple[Goal, ...] = ()
    department: str | None = None
    source: Provenance | None = field(default=None, compare=False)

    @property
    def functions(self) -> tuple[str, ...]:
        """Distinct functions in order of first appearance."""
        return tuple(dict.fromkeys(g.function for g in self.goals))


@by_fields
@dataclass(frozen=True, slots=True)
class Funds:
    """A project's funds, where the table gives them (资金情况 / 预算数).

    Amounts are in 元, exact (``Decimal``); ``unit`` is the unit the table printed them in
    (元 / 千元 / 万元, see :mod:`jixiao.domain.money`), the unit they are shown in again.
    """

    total: Decimal | None = None  # 年度资金总额 (or 预算数)
    fiscal: Decimal | None = None  # 其中：财政拨款
    carryover: Decimal | None = None  # 上年结转
    other: Decimal | None = None  # 其他资金
    unit: str = DEFAULT_UNIT

    @classmethod
    def printed(cls, unit: str = DEFAULT_UNIT, **amounts: Number | Decimal | None) -> Funds:
        """Funds from amounts printed in ``unit`` (``Funds.printed("万元", total=120)``)."""
        return cls(
            **{k: None if v is None else to_yuan(v, unit) for k, v in amounts.items()},
            unit=unit,
        )

    def amounts(self) -> dict[str, Decimal | None]:
        """The four amounts in 元 by field name."""
        return {
            "total": self.total,
            "fiscal": self.fiscal,
            "carryover": self.carryover,
            "other": self.other,
        }

    def printed_amounts(self) -> dict[str, int | float | None]:
        """The four amounts as numbers of the printed unit (JSON, the API), by field."""
        out: dict[str, int | float | None] = {}
        for name, yuan in self.amounts().items():
            if yuan is None:
                out[name] = None
                continue
            number = in_unit(yuan, self.unit)
            out[name] = int(number) if number == number.to_integral_value() else float(number)
        return out

    def shown(self, name: str, unit: str | None = None) -> str:
        """One amount shown in ``unit`` (the printed unit by default), ``—`` when absent."""
        amount: Decimal | None = getattr(self, name)
        return format_money(amount, unit or self.unit)


@by_fields
@dataclass(frozen=True, slots=True)
class Indicator:
    """A level-3 indicator (三级指标) with its targets per period.

    ``level1``/``level2`` are canonical taxonomy names; ``level1_label``/``level2_label``
    keep the labels as printed (None when the source printed none, e.g. a row typed in).

    What else a table prints about the indicator is kept as printed, where it has a column:
    ``weight`` (权重 / 分值, the points or share the table gives it), ``direction``
    (指标方向: 正向 / 反向), ``nature`` (指标性质: 定量 / 定性), ``basis`` (指标值确定依据 /
    取值依据), ``explanation`` (指标解释 / 指标说明), ``standard`` (评(扣)分标准) and
    ``remark`` (备注); None or ``""`` when the table has no such column.
    """

    level1: str
    level2: str
    name: str
    half_year: TargetValue | None = None
    full_year: TargetValue | None = None
    long_term: TargetValue | None = None
    level1_label: str | None = None
    level2_label: str | None = None
    weight: Number | None = None
    direction: Direction | None = None
    nature: Nature | None = None
    basis: str = ""
    explanation: str = ""
    standard: str = ""
    remark: str = ""
    source: Provenance | None = field(default=None, compare=False)

    @property
    def effective_direction(self) -> Direction | None:
        """The direction scoring and review go by: the target's operator where it says one
        (≥ > positive, ≤ < negative), else the printed 指标方向 (a bare number reads as ＝,
        which says nothing against a 反向 column), else the operator's (＝ exact)."""
        target = self.full_year or self.half_year or self.long_term
        by_op = target.direction if target is not None else None
        if by_op in (Direction.POSITIVE, Direction.NEGATIVE) or self.direction is None:
            return by_op
        return self.direction

    def value(self, period: Period) -> TargetValue | None:
        """The target value for a period, or None."""
        value: TargetValue | None = getattr(self, period.value)
        return value

    def values(self) -> tuple[tuple[Period, TargetValue], ...]:
        """The periods that have a value, in period order."""
        found: list[tuple[Period, TargetValue]] = []
        if self.half_year is not None:
            found.append((Period.HALF_YEAR, self.half_year))
        if self.full_year is not None:
            found.append((Period.FULL_YEAR, self.full_year))
        if self.long_term is not None:
            found.append((Period.LONG_TERM, self.long_term))
        return tuple(found)


@by_fields
@dataclass(frozen=True, slots=True)
class Project:
    """A project's performance target table (项目支出绩效目标表).

    ``annual_goal`` is the 年度目标 (年度绩效目标) text, ``long_term_goal`` the 中长期目标 /
    实施期目标 (总体目标) text, as printed (``""`` when the table has none);
    ``start_year``/``end_year`` the 实施期 (项目期限, 开始/完成时间).
    """

    name: str
    department: str | None = None
    unit: str | None = None
    fiscal_year: int | None = None
    start_year: int | None = None
    end_year: int | None = None
    funds: Funds | None = None
    annual_goal: str = ""
    long_term_goal: str = ""
    indicators: tuple[Indicator, ...] = ()
    source: Provenance | None = field(default=None, compare=False)

    def level1_groups(self) -> tuple[str, ...]:
        """Level-1 categories present, in order of first appearance."""
        return tuple(dict.fromkeys(i.level1 for i in self.indicators))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something an importer was not sure of, kept with the document (never dropped).

    ``code`` is stable (see docs/format.md for the list); ``message`` is in Chinese.
    """

    code: str
    message: str
    location: Provenance | None = None


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a document came from as a whole."""

    file: str
    sha256: str | None = None
    layout: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """Everything one source holds; the in-memory form of ``jixiao/1``."""

    fiscal_year: int | None
    overall_targets: tuple[OverallTargets, ...] = ()
    projects: tuple[Project, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    source: SourceInfo | None = field(default=None, compare=False)
    # What a published self-evaluation (自评表) or monitoring table (监控表) reports, one
    # document per period: the actuals beside the targets of the same tables.
    actuals: tuple[ActualsDocument, ...] = ()

    @property
    def goal_count(self) -> int:
        return sum(len(o.goals) for o in self.overall_targets)

    @property
    def indicator_count(self) -> int:
        return sum(len(p.indicators) for p in self.projects)

    def departments(self) -> tuple[Department, ...]:
        """Supervising departments named in the document, in order of appearance."""
        names = [o.department for o in self.overall_targets] + [p.department for p in self.projects]
        return tuple(Department(n) for n in dict.fromkeys(n for n in names if n))

    def units(self) -> tuple[BudgetUnit, ...]:
        """Budget units named in the document, in order of appearance."""
        pairs = [(o.unit, o.department) for o in self.overall_targets] + [
            (p.unit, p.department) for p in self.projects if p.unit
        ]
        seen: dict[str, BudgetUnit] = {}
        for name, department in pairs:
            if name and (name not in seen or (seen[name].department is None and department)):
                seen[name] = BudgetUnit(name, department)
        return tuple(seen.values())
