"""Readers: a published file → a ``jixiao/1`` :class:`~jixiao.domain.model.Document`.

Public API::

    read_path(path, format="auto") -> Document
    FORMATS                       names accepted by ``format``
    IngestError                   raised for input that is no performance table

Readers know the domain (values, taxonomy); never the store or the web.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from jixiao.domain.model import Document, SourceInfo
from jixiao.ingest import text_blocks
from jixiao.ingest._text import TextSource, decode
from jixiao.ingest.errors import IngestError

__all__ = ["FORMATS", "IngestError", "read_bytes", "read_path"]

_TextReader = Callable[..., Document]
_TEXT_READERS: dict[str, tuple[_TextReader, Callable[[TextSource], float]]] = {
    text_blocks.LAYOUT: (text_blocks.read, text_blocks.sniff),
}

FORMATS: tuple[str, ...] = ("auto", "json", *_TEXT_READERS)


def _read_json(data: bytes, name: str, sha256: str) -> Document:
    from dataclasses import replace

    from jixiao.interchange import FormatError, loads

    try:
        doc = loads(data, where=name)
    except FormatError as exc:
        raise IngestError(name, str(exc).removeprefix(f"{name}: ")) from None
    # The document now comes from this JSON file (its values keep their own provenance).
    return replace(doc, source=SourceInfo(file=name, sha256=sha256, layout="json"))


def read_bytes(data: bytes, name: str, *, format: str = "auto") -> Document:
    """Read a file's content; ``name`` is how the file is named in provenance and errors."""
    if format not in FORMATS:
        raise IngestError(name, f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    sha256 = hashlib.sha256(data).hexdigest()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if format == "json" or (format == "auto" and stripped.startswith(b"{")):
        return _read_json(data, name, sha256)
    if data.startswith(b"%PDF"):
        raise IngestError(name, "is a PDF; reading PDF files directly is not supported yet")
    if data.startswith(b"PK\x03\x04"):
        raise IngestError(name, "is a ZIP container (XLSX/DOCX?); not supported yet")
    source = TextSource(name=name, text=decode(data, name))
    if format == "auto":
        scored = sorted(
            ((sniff(source), layout) for layout, (_, sniff) in _TEXT_READERS.items()),
            reverse=True,
        )
        format = scored[0][1]
    reader, _ = _TEXT_READERS[format]
    return reader(source, sha256=sha256)


def read_path(path: str | Path, *, format: str = "auto", name: str | None = None) -> Document:
    """Read a file from disk (see :func:`read_bytes`)."""
    label = name or str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise IngestError(label, "is a folder, not a file") from None
    except FileNotFoundError:
        raise IngestError(label, "does not exist") from None
    except OSError as exc:
        raise IngestError(label, f"cannot be read: {exc.strerror or exc}") from None
    return read_bytes(data, label, format=format)
