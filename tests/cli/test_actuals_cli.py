"""`jixiao import --approved`, `jixiao actuals import|template` and the --xlsx workbooks of
`evaluate` and `monitor`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from jixiao.export.self_evaluation import FIRST_ITEM_ROW, SCORE_COLUMN
from jixiao.services import Services, actuals, tables
from tests.cli.test_cli import jixiao
from tests.conftest import SEED

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FULL = EXAMPLES / "seed-actuals-2023-full-year.json"
HALF = EXAMPLES / "seed-actuals-2023-half-year.json"
UNIT = "无锡市人民代表大会常务委员会办公室"


@pytest.fixture
def approved_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    result = jixiao("import", "--approved", str(SEED), "--db", url)
    assert result.returncode == 0, result.stderr
    return url


def test_import_approved_records_the_published_targets_as_approved(approved_db: str) -> None:
    svc = Services.connect(approved_db)
    try:
        rows, total = tables.list_tables(svc.uow(), tables.TableFilter())
        assert total == 9
        assert {r.status.value for r in rows} == {"approved"}
        detail = tables.get_table(svc.uow(), rows[0].id)
        assert detail.versions == (1,)
        history = tables.history(svc.uow(), rows[0].id)
        assert any(h.action == "record_approved" for h in history)
    finally:
        svc.dispose()


def test_actuals_import_saves_and_evaluate_on_the_database_agrees(
    approved_db: str, tmp_path: Path
) -> None:
    saved = jixiao("actuals", "import", str(FULL), str(HALF), "--db", approved_db)
    assert saved.returncode == 0, saved.stderr
    assert "9 张表的绩效自评（全年）完成情况" in saved.stdout.replace("\n", "")
    # What is stored scores as the command scores the file.
    from_file = json.loads(jixiao("evaluate", str(SEED), "--actuals", str(FULL), "--json").stdout)
    svc = Services.connect(approved_db)
    try:
        stored = actuals.evaluate_unit(svc.uow(), UNIT, 2023)
    finally:
        svc.dispose()
    totals = {p["name"]: p["total"] for p in from_file["projects"]}
    assert {p.name: p.score.total for p in stored.projects if p.score} == totals
    assert stored.overall is not None and stored.overall.score is not None
    assert stored.overall.score.total == from_file["overall"][0]["total"]


def test_actuals_import_refuses_a_bad_file_whole_and_names_it(
    approved_db: str, tmp_path: Path
) -> None:
    data = json.loads(FULL.read_text(encoding="utf-8"))
    data["projects"][0]["actuals"]["人大代表履职培训情况"] = "很多"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = jixiao("actuals", "import", str(bad), "--db", approved_db)
    assert result.returncode == 1
    assert str(bad) in result.stderr
    assert "人大代表履职培训情况" in result.stderr and "不是数值" in result.stderr
    assert "未保存任何数据" in result.stderr
    svc = Services.connect(approved_db)
    try:
        assert actuals.evaluate_unit(svc.uow(), UNIT, 2023).scored == ()
    finally:
        svc.dispose()


def test_template_round_trip_through_the_command_line(approved_db: str, tmp_path: Path) -> None:
    assert jixiao("actuals", "import", str(FULL), "--db", approved_db).returncode == 0
    out = tmp_path / "t.xlsx"
    written = jixiao(
        "actuals", "template", "--unit", UNIT, "--year", "2023", "-o", str(out), "--db", approved_db
    )
    assert written.returncode == 0, written.stderr
    book = openpyxl.load_workbook(out)
    sheet = book["指标完成情况"]
    names = [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)]
    assert f"{UNIT}（部门整体）" in names  # the unit as a whole comes with its work items
    again = jixiao("actuals", "import", str(out), "--db", approved_db)
    assert again.returncode == 0, again.stderr
    assert "9 张表" in again.stdout.replace("\n", "")


def test_evaluate_xlsx_holds_the_same_scores_as_the_json(tmp_path: Path) -> None:
    out = tmp_path / "自评表.xlsx"
    result = jixiao("evaluate", str(SEED), "--actuals", str(FULL), "--json", "--xlsx", str(out))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["汇总", "部门整体"]
    for project in scores["projects"]:
        sheet = next(
            book[name] for name in book.sheetnames if book[name]["B2"].value == project["name"]
        )
        count = len(project["indicators"])
        written = [sheet.cell(FIRST_ITEM_ROW + k, SCORE_COLUMN).value for k in range(count)]
        assert written == [i["score"] for i in project["indicators"]]
        assert sheet.cell(FIRST_ITEM_ROW + count, SCORE_COLUMN).value == project["total"]
        assert sheet.cell(FIRST_ITEM_ROW + count + 1, SCORE_COLUMN).value == project["grade"]
    whole = book["部门整体"]
    count = len(scores["overall"][0]["indicators"])
    assert whole.cell(FIRST_ITEM_ROW + count, SCORE_COLUMN).value == scores["overall"][0]["total"]


def test_monitor_xlsx_is_written_even_when_there_are_findings(tmp_path: Path) -> None:
    out = tmp_path / "监控表.xlsx"
    result = jixiao("monitor", str(SEED), "--actuals", str(HALF), "--xlsx", str(out))
    assert result.returncode == 1  # findings
    book = openpyxl.load_workbook(out)
    data = json.loads(HALF.read_text(encoding="utf-8"))
    assert book.sheetnames[0] == "汇总"
    assert len(book.sheetnames) == 1 + len(data["projects"])


def test_a_bad_scoring_configuration_is_named(tmp_path: Path) -> None:
    config = tmp_path / "jixiao.toml"
    config.write_text("[scoring]\nbudget_points = 120\n", encoding="utf-8")
    result = jixiao("evaluate", str(SEED), "--actuals", str(FULL), "--config", str(config))
    assert result.returncode == 1
    assert "budget_points" in result.stderr


def _jx310(result_stdout: str) -> list[tuple[str, str]]:
    data = json.loads(result_stdout)
    return [(f["project"], f["indicator"]) for f in data["findings"] if f["code"] == "JX310"]


def _expected_jx310(actuals_file: Path) -> list[tuple[str, str]]:
    """Positive targets (≥ > ＝) below last year's actual, worked out from the two files."""
    from jixiao.domain.values import Kind, Op, parse_value
    from jixiao.ingest import read_path

    last = {p["name"]: p["actuals"] for p in json.loads(actuals_file.read_text())["projects"]}
    expected = []
    for project in read_path(SEED).projects:
        for indicator in project.indicators:
            text = last.get(project.name, {}).get(indicator.name)
            target = indicator.full_year
            if text is None or target is None or target.kind is not Kind.QUANTITATIVE:
                continue
            actual = parse_value(text)
            if (
                target.op in (Op.GE, Op.GT, Op.EQ)
                and actual.value is not None
                and actual.unit in ("", target.unit)
                and actual.value > (target.value or 0)
            ):
                expected.append((project.name, indicator.name))
    return expected


