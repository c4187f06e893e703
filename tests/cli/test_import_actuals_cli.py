"""Published self-evaluation tables (自评表) through `jixiao import` and `jixiao evaluate`:
targets, approval and actuals stored together, or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from jixiao.ingest import read_path
from jixiao.services import Services, actuals, tables
from jixiao.store.models import ActualItemRow, ActualReportRow
from tests.cli.test_cli import jixiao

CORPUS = Path(__file__).parents[1] / "corpus" / "hb-self-eval"
PDF = CORPUS / "hb-self-eval.pdf"
XLSX = CORPUS / "hb-self-eval.xlsx"


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'j.db'}"


def _stored_items(url: str) -> list[ActualItemRow]:
    svc = Services.connect(url)
    try:
        with svc.uow() as uow:
            items = list(uow.session.execute(select(ActualItemRow)).scalars())
            uow.session.expunge_all()
            return items
    finally:
        svc.dispose()


def test_a_published_self_evaluation_imports_targets_approval_and_actuals(
    tmp_path: Path,
) -> None:
    url = _url(tmp_path)
    result = jixiao("import", "--approved", str(PDF), "--db", url)
    assert result.returncode == 0, result.stderr
    assert "3 张表的完成情况" in result.stdout.replace("\n", "")
    expected = read_path(PDF)
    (report,) = expected.actuals
    svc = Services.connect(url)
    try:
        rows, total = tables.list_tables(svc.uow(), tables.TableFilter())
        assert total == 3 and {r.status.value for r in rows} == {"approved"}
        units = {p.unit for p in expected.projects if p.unit}
        stored = {
            p.name: p
            for unit in units
            for p in actuals.evaluate_unit(svc.uow(), unit, 2023).projects
        }
    finally:
        svc.dispose()
    # Every project's report is stored as read, funds and items alike.
    for project in report.projects:
        kept = stored[project.project].actuals
        assert kept is not None
        assert (kept.budget_initial, kept.budget, kept.executed) == (
            project.budget_initial,
            project.budget,
            project.executed,
        )
        assert kept.indicators == project.indicators
    # The published 分值 and 得分 are kept beside jixiao's own score.
    items = _stored_items(url)
    assert len(items) == sum(len(p.indicators) for p in report.projects)
    assert all(i.weight is not None and i.reported_score is not None for i in items)
    # The stored actuals score as `jixiao evaluate` scores the file itself.
    scored = jixiao("evaluate", str(PDF), "--json")
    assert scored.returncode == 0, scored.stderr
    totals = {p["name"]: p["total"] for p in json.loads(scored.stdout)["projects"]}
    assert {n: e.score.total for n, e in stored.items() if e.score} == totals


def test_without_approval_the_actuals_are_not_saved_and_the_user_is_told(tmp_path: Path) -> None:
    url = _url(tmp_path)
    result = jixiao("import", str(XLSX), "--db", url)
    assert result.returncode == 0, result.stderr
    assert "3 张表的完成情况未保存" in result.stderr.replace("\n", "")
    assert "--approved" in result.stderr
    svc = Services.connect(url)
    try:
        with svc.uow() as uow:
            assert uow.session.execute(select(ActualReportRow)).first() is None
        _, total = tables.list_tables(svc.uow(), tables.TableFilter())
        assert total == 3
    finally:
        svc.dispose()


@pytest.fixture
def bad_self_evaluation(tmp_path: Path) -> Path:
    """The corpus workbook with one 实际完成值 a quantitative target cannot take."""
    wb = openpyxl.load_workbook(XLSX)
    ws = wb.worksheets[0]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "5000人次")
    cell.value = "很多"
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    return path


def test_an_actual_that_does_not_fit_refuses_the_whole_document(
    tmp_path: Path, bad_self_evaluation: Path
) -> None:
    url = _url(tmp_path)
    result = jixiao("import", "--approved", str(bad_self_evaluation), "--db", url)
    assert result.returncode == 1
    refusal = result.stderr.replace("\n", "")
    assert str(bad_self_evaluation) in refusal and "开展职业技能培训人次" in refusal
    svc = Services.connect(url)
    try:
        _, total = tables.list_tables(svc.uow(), tables.TableFilter())
        assert total == 0  # nothing half-written: no tables, no approval, no actuals
    finally:
        svc.dispose()
    # The targets alone can still be had.
    again = jixiao("import", "--approved", "--no-actuals", str(bad_self_evaluation), "--db", url)
    assert again.returncode == 0, again.stderr
    assert _stored_items(url) == []


def test_evaluate_without_actuals_needs_a_file_that_holds_them() -> None:
    seed_like = CORPUS.parent / "js-half-full" / "js-half-full.xlsx"
    result = jixiao("evaluate", str(seed_like))
    assert result.returncode == 1
    assert "没有 full_year（年末）的完成情况" in result.stderr.replace("\n", "")
    assert str(seed_like) in result.stderr.replace("\n", "")
