"""The grid interpreter on grids built by hand: ragged rows (text dumps that dropped empty
and merged cells), tables continued over a page break, monitoring tables, taxonomy labels,
provenance, and fuzzing (it returns a document or raises IngestError, never crashes)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.actuals import Deviation, DeviationCategory, Likelihood
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import Kind
from jixiao.ingest import IngestError
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import ACTUALS_NOT_IMPORTED, read_grids

FILE = "dump.txt"
Span = tuple[int, int]


def grid(
    rows: Sequence[Sequence[str | None]],
    *,
    spans: dict[tuple[int, int], Span] | None = None,
    ragged: bool = False,
    title: Sequence[str] = (),
    page: int | None = None,
    first_line: int = 1,
) -> Grid:
    """A grid from rows of texts (None: no cell); provenance page/line like a text dump."""
    spans = spans or {}
    cells: list[GridCell] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is None:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            source = Provenance(file=FILE, page=page, line=first_line + r)
            cells.append(GridCell(text, r, c, rowspan, colspan, source))
    return Grid(tuple(cells), title=tuple(title), page=page, ragged=ragged)


def read(*grids: Grid) -> Document:
    return read_grids(grids, file=FILE, sha256="0" * 64, layout="test")


def read_or_error(grids: Sequence[Grid]) -> Document | IngestError:
    """The document, or the IngestError (which must name the file); anything else fails."""
    try:
        return read_grids(grids, file=FILE, sha256="0", layout="test")
    except IngestError as exc:
        error = exc
    assert re.match(rf"{re.escape(FILE)}(?: 第 \d+ [页行])*：", str(error)), str(error)
    return error


def rows_of(p: Project) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    return [
        (
            i.level1,
            i.level2,
            i.name,
            i.half_year.text if i.half_year else None,
            i.full_year.text if i.full_year else None,
            i.long_term.text if i.long_term else None,
        )
        for i in p.indicators
    ]


def codes(doc: Document) -> Counter[str]:
    return Counter(w.code for w in doc.warnings)


SEED_ROWS = [
    ("产出指标", "数量指标", "人大代表履职培训情况", "＝200人次", "＝461人次", None),
    ("产出指标", "质量指标", "按要求开展人大代表履职培训", "＝100%", "＝100%", None),
    ("产出指标", "时效指标", "人大代表履职组织培训完成及时性", "＝100%", "＝100%", None),
    ("满意度指标", "服务对象满意度指标", "参加履职培训的人大代表满意度", "≥90%", "≥90%", None),
]


# -- ragged grids --------------------------------------------------------------------------


def test_ragged_rows_shifted_left_by_dropped_merged_cells() -> None:
    doc = read(
        grid(
            [
                ["无锡市市本级项目预算绩效目标表"],
                ["2023年度"],
                ["项目名称", "人大代表履职培训费", "主管部门", "无锡市人大常委会"],
                ["开始时间", "2022年", "完成时间", "2024年"],
                ["一级指标", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值"],
                ["产出指标", "数量指标", "人大代表履职培训情况", "＝200人次", "＝461人次"],
                ["质量指标", "按要求开展人大代表履职培训", "＝100%", "＝100%"],
                ["时效指标", "人大代表履职组织培训完成及时性", "＝100%", "＝100%"],
                ["满意度", "服务对象满意度", "参加履职培训的人大代表满意度", "≥90%", "≥90%"],
            ],
            ragged=True,
            page=3,
            first_line=101,
        )
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert (p.name, p.department, p.fiscal_year, p.start_year, p.end_year) == (
        "人大代表履职培训费",
        "无锡市人大常委会",
        2023,
        2022,
        2024,
    )
    assert rows_of(p) == SEED_ROWS
    labels = [(i.level1_label, i.level2_label) for i in p.indicators]
    assert labels == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("满意度", "服务对象满意度"),
    ]
    # Provenance: page and line of each cell.
    second = p.indicators[1]
    assert second.source == Provenance(file=FILE, page=3, line=107)
    assert second.full_year is not None
    assert second.full_year.source == Provenance(file=FILE, page=3, line=107)
    assert p.source == Provenance(file=FILE, page=3, line=103)


def test_ragged_two_row_header_and_rows_with_both_levels_dropped() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "代表活动经费"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["半年", "全年"],
                ["产出指标", "数量指标", "保障参加活动的人大代表履职情况", "＝100%", "＝100%"],
                ["保障参会代表人数", "≥50人", "≥100人"],  # level 1 and level 2 merged: dropped
                ["满意度指标", "服务对象满意度指标", "履职代表满意度", "≥90%", "≥90%"],
                ["服务对象满意度", "≥85%", "≥90%"],  # a name that is also a label
            ],
            ragged=True,
        )
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert rows_of(p) == [
        ("产出指标", "数量指标", "保障参加活动的人大代表履职情况", "＝100%", "＝100%", None),
        ("产出指标", "数量指标", "保障参会代表人数", "≥50人", "≥100人", None),
        ("满意度指标", "服务对象满意度指标", "履职代表满意度", "≥90%", "≥90%", None),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥85%", "≥90%", None),
    ]


def test_ragged_operator_value_unit_weight_columns() -> None:
    doc = read(
        grid(
            [
                ["2024年项目支出绩效目标表"],
                ["项目名称", "乡村道路养护"],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "计算符号",
                    "指标值",
                    "度量单位",
                    "权重",
                    "指标方向",
                ],
                ["产出指标", "数量指标", "养护道路里程", "≥", "120", "公里", "20", "正向"],
                ["质量指标", "道路优良率", "≥", "90", "%", "20", "正向"],
                ["效益指标", "社会效益", "群众出行条件", "较好", "10"],  # op, unit, direction empty
                ["满意度", "服务对象满意度", "沿线群众满意度", "≥", "90", "%", "20"],
            ],
            ragged=True,
        )
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert rows_of(p) == [
        ("产出指标", "数量指标", "养护道路里程", None, "≥120公里", None),
        ("产出指标", "质量指标", "道路优良率", None, "≥90%", None),
        ("效益指标", "社会效益指标", "群众出行条件", None, "较好", None),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", None, "≥90%", None),
    ]
    assert doc.actuals == ()  # a target table's 权重 is no self-evaluation


def test_ragged_cell_that_fits_no_column_is_reported() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "甲", "≥5个", "≥", "≤"],
            ],
            ragged=True,
        )
    )
    (p,) = doc.projects
    assert rows_of(p) == [("产出指标", "数量指标", "甲", None, "≥5个", None)]
    assert codes(doc) == Counter({"ingest.unused-text": 2})


def test_ragged_cell_split_in_two_is_joined_and_a_lone_value_goes_to_the_year() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "半年指标值", "全年指标值"],
                ["产出指标", "数量指标", "完成市场监管", "法规制度体系", "≥1件", "≥2件"],
                ["时效指标", "资金发放及时率", "＝100%"],  # the half-year cell was empty
                ["质量指标", "验收合格率", "≥90%", "≥95%"],
            ],
            ragged=True,
        )
    )
    assert doc.warnings == ()
    assert rows_of(doc.projects[0]) == [
        ("产出指标", "数量指标", "完成市场监管法规制度体系", "≥1件", "≥2件", None),
        ("产出指标", "时效指标", "资金发放及时率", None, "＝100%", None),
        ("产出指标", "质量指标", "验收合格率", "≥90%", "≥95%", None),
    ]


def test_ragged_row_holding_two_rows_is_split() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "备注"],
                [
                    "产出指标",
                    "数量指标",
                    "演出场次",
                    "定量",
                    "≥120场",
                    "惠及群众人次",
                    "定量",
                    "≥3万人次",
                ],
                ["质量指标", "审查通过率", "定量", "100%"],
            ],
            ragged=True,
        )
    )
    assert doc.warnings == ()
    assert rows_of(doc.projects[0]) == [
        ("产出指标", "数量指标", "演出场次", None, "≥120场", None),
        ("产出指标", "数量指标", "惠及群众人次", None, "≥3万人次", None),
        ("产出指标", "质量指标", "审查通过率", None, "100%", None),
    ]


def test_ragged_qualitative_marker_in_the_operator_column() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "计算符号",
                    "指标值",
                    "度量单位",
                    "权重",
                    "指标方向",
                ],
                ["效益指标", "社会效益指标", "城乡服务差距", "定性", "不断缩小", "30", "正向"],
                ["成本指标", "人均成本", "≤", "0.3", "万元", "10", "反向"],
            ],
            ragged=True,
            title=["2024年项目支出绩效目标表"],
        )
    )
    assert rows_of(doc.projects[0]) == [
        ("效益指标", "社会效益指标", "城乡服务差距", None, "不断缩小", None),
        # A row labelled only 成本指标: the older templates' level 2 under 产出指标.
        ("产出指标", "成本指标", "人均成本", None, "≤0.3万元", None),
    ]
    assert codes(doc) == Counter({"ingest.unparsed-value": 1})  # 不断缩小: no grade word


def test_ragged_lone_text_row_is_reported_not_imported() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "甲", "≥5个"],
                ["项目实施进度滞后，将加强过程监控"],
                ["质量指标", "乙", "≥90%"],
                ["丙"],
                ["≥95%"],  # the values of a row cut in two
            ],
            ragged=True,
        )
    )
    assert rows_of(doc.projects[0]) == [
        ("产出指标", "数量指标", "甲", None, "≥5个", None),
        ("产出指标", "质量指标", "乙", None, "≥90%", None),
        ("产出指标", "质量指标", "丙", None, "≥95%", None),
    ]
    (w,) = doc.warnings
    assert w.code == "ingest.unused-text" and "项目实施进度滞后" in w.message


def test_total_rows_are_no_indicators() -> None:
    doc = read(
        grid(
            [
                ["项目支出绩效自评表"],
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "甲", "≥5个", "6个", "10", "10"],
                ["总分", None, None, None, None, "100", "96", "自评等级：优", "另附说明"],
            ]
        )
    )
    assert [i.name for i in doc.projects[0].indicators] == ["甲"]
    assert codes(doc) == Counter({ACTUALS_NOT_IMPORTED: 1, "ingest.unused-text": 1})
    actuals = next(w for w in doc.warnings if w.code == ACTUALS_NOT_IMPORTED)
    assert "自评等级" in actuals.message


def test_level_labels_printed_in_the_middle_of_their_rows() -> None:
    # pdftotext -layout centres a merged cell's label: it stands on a later row.
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                [None, None, "甲", "≥1个"],
                ["产出指标", "数量指标", "乙", "≥2个"],
                [None, "环境效益", "丙", "≥3个"],
                ["效益指标", None, "丁", "≥4个"],
            ]
        )
    )
    assert [(i.level1, i.level2, i.name) for i in doc.projects[0].indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", "数量指标", "乙"),
        ("效益指标", "生态效益指标", "丙"),
        ("效益指标", "生态效益指标", "丁"),
    ]
    assert doc.warnings == ()


# -- aligned grids: levels, inheritance, periods -------------------------------------------


def test_empty_level_cells_inherit_from_the_row_above() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "甲", "≥5个"],
                [None, None, "乙", "≥6个"],
                [None, "质量指标", "丙", "≥90%"],
                ["效益指标", "环境效益", "丁", "有效改善"],
                ["满意度", None, "戊", "≥90%"],
            ]
        )
    )
    (p,) = doc.projects
    assert [(i.level1, i.level2, i.name) for i in p.indicators] == [
        ("产出指标", "数量指标", "甲"),
        ("产出指标", "数量指标", "乙"),
        ("产出指标", "质量指标", "丙"),
        ("效益指标", "生态效益指标", "丁"),
        ("满意度指标", "服务对象满意度指标", "戊"),
    ]
    assert p.indicators[3].level2_label == "环境效益"
    # 有效改善 is a qualitative target (issue 16), read without a warning
    assert codes(doc) == Counter()
    target = p.indicators[3].full_year
    assert target is not None
    assert (target.kind, target.grade) == (Kind.QUALITATIVE, "有效改善")


def test_level_cell_merged_across_both_level_columns() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["满意度指标", None, "群众满意度", "≥90%"],
            ],
            spans={(2, 0): (1, 2)},
        )
    )
    (i,) = doc.projects[0].indicators
    assert (i.level1, i.level1_label, i.level2, i.level2_label) == (
        "满意度指标",
        "满意度指标",
        "服务对象满意度指标",
        None,
    )


@pytest.mark.parametrize(
    ("year", "level1", "level2", "expected"),
    [
        (2023, "成本指标", "经济成本指标", ("成本指标", "经济成本指标")),
        (2023, "产出指标", "成本指标", ("产出指标", "成本指标")),
        (2020, "产出指标", "成本指标", ("产出指标", "成本指标")),
        (2020, "成本指标", "经济成本", ("成本指标", "经济成本指标")),
        (2023, "一、产出指标", "（一）数量指标", ("产出指标", "数量指标")),
        (2023, "产出", "数量", ("产出指标", "数量指标")),
    ],
)
def test_cost_indicators_under_both_taxonomies(
    year: int, level1: str, level2: str, expected: tuple[str, str]
) -> None:
    doc = read(
        grid(
            [
                [f"{year}年项目支出绩效目标表"],
                ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                [level1, level2, "每人培训成本", "≤0.5万元"],
            ]
        )
    )
    assert doc.warnings == ()
    (i,) = doc.projects[0].indicators
    assert (i.level1, i.level2) == expected
    assert (i.level1_label, i.level2_label) == (level1, level2)


def test_half_and_full_year_under_a_merged_group_header() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目"],
                ["绩效指标", None, None, "指标值", None],
                ["一级指标", "二级指标", "三级指标", "半年", "全年"],
                ["产出指标", "数量指标", "甲", "≥5个", "≥10个"],
            ],
            spans={(1, 0): (1, 3), (1, 3): (1, 2)},
        )
    )
    assert doc.warnings == ()
    assert rows_of(doc.projects[0]) == [("产出指标", "数量指标", "甲", "≥5个", "≥10个", None)]


def test_monitoring_table_imports_targets_and_checkpoint_actuals() -> None:
    doc = read(
        grid(
            [
                ["2023年项目绩效运行监控表"],
                ["项目名称", "测试项目"],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "年度指标值",
                    "1-6月执行情况",
                    "全年预计完成情况",
                    "偏差原因分析",
                    None,
                    "完成目标可能性",
                    "备注",
                ],
                [None, None, None, None, None, None, "经费保障", "其他", None, None],
                ["产出指标", "数量指标", "甲", "≥10个", "6个", "10个", None, None, "确定能", None],
                [
                    "满意度指标",
                    "服务对象满意度指标",
                    "乙",
                    "≥90%",
                    "88%",
                    "92%",
                    None,
                    "调查未完成",
                    "有可能",
                    "半年调查",
                ],
            ],
            spans={(2, 6): (1, 2), **{(2, c): (2, 1) for c in (0, 1, 2, 3, 4, 5, 8, 9)}},
        )
    )
    (p,) = doc.projects
    assert rows_of(p) == [
        ("产出指标", "数量指标", "甲", None, "≥10个", None),
        ("满意度指标", "服务对象满意度指标", "乙", None, "≥90%", None),
    ]
    assert codes(doc) == Counter()
    assert [i.remark for i in p.indicators] == ["", "半年调查"]  # the 备注 column, kept
    (report,) = doc.actuals
    assert (report.period, report.fiscal_year) == (Period.HALF_YEAR, 2023)
    assert report.month == 6  # 1-6月执行情况
    (actuals,) = report.projects
    assert actuals.project == "测试项目"
    first, second = actuals.indicators
    assert (first.indicator, first.value.text, first.forecast.text) == ("甲", "6个", "10个")
    assert first.likelihood is Likelihood.CERTAIN and first.deviation is None
    assert (second.indicator, second.value.text, second.forecast.text) == ("乙", "88%", "92%")
    assert second.likelihood is Likelihood.POSSIBLE
    assert second.deviation == Deviation("调查未完成", DeviationCategory.OTHER)
    assert second.value.source is not None and second.value.source.line == 6  # its row


def test_self_evaluation_remarks_categories_and_the_grade_row() -> None:
    """A remark cell in parts (原因；改进措施：…), a 偏差原因类别 column, the 执行偏差原因 of
    the funds block, and the 总分 / 自评等级 rows under the indicators."""
    doc = read(
        grid(
            [
                ["2023年度项目支出绩效自评表"],
                ["项目名称", "测试项目"],
                ["项目资金（万元）", None, "全年预算数", "全年执行数", "执行率", "执行偏差原因"],
                [None, "年度资金总额", "100", "80", "80%", "合同尾款次年支付"],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "年度指标值",
                    "实际完成值",
                    "偏差原因类别",
                    "偏差原因分析及改进措施",
                ],
                [
                    "产出指标",
                    "数量指标",
                    "甲",
                    "≥10个",
                    "8个",
                    "人员保障",
                    "人员不足；改进措施：增加人手",
                ],
                ["产出指标", "质量指标", "乙", "≥90%", "—", None, "不适用，不计分"],
                ["产出指标", "时效指标", "丙", "≥90%", "95%", None, "【待补充】偏差原因、改进措施"],
                ["总分", None, None, None, None, "100", "86.5"],
                ["自评等级", None, None, None, None, None, "良"],
            ],
            spans={(0, 0): (1, 7), (2, 0): (2, 1), (8, 0): (1, 5), (9, 0): (1, 6)},
        )
    )
    (p,) = doc.projects
    assert [i.name for i in p.indicators] == ["甲", "乙", "丙"]
    (report,) = doc.actuals
    (actuals,) = report.projects
    assert (actuals.budget, actuals.executed) == (100, 80)
    assert actuals.execution_reason == "合同尾款次年支付"
    first, second, third = actuals.indicators
    assert first.deviation == Deviation("人员不足", DeviationCategory.STAFF)
    assert first.measures == "增加人手"
    assert second.not_applicable and second.value is None and second.deviation is None
    assert third.deviation is None and third.measures == ""  # jixiao's reminder, no report
    assert codes(doc) == Counter({ACTUALS_NOT_IMPORTED: 1})
    (note,) = doc.warnings
    assert "执行率" in note.message and "自评等级" in note.message


@pytest.mark.parametrize(
    ("cell", "reason", "category", "measures"),
    [
        (
            "偏差原因（经费保障）：资金晚到改进措施：提前申请",
            "资金晚到",
            DeviationCategory.FUNDING,
            "提前申请",
        ),
        ("偏差原因：资金晚到；整改措施：提前申请。", "资金晚到", None, "提前申请。"),
        ("偏差原因类别：其他\n偏差原因：天气", "天气", DeviationCategory.OTHER, ""),
        ("原因分析：天气", "天气", None, ""),
        ("资金晚到，影响进度", "资金晚到，影响进度", None, ""),
    ],
)
def test_remark_cells_in_their_parts(
    cell: str, reason: str, category: DeviationCategory | None, measures: str
) -> None:
    doc = read(
        grid(
            [
                ["2023年度项目支出绩效自评表"],
                ["项目名称", "测试项目"],
                [
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "年度指标值",
                    "实际完成值",
                    "偏差原因分析及改进措施",
                ],
                ["产出指标", "数量指标", "甲", "≥10个", "8个", cell],
            ]
        )
    )
    (item,) = doc.actuals[0].projects[0].indicators
    assert item.deviation == Deviation(reason, category)
    assert item.measures == measures


def test_overall_table_printed_as_indicators_is_the_unit_as_a_project() -> None:
    doc = read(
        grid(
            [
                ["某某局2024年部门整体支出绩效目标表"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "完成重点工作", "≥10项"],
            ]
        )
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert p.name == "某某局（部门整体）"
    assert p.fiscal_year == 2024


def test_fields_in_title_lines_and_inline_cells() -> None:
    doc = read(
        grid(
            [
                ["主管部门：某局", "实施单位：某中心"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "甲", "≥5个"],
            ],
            title=["2023年度项目支出绩效目标表", "项目名称：标题里的项目"],
        )
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert (p.name, p.department, p.unit, p.fiscal_year) == ("标题里的项目", "某局", "某中心", 2023)


def test_funds_printed_under_their_labels() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目", None, None],
                ["年度资金总额", "财政拨款", "上年结转", "其他资金"],
                ["120", "100", "15", "5"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "甲", "≥5个"],
            ]
        )
    )
    assert doc.warnings == ()
    funds = doc.projects[0].funds
    assert funds is not None
    assert (funds.total, funds.fiscal, funds.carryover, funds.other) == (
        1_200_000,
        1_000_000,
        150_000,
        50_000,
    )  # printed in 万元, kept in 元


def test_ragged_overall_table_with_header_words_run_together() -> None:
    doc = read(
        grid(
            [
                ["某局2024年部门整体支出绩效目标表"],
                ["序号 职能 工作任务 年度目标 指标值"],
                ["1", "学前教育", "普惠性幼儿园建设", "新增普惠性学位", "≥1,200个"],
                ["幼儿园保教质量提升", "开展保教质量评估", "12次"],  # seq and function merged
                ["2", "义务教育", "课后服务", "课后服务覆盖率", "100%"],
                ["家长满意度", "≥95%"],  # the work item merged too
            ],
            ragged=True,
        )
    )
    assert doc.warnings == ()
    (o,) = doc.overall_targets
    assert (o.unit, o.fiscal_year) == ("某局", 2024)
    assert [
        (g.seq, g.function, g.work, g.goal, g.target.text if g.target else None) for g in o.goals
    ] == [
        ("1", "学前教育", "普惠性幼儿园建设", "新增普惠性学位", "≥1,200个"),
        ("1", "学前教育", "幼儿园保教质量提升", "开展保教质量评估", "12次"),
        ("2", "义务教育", "课后服务", "课后服务覆盖率", "100%"),
        ("2", "义务教育", "课后服务", "家长满意度", "≥95%"),
    ]


def test_notes_section_rows_and_stray_rows_in_the_data_area() -> None:
    doc = read(
        grid(
            [
                ["项目名称", "测试项目", None, None],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["一、产出指标", None, None, None],  # a section row over the whole width
                [None, "数量指标", "甲", "≥5个"],
                ["其他事项", None, None, None],  # neither a label nor an indicator
                [None, "质量指标", "乙", "≥90%"],
                ["本表数据由项目单位填报，经主管部门审核", None, None, None],
                ["注：指标值以批复为准。"],
            ],
            spans={(2, 0): (1, 4), (6, 0): (1, 4)},
        )
    )
    (p,) = doc.projects
    assert [(i.level1, i.level1_label, i.level2, i.name) for i in p.indicators] == [
        ("产出指标", "一、产出指标", "数量指标", "甲"),
        ("产出指标", "一、产出指标", "质量指标", "乙"),
    ]
    assert codes(doc) == Counter({"ingest.unused-text": 3})


# -- several grids -------------------------------------------------------------------------

HEAD = [
    ["项目名称", "跨页项目"],
    ["一级指标", "二级指标", "三级指标", "半年指标值", "全年指标值"],
    ["产出指标", "数量指标", "甲", "≥5个", "≥10个"],
]


def test_table_continued_on_the_next_page() -> None:
    doc = read(
        grid(HEAD, page=1),
        grid(
            [
                [None, "质量指标", "乙", "≥90%", "≥95%"],
                ["满意度", "服务对象满意度", "丙", "≥90%", "≥90%"],
            ],
            page=2,
        ),
    )
    assert doc.warnings == ()
    (p,) = doc.projects
    assert [i.name for i in p.indicators] == ["甲", "乙", "丙"]
    assert p.indicators[1].level1 == "产出指标"  # inherited across the page break
    assert p.indicators[2].source == Provenance(file=FILE, page=2, line=2)


def test_title_repeated_above_a_continuation_page_does_not_split_the_table() -> None:
    doc = read(
        grid(HEAD, page=1, title=["2023年项目支出绩效目标表"]),
        grid(
            [[None, "质量指标", "乙", "≥90%", "≥95%"]], page=2, title=["2023年项目支出绩效目标表"]
        ),
    )
    assert doc.warnings == ()
    assert [i.name for i in doc.projects[0].indicators] == ["甲", "乙"]


def test_a_table_that_is_no_target_table_gives_one_warning() -> None:
    doc = read(grid([["科目", "金额"], ["办公费", "12"], ["差旅费", "8"]]), grid(HEAD))
    assert [p.name for p in doc.projects] == ["跨页项目"]
    (w,) = doc.warnings
    assert w.code == "ingest.unused-text" and "3 行" in w.message


def test_header_repeated_on_the_next_page_continues_the_table() -> None:
    doc = read(
        grid(HEAD, page=1), grid([HEAD[1], [None, "质量指标", "乙", "≥90%", "≥95%"]], page=2)
    )
    assert doc.warnings == ()
    assert [i.name for i in doc.projects[0].indicators] == ["甲", "乙"]


def test_continuation_with_other_columns_is_read_by_content() -> None:
    doc = read(
        grid(HEAD, page=1),
        grid([["质量指标", "乙", "≥90%", "≥95%"]], page=2),  # the level-1 column was not kept
    )
    (p,) = doc.projects
    assert rows_of(p)[1] == ("产出指标", "质量指标", "乙", "≥90%", "≥95%", None)
    assert codes(doc) == Counter({"ingest.ambiguous-rows": 1})


def test_row_cut_by_a_page_break_is_joined() -> None:
    doc = read(
        grid([*HEAD, [None, "质量指标", "乙", None, None]], page=1),
        grid([[None, None, None, "≥90%", "≥95%"]], page=2),
    )
    assert doc.warnings == ()
    assert rows_of(doc.projects[0])[1] == ("产出指标", "质量指标", "乙", "≥90%", "≥95%", None)


def test_ragged_pages_of_one_document() -> None:
    doc = read(
        grid([["2023年度"], *HEAD], page=1, ragged=True),
        grid([["质量指标", "乙", "≥90%", "≥95%"]], page=2, ragged=True),
        grid(
            [
                ["项目名称", "第二个项目"],
                HEAD[1],
                ["满意度", "服务对象满意度", "丁", "≥90%", "≥90%"],
            ],
            page=3,
            ragged=True,
        ),
    )
    assert doc.warnings == ()
    assert [(p.name, [i.name for i in p.indicators]) for p in doc.projects] == [
        ("跨页项目", ["甲", "乙"]),
        ("第二个项目", ["丁"]),
    ]
    assert all(p.fiscal_year == 2023 for p in doc.projects)


# -- what is not a table -------------------------------------------------------------------


def test_no_table_raises_ingest_error_naming_the_file() -> None:
    with pytest.raises(IngestError, match=r"^dump\.txt(：| 第).*不是绩效目标表"):
        read(grid([["姓名", "电话"], ["张三", "123"]]))
    with pytest.raises(IngestError, match=r"^dump\.txt：文件是空的"):
        read()
    with pytest.raises(IngestError, match=r"^dump\.txt：文件是空的"):
        read(grid([["", "  "]]))


def test_header_without_rows_at_the_end_is_truncated() -> None:
    doc = read(grid(HEAD[:2]))
    (p,) = doc.projects
    assert p.indicators == ()
    assert codes(doc) == Counter({"ingest.truncated": 1})


def test_a_row_without_name_is_imported_with_a_warning() -> None:
    doc = read(
        grid(
            [
                *HEAD,
                [None, "质量指标", None, "≥90%", "≥95%"],
                [None, "时效指标", "丙", "≥1次", "≥2次"],
            ]
        )
    )
    assert [i.name for i in doc.projects[0].indicators] == ["甲", "", "丙"]
    assert codes(doc) == Counter({"ingest.ambiguous-rows": 1})


# -- fuzzing -------------------------------------------------------------------------------

WORDS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "半年",
    "全年",
    "长期",
    "年度指标值",
    "计算符号",
    "度量单位",
    "权重",
    "指标值类型",
    "实际完成值",
    "得分",
    "职能",
    "工作任务",
    "年度目标",
    "序号",
    "项目名称",
    "主管部门",
    "年度资金总额",
    "项目支出绩效目标表",
    "部门整体支出绩效目标表",
    "2023年度",
    "产出指标",
    "数量指标",
    "满意度",
    "服务对象满意度",
    "成本指标",
    "环境效益",
    "≥90%",
    "＝100%",
    "≥",
    "%",
    "20",
    "定量",
    "正向",
    "合计",
    "较好",
    "≥**%",
    "培训人次",
    "",
]
TEXT = st.one_of(st.sampled_from(WORDS), st.text(max_size=8))


@st.composite
def grids(draw: st.DrawFn) -> list[Grid]:
    out: list[Grid] = []
    for _ in range(draw(st.integers(1, 3))):
        ragged = draw(st.booleans())
        cells: list[GridCell] = []
        for r in range(draw(st.integers(0, 12))):
            for c in range(draw(st.integers(0, 8))):
                if draw(st.integers(0, 4)) == 0:
                    continue
                rowspan = draw(st.integers(-1, 4))
                colspan = draw(st.integers(-1, 4))
                cells.append(GridCell(draw(TEXT), r, c, rowspan, colspan))
        title = tuple(draw(st.lists(TEXT, max_size=3)))
        out.append(
            Grid(tuple(cells), title=title, ragged=ragged, page=draw(st.none() | st.integers(1, 3)))
        )
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_random_grids_give_a_document_or_ingest_error(found: list[Grid]) -> None:
    doc = read_or_error(found)
    if isinstance(doc, IngestError):
        return
    for w in doc.warnings:
        assert w.location is not None and w.location.file == FILE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_seed_rows_shuffled_dropped_and_garbled(data: st.DataObject) -> None:
    rows: list[list[str | None]] = [
        ["项目名称", "人大代表履职培训费", "主管部门", "无锡市人大常委会"],
        ["一级指标", "二级指标", "三级指标", "半年（程）指标值", "全年（程）指标值"],
        *[[a, b, c, d, e] for a, b, c, d, e, _ in SEED_ROWS],
    ]
    for _ in range(data.draw(st.integers(0, 6))):
        k = data.draw(st.integers(0, len(rows) - 1))
        action = data.draw(st.sampled_from(["drop-row", "drop-cell", "garble", "swap"]))
        if action == "drop-row" and len(rows) > 1:
            del rows[k]
        elif action == "drop-cell" and rows[k]:
            del rows[k][data.draw(st.integers(0, len(rows[k]) - 1))]
        elif action == "garble" and rows[k]:
            rows[k][data.draw(st.integers(0, len(rows[k]) - 1))] = data.draw(TEXT)
        else:
            j = data.draw(st.integers(0, len(rows) - 1))
            rows[k], rows[j] = rows[j], rows[k]
    doc = read_or_error([grid(rows, ragged=data.draw(st.booleans()))])
    if isinstance(doc, IngestError):
        return
    for p in doc.projects:
        for i in p.indicators:
            for _, v in i.values():
                assert v.source is not None


def test_a_self_evaluation_without_a_project_name_keeps_no_actuals_and_still_dumps() -> None:
    """Actuals are keyed by the project's name: without one they cannot be kept (the
    missing name is warned about), and the document is still valid ``jixiao/1``."""
    from jixiao.interchange import dumps, loads

    doc = read(
        grid(
            [
                ["项目支出绩效自评表"],
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "甲", "≥5个", "6个", "10", "10"],
            ]
        )
    )
    assert doc.actuals == ()
    assert "ingest.missing-field" in codes(doc)
    assert loads(dumps(doc)) == doc


def test_a_summary_table_is_skipped_with_a_warning() -> None:
    """A workbook's 汇总表 (a list of projects with their totals) is no target table."""
    doc = read(
        grid(
            [
                ["2023年度项目支出绩效自评汇总表"],
                ["项目名称", "实施单位", "全年预算数（万元）", "执行数（万元）", "得分"],
                ["甲项目", "某局", "100", "90", "95"],
            ]
        ),
        grid(
            [
                ["项目名称", "甲项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "培训人次", "≥5人次"],
            ]
        ),
    )
    assert [p.name for p in doc.projects] == ["甲项目"]
    assert [p.name for p in doc.projects[0].indicators] == ["培训人次"]
    (warning,) = doc.warnings
    assert warning.code == "ingest.summary-table" and "汇总表" in warning.message