def test_review_uses_last_years_actuals_from_a_file(tmp_path: Path) -> None:
    without = jixiao("review", str(SEED), "--json")
    assert _jx310(without.stdout) == []
    result = jixiao("review", str(SEED), "--previous", str(FULL), "--json")
    found = _jx310(result.stdout)
    assert found == _expected_jx310(FULL)
    assert ("人大代表履职培训费", "人大代表履职培训情况") in found  # 470人次 > ＝461人次
    half = jixiao("review", str(SEED), "--previous", str(HALF))
    assert half.returncode == 1 and "expected full_year" in half.stderr


def test_review_of_a_database_uses_the_stored_actuals_of_the_year_before(
    approved_db: str, tmp_path: Path
) -> None:
    assert jixiao("actuals", "import", str(FULL), "--db", approved_db).returncode == 0
    document = json.loads(jixiao("parse", str(SEED), "--json").stdout)
    document["fiscal_year"] = 2024
    del document["source"]  # a new document, not the seed's file again
    for table in [*document["projects"], *document["overall_targets"]]:
        table["fiscal_year"] = 2024
    next_year = tmp_path / "2024.json"
    next_year.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert jixiao("import", str(next_year), "--db", approved_db).returncode == 0
    reviewed = jixiao("review", approved_db, "--year", "2024", "--json")
    assert _jx310(reviewed.stdout) == _expected_jx310(FULL)
    this_year = jixiao("review", approved_db, "--year", "2023", "--json")
    assert _jx310(this_year.stdout) == []
