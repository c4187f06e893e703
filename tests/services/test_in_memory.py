"""Use cases that need no SQL, on the in-memory unit of work (tests/services/fakes.py):
the workflow's permission checks and transitions, and the review of a unit's overall
table.  What needs the database (comments, history, versions read back) stays in
test_workflow.py on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.domain.model import Document
from jixiao.domain.review import review_overall, suggest_grade
from jixiao.domain.workflow import Actor, Role, Status
from jixiao.ingest import read_path
from jixiao.services import Invalid, NotFound, PermissionDenied, review, tables
from jixiao.store.models import ReviewRow, TableVersionRow
from jixiao.store.tables import overall_of
from tests.conftest import SEED
from tests.services.fakes import FakeUnitOfWork, table_row

UNIT = "无锡市人民代表大会常务委员会办公室"
DEPT = "无锡市人大常委会"
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
OTHER_UNIT = Actor("other", Role.UNIT, unit="某区财政局")
DEPT_ACTOR = Actor("zhuguan", Role.DEPARTMENT, department=DEPT)
FINANCE = Actor("caizheng", Role.FINANCE)
CONGRESS = Actor("renda", Role.CONGRESS)
PROJECT, OVERALL = 1, 2


@pytest.fixture(scope="module")
def seed() -> Document:
    return read_path(SEED)


@pytest.fixture
def uow(seed: Document) -> FakeUnitOfWork:
    """The seed's training project and its unit's overall table, as drafts, in memory."""
    project = next(p for p in seed.projects if p.name == "人大代表履职培训费")
    overall = next(o for o in seed.overall_targets if o.unit == UNIT)
    return FakeUnitOfWork(
        [table_row(PROJECT, project, unit_department=DEPT), table_row(OVERALL, overall)]
    )


def test_roles_are_enforced(uow: Any) -> None:
    with pytest.raises(PermissionDenied, match="本单位"):
        tables.submit(uow, OTHER_UNIT, PROJECT)
    with pytest.raises(PermissionDenied, match="无权提交"):
        tables.submit(uow, FINANCE, PROJECT)
    with pytest.raises(PermissionDenied, match="状态为“草稿”"):
        tables.review(uow, FINANCE, PROJECT, "优", "ok")
    tables.submit(uow, UNIT_ACTOR, PROJECT)
    other_dept = Actor("x", Role.DEPARTMENT, department="别的部门")
    with pytest.raises(PermissionDenied, match="本部门"):
        tables.review(uow, other_dept, PROJECT, "优", "ok")
    with pytest.raises(PermissionDenied, match="无权审核"):
        tables.review(uow, CONGRESS, PROJECT, "优", "ok")
    with pytest.raises(Invalid, match="审核等级"):
        tables.review(uow, FINANCE, PROJECT, "A", "ok")
    with pytest.raises(Invalid, match="审核意见"):
        tables.review(uow, FINANCE, PROJECT, "优", " ")
    tables.review(uow, DEPT_ACTOR, PROJECT, "良", "基本可行")
    with pytest.raises(PermissionDenied, match="无权批复"):
        tables.approve(uow, DEPT_ACTOR, PROJECT)
    # 人大 comments on approved tables (not on drafts or tables under review).
    with pytest.raises(PermissionDenied, match="只能评论已批复"):
        tables.comment(uow, CONGRESS, PROJECT, "审核中")
    tables.approve(uow, FINANCE, PROJECT)


def test_each_step_is_audited_with_its_table_and_committed(uow: Any) -> None:
    assert tables.submit(uow, UNIT_ACTOR, PROJECT) is Status.SUBMITTED
    assert tables.review(uow, DEPT_ACTOR, PROJECT, "良", "基本可行") is Status.REVIEWED
    assert tables.approve(uow, FINANCE, PROJECT) is Status.APPROVED
    assert [(e.actor, e.action, e.table_id) for e in uow.entries] == [
        ("danwei", "submit", PROJECT),
        ("zhuguan", "review", PROJECT),
        ("caizheng", "approve", PROJECT),
    ]
    assert uow.entries[0].before == {"status": "draft", "version": 1}
    assert uow.entries[1].after["grade"] == "良"
    assert uow.tables.locked == [PROJECT, PROJECT, PROJECT]
    # The review is kept with its opinion, the approved version whole.
    (opinion,) = [r for r in uow.session.added if isinstance(r, ReviewRow)]
    assert (opinion.reviewer, opinion.grade, opinion.opinion) == ("zhuguan", "良", "基本可行")
    (version,) = [r for r in uow.session.added if isinstance(r, TableVersionRow)]
    assert version.number == 1 and version.approved_by == "caizheng"
    assert version.snapshot["status"] == "approved"
    assert len(version.snapshot["indicators"]) == len(uow.tables.get(PROJECT).indicators)


def test_a_refused_step_commits_nothing(uow: Any) -> None:
    with pytest.raises(PermissionDenied):
        tables.submit(uow, OTHER_UNIT, PROJECT)
    with pytest.raises(NotFound, match="绩效目标表 99 不存在"):
        tables.submit(uow, UNIT_ACTOR, 99)
    assert not uow.committed and uow.entries == []
    assert uow.tables.get(PROJECT).status == "draft"


def test_an_empty_table_cannot_be_submitted(uow: Any) -> None:
    uow.tables.get(PROJECT).indicators = []
    with pytest.raises(Invalid, match="空的绩效目标表不能提交"):
        tables.submit(uow, UNIT_ACTOR, PROJECT)
    assert uow.entries == []


def test_reading_a_table_is_scoped(uow: Any) -> None:
    ref = tables.require_read(uow, UNIT_ACTOR, PROJECT)
    assert (ref.unit, ref.department, ref.status) == (UNIT, DEPT, Status.DRAFT)
    with pytest.raises(PermissionDenied):
        tables.require_read(uow, OTHER_UNIT, PROJECT)
    with pytest.raises(PermissionDenied):  # 人大 reads approved tables only
        tables.require_read(uow, CONGRESS, PROJECT)
    with pytest.raises(NotFound):
        tables.require_read(uow, UNIT_ACTOR, 99)


def test_the_review_of_an_overall_table_is_the_engines(uow: Any) -> None:
    result = review.review_table(uow, OVERALL, actor=UNIT_ACTOR)
    found = review_overall(overall_of(uow.tables.get(OVERALL)))
    assert result.findings == tuple(found)
    assert (result.grade, result.reasons) == suggest_grade(found)
    with pytest.raises(PermissionDenied):
        review.review_table(uow, OVERALL, actor=OTHER_UNIT)
