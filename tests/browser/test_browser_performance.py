"""Monitoring and self-evaluation in a real browser: headless Chromium (Playwright) against
the real app (uvicorn), on a fresh SQLite database with the demo and its 2023 actuals.

单位填报 (danwei) opens 监控与自评, its unit's summary, a project's 绩效自评 page; lowers
one 实际完成值, saves, and sees the score drop and the demand for 偏差原因; then the
project's 运行监控 page shows its red light.  Screenshots of every step go to
test-artifacts/browser/ (gitignored); the unit page and the final self-evaluation page
are also copied to docs/img/ for the documentation.

Chromium must be at /usr/bin/chromium: without it this test fails (it is not skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect, sync_playwright

from jixiao.domain.scoring import ProjectScore, score_project
from jixiao.ingest import read_path
from jixiao.interchange.actuals import loads_actuals
from jixiao.services import demo
from tests.browser._app import ROOT, chromium, docs_image, served_demo, shot
from tests.conftest import SEED

UNIT = "无锡市人民代表大会常务委员会办公室"
PROJECT = "代表活动经费"
INDICATOR = "保障参加活动的人大代表履职情况"  # weight 25; 100% of ＝100% at year end


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with served_demo(tmp_path, with_actuals=True) as base:
        yield base


WORKED = "信访工作经费"
EXAMPLE = ROOT / "docs" / "examples" / "seed-actuals-2023-full-year.json"


def _example_score(name: str) -> ProjectScore:
    document = read_path(SEED)
    actuals = loads_actuals(EXAMPLE.read_bytes(), where=str(EXAMPLE))
    project = next(p for p in document.projects if p.name == name)
    return score_project(project, next(a for a in actuals.projects if a.project == name))


def test_self_evaluation_and_monitoring_in_a_real_browser(server: str) -> None:
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )

            page.goto(f"{server}/login")
            page.fill("#username", "danwei")
            page.fill("#password", demo.DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{server}/")
            expect(page.locator(".user-box")).to_contain_text("演示")

            # 监控与自评 takes a unit user straight to its unit's summary.
            page.get_by_role("navigation", name="主导航").get_by_role(
                "link", name="监控与自评"
            ).click()
            page.wait_for_url(f"{server}/units/{quote(UNIT, safe='')}/performance?year=2023")
            expect(page.locator("h1")).to_have_text(UNIT)
            expect(page.locator("#overall-score")).to_contain_text("部门整体")
            expect(page.locator("#average")).to_have_text(re.compile(r"^\d+\.\d\d$"))
            expect(page.locator("#evaluation-table tbody tr")).to_have_count(8)
            expect(page.locator("#monitoring-table")).to_contain_text("尚未填报")
            expect(page.locator("#monitoring")).to_contain_text(f"红灯项目：{PROJECT}")
            unit_page = shot(page, "perf-01-unit")
            docs_image(unit_page, "unit-performance.png")

            # The worked example of docs/scoring.md: 信访工作经费 as the domain scores the file.
            expected = _example_score(WORKED)
            page.locator("#evaluation-table").get_by_role("link", name=WORKED).click()
            expect(page.locator("h1")).to_have_text(f"{WORKED}：绩效自评")
            expect(page.locator("#score-total")).to_have_text(f"{expected.total:.2f}")
            expect(page.locator("#score-grade")).to_have_text(expected.grade.value)
            expect(page.locator("#budget-score")).to_have_text(f"{expected.budget_score:.2f}")
            worked = shot(page, "perf-01b-worked-example")
            docs_image(worked, "self-evaluation-page.png")
            page.go_back()
            expect(page.locator("h1")).to_have_text(UNIT)

            # The project's 绩效自评 page.
            project_row = page.locator("#evaluation-table tbody tr", has_text=PROJECT)
            listed_score = project_row.locator("td.num strong").inner_text()
            project_row.get_by_role("link", name=PROJECT).click()
            expect(page.locator("h1")).to_have_text(f"{PROJECT}：绩效自评")
            total = page.locator("#score-total")
            expect(total).to_have_text(listed_score)
            before = float(listed_score)
            row = page.locator("#actuals-table tbody tr", has_text=INDICATOR)
            value = row.locator("input[name^='value-']")
            expect(value).to_have_value("100%")
            expect(row.locator("td.score-cell")).to_have_text("25.00")
            shot(page, "perf-02-self-evaluation")

            # 100% → 80% of the target: 20 of its 25 points, and a reason is now due.
            value.fill("80%")
            shot(page, "perf-03-editing")
            page.locator("#btn-save-actuals").click()
            expect(page.locator(".flash-ok")).to_have_text("已保存绩效自评完成情况")
            expect(total).to_have_text(f"{before - 5:.2f}")
            expect(value).to_have_value("80%")
            expect(row.locator("td.score-cell strong")).to_have_text("20.00")
            expect(row).to_have_class(re.compile(r"\bbelow-full\b"))
            expect(row.locator(".field-error")).to_have_text("须说明偏差原因和改进措施")
            shot(page, "perf-04-saved")

            # The checkpoint: the project's 运行监控 page shows its red light.
            page.locator(".page-links").get_by_role("link", name="运行监控").click()
            expect(page.locator("h1")).to_have_text(f"{PROJECT}：运行监控")
            red = page.locator("#actuals-table .light-red")
            expect(red).to_have_count(1)
            expect(red).to_have_text("红灯")
            expect(page.locator("#actuals-table tbody tr", has_text=INDICATOR)).to_contain_text(
                "红灯"
            )
            expect(page.locator("#monitor .light").first).to_have_class(
                re.compile(r"\blight-red\b")
            )
            expect(page.locator("#time-adjusted")).to_have_text("50.00%")
            shot(page, "perf-05-monitoring")

            # Back on the unit page the project's new score is listed.
            page.locator(".breadcrumb").get_by_role("link", name=UNIT).click()
            expect(
                page.locator("#evaluation-table tbody tr", has_text=PROJECT).locator("strong")
            ).to_have_text(f"{before - 5:.2f}")
            shot(page, "perf-06-unit-after")
            assert problems == [], problems
        finally:
            browser.close()
