"""The ``jixiao/1`` interchange format: every importer writes it, every exporter reads it.

Public API::

    dump(doc) -> dict          loads(text) -> Document
    dumps(doc) -> str          load(data) -> Document
    json_schema() -> dict      FORMAT_ID, SCHEMA_PATH, FormatError
    value_to_dict(v) / value_from_dict(d)         one target value
    location_to_dict(p) / location_from_dict(d)   one provenance

See docs/format.md for the format itself.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jixiao.domain.actuals import ActualsDocument
from jixiao.domain.model import (
    Diagnostic,
    Document,
    Funds,
    Goal,
    Indicator,
    Nature,
    OverallTargets,
    Project,
    SourceInfo,
)
from jixiao.domain.money import DEFAULT_UNIT
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Direction, Kind, Op, TargetValue
from jixiao.interchange._wire import (
    FORMAT_ID,
    WireActuals,
    WireDocument,
    WireFunds,
    WireGoal,
    WireIndicator,
    WireLocation,
    WireOverallTargets,
    WireProject,
    WireSource,
    WireValue,
    WireWarning,
)
from jixiao.interchange.results import actuals_document_to_dict, location_dict

__all__ = [
    "FORMAT_ID",
    "SCHEMA_PATH",
    "FormatError",
    "dump",
    "dumps",
    "json_schema",
    "load",
    "loads",
    "location_from_dict",
    "location_to_dict",
    "value_from_dict",
    "value_to_dict",
]

SCHEMA_PATH = Path(str(resources.files("jixiao.interchange").joinpath("jixiao-1.schema.json")))


def field_problem(err: Any) -> str:
    """A pydantic error of a field in Chinese: what was expected (the detail kept)."""
    kind = str(err.get("type", ""))
    words = {
        "missing": "缺少此项",
        "extra_forbidden": "不应有此项",
        "string_type": "应为文字",
        "int_type": "应为整数",
        "int_parsing": "应为整数",
        "float_type": "应为数字",
        "float_parsing": "应为数字",
        "bool_type": "应为 true 或 false",
        "list_type": "应为列表",
        "dict_type": "应为对象",
        "literal_error": "不是可选的值",
        "enum": "不是可选的值",
        "model_type": "应为对象",
    }
    what = words.get(kind, "格式不正确")
    return f"{what}（{err.get('msg', '')}）" if kind not in ("missing", "extra_forbidden") else what


class FormatError(ValueError):
    """A document that is not valid ``jixiao/1``; the message names every bad field."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``jixiao/1`` (the shipped file is generated from this)."""
    schema = WireDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- domain -> wire -------------------------------------------------------------------


def _loc(p: Provenance | None) -> WireLocation | None:
    if p is None:
        return None
    return WireLocation(file=p.file, page=p.page, line=p.line, sheet=p.sheet, cell=p.cell)


def _value(v: TargetValue | None) -> WireValue | None:
    if v is None:
        return None
    return WireValue(
        text=v.text,
        kind=v.kind.value,
        op=v.op.value if v.op is not None else None,
        value=v.value,
        unit=v.unit,
        start=v.start,
        end=v.end,
        grade=v.grade,
        reason=v.reason,
        source=_loc(v.source),
    )


def _wire_funds(funds: Funds) -> WireFunds:
    unit = funds.unit if funds.unit in ("元", "千元", "万元") else DEFAULT_UNIT
    shown = Funds(**funds.amounts(), unit=unit).printed_amounts()
    return WireFunds(**shown, unit=unit)  # type: ignore[arg-type]


