"""Hostile files are refused cheaply, in a limited child process, with a Chinese message
naming the limit — never a MemoryError, a RecursionError or a traceback."""

from __future__ import annotations

import io
import logging
import time
import zipfile
import zlib

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import IngestError, guard, read_path
from jixiao.ingest.guard import FileLimits, LimitExceeded
from jixiao.ingest.isolation import (
    ProcessLimits,
    read_bytes_isolated,
    read_path_isolated,
    run,
)
from jixiao.interchange import dumps
from tests import hostile
from tests.conftest import FIXTURES, SEED

MB = 1024 * 1024


def _peak(caplog: pytest.LogCaptureFixture, name: str) -> float:
    """The child's peak resident memory (MB) that the isolation logged for ``name``."""
    found = [r for r in caplog.records if getattr(r, "file", None) == name]
    assert found, f"no reading of {name} was logged"
    return float(found[-1].peak_rss_mb)  # type: ignore[attr-defined]


def test_crc_of_repeated_data_is_exact() -> None:
    chunk = "绩效 ab\n".encode() * 700
    assert hostile.crc32_repeated(chunk, 13) == zlib.crc32(chunk * 13)
    assert hostile.crc32_combine(zlib.crc32(b"he"), zlib.crc32(b"llo"), 3) == zlib.crc32(b"hello")


def test_the_builders_make_real_workbooks() -> None:
    """The bombs are valid files, smaller: openpyxl reads them (so a refusal is the guard's
    doing, not a broken file's)."""
    from openpyxl import load_workbook

    small = hostile.xlsx_empty_cells(3, 4, refs=True)
    ws = load_workbook(io.BytesIO(small)).active
    assert (ws.max_row, ws.max_column) == (3, 4)
    bomb = hostile.xlsx_whitespace_bomb(12)
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 12 * 1024 * MB and len(bomb) < 13 * MB


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: hostile.xlsx_whitespace_bomb(12), "解压后共 12.0 GB，超过上限 200 MB"),
        (lambda: hostile.xlsx_empty_cells(), "单元格超过 500,000 个"),
        (hostile.xlsx_merged_sheet, "合并单元格共覆盖 17,179,869,184 个以上单元格"),
        (lambda: hostile.deep_json(400_000), "JSON 嵌套超过 64 层"),
    ],
    ids=["12GiB-whitespace", "10M-empty-cells", "merged-sheet", "deep-json"],
)
def test_bombs_are_refused_quickly_and_small(
    build: object, expected: str, caplog: pytest.LogCaptureFixture
) -> None:
    data = build()  # type: ignore[operator]
    caplog.set_level(logging.INFO, logger="jixiao.ingest.isolation")
    read_bytes_isolated(SEED.read_bytes(), "warm.txt")  # the forkserver is up
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as refused:
        read_bytes_isolated(data, "炸弹.xlsx")
    seconds = time.monotonic() - started
    message = str(refused.value)
    assert message.startswith("炸弹.xlsx：") and "未读取" in message
    assert expected in message
    assert seconds < 5, seconds
    assert _peak(caplog, "炸弹.xlsx") < 300, _peak(caplog, "炸弹.xlsx")


def test_cell_counts_are_read_from_the_sheet_before_loading() -> None:
    """With the compression ratio allowed, the streaming count still stops the ten
    million empty cells (and a DOCX table of 300,000 cells) long before a parser would."""
    relaxed = FileLimits(zip_ratio=1_000_000)
    for data, expected in (
        (hostile.xlsx_empty_cells(), "单元格超过 500,000 个"),
        (hostile.xlsx_empty_cells(600, 1000, refs=True), "单元格超过 500,000 个"),
        (hostile.docx_table(300_000), "表格单元格超过 200,000 个"),
    ):
        started = time.monotonic()
        with pytest.raises(LimitExceeded, match=expected):
            guard.check(data, "x.xlsx", relaxed)
        assert time.monotonic() - started < 5
    # under the limits, nothing is refused: the same builders, smaller
    guard.check(hostile.xlsx_empty_cells(100, 100, refs=True), "x.xlsx")
    guard.check(hostile.docx_table(1000), "x.docx")


def test_rows_and_sheet_dimensions_beyond_excel() -> None:
    rows = hostile.workbook(
        hostile.SHEET_HEAD + "<sheetData>" + '<row r="1"/>' * 200_001 + "</sheetData></worksheet>"
    )
    with pytest.raises(LimitExceeded, match="行数超过 200,000 行"):
        guard.check(rows, "rows.xlsx", FileLimits(zip_ratio=1_000_000))
    wide = hostile.workbook(
        hostile.SHEET_HEAD + '<dimension ref="A1:XFD99999999"/><sheetData/></worksheet>'
    )
    with pytest.raises(LimitExceeded, match="超出 Excel 的 1,048,576 行"):
        guard.check(wide, "wide.xlsx")


