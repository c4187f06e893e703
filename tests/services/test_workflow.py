"""The use cases end to end on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from jixiao.domain.workflow import Action, Actor, Role, Status
from jixiao.ingest import read_bytes, read_path
from jixiao.services import (
    SYSTEM,
    Conflict,
    Duplicate,
    Invalid,
    NotFound,
    PermissionDenied,
    Services,
    audit,
    tables,
    users,
)
from jixiao.store.models import IndicatorRow, TargetTableRow
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
DEPT = "无锡市人大常委会"
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
OTHER_UNIT = Actor("other", Role.UNIT, unit="某区财政局")
DEPT_ACTOR = Actor("zhuguan", Role.DEPARTMENT, department=DEPT)
FINANCE = Actor("caizheng", Role.FINANCE)
CONGRESS = Actor("renda", Role.CONGRESS)


@pytest.fixture
def seeded(svc: Services) -> Services:
    tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
    return svc


def _project(svc: Services, name: str = "人大代表履职培训费") -> int:
    rows, _ = tables.list_tables(svc.uow(), tables.TableFilter(q=name, kind="project"))
    return rows[0].id


def _count(svc: Services, model: type) -> int:
    with svc.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_import_creates_every_table(seeded: Services) -> None:
    rows, total = tables.list_tables(seeded.uow(), tables.TableFilter())
    assert total == 9
    assert {r.kind for r in rows} == {"overall", "project"}
    assert _count(seeded, IndicatorRow) == 32
    overall = next(r for r in rows if r.kind == "overall")
    assert overall.rows == 13
    assert overall.department == DEPT
    detail = tables.get_table(seeded.uow(), _project(seeded))
    first = detail.indicators[0]
    assert first.full_year is not None and first.full_year.text == "＝461人次"
    assert first.full_year.source is not None and first.full_year.source.line == 119
    assert detail.status is Status.DRAFT
    assert detail.source_file is not None and detail.source_file.endswith(SEED.name)


def test_reimport_of_the_same_source_is_detected(seeded: Services) -> None:
    with pytest.raises(Duplicate, match="同一文件"):
        tables.import_document(seeded.uow(), SYSTEM, read_path(SEED))
    assert _count(seeded, TargetTableRow) == 9


def test_import_is_all_or_nothing(seeded: Services) -> None:
    # Same tables from a different file (another hash): refused whole, nothing added.
    changed = read_bytes(SEED.read_bytes() + b"\n\n\n", "copy.txt")
    preview = tables.preview_import(seeded.uow(), SYSTEM, changed)
    assert not preview.importable
    assert all(t.exists for t in preview.tables)
    with pytest.raises(Invalid, match="已在系统中"):
        tables.import_document(seeded.uow(), SYSTEM, changed)
    assert _count(seeded, TargetTableRow) == 9


def test_unit_may_import_only_its_own_tables(svc: Services) -> None:
    with pytest.raises(PermissionDenied, match="只能导入本单位"):
        tables.import_document(svc.uow(), OTHER_UNIT, read_path(SEED))
    with pytest.raises(PermissionDenied):
        tables.import_document(svc.uow(), CONGRESS, read_path(SEED))
    assert _count(svc, TargetTableRow) == 0
    tables.import_document(svc.uow(), UNIT_ACTOR, read_path(SEED))
    assert _count(svc, TargetTableRow) == 9


def test_filters(seeded: Services) -> None:
    f = tables.TableFilter
    assert tables.list_tables(seeded.uow(), f(year=2023))[1] == 9
    assert tables.list_tables(seeded.uow(), f(year=2022))[1] == 0
    assert tables.list_tables(seeded.uow(), f(department=DEPT))[1] == 9
    assert tables.list_tables(seeded.uow(), f(q="信访"))[1] == 1
    assert tables.list_tables(seeded.uow(), f(status=Status.APPROVED))[1] == 0
    assert tables.list_tables(seeded.uow(), f(kind="overall"))[1] == 1
    options = tables.filter_options(seeded.uow())
    assert options["years"] == [2023]
    assert options["departments"] == [DEPT]


def test_full_workflow_with_adjustment_and_versions(seeded: Services) -> None:
    tid = _project(seeded)
    detail = tables.get_table(seeded.uow(), tid, UNIT_ACTOR)
    assert detail.actions == {Action.EDIT, Action.SUBMIT, Action.COMMENT}
    ind = detail.indicators[0]
    tables.save_indicator(
        seeded.uow(),
        UNIT_ACTOR,
        tid,
        {"full_year": "＝480人次"},
        indicator_id=ind.id,
        expected_lock=ind.lock,
    )
    assert tables.submit(seeded.uow(), UNIT_ACTOR, tid) is Status.SUBMITTED
    # 中/差 send it back to the unit.
    assert tables.review(seeded.uow(), DEPT_ACTOR, tid, "中", "数量指标偏低") is Status.DRAFT
    assert tables.submit(seeded.uow(), UNIT_ACTOR, tid) is Status.SUBMITTED
    assert tables.review(seeded.uow(), FINANCE, tid, "优", "同意") is Status.REVIEWED
    assert tables.approve(seeded.uow(), FINANCE, tid) is Status.APPROVED
    locked = tables.get_table(seeded.uow(), tid, UNIT_ACTOR)
    assert locked.actions == {Action.ADJUST, Action.COMMENT, Action.REPORT, Action.RESCORE}
    with pytest.raises(PermissionDenied, match="须通过调整修改"):
        tables.save_indicator(
            seeded.uow(),
            UNIT_ACTOR,
            tid,
            {"full_year": "＝1人次"},
            indicator_id=ind.id,
            expected_lock=locked.indicators[0].lock,
        )
    with pytest.raises(Invalid, match="调整须说明理由"):
        tables.adjust(seeded.uow(), UNIT_ACTOR, tid, "  ")
    assert tables.adjust(seeded.uow(), UNIT_ACTOR, tid, "年中预算调整，培训人次增加") == 2
    adjusted = tables.get_table(seeded.uow(), tid, UNIT_ACTOR)
    tables.save_indicator(
        seeded.uow(),
        UNIT_ACTOR,
        tid,
        {"full_year": "＝520人次"},
        indicator_id=ind.id,
        expected_lock=adjusted.indicators[0].lock,
    )
    tables.submit(seeded.uow(), UNIT_ACTOR, tid)
    tables.review(seeded.uow(), FINANCE, tid, "良", "同意调整")
    tables.approve(seeded.uow(), FINANCE, tid)
    final = tables.get_table(seeded.uow(), tid)
    assert final.versions == (1, 2)
    v1 = tables.get_version(seeded.uow(), tid, 1)
    v2 = tables.get_version(seeded.uow(), tid, 2)
    assert v1.snapshot["indicators"][0]["full_year"]["text"] == "＝480人次"
    assert v2.snapshot["indicators"][0]["full_year"]["text"] == "＝520人次"
    assert v2.reason == "年中预算调整，培训人次增加"
    assert [r.grade for r in final.reviews] == ["中", "优", "良"]
    with pytest.raises(NotFound):
        tables.get_version(seeded.uow(), tid, 3)
    actions = [h.action for h in tables.history(seeded.uow(), tid)]
    assert actions[0] == "approve"
    assert actions.count("update") == 2
    assert actions[-1] == "import"
    assert audit.verify_chain(seeded.uow()).ok


def test_congress_comments_on_approved_tables_only(seeded: Services) -> None:
    """Comments, audited, on the database; the workflow's permission checks run on the
    in-memory unit of work (test_in_memory.py, test_roles_are_enforced)."""
    tid = _project(seeded)
    tables.submit(seeded.uow(), UNIT_ACTOR, tid)
    tables.review(seeded.uow(), DEPT_ACTOR, tid, "良", "基本可行")
    # 人大 comments on approved tables (not on drafts or tables under review), audited.
    with pytest.raises(PermissionDenied, match="只能评论已批复"):
        tables.comment(seeded.uow(), CONGRESS, tid, "审核中")
    tables.approve(seeded.uow(), FINANCE, tid)
    c = tables.comment(seeded.uow(), CONGRESS, tid, "请说明培训人次的测算依据")
    assert c.author == "renda"
    assert tables.history(seeded.uow(), tid)[0].action == "comment"


def test_stale_edit_is_a_conflict_and_nothing_is_lost(seeded: Services) -> None:
    tid = _project(seeded)
    ind = tables.get_table(seeded.uow(), tid).indicators[0]
    first = tables.save_indicator(
        seeded.uow(),
        UNIT_ACTOR,
        tid,
        {"full_year": "＝470人次"},
        indicator_id=ind.id,
        expected_lock=ind.lock,
    )
    with pytest.raises(Conflict) as caught:
        tables.save_indicator(
            seeded.uow(),
            UNIT_ACTOR,
            tid,
            {"full_year": "＝999人次"},
            indicator_id=ind.id,
            expected_lock=ind.lock,
        )
    assert "已被 danwei" in caught.value.message
    assert caught.value.current["full_year"]["text"] == "＝470人次"
    stored = tables.get_table(seeded.uow(), tid).indicators[0]
    assert stored.full_year is not None and stored.full_year.text == "＝470人次"
    assert stored.lock == first.lock


def test_edit_validation_names_the_field(seeded: Services) -> None:
    tid = _project(seeded)
    ind = tables.get_table(seeded.uow(), tid).indicators[0]

    def save(fields: dict[str, str | None]) -> None:
        tables.save_indicator(
            seeded.uow(), UNIT_ACTOR, tid, fields, indicator_id=ind.id, expected_lock=ind.lock
        )

    for fields, field in [
        ({"full_year": "很多"}, "full_year"),
        ({"half_year": "≥**%"}, "half_year"),
        ({"name": "  "}, "name"),
        ({"level2": "服务对象满意度指标"}, "level2"),
        ({"level1": "效果"}, "level1"),
    ]:
        with pytest.raises(Invalid) as caught:
            save(fields)
        assert caught.value.field == field, fields
    unchanged = tables.get_table(seeded.uow(), tid).indicators[0]
    assert unchanged.lock == ind.lock


def test_create_and_delete_rows(seeded: Services) -> None:
    tid = _project(seeded)
    new = tables.save_indicator(
        seeded.uow(),
        UNIT_ACTOR,
        tid,
        {
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "代表履职能力提升",
            "full_year": "≥90%",
        },
    )
    detail = tables.get_table(seeded.uow(), tid)
    assert [i.name for i in detail.indicators][-1] == "代表履职能力提升"
    assert new.level1 == "效益指标" and new.position == 4
    with pytest.raises(Conflict):
        tables.delete_indicator(seeded.uow(), UNIT_ACTOR, tid, new.id, new.lock + 1)
    tables.delete_indicator(seeded.uow(), UNIT_ACTOR, tid, new.id, new.lock)
    assert len(tables.get_table(seeded.uow(), tid).indicators) == 4
    overall = tables.list_tables(seeded.uow(), tables.TableFilter(kind="overall"))[0][0].id
    goal = tables.get_table(seeded.uow(), overall).goals[-1]
    saved = tables.save_goal(
        seeded.uow(),
        UNIT_ACTOR,
        overall,
        {"target": "≥95%"},
        goal_id=goal.id,
        expected_lock=goal.lock,
    )
    assert saved.target is not None and saved.target.op is not None
    assert saved.work == goal.work
    with pytest.raises(Invalid) as caught:
        tables.save_goal(
            seeded.uow(),
            UNIT_ACTOR,
            overall,
            {"work": ""},
            goal_id=goal.id,
            expected_lock=saved.lock,
        )
    assert caught.value.field == "work"
    histories = {h.entity for h in tables.history(seeded.uow(), tid)}
    assert {"indicator", "table"} <= histories


def test_users_passwords_and_tokens(svc: Services) -> None:
    user = users.add_user(svc.uow(), "system", "danwei", "correct-horse", "unit", unit=UNIT)
    assert user.unit == UNIT
    with pytest.raises(Duplicate, match="已存在"):
        users.add_user(svc.uow(), "system", "danwei", "correct-horse", "unit", unit=UNIT)
    with pytest.raises(Invalid, match="未知角色"):
        users.add_user(svc.uow(), "system", "x", "correct-horse", "boss")
    with pytest.raises(Invalid, match="密码至少"):
        users.add_user(svc.uow(), "system", "y", "short", "finance")
    with pytest.raises(Invalid, match="所属单位"):
        users.add_user(svc.uow(), "system", "z", "long-enough", "unit")
    actor = users.authenticate(svc.uow(), "danwei", "correct-horse")
    assert actor == Actor("danwei", Role.UNIT, unit=UNIT)
    assert users.authenticate(svc.uow(), "danwei", "wrong-password") is None
    assert users.authenticate(svc.uow(), "nobody", "correct-horse") is None
    with svc.session() as s:
        from jixiao.store.models import UserRow

        stored = s.execute(select(UserRow.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    token = users.create_token(svc.uow(), "danwei", "script")
    assert users.actor_for_token(svc.uow(), token) == actor
    assert users.actor_for_token(svc.uow(), token + "x") is None


def test_review_a_stored_table(seeded: Services) -> None:
    from jixiao.domain.workflow import Grade
    from jixiao.services import review

    tid = _project(seeded, "《人大之声》制作经费")
    result = review.review_table(seeded.uow(), tid)
    codes = [f.code for f in result.findings]
    assert "JX101" in codes and "JX106" in codes
    assert result.grade is Grade.FAIR
    opinion = result.opinion()
    assert opinion.startswith("经审核，发现以下问题：")
    assert "缺少效益指标" in opinion
    with pytest.raises(NotFound):
        review.review_table(seeded.uow(), 99999)


def test_row_edits_touch_the_table_and_conflicts_speak_local_time(
    seeded: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    tid = _project(seeded)
    before = tables.get_table(seeded.uow(), tid)
    ind = before.indicators[0]
    tables.save_indicator(
        seeded.uow(),
        UNIT_ACTOR,
        tid,
        {"name": "培训人次"},
        indicator_id=ind.id,
        expected_lock=ind.lock,
    )
    summary = tables.list_tables(seeded.uow(), tables.TableFilter(q="人大代表履职培训费"))[0][0]
    imported_at = tables.history(seeded.uow(), tid)[-1].at
    assert summary.updated_at.replace(tzinfo=None) > datetime.fromisoformat(imported_at).replace(
        tzinfo=None
    )
    monkeypatch.setenv("JIXIAO_TZ", "Asia/Shanghai")
    edited = tables.history(seeded.uow(), tid)[0].at
    with pytest.raises(Conflict) as caught:
        tables.save_indicator(
            seeded.uow(),
            UNIT_ACTOR,
            tid,
            {"name": "x"},
            indicator_id=ind.id,
            expected_lock=ind.lock,
        )
    assert tables.local_time(edited) in caught.value.message
    utc = datetime.fromisoformat(edited)
    assert tables.local_time(edited) == (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
