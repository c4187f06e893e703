"""Hostile files, built by the tests (none is committed): a 12 MB workbook that inflates
to 12 GiB of whitespace, a workbook of ten million empty cells, a merged range over a
whole sheet, a DOCX table of many cells, JSON nested deeper than Python's parser goes."""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_SMALL_PARTS = {
    "[Content_Types].xml": _CONTENT_TYPES,
    "_rels/.rels": _RELS,
    "xl/workbook.xml": _WORKBOOK,
    "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
}


def workbook(sheet_xml: str) -> bytes:
    """A one-sheet XLSX whose sheet is ``sheet_xml`` (small: built with zipfile)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in _SMALL_PARTS.items():
            z.writestr(part, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


# -- CRC-32 of repeated data, without reading it (zlib's crc32_combine) ------------------


def _gf2_times(mat: list[int], vec: int) -> int:
    total = 0
    i = 0
    while vec:
        if vec & 1:
            total ^= mat[i]
        vec >>= 1
        i += 1
    return total


def _gf2_square(mat: list[int]) -> list[int]:
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc(A), crc(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc32_repeated(chunk: bytes, times: int) -> int:
    """The CRC-32 of ``chunk * times`` (by doubling: log2(times) combinations)."""
    result, result_len = 0, 0
    power, power_len = zlib.crc32(chunk), len(chunk)
    while times:
        if times & 1:
            result = crc32_combine(result, power, power_len) if result_len else power
            result_len += power_len
        times >>= 1
        if times:
            power = crc32_combine(power, power, power_len)
            power_len *= 2
    return result


# -- a ZIP written by hand (one member may be larger than 4 GiB) -------------------------


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of raw-deflated members (name, deflated bytes, crc, uncompressed size); sizes
    of 4 GiB and more get a ZIP64 extra field."""
    out = BytesIO()
    central = BytesIO()
    for name, deflated, crc, size in members:
        encoded = name.encode("utf-8")
        offset = out.tell()
        big = size >= 0xFFFFFFFF
        local_extra = struct.pack("<HHQQ", 1, 16, size, len(deflated)) if big else b""
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if big else 20,
                0,
                8,
                0,
                0x21,
                crc,
                0xFFFFFFFF if big else len(deflated),
                0xFFFFFFFF if big else size,
                len(encoded),
                len(local_extra),
            )
        )
        out.write(encoded + local_extra + deflated)
        central_extra = struct.pack("<HHQQ", 1, 16, size, len(deflated)) if big else b""
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                45 if big else 20,
                45 if big else 20,
                0,
                8,
                0,
                0x21,
                crc,
                0xFFFFFFFF if big else len(deflated),
                0xFFFFFFFF if big else size,
                len(encoded),
                len(central_extra),
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(encoded + central_extra)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    return out.getvalue()


def _deflated(text: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(text) + c.flush(), zlib.crc32(text), len(text)


def xlsx_whitespace_bomb(gib: int = 12) -> bytes:
    """A valid XLSX whose sheet is one cell followed by ``gib`` GiB of spaces (about 1 MB
    compressed per GiB): built from one deflated MiB of spaces repeated, never inflated."""
    head = (
        SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>炸弹</t></is></c></row>'
    ).encode()
    tail = b"</sheetData></worksheet>"
    mib = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush makes every MiB deflate alike"
    times = gib * 1024
    last = c.compress(tail) + c.flush()
    deflated = first + block * times + last
    crc = crc32_combine(
        crc32_combine(zlib.crc32(head), crc32_repeated(mib, times), len(mib) * times),
        zlib.crc32(tail),
        len(tail),
    )
    size = len(head) + len(mib) * times + len(tail)
    members = [(part, *_deflated(text.encode())) for part, text in _SMALL_PARTS.items()]
    members.append(("xl/worksheets/sheet1.xml", deflated, crc, size))
    return _zip(members)  # type: ignore[arg-type]


def _column(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def xlsx_empty_cells(rows: int = 10_000, cols: int = 1_000, *, refs: bool = False) -> bytes:
    """A valid XLSX of ``rows`` × ``cols`` empty, styled cells (ten million by default,
    about 300 KB), deflated as it is written; with ``refs`` every cell names its place
    (``<c r="B7" s="0"/>``: a larger file, compressing about 8:1)."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    crc = 0
    size = 0
    parts: list[bytes] = []

    def put(text: bytes) -> None:
        nonlocal crc, size
        crc = zlib.crc32(text, crc)
        size += len(text)
        parts.append(c.compress(text))

    put(f'{SHEET_HEAD}<dimension ref="A1:{_column(cols)}{rows}"/><sheetData>'.encode())
    if refs:
        template = "".join(f'<c r="{_column(k)}%d" s="0"/>' for k in range(1, cols + 1))
        for r in range(1, rows + 1):
            put(f'<row r="{r}">'.encode() + (template % ((r,) * cols)).encode() + b"</row>")
    else:
        cells = b'<c s="0"/>' * cols
        for r in range(1, rows + 1):
            put(f'<row r="{r}">'.encode())
            put(cells)
            put(b"</row>")
    put(b"</sheetData></worksheet>")
    parts.append(c.flush())
    members = [(part, *_deflated(text.encode())) for part, text in _SMALL_PARTS.items()]
    members.append(("xl/worksheets/sheet1.xml", b"".join(parts), crc, size))
    return _zip(members)  # type: ignore[arg-type]


def xlsx_merged_sheet() -> bytes:
    """A tiny XLSX with one merged range over the whole sheet (openpyxl would make an
    object for each of its 17 billion cells)."""
    return workbook(
        SHEET_HEAD
        + '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        + '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
    )


def docx_table(cells: int) -> bytes:
    """A DOCX holding one table of ``cells`` empty cells (rows of 100)."""
    row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * 100 + "</w:tr>"
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:tbl>" + row * (cells // 100) + "</w:tbl></w:body></w:document>"
    )
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr("word/document.xml", body)
    return out.getvalue()


def deep_json(size: int = 400_000) -> bytes:
    """``size`` bytes of JSON nested ``size // 2`` deep: ``[[[…]]]``."""
    return b"[" * (size // 2) + b"]" * (size // 2)
