"""Cheap checks of an untrusted file before any parser loads it.

A small file can hold a great deal: a 12 MB XLSX can inflate to 12 GiB of whitespace, a
600 KB one can declare ten million empty cells, one ``<mergeCell>`` can cover a whole
sheet (openpyxl makes an object for every merged cell), a DOCX of half a megabyte can hold
a table of three million cells, a JSON document of 400 KB can nest deeper than Python's
recursion limit.  :func:`check` looks at the container and streams through the parts
that decide the parsers' cost — without keeping what it reads — and refuses such a file
with :class:`LimitExceeded`, whose message (简体中文) names the file, the part and the
limit.  The limits (:class:`FileLimits`) are far above what real performance tables need
(docs/security.md lists both).

These checks bound what a parser is asked to do; :mod:`jixiao.ingest.isolation` bounds
what it may spend (memory, CPU and wall-clock time in a separate process).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from jixiao.ingest.errors import IngestError

__all__ = ["FileLimits", "LimitExceeded", "check", "check_json_depth"]


class LimitExceeded(IngestError):
    """A file refused because it goes beyond a limit; the message says which (in Chinese)."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(file, problem)
        Exception.__init__(self, f"{file}：{problem}")


@dataclass(frozen=True)
class FileLimits:
    """What one file may hold.  The figures of real tables are in docs/security.md."""

    zip_entries: int = 10_000  # parts of an XLSX/DOCX archive
    zip_total_mb: int = 200  # their uncompressed size together
    zip_ratio: int = 200  # uncompressed : compressed, for a part above 1 MB uncompressed
    sheet_cells: int = 500_000  # <c> elements of all sheets, empty ones included
    sheet_rows: int = 200_000  # <row> elements of all sheets
    merged_cells: int = 500_000  # cells covered by merged ranges, all sheets
    docx_cells: int = 200_000  # <w:tc> table cells of a DOCX
    pdf_pages: int = 2_000  # page objects of a PDF
    pdf_stream_mb: int = 256  # one Flate stream, inflated
    pdf_total_mb: int = 1024  # all Flate streams, inflated
    json_depth: int = 64  # nesting of arrays and objects


DEFAULT = FileLimits()
_MB = 1024 * 1024
_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    if n >= 1024 * _MB:
        return f"{n / (1024 * _MB):.1f} GB"
    return f"{n / _MB:.1f} MB"


def _count(n: int) -> str:
    return f"{n:,}"


