"""Unit and department names cleaned of the notes printed beside a table's title."""

from __future__ import annotations

import pytest

from jixiao.domain.model import OverallTargets, Project
from jixiao.ingest._document import finish
from jixiao.ingest._vocab import clean_name


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("永德县明朗中学 金额单位：元", "永德县明朗中学"),
        ("单位:万元", ""),
        ("无锡市人大常委会（单位：万元）", "无锡市人大常委会"),
        ("填报单位：某某县财政局", "某某县财政局"),
        ("某某县财政局 填报日期：2024年3月1日", "某某县财政局"),
        ("中共黄石市委党校", "中共黄石市委党校"),
        ("单位工作经费管理中心", "单位工作经费管理中心"),  # 单位 inside a name stays
    ],
)
def test_clean_name(printed: str, name: str) -> None:
    assert clean_name(printed) == name


def test_the_document_carries_clean_names() -> None:
    doc = finish(
        [
            OverallTargets(
                unit="永德县明朗中学 金额单位：元", fiscal_year=2024, department="单位:万元"
            )
        ],
        [
            Project(
                name="校舍维修", unit="永德县明朗中学 （单位：元）", department="永德县教育体育局"
            )
        ],
        fiscal_year=2024,
        warnings=[],
        file="t.txt",
        sha256=None,
        layout="pipe",
    )
    assert doc.overall_targets[0].unit == "永德县明朗中学"
    assert doc.overall_targets[0].department is None
    assert (doc.projects[0].unit, doc.projects[0].department) == (
        "永德县明朗中学",
        "永德县教育体育局",
    )
