"""Readers: a published file → a ``jixiao/1`` :class:`~jixiao.domain.model.Document`.

Public API::

    read_path(path, format="auto") -> Document
    read_bytes(data, name, format="auto") -> Document
    FORMATS                       names accepted by ``format``
    IngestError                   raised for input that is no performance table

``auto`` decides by the content, never by the file name: ``%PDF`` → pdf; a ZIP holding
``xl/`` → xlsx, ``word/`` → docx; an OLE2 compound file → xls; ``{`` → jixiao/1 JSON;
markup with tables → html; other text → the text layout whose ``sniff`` scores highest
(the seed's PDF text layer, ``|`` or tab separated cells, aligned columns, one cell per
line).  Table files become grids (:mod:`jixiao.ingest._grid`) that one interpreter reads.

Readers know the domain (values, taxonomy); never the store or the web.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from jixiao.domain.model import Document, SourceInfo
from jixiao.ingest import text_blocks, text_grid
from jixiao.ingest._text import TextSource, decode
from jixiao.ingest.errors import IngestError

__all__ = ["FORMATS", "IngestError", "read_bytes", "read_path"]

_TextReader = Callable[..., Document]
_TEXT_READERS: dict[str, tuple[_TextReader, Callable[[TextSource], float]]] = {
    text_blocks.LAYOUT: (text_blocks.read, text_blocks.sniff),
    **text_grid.LAYOUTS,
}
_BINARY_FORMATS = ("pdf", "xlsx", "xls", "docx", "html")

FORMATS: tuple[str, ...] = ("auto", "json", *_BINARY_FORMATS, *_TEXT_READERS)


def _binary_format(data: bytes) -> str | None:
    """The table format the content shows, or None for text (decided by the bytes)."""
    if data.startswith(b"%PDF") or data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        head = data[:65536]
        if b"xl/" in head:
            return "xlsx"
        if b"word/" in head:
            return "docx"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    return None


def _read_binary(format: str, data: bytes, name: str, sha256: str) -> Document:
    if format == "pdf":
        from jixiao.ingest import pdf

        return pdf.read(data, name, sha256=sha256)
    if format == "xlsx":
        from jixiao.ingest import xlsx

        return xlsx.read(data, name, sha256=sha256)
    if format == "xls":
        from jixiao.ingest import xlsx

        return xlsx.read_xls(data, name, sha256=sha256)
    if format == "docx":
        from jixiao.ingest import docx

        return docx.read(data, name, sha256=sha256)
    if format == "html":
        from jixiao.ingest import html

        return html.read(data, name, sha256=sha256)
    raise IngestError(name, "is a ZIP archive that is neither an XLSX workbook nor a DOCX document")


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
    if format in _BINARY_FORMATS:
        return _read_binary(format, data, name, sha256)
    if format == "auto":
        found = _binary_format(data)
        if found is not None:
            return _read_binary(found, data, name, sha256)
        from jixiao.ingest import html

        if html.sniff(data) >= 0.5:
            return _read_binary("html", data, name, sha256)
    source = TextSource(name=name, text=decode(data, name))
    if format == "auto":
        # The highest score wins; on a tie the earlier layout (the seed's comes first).
        scores = [(sniff(source), layout) for layout, (_, sniff) in _TEXT_READERS.items()]
        format = max(scores, key=lambda item: item[0])[1]
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