def check(data: bytes, name: str, limits: FileLimits = DEFAULT) -> None:
    """Refuse ``data`` (:class:`LimitExceeded`) when its container goes beyond ``limits``;
    decided by the content, as :func:`jixiao.ingest.read_bytes` dispatches."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        check_json_depth(data, name, limits)
    elif data.startswith(b"PK\x03\x04"):
        _check_zip(data, name, limits)
    elif head.startswith(b"%PDF"):
        _check_pdf(data, name, limits)


# -- JSON ----------------------------------------------------------------------------------

_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_json_depth(data: bytes, name: str, limits: FileLimits = DEFAULT) -> None:
    """Refuse JSON text nested deeper than ``limits.json_depth`` (strings are skipped, so
    brackets inside them do not count).  Python's parser would otherwise hit its recursion
    limit on a few hundred kilobytes of ``[[[[…``."""
    depth = 0
    deepest = limits.json_depth
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                raise LimitExceeded(
                    name,
                    f"JSON 嵌套超过 {deepest} 层（上限 {deepest} 层），不是 jixiao 的文件，未读取",
                )
        elif token in (b"]", b"}"):
            depth -= 1


# -- ZIP: XLSX and DOCX ----------------------------------------------------------------------

_CELL = re.compile(rb"<(?:\w{1,16}:)?c[\s/>]")
_ROW = re.compile(rb"<(?:\w{1,16}:)?row[\s/>]")
_TABLE_CELL = re.compile(rb"<(?:\w{1,16}:)?tc[\s/>]")
_MERGE = re.compile(
    rb"<(?:\w{1,16}:)?mergeCell\s+ref=\"([A-Za-z]{1,3})(\d{1,10})(?::([A-Za-z]{1,3})(\d{1,10}))?\""
)
_DIMENSION = re.compile(
    rb"<(?:\w{1,16}:)?dimension\s+ref=\"([A-Za-z]{1,3})(\d{1,10})(?::([A-Za-z]{1,3})(\d{1,10}))?\""
)
_CARRY = 96  # bytes kept between chunks: longer than any pattern above
_EXCEL_ROWS, _EXCEL_COLS = 1_048_576, 16_384


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _area(match: re.Match[bytes]) -> tuple[int, int]:
    """Rows and columns of an ``A1:B2`` (or ``A1``) reference."""
    c1, r1, c2, r2 = match.groups()
    rows = abs(int(r2 or r1) - int(r1)) + 1
    cols = abs(_column(c2 or c1) - _column(c1)) + 1
    return rows, cols


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in overlapping chunks: each chunk starts with the last ``_CARRY``
    bytes of the one before, so a match is seen whole; :func:`_scan` counts each once."""
    carry = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            yield carry + chunk
            carry = chunk[-_CARRY:]


def _check_zip(data: bytes, name: str, limits: FileLimits) -> None:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # the reader says what is wrong with it
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.zip_entries:
            raise LimitExceeded(
                name,
                f"压缩包内有 {_count(len(infos))} 个文件，超过上限 {_count(limits.zip_entries)} 个，未读取",
            )
        total = sum(i.file_size for i in infos)
        if total > limits.zip_total_mb * _MB:
            raise LimitExceeded(
                name,
                f"解压后共 {_mb(total)}，超过上限 {limits.zip_total_mb} MB（疑似压缩炸弹），未读取",
            )
        for info in infos:
            if info.file_size > _MB and info.file_size > limits.zip_ratio * max(
                info.compress_size, 1
            ):
                ratio = info.file_size // max(info.compress_size, 1)
                raise LimitExceeded(
                    name,
                    f"其中的 {info.filename} 压缩比为 {_count(ratio)}:1，超过上限 "
                    f"{limits.zip_ratio}:1（疑似压缩炸弹），未读取",
                )
        names = {i.filename for i in infos}
        if any(n.startswith("xl/") for n in names):
            _check_sheets(archive, infos, name, limits)
        elif any(n.startswith("word/") for n in names):
            _check_docx(archive, infos, name, limits)


def _check_sheets(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limits: FileLimits
) -> None:
    cells = rows = merged = 0
    for info in infos:
        part = info.filename
        if not (part.startswith("xl/") and "worksheets/" in part and part.endswith(".xml")):
            continue
        try:
            # The declared used range: beyond Excel's grid it is no workbook Excel wrote.
            with archive.open(info) as stream:
                head = stream.read(65536)
            found = _DIMENSION.search(head)
            if found is not None:
                r, c = _area(found)
                if r > _EXCEL_ROWS or c > _EXCEL_COLS:
                    raise LimitExceeded(
                        name,
                        f"工作表 {part} 声明的范围（{found.group(0).decode('ascii', 'replace')}）"
                        f"超出 Excel 的 {_count(_EXCEL_ROWS)} 行 × {_count(_EXCEL_COLS)} 列，未读取",
                    )
            for kind, match in _scan_many(archive, info, (_CELL, _ROW, _MERGE)):
                if kind == 0:
                    cells += 1
                    if cells > limits.sheet_cells:
                        raise LimitExceeded(
                            name,
                            f"单元格超过 {_count(limits.sheet_cells)} 个（上限，空单元格也计入；"
                            f"在 {part} 处超出），未读取",
                        )
                elif kind == 1:
                    rows += 1
                    if rows > limits.sheet_rows:
                        raise LimitExceeded(
                            name,
                            f"行数超过 {_count(limits.sheet_rows)} 行（上限；在 {part} 处超出），未读取",
                        )
                else:
                    r, c = _area(match)
                    merged += r * c
                    if merged > limits.merged_cells:
                        raise LimitExceeded(
                            name,
                            f"合并单元格共覆盖 {_count(merged)} 个以上单元格，超过上限 "
                            f"{_count(limits.merged_cells)} 个（在 {part} 处超出），未读取",
                        )
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            return  # damaged: the reader says so


def _scan_many(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, patterns: tuple[re.Pattern[bytes], ...]
) -> Iterator[tuple[int, re.Match[bytes]]]:
    """(pattern index, match) for every match of each pattern in the part, streaming; a
    match is reported in the chunk where it ends past the carried-over bytes."""
    first = True
    for chunk in _chunks(archive, info):
        skip = 0 if first else _CARRY
        first = False
        for k, pattern in enumerate(patterns):
            for match in pattern.finditer(chunk):
                if match.end() > skip:
                    yield k, match


def _check_docx(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str, limits: FileLimits
) -> None:
    cells = 0
    for info in infos:
        if not (info.filename.startswith("word/") and info.filename.endswith(".xml")):
            continue
        try:
            for _, _match in _scan_many(archive, info, (_TABLE_CELL,)):
                cells += 1
                if cells > limits.docx_cells:
                    raise LimitExceeded(
                        name,
                        f"表格单元格超过 {_count(limits.docx_cells)} 个（上限；在 {info.filename} 处超出），未读取",
                    )
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
            return


# -- PDF -------------------------------------------------------------------------------------

_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_STREAM = re.compile(rb"stream\r?\n")


def _check_pdf(data: bytes, name: str, limits: FileLimits) -> None:
    pages = len(_PAGE.findall(data))
    if pages > limits.pdf_pages:
        raise LimitExceeded(
            name, f"有 {_count(pages)} 页，超过上限 {_count(limits.pdf_pages)} 页，未读取"
        )
    total = 0
    for match in _STREAM.finditer(data):
        start = match.start()
        if start > 0 and data[start - 1 : start] not in (b">", b"\n", b"\r", b" "):
            continue  # "endstream" or a word in a string, not the stream keyword
        # The stream's dictionary stands just before the keyword.
        before = data[max(0, start - 2048) : start]
        opened = before.rfind(b"<<")
        if opened < 0 or b"/FlateDecode" not in before[opened:]:
            continue
        size = _inflated(data, match.end(), limits.pdf_stream_mb * _MB + 1)
        if size > limits.pdf_stream_mb * _MB:
            raise LimitExceeded(
                name,
                f"字节位置 {start} 处的数据流解压后超过 "
                f"{limits.pdf_stream_mb} MB（上限，疑似压缩炸弹），未读取",
            )
        total += size
        if total > limits.pdf_total_mb * _MB:
            raise LimitExceeded(
                name,
                f"数据流解压后共超过 {limits.pdf_total_mb} MB（上限，疑似压缩炸弹），未读取",
            )


def _inflated(data: bytes, start: int, cap: int) -> int:
    """How many bytes the zlib stream at ``start`` inflates to (at most ``cap``), without
    keeping them; a damaged stream counts what came out before the damage."""
    inflater = zlib.decompressobj()
    size = 0
    pos = start
    end = len(data)
    while pos < end and not inflater.eof and size < cap:
        piece = data[pos : pos + 65536]
        pos += len(piece)
        try:
            out = inflater.decompress(piece, _CHUNK)
            size += len(out)
            while inflater.unconsumed_tail and not inflater.eof and size < cap:
                out = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
                if not out:
                    break
                size += len(out)
        except zlib.error:
            break
    return size
