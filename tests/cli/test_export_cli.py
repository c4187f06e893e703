"""`jixiao export`: the official forms and open data, from the database or from a file,
run as a user runs them, and read back."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest

from jixiao.ingest import read_path
from tests.cli.test_cli import jixiao
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL = EXAMPLES / "seed-actuals-2023-full-year.json"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'j.db'}"
    assert jixiao("import", "--approved", str(SEED), "--db", url).returncode == 0
    assert jixiao("actuals", "import", str(FULL), "--db", url).returncode == 0
    return url


def test_json_import_export_gives_back_the_same_json(tmp_path: Path) -> None:
    first = tmp_path / "seed.json"
    first.write_text(jixiao("parse", str(SEED), "--json").stdout, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert jixiao("import", str(first), "--db", url).returncode == 0
    back = tmp_path / "back.json"
    result = jixiao("export", str(back), "--format", "json", "--db", url)
    assert result.returncode == 0, result.stderr
    assert back.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "html"])
def test_official_forms_read_back_to_the_stored_tables(db: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"seed.{fmt}"
    result = jixiao("export", str(out), "--format", fmt, "--db", db, "--year", "2023")
    assert result.returncode == 0, result.stderr
    assert f"已写入 {out}" in result.stdout.replace("\n", "")
    seed = read_path(SEED)
    back = read_path(out)
    assert (back.overall_targets, back.projects) == (seed.overall_targets, seed.projects)


def test_csv_has_a_row_per_indicator_with_values_split(db: str, tmp_path: Path) -> None:
    out = tmp_path / "seed.csv"
    result = jixiao("export", str(out), "--format", "csv", "--db", db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    seed = read_path(SEED)
    assert len(rows) == seed.indicator_count
    first = rows[0]
    indicator = seed.projects[0].indicators[0]
    assert first["indicator"] == indicator.name and first["level1"] == indicator.level1
    assert indicator.full_year is not None
    assert (first["full_year_text"], first["full_year_op"], first["full_year_unit"]) == (
        indicator.full_year.text,
        indicator.full_year.op.value if indicator.full_year.op else "",
        indicator.full_year.unit,
    )
    goals = tmp_path / "seed-goals.csv"
    results = tmp_path / "seed-results.csv"
    assert len(list(csv.DictReader(io.StringIO(goals.read_text(encoding="utf-8-sig"))))) == (
        seed.goal_count
    )
    reported = list(csv.DictReader(io.StringIO(results.read_text(encoding="utf-8-sig"))))
    assert reported and {r["period"] for r in reported} == {"full_year"}
    assert all(r["target"] for r in reported)  # each actual beside its target


def test_datapackage_is_valid(db: str, tmp_path: Path) -> None:
    out = tmp_path / "seed.zip"
    assert jixiao("export", str(out), "--format", "datapackage", "--db", db).returncode == 0
    folder = tmp_path / "package"
    zipfile.ZipFile(out).extractall(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == ["indicators", "goals", "results"]
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_a_years_archive_has_each_unit_and_the_open_data(db: str, tmp_path: Path) -> None:
    out = tmp_path / "2023.zip"
    result = jixiao("export", str(out), "--format", "pdf", "--db", db, "--year", "2023")
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(out).namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len(pdfs) == 1 and "无锡市人民代表大会常务委员会办公室2023年度绩效目标表" in pdfs[0]
    assert {"2023.json", "indicators.csv", "goals.csv", "datapackage.zip"} <= set(names)


def test_from_a_file_filtered_and_the_errors(tmp_path: Path) -> None:
    out = tmp_path / "one.xlsx"
    unit = read_path(SEED).overall_targets[0].unit
    ok = jixiao("export", str(out), "--format", "xlsx", "--input", str(SEED), "--unit", unit)
    assert ok.returncode == 0, ok.stderr
    none = jixiao("export", str(out), "--format", "xlsx", "--input", str(SEED), "--unit", "某局")
    assert none.returncode == 1 and "没有可导出的内容" in none.stderr
    bad = jixiao("export", str(out), "--format", "docx", "--input", str(SEED))
    assert bad.returncode == 1 and "未知格式“docx”" in bad.stderr
    zipped = jixiao("export", str(tmp_path / "a.zip"), "--format", "pdf", "--input", str(SEED))
    assert zipped.returncode == 1 and "--year" in zipped.stderr


def test_evaluate_and_monitor_print_their_forms(tmp_path: Path) -> None:
    """The 自评表 and 监控表 as PDF: the same workbook as --xlsx, printed."""
    half = EXAMPLES / "seed-actuals-2023-half-year.json"
    scored = tmp_path / "self.pdf"
    monitored = tmp_path / "monitor.pdf"
    a = jixiao("evaluate", str(SEED), "--actuals", str(FULL), "--pdf", str(scored))
    b = jixiao("monitor", str(SEED), "--actuals", str(half), "--pdf", str(monitored))
    assert a.returncode == 0, a.stderr
    assert b.returncode in (0, 1) and monitored.exists(), b.stderr  # 1: findings to act on
    import pypdfium2

    for path, title in ((scored, "项目支出绩效自评表"), (monitored, "项目支出绩效运行监控表")):
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            text = "".join(pdf[k].get_textpage().get_text_range() for k in range(len(pdf)))
        finally:
            pdf.close()
        flat = "".join(text.split())
        assert title in flat
        if path == scored:  # every project is scored (the checkpoint reports some)
            assert all("".join(p.name.split()) in flat for p in read_path(SEED).projects)
