"""Use case: the one front door for a file users hand in — uploaded through the web or
named on the command line — read into a document: :func:`read_targets` (绩效目标表) and
:func:`read_actuals` (实际完成情况).  Both take the file's name first, then its bytes.

Every file is read in a separate, limited process (:mod:`jixiao.ingest.isolation`): a
hostile file costs that process, never the server.  The web never calls ingest.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import PurePath

from jixiao.domain.actuals import PERIOD_LABELS, ActualsDocument
from jixiao.domain.model import Document
from jixiao.ingest import FORMATS, IngestError, guard, read_bytes
from jixiao.ingest.isolation import also_preload, read_bytes_isolated, run, warm_up
from jixiao.interchange import FormatError
from jixiao.interchange.actuals import load_actuals, loads_actuals
from jixiao.interchange.actuals_xlsx import read_actuals_template
from jixiao.interchange.results import actuals_document_to_dict
from jixiao.services.errors import Invalid

__all__ = ["FORMATS", "published_actuals", "read_actuals", "read_targets", "shown_name", "warm_up"]

# Actuals files are read by this module in the child too.
also_preload("jixiao.services.imports")


def shown_name(name: str) -> str:
    """The name of an uploaded or given file as users see it: the file name, never the
    folder it was in on a client or on the server."""
    found = PurePath(name.replace("\\", "/")).name
    return found or name


def read_targets(name: str, data: bytes, *, format: str = "auto") -> Document:
    """The target tables in the file ``name`` (its bytes ``data``); an unreadable file is
    :class:`Invalid` on field ``file``, an unknown format on field ``format``."""
    if format not in FORMATS:
        raise Invalid(f"未知格式“{format}”，可选：{'、'.join(FORMATS)}", "format")
    name = shown_name(name)
    if not data:
        raise Invalid(f"文件 {name} 是空的", "file")
    try:
        return read_bytes_isolated(data, name, format=format)
    except IngestError as exc:
        raise Invalid(f"无法读取文件：{exc}", "file") from None


def read_actuals(name: str, data: bytes) -> ActualsDocument:
    """The actuals in the file ``name`` (its bytes ``data``): the XLSX template, a
    ``jixiao-actuals/1`` JSON file, or a published self-evaluation (自评表) or monitoring
    table (监控表) in any format the importers read (its actuals; see
    :func:`published_actuals`), read in a separate, limited process.

    Raises :class:`Invalid` naming the file (and, for workbooks, every bad cell).
    """
    try:
        outcome = run(_read_actuals_child, name, data, name=name)
    except IngestError as exc:
        raise Invalid(f"无法读取文件：{exc}", "file") from None
    reply = json.loads(outcome.value)
    if "invalid" in reply:
        raise Invalid(str(reply["invalid"]), reply.get("field") or "file")
    return load_actuals(reply["document"], where=name)


def _read_actuals_child(name: str, data: bytes) -> str:
    """:func:`_read_actuals` in the child process: the document or the refusal, as JSON."""
    try:
        doc = _read_actuals(name, data)
    except Invalid as exc:
        return json.dumps({"invalid": exc.message, "field": exc.field}, ensure_ascii=False)
    return json.dumps({"document": actuals_document_to_dict(doc)}, ensure_ascii=False)


def _read_actuals(name: str, data: bytes) -> ActualsDocument:
    guard.check(data, name)  # containers beyond the limits are refused before parsing
    try:
        if data[:2] == b"PK" or name.lower().endswith((".xlsx", ".xlsm")):
            doc = read_actuals_template(data, where=name)
        else:
            doc = loads_actuals(data, where=name)
    except FormatError as exc:
        published = None if _is_actuals_file(data) else published_actuals(name, data)
        if published is None:
            raise Invalid(
                f"{exc}\n{name}：也不是含有实际完成情况的绩效自评表或监控表", "file"
            ) from None
        doc = published
    # The template lists units as a whole among the projects: move them back.
    overall = [p for p in doc.projects if p.project.endswith("（部门整体）")]
    if not overall:
        return doc
    return replace(
        doc,
        projects=tuple(p for p in doc.projects if p not in overall),
        overall=doc.overall
        + tuple(replace(p, project=p.project.removesuffix("（部门整体）")) for p in overall),
    )


def _is_actuals_file(data: bytes) -> bool:
    """Whether the file says it is jixiao's actuals template or ``jixiao-actuals/1`` (its
    problems are then reported as such, never read another way)."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return b'name="_jixiao"' in z.read("xl/workbook.xml")
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    try:
        parsed = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(parsed, dict) and parsed.get("format") == "jixiao-actuals/1"


def published_actuals(name: str, data: bytes) -> ActualsDocument | None:
    """The actuals of a published self-evaluation or monitoring table (any format the
    importers read), or None when the file holds none.  :class:`Invalid` when it holds
    actuals of more than one period (upload them one period at a time)."""
    try:
        found = read_bytes(data, name).actuals
    except IngestError:
        return None
    if len(found) > 1:
        periods = "、".join(PERIOD_LABELS[a.period.value] for a in found)
        raise Invalid(f"{name}：含有多个期间（{periods}）的完成情况，请分别上传", "file")
    return found[0] if found else None
