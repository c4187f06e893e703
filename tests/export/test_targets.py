"""Target tables exported as XLSX and PDF in the official layout, and read back by jixiao's
own readers to the same tables: the seed, every corpus layout, and a table long enough to
run over pages."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from jixiao.domain.model import Document, Indicator
from jixiao.domain.values import parse_value
from jixiao.export._font import FontMissing, cjk_fonts
from jixiao.export.pdf import workbook_pdf
from jixiao.export.targets import targets_workbook
from jixiao.ingest import read_bytes
from jixiao.interchange import loads

CORPUS = Path(__file__).parents[1] / "corpus"
TEMPLATES = sorted(p.name for p in CORPUS.iterdir() if (p / f"{p.name}.expected.json").exists())


def _targets(doc: Document) -> tuple[object, object]:
    return doc.overall_targets, doc.projects


def _expected(name: str) -> Document:
    return loads((CORPUS / name / f"{name}.expected.json").read_bytes())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (poppler-utils) is needed: scripts/test installs it")
    return path


def test_seed_round_trips_through_xlsx_and_pdf(seed: Document) -> None:
    workbook = targets_workbook(seed.overall_targets, seed.projects)
    back = read_bytes(workbook, "seed.xlsx")
    assert _targets(back) == _targets(seed)
    assert back.warnings == ()
    pdf = workbook_pdf(workbook)
    again = read_bytes(pdf, "seed.pdf")
    assert _targets(again) == _targets(seed)
    assert again.warnings == ()


@pytest.mark.parametrize("name", TEMPLATES)
def test_corpus_layouts_round_trip(name: str) -> None:
    """Half-year and full-year, long-term, qualitative and 部门整体 tables alike."""
    expected = _expected(name)
    workbook = targets_workbook(expected.overall_targets, expected.projects)
    assert _targets(read_bytes(workbook, f"{name}.xlsx")) == _targets(expected)
    assert _targets(read_bytes(workbook_pdf(workbook), f"{name}.pdf")) == _targets(expected)


def test_workbook_has_the_official_layout(seed: Document) -> None:
    wb = openpyxl.load_workbook(
        __import__("io").BytesIO(targets_workbook(seed.overall_targets, seed.projects))
    )
    assert wb.sheetnames[0].endswith("部门整体")
    project = wb[seed.projects[0].name]
    assert project["A1"].value == "项目支出绩效目标表"
    assert project["A2"].value == "（2023年度）"
    header = next(r for r in range(1, 12) if project.cell(r, 1).value == "一级指标")
    assert [project.cell(header, c).value for c in range(1, 6)] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "半年指标值",
        "全年指标值",
    ]
    assert project.print_title_rows in (f"{header}:{header}", f"${header}:${header}")
    assert project.page_setup.orientation == "landscape"
    merged = {str(r) for r in project.merged_cells.ranges}
    assert f"A{header + 1}:A{header + 3}" in merged  # 产出指标 over its three rows


def test_long_table_runs_over_pages_with_the_header_repeated(
    seed: Document, tmp_path: Path
) -> None:
    rows = tuple(
        Indicator(
            "产出指标",
            "数量指标",
            f"第{i}项培训任务完成数量" + "（含线上线下多种形式）" * (i % 3),
            parse_value("≥10个"),
            parse_value(f"≥{20 + i}个"),
            level1_label="产出指标",
            level2_label="数量指标",
        )
        for i in range(70)
    )
    project = replace(seed.projects[0], indicators=rows)
    pdf = workbook_pdf(targets_workbook((), (project,)))
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    back = read_bytes(pdf, "long.pdf")
    assert back.projects[0].indicators == rows  # one merged 产出指标 over four pages
    pages = subprocess.run(
        [_tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    for page in pages[1:]:
        if page.strip():
            first = next(line for line in page.splitlines() if line.strip())
            assert "一级指标" in first and "全年指标值" in first
            assert "第" in page and "页，共" in page


def test_pdf_renders_and_its_text_is_the_data(seed: Document, tmp_path: Path) -> None:
    """Rendered by poppler (pdftoppm) to PNG, with ink where the title is; the text
    poppler extracts (pdftotext) holds every value and every name short enough for one
    line (wrapped cells interleave with their neighbours' lines there: the round trip
    through jixiao's reader checks those whole); every character is in the embedded font
    (no tofu)."""
    pdf = workbook_pdf(targets_workbook(seed.overall_targets, seed.projects[:2]))
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            _tool("pdftoppm"),
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    width, height = image.size
    title = image.crop((width // 5, 0, 4 * width // 5, height // 10))
    assert title.getextrema()[0] < 100  # dark strokes of the title's characters
    text = subprocess.run(
        [_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())
    words = [g.target.text for o in seed.overall_targets for g in o.goals if g.target]
    for p in seed.projects[:2]:
        words.append(p.name)
        for i in p.indicators:
            words.append(i.name)
            words.extend(v.text for _, v in i.values())
    one_line = [w for w in words if len(w) <= 12]
    assert len(one_line) > 20
    for word in one_line:
        assert "".join(word.split()) in flat, word
    words += [g.goal for o in seed.overall_targets for g in o.goals]
    cmap = TTFont(str(cjk_fonts()[0]), lazy=True).getBestCmap()
    missing = {ch for word in words for ch in word if not ch.isspace() and ord(ch) not in cmap}
    assert not missing


def test_a_missing_font_is_a_clear_error(
    seed: Document, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JIXIAO_FONT_DIR", str(tmp_path))
    with pytest.raises(FontMissing) as missing:
        workbook_pdf(targets_workbook((), seed.projects[:1]))
    assert "NotoSansSC_400Regular.ttf" in str(missing.value) and str(tmp_path) in str(missing.value)


def test_a_font_subset_for_many_files_prints_every_layout_word(
    seed: Document, tmp_path: Path
) -> None:
    """A year's archive cuts the fonts down once to the year's characters and the words
    the layouts add; what it prints still reads back whole (a missing glyph would not)."""
    from jixiao.export._font import subset_fonts
    from jixiao.export.pdf import FOOTER_TEXT
    from jixiao.export.targets import LAYOUT_TEXT
    from jixiao.interchange import dumps

    fonts = subset_fonts(dumps(seed) + LAYOUT_TEXT + FOOTER_TEXT, tmp_path)
    assert all(f.stat().st_size < cjk_fonts()[0].stat().st_size / 5 for f in fonts)
    pdf = workbook_pdf(targets_workbook(seed.overall_targets, seed.projects), fonts=fonts)
    back = read_bytes(pdf, "subset.pdf")
    assert _targets(back) == _targets(seed)
    cmap = TTFont(str(fonts[0])).getBestCmap()
    layout_words = LAYOUT_TEXT + FOOTER_TEXT + "2023"
    assert not {ch for ch in layout_words if ord(ch) not in cmap}
