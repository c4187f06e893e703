"""The import corpus (tests/corpus) is complete, consistent and reproducible.

Reader accuracy is not asserted here: bench/import_bench.py measures it.  These tests only
check that the corpus is what its generator says it is, so the benchmark measures readers
against correct data.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import openpyxl
import pdfplumber
import pytest

from jixiao.domain.model import Document
from jixiao.domain.taxonomy import TAXONOMY_2015, taxonomy_for_year
from jixiao.domain.values import Kind, TargetValue, parse_value
from jixiao.interchange import loads

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
TEMPLATES = [t["name"] for t in MANIFEST["templates"]]
ENTRIES = {t["name"]: t for t in MANIFEST["templates"]}
FORMATS = list(MANIFEST["formats"])
PROJECT_TEMPLATES = [t["name"] for t in MANIFEST["templates"] if t["projects"]]
PAGE_BREAK_TEMPLATES = [t["name"] for t in MANIFEST["templates"] if t["crosses_page"]]


def _generator() -> ModuleType:
    name = "jixiao_corpus_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, CORPUS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _expected(template: str) -> Document:
    path = CORPUS / ENTRIES[template]["expected"]
    return loads(path.read_bytes(), where=str(path))


def _values(doc: Document) -> Iterator[TargetValue]:
    for project in doc.projects:
        for ind in project.indicators:
            yield from (v for _, v in ind.values())
    for table in doc.overall_targets:
        yield from (g.target for g in table.goals if g.target is not None)


def _names(doc: Document) -> list[str]:
    """Texts that identify rows: level-3 names, or work items of overall tables."""
    names = [i.name for p in doc.projects for i in p.indicators]
    return names + [g.work for o in doc.overall_targets for g in o.goals]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- completeness -------------------------------------------------------------------------


def test_manifest_covers_the_layouts_of_the_issue() -> None:
    assert len(PROJECT_TEMPLATES) >= 5
    assert any(t["goals"] for t in MANIFEST["templates"]), "an overall (部门整体) table"
    assert set(FORMATS) >= {"xlsx", "pdf", "html", "pdf-layout", "pdf-raw", "pipe", "cell-lines"}
    assert PAGE_BREAK_TEMPLATES, "at least one table runs over a PDF page break"
    assert len(set(TEMPLATES)) == len(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_template_has_every_format(template: str, fmt: str) -> None:
    path = CORPUS / ENTRIES[template]["files"][fmt]
    assert path.is_file(), f"{path} missing: run tests/corpus/generate.py"
    assert path.stat().st_size > 200


def test_no_stray_files() -> None:
    listed = {CORPUS / "manifest.json", CORPUS / "generate.py", CORPUS / "README.md"}
    for entry in MANIFEST["templates"]:
        listed.add(CORPUS / entry["expected"])
        listed.update(CORPUS / f for f in entry["files"].values())
    present = {p for p in CORPUS.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert present - listed == set()


def test_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 3_500_000, f"corpus is {total / 1e6:.1f} MB"


# -- expected documents -------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_expected_json_loads_and_matches_the_manifest(template: str) -> None:
    doc = _expected(template)
    entry = ENTRIES[template]
    assert doc.fiscal_year == entry["fiscal_year"]
    assert len(doc.projects) == entry["projects"]
    assert doc.indicator_count == entry["indicators"]
    assert doc.goal_count == entry["goals"]
    assert doc.warnings == ()
    if entry["projects"]:
        assert 3 <= len(doc.projects) <= 8
        assert all(len(p.indicators) >= 5 for p in doc.projects)
    else:
        assert doc.goal_count >= 10


@pytest.mark.parametrize("template", TEMPLATES)
def test_expected_values_are_what_the_grammar_reads(template: str) -> None:
    for value in _values(_expected(template)):
        assert parse_value(value.text) == value, value.text


@pytest.mark.parametrize("template", PROJECT_TEMPLATES)
def test_expected_levels_are_taxonomy_names_and_labels_resolve(template: str) -> None:
    doc = _expected(template)
    for project in doc.projects:
        taxonomy = taxonomy_for_year(project.fiscal_year)
        for ind in project.indicators:
            # 成本指标 printed as a level 2 under 产出指标 is read through the 2015 version.
            fits = taxonomy.belongs(ind.level1, ind.level2) or (
                ind.level1 == "产出指标" and TAXONOMY_2015.belongs(ind.level1, ind.level2)
            )
            assert fits, (ind.level1, ind.level2)
            assert ind.level1_label and ind.level2_label
            assert taxonomy.resolve_level1(ind.level1_label) == ind.level1
            level2 = taxonomy.resolve_level2(ind.level2_label) or TAXONOMY_2015.resolve_level2(
                ind.level2_label
            )
            assert level2 is not None and level2.name == ind.level2
            assert "\n" not in ind.name and ind.name == ind.name.strip()


def test_corpus_has_the_variety_the_issue_asks_for() -> None:
    docs = [_expected(t) for t in TEMPLATES]
    indicators = [i for d in docs for p in d.projects for i in p.indicators]
    values = [v for d in docs for v in _values(d)]
    assert any(i.level1 == "成本指标" for i in indicators), "2021 成本指标 rows"
    assert any(i.level1 == "产出指标" and i.level2 == "成本指标" for i in indicators)
    assert any(i.level1_label == "满意度" for i in indicators)
    assert any(i.level2_label == "服务对象满意度" for i in indicators)
    assert any(i.level2_label == "环境效益" for i in indicators)
    assert any(i.half_year is not None for i in indicators)
    assert any(i.long_term is not None for i in indicators)
    assert {v.kind for v in values} == set(Kind)
    # Empty cells: a period column with a value in most rows but not in all.
    assert any(
        any(i.half_year is None for i in p.indicators)
        and any(i.half_year is not None for i in p.indicators)
        for d in docs
        for p in d.projects
    )
    assert any(
        any(i.long_term is None for i in p.indicators)
        and any(i.long_term is not None for i in p.indicators)
        for d in docs
        for p in d.projects
    )


# -- the files ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_xlsx_has_merged_cells_in_the_official_places(template: str) -> None:
    wb = openpyxl.load_workbook(CORPUS / ENTRIES[template]["files"]["xlsx"])
    assert wb.sheetnames == ENTRIES[template]["sheets"]
    for ws in wb.worksheets:
        ranges = list(ws.merged_cells.ranges)
        title = [r for r in ranges if r.min_row == 1 and r.max_col - r.min_col >= 3]
        vertical = [r for r in ranges if r.min_col == r.max_col and r.max_row > r.min_row]
        assert title, f"{ws.title}: a title merged across"
        assert vertical, f"{ws.title}: cells merged vertically (level 1/level 2, 序号/职能)"
        # the first vertical merge of a project table is a level-1 (or 绩效指标/序号) cell
        texts = {str(ws.cell(r.min_row, r.min_col).value) for r in vertical}
        assert texts & {"产出指标", "产出", "绩效指标", "1"}, texts


@pytest.mark.parametrize("template", TEMPLATES)
def test_pdf_has_a_text_layer_with_the_table(template: str) -> None:
    doc = _expected(template)
    with pdfplumber.open(CORPUS / ENTRIES[template]["files"]["pdf"]) as pdf:
        assert len(pdf.pages) >= 2
        texts = []
        for page in pdf.pages:
            assert len(page.chars) > 50, f"page {page.page_number} has no text layer"
            texts.append(_flat(page.extract_text() or ""))
    text = "".join(texts)
    names = _names(doc)
    found = [n for n in names if _flat(n)[:5] in text]
    assert len(found) >= 0.9 * len(names), set(names) - set(found)


@pytest.mark.parametrize("template", PAGE_BREAK_TEMPLATES)
def test_pdf_table_continues_on_the_next_page(template: str) -> None:
    """Some page after the first begins (before any table title) with rows of a table
    started on the page before."""
    names = [_flat(n)[:5] for n in _names(_expected(template))]
    with pdfplumber.open(CORPUS / ENTRIES[template]["files"]["pdf"]) as pdf:
        heads = []
        for page in pdf.pages[1:]:
            text = _flat(page.extract_text() or "")
            heads.append(re.split(r"绩效目标(?:申报)?表|绩效自评表", text)[0])
    assert any(any(n in head for n in names) for head in heads)


@pytest.mark.parametrize("template", TEMPLATES)
def test_html_has_the_tables_with_spans(template: str) -> None:
    html = (CORPUS / ENTRIES[template]["files"]["html"]).read_text(encoding="utf-8")
    assert html.count("<table") >= len(ENTRIES[template]["sheets"])
    assert "rowspan=" in html and "colspan=" in html


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("fmt", ["pdf-layout", "pdf-raw", "pdf-stream"])
def test_pdftotext_dumps_hold_every_page(template: str, fmt: str) -> None:
    text = (CORPUS / ENTRIES[template]["files"][fmt]).read_text(encoding="utf-8")
    with pdfplumber.open(CORPUS / ENTRIES[template]["files"]["pdf"]) as pdf:
        pages = len(pdf.pages)
    assert text.count("\f") == pages  # pdftotext ends every page with a form feed
    assert "指标" in text or "目标" in text


@pytest.mark.parametrize("template", TEMPLATES)
def test_pipe_and_cell_dumps_have_their_shape(template: str) -> None:
    pipe = (CORPUS / ENTRIES[template]["files"]["pipe"]).read_text(encoding="utf-8")
    rows = [line for line in pipe.splitlines() if line.startswith("| ")]
    assert len(rows) > 10
    widths = {line.count(" | ") for line in rows if line.endswith(" |")}
    assert len(widths) > 2, "merged cells dropped, so rows have different lengths"
    cells = (CORPUS / ENTRIES[template]["files"]["cell-lines"]).read_text(encoding="utf-8")
    assert "|" not in cells
    lines = [line for line in cells.splitlines() if line]
    assert len(lines) > 3 * len(rows) / 2


# -- reproducibility ----------------------------------------------------------------------


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """Re-generating without LibreOffice gives the committed expected JSON, dumps, manifest
    and workbook contents (LibreOffice and pdftotext outputs are not compared)."""
    gen = _generator()
    manifest = gen.generate(tmp_path, convert_files=False)
    assert manifest == MANIFEST
    for entry in MANIFEST["templates"]:
        for rel in (entry["expected"], entry["files"]["pipe"], entry["files"]["cell-lines"]):
            assert (tmp_path / rel).read_bytes() == (CORPUS / rel).read_bytes(), rel
        fresh = openpyxl.load_workbook(tmp_path / entry["files"]["xlsx"])
        committed = openpyxl.load_workbook(CORPUS / entry["files"]["xlsx"])
        assert fresh.sheetnames == committed.sheetnames
        for a, b in zip(fresh.worksheets, committed.worksheets, strict=True):
            assert sorted(map(str, a.merged_cells.ranges)) == sorted(
                map(str, b.merged_cells.ranges)
            )
            assert [[c.value for c in row] for row in a.iter_rows()] == [
                [c.value for c in row] for row in b.iter_rows()
            ]


def test_generator_builds_the_same_documents_twice() -> None:
    gen = _generator()
    first = [t.build(gen.SEED * 1000 + i).doc for i, t in enumerate(gen.TEMPLATES)]
    second = [t.build(gen.SEED * 1000 + i).doc for i, t in enumerate(gen.TEMPLATES)]
    assert first == second
    assert first == [_expected(t) for t in TEMPLATES]
