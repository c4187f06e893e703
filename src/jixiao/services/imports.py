"""Use case: read an uploaded or given file into a document (the web never calls ingest)."""

from __future__ import annotations

from jixiao.domain.model import Document
from jixiao.ingest import FORMATS, IngestError, read_bytes
from jixiao.services.errors import Invalid

__all__ = ["FORMATS", "read_upload"]


def read_upload(data: bytes, name: str, *, format: str = "auto") -> Document:
    """The document in ``data``; an unreadable file is :class:`Invalid` on field ``file``."""
    if format not in FORMATS:
        raise Invalid(f"未知格式“{format}”，可选：{'、'.join(FORMATS)}", "format")
    if not data:
        raise Invalid(f"文件 {name} 是空的", "file")
    try:
        return read_bytes(data, name, format=format)
    except IngestError as exc:
        raise Invalid(f"无法读取文件：{exc}", "file") from None
