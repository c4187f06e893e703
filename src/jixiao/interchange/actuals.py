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
from typing import Any, Final

from pydantic import ValidationError

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
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import parse_value
from jixiao.interchange import FormatError, field_problem, location_from_dict
from jixiao.interchange._wire import (
    WireActuals,
    WireLocation,
    WireManual,
    WireOverallActuals,
    WireProjectActuals,
    WireReport,
)

__all__ = [
    "ACTUALS_FORMAT",
    "WireActuals",
    "WireManual",
    "WireOverallActuals",
    "WireProjectActuals",
    "actuals_schema",
    "document_from_wire",
    "load_actuals",
    "loads_actuals",
]

ACTUALS_FORMAT: Final = "jixiao-actuals/1"


def _project(w: WireReport, owner: str, period: Period) -> ProjectActuals:
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
            *w.weights,
            *w.scores,
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
                weight=w.weights.get(name),
                reported_score=w.scores.get(name),
                source=_location(w.sources.get(name)),
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
        source=_location(w.source),
    )


def _location(w: WireLocation | None) -> Provenance | None:
    return location_from_dict(w.model_dump()) if w is not None else None


def document_from_wire(wire: WireActuals) -> ActualsDocument:
    """The domain document of a validated wire document."""
    period = Period(wire.period)
    return ActualsDocument(
        fiscal_year=wire.fiscal_year,
        period=period,
        projects=tuple(_project(p, p.name, period) for p in wire.projects),
        overall=tuple(_project(u, u.unit, period) for u in wire.overall),
        month=wire.month,
    )


def load_actuals(data: Any, *, where: str = "<data>") -> ActualsDocument:
    """An actuals document from parsed JSON; :class:`FormatError` names every bad field."""
    try:
        wire = WireActuals.model_validate(data)
    except ValidationError as exc:
        lines = [f"{where}：不是有效的 {ACTUALS_FORMAT} 文档（{exc.error_count()} 个问题）："]
        for err in exc.errors(include_url=False):
            path = ".".join(str(p) for p in err["loc"]) or "（整个文档）"
            lines.append(f"  {path}：{field_problem(err)}")
        raise FormatError("\n".join(lines)) from None
    return document_from_wire(wire)


def loads_actuals(text: str | bytes, *, where: str = "<string>") -> ActualsDocument:
    try:
        data = json.loads(text)
    except UnicodeDecodeError:
        raise FormatError(
            f"{where}：不是 UTF-8 编码的文本，应为 {ACTUALS_FORMAT} 文件（UTF-8 编码的 JSON）"
            "或填好的完成情况模板（XLSX）"
        ) from None
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{where}：第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON（{exc.msg}），"
            f"应为 {ACTUALS_FORMAT} 文件"
        ) from None
    return load_actuals(data, where=where)


def actuals_schema() -> dict[str, Any]:
    schema = WireActuals.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
