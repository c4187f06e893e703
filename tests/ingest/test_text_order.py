"""The reading-order reader (layout ``text-order``): tables whose cells a PDF text
extractor wrote out of reading order, rebuilt from what each cell is."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.model import Document, Project
from jixiao.ingest import IngestError, read_bytes
from jixiao.ingest._text import TextSource
from jixiao.ingest.text_order import read

CORPUS = Path(__file__).parents[1] / "corpus"


def _read(text: str) -> Document:
    return read(TextSource("dump.txt", text), sha256="0" * 64)


def _rows(p: Project) -> list[tuple[str, str, str, str | None, str | None]]:
    return [
        (
            i.level1,
            i.level2,
            i.name,
            i.half_year.text if i.half_year else None,
            i.full_year.text if i.full_year else None,
        )
        for i in p.indicators
    ]


HEAD = """2024年项目支出绩效目标表
项目名称
乡村道路养护
主管部门
某县交通运输局
"""


def test_labels_printed_apart_are_shared_out_by_order_and_by_what_the_names_say() -> None:
    """The labels of merged cells come as one column before the rows (pdftotext's order);
    the names say which row is which: 里程 a quantity, 优良率 quality, 成本 cost."""
    doc = _read(
        HEAD
        + """一级指标
二级指标
产出指标
数量指标
质量指标
成本指标
三级指标
半年指标值
全年指标值
养护道路里程
≥60公里
≥120公里
养护路段数
≥5个
≥10个
道路优良率
≥85%
≥90%
每公里养护成本
≤0.5万元
≤1万元
"""
    )
    (p,) = doc.projects
    assert p.name == "乡村道路养护"
    assert _rows(p) == [
        ("产出指标", "数量指标", "养护道路里程", "≥60公里", "≥120公里"),
        ("产出指标", "数量指标", "养护路段数", "≥5个", "≥10个"),
        ("产出指标", "质量指标", "道路优良率", "≥85%", "≥90%"),
        ("产出指标", "成本指标", "每公里养护成本", "≤0.5万元", "≤1万元"),
    ]
    assert doc.source is not None and doc.source.layout == "text-order"
    first = p.indicators[0]
    assert first.full_year is not None and first.full_year.source is not None
    assert first.full_year.source.line == 17  # each value keeps its line


def test_a_run_of_names_then_their_values_and_a_wrapped_name() -> None:
    doc = _read(
        HEAD
        + """一级指标 二级指标 三级指标 半年指标值 全年指标值
产出指标
数量指标
养护道路里程
养护路段数
≥60公里 ≥120公里
≥5个 ≥10个
时效指标 按期完成养护
任务的比例 ＝100% ＝100%
满意度指标 服务对象满意度指标 沿线群众满意度 ≥85% ≥90%
"""
    )
    (p,) = doc.projects
    assert _rows(p) == [
        ("产出指标", "数量指标", "养护道路里程", "≥60公里", "≥120公里"),
        ("产出指标", "数量指标", "养护路段数", "≥5个", "≥10个"),
        ("产出指标", "时效指标", "按期完成养护任务的比例", "＝100%", "＝100%"),
        ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥85%", "≥90%"),
    ]


def test_a_title_and_project_name_printed_after_the_table() -> None:
    """pdftotext -raw prints the title and the project name cell after the rows."""
    doc = _read(
        """编制单位：某县交通运输局
项目名称 项目类型 一般性项目
一级指标 二级指标 三级指标 指标值
产出指标 数量指标 养护道路里程 ≥120公里
满意度指标 服务对象满意度指标 沿线群众满意度 ≥90%
2024年项目支出绩效目标表
乡村道路养护
"""
    )
    (p,) = doc.projects
    assert (p.name, p.fiscal_year) == ("乡村道路养护", 2024)
    assert [i.name for i in p.indicators] == ["养护道路里程", "沿线群众满意度"]


def test_text_without_an_indicator_table_is_refused_naming_the_file() -> None:
    with pytest.raises(IngestError) as refused:
        _read("关于做好预算绩效管理工作的通知\n各单位：请按时报送。\n")
    assert "dump.txt" in str(refused.value)


@pytest.mark.parametrize("template", ["js-half-full", "sc-quant-qual"])
def test_corpus_reading_order_dumps_are_read_by_it(template: str) -> None:
    """pdftotext's reading-order dumps of the corpus go to this reader under ``auto``
    (the seed's block reader and the one-cell-per-line reader make less sense of them)."""
    path = CORPUS / template / f"{template}.stream.txt"
    doc = read_bytes(path.read_bytes(), path.name)
    assert doc.source is not None and doc.source.layout == "text-order"
    assert doc.indicator_count >= 25


TOKENS = st.sampled_from(
    [
        "项目名称",
        "测试",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "半年",
        "全年",
        "产出指标",
        "数量指标",
        "质量指标",
        "满意度指标",
        "成本指标",
        "≥90%",
        "＝10个",
        "≥",
        "90",
        "%",
        "定性",
        "较好",
        "2024年度",
        "项目支出绩效目标表",
        "满意度",
        "养护里程",
        "注：说明",
        "实际完成值",
        "得分",
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.lists(TOKENS, min_size=1, max_size=5), st.booleans()),
        max_size=40,
    )
)
def test_never_crashes(lines: list[tuple[list[str], bool]]) -> None:
    text = "".join(" ".join(cells) + ("\n\n" if blank else "\n") for cells, blank in lines)
    try:
        doc = _read(text)
    except IngestError as exc:
        message = str(exc)
    else:
        message = ""
        assert doc.source is not None and doc.source.file == "dump.txt"
    assert not message or "dump.txt" in message  # a refusal names the file