def test_pdf_streams_are_measured_inflated() -> None:
    inflated = zlib.compress(b"0" * (3 * MB))
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<< /Length "
        + str(len(inflated)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + inflated
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    with pytest.raises(LimitExceeded, match="数据流解压后超过 2 MB"):
        guard.check(pdf, "bomb.pdf", FileLimits(pdf_stream_mb=2))
    guard.check(pdf, "bomb.pdf", FileLimits(pdf_stream_mb=4))
    pages = b"%PDF-1.4\n" + b"<< /Type /Page >>\n" * 11 + b"<< /Type /Pages >>\n"
    with pytest.raises(LimitExceeded, match="有 11 页，超过上限 10 页"):
        guard.check(pages, "pages.pdf", FileLimits(pdf_pages=10))


def test_deep_json_in_jixiao_parse_is_a_chinese_refusal(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "deep.json"
    path.write_bytes(hostile.deep_json(400_000))
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    assert "JSON 嵌套超过 64 层" in result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output


# -- the child process: what it returns and what stops it ---------------------------------


def test_an_isolated_reading_equals_the_in_process_one() -> None:
    for path in (SEED, FIXTURES / "pdf" / "mixed.pdf"):
        assert dumps(read_path_isolated(path)) == dumps(read_path(path))
    with pytest.raises(IngestError) as refused:
        read_path_isolated(FIXTURES / "pdf" / "prose.pdf", name="prose.pdf")
    assert type(refused.value) is IngestError  # the reader's own refusal, as it was
    assert str(refused.value).startswith("prose.pdf 第 1 页")


def _allocate(megabytes: int) -> str:
    hoard = [bytearray(MB) for _ in range(megabytes)]
    return str(len(hoard))


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _spin(seconds: float) -> str:
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += 1
    return str(n)


def _recurse(depth: int) -> str:
    return _recurse(depth + 1)


def _crash() -> str:
    raise KeyError("a parser's bug")


def test_the_child_is_stopped_at_its_limits() -> None:
    small = ProcessLimits(memory_mb=300, cpu_seconds=1, wall_seconds=20)
    assert run(_allocate, 20, name="ok.bin", limits=small).value == "20"
    with pytest.raises(LimitExceeded, match=r"ok\.bin：解析所需内存超过上限 300 MB"):
        run(_allocate, 1000, name="ok.bin", limits=small)
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="CPU 时间超过 1 秒"):
        run(_spin, 30, name="spin.bin", limits=small)
    assert time.monotonic() - started < 15
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="解析超过 1 秒（时间上限）"):
        run(_sleep, 30, name="sleep.bin", limits=ProcessLimits(wall_seconds=1))
    assert time.monotonic() - started < 5
    with pytest.raises(LimitExceeded, match="嵌套过深"):
        run(_recurse, 0, name="deep.bin", limits=small)
    with pytest.raises(LimitExceeded, match=r"解析时出错（KeyError）"):
        run(_crash, name="bug.bin", limits=small)


def test_a_file_too_large_is_not_read_whole(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "big.txt"
    path.write_bytes(b"x" * (2 * MB))
    with pytest.raises(LimitExceeded, match=r"big\.txt：文件超过 1 MB（上限）"):
        read_path_isolated(path, name="big.txt", limits=ProcessLimits(file_mb=1))


def _pdf_with_pages_in_an_object_stream(n: int) -> bytes:
    """A PDF 1.5 whose catalog, page tree and ``n`` pages all sit in one compressed object
    stream (with a cross-reference stream): no ``/Type /Page`` in the file's bytes."""
    import struct

    page_ids = range(3, 3 + n)
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (
            2,
            b"<< /Type /Pages /Kids ["
            + b" ".join(b"%d 0 R" % i for i in page_ids)
            + b"] /Count %d >>" % n,
        ),
        *((i, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>") for i in page_ids),
    ]
    header, body = b"", b""
    for number, text in objects:
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    stream_id, xref_id = 3 + n, 4 + n
    packed = zlib.compress(header + body)
    out = b"%PDF-1.5\n"
    stream_at = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
        % (stream_id, len(objects), len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    xref_at = len(out)
    rows = struct.pack(">BIH", 0, 0, 65535)
    for index, (_, _) in enumerate(objects):
        rows += struct.pack(">BIH", 2, stream_id, index)
    rows += struct.pack(">BIH", 1, stream_at, 0) + struct.pack(">BIH", 1, xref_at, 0)
    table = zlib.compress(rows)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d "
        b"/Filter /FlateDecode >>\nstream\n"
        % (xref_id, xref_id + 1, len(table))
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out


def test_pdf_pages_in_object_streams_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard counts ``/Type /Page`` in the raw bytes, which misses pages kept in a
    compressed object stream; the reader counts PDFium's page tree before reading any."""
    from jixiao.ingest import read_bytes

    data = _pdf_with_pages_in_an_object_stream(11)
    assert b"/Type /Page " not in data and b"/Type /Page>" not in data
    guard.check(data, "objstm.pdf", FileLimits(pdf_pages=10))  # not seen in the bytes
    monkeypatch.setattr(guard, "DEFAULT", FileLimits(pdf_pages=10))
    with pytest.raises(LimitExceeded, match=r"objstm\.pdf：有 11 页，超过上限 10 页"):
        read_bytes(data, "objstm.pdf")
    with pytest.raises(IngestError) as within:  # within the limit: read, and it has no text
        read_bytes(_pdf_with_pages_in_an_object_stream(10), "ten.pdf")
    assert not isinstance(within.value, LimitExceeded)
    assert "没有文字" in str(within.value)
