"""Actuals in the database: saving (all or nothing, audited), manual scores, monitoring and
evaluation of stored reports, and last year's actuals for JX310 (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jixiao.domain.actuals import ActualsDocument
from jixiao.domain.model import Period
from jixiao.domain.scoring import score_overall, score_project
from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.interchange.actuals import load_actuals
from jixiao.services import (
    Conflict,
    Invalid,
    NotFound,
    PermissionDenied,
    Services,
    actuals,
    audit,
    demo,
    imports,
    review,
    tables,
)
from jixiao.store.models import ActualItemRow, ActualReportRow, AuditRow
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
UNIT_ACTOR = Actor("danwei", Role.UNIT, unit=UNIT)
OTHER_UNIT = Actor("other", Role.UNIT, unit="某区财政局")
FINANCE = Actor("caizheng", Role.FINANCE)
CONGRESS = Actor("renda", Role.CONGRESS)
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def _example(period: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (EXAMPLES / f"seed-actuals-2023-{period}.json").read_text(encoding="utf-8")
    )
    return data


def _doc(data: dict[str, Any]) -> ActualsDocument:
    return load_actuals(data, where="test.json")


@pytest.fixture
def approved(svc: Services) -> Services:
    """The seed imported with its demo users and every table approved."""
    created = demo.set_up(svc, read_path(SEED))
    demo.approve_all(svc, created)
    return svc


def _table(svc: Services, name: str, kind: str = "project") -> int:
    rows, _ = tables.list_tables(svc.uow(), tables.TableFilter(kind=kind, limit=100))
    return next(r.id for r in rows if kind == "overall" or r.name == name)


def _count(svc: Services, model: type) -> int:
    with svc.session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_save_the_year_end_file_and_score_it_as_the_domain_does(approved: Services) -> None:
    data = _example("full-year")
    result = actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data), where="full.json")
    assert result.period is Period.FULL_YEAR
    assert len(result.reports) == len(data["projects"]) + 1
    assert all(r.created for r in result.reports)
    # What is stored scores exactly as the file does when scored directly.
    document = read_path(SEED)
    direct = {
        p.name: score_project(p, a)
        for p, a in zip(
            document.projects,
            [
                next(x for x in _doc(data).projects if x.project == p.name)
                for p in document.projects
            ],
            strict=True,
        )
    }
    evaluation = actuals.evaluate_unit(approved.uow(), UNIT, 2023)
    assert [p.name for p in evaluation.projects] == [p.name for p in document.projects]
    for item in evaluation.projects:
        assert item.score == direct[item.name]
    assert evaluation.overall is not None and evaluation.overall.score is not None
    assert evaluation.overall.score == score_overall(
        document.overall_targets[0], _doc(data).overall[0]
    )
    totals = [p.score.total for p in evaluation.projects if p.score]
    # half up on the exact mean: 779.96 / 8 = 97.495 → 97.50 (float round gives 97.49)
    exact = sum(Fraction(str(t)) for t in totals) / len(totals)
    assert evaluation.average == float(Fraction(math.floor(exact * 100 + Fraction(1, 2)), 100))
    assert sum(evaluation.grades.values()) == len(totals)
    # One audit entry per report, with the report after.
    with approved.session() as s:
        entries = s.execute(select(AuditRow).where(AuditRow.action == "actuals.save")).scalars()
        entries = list(entries)
    assert len(entries) == len(result.reports)
    assert all(e.before is None and e.after["period"] == "full_year" for e in entries)
    assert audit.verify_chain(approved.uow()).ok


def test_saving_again_replaces_the_report_and_audits_before_and_after(
    approved: Services,
) -> None:
    data = _example("full-year")
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    reports, items = _count(approved, ActualReportRow), _count(approved, ActualItemRow)
    data["projects"][0]["actuals"]["人大代表履职培训情况"] = "＝400人次"
    result = actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    assert not any(r.created for r in result.reports)
    assert (_count(approved, ActualReportRow), _count(approved, ActualItemRow)) == (reports, items)
    tid = _table(approved, "人大代表履职培训费")
    stored = actuals.report(approved.uow(), tid, "full_year")
    assert stored is not None
    value = stored.actual("人大代表履职培训情况")
    assert value is not None and value.value is not None and value.value.text == "＝400人次"
    with approved.session() as s:
        last = (
            s.execute(
                select(AuditRow)
                .where(AuditRow.action == "actuals.save", AuditRow.table_id == tid)
                .order_by(AuditRow.seq.desc())
            )
            .scalars()
            .first()
        )
    assert last is not None
    before = {i["name"]: i["value"] for i in last.before["items"]}
    after = {i["name"]: i["value"] for i in last.after["items"]}
    assert before["人大代表履职培训情况"] == "＝470人次"
    assert after["人大代表履职培训情况"] == "＝400人次"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["projects"].append({"name": "不存在的项目", "actuals": {}}),
            "项目“不存在的项目”没有单位“无锡市人民代表大会常务委员会办公室”的2023 年度项目绩效目标表",
        ),
        (
            lambda d: d["projects"][0]["actuals"].update({"不存在的指标": "1次"}),
            "项目“人大代表履职培训费”没有指标“不存在的指标”",
        ),
        (
            lambda d: d["projects"][0]["actuals"].update({"人大代表履职培训情况": "很多"}),
            "项目“人大代表履职培训费”指标“人大代表履职培训情况”的完成值“很多”不是数值",
        ),
        (
            lambda d: d["overall"][0]["actuals"].update({"不存在的工作": "1次"}),
            "单位“无锡市人民代表大会常务委员会办公室”（部门整体）没有工作任务“不存在的工作”",
        ),
    ],
)
def test_a_file_with_an_error_saves_nothing_and_names_the_item(
    approved: Services, change: Any, expected: str
) -> None:
    data = _example("full-year")
    change(data)
    with pytest.raises(actuals.Refused) as caught:
        actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data), where="bad.json")
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    assert caught.value.message.startswith("bad.json：发现")
    assert "未保存任何数据" in caught.value.message
    assert _count(approved, ActualReportRow) == 0
    with approved.session() as s:
        assert not s.execute(select(AuditRow).where(AuditRow.action == "actuals.save")).first()


def test_every_problem_is_listed_at_once(approved: Services) -> None:
    data = _example("full-year")
    data["projects"][0]["actuals"]["人大代表履职培训情况"] = "很多"
    data["projects"][1]["actuals"]["不存在的指标"] = "1次"
    data["projects"][2]["manual_scores"] = {"参会代表满意度": {"score": 99, "reason": "超出分值"}}
    with pytest.raises(actuals.Refused) as caught:
        actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert "人大代表履职培训情况" in problems[0]
    assert "不存在的指标" in problems[1]
    assert "参会代表满意度" in problems[2] and "人代会会议经费" in problems[2]


def test_a_manual_score_outside_its_qualitative_band_is_refused(approved: Services) -> None:
    # A qualitative target, reported 部分达成: its band is [60%, 80%) of the weight.
    tid = _table(approved, "人大代表履职培训费")
    detail = tables.get_table(approved.uow(), tid)
    data = _example("full-year")
    data["projects"] = [data["projects"][0]]
    del data["overall"]
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    row = detail.indicators[0]
    with pytest.raises(Invalid, match="人工评分"):
        actuals.set_manual_score(approved.uow(), UNIT_ACTOR, tid, row.id, 1000, "录入错误")
    with pytest.raises(Invalid, match="理由"):
        actuals.set_manual_score(approved.uow(), UNIT_ACTOR, tid, row.id, 5, "  ")
    evaluation = actuals.evaluate_table(approved.uow(), tid)
    assert evaluation.score is not None
    assert not any(i.manual for i in evaluation.score.indicators)


def test_manual_score_is_applied_kept_and_audited(approved: Services) -> None:
    data = _example("full-year")
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    tid = _table(approved, "人大代表履职培训费")
    detail = tables.get_table(approved.uow(), tid)
    row = detail.indicators[0]  # 人大代表履职培训情况: ＝461人次, reported ＝470人次
    before = actuals.evaluate_table(approved.uow(), tid).score
    assert before is not None
    weight = before.indicators[0].weight
    # Finance marks the far-exceeded count down: the target was set too low (明显偏低).
    score = actuals.set_manual_score(
        approved.uow(), FINANCE, tid, row.id, weight - 1, "目标设定明显偏低，酌情扣分"
    )
    assert score.indicators[0].score == round(weight - 1, 2)
    assert score.indicators[0].manual
    assert score.total == round(before.total - 1, 2)
    # The unit saving its file again keeps the reviewer's manual score.
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    again = actuals.evaluate_table(approved.uow(), tid).score
    assert again is not None and again.indicators[0].manual
    with approved.session() as s:
        entry = s.execute(select(AuditRow).where(AuditRow.action == "score.adjust")).scalar_one()
    assert entry.actor == "caizheng"
    assert entry.before == {"name": row.name, "score": None, "reason": None}
    assert entry.after == {
        "name": row.name,
        "score": weight - 1,
        "reason": "目标设定明显偏低，酌情扣分",
    }
    # Cleared with a reason: back to the automatic score.
    cleared = actuals.set_manual_score(approved.uow(), FINANCE, tid, row.id, None, "复核后恢复")
    assert cleared.total == before.total
    with pytest.raises(PermissionDenied):
        actuals.set_manual_score(approved.uow(), CONGRESS, tid, row.id, 1, "人大不能评分")
    with pytest.raises(NotFound):
        actuals.set_manual_score(approved.uow(), FINANCE, tid, 999_999, 1, "没有这一行")


def test_only_the_unit_reports_and_only_on_approved_targets(svc: Services) -> None:
    created = demo.set_up(svc, read_path(SEED))
    data = _example("full-year")
    with pytest.raises(PermissionDenied, match=r"状态为“草稿”"):
        actuals.save_document(svc.uow(), UNIT_ACTOR, _doc(data))
    demo.approve_all(svc, created)
    with pytest.raises(Invalid, match="没有单位“某区财政局”"):
        actuals.save_document(svc.uow(), OTHER_UNIT, _doc(data))
    with pytest.raises(PermissionDenied):
        actuals.save_document(svc.uow(), FINANCE, _doc(data))
    assert _count(svc, ActualReportRow) == 0


def test_the_web_form_save_guards_against_lost_updates(approved: Services) -> None:
    tid = _table(approved, "代表活动经费")
    data = _example("full-year")
    mine = next(p for p in _doc(data).projects if p.project == "代表活动经费")
    saved = actuals.save_report(approved.uow(), UNIT_ACTOR, tid, mine)
    assert saved.created and saved.items == 4
    page = actuals.form(approved.uow(), tid, "full_year", UNIT_ACTOR)
    assert page.can_report and page.lock is not None
    assert [r.name for r in page.rows][:1] == ["保障参加活动的人大代表履职情况"]
    assert page.rows[2].actual is not None and page.rows[2].actual.deviation is not None
    actuals.save_report(
        approved.uow(), UNIT_ACTOR, tid, replace(mine, executed=99), expected_lock=page.lock
    )
    with pytest.raises(Conflict, match="请刷新"):
        actuals.save_report(approved.uow(), UNIT_ACTOR, tid, mine, expected_lock=page.lock)


def test_checkpoint_monitoring_of_stored_actuals(approved: Services) -> None:
    data = _example("half-year")
    result = actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    assert result.period is Period.HALF_YEAR
    monitoring = actuals.monitor_unit(approved.uow(), UNIT, 2023)
    assert len(monitoring.monitors) == len(data["projects"])
    assert len(monitoring.not_reported) == 8 - len(data["projects"])
    assert monitoring.summary is not None
    assert monitoring.summary.projects == len(data["projects"])
    first = data["projects"][0]
    tid = _table(approved, first["name"])
    monitor = actuals.monitor_table(approved.uow(), tid)
    assert monitor is not None
    month = data.get("month") or 6
    expected = first["executed"] / first["budget"] * 100 / (month / 12)
    assert monitor.time_adjusted == pytest.approx(expected)


def test_jx310_uses_last_years_stored_actuals(approved: Services) -> None:
    # Last year (2023) reported 470 人次 (target ＝461人次) and 95% satisfaction (target
    # ≥90%); this year's targets stay the same: JX310 fires on both, not on the rest.
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(_example("full-year")))
    document = read_path(SEED)
    project = next(p for p in document.projects if p.name == "人大代表履职培训费")
    from jixiao.domain.model import Document

    next_year = Document(fiscal_year=2024, projects=(replace(project, fiscal_year=2024),))
    tables.import_document(approved.uow(), demo.SYSTEM, next_year)
    rows, _ = tables.list_tables(approved.uow(), tables.TableFilter(year=2024))
    found = review.review_table(approved.uow(), rows[0].id)
    jx310 = [f for f in found.findings if f.code == "JX310"]
    assert len(jx310) == 2
    assert "人大代表履职培训情况" in jx310[0].message and "470人次" in jx310[0].message
    assert "参加履职培训的人大代表满意度" in jx310[1].message and "95%" in jx310[1].message
    # The 2023 table itself has no 2022 actuals: silent.
    rows, _ = tables.list_tables(approved.uow(), tables.TableFilter(year=2023, q=project.name))
    this_year = review.review_table(approved.uow(), rows[0].id)
    assert not [f for f in this_year.findings if f.code == "JX310"]


def test_a_report_that_leaves_a_row_out_keeps_its_manual_score(approved: Services) -> None:
    data = _example("full-year")
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    tid = _table(approved, "人大代表履职培训费")
    row = tables.get_table(approved.uow(), tid).indicators[0]
    actuals.set_manual_score(approved.uow(), FINANCE, tid, row.id, 24, "目标设定明显偏低")
    del data["projects"][0]["actuals"][row.name]
    actuals.save_document(approved.uow(), UNIT_ACTOR, _doc(data))
    stored = actuals.report(approved.uow(), tid, "full_year")
    assert stored is not None
    kept = stored.actual(row.name)
    assert kept is not None and kept.value is None
    assert kept.manual is not None and (kept.manual.score, kept.manual.reason) == (
        24,
        "目标设定明显偏低",
    )
    score = actuals.evaluate_table(approved.uow(), tid).score
    assert score is not None and score.indicators[0].score == 24 and score.indicators[0].manual


def test_a_published_self_evaluation_uploaded_after_approval_saves_its_actuals(
    svc: Services,
) -> None:
    """Imported as drafts the actuals wait (counted, not saved); once the targets are
    approved, the same published file uploaded as actuals saves them."""
    from jixiao.services import SYSTEM

    path = Path(__file__).parents[1] / "corpus" / "hb-self-eval" / "hb-self-eval.pdf"
    doc = read_path(path)
    result = tables.import_document(svc.uow(), SYSTEM, doc)
    assert (result.actuals, result.actuals_held) == (0, 3)
    assert _count(svc, ActualReportRow) == 0
    for table_id in result.table_ids:
        tables.record_approved(svc.uow(), SYSTEM, table_id, "公开文件")
    saved = actuals.import_file(svc.uow(), SYSTEM, path.name, path.read_bytes())
    assert saved.period is Period.FULL_YEAR and len(saved.reports) == 3
    assert _count(svc, ActualItemRow) == sum(len(p.indicators) for p in doc.actuals[0].projects)
    # A file without actuals is refused naming it and saying what was expected.
    seed = SEED.read_bytes()
    with pytest.raises(Invalid) as refused:
        imports.read_actuals(SEED.name, seed)
    assert SEED.name in refused.value.message and "自评表或监控表" in refused.value.message