def _to_wire(doc: Document) -> WireDocument:
    source = (
        WireSource(file=doc.source.file, sha256=doc.source.sha256, layout=doc.source.layout)
        if doc.source is not None
        else None
    )
    return WireDocument(
        format=FORMAT_ID,
        fiscal_year=doc.fiscal_year,
        source=source,
        overall_targets=[
            WireOverallTargets(
                unit=o.unit,
                fiscal_year=o.fiscal_year,
                department=o.department,
                goals=[
                    WireGoal(
                        seq=g.seq,
                        function=g.function,
                        work=g.work,
                        goal=g.goal,
                        target=_value(g.target),
                        source=_loc(g.source),
                    )
                    for g in o.goals
                ],
                source=_loc(o.source),
            )
            for o in doc.overall_targets
        ],
        projects=[
            WireProject(
                name=p.name,
                department=p.department,
                unit=p.unit,
                fiscal_year=p.fiscal_year,
                start_year=p.start_year,
                end_year=p.end_year,
                funds=_wire_funds(p.funds) if p.funds is not None else None,
                annual_goal=p.annual_goal,
                long_term_goal=p.long_term_goal,
                indicators=[
                    WireIndicator(
                        level1=i.level1,
                        level2=i.level2,
                        name=i.name,
                        half_year=_value(i.half_year),
                        full_year=_value(i.full_year),
                        long_term=_value(i.long_term),
                        level1_label=i.level1_label,
                        level2_label=i.level2_label,
                        weight=i.weight,
                        direction=i.direction.value if i.direction is not None else None,
                        nature=i.nature.value if i.nature is not None else None,
                        basis=i.basis,
                        explanation=i.explanation,
                        standard=i.standard,
                        remark=i.remark,
                        source=_loc(i.source),
                    )
                    for i in p.indicators
                ],
                source=_loc(p.source),
            )
            for p in doc.projects
        ],
        warnings=[
            WireWarning(code=w.code, message=w.message, location=_loc(w.location))
            for w in doc.warnings
        ],
        actuals=[WireActuals.model_validate(actuals_document_to_dict(a)) for a in doc.actuals],
    )


def value_to_dict(v: TargetValue | None) -> dict[str, Any] | None:
    """One target value as its ``jixiao/1`` JSON object (with its source)."""
    wire = _value(v)
    return None if wire is None else _drop_unknown_places(wire.model_dump(mode="json"))


def value_from_dict(data: Any) -> TargetValue | None:
    """A target value from its ``jixiao/1`` JSON object; raises FormatError when invalid."""
    if data is None:
        return None
    try:
        return _target(WireValue.model_validate(data))
    except ValidationError as exc:
        raise _format_error(exc, "value") from None


def location_to_dict(p: Provenance | None) -> dict[str, Any] | None:
    """One provenance as its ``jixiao/1`` JSON object (unknown parts left out)."""
    return None if p is None else dict(location_dict(p))


def location_from_dict(data: Any) -> Provenance | None:
    """A provenance from its JSON object; raises FormatError when invalid."""
    if data is None:
        return None
    try:
        return _prov(WireLocation.model_validate(data))
    except ValidationError as exc:
        raise _format_error(exc, "location") from None


_LOCATION_KEYS = frozenset({"source", "location"})


