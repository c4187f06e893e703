"""The whole table kept in the store (issue 16): imported, read, versioned, exported as
documents — on SQLite and PostgreSQL."""

from __future__ import annotations

from jixiao.domain.model import Document, Indicator, Nature, Project
from jixiao.domain.values import Direction, parse_value
from jixiao.domain.workflow import Actor, Role
from jixiao.services import SYSTEM, Services, exports, tables

UNIT = Actor("danwei", Role.UNIT, unit="某单位")


def _document() -> Document:
    indicators = (
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
            "满意度指标",
            "服务对象满意度指标",
            "参训人员满意度",
            full_year=parse_value("≥90%"),
            weight=10,
            nature=Nature.QUALITATIVE,
        ),
    )
    project = Project(
        "代表培训",
        unit="某单位",
        fiscal_year=2024,
        start_year=2024,
        end_year=2026,
        annual_goal="完成全年代表培训任务",
        long_term_goal="三年内代表培训全覆盖",
        indicators=indicators,
    )
    return Document(2024, projects=(project,))


def test_every_field_is_stored_read_and_kept_in_the_approved_version(svc: Services) -> None:
    doc = _document()
    result = tables.import_document(svc.uow(), SYSTEM, doc, approved="公开文件")
    table_id = result.table_ids[0]
    detail = tables.get_table(svc.uow(), table_id)
    assert (detail.annual_goal, detail.long_term_goal) == (
        "完成全年代表培训任务",
        "三年内代表培训全覆盖",
    )
    first, second = detail.indicators
    assert (first.weight, first.direction, first.nature) == (
        30,
        Direction.POSITIVE,
        Nature.QUANTITATIVE,
    )
    assert (first.basis, first.explanation, first.standard, first.remark) == (
        "历年培训人次", "全年参加培训的人次", "完成得满分，未完成按比例扣分", "含线上培训")  # fmt: skip
    assert (second.weight, second.direction, second.nature) == (10, None, Nature.QUALITATIVE)
    assert second.basis == ""

    # the document read back from the store is the one imported
    stored, _ = tables.load_document(svc.uow(), tables.TableFilter())
    assert stored.projects[0] == doc.projects[0]
    # and so is the approved version, kept whole
    version = tables.get_version(svc.uow(), table_id, 1)
    assert version.snapshot["annual_goal"] == "完成全年代表培训任务"
    assert version.snapshot["indicators"][0]["direction"] == "positive"
    snapshot_doc = exports.version_document(svc.uow(), table_id, 1)
    assert snapshot_doc.projects[0] == doc.projects[0]


def test_an_edit_keeps_what_the_table_printed(svc: Services) -> None:
    result = tables.import_document(svc.uow(), SYSTEM, _document())
    table_id = result.table_ids[0]
    first = tables.get_table(svc.uow(), table_id).indicators[0]
    tables.save_indicator(
        svc.uow(), UNIT, table_id, {"full_year": "≥420人次"},
        indicator_id=first.id, expected_lock=first.lock,
    )  # fmt: skip
    after = tables.get_table(svc.uow(), table_id).indicators[0]
    assert after.full_year is not None and after.full_year.text == "≥420人次"
    assert (after.weight, after.direction, after.remark) == (30, Direction.POSITIVE, "含线上培训")
