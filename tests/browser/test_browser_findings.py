"""The 审核发现 panel follows an inline (htmx) row save in a real browser: headless
Chromium (Playwright) against the real app (uvicorn) with the demo.

The seed's 《人大之声》制作经费 has JX106 (a half-year target of zero, ≥0份); 单位填报
(danwei) edits that target inline to ≥1份 and saves: without a reload the panel drops
JX106 and shows what the review rules find in the rows as saved (checked against the
service).  Screenshots go to test-artifacts/browser/.

Chromium must be at /usr/bin/chromium: without it this test fails (it is not skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from jixiao.domain.review import ReviewConfig
from jixiao.services import Services, review
from tests.browser._app import chromium, served_demo, shot
from tests.web.pages.test_pages import table_id

PROJECT = "《人大之声》制作经费"
INDICATOR = "《人大之声》汇编制作发放合集"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    with served_demo(tmp_path) as base:
        yield base, Services.connect(f"sqlite:///{tmp_path / 'jixiao.db'}")


def _codes(svc: Services, tid: int) -> list[str]:
    return [f.code for f in review.review_table(svc.uow(), tid, ReviewConfig()).findings]


def test_findings_panel_follows_an_inline_save(server: tuple[str, Services]) -> None:
    base, svc = server
    tid = table_id(svc, PROJECT)
    before = _codes(svc, tid)
    assert "JX106" in before
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
            page.goto(f"{base}/login")
            page.fill("#username", "danwei")
            page.fill("#password", "jixiao-demo")
            page.click("button[type=submit]")
            page.goto(f"{base}/tables/{tid}")
            panel = page.locator("#findings")
            codes = panel.locator(".finding-code")
            expect(codes).to_have_text(before)
            page.evaluate("window.__sameDocument = true")  # gone if the page reloads

            row = page.locator("#indicator-table tbody tr", has_text=INDICATOR)
            row.get_by_role("link", name="编辑").click()
            half_year = page.locator("tr.editing input[name=half_year]")
            expect(half_year).to_have_value("≥0份")
            half_year.fill("≥1份")
            page.locator("tr.editing").get_by_role("button", name="保存").click()
            expect(page.locator(".toast")).to_contain_text("指标已保存")

            after = _codes(svc, tid)
            assert "JX106" not in after and after != before
            expect(codes).to_have_text(after)  # refreshed in place
            expect(panel).not_to_contain_text("半年指标值为零")
            expect(page.locator("#suggested-grade")).to_have_text(
                review.review_table(svc.uow(), tid, ReviewConfig()).grade.value
            )
            assert page.evaluate("window.__sameDocument === true")
            shot(page, "findings-after-inline-save")
            assert problems == []
        finally:
            browser.close()
