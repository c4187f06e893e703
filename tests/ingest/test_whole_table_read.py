"""The whole table kept: what a table prints beside the indicators — the project's goal
texts, each indicator's 权重, 指标方向, 指标性质, 取值依据, 指标解释, 评(扣)分标准 and
备注 — is read into the model instead of being reported as unused text.

Hand-built grids for each layout, then the real files of ../shared/realdocs-bin (read where
they are) for what they print."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from jixiao.domain.model import Document, Nature, parse_direction, parse_nature
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Direction
from jixiao.ingest import read_path
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import read_grids
from tests.real.scoring import shared_dir

FILE = "table.xlsx"
UNUSED = "ingest.unused-text"


def grid(
    rows: Sequence[Sequence[str | None]],
    *,
    spans: dict[tuple[int, int], tuple[int, int]] | None = None,
    ragged: bool = False,
) -> Grid:
    spans = spans or {}
    cells = [
        GridCell(text, r, c, *spans.get((r, c), (1, 1)), Provenance(file=FILE, line=r + 1))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
        if text is not None
    ]
    return Grid(tuple(cells), ragged=ragged)


def read(g: Grid) -> Document:
    return read_grids([g], file=FILE, sha256="0" * 64, layout="test")


def unused(doc: Document) -> list[str]:
    return [w.message for w in doc.warnings if w.code == UNUSED]


def test_words_of_nature_and_direction() -> None:
    assert parse_nature("定量") is Nature.QUANTITATIVE
    assert parse_nature("定性指标") is Nature.QUALITATIVE
    assert parse_nature("≥") is Nature.QUANTITATIVE  # an operator printed in 指标性质
    assert parse_nature("好") is None
    assert parse_direction("正向指标") is Direction.POSITIVE
    assert parse_direction("反向") is Direction.NEGATIVE
    assert parse_direction("越小越好") is Direction.NEGATIVE
    assert parse_direction("中性") is Direction.EXACT
    assert parse_direction("正向反映群众满意程度的一段说明") is None


def test_indicator_columns_are_kept() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目", None, None, None, None, None, None, None, None, None],
                ["年度目标", "完成年度培训任务。", None, None, None, None, None, None, None, None],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "指标性质",
                    "指标值",
                    "权重",
                    "指标方向",
                    "指标值确定依据",
                    "指标解释",
                    "评（扣）分标准",
                    "备注",
                ],
                [
                    "产出指标",
                    "数量指标",
                    "培训人数",
                    "定量",
                    "≥300人",
                    "20",
                    "正向",
                    "上年完成数",
                    "参训人数",
                    "每少10人扣1分",
                    "含线上",
                ],
                [
                    "成本指标",
                    "经济成本指标",
                    "人均成本",
                    "定量",
                    "≤500元",
                    "10%",
                    "反向",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "效益指标",
                    "社会效益指标",
                    "技能提升",
                    "定性",
                    "明显",
                    "30分",
                    "/",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        )
    )
    assert unused(doc) == []
    (p,) = doc.projects
    assert p.annual_goal == "完成年度培训任务。"
    first, second, third = p.indicators
    assert (first.weight, first.direction, first.nature) == (
        20,
        Direction.POSITIVE,
        Nature.QUANTITATIVE,
    )
    assert (first.basis, first.explanation, first.standard, first.remark) == (
        "上年完成数",
        "参训人数",
        "每少10人扣1分",
        "含线上",
    )
    assert (second.weight, second.direction) == (10, Direction.NEGATIVE)
    assert (third.weight, third.direction, third.nature) == (30, None, Nature.QUALITATIVE)
    assert third.basis == third.remark == ""


def test_goal_texts_under_their_labels_aligned_and_ragged() -> None:
    aligned = read(
        grid(
            [
                ["项目名称", "甲项目", None],
                ["总体目标", "中长期目标（2024年-2026年）", "年度目标"],
                [None, "三年建成全部站点。", "建成10个站点。"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "站点数", "＝10个"],
            ],
            spans={(1, 0): (2, 1)},
        )
    )
    ragged = read(
        grid(
            [
                ["项目名称", "甲项目"],
                ["总体目标", "中长期目标", "年度目标"],
                ["三年建成全部站点。", "建成10个站点。"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "站点数", "＝10个"],
            ],
            ragged=True,
        )
    )
    for doc in (aligned, ragged):
        assert unused(doc) == []
        (p,) = doc.projects
        assert (p.long_term_goal, p.annual_goal) == ("三年建成全部站点。", "建成10个站点。")


def test_goal_and_budget_columns_of_a_list_of_projects() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"],
                ["乙项目", "60.5", "完成卫片执法。", "产出指标", "数量指标", "图斑", "≥2600个"],
                [None, None, None, "满意度指标", "满意度指标", "群众满意度", "≥90%"],
            ],
            spans={(1, 0): (2, 1), (1, 1): (2, 1), (1, 2): (2, 1)},
        )
    )
    (p,) = doc.projects
    assert p.annual_goal == "完成卫片执法。"
    assert p.funds is not None and p.funds.total is not None


# -- the real files ------------------------------------------------------------------------

BIN = shared_dir() / "realdocs-bin"


def real(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path


def test_real_project_list_keeps_weights_directions_and_goal() -> None:
    """01 (a 2025 project list, 指标性质 holding ＝/≥/定性, 权重, 指标方向性): the first
    project's rows as printed (A6:L7) — 60 and 30 points, 正向指标."""
    doc = read_path(real("01_nanjiang-zrzyj-2025-project-targets.xlsx"))
    first = doc.projects[0]
    assert first.annual_goal.startswith("严格执行相关政策，保障工资及时、足额发放")
    by_name = {i.name: i for p in doc.projects for i in p.indicators}
    cover = by_name["发放（缴纳）覆盖率"]
    assert (cover.weight, cover.direction, cover.nature) == (
        60,
        Direction.POSITIVE,
        Nature.QUANTITATIVE,
    )
    assert by_name["足额保障率（参保率）"].weight == 30
    assert by_name["全面加强耕地保护工作"].nature is Nature.QUALITATIVE  # H12 定性
    assert not any("权重" in m or "指标方向" in m for m in unused(doc))
    weighted = [i for p in doc.projects for i in p.indicators if i.weight is not None]
    assert len(weighted) >= 0.9 * doc.indicator_count  # K has a weight on every row


def test_real_self_evaluation_keeps_its_goal_text_and_points() -> None:
    """10 (a 2023 自评表): 项目年度目标 printed above its text (C4 → C5); 权重 10/20 per
    indicator (I14:I20)."""
    doc = read_path(real("10_pingchang-dangxiao-2023-project-selfeval.xlsx"))
    (p,) = doc.projects
    assert p.annual_goal.startswith("2023年预计培训主题班11期，专题班4期，参训人员3180人")
    weights = {i.name: i.weight for i in p.indicators}
    assert weights["培训人数"] == 10
    assert weights["促进干部综合素质提升，有效推进各项工作"] == 20


def test_real_side_by_side_goals() -> None:
    """04 (one sheet per project): 总体目标 over 中长期目标（2025年－长久） | 年度目标, the
    texts on the row below (B18, J18)."""
    doc = read_path(real("04_nanjiang-jizhou-2025-project-targets.xlsx"))
    p = next(p for p in doc.projects if p.name == "基层组织活动和公共服务运行经费")
    assert p.long_term_goal.startswith("协助村两委制定辖区年初脱贫工作帮扶计划")
    assert p.annual_goal.startswith("协助村两委制定辖区年初脱贫工作帮扶计划")
    assert "中长期目标" not in p.long_term_goal
