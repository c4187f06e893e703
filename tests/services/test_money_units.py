"""Amounts with their unit (issue 22): the 金额单位 a table prints is read and applied,
amounts are kept in 元 (exact decimals) and shown in the unit the table or page names, with
grouping and never in scientific notation; the oversight totals add up the files' figures.

The real files are read where they are (../shared/realdocs-bin); the expected figures were
read off the files by eye (cells named in each test)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.domain.model import Document, Funds, Project
from jixiao.domain.money import format_money, implausible, in_unit, to_yuan
from jixiao.ingest import read_path
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import IMPLAUSIBLE_AMOUNT, read_grids
from jixiao.interchange import dumps, loads
from jixiao.services import SYSTEM, Services, oversight, tables
from tests.real.scoring import shared_dir

BIN = shared_dir() / "realdocs-bin"


def real(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def grid(rows: list[list[str | None]]) -> Grid:
    cells = [
        GridCell(text, r, c, 1, 1, None)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text is not None
    ]
    return Grid(tuple(cells))


def funds_of(rows: list[list[str | None]]) -> tuple[Funds | None, Document]:
    doc = read_grids([grid(rows)], file="t.xlsx", sha256="0", layout="test")
    return doc.projects[0].funds, doc


TABLE = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "甲", "≥5个"]]


def test_money_is_exact_and_shown_grouped_in_its_unit() -> None:
    yuan = to_yuan("3309840.00", "元")
    assert format_money(yuan, "元") == "3,309,840.00"
    assert format_money(yuan, "万元") == "330.984"  # never 3.30984e+06
    assert format_money(to_yuan(393.57, "万元"), "万元") == "393.57"
    assert to_yuan(393.57, "万元") == Decimal("3935700")
    assert in_unit(to_yuan("1.5", "千元"), "元") == Decimal(1500)
    assert implausible(to_yuan("3309840", "万元"), "万元") is not None
    assert implausible(to_yuan("0.9", "元"), "元") is not None
    assert implausible(to_yuan("49560", "元"), "元") is None


def test_the_unit_printed_for_the_table_its_labels_or_its_values() -> None:
    table_unit, _ = funds_of(
        [["金额单位：元"], ["项目名称", "甲"], ["年度资金总额", "3,309,840.00"], *TABLE]
    )
    label_unit, _ = funds_of(
        [["金额单位：元"], ["项目名称", "甲"], ["年度资金总额（万元）", "112"], *TABLE]
    )
    value_unit, _ = funds_of([["项目名称", "甲"], ["年度资金总额", "393.57万元"], *TABLE])
    default, _ = funds_of([["项目名称", "甲"], ["年度资金总额", "120"], *TABLE])
    assert table_unit == Funds(total=Decimal("3309840.00"), unit="元")
    assert label_unit == Funds(total=Decimal(1120000), unit="万元")
    assert value_unit == Funds(total=Decimal(3935700), unit="万元")
    assert default == Funds(total=Decimal(1200000), unit="万元")
    assert table_unit is not None and table_unit.shown("total") == "3,309,840.00"


def test_an_amount_implausible_for_its_unit_is_reported() -> None:
    _, doc = funds_of([["金额单位：元"], ["项目名称", "甲"], ["年度资金总额", "0.9"], *TABLE])
    (warning,) = [w for w in doc.warnings if w.code == IMPLAUSIBLE_AMOUNT]
    assert "年度资金总额" in warning.message and "万元" in warning.message
    _, fine = funds_of([["金额单位：元"], ["项目名称", "甲"], ["年度资金总额", "49,560"], *TABLE])
    assert not [w for w in fine.warnings if w.code == IMPLAUSIBLE_AMOUNT]


def test_old_documents_read_their_amounts_as_wan_and_new_ones_keep_the_unit() -> None:
    written = json.loads(dumps(Document(2024, projects=(Project("甲"),))))
    written["projects"][0]["funds"] = {"total": 120.5}  # as written before units
    (p,) = loads(json.dumps(written)).projects
    assert p.funds == Funds(total=Decimal(1205000), unit="万元")
    doc = Document(
        2024, projects=(Project("乙", funds=Funds(total=Decimal("49560.00"), unit="元")),)
    )
    again = loads(dumps(doc)).projects[0].funds
    assert again == Funds(total=Decimal("49560.00"), unit="元")


def test_a_table_in_yuan_stays_in_yuan() -> None:
    """15 (金额单位：元 at K2; the first project's 预算数 49,560.00 at D4)."""
    doc = read_path(real("15_nanjiang-shuili-2025-budget-targets.xlsx"))
    funds = next(p.funds for p in doc.projects if p.funds is not None)
    assert funds.unit == "元"
    assert funds.total == Decimal("49560.00")
    assert funds.shown("total") == "49,560.00"


def test_real_funds_in_wan() -> None:
    """04 (G10 of each project sheet: 年度资金总额：393.57万元 …); 10 (年度预算数（万元）, 40)."""
    doc = read_path(real("04_nanjiang-jizhou-2025-project-targets.xlsx"))
    by_name = {p.name: p.funds for p in doc.projects}
    first = by_name["基层组织活动和公共服务运行经费"]
    assert first is not None and first.total == Decimal(3935700) and first.unit == "万元"
    assert first.shown("total") == "393.57"
    selfeval = read_path(real("10_pingchang-dangxiao-2023-project-selfeval.xlsx"))
    (p,) = selfeval.projects
    assert p.funds is not None and p.funds.fiscal == Decimal(400000)


def test_oversight_total_matches_the_file(svc: Services) -> None:
    """04's eight project sheets print 年度资金总额 393.57, 3.55, 8.78, 10.00, 2.10, 10.69,
    92.61 and 1.14 万元 (G10 of 部门项目支出绩效目标表1–8, read by eye): 522.44 万元."""
    doc = read_path(real("04_nanjiang-jizhou-2025-project-targets.xlsx"))
    funded = [p for p in doc.projects if p.funds is not None and p.funds.total is not None]
    assert len(funded) == 8
    result = tables.import_document(
        svc.uow(), SYSTEM, Document(2025, projects=tuple(funded)), approved="公开文件"
    )
    assert len(result.table_ids) == 8
    view = oversight.overview(svc.uow(), oversight.Filter(year=2025))
    assert view.totals.funds == pytest.approx(522.44, abs=1e-6)
    detail = tables.get_table(svc.uow(), result.table_ids[0])
    assert detail.funds is not None and detail.funds.unit == "万元"
    assert detail.funds.total == Decimal(3935700)