def _drop_unknown_places(node: Any) -> Any:
    """Leave out the null parts of provenance objects (page/line/sheet/cell)."""
    if isinstance(node, dict):
        return {
            k: (
                {kk: vv for kk, vv in v.items() if vv is not None}
                if k in _LOCATION_KEYS and isinstance(v, dict) and "file" in v
                else _drop_unknown_places(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_drop_unknown_places(x) for x in node]
    return node


def dump(doc: Document) -> dict[str, Any]:
    """The document as a JSON-ready dict."""
    data: dict[str, Any] = _drop_unknown_places(_to_wire(doc).model_dump(mode="json"))
    if doc.actuals:
        # as jixiao-actuals/1 writes them: empty maps left out
        data["actuals"] = [actuals_document_to_dict(a) for a in doc.actuals]
    else:
        del data["actuals"]  # a document of targets only reads as before the key existed
    return data


def dumps(doc: Document, *, indent: int | None = 2) -> str:
    """The document as JSON text (UTF-8, Chinese kept readable)."""
    return json.dumps(dump(doc), ensure_ascii=False, indent=indent)


# -- wire -> domain -------------------------------------------------------------------


def _prov(w: WireLocation | None) -> Provenance | None:
    if w is None:
        return None
    return Provenance(file=w.file, page=w.page, line=w.line, sheet=w.sheet, cell=w.cell)


def _target(w: WireValue | None) -> TargetValue | None:
    if w is None:
        return None
    return TargetValue(
        text=w.text,
        kind=Kind(w.kind),
        op=Op(w.op) if w.op is not None else None,
        value=w.value,
        unit=w.unit,
        start=w.start,
        end=w.end,
        grade=w.grade,
        reason=w.reason,
        source=_prov(w.source),
    )


def _from_wire(w: WireDocument) -> Document:
    return Document(
        fiscal_year=w.fiscal_year,
        source=(
            SourceInfo(file=w.source.file, sha256=w.source.sha256, layout=w.source.layout)
            if w.source is not None
            else None
        ),
        overall_targets=tuple(
            OverallTargets(
                unit=o.unit,
                fiscal_year=o.fiscal_year,
                department=o.department,
                goals=tuple(
                    Goal(
                        seq=g.seq,
                        function=g.function,
                        work=g.work,
                        goal=g.goal,
                        target=_target(g.target),
                        source=_prov(g.source),
                    )
                    for g in o.goals
                ),
                source=_prov(o.source),
            )
            for o in w.overall_targets
        ),
        projects=tuple(
            Project(
                name=p.name,
                department=p.department,
                unit=p.unit,
                fiscal_year=p.fiscal_year,
                start_year=p.start_year,
                end_year=p.end_year,
                funds=(
                    Funds.printed(
                        p.funds.unit or DEFAULT_UNIT,
                        total=p.funds.total,
                        fiscal=p.funds.fiscal,
                        carryover=p.funds.carryover,
                        other=p.funds.other,
                    )
                    if p.funds is not None
                    else None
                ),
                annual_goal=p.annual_goal,
                long_term_goal=p.long_term_goal,
                indicators=tuple(
                    Indicator(
                        level1=i.level1,
                        level2=i.level2,
                        name=i.name,
                        half_year=_target(i.half_year),
                        full_year=_target(i.full_year),
                        long_term=_target(i.long_term),
                        level1_label=i.level1_label,
                        level2_label=i.level2_label,
                        weight=i.weight,
                        direction=Direction(i.direction) if i.direction is not None else None,
                        nature=Nature(i.nature) if i.nature is not None else None,
                        basis=i.basis,
                        explanation=i.explanation,
                        standard=i.standard,
                        remark=i.remark,
                        source=_prov(i.source),
                    )
                    for i in p.indicators
                ),
                source=_prov(p.source),
            )
            for p in w.projects
        ),
        warnings=tuple(
            Diagnostic(code=x.code, message=x.message, location=_prov(x.location))
            for x in w.warnings
        ),
        actuals=tuple(_actuals_from_wire(a) for a in w.actuals),
    )


def _actuals_from_wire(w: WireActuals) -> ActualsDocument:
    from jixiao.interchange.actuals import document_from_wire  # builds on this module

    return document_from_wire(w)


def _format_error(exc: ValidationError, where: str) -> FormatError:
    lines = [f"{where}：不是有效的 {FORMAT_ID} 文档（{exc.error_count()} 个问题）："]
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "（整个文档）"
        lines.append(f"  {path}：{field_problem(err)}")
    return FormatError("\n".join(lines))


def load(data: Any, *, where: str = "<data>") -> Document:
    """A document from parsed JSON; raises :class:`FormatError` naming each bad field."""
    try:
        wire = WireDocument.model_validate(data)
    except ValidationError as exc:
        raise _format_error(exc, where) from None
    return _from_wire(wire)


def loads(text: str | bytes, *, where: str = "<string>") -> Document:
    """A document from JSON text; raises :class:`FormatError` on bad JSON or bad fields."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{where}：第 {exc.start} 字节不是 UTF-8 编码（{FORMAT_ID} 文件应为 UTF-8 编码的 JSON）"
            ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{where}：第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON（{exc.msg}），"
            f"应为 {FORMAT_ID} 文档"
        ) from None
    return load(data, where=where)
