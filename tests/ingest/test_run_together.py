"""Run-together text (issue 16): the cells of a row printed with no separator, read by the
header words, the category labels and the value grammar (layout ``run-together``), on small
synthetic snippets written for the test (the layout, not any real file's text)."""

from __future__ import annotations

import pytest

from jixiao.domain.model import Document, Period
from jixiao.ingest import read_bytes
from jixiao.ingest._text import TextSource
from jixiao.ingest.text_runtogether import AMBIGUOUS_CELLS, LAYOUT, sniff


def _read(text: str) -> Document:
    return read_bytes(text.encode("utf-8"), "glued.txt")


def _rows(doc: Document) -> list[tuple[str, str, str, str]]:
    out = []
    for project in doc.projects:
        for ind in project.indicators:
            v = ind.value(Period.FULL_YEAR)
            out.append((ind.level1 or "", ind.level2 or "", ind.name, "" if v is None else v.text))
    return out


TARGETS = """\
某某局项目绩效目标表
项目名称示例项目
一级指标二级指标三级指标指标值
产出指标数量指标培训人次≥461人次
质量指标培训覆盖率≥95%
时效指标培训完成时间2025年12月底前
效益指标社会效益指标干部履职能力明显提升
满意度指标服务对象满意度指标学员满意度≥90%
"""


def test_rows_glued_under_a_glued_header_are_cut_by_labels_and_values() -> None:
    doc = _read(TARGETS)
    assert doc.source is not None and doc.source.layout == LAYOUT
    assert _rows(doc) == [
        ("产出指标", "数量指标", "培训人次", "≥461人次"),
        ("产出指标", "质量指标", "培训覆盖率", "≥95%"),
        ("产出指标", "时效指标", "培训完成时间", "2025年12月底前"),
        ("效益指标", "社会效益指标", "干部履职能力", "明显提升"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]
    assert [w for w in doc.warnings if w.code == AMBIGUOUS_CELLS] == []


SELF_EVALUATION = """\
项目支出绩效自评表
项目名称示例项目
一级指标二级指标三级指标分值年度指标值实际完成值得分
产出指标数量指标安装水标尺10≥266米≥266米10
质量指标验收合格率20100%100%20
成本指标项目计划总投资1020万元20万元10
效益指标社会效益指标群众生产生活条件改善状况10显著提升显著提升10
"""


def test_numbers_glued_to_values_are_cut_where_the_row_makes_sense() -> None:
    """分值 before the values (``20100%100%20``): a weight, a target and its actual, a score;
    the cut that keeps numbers whole and target and actual alike wins."""
    doc = _read(SELF_EVALUATION)
    assert doc.source is not None and doc.source.layout == LAYOUT
    assert _rows(doc) == [
        ("产出指标", "数量指标", "安装水标尺", "≥266米"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
        ("产出指标", "成本指标", "项目计划总投资", "20万元"),
        ("效益指标", "社会效益指标", "群众生产生活条件改善状况", "显著提升"),
    ]
    assert [i.weight for i in doc.projects[0].indicators] == [10, 20, 10, 10]


OVERALL = """\
项目绩效目标表
项目名称示例项目
绩效指标二级指标指标名称指标权重计量单位指标性质指标值
质量指标预算执行率10%=100
数量指标农村公路养护里程10公里=125
开展文艺活动场次1020
社会效益指标基础设施保障有效性10有效保障
"""


def test_unit_and_operator_columns_are_cut_and_joined_to_the_value() -> None:
    doc = _read(OVERALL)
    assert doc.source is not None and doc.source.layout == LAYOUT
    assert [(r[2], r[3]) for r in _rows(doc)] == [
        ("预算执行率", "=100%"),
        ("农村公路养护里程", "=125公里"),
        ("开展文艺活动场次", "20"),
        ("基础设施保障有效性", "有效保障"),
    ]


def test_a_row_whose_name_and_target_cannot_be_told_apart_is_reported() -> None:
    text = TARGETS.replace(
        "产出指标数量指标培训人次≥461人次",
        "产出指标数量指标全年检测次数自愿咨询检测1000人次以上,结核病人筛查600人次以上",
    )
    doc = _read(text)
    rows = _rows(doc)
    assert [r[2] for r in rows][:2] == ["培训覆盖率", "培训完成时间"]
    assert rows[0][:2] == ("产出指标", "质量指标")
    (warning,) = [w for w in doc.warnings if w.code == AMBIGUOUS_CELLS]
    assert warning.location is not None and warning.location.line == 4
    assert "分不出名称和指标值" in warning.message


@pytest.mark.parametrize(
    "text",
    [
        "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人次 ≥461人次\n",
        "一级指标 | 二级指标 | 三级指标 | 指标值\n产出指标 | 数量指标 | 培训人次 | ≥461人次\n",
        "这是一段没有表格的文字。\n",
    ],
)
def test_text_with_separators_is_not_taken_for_run_together(text: str) -> None:
    assert sniff(TextSource("t.txt", text)) == 0.0


ONE_LINE = (
    "附件:项目绩效自评表项目名称示例项目主管部门某某局绩效指标一级指标二级指标三级指标分值"
    "年度指标值全年实际值得分未完成原因及改进措施产出指标(60分)数量指标安装水标尺10≥266米≥266米10"
    "水标尺宽度10≥50厘米≥50厘米10质量指标验收合格率20100%100%20效益指标(30分)经济效益指标"
    "社会效益指标受益人口数10≥1000人≥1000人10群众生活条件改善状况20显著提升显著提升20"
    "……总分100100注:1.一级指标分值统一设置"
)


def test_a_whole_table_run_together_on_one_line_is_cut_into_its_rows() -> None:
    """The header inside the line, then row after row: each row ends where the cells after
    the name end and the next row (a label or a name) can start."""
    doc = _read(ONE_LINE)
    assert doc.source is not None and doc.source.layout == LAYOUT
    assert _rows(doc) == [
        ("产出指标", "数量指标", "安装水标尺", "≥266米"),
        ("产出指标", "数量指标", "水标尺宽度", "≥50厘米"),
        ("产出指标", "质量指标", "验收合格率", "100%"),
        ("效益指标", "社会效益指标", "受益人口数", "≥1000人"),
        ("效益指标", "社会效益指标", "群众生活条件改善状况", "显著提升"),
    ]
    for ind in doc.projects[0].indicators:
        assert ind.source is not None and ind.source.line == 1
