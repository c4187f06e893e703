"""Open data: flat CSV tables and a Frictionless data package of a ``jixiao/1`` document.

Public API::

    INDICATOR_FIELDS, GOAL_FIELDS, RESULT_FIELDS     the columns, with types and titles
    indicator_rows(doc) -> list[dict]   one row per indicator: every level, and each
                                        period's target split into text/kind/op/value/unit
    goal_rows(doc) -> list[dict]        one row per goal of an overall table (部门整体)
    result_rows(doc) -> list[dict]      IATI-style results: indicator, period, target, actual
    csv_bytes(fields, rows) -> bytes    UTF-8 with a BOM (spreadsheets open it as UTF-8)
    datapackage(doc, *, name, title) -> bytes
        a zip: datapackage.json (Frictionless Tabular Data Package, a Table Schema per
        resource) and data/indicators.csv, data/goals.csv, data/results.csv

Numbers are written as the value grammar read them (``≥90%`` → op ``>=``, value ``90``,
unit ``%``); the text as printed is always kept beside them.  Dates are ISO
(``2023-12-31``).  A missing value is an empty cell.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.domain.model import Document, Indicator, Period
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import TargetValue
from jixiao.interchange.cells import csv_field

__all__ = [
    "GOAL_FIELDS",
    "INDICATOR_FIELDS",
    "RESULT_FIELDS",
    "Field",
    "csv_bytes",
    "csv_table",
    "datapackage",
    "goal_rows",
    "indicator_rows",
    "result_rows",
]


@dataclass(frozen=True, slots=True)
class Field:
    """A column: its name, Table Schema type, Chinese title and description."""

    name: str
    type: str  # Table Schema: string, integer, number
    title: str
    description: str = ""


_PERIOD_TITLES = {"half_year": "半年", "full_year": "全年", "long_term": "中长期"}


def _value_fields(prefix: str, title: str) -> list[Field]:
    return [
        Field(f"{prefix}_text", "string", f"{title}指标值", "as printed"),
        Field(
            f"{prefix}_kind",
            "string",
            f"{title}指标值类型",
            "quantitative, qualitative, date, text",
        ),
        Field(f"{prefix}_op", "string", f"{title}计算符号", "=, >=, <=, >, <"),
        Field(f"{prefix}_value", "number", f"{title}数值"),
        Field(f"{prefix}_unit", "string", f"{title}度量单位"),
        Field(f"{prefix}_start", "string", f"{title}起始日期", "ISO date (dates and periods)"),
        Field(f"{prefix}_end", "string", f"{title}截止日期", "ISO date (dates and periods)"),
    ]


_COMMON = [
    Field("fiscal_year", "integer", "年度"),
    Field("department", "string", "主管部门"),
    Field("unit", "string", "预算单位"),
]
INDICATOR_FIELDS: tuple[Field, ...] = (
    *_COMMON,
    Field("project", "string", "项目名称"),
    Field("level1", "string", "一级指标", "canonical taxonomy name"),
    Field("level2", "string", "二级指标", "canonical taxonomy name"),
    Field("indicator", "string", "三级指标"),
    *(f for period, title in _PERIOD_TITLES.items() for f in _value_fields(period, title)),
    Field("level1_label", "string", "一级指标（原文）"),
    Field("level2_label", "string", "二级指标（原文）"),
    Field("source", "string", "来源", "file and page/line or sheet/cell"),
)
GOAL_FIELDS: tuple[Field, ...] = (
    *_COMMON,
    Field("seq", "string", "序号（代码）"),
    Field("function", "string", "职能（二级专项）"),
    Field("work", "string", "工作任务"),
    Field("goal", "string", "年度目标"),
    *_value_fields("target", ""),
    Field("source", "string", "来源", "file and page/line or sheet/cell"),
)
RESULT_FIELDS: tuple[Field, ...] = (
    Field("fiscal_year", "integer", "年度"),
    Field("project", "string", "项目名称", "the unit's name for a unit as a whole (部门整体)"),
    Field("indicator", "string", "指标", "三级指标, or the work item (工作任务) of a unit"),
    Field("period", "string", "期间", "half_year (运行监控) or full_year (绩效自评)"),
    Field("target", "string", "指标值", "the target of the period, as printed"),
    Field("actual", "string", "实际完成值", "as reported"),
    Field("actual_op", "string", "实际完成值计算符号"),
    Field("actual_value", "number", "实际完成数值"),
    Field("actual_unit", "string", "实际完成值度量单位"),
    Field("deviation", "string", "偏差原因"),
    Field("weight", "number", "分值（自评表所列）"),
    Field("reported_score", "number", "得分（自评表所列）"),
)


def _where(p: Provenance | None) -> str:
    return "" if p is None else str(p)


def _split(prefix: str, v: TargetValue | None) -> dict[str, Any]:
    if v is None:
        return {
            f"{prefix}_{k}": None for k in ("text", "kind", "op", "value", "unit", "start", "end")
        }
    return {
        f"{prefix}_text": v.text,
        f"{prefix}_kind": v.kind.value,
        f"{prefix}_op": v.op.value if v.op is not None else None,
        f"{prefix}_value": v.value,
        f"{prefix}_unit": v.unit or None,
        f"{prefix}_start": v.start,
        f"{prefix}_end": v.end,
    }


def indicator_rows(doc: Document) -> list[dict[str, Any]]:
    rows = []
    for p in doc.projects:
        for i in p.indicators:
            row: dict[str, Any] = {
                "fiscal_year": p.fiscal_year if p.fiscal_year is not None else doc.fiscal_year,
                "department": p.department,
                "unit": p.unit,
                "project": p.name,
                "level1": i.level1,
                "level2": i.level2,
                "indicator": i.name,
            }
            for period in _PERIOD_TITLES:
                row.update(_split(period, getattr(i, period)))
            row.update(
                level1_label=i.level1_label, level2_label=i.level2_label, source=_where(i.source)
            )
            rows.append(row)
    return rows


def goal_rows(doc: Document) -> list[dict[str, Any]]:
    rows = []
    for table in doc.overall_targets:
        for g in table.goals:
            rows.append(
                {
                    "fiscal_year": table.fiscal_year
                    if table.fiscal_year is not None
                    else doc.fiscal_year,
                    "department": table.department,
                    "unit": table.unit,
                    "seq": g.seq,
                    "function": g.function,
                    "work": g.work,
                    "goal": g.goal,
                    **_split("target", g.target),
                    "source": _where(g.source),
                }
            )
    return rows


def _targets(doc: Document) -> dict[tuple[str, str], Indicator | TargetValue | None]:
    """Each indicator by (project, name) and each work item's target by (unit, work),
    the first of a name: what actuals are measured against, looked up once."""
    found: dict[tuple[str, str], Indicator | TargetValue | None] = {}
    for p in doc.projects:
        for i in p.indicators:
            found.setdefault((p.name, i.name), i)
    for table in doc.overall_targets:
        for g in table.goals:
            if g.target is not None:
                found.setdefault((table.unit, g.work), g.target)
    return found


def _target_text(target: Indicator | TargetValue | None, period: Period) -> str | None:
    """The target of the period (else the full year's) as printed."""
    if isinstance(target, Indicator):
        v = target.value(period) or target.full_year
        return v.text if v is not None else None
    return target.text if target is not None else None


def result_rows(doc: Document) -> list[dict[str, Any]]:
    targets = _targets(doc)
    rows = []
    for report in doc.actuals:
        for owner in (*report.projects, *report.overall):
            for item in owner.indicators:
                v = item.value
                rows.append(
                    {
                        "fiscal_year": report.fiscal_year,
                        "project": owner.project,
                        "indicator": item.indicator,
                        "period": report.period.value,
                        "target": _target_text(
                            targets.get((owner.project, item.indicator)), report.period
                        ),
                        "actual": v.text if v is not None else None,
                        "actual_op": v.op.value if v is not None and v.op is not None else None,
                        "actual_value": v.value if v is not None else None,
                        "actual_unit": (v.unit or None) if v is not None else None,
                        "deviation": item.deviation.text if item.deviation else None,
                        "weight": item.weight,
                        "reported_score": item.reported_score,
                    }
                )
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value == value and abs(value) < 1e15 else repr(value)
    return str(value)


def csv_bytes(fields: Sequence[Field], rows: Iterable[dict[str, Any]]) -> bytes:
    """A CSV table (header of field names): see :func:`csv_table`."""
    return csv_table(
        [f.name for f in fields], ([_cell(row.get(f.name)) for f in fields] for row in rows)
    )


def csv_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Rows under a header as CSV: UTF-8 with a BOM (spreadsheets then read it as UTF-8),
    ``\\r\\n`` line ends; text a spreadsheet could take for a formula gets a leading ``'``
    (:func:`jixiao.interchange.cells.csv_field`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in header])
    writer.writerows([csv_field(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _schema(fields: Sequence[Field]) -> dict[str, Any]:
    return {
        "fields": [
            {
                "name": f.name,
                "type": f.type,
                "title": f.title,
                **({"description": f.description} if f.description else {}),
            }
            for f in fields
        ]
    }


def datapackage(
    doc: Document, *, name: str = "jixiao-targets", title: str = "预算绩效目标"
) -> bytes:
    """The document as a zipped Frictionless Tabular Data Package (see the module docs)."""
    tables = [
        ("indicators", "项目绩效指标", INDICATOR_FIELDS, indicator_rows(doc)),
        ("goals", "部门整体绩效目标", GOAL_FIELDS, goal_rows(doc)),
        ("results", "实际完成情况", RESULT_FIELDS, result_rows(doc)),
    ]
    resources = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for key, label, fields, rows in tables:
            path = f"data/{key}.csv"
            z.writestr(path, csv_bytes(fields, rows).removeprefix("\ufeff".encode()))
            resources.append(
                {
                    "name": key,
                    "title": label,
                    "path": path,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": _schema(fields),
                }
            )
        descriptor = {
            "profile": "tabular-data-package",
            "name": name,
            "title": title,
            "description": "Budget performance targets (预算绩效目标) and results exported by "
            "jixiao, from jixiao/1 documents.",
            "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
            "resources": resources,
        }
        z.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2))
    return buffer.getvalue()
