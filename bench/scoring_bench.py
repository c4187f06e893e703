"""Scoring and monitoring speed, and saving actuals, against baselines in the same process.

    .venv/bin/python bench/scoring_bench.py [--projects 10000] [--repeat 3] [--save 1000]
                                            [--db sqlite:///... | postgresql+psycopg://...]

1. Domain: ``score_project`` (year end) and ``monitor_project`` (checkpoint) over generated
   projects with generated actuals.  Baseline: the bare arithmetic of the default scheme
   in plain floats (``w × min(a ÷ t, 1)`` per indicator with equal weights), so the ratio
   is what exact decimals, rescaling in hundredths, the direction and kind rules and the
   Chinese explanations cost on top of it.
2. Store: ``services.actuals.save_document`` of ``--save`` projects' year-end actuals, one
   file per unit (all checked and scored before anything is written, one transaction per
   unit, one audit entry per report) into a fresh database.  Baseline: inserting the same number of rows with
   ``executemany`` into a two-column table of the same database.

Figures are written into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from jixiao.domain.actuals import ActualsDocument, IndicatorActual, ProjectActuals
from jixiao.domain.model import Document, Period, Project
from jixiao.domain.monitoring import MonitoringConfig, monitor_project
from jixiao.domain.scoring import ScoringScheme, score_project
from jixiao.domain.values import Kind, format_number, parse_value
from jixiao.synth import SynthConfig, document

QUALITATIVE = ("达成", "部分达成", "未达成")


def _actual(target_text: str | None, rng: random.Random) -> str | None:
    if target_text is None:
        return None
    target = parse_value(target_text)
    if target.kind is Kind.QUANTITATIVE and target.value is not None:
        factor = rng.choice((1.0, 1.0, 1.05, 0.9, 0.75, 0.5))
        return f"{format_number(round(float(target.value) * factor, 2))}{target.unit}"
    if target.kind is Kind.QUALITATIVE:
        return rng.choice(QUALITATIVE)
    return target_text.lstrip("≤＝=≥<>")


def _actuals(projects: list[Project], period: Period, seed: int) -> list[ProjectActuals]:
    rng = random.Random(seed)
    out = []
    for project in projects:
        items = []
        for indicator in project.indicators:
            target = indicator.full_year or indicator.long_term
            text = _actual(target.text if target else None, rng)
            if text is None or (target is not None and target.kind is Kind.TEXT):
                continue
            items.append(IndicatorActual(indicator.name, parse_value(text)))
        # Funds are exact decimals (元); the actuals take plain numbers, as a file gives them.
        budget = float(project.funds.total) if project.funds and project.funds.total else 100.0
        executed = round(float(budget) * rng.uniform(0.3, 1.05), 2)
        out.append(
            ProjectActuals(
                project.name, period, budget=budget, executed=executed, indicators=tuple(items)
            )
        )
    return out


def _baseline(projects: list[Project], actuals: list[ProjectActuals]) -> float:
    """The bare formula: budget 10 × min(rate, 1), the rest shared equally, w × min(a/t, 1)."""
    total = 0.0
    for project, report in zip(projects, actuals, strict=True):
        values = {i.indicator: i.value for i in report.indicators}
        w = 90 / max(len(project.indicators), 1)
        score = 10 * min((report.executed or 0) / (report.budget or 1), 1.0)
        for indicator in project.indicators:
            target, actual = indicator.full_year, values.get(indicator.name)
            if target is None or actual is None or target.value is None:
                continue
            if actual.value is not None and target.value:
                score += w * min(float(actual.value) / float(target.value), 1.0)
        total += score
    return total


def _timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _scorable(doc: Document, seed: int) -> tuple[list[Project], list[ProjectActuals]]:
    """Projects whose generated actuals the default scheme scores without a manual score."""
    scheme = ScoringScheme()
    projects, reports = [], []
    for project, report in zip(
        doc.projects, _actuals(list(doc.projects), Period.FULL_YEAR, seed), strict=True
    ):
        try:
            score_project(project, report, scheme)
        except ValueError:
            continue
        projects.append(project)
        reports.append(report)
    return projects, reports


def _domain(doc: Document, repeat: int) -> None:
    projects, full = _scorable(doc, 11)
    half = _actuals(projects, Period.HALF_YEAR, 12)
    indicators = sum(len(p.indicators) for p in projects)
    scheme, config = ScoringScheme(), MonitoringConfig()

    def score_all() -> None:
        for p, a in zip(projects, full, strict=True):
            score_project(p, a, scheme)

    def monitor_all() -> None:
        for p, a in zip(projects, half, strict=True):
            monitor_project(p, a, config)

    score_s = _timed(score_all, repeat)
    monitor_s = _timed(monitor_all, repeat)
    base_s = _timed(lambda: _baseline(projects, full), repeat)
    print(f"scorable projects: {len(projects):,} with {indicators:,} indicators")
    print(
        f"score:    {score_s:.3f} s  = {indicators / score_s:,.0f} indicators/s "
        f"({len(projects) / score_s:,.0f} projects/s)"
    )
    print(
        f"monitor:  {monitor_s:.3f} s  = {indicators / monitor_s:,.0f} indicators/s "
        f"({len(projects) / monitor_s:,.0f} projects/s)"
    )
    print(f"baseline: {base_s:.3f} s  = {indicators / base_s:,.0f} indicators/s")
    print(
        f"ratio score/baseline: {score_s / base_s:.1f}x; monitor/baseline: {monitor_s / base_s:.1f}x"
    )


def _store(doc: Document, count: int, url: str | None) -> None:
    from jixiao.services import SYSTEM, Services, actuals, tables

    projects, reports = _scorable(doc, 11)
    projects, reports = projects[:count], reports[:count]
    folder = tempfile.mkdtemp(prefix="jixiao-bench-")
    url = url or f"sqlite:///{Path(folder) / 'bench.db'}"
    svc = Services.connect(url, upgrade=True)
    try:
        with svc.session() as s:
            if s.execute(text("select count(*) from target_table")).scalar_one():
                raise SystemExit(f"{url}: the database must be empty")
        t = time.perf_counter()
        result = tables.import_document(
            svc.uow(), SYSTEM, Document(fiscal_year=doc.fiscal_year, projects=tuple(projects))
        )
        for table_id in result.table_ids:
            tables.record_approved(svc.uow(), SYSTEM, table_id, "bench")
        setup_s = time.perf_counter() - t
        items = sum(len(r.indicators) for r in reports)
        by_unit: dict[str, list[ProjectActuals]] = {}
        for project, report in zip(projects, reports, strict=True):
            by_unit.setdefault(project.unit or "", []).append(report)
        t = time.perf_counter()
        saved = 0
        for unit, unit_reports in by_unit.items():  # units report their own projects
            result_doc = ActualsDocument(doc.fiscal_year, Period.FULL_YEAR, tuple(unit_reports))
            saved += len(
                actuals.save_document(
                    svc.uow(), SYSTEM, result_doc, where="bench", unit=unit
                ).reports
            )
        save_s = time.perf_counter() - t
        with svc.engine.begin() as conn:
            conn.execute(text("create table bench_rows (report integer, value text)"))
        rows = [{"report": k, "value": f"{k}人次"} for k in range(items + len(reports))]
        t = time.perf_counter()
        with svc.engine.begin() as conn:
            conn.execute(text("insert into bench_rows values (:report, :value)"), rows)
        base_s = time.perf_counter() - t
        with svc.engine.begin() as conn:
            conn.execute(text("drop table bench_rows"))
        print(
            f"store: {svc.engine.url.get_backend_name()}; set-up (import + 登记批复) {setup_s:.2f} s"
        )
        print(
            f"save:     {save_s:.3f} s  for {saved:,} reports of {len(by_unit):,} units, "
            f"{items:,} items "
            f"= {items / save_s:,.0f} items/s (checked, scored, audited, one transaction)"
        )
        print(f"baseline: {base_s:.3f} s  executemany of {len(rows):,} rows")
        print(f"ratio save/baseline: {save_s / base_s:.1f}x")
    finally:
        svc.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--save", type=int, default=1_000, help="projects to save (0: skip)")
    parser.add_argument("--db", default=None, help="an empty database (default: temp SQLite)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    doc = document(SynthConfig(units=max(1, args.projects // 10), projects_per_unit=10, seed=7))
    print(f"python {platform.python_version()} on {platform.machine()}, one core")
    print(f"generated {len(doc.projects):,} projects in {time.perf_counter() - t0:.2f} s")
    _domain(doc, args.repeat)
    if args.save:
        _store(doc, args.save, args.db)


if __name__ == "__main__":
    main()
