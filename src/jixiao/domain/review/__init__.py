"""Target review (绩效目标审核) as a linter: rules with codes, findings, suggested grades.

Public API::

    review_document(doc, config=ReviewConfig()) -> Report
    review_project(project, config) / review_overall(overall, config) -> list[Finding]
    suggest_grade(findings, config) -> (Grade, reasons)
    RULES                     code -> Rule (see docs/rules/)
    ReviewConfig.from_mapping(data)   the [review] table of a config file

Rules live in :mod:`jixiao.domain.review.rules`, one function each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jixiao.domain.model import Document, OverallTargets, Project
from jixiao.domain.review import rules as _rules  # noqa: F401  (registers the rules)
from jixiao.domain.review._registry import (
    RULES,
    SEVERITY_LABELS,
    Dimension,
    Example,
    Finding,
    GoalSubject,
    IndicatorSubject,
    OverallSubject,
    ProjectSubject,
    Rule,
    Scope,
    Severity,
    build_example,
)
from jixiao.domain.taxonomy import OUTPUT, taxonomy_for_year
from jixiao.domain.values import TargetValue, parse_value
from jixiao.domain.workflow import Grade

__all__ = [
    "RULES",
    "SEVERITY_LABELS",
    "ConfigError",
    "Dimension",
    "Example",
    "Finding",
    "Grading",
    "PreviousActuals",
    "Report",
    "ReviewConfig",
    "Rule",
    "Severity",
    "TableGrade",
    "build_example",
    "review_document",
    "review_example",
    "review_overall",
    "review_project",
    "suggest_grade",
]


class ConfigError(ValueError):
    """A review configuration that names an unknown rule or a bad value."""


@dataclass(frozen=True, slots=True)
class Grading:
    """How findings become a suggested grade (configurable per province)."""

    poor_errors: int = 5  # this many errors (or no output indicators at all) → 差
    fair_errors: int = 1  # this many errors → 中
    good_warnings: int = 1  # this many warnings → 良 (below: 优)


@dataclass(frozen=True)
class ReviewConfig:
    """Which rules run, at which severity, with which parameters."""

    select: frozenset[str] | None = None  # None: all rules
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    grading: Grading = field(default_factory=Grading)

    def enabled(self) -> list[Rule]:
        chosen = [r for r in RULES.values() if self._on(r.code)]
        return sorted(chosen, key=lambda r: r.code)

    def _on(self, code: str) -> bool:
        selected = self.select is None or any(code.startswith(s) for s in self.select)
        return selected and not any(code.startswith(i) for i in self.ignore)

    def params_for(self, rule: Rule) -> dict[str, Any]:
        return {**rule.params, **self.params.get(rule.code, {})}

    def with_selection(
        self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
    ) -> ReviewConfig:
        """A copy with --select / --ignore applied (prefixes such as JX3 allowed)."""
        new_select = self.select if select is None else frozenset(select)
        new_ignore = self.ignore | frozenset(ignore or ())
        for code in (new_select or frozenset()) | new_ignore:
            if not any(r.startswith(code) for r in RULES):
                raise ConfigError(f"unknown rule code or prefix {code!r}")
        return ReviewConfig(new_select, new_ignore, self.severity, self.params, self.grading)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "config") -> ReviewConfig:
        """From the ``[review]`` table of a TOML file::

        select = ["JX1", "JX3"]          # optional
        ignore = ["JX502"]
        [rules.JX307]                    # per-rule severity and parameters
        severity = "warning"
        minimum = 90
        [grading]
        poor_errors = 3
        """
        known = {"select", "ignore", "rules", "grading"}
        for key in data:
            if key not in known:
                raise ConfigError(f"{where}: unknown key review.{key} (expected {sorted(known)})")
        severity: dict[str, Severity] = {}
        params: dict[str, dict[str, Any]] = {}
        for code, settings in dict(data.get("rules", {})).items():
            rule = RULES.get(code)
            if rule is None:
                raise ConfigError(f"{where}: review.rules.{code}: no such rule")
            settings = dict(settings)
            if "severity" in settings:
                try:
                    severity[code] = Severity(settings.pop("severity"))
                except ValueError:
                    raise ConfigError(
                        f"{where}: review.rules.{code}.severity must be error, warning or info"
                    ) from None
            for name in settings:
                if name not in rule.params:
                    raise ConfigError(
                        f"{where}: review.rules.{code}.{name}: unknown parameter "
                        f"(the rule takes {sorted(rule.params) or 'none'})"
                    )
            params[code] = settings
        try:
            grading = Grading(**dict(data.get("grading", {})))
        except TypeError as exc:
            raise ConfigError(f"{where}: review.grading: {exc}") from None
        base = cls(severity=severity, params=params, grading=grading)
        return base.with_selection(data.get("select"), data.get("ignore"))


@dataclass(frozen=True, slots=True)
class TableGrade:
    project: str  # project name, or the unit for overall targets
    grade: Grade
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    grades: tuple[TableGrade, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)


class _Compiled:
    """Enabled rules split by scope, with their parameters resolved once."""

    def __init__(self, config: ReviewConfig) -> None:
        self.config = config
        self.by_scope: dict[Scope, list[tuple[Rule, dict[str, Any], Severity]]] = {
            s: [] for s in Scope
        }
        for rule in config.enabled():
            severity = config.severity.get(rule.code, rule.severity)
            self.by_scope[rule.scope].append((rule, config.params_for(rule), severity))


_COMPILED: dict[int, _Compiled] = {}


def _compiled(config: ReviewConfig) -> _Compiled:
    key = id(config)
    found = _COMPILED.get(key)
    if found is None or found.config is not config:
        found = _Compiled(config)
        _COMPILED.clear()
        _COMPILED[key] = found
    return found


#: Last year's actual values: project name → indicator name → value.
PreviousActuals = Mapping[str, Mapping[str, TargetValue]]


def review_project(
    project: Project,
    config: ReviewConfig | None = None,
    previous: Mapping[str, TargetValue] | None = None,
) -> list[Finding]:
    """Review one project; ``previous`` holds last year's actuals by indicator name."""
    compiled = _compiled(config or DEFAULT)
    subject = ProjectSubject(
        project=project,
        has_half_year=any(i.half_year is not None for i in project.indicators),
        taxonomy_version=taxonomy_for_year(project.fiscal_year).version,
        previous=previous or {},
    )
    found: list[Finding] = []
    for rule, params, severity in compiled.by_scope[Scope.PROJECT]:
        for message, location in rule.check(subject, params):
            found.append(
                Finding(
                    rule.code,
                    severity,
                    rule.dimension,
                    message,
                    rule.hint,
                    project.name,
                    None,
                    location,
                )
            )
    indicator_rules = compiled.by_scope[Scope.INDICATOR]
    for k, indicator in enumerate(project.indicators):
        isub = IndicatorSubject.of(indicator, subject, k)
        for rule, params, severity in indicator_rules:
            for message, location in rule.check(isub, params):
                found.append(
                    Finding(
                        rule.code,
                        severity,
                        rule.dimension,
                        message,
                        rule.hint,
                        project.name,
                        indicator.name,
                        location,
                    )
                )
    return found


