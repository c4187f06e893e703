"""The oversight dashboard in a real browser: headless Chromium (Playwright) against the
real app (uvicorn) on a fresh SQLite database with the demo (the seed imported, with its
actuals) and a synthetic region around it (``jixiao synth``'s generator, loaded in bulk).

人大监督 (renda) opens 监督, filters by the seed's department, downloads its early
warnings as CSV (checked against the service), then drills down to its unit, a project
and one indicator with the line of the seed it was imported from, and downloads that
indicator as CSV.  Screenshots go to
test-artifacts/browser/; the dashboard and the indicator page also to docs/img/.

Chromium must be at /usr/bin/chromium: without it this test fails (it is not skipped).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from jixiao import synth
from jixiao.domain.monitoring import LIGHT_LABELS, Light
from jixiao.services import SYSTEM, Services, bulk, oversight
from tests.browser._app import ARTIFACTS, chromium, docs_shot, served_demo, shot

# a synthetic region around the seed's unit, in the seed's year and the one before
CONFIG = synth.SynthConfig(units=24, projects_per_unit=4, years=(2022, 2023), seed=7)
YEAR = 2023
DEPARTMENT = "无锡市人大常委会"  # the seed's: its tables were imported from a text file


def _region(svc: Services) -> None:
    items = (
        bulk.Reported(r.project, r.checkpoint, r.year_end, CONFIG.checkpoint_month)
        for r in synth.records(CONFIG)
    )
    bulk.load(svc.uow(), SYSTEM, items, svc.facts_settings())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    with served_demo(tmp_path, with_actuals=True, prepare=_region) as base:
        yield base, Services.connect(f"sqlite:///{tmp_path / 'jixiao.db'}")


def test_filter_drill_down_and_download_in_a_real_browser(
    server: tuple[str, Services], tmp_path: Path
) -> None:
    base, svc = server
    department = DEPARTMENT
    assert len(oversight.groups(svc.uow(), oversight.Filter(year=YEAR), "department")) > 5
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(
                viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
            )
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{base}/login")
            page.fill("#username", "renda")
            page.fill("#password", "jixiao-demo")
            page.click("button[type=submit]")
            page.click("nav.main-nav >> text=监督")
            expect(page.locator("h1")).to_contain_text(f"{YEAR} 年度绩效监督")
            page.wait_for_selector("[data-chart=groups][data-rendered]")
            page.wait_for_selector("[data-chart=lights] svg")
            # The donut's labels keep their names and counts (a narrow panel once cut
            # them to “红…”), the legend gives every count; both as the service counts.
            lights = oversight.overview(svc.uow(), oversight.Filter(year=YEAR)).execution_lights
            texts = page.eval_on_selector(
                "[data-chart=lights] svg",
                "e => [...e.querySelectorAll('text')].map(t => t.textContent)",
            )
            assert not [t for t in texts if t.endswith(("…", "..."))], texts
            expected = {LIGHT_LABELS[light]: lights.get(light.value, 0) for light in Light}
            assert sum(expected.values()) > 0
            for label, count in expected.items():
                assert f"{label} {count}" in texts, (label, texts)  # the legend
                if count:
                    labelled = texts.index(label)  # the slice's label: name, then count
                    assert texts[labelled + 1] == f"{count} 个", texts
            page.locator("[data-chart=lights]").screenshot(
                path=str(ARTIFACTS / "oversight-lights.png")
            )
            shot(page, "oversight-region")
            docs_shot(page, "oversight.png")  # the top of the page

            # filter by a department
            page.select_option("#o-department", department)
            expect(page.locator("#crumb-department")).to_have_text(department)
            page.wait_for_selector("[data-chart=groups][data-rendered]")
            totals = oversight.overview(
                svc.uow(), oversight.Filter(year=YEAR, department=department)
            ).totals
            expect(page.locator("#kpi-projects")).to_have_text(str(totals.projects))
            expect(page.locator("#kpi-warnings")).to_have_text(str(totals.warnings))
            shot(page, "oversight-department")

            # download the department's early warnings as CSV
            with page.expect_download() as download_info:
                page.click("#warnings-downloads .dl-csv")
            download = download_info.value
            assert download.suggested_filename == f"{department}{YEAR}年度预警清单.csv"
            target = tmp_path / "warnings.csv"
            download.save_as(target)
            rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
            expected, n = oversight.findings(
                svc.uow(),
                oversight.Filter(year=YEAR, department=department),
                source="warning",
                limit=10_000,
            )
            assert len(rows) - 1 == n > 0
            assert [(r[1], r[3], r[6]) for r in rows[1:]] == [
                (w.project, w.code, w.message) for w in expected
            ]

            # drill down: unit → project → indicator and its source
            page.locator("a.drill-unit").first.click()
            expect(page.locator("#crumb-unit")).to_be_visible()
            page.locator("#project-table a.project-link").first.click()
            expect(page.locator("#table-name")).to_be_visible()
            name = page.locator("#row-table a.indicator-link").first.inner_text()
            page.locator("#row-table a.indicator-link").first.click()
            expect(page.locator("#indicator-name")).to_have_text(name)
            expect(page.locator("#indicator-source")).to_contain_text("000_782886cd0aa7e389.txt")
            expect(page.locator("#indicator-targets")).to_contain_text("行")
            expect(page.locator("#indicator-actuals")).to_contain_text("运行监控")
            shot(page, "oversight-indicator")
            docs_shot(page, "oversight-indicator.png")
            # and the indicator itself as CSV: its values with the place each came from
            with page.expect_download() as download_info:
                page.click("#indicator-downloads .dl-csv")
            target = tmp_path / "indicator.csv"
            download_info.value.save_as(target)
            items = {
                r[0]: r[1:] for r in csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")))
            }
            assert items["指标"][0] == name
            assert "000_782886cd0aa7e389.txt" in items["指标"][1]
            assert not problems, problems
        finally:
            browser.close()
