"""The import preview in a real browser (headless Chromium against the real app).

财政审核 (caizheng) uploads another unit's published file with a spoiled row: the preview
shows every table in the project page's official layout, the warnings in Chinese beside
the rows they concern with the place in the file, and the choice between a draft and
登记批复; recording the targets as approved then opens the approved table.  Screenshots go
to test-artifacts/browser/, and to docs/img/ when JIXIAO_UPDATE_DOCS_IMG=1 is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from jixiao.domain.messages import WARNING_LABELS
from jixiao.services import demo
from tests.browser._app import chromium, docs_image, served_demo, shot
from tests.web.pages.test_imports import SCHOOL, flawed_file


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with served_demo(tmp_path) as base:
        yield base


def test_the_preview_shows_rows_and_their_warnings_in_chinese(server: str, tmp_path: Path) -> None:
    upload = tmp_path / "新北区教育局2024年绩效目标.txt"
    upload.write_bytes(flawed_file())
    with sync_playwright() as p:
        browser = chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(10_000)
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{server}/login")
            page.fill("#username", "caizheng")
            page.fill("#password", demo.DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{server}/")

            page.get_by_role("link", name="导入").click()
            page.set_input_files("#import-file", str(upload))
            page.get_by_role("button", name="预览").click()
            expect(page.locator("#preview-title")).to_contain_text(upload.name)
            expect(page.locator("section.preview-table")).to_have_count(4)

            # The school project in the official layout: its rows, and the warning beside
            # the row it concerns, in Chinese, with the place in the file.
            sheet = page.locator("article.preview-sheet", has_text=SCHOOL)
            expect(sheet.locator(".official-title")).to_have_text("项目支出绩效目标表")
            rows = sheet.locator("#indicator-table tbody tr")
            expect(rows.first).to_be_visible()
            expect(sheet.locator("#indicator-table thead")).to_contain_text("导入警告")
            flagged = rows.filter(has=page.locator(".import-warning"))
            expect(flagged.first.locator("td.c-name")).to_have_text("校园安全应急疏散演练场次")
            note = flagged.first.locator("td.c-notes")
            expect(note).to_contain_text(WARNING_LABELS["ingest.ambiguous-rows"])
            expect(note).to_contain_text(f"{upload.name} 第 2 页 第")
            assert "ingest." not in page.locator("main").inner_text()
            sheet.scroll_into_view_if_needed()
            preview = shot(page, "import-01-preview")
            docs_image(preview, "import-preview.png")

            # 登记批复: the published targets recorded as approved.
            page.locator("#mode-approved").check()
            page.fill("#approved-reason", "新北区2024年部门预算公开文件")
            page.locator("#btn-confirm-import").click()
            page.wait_for_url(f"{server}/")
            expect(page.locator(".flash-ok")).to_contain_text("已登记批复")
            page.fill("#f-q", SCHOOL)
            page.get_by_role("link", name=SCHOOL).click()
            expect(page.locator("#status-badge")).to_have_text("已批复")
            shot(page, "import-02-approved")
            assert not problems, problems
        finally:
            browser.close()
