"""Inquiries (询问) in the database (SQLite and PostgreSQL): asked, answered, followed up
and closed by the right people only, every message audited, the thread kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jixiao.domain.workflow import Actor, Grade, Role
from jixiao.ingest import read_path
from jixiao.services import (
    Invalid,
    NotFound,
    PermissionDenied,
    Services,
    audit,
    demo,
    inquiries,
    tables,
)
from jixiao.store.models import AuditRow, TableFactRow
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
CONGRESS = Actor("renda", Role.CONGRESS)
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
OTHER_UNIT = Actor("other", Role.UNIT, unit="某区财政局")
OTHER_DEPARTMENT = Actor("zhuguan2", Role.DEPARTMENT, department="某某局")


@pytest.fixture
def seeded(svc: Services) -> tuple[Services, int]:
    demo.set_up(svc, read_path(SEED))
    with svc.session() as s:
        table_id = (
            s.execute(select(TableFactRow.table_id).where(TableFactRow.kind == "project"))
            .scalars()
            .first()
        )
    assert table_id is not None
    # Approved: 人大 and 审计 ask about approved tables (a 主管部门 and finance about any).
    finance = Actor("caizheng", Role.FINANCE)
    tables.submit(svc.uow(), UNIT_ACTOR, table_id)
    tables.review(svc.uow(), finance, table_id, Grade.EXCELLENT, "同意")
    tables.approve(svc.uow(), finance, table_id)
    return svc, table_id


def test_a_thread_from_question_to_closing(seeded: tuple[Services, int]) -> None:
    svc, table_id = seeded
    qid = inquiries.ask(
        svc.uow(), CONGRESS, table_id, "培训人次为何下降", "请说明目标低于上年的原因", position=0
    )
    assert inquiries.open_count(svc.uow(), UNIT_ACTOR) == 1
    assert inquiries.open_count(svc.uow(), OTHER_UNIT) == 0
    with pytest.raises(PermissionDenied):
        inquiries.answer(svc.uow(), OTHER_UNIT, qid, "不是我们的表")
    with pytest.raises(PermissionDenied):
        inquiries.answer(svc.uow(), CONGRESS, qid, "人大不能代答")
    with pytest.raises(Invalid):
        inquiries.answer(svc.uow(), UNIT_ACTOR, qid, "   ")
    inquiries.answer(svc.uow(), UNIT_ACTOR, qid, "代表人数调整，已据实测算")
    assert inquiries.open_count(svc.uow(), UNIT_ACTOR) == 0
    assert inquiries.open_count(svc.uow(), CONGRESS) == 1  # an answer to read
    inquiries.follow_up(svc.uow(), CONGRESS, qid, "请提供测算依据")
    inquiries.answer(svc.uow(), UNIT_ACTOR, qid, "依据已上传")
    inquiries.close(svc.uow(), CONGRESS, qid, "答复清楚")
    with pytest.raises(Invalid):
        inquiries.answer(svc.uow(), UNIT_ACTOR, qid, "再补充")
    (thread,) = inquiries.for_table(svc.uow(), table_id)
    assert thread.status == "closed" and thread.position == 0 and thread.item
    assert [(m.kind, m.author) for m in thread.messages] == [
        ("question", "renda"),
        ("answer", "danwei"),
        ("question", "renda"),
        ("answer", "danwei"),
        ("note", "renda"),
    ]
    assert [q.id for q in inquiries.listing(svc.uow(), UNIT_ACTOR)] == [qid]
    assert inquiries.listing(svc.uow(), OTHER_UNIT) == []
    with svc.session() as s:
        actions = (
            s.execute(
                select(AuditRow.action).where(AuditRow.entity == "inquiry").order_by(AuditRow.seq)
            )
            .scalars()
            .all()
        )
    assert actions == ["ask", "answer", "question", "answer", "note"]
    assert audit.verify_chain(svc.uow()).ok


def test_who_may_ask(seeded: tuple[Services, int]) -> None:
    svc, table_id = seeded
    with pytest.raises(PermissionDenied):
        inquiries.ask(svc.uow(), UNIT_ACTOR, table_id, "自问", "单位不能询问")
    with pytest.raises(PermissionDenied):
        inquiries.ask(svc.uow(), OTHER_DEPARTMENT, table_id, "别的部门", "不能询问")
    with pytest.raises(NotFound):
        inquiries.ask(svc.uow(), CONGRESS, table_id, "没有这一行", "…", position=999)
    with pytest.raises(Invalid):
        inquiries.ask(svc.uow(), CONGRESS, table_id, "", "没有主题")
    assert inquiries.for_table(svc.uow(), table_id) == []
