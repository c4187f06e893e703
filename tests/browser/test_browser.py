"""The pages in a real browser: headless Chromium (Playwright) against the real app (uvicorn).

One walk through the yearly cycle as two people do it: 单位填报 (danwei) edits a target
inline and submits; 财政审核 (caizheng) reviews and approves; the history shows both.
Screenshots of every step go to test-artifacts/browser/ (gitignored); the final project
page and the history are also copied to docs/img/ for the documentation when
JIXIAO_UPDATE_DOCS_IMG=1 is set.

Chromium must be at /usr/bin/chromium: without it this test fails (it is not skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from jixiao.services import demo
from tests.browser._app import chromium, docs_image, served_demo, shot

TRAINING = "人大代表履职培训费"
TARGET = "人大代表履职培训情况"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with served_demo(tmp_path) as base:
        yield base


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator(".user-box")).to_contain_text("演示")


def _open_from_list(page: Page, name: str) -> None:
    page.fill("#f-q", "履职培训")
    expect(page.locator("#results")).to_contain_text("共 1 张绩效目标表")
    assert "q=%E5%B1%A5" in page.url  # htmx pushed the filtered URL
    page.get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_contain_text(name)


def test_edit_submit_review_approve_in_a_real_browser(server: str) -> None:
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(10_000)
            page.on("dialog", lambda dialog: dialog.accept())  # 提交 and 批复 ask first
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )

            # 单位填报: find the project, edit a target inline, submit.
            _log_in(page, server, "danwei")
            shot(page, "01-list")
            _open_from_list(page, TRAINING)
            row = page.locator("#indicator-table tbody tr", has_text=TARGET)
            values = row.locator("td.c-val")
            expect(values.nth(1)).to_have_text("＝461人次")
            assert "第 2 页 第 119 行" in (values.nth(1).get_attribute("title") or "")
            shot(page, "02-project")

            row.get_by_role("link", name="编辑").click()
            full_year = page.locator("tr.editing input[name=full_year]")
            expect(full_year).to_have_value("＝461人次")
            full_year.fill("＝480人次")
            shot(page, "03-editing")
            page.locator("tr.editing").get_by_role("button", name="保存").click()
            expect(page.locator("tr.editing")).to_have_count(0)
            expect(values.nth(1)).to_have_text("＝480人次")
            expect(page.locator(".toast")).to_contain_text("指标已保存")
            expect(row.locator("th.c-l1")).to_have_attribute("rowspan", "3")  # merged cell kept
            shot(page, "04-edited")

            page.locator("#btn-submit").click()
            expect(page.locator(".flash-ok")).to_have_text("已提交审核，当前状态：已提交")
            expect(page.locator("#status-badge")).to_have_text("已提交")
            expect(page.get_by_role("link", name="编辑")).to_have_count(0)
            shot(page, "05-submitted")
            page.get_by_role("button", name="退出").click()
            page.wait_for_url(f"{server}/login")

            # 财政审核: review (优) and approve.
            _log_in(page, server, "caizheng")
            _open_from_list(page, TRAINING)
            page.locator("input[name=grade][value=优]").check()
            page.fill("#review-opinion", "目标明确、已量化，与资金规模相符，同意。")
            shot(page, "06-review")
            page.locator("#btn-review").click()
            expect(page.locator(".flash-ok")).to_contain_text("审核完成（等级：优）")
            expect(page.locator("#status-badge")).to_have_text("已审核")
            page.locator("#btn-approve").click()
            expect(page.locator(".flash-ok")).to_have_text(
                "已批复，第 1 版已存档，当前状态：已批复"
            )
            expect(page.locator("#status-badge")).to_have_text("已批复")
            expect(values.nth(1)).to_have_text("＝480人次")
            expect(page.locator(".note")).to_contain_text("目标明确、已量化")
            final = shot(page, "07-approved")
            docs_image(final, "project-page.png")

            # The history: the edit (before → after) and the approval.
            page.get_by_role("link", name="历史记录").click()
            expect(page.locator("h1")).to_contain_text("历史记录")
            edit = page.locator("table.history tr.history-update")
            expect(edit).to_contain_text("全年指标值")
            expect(edit.locator("del")).to_have_text("＝461人次")
            expect(edit.locator("ins")).to_have_text("＝480人次")
            expect(edit).to_contain_text("演示单位填报")
            approval = page.locator("table.history tr.history-approve")
            expect(approval).to_contain_text("批复")
            expect(approval).to_contain_text("演示财政审核")
            expect(page.get_by_role("link", name="查看第 1 版")).to_be_visible()
            history = shot(page, "08-history")
            docs_image(history, "history.png")

            page.get_by_role("link", name="查看第 1 版").click()
            expect(page.locator(".version-banner")).to_contain_text("第 1 版（已批复，只读）")
            shot(page, "09-version")
            assert problems == [], problems
        finally:
            browser.close()
