"""Separation of duties (docs/security.md, "Who writes what"), in the services on SQLite
and PostgreSQL: 审计 reads and asks but does not close 人大's inquiry; an inquiry belongs
to the side that asked it; a unit comments on its own tables only; 管理员 does not edit a
unit's actuals (the command line, on the server, still loads a unit's file)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from jixiao.domain.workflow import Action, Actor, Role, Status, TableRef
from jixiao.ingest import read_path
from jixiao.interchange.actuals import loads_actuals
from jixiao.services import (
    SYSTEM,
    PermissionDenied,
    Services,
    access,
    actuals,
    demo,
    inquiries,
    tables,
)
from jixiao.services.views import TableSummary
from jixiao.store.models import TableFactRow
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
CONGRESS = Actor("renda", Role.CONGRESS)
AUDIT = Actor("shenji", Role.AUDIT)
FINANCE = Actor("caizheng", Role.FINANCE)
ADMIN = Actor("guanli", Role.ADMIN)
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
OTHER_UNIT = Actor("other", Role.UNIT, unit="某区财政局")
FULL = Path(__file__).parents[2] / "docs" / "examples" / "seed-actuals-2023-full-year.json"


@pytest.fixture
def approved(svc: Services) -> tuple[Services, int]:
    """The seed, approved with its example actuals (as the demo sets it up), and one
    project table's id."""
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    with svc.session() as s:
        ids = s.execute(select(TableFactRow.table_id).where(TableFactRow.kind == "project"))
        table_id = ids.scalars().first()
    assert table_id is not None
    assert tables.get_table(svc.uow(), table_id).status is Status.APPROVED
    return svc, table_id


def test_an_inquiry_belongs_to_the_side_that_asked(approved: tuple[Services, int]) -> None:
    svc, table_id = approved
    qid = inquiries.ask(svc.uow(), CONGRESS, table_id, "培训人次", "请说明")
    inquiries.answer(svc.uow(), UNIT_ACTOR, qid, "已说明")
    for other in (AUDIT, FINANCE, ADMIN):
        with pytest.raises(PermissionDenied) as closing:
            inquiries.close(svc.uow(), other, qid, "办结")
        assert closing.value.message == "该询问由“人大监督”提出，只有提出方可以追问或办结"
        with pytest.raises(PermissionDenied):
            inquiries.follow_up(svc.uow(), other, qid, "再问")
    (thread,) = inquiries.for_table(svc.uow(), table_id)
    assert thread.status == "answered"  # nothing the others tried was kept
    inquiries.close(svc.uow(), Actor("renda2", Role.CONGRESS), qid, "人大的另一位用户办结")
    assert inquiries.for_table(svc.uow(), table_id)[0].status == "closed"
    # 审计 owns its own inquiries the same way.
    own = inquiries.ask(svc.uow(), AUDIT, table_id, "资金", "请说明")
    with pytest.raises(PermissionDenied):
        inquiries.close(svc.uow(), CONGRESS, own)
    inquiries.close(svc.uow(), AUDIT, own)


def test_audit_and_congress_only_read_comment_and_ask() -> None:
    approved = TableRef(UNIT, "无锡市人大常委会", Status.APPROVED)
    for who in (AUDIT, CONGRESS):
        allowed = {a for a in Action if access.allowed(who, a, approved)}
        assert allowed == {Action.COMMENT}, who
        assert access.allowed(who, access.Read.TABLE, approved)
        assert access.allowed(who, access.Read.ASK, approved)


def test_a_unit_comments_on_its_own_tables_only(approved: tuple[Services, int]) -> None:
    svc, table_id = approved
    with pytest.raises(PermissionDenied) as refused:
        tables.comment(svc.uow(), OTHER_UNIT, table_id, "别的单位的意见")
    assert refused.value.message == "只能评论本单位（某区财政局）的绩效目标表"
    assert tables.get_table(svc.uow(), table_id).comments == ()
    tables.comment(svc.uow(), UNIT_ACTOR, table_id, "本单位的说明")
    assert len(tables.get_table(svc.uow(), table_id).comments) == 1


def test_an_administrator_does_not_edit_a_units_actuals(approved: tuple[Services, int]) -> None:
    svc, _ = approved
    doc = loads_actuals(FULL.read_bytes(), where=FULL.name)
    first = doc.projects[0]
    changed = replace(
        doc, projects=(replace(first, execution_reason="管理员改的"), *doc.projects[1:])
    )
    ids = [t.id for t in _all(svc)]
    before = actuals.stored_actuals(svc.uow(), ids)
    with pytest.raises(PermissionDenied) as refused:
        actuals.save_document(svc.uow(), ADMIN, changed, where=FULL.name)
    assert "无权填报完成情况" in refused.value.message
    assert actuals.stored_actuals(svc.uow(), ids) == before
    # The command line on the server (SYSTEM) loads the unit's file for it.
    saved = actuals.save_document(svc.uow(), SYSTEM, changed, where=FULL.name)
    assert saved.reports
    assert actuals.stored_actuals(svc.uow(), ids) != before


def _all(svc: Services) -> list[TableSummary]:
    return tables.list_tables(svc.uow(), tables.TableFilter(limit=500))[0]
