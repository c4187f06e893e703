"""Use case: read an uploaded or given file into a document (the web never calls ingest).

Every file is read in a separate, limited process (:mod:`jixiao.ingest.isolation`): a
hostile file costs that process, never the server.
"""

from __future__ import annotations

from pathlib import PurePath

from jixiao.domain.model import Document
from jixiao.ingest import FORMATS, IngestError
from jixiao.ingest.isolation import also_preload, read_bytes_isolated, warm_up
from jixiao.services.errors import Invalid

__all__ = ["FORMATS", "read_upload", "shown_name", "warm_up"]

# Actuals uploads are read by jixiao.services.actuals in the child too.
also_preload("jixiao.services.actuals")


def shown_name(name: str) -> str:
    """The name of an uploaded or given file as users see it: the file name, never the
    folder it was in on a client or on the server."""
    found = PurePath(name.replace("\\", "/")).name
    return found or name


def read_upload(data: bytes, name: str, *, format: str = "auto") -> Document:
    """The document in ``data``; an unreadable file is :class:`Invalid` on field ``file``."""
    if format not in FORMATS:
        raise Invalid(f"未知格式“{format}”，可选：{'、'.join(FORMATS)}", "format")
    name = shown_name(name)
    if not data:
        raise Invalid(f"文件 {name} 是空的", "file")
    try:
        return read_bytes_isolated(data, name, format=format)
    except IngestError as exc:
        raise Invalid(f"无法读取文件：{exc}", "file") from None
