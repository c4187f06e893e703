"""The ``jixiao-actuals/1`` format: one period's actuals, as units report them.

    {"format": "jixiao-actuals/1", "fiscal_year": 2023, "period": "full_year",
     "projects": [{"name": "…", "budget": 120.0, "executed": 118.5,
                   "actuals": {"<indicator name>": "＝461人次", …},
                   "reasons": {"<indicator name>": "…", …}}]}

``budget`` (全年预算数, adjusted) and ``executed`` (执行数) are in 万元.  Optional keys
per project: ``budget_initial`` (年初预算数), ``execution_reason``, ``forecasts`` and
``likelihood`` (checkpoint), ``categories`` (偏差原因 category per indicator),
``measures`` (改进/整改措施), ``manual_scores`` ({name: {score, reason}}),
``not_applicable`` (indicator names).  ``overall`` (optional) lists units as a whole
(部门整体): the same keys with ``unit`` for ``name``, indicator names being the work items
(工作任务) of the unit's overall targets.  See docs/format.md.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jixiao.domain.actuals import (
    ActualsDocument,
    Deviation,
    DeviationCategory,
    IndicatorActual,
    Likelihood,
    ManualScore,
    ProjectActuals,
)
from jixiao.domain.model import Period
from jixiao.domain.values import parse_value
from jixiao.interchange import FormatError

ACTUALS_FORMAT: Final = "jixiao-actuals/1"

Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
LikelihoodText = Literal["确定能", "有可能", "完全不可能"]
CategoryText = Literal["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class WireManual(_Model):
    score: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    reason: Annotated[str, Field(min_length=1)]


class _WireReport(_Model):
    """What projects and units (as a whole) report alike."""

    budget: Amount | None = None
    executed: Amount | None = None
    budget_initial: Amount | None = None
    execution_reason: str = ""
    actuals: dict[str, str] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)
    categories: dict[str, CategoryText] = Field(default_factory=dict)
    measures: dict[str, str] = Field(default_factory=dict)
    forecasts: dict[str, str] = Field(default_factory=dict)
    likelihood: dict[str, LikelihoodText] = Field(default_factory=dict)
    manual_scores: dict[str, WireManual] = Field(default_factory=dict)
    not_applicable: list[str] = Field(default_factory=list)


class WireProjectActuals(_WireReport):
    name: Annotated[str, Field(min_length=1)]


class WireOverallActuals(_WireReport):
    """A unit's overall actuals (部门整体): keyed by its work items (工作任务)."""

    unit: Annotated[str, Field(min_length=1)]


class WireActuals(_Model):
    format: Literal["jixiao-actuals/1"]
    fiscal_year: int | None
    period: Literal["half_year", "full_year"]
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    projects: list[WireProjectActuals]
    overall: list[WireOverallActuals] = Field(default_factory=list)


def _project(w: _WireReport, owner: str, period: Period) -> ProjectActuals:
    names = dict.fromkeys(
        [
            *w.actuals,
            *w.reasons,
            *w.categories,
            *w.measures,
            *w.forecasts,
            *w.likelihood,
            *w.manual_scores,
            *w.not_applicable,
        ]
    )
    indicators = []
    for name in names:
        text = w.actuals.get(name)
        reason = w.reasons.get(name, "").strip()
        category = w.categories.get(name)
        deviation = (
            Deviation(reason, DeviationCategory(category) if category else None)
            if reason or category
            else None
        )
        manual = w.manual_scores.get(name)
        forecast = w.forecasts.get(name)
        likelihood = w.likelihood.get(name)
        indicators.append(
            IndicatorActual(
                indicator=name,
                value=parse_value(text) if text is not None and text.strip() else None,
                forecast=parse_value(forecast) if forecast else None,
                likelihood=Likelihood(likelihood) if likelihood else None,
                deviation=deviation,
                measures=w.measures.get(name, "").strip(),
                manual=ManualScore(manual.score, manual.reason) if manual else None,
                not_applicable=name in w.not_applicable,
            )
        )
    return ProjectActuals(
        project=owner,
        period=period,
        budget=w.budget,
        executed=w.executed,
        budget_initial=w.budget_initial,
        execution_reason=w.execution_reason.strip(),
        indicators=tuple(indicators),
    )


def load_actuals(data: Any, *, where: str = "<data>") -> ActualsDocument:
    """An actuals document from parsed JSON; :class:`FormatError` names every bad field."""
    try:
        wire = WireActuals.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{where}: not a valid {ACTUALS_FORMAT} document ({exc.error_count()} problem(s)):"
        ]
        for err in exc.errors(include_url=False):
            path = ".".join(str(p) for p in err["loc"]) or "(document)"
            lines.append(f"  {path}: {err['msg']}")
        raise FormatError("\n".join(lines)) from None
    period = Period(wire.period)
    return ActualsDocument(
        fiscal_year=wire.fiscal_year,
        period=period,
        projects=tuple(_project(p, p.name, period) for p in wire.projects),
        overall=tuple(_project(u, u.unit, period) for u in wire.overall),
        month=wire.month,
    )


def loads_actuals(text: str | bytes, *, where: str = "<string>") -> ActualsDocument:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormatError(f"{where}: invalid JSON: {exc}") from None
    return load_actuals(data, where=where)


def actuals_schema() -> dict[str, Any]:
    schema = WireActuals.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
