"""The rule registry: each rule is a plain function with its code, dimension and docs.

A rule is registered with :func:`rule`; it receives a :class:`Subject` (one indicator, one
project, one overall table or one goal, with what the rules need precomputed) and the
rule's parameters, and yields ``(message, location)`` pairs.  The engine turns those into
:class:`Finding` objects with the rule's code, severity and dimension.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jixiao.domain.model import Funds, Goal, Indicator, OverallTargets, Period, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind, TargetValue


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class Dimension(StrEnum):
    """The review dimensions (财预〔2015〕88号), plus 规范性 for form."""

    COMPLETENESS = "完整性"
    RELEVANCE = "相关性"
    APPROPRIATENESS = "适当性"
    FEASIBILITY = "可行性"
    FORM = "规范性"


class Scope(StrEnum):
    INDICATOR = "indicator"
    PROJECT = "project"
    OVERALL = "overall"
    GOAL = "goal"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    dimension: Dimension
    message: str
    hint: str
    project: str | None = None  # project name, or the unit for overall targets
    indicator: str | None = None  # indicator name, or the work item for goals
    location: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """A failing or passing example, in a compact table form (see :func:`build_example`).

    ``indicators`` rows are ``(level1, level2, name, half_year, full_year)``; ``goals`` rows
    are ``(seq, function, work, goal, target)``.
    """

    indicators: tuple[tuple[str, str, str, str | None, str | None], ...] = ()
    goals: tuple[tuple[str, str, str, str, str | None], ...] = ()
    project: Mapping[str, Any] = field(default_factory=dict)  # extra Project fields
    overall: bool = False  # an overall table (also when ``goals`` is empty)
    previous: Mapping[str, str] = field(default_factory=dict)  # last year's actuals, printed


Emit = tuple[str, Provenance | None]
Check = Callable[[Any, Mapping[str, Any]], Iterable[Emit]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    scope: Scope
    dimension: Dimension
    severity: Severity
    summary: str  # one line, Chinese
    hint: str  # how to fix, Chinese
    explanation: str  # why it matters, English, for the docs page
    check: Check
    bad: Example
    good: Example
    params: Mapping[str, Any] = field(default_factory=dict)


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    *,
    scope: Scope,
    dimension: Dimension,
    severity: Severity,
    summary: str,
    hint: str,
    explanation: str,
    bad: Example,
    good: Example,
    params: Mapping[str, Any] | None = None,
) -> Callable[[Check], Check]:
    """Register a rule function under ``code`` (unique)."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(
            code=code,
            name=name,
            scope=scope,
            dimension=dimension,
            severity=severity,
            summary=summary,
            hint=hint,
            explanation=explanation,
            check=check,
            bad=bad,
            good=good,
            params=dict(params or {}),
        )
        return check

    return register


# -- subjects: what a rule looks at, with derived facts computed once ---------------------


@dataclass(frozen=True, slots=True)
class ProjectSubject:
    project: Project
    has_half_year: bool  # the table has a half-year column in use
    taxonomy_version: str
    # Last year's actual values of this project's indicators, by indicator name (empty
    # when not known): for the rule on targets set below what was already achieved.
    previous: Mapping[str, TargetValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndicatorSubject:
    """An indicator with what most rules read, computed once."""

    indicator: Indicator
    project: ProjectSubject
    index: int
    values: tuple[tuple[Period, TargetValue], ...]  # the periods that have a value
    target: TargetValue | None  # the full-year (else long-term) value
    texts: tuple[tuple[Period, TargetValue], ...]  # values that did not parse

    @classmethod
    def of(cls, indicator: Indicator, project: ProjectSubject, index: int) -> IndicatorSubject:
        values = indicator.values()
        return cls(
            indicator,
            project,
            index,
            values,
            indicator.full_year or indicator.long_term,
            tuple(pv for pv in values if pv[1].kind is Kind.TEXT),
        )


@dataclass(frozen=True, slots=True)
class OverallSubject:
    overall: OverallTargets


@dataclass(frozen=True, slots=True)
class GoalSubject:
    goal: Goal
    overall: OverallTargets


def build_example(example: Example) -> Project | OverallTargets:
    """The domain object an example describes (values parsed as printed)."""
    from jixiao.domain.values import parse_value

    def value(text: str | None) -> Any:
        return None if text is None else parse_value(text)

    if example.goals or example.overall:
        return OverallTargets(
            unit="示例单位",
            fiscal_year=2023,
            goals=tuple(
                Goal(seq, function, work, goal, value(target))
                for seq, function, work, goal, target in example.goals
            ),
        )
    fields: dict[str, Any] = {"name": "示例项目", "unit": "示例单位", "fiscal_year": 2023}
    fields.update(example.project)
    if isinstance(fields.get("funds"), Mapping):
        fields["funds"] = Funds.printed("万元", **fields["funds"])  # examples print 万元
    return Project(
        indicators=tuple(
            Indicator(l1, l2, name, half_year=value(half), full_year=value(full))
            for l1, l2, name, half, full in example.indicators
        ),
        **fields,
    )
