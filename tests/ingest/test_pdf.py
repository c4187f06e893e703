"""The PDF reader on PDFs made as units make them: XLSX → LibreOffice → PDF.

The fixtures are built by ``tests/fixtures/pdf/make_fixtures.py`` (see its docstring) from
the seed's tables as written by hand in ``tests/ingest/test_seed.py``; the expected values
here come from those tables, not from running the reader.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from functools import cache
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.model import Document
from jixiao.domain.provenance import Provenance
from jixiao.ingest import pdf
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest.errors import IngestError
from tests.ingest.test_seed import DEPARTMENT, GOALS, PROJECTS, UNIT

PDFS = Path(__file__).parents[1] / "fixtures" / "pdf"
TITLE = ("无锡市市本级项目预算绩效目标表", "2023年度")
LEVEL1 = {"服务对象满意度指标": "满意度"}
LEVEL2 = {"服务对象满意度指标": "服务对象满意度"}


@cache
def data(name: str) -> bytes:
    return (PDFS / f"{name}.pdf").read_bytes()


@cache
def grids_of(name: str) -> tuple[Grid, ...]:
    return tuple(pdf.grids(data(name), f"{name}.pdf"))


@cache
def text_of(name: str) -> str:
    return pdf.text(data(name), f"{name}.pdf")


def read(name: str) -> Document:
    raw = data(name)
    return pdf.read(raw, f"{name}.pdf", sha256=hashlib.sha256(raw).hexdigest())


def rows(grid: Grid) -> list[list[str]]:
    return [[cell.text for cell in row] for row in grid.rows()]


def at(grid: Grid, text: str) -> GridCell:
    return next(cell for cell in grid.cells if cell.text == text)


def page_line(name: str, page: int, line: int) -> str:
    return text_of(name).split("\f")[page - 1].split("\n")[line - 1]


# -- the fixtures -----------------------------------------------------------------------------


def test_fixtures_are_small_libreoffice_pdfs() -> None:
    names = sorted(p.stem for p in PDFS.glob("*.pdf"))
    assert names == [
        "encrypted",
        "fake_bold",
        "image_only",
        "long_table",
        "mixed",
        "no_lines",
        "prose",
        "rotated",
        "seed",
        "twenty_pages",
    ]
    for name in names:
        raw = data(name)
        assert raw.startswith(b"%PDF-") and len(raw) < 300_000, name
        if name != "encrypted":
            doc = pdfium.PdfDocument(raw)
            assert doc.get_metadata_dict()["Producer"].startswith("LibreOffice"), name
            doc.close()


# -- grids: cells, merged cells, titles, provenance -------------------------------------------


def test_seed_gives_one_grid_per_page() -> None:
    grids = grids_of("seed")
    assert len(grids) == 9
    assert [g.page for g in grids] == list(range(1, 10))
    assert grids[0].title == (f"{UNIT}2023年部门单位整体支出预算绩效目标表",)
    assert all(g.title == TITLE for g in grids[1:])
    assert not any(g.ragged for g in grids)


def test_project_grid_cells_and_spans() -> None:
    grid = grids_of("seed")[1]
    assert rows(grid)[:4] == [
        ["项目名称", "人大代表履职培训费"],
        ["主管部门", DEPARTMENT],
        ["开始时间", "2022年", "完成时间", "2024年"],
        ["一级指标", "二级指标", "三级指标", "半年（程）\n指标值", "全年（程）\n指标值"],
    ]
    name = at(grid, "人大代表履职培训费")
    assert (name.row, name.col, name.rowspan, name.colspan) == (0, 1, 1, 4)
    end = at(grid, "2024年")
    assert (end.row, end.col, end.rowspan, end.colspan) == (2, 3, 1, 2)
    output = at(grid, "产出指标")  # the merged level-1 cell
    assert (output.row, output.col, output.rowspan, output.colspan) == (4, 0, 3, 1)
    satisfaction = at(grid, "满意度")
    assert (satisfaction.row, satisfaction.rowspan) == (7, 1)
    assert {(c.row, c.col) for c in grid.cells if c.rowspan == 1 and c.colspan == 1} >= {
        (r, k) for r in range(4, 8) for k in range(1, 5)
    }


@pytest.mark.parametrize("page", range(2, 10))
def test_project_rows_are_the_seeds(page: int) -> None:
    grid = grids_of("seed")[page - 1]
    name = list(PROJECTS)[page - 2]
    assert rows(grid)[0] == ["项目名称", name]
    expected = [
        [level2_label, indicator, half, full]
        for (level2, indicator, half, full) in PROJECTS[name]
        for level2_label in [LEVEL2.get(level2, level2)]
    ]
    got = [row[-4:] for row in rows(grid)[4:]]
    assert got == expected
    assert [row[0] for row in rows(grid)[4:]] == ["产出指标", "质量指标", "时效指标", "满意度"]


def test_overall_grid_rebuilds_merged_function_cells() -> None:
    grid = grids_of("seed")[0]
    functions = [c for c in grid.cells if c.col == 1 and c.row > 0]
    spans = {c.text.replace("\n", ""): c.rowspan for c in functions}
    expected: dict[str, int] = {}
    for _, function, *_ in GOALS:
        expected[function] = expected.get(function, 0) + 1
    assert spans == expected
    seqs = [(c.text, c.rowspan) for c in grid.cells if c.col == 0 and c.row > 0]
    assert seqs == [(s, n) for s, n in zip("1234567", expected.values(), strict=True)]
    targets = [c.text for c in grid.cells if c.col == 4 and c.row > 0]
    assert targets == [g[4] for g in GOALS]


@pytest.mark.parametrize("name", ["seed", "long_table", "fake_bold", "no_lines", "mixed"])
def test_provenance_names_page_and_line_of_the_text(name: str) -> None:
    checked = 0
    for grid in grids_of(name):
        for cell in grid.cells:
            assert cell.source is not None and cell.source.file == f"{name}.pdf"
            if not cell.text:
                assert cell.source.line is None
                continue
            assert cell.source.page is not None and cell.source.line is not None
            if grid.page is not None:
                assert cell.source.page == grid.page
            first = cell.text.split("\n")[0].replace(" ", "")
            line = page_line(name, cell.source.page, cell.source.line).replace(" ", "")
            assert first in line, (cell, line)
            checked += 1
    assert checked > 20


def test_cell_provenance_lines() -> None:
    grid = grids_of("seed")[1]
    assert at(grid, "＝461人次").source == Provenance(file="seed.pdf", page=2, line=9)
    # The merged level-1 cell is printed in the middle of its rows, on the 质量指标 line.
    assert at(grid, "产出指标").source == Provenance(file="seed.pdf", page=2, line=10)
    assert page_line("seed", 2, 1) == TITLE[0]


# -- a table over two pages -------------------------------------------------------------------


def test_table_over_two_pages_is_one_grid() -> None:
    (grid,) = grids_of("long_table")
    assert grid.page is None and grid.title == TITLE
    table = rows(grid)
    assert len(table) == 4 + 47
    assert table[4][-3:] == ["第1批次设备巡检覆盖点位数", "≥10个", "≥20个"]
    assert table[-1] == ["满意度", "服务对象满意度", "使用单位满意度", "≥90%", "≥90%"]
    # Merged cells cut by the page break are one cell again.
    output = at(grid, "产出指标")
    assert (output.row, output.rowspan) == (4, 46)
    assert (at(grid, "数量指标").row, at(grid, "数量指标").rowspan) == (4, 30)
    quality = at(grid, "质量指标")
    assert (quality.row, quality.rowspan) == (34, 15)
    assert not [c for c in grid.cells if c.col in (0, 1) and c.row > 3 and not c.text]
    # Each cell keeps its own page.
    second = at(grid, "第11类设备运行完好率")
    assert second.source == Provenance(file="long_table.pdf", page=2, line=1)
    assert at(grid, "第10类设备运行完好率").source is not None
    assert at(grid, "第10类设备运行完好率").source.page == 1  # type: ignore[union-attr]


def test_clipped_text_of_a_cut_merged_cell_is_not_read() -> None:
    # LibreOffice prints a merged cell's label centred on the whole cell, across the page
    # break, and clips it: pdfplumber (and pdftotext) still see it on page 2.
    page2 = text_of("long_table").split("\f")[1]
    assert "产出指标" not in page2 and "质量指标" not in page2
    with pdfplumber.open(io.BytesIO(data("long_table"))) as doc:
        assert "产出指标" in doc.pages[1].extract_text()


def test_table_over_two_pages_reads_as_one_project() -> None:
    doc = read("long_table")
    (project,) = doc.projects
    assert project.name == "设备巡检运维经费"
    assert len(project.indicators) == 47
    assert [i.level2 for i in project.indicators].count("质量指标") == 15
    assert {i.level1 for i in project.indicators[:46]} == {"产出指标"}
    last_quality = project.indicators[44]
    assert last_quality.name == "第15类设备运行完好率"
    assert last_quality.source == Provenance(file="long_table.pdf", page=2, line=5)
    assert doc.warnings == ()


# -- fake bold, rotation ----------------------------------------------------------------------


def test_fake_bold_characters_are_removed() -> None:
    with pdfplumber.open(io.BytesIO(data("fake_bold"))) as doc:
        page = doc.pages[0]
        assert len(page.chars) == 2 * len(page.dedupe_chars().chars)  # the fixture overprints
        assert "无无锡锡" in page.extract_text()
    assert "无无" not in text_of("fake_bold")
    assert text_of("fake_bold").startswith(TITLE[0] + "\n")
    plain = grids_of("seed")[1]
    (bold,) = grids_of("fake_bold")
    assert bold.cells == plain.cells and bold.title == plain.title


def _char(text: str, x0: float, top: float = 100.0, size: float = 10.0) -> pdf._Char:
    return pdf._Char(text, x0, top, x0 + size, top + size, size)


def test_dedupe_on_constructed_characters() -> None:
    chars = [
        _char("无", 10.0),
        _char("无", 10.3),  # fake bold: drawn again 0.3 pt to the right
        _char("无", 10.0, 100.4),  # … and 0.4 pt lower
        _char("锡", 20.0),
        _char("锡", 20.9, 100.9),
        _char("2", 30.0, size=5),
        _char("2", 35.0, size=5),  # "22": a real second character
        _char("2", 30.2, size=8),  # another size: another character
        _char(" ", 40.0),
        _char(" ", 40.1),
        _char("无", 10.0, 200.0),  # the same character on another line
    ]
    kept = pdf.dedupe(chars)
    assert [(c.text, c.x0, c.top, c.size) for c in kept] == [
        ("无", 10.0, 100.0, 10.0),
        ("锡", 20.0, 100.0, 10.0),
        ("2", 30.0, 100.0, 5),
        ("2", 35.0, 100.0, 5),
        ("2", 30.2, 100.0, 8),
        (" ", 40.0, 100.0, 10.0),
        (" ", 40.1, 100.0, 10.0),
        ("无", 10.0, 200.0, 10.0),
    ]
    # Tolerance 0: only copies at exactly the same place go.
    assert pdf.dedupe([*chars, _char("锡", 20.0)], tolerance=0.0) == chars


def test_rotated_page_reads_like_the_upright_one() -> None:
    (rotated,) = grids_of("rotated")
    plain = grids_of("seed")[1]
    assert rotated.cells == plain.cells and rotated.title == plain.title
    assert text_of("rotated") == text_of("fake_bold")


@pytest.mark.parametrize("rotation", range(4))
def test_view_maps_the_page_box_onto_the_shown_page(rotation: int) -> None:
    view = pdf._View(10.0, 20.0, 110.0, 220.0, rotation)  # 100 wide, 200 high
    shown = (100.0, 200.0) if rotation % 2 == 0 else (200.0, 100.0)
    corners = {view.point(x, y) for x in (10.0, 110.0) for y in (20.0, 220.0)}
    assert corners == {(0.0, 0.0), (shown[0], 0.0), (0.0, shown[1]), shown}
    assert view.height == shown[1]
    x0, top, x1, bottom = view.box(10.0, 210.0, 20.0, 220.0)  # the top-left corner as stored
    assert x0 < x1 and top < bottom


# -- the text layer ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed", "fake_bold", "no_lines", "mixed", "twenty_pages"])
def test_text_is_pdfplumbers_extract_text(name: str) -> None:
    with pdfplumber.open(io.BytesIO(data(name))) as doc:
        theirs = [page.dedupe_chars().extract_text() for page in doc.pages]
    ours = text_of(name).split("\f")
    assert ours[-1] == ""
    assert [page.removesuffix("\n") for page in ours[:-1]] == theirs


def test_text_separates_pages_with_form_feeds() -> None:
    text = text_of("seed")
    assert text.count("\f") == 9 and text.endswith("\n\f")
    assert text.split("\f")[1].split("\n")[:3] == [*TITLE, "项目名称 人大代表履职培训费"]


# -- documents --------------------------------------------------------------------------------


def test_seed_pdf_reads_as_the_seed() -> None:
    doc = read("seed")
    assert doc.warnings == ()
    assert doc.fiscal_year == 2023
    assert doc.source is not None and doc.source.layout == pdf.LAYOUT == "pdf"
    assert doc.source.sha256 == hashlib.sha256(data("seed")).hexdigest()
    (overall,) = doc.overall_targets
    assert overall.unit == UNIT and overall.fiscal_year == 2023
    got = [(g.seq, g.function, g.work, g.goal, g.target and g.target.text) for g in overall.goals]
    assert got == GOALS
    assert [p.name for p in doc.projects] == list(PROJECTS)
    for project in doc.projects:
        assert (project.department, project.unit) == (DEPARTMENT, UNIT)
        assert (project.fiscal_year, project.start_year, project.end_year) == (2023, 2022, 2024)
        got_rows = [
            (i.level2, i.name, i.half_year and i.half_year.text, i.full_year and i.full_year.text)
            for i in project.indicators
        ]
        assert got_rows == PROJECTS[project.name], project.name
        assert [i.level1 for i in project.indicators] == ["产出指标"] * 3 + ["满意度指标"]
        assert [i.level1_label for i in project.indicators][-1] == LEVEL1["服务对象满意度指标"]


def test_seed_pdf_provenance() -> None:
    doc = read("seed")
    first = doc.projects[0].indicators[0]
    assert first.full_year is not None
    assert first.full_year.source == Provenance(file="seed.pdf", page=2, line=9)
    assert "＝461人次" in page_line("seed", 2, 9)
    last = doc.projects[-1]
    assert last.source is not None and last.source.page == 9
    goal = doc.overall_targets[0].goals[-1]
    assert goal.target is not None and goal.target.source is not None
    assert goal.target.source.page == 1
    assert "100%" in page_line("seed", 1, goal.target.source.line or 0)


def test_fake_bold_and_rotated_read_like_the_seeds_first_project() -> None:
    seed = read("seed").projects[0]
    for name in ("fake_bold", "rotated"):
        doc = read(name)
        assert doc.projects == (replace(seed, unit=None),), name


def test_page_without_ruling_lines_goes_to_the_text_readers() -> None:
    (grid,) = grids_of("no_lines")  # aligned columns, for grids()
    assert grid.title == TITLE and grid.page == 1
    values = [c.text for c in grid.rows()[-4] if c.text]
    assert values == ["数量指标", "人大代表履职培训情况", "＝200人次", "＝461人次"]
    doc = read("no_lines")
    assert doc.source is not None and doc.source.layout == "pdf"
    (project,) = doc.projects
    expected = PROJECTS["人大代表履职培训费"]
    assert [
        (i.level2, i.name, i.half_year and i.half_year.text, i.full_year and i.full_year.text)
        for i in project.indicators
    ] == expected
    first = project.indicators[0]
    assert first.full_year is not None and first.full_year.source is not None
    assert first.full_year.source == Provenance(file="no_lines.pdf", page=1, line=9)


def test_mixed_pages_ruled_text_and_scan() -> None:
    doc = read("mixed")
    names = list(PROJECTS)[:2]
    assert [p.name for p in doc.projects] == names
    assert [p.source.page for p in doc.projects if p.source] == [1, 2]
    for project in doc.projects:
        got = [(i.level2, i.name) for i in project.indicators]
        assert got == [(r[0], r[1]) for r in PROJECTS[project.name]]
    second = doc.projects[1].indicators[0]
    assert second.full_year is not None and second.full_year.source is not None
    # Read as text, yet located on its PDF page and line.
    assert (second.full_year.source.page, second.full_year.source.line) == (2, 9)
    assert [(w.code, w.location.page if w.location else None) for w in doc.warnings] == [
        (pdf.NEEDS_OCR, 3)
    ]
    assert [g.page for g in grids_of("mixed")] == [1, 2]


def test_text_pages_that_are_no_table() -> None:
    error = _fails_to_read(data("prose"), "notice.pdf")
    assert error.problem.startswith("不是绩效目标表")
    assert (error.page, error.line) == (1, 1)
    assert pdf.grids(data("prose"), "notice.pdf") == []  # no ruled table, no aligned columns


def test_aligned_columns_when_the_text_readers_find_no_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(source: object, *, sha256: str | None = None) -> Document:
        raise IngestError("no_lines.pdf", "is not a performance target table", page=1, line=1)

    monkeypatch.setattr(pdf.text_blocks, "read", refuse)
    doc = read("no_lines")
    (project,) = doc.projects
    assert [(i.level2, i.name) for i in project.indicators] == [
        (r[0], r[1]) for r in PROJECTS["人大代表履职培训费"]
    ]
    first = project.indicators[0].full_year
    assert first is not None and first.text == "＝461人次"
    assert first.source == Provenance(file="no_lines.pdf", page=1, line=9)


def test_ruled_tables_and_unreadable_text_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    # The text of page 2 of mixed.pdf is refused and its columns give no table: the
    # ruled table of page 1 is still read, page 2 is reported.
    def refuse(source: object, *, sha256: str | None = None) -> Document:
        raise IngestError("mixed.pdf", "is not a performance target table", page=1, line=1)

    monkeypatch.setattr(pdf.text_blocks, "read", refuse)
    monkeypatch.setattr(pdf, "_aligned_grid", lambda page, name: None)
    doc = read("mixed")
    assert [p.name for p in doc.projects] == [next(iter(PROJECTS))]
    assert [(w.code, w.location.page if w.location else None) for w in doc.warnings] == [
        (pdf.UNUSED_TEXT, 2),
        (pdf.NEEDS_OCR, 3),
    ]


def test_twenty_pages() -> None:
    doc = read("twenty_pages")
    assert len(doc.projects) == 20
    assert [p.source.page for p in doc.projects if p.source] == list(range(1, 21))
    assert doc.indicator_count == 80


# -- errors: never a traceback ---------------------------------------------------------------


def _fails_to_read(raw: bytes, name: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        pdf.read(raw, name, sha256="0" * 64)
    error = info.value
    assert error.file == name and str(error).startswith(name)
    return error


def _fails(raw: bytes, name: str = "upload.pdf") -> IngestError:
    error = _fails_to_read(raw, name)
    assert str(error).startswith(name + "：")
    with pytest.raises(IngestError):
        pdf.grids(raw, name)
    with pytest.raises(IngestError):
        pdf.text(raw, name)
    return error


def test_image_only_pdf_needs_ocr() -> None:
    error = _fails(data("image_only"), "scan.pdf")
    assert "没有文字层" in error.problem and "OCR" in error.problem


def test_encrypted_pdf() -> None:
    error = _fails(data("encrypted"), "secret.pdf")
    assert "已加密" in error.problem and "密码" in error.problem


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "文件是空的"),
        (b"   \n", "文件是空的"),
        (b"hello, world", "不是 PDF 文件"),
        (b"\x00\x01\x02" * 100, "不是 PDF 文件"),
        (b"%PDF-1.7\n%%EOF\n", "已损坏"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "文件不完整"),
    ],
)
def test_garbage(raw: bytes, words: str) -> None:
    assert words in _fails(raw).problem


@pytest.mark.parametrize("fraction", [0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999])
def test_truncated_files_fail_cleanly(fraction: float) -> None:
    raw = data("seed")
    error = _fails(raw[: int(len(raw) * fraction)])
    assert "文件不完整" in error.problem


def _read_or_fail(raw: bytes, name: str) -> Document | IngestError:
    try:
        return pdf.read(raw, name, sha256="0" * 64)
    except IngestError as exc:
        error = exc
    assert error.file == name and str(error).startswith(name)
    return error


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["seed", "long_table", "mixed", "fake_bold"]), st.floats(0, 1))
def test_cut_anywhere_reads_or_fails_cleanly(name: str, fraction: float) -> None:
    raw = data(name)
    got = _read_or_fail(raw[: int(len(raw) * fraction)], "cut.pdf")
    if isinstance(got, Document):  # what was read is never invented
        assert {p.name for p in got.projects} <= {p.name for p in read(name).projects}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["seed", "long_table", "no_lines"]),
    st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), max_size=6),
)
def test_corrupted_bytes_read_or_fail_cleanly(name: str, damage: list[tuple[float, bytes]]) -> None:
    raw = bytearray(data(name))
    for where, junk in damage:
        k = int(where * (len(raw) - 1))
        raw[k : k + len(junk)] = junk
    _read_or_fail(bytes(raw), "damaged.pdf")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_after_a_pdf_header_fail_cleanly(tail: bytes) -> None:
    _read_or_fail(b"%PDF-1.4\n" + tail, "blob.pdf")


def test_damaged_page_is_skipped_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    read_page = pdf._read_page

    def fail_on_page_2(doc: object, index: int) -> object:
        if index == 1:
            raise pdfium.PdfiumError("Failed to load page.")
        return read_page(doc, index)

    monkeypatch.setattr(pdf, "_read_page", fail_on_page_2)
    doc = read("mixed")
    assert [p.name for p in doc.projects] == [next(iter(PROJECTS))]
    assert [(w.code, w.location.page if w.location else None) for w in doc.warnings] == [
        (pdf.DAMAGED_PAGE, 2),
        (pdf.NEEDS_OCR, 3),
    ]
    monkeypatch.setattr(pdf, "_read_page", lambda doc, index: fail_on_page_2(doc, 1))
    assert "没有可读取的页面" in _fails(data("mixed")).problem


def test_truncated_file_that_still_opens_is_reported() -> None:
    # A file cut after a complete, readable update loses nothing but its end marker.
    raw = data("fake_bold")
    cut = raw[: raw.rindex(b"%%EOF")]
    doc = pdf.read(cut, "cut.pdf", sha256="0" * 64)
    assert [w.code for w in doc.warnings] == [pdf.TRUNCATED]
    assert doc.projects[0].name == "人大代表履职培训费"
