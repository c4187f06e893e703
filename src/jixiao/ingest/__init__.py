"""Readers: a published file → a ``jixiao/1`` :class:`~jixiao.domain.model.Document`.

Public API::

    read_path(path, format="auto") -> Document
    read_bytes(data, name, format="auto") -> Document
    FORMATS                       names accepted by ``format``
    IngestError                   raised for input that is no performance table

``auto`` decides by the content, never by the file name: ``%PDF`` → pdf; a ZIP holding
``xl/`` → xlsx, ``word/`` → docx; an OLE2 compound file → doc when it holds a Word document, else xls; ``{`` → jixiao/1 JSON;
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
from jixiao.domain.values import Kind
from jixiao.ingest import (
    guard,
    text_blocks,
    text_cut,
    text_grid,
    text_order,
    text_prose,
    text_runtogether,
)
from jixiao.ingest._explain import Stage, Step, active, adopt, explaining, note
from jixiao.ingest._script import restore_printed, simplified
from jixiao.ingest._text import TextSource, decode
from jixiao.ingest._vocab import misread_name
from jixiao.ingest.errors import IngestError

__all__ = [
    "FORMATS",
    "IngestError",
    "Step",
    "explain_bytes",
    "explain_path",
    "read_bytes",
    "read_path",
]

_TextReader = Callable[..., Document]
_TEXT_READERS: dict[str, tuple[_TextReader, Callable[[TextSource], float]]] = {
    text_blocks.LAYOUT: (text_blocks.read, text_blocks.sniff),
    **text_grid.LAYOUTS,
    text_order.LAYOUT: (text_order.read, text_order.sniff),
    text_runtogether.LAYOUT: (text_runtogether.read, text_runtogether.sniff),
    text_prose.LAYOUT: (text_prose.read, text_prose.sniff),
}
_BINARY_FORMATS = ("pdf", "xlsx", "xls", "docx", "doc", "html")

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
        from jixiao.ingest import doc

        return "doc" if doc.is_word(data) else "xls"
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
    if format == "doc":
        from jixiao.ingest import doc

        return doc.read(data, name, sha256=sha256)
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
        raise IngestError(
            name, str(exc).removeprefix(f"{name}：").removeprefix(f"{name}: ")
        ) from None
    # A document that says where it came from keeps it (a published PDF read earlier: the
    # same source, so importing both is refused as a duplicate); otherwise it comes from
    # this JSON file.  Values keep their own provenance either way.
    if doc.source is not None:
        return doc
    return replace(doc, source=SourceInfo(file=name, sha256=sha256, layout="json"))


def read_bytes(data: bytes, name: str, *, format: str = "auto") -> Document:
    """Read a file's content; ``name`` is how the file is named in provenance and errors."""
    if format not in FORMATS:
        raise IngestError(name, f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    guard.check(data, name)  # containers beyond the limits are refused before parsing
    sha256 = hashlib.sha256(data).hexdigest()
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if format == "json" or (format == "auto" and stripped.startswith(b"{")):
        note(
            Stage.FORMAT, None, "按 jixiao/1 JSON 读取", "内容以“{”开始" if format == "auto" else ""
        )
        return _read_json(data, name, sha256)
    if format in _BINARY_FORMATS:
        note(Stage.FORMAT, None, f"按 {format} 读取", "由 --format 指定")
        return _read_binary(format, data, name, sha256)
    if format == "auto":
        found = _binary_format(data)
        if found is not None:
            note(Stage.FORMAT, None, f"按 {found} 读取", "由文件内容的开头字节判断")
            return _read_binary(found, data, name, sha256)
        from jixiao.ingest import html

        if html.sniff(data) >= 0.5:
            note(Stage.FORMAT, None, "按 html 读取", "内容是含表格的网页标记")
            return _read_binary("html", data, name, sha256)
    text = decode(data, name)
    printed = simplified(text)
    if printed is None:
        return _read_text(TextSource(name=name, text=text), format, sha256)
    # Machine-Traditional text: read in simplified form, printed texts given back as printed.
    note(Stage.FORMAT, None, "繁体文本按简体读取", "名称和指标值保留原文")
    doc = _read_text(TextSource(name=name, text=printed.text), format, sha256)
    return restore_printed(doc, printed)


def _read_text(source: TextSource, format: str, sha256: str) -> Document:
    """A text read by the layout named, or (``auto``) by the layout that makes most sense;
    where no layout finds a readable row, the indicators the text states in prose.  A last
    row cut off after its first cells is reported (:func:`text_cut.report_cut_tail`)."""
    return text_cut.report_cut_tail(source, _read_text_layout(source, format, sha256))


def _read_text_layout(source: TextSource, format: str, sha256: str) -> Document:
    if format != "auto":
        note(Stage.FORMAT, None, f"按文本版式 {format} 读取", "由 --format 指定")
        reader, _ = _TEXT_READERS[format]
        return reader(source, sha256=sha256)
    doc: Document | None = None
    error: IngestError | None = None
    try:
        doc = _read_auto(source, sha256)
    except IngestError as exc:
        error = exc
    if doc is None or _sense(doc) < _PROSE_BELOW:
        try:
            prose = text_prose.read(source, sha256=sha256)
        except IngestError:
            prose = None
        stated = _stated(prose) if prose is not None else 0
        if prose is not None and stated >= _PROSE_BELOW and (doc is None or stated > _sense(doc)):
            note(Stage.FORMAT, None, "按文字叙述读取指标", "没有版式读出可用的指标行")
            return prose
    if doc is None:
        assert error is not None
        raise error
    return doc


_PROSE_BELOW = 1.0  # a reading below this sense lets the prose reader try


def _stated(doc: Document) -> int:
    """Indicators with a name and a value (prose often names no level 2)."""
    return sum(
        1
        for project in doc.projects
        for ind in project.indicators
        if ind.name and any(True for _ in ind.values())
    )


def _read_auto(source: TextSource, sha256: str) -> Document:
    # Every layout scores the text; the best, and those close behind it, read it, and the
    # reading that makes most sense of it wins (on a tie the higher score, then the earlier
    # layout: the seed's comes first).
    scores = sorted(
        (
            (sniff(source), -k, layout)
            for k, (layout, (_, sniff)) in enumerate(_TEXT_READERS.items())
        ),
        reverse=True,
    )
    best = scores[0][0]
    candidates = [layout for score, _, layout in scores if score >= max(best - _CLOSE, _FLOOR)]
    if active():
        shown = "，".join(f"{layout} {score:.2f}" for score, _, layout in scores)
        note(Stage.FORMAT, None, "文本：各版式的吻合度", shown)
    if len(candidates) <= 1:
        why = "吻合度最高，且没有相近的版式" if best > 0 else "没有版式吻合，按默认版式试读"
        note(Stage.FORMAT, None, f"按文本版式 {scores[0][2]} 读取", why)
        return _TEXT_READERS[scores[0][2]][0](source, sha256=sha256)
    readings: list[tuple[float, int, Document, list[Step]]] = []
    first_error: IngestError | None = None
    for rank, layout in enumerate(candidates):
        steps: list[Step] = []
        try:
            if active():
                with explaining() as steps:
                    doc = _TEXT_READERS[layout][0](source, sha256=sha256)
            else:
                doc = _TEXT_READERS[layout][0](source, sha256=sha256)
        except IngestError as exc:
            note(Stage.FORMAT, None, f"版式 {layout} 读不出表格", str(exc))
            first_error = first_error or exc
            continue
        sense = _sense(doc) * _TRUST.get(layout, 1.0)
        note(Stage.FORMAT, None, f"试读版式 {layout}：合理度 {sense:.1f}", _SENSE_WHY)
        readings.append((sense, -rank, doc, steps))
    if not readings:
        assert first_error is not None
        raise first_error
    sense, _, doc, steps = max(readings, key=lambda r: (r[0], r[1]))
    note(Stage.FORMAT, None, f"采用版式 {doc.source.layout if doc.source else ''}", "合理度最高")
    adopt(steps)
    return doc


_SENSE_WHY = "有名称、已知二级指标和可识别指标值的行数，每条警告减 0.1"


_CLOSE = 0.3  # layouts scoring this close to the best are read too
# The reading-order reader rebuilds rows from order alone: it wins only when it makes
# clearly more sense than a reader that found the table's structure in the text.
_TRUST = {text_order.LAYOUT: 0.85}
_FLOOR = 0.3  # below this a layout is not tried


def _sense(doc: Document) -> float:
    """How much sense a reading made: rows with a name, a known level 2 and a readable
    value (goals with a readable target), less a little for each warning.  A row whose
    name shows that its cells were not told apart (a category label or a value glued into
    the name, the same words twice: :func:`jixiao.ingest._vocab.misread_name`) counts
    against the reading."""
    readable = 0.0
    for project in doc.projects:
        for ind in project.indicators:
            values = [v for _, v in ind.values()]
            if misread_name(ind.name):
                readable -= 0.5
            elif ind.name and ind.level2 and any(v.kind is not Kind.TEXT for v in values):
                readable += 1
            elif ind.name and ind.level2 and values:
                readable += 0.5  # a target in words (完成时间为…): half a readable row
    for table in doc.overall_targets:
        readable += sum(
            1 for g in table.goals if g.target is not None and g.target.kind is not Kind.TEXT
        )
    return readable - 0.1 * len(doc.warnings)


def explain_path(
    path: str | Path, *, format: str = "auto", name: str | None = None
) -> tuple[Document | None, list[Step], IngestError | None]:
    """Read a file as :func:`read_path` does, with the interpreter's decisions: the document
    (None when refused), each stage's steps in order, and the refusal if any."""
    with explaining() as steps:
        try:
            doc = read_path(path, format=format, name=name)
        except IngestError as exc:
            return None, steps, exc
    return doc, steps, None


def explain_bytes(
    data: bytes, name: str, *, format: str = "auto"
) -> tuple[Document | None, list[Step], IngestError | None]:
    """:func:`explain_path` of bytes already read (what the isolated child runs)."""
    with explaining() as steps:
        try:
            doc = read_bytes(data, name, format=format)
        except IngestError as exc:
            return None, steps, exc
    return doc, steps, None


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
