"""The whole table survives a round trip (issue 16, "must show"): a real published table
imported, exported as jixiao's XLSX and PDF of the 项目支出绩效目标表, and read back — goal
text, funds with their unit, weights, directions, natures and the indicator texts are those
imported.

The real table is ../shared/realdocs-bin/01 (a 2025 list of projects printing 预算数,
年度目标, 指标性质, 权重 and 指标方向性; its first six projects), read where it is; a hand-made project adds the texts it
does not print (取值依据, 指标解释, 评分标准, 备注) and a table in 元."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.domain.model import Funds, Indicator, Nature, Project
from jixiao.domain.values import Direction, parse_value
from jixiao.export.pdf import workbook_pdf
from jixiao.export.targets import targets_workbook
from jixiao.ingest import read_bytes, read_path
from tests.real.scoring import shared_dir

REAL = shared_dir() / "realdocs-bin" / "01_nanjiang-zrzyj-2025-project-targets.xlsx"


def _fields(p: Project) -> tuple[object, ...]:
    return (
        p.annual_goal,
        p.long_term_goal,
        p.funds,
        tuple(
            (
                i.name,
                i.full_year.text if i.full_year else None,
                i.weight,
                i.direction,
                i.nature,
                i.basis,
                i.explanation,
                i.standard,
                i.remark,
            )
            for i in p.indicators
        ),
    )


def _round_trips(*projects: Project) -> None:
    xlsx = targets_workbook([], projects)
    for data, name in ((xlsx, "table.xlsx"), (workbook_pdf(xlsx), "table.pdf")):
        back = read_bytes(data, name).projects
        assert [_fields(p) for p in back] == [_fields(p) for p in projects], name


def test_a_real_table_survives_xlsx_and_pdf() -> None:
    if not REAL.exists():
        pytest.skip(f"{REAL} is not here")
    projects = read_path(REAL).projects[:6]
    # what the file prints, as imported (A6:L20: 预算数, 年度目标, 指标性质, 权重, 指标方向性)
    indicators = [i for p in projects for i in p.indicators]
    assert all(p.annual_goal and p.funds is not None and p.funds.total for p in projects)
    assert {p.funds.unit for p in projects if p.funds} == {"万元"}  # 金额：万元 (L3)
    assert all(i.weight is not None for i in indicators)
    assert {i.direction for i in indicators} >= {Direction.POSITIVE}
    assert {i.nature for i in indicators} >= {Nature.QUANTITATIVE, Nature.QUALITATIVE}
    _round_trips(*projects)


def test_texts_and_amounts_in_yuan_survive_xlsx_and_pdf() -> None:
    project = Project(
        "代表履职培训",
        unit="某单位",
        fiscal_year=2024,
        funds=Funds(
            total=Decimal("3309840.00"),
            fiscal=Decimal("3000000.00"),
            carryover=Decimal("309840.00"),
            unit="元",
        ),
        annual_goal="完成全年代表培训任务。",
        long_term_goal="三年内代表培训全覆盖。",
        indicators=(
            Indicator(
                "产出指标",
                "数量指标",
                "培训人次",
                full_year=parse_value("≥400人次"),
                weight=30,
                direction=Direction.POSITIVE,
                nature=Nature.QUANTITATIVE,
                basis="历年培训人次",
                explanation="全年参加培训的人次",
                standard="完成得满分，未完成按比例扣分",
                remark="含线上培训",
            ),
            Indicator(
                "成本指标",
                "经济成本指标",
                "人均培训成本",
                full_year=parse_value("≤500元"),
                weight=20,
                direction=Direction.NEGATIVE,
                nature=Nature.QUANTITATIVE,
            ),
        ),
    )
    _round_trips(project)