def review_overall(overall: OverallTargets, config: ReviewConfig | None = None) -> list[Finding]:
    compiled = _compiled(config or DEFAULT)
    found: list[Finding] = []
    osub = OverallSubject(overall)
    for rule, params, severity in compiled.by_scope[Scope.OVERALL]:
        for message, location in rule.check(osub, params):
            found.append(
                Finding(
                    rule.code,
                    severity,
                    rule.dimension,
                    message,
                    rule.hint,
                    overall.unit,
                    None,
                    location,
                )
            )
    for goal in overall.goals:
        gsub = GoalSubject(goal, overall)
        for rule, params, severity in compiled.by_scope[Scope.GOAL]:
            for message, location in rule.check(gsub, params):
                found.append(
                    Finding(
                        rule.code,
                        severity,
                        rule.dimension,
                        message,
                        rule.hint,
                        overall.unit,
                        goal.work,
                        location,
                    )
                )
    return found


def review_example(example: Example, config: ReviewConfig | None = None) -> list[Finding]:
    """Review a rule's example (for its tests and its documentation page)."""
    built = build_example(example)
    if isinstance(built, OverallTargets):
        return review_overall(built, config)
    previous = {name: parse_value(text) for name, text in example.previous.items()}
    return review_project(built, config, previous)


def suggest_grade(
    findings: Iterable[Finding], config: ReviewConfig | None = None, *, has_outputs: bool = True
) -> tuple[Grade, tuple[str, ...]]:
    """A suggested review grade with its reasons (in Chinese)."""
    grading = (config or DEFAULT).grading
    findings = list(findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    infos = [f for f in findings if f.severity is Severity.INFO]

    def summary(items: list[Finding]) -> str:
        codes: dict[str, int] = {}
        for f in items:
            codes[f.code] = codes.get(f.code, 0) + 1
        return "、".join(f"{c} {RULES[c].summary}（{n} 处）" for c, n in sorted(codes.items()))

    reasons: list[str] = []
    if errors:
        reasons.append(f"{len(errors)} 个错误：{summary(errors)}")
    if warnings:
        reasons.append(f"{len(warnings)} 个警告：{summary(warnings)}")
    if infos:
        reasons.append(f"{len(infos)} 个提示：{summary(infos)}")
    if not has_outputs:
        return Grade.POOR, ("没有产出指标", *reasons)
    if len(errors) >= grading.poor_errors:
        return Grade.POOR, (f"错误达到 {grading.poor_errors} 个", *reasons)
    if len(errors) >= grading.fair_errors:
        return Grade.FAIR, ("存在需修改后重新报送的错误", *reasons)
    if len(warnings) >= grading.good_warnings:
        return Grade.GOOD, ("存在需完善的问题", *reasons)
    return Grade.EXCELLENT, ("未发现问题" if not findings else "仅有提示", *reasons)


def review_document(
    doc: Document,
    config: ReviewConfig | None = None,
    previous_actuals: PreviousActuals | None = None,
) -> Report:
    """Review every table of a document (with last year's actuals where known)."""
    config = config or DEFAULT
    previous_actuals = previous_actuals or {}
    findings: list[Finding] = []
    grades: list[TableGrade] = []
    for overall in doc.overall_targets:
        found = review_overall(overall, config)
        findings.extend(found)
        grade, reasons = suggest_grade(found, config)
        grades.append(TableGrade(overall.unit, grade, reasons))
    for project in doc.projects:
        found = review_project(project, config, previous_actuals.get(project.name))
        findings.extend(found)
        has_outputs = any(i.level1 == OUTPUT for i in project.indicators)
        grade, reasons = suggest_grade(found, config, has_outputs=has_outputs)
        grades.append(TableGrade(project.name, grade, reasons))
    return Report(tuple(findings), tuple(grades))


DEFAULT = ReviewConfig()
