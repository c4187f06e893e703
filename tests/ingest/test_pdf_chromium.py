"""PDFs from a second producer: the corpus's HTML pages printed to PDF by real Chromium
(Skia draws the ruling lines and embeds subset CJK fonts, unlike LibreOffice), read back
by the PDF reader into the same rows as the corpus's expected documents."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from jixiao.ingest import read_path
from jixiao.interchange import loads
from tests.browser._app import chromium

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "bench"))
from import_bench import actual_keys, keys  # noqa: E402

# 部门整体 (一 in 统一 has a flat glyph box in Chromium's fonts), a self-evaluation with
# actuals, and separate 计算符号/指标值/度量单位 columns.
TEMPLATES = ("js-overall", "hb-self-eval", "gd-op-value-unit")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("chromium-pdf")
    out: dict[str, Path] = {}
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page()
            for name in TEMPLATES:
                page.goto((CORPUS / name / f"{name}.html").as_uri())
                path = folder / f"{name}.pdf"
                page.pdf(path=str(path), format="A4", landscape=True, print_background=True)
                out[name] = path
        finally:
            browser.close()
    return out


@pytest.mark.parametrize("name", TEMPLATES)
def test_chromium_printed_pdf_reads_as_the_corpus_expects(
    printed: dict[str, Path], name: str
) -> None:
    path = printed[name]
    assert path.read_bytes().startswith(b"%PDF")
    doc = read_path(path)
    assert doc.source is not None and doc.source.layout == "pdf"
    expected = loads((CORPUS / name / f"{name}.expected.json").read_bytes())
    found, wanted = keys(doc), keys(expected)
    assert found == wanted, (Counter(wanted - found), Counter(found - wanted))
    assert actual_keys(doc) == actual_keys(expected)
