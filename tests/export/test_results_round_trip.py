"""The self-evaluation (自评表) and monitoring (监控表) workbooks, and their PDFs, read back
by jixiao's own readers give the data they were made from: the targets, the funds and
every actual a unit reports (values, forecasts, likelihoods, deviation reasons with their
category, measures, manual scores, 不适用), and scoring or monitoring what was read back
gives the same scores and lights.  What jixiao computed (rates, lights, 判断依据, findings,
grades) is reported as not imported, never read as data.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from jixiao.domain.actuals import (
    ActualsDocument,
    Deviation,
    DeviationCategory,
    ManualScore,
    ProjectActuals,
    pair,
)
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.monitoring import (
    MonitoringConfig,
    ProjectMonitor,
    by_unit,
    monitor_project,
    summarize,
)
from jixiao.domain.scoring import ProjectScore, score_overall, score_project
from jixiao.export import monitoring_workbook, self_evaluation_workbook
from jixiao.export.pdf import workbook_pdf
from jixiao.ingest import read_bytes
from tests.export.conftest import Overall

Items = list[tuple[Project, ProjectActuals, ProjectScore]]

# What reading a computed workbook may say: the summary sheet is a list, computed columns
# (执行率, 得分, 自评等级, lights, 判断依据) and the findings have no place in the data.
NOT_IMPORTED = {"ingest.summary-table", "ingest.actuals-not-imported", "ingest.unused-text"}


def _read(data: bytes, fmt: str, name: str) -> Document:
    return read_bytes(workbook_pdf(data) if fmt == "pdf" else data, f"{name}.{fmt}")


def _reported(actuals: ProjectActuals) -> tuple[Any, ...]:
    """What a unit reports (the published 分值 and 得分 are jixiao's, left out)."""
    return (
        actuals.project,
        actuals.period,
        actuals.budget,
        actuals.executed,
        actuals.budget_initial,
        actuals.execution_reason,
        {
            i.indicator: (
                i.value,
                i.forecast,
                i.likelihood,
                i.deviation,
                i.measures,
                i.manual,
                i.not_applicable,
            )
            for i in actuals.indicators
        },
    )


def _year_targets(project: Project) -> tuple[Any, ...]:
    """A project as a self-evaluation prints it: the full-year targets, labels as printed."""
    return (
        project.name,
        project.department,
        project.unit,
        project.fiscal_year,
        [
            (i.level1, i.level2, i.level1_label, i.level2_label, i.name, i.full_year)
            for i in project.indicators
        ],
    )


def _scores(score: ProjectScore) -> tuple[Any, ...]:
    return (
        score.total,
        score.grade,
        score.budget_score,
        [(i.name, i.weight, i.score, i.applicable, i.manual) for i in score.indicators],
    )


def _only_not_imported(doc: Document) -> None:
    assert {w.code for w in doc.warnings} <= NOT_IMPORTED, [
        (w.code, w.message) for w in doc.warnings if w.code not in NOT_IMPORTED
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_self_evaluation_reads_back_to_the_same_data(
    fmt: str, seed: Document, full_year: ActualsDocument, scored: Items, overall: Overall
) -> None:
    data = self_evaluation_workbook(
        scored,
        fiscal_year=2023,
        unit=overall.targets.unit,
        overall=(overall.targets, overall.actuals, overall.score),
    )
    back = _read(data, fmt, "自评")
    _only_not_imported(back)

    assert [_year_targets(p) for p in back.projects] == [_year_targets(p) for p in seed.projects]
    (targets,) = back.overall_targets
    assert targets.unit == overall.targets.unit
    assert [(g.function, g.work, g.goal, g.target) for g in targets.goals] == [
        (g.function, g.work, g.goal, g.target) for g in overall.targets.goals
    ]

    (report,) = back.actuals
    assert (report.fiscal_year, report.period) == (2023, Period.FULL_YEAR)
    assert [_reported(a) for a in report.projects] == [_reported(a) for a in full_year.projects]
    assert [_reported(a) for a in report.overall] == [_reported(overall.actuals)]
    # the published 分值 and 得分 are the ones jixiao computed
    first = scored[0][2]
    assert [(i.weight, i.reported_score) for i in report.projects[0].indicators] == [
        (i.weight, i.score) for i in first.indicators
    ]

    # scoring what was read back gives the workbook's scores
    by_name = {p.name: p for p in back.projects}
    for project, actuals in zip(
        [by_name[p.name] for p, _, _ in scored], report.projects, strict=True
    ):
        original = next(s for p, _, s in scored if p.name == project.name)
        assert _scores(score_project(project, actuals)) == _scores(original)
    assert _scores(score_overall(targets, report.overall[0])) == _scores(overall.score)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_manual_scores_not_applicable_and_reasons_read_back(fmt: str, scored: Items) -> None:
    project, actuals, _ = next(item for item in scored if item[0].name == "人大工作经费")
    names = [i.name for i in project.indicators]
    manual, excluded, explained = names[0], names[1], names[2]
    changed = replace(
        actuals,
        execution_reason="部分会议经费延至次年支付；已督促及时结算",
        indicators=tuple(
            replace(a, manual=ManualScore(3, "专题调研顺延系上级安排调整"))
            if a.indicator == manual
            else replace(a, not_applicable=True)
            if a.indicator == excluded
            else replace(
                a,
                deviation=Deviation("人员调整；工作顺延", DeviationCategory.STAFF),
                measures="提前安排，按季度督办",
            )
            if a.indicator == explained
            else a
            for a in actuals.indicators
        ),
    )
    score = score_project(project, changed)
    assert score.indicators[0].manual and not score.indicators[1].applicable
    data = self_evaluation_workbook([(project, changed, score)], fiscal_year=2023)
    back = _read(data, fmt, "自评")
    _only_not_imported(back)
    (report,) = back.actuals
    assert [_reported(a) for a in report.projects] == [_reported(changed)]
    assert _scores(score_project(back.projects[0], report.projects[0])) == _scores(score)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_monitoring_reads_back_to_the_same_data(
    fmt: str, seed: Document, half_year: ActualsDocument, monitors: list[ProjectMonitor]
) -> None:
    assert half_year.month == 6
    data = monitoring_workbook(monitors, summarize(by_unit(monitors)), fiscal_year=2023, month=6)
    back = _read(data, fmt, "监控")
    _only_not_imported(back)

    seed_projects = {p.name: p for p in seed.projects}
    assert [p.name for p in back.projects] == [m.name for m in monitors]
    for project in back.projects:
        # both periods' targets, labels as printed
        assert project.indicators == seed_projects[project.name].indicators
        assert (project.unit, project.department) == (
            seed_projects[project.name].unit,
            seed_projects[project.name].department,
        )

    (report,) = back.actuals
    assert (report.fiscal_year, report.period, report.month) == (2023, Period.HALF_YEAR, 6)
    assert [_reported(a) for a in report.projects] == [_reported(a) for a in half_year.projects]

    # monitoring what was read back lights the same lights
    config = MonitoringConfig(month=6)
    again = [monitor_project(p, a, config) for p, a in pair(back.projects, report)]
    assert again == monitors


def test_the_findings_under_a_monitoring_sheet_are_reported_not_read(
    monitors: list[ProjectMonitor],
) -> None:
    red = next(m for m in monitors if m.findings)
    data = monitoring_workbook([red], summarize(by_unit([red])), fiscal_year=2023, month=6)
    back = read_bytes(data, "监控.xlsx")
    (project,) = back.projects
    assert len(project.indicators) == len(red.indicators)  # no 代码 / JXM rows
    ended = [w for w in back.warnings if "监控发现问题" in w.message]
    assert len(ended) == 1
    assert f"及其下 {len(red.findings) + 1} 行不是绩效指标" in ended[0].message
