"""The HTML pages: workflow buttons, history, approved versions, import and CSRF.

Runs on SQLite and PostgreSQL (the ``svc`` fixture) with the demo set up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao.ingest import read_path
from jixiao.interchange import loads
from jixiao.services import Services, demo, tables
from jixiao.web.app import create_app
from tests.conftest import SEED, SEED_LAYOUT
from tests.web.pages.test_pages import (
    TRAINING,
    Browser,
    cheap_passwords,
    html_tables,
    login,
    table_id,
    texts,
)

OTHER = SEED_LAYOUT / "other_unit_2024.txt"


CORPUS = Path(__file__).parents[2] / "corpus"


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-pages"))


def buttons(html: str) -> set[str]:
    return set(re.findall(r'id="btn-(\w+)"', html))


def flash(html: str) -> list[str]:
    return re.findall(r'<div class="flash flash-\w+" role="\w+">([^<]+)</div>', html)


def status_badge(html: str) -> str:
    match = re.search(r'id="status-badge">([^<]+)<', html)
    assert match
    return match.group(1)


def logout(b: Browser) -> None:
    b.post("/logout")


# -- workflow ---------------------------------------------------------------------------


def test_workflow_buttons_follow_role_and_status(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    url = f"/tables/{tid}"

    b = login(client, "danwei")
    page = b.get(url).text
    assert buttons(page) == {"submit", "comment"}
    assert "编辑</a>" in page and 'data-confirm="提交后' in page
    done = b.follow(b.post(f"{url}/submit"))
    assert flash(done.text) == ["已提交审核，当前状态：已提交"]
    assert status_badge(done.text) == "已提交"
    assert buttons(done.text) == {"comment"} and "编辑</a>" not in done.text
    again = b.follow(b.post(f"{url}/submit"))  # a second tab, say
    assert flash(again.text) == ["状态为“已提交”的绩效目标表不能提交"]
    logout(b)

    b = login(client, "admin")  # reads, comments, does not review
    assert buttons(b.get(url).text) == {"comment"}
    logout(b)
    b = login(client, "renda")  # 人大 reads approved tables only
    assert b.get(url).status_code == 403
    logout(b)

    b = login(client, "zhuguan")  # the supervising department reviews its units' tables
    page = b.get(url).text
    assert buttons(page) == {"review", "comment"}
    for grade in ("优", "良", "中", "差"):
        assert f'name="grade" value="{grade}"' in page
    empty = b.post(f"{url}/review", {"grade": "优", "opinion": "  "})
    assert empty.status_code == 422
    assert 'id="review-opinion-error" role="alert">审核意见不能为空</div>' in empty.text
    assert 'value="优" required checked' in empty.text  # the chosen grade stays
    sent_back = b.follow(
        b.post(f"{url}/review", {"grade": "中", "opinion": "数量指标偏低，请修改后重报"})
    )
    assert flash(sent_back.text) == ["审核完成（等级：中），已退回单位修改，当前状态：草稿"]
    assert "数量指标偏低，请修改后重报" in sent_back.text
    logout(b)

    b = login(client, "danwei")
    b.follow(b.post(f"{url}/submit"))
    logout(b)

    b = login(client, "caizheng")
    assert buttons(b.get(url).text) == {"review", "comment"}
    reviewed = b.follow(b.post(f"{url}/review", {"grade": "优", "opinion": "目标明确，同意"}))
    assert flash(reviewed.text) == ["审核完成（等级：优），审核通过，当前状态：已审核"]
    assert buttons(reviewed.text) == {"approve", "comment"}
    approved = b.follow(b.post(f"{url}/approve"))
    assert flash(approved.text) == ["已批复，第 1 版已存档，当前状态：已批复"]
    assert status_badge(approved.text) == "已批复"
    assert f'href="/tables/{tid}/versions/1">第 1 版（已批复）</a>' in approved.text
    assert buttons(approved.text) == {"adjust", "comment"}
    no_reason = b.post(f"{url}/adjust", {"reason": ""})
    assert no_reason.status_code == 422
    assert 'id="adjust-reason-error" role="alert">调整须说明理由</div>' in no_reason.text
    adjusted = b.follow(b.post(f"{url}/adjust", {"reason": "预算调整：培训人次增加"}))
    assert flash(adjusted.text) == ["已开始调整：第 2 版，当前状态：草稿"]
    assert "第 2 版" in adjusted.text and "调整理由：预算调整：培训人次增加" in adjusted.text
    commented = b.follow(b.post(f"{url}/comment", {"body": "请同步调整半年指标值"}))
    assert flash(commented.text) == ["意见已发表"]
    assert "请同步调整半年指标值" in commented.text
    blank = b.post(f"{url}/comment", {"body": ""})
    assert blank.status_code == 422 and "意见内容不能为空" in blank.text


# -- history and versions ---------------------------------------------------------------


def test_history_shows_edits_and_approval_and_versions_are_read_only(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, TRAINING)
    first = tables.get_table(svc.uow(), tid).indicators[0]
    b = login(client, "danwei")
    b.post(
        f"/tables/{tid}/indicators/{first.id}",
        {
            "name": "人大代表履职培训情况",
            "half_year": "＝200人次",
            "full_year": "＝500人次",
            "lock": str(first.lock),
        },
        htmx=True,
    )
    b.post(f"/tables/{tid}/submit")
    logout(b)
    b = login(client, "caizheng")
    b.post(f"/tables/{tid}/review", {"grade": "良", "opinion": "可以"})
    b.post(f"/tables/{tid}/approve")

    history = b.get(f"/tables/{tid}/history")
    assert history.status_code == 200
    html = history.text
    entries = re.findall(r'<span class="action action-(\w+)">([^<]+)</span>', html)
    assert [label for _, label in entries] == ["批复", "审核", "提交", "修改", "导入"]
    edit = html[html.index("history-update") :]
    edit = edit[: edit.index("</tr>")]
    assert "演示单位填报" in edit and "danwei" not in edit
    assert "指标“人大代表履职培训情况”" in edit
    assert (
        '<span class="change-field">全年指标值</span>\n'
        '              <del>＝461人次</del> <span aria-label="改为">→</span> <ins>＝500人次</ins>'
    ) in edit
    assert "半年指标值" not in edit  # unchanged values are not listed
    approval = html[html.index("history-approve") :]
    approval = approval[: approval.index("</tr>")]
    assert "演示财政审核" in approval and "caizheng" not in approval
    assert "<del>已审核</del>" in approval and "<ins>已批复</ins>" in approval
    assert "第 1 版存档" in approval
    review = html[html.index("history-review") :]
    assert "等级：良；意见：可以" in review[: review.index("</tr>")]
    assert "从 000_782886cd0aa7e389.txt 导入，4 项指标" in html
    assert f'<a href="/tables/{tid}/versions/1">查看第 1 版</a>' in html

    version = b.get(f"/tables/{tid}/versions/1")
    assert version.status_code == 200
    assert "第 1 版（已批复，只读）" in version.text and "批复人：演示财政审核" in version.text
    rows = html_tables(version.text)["indicator-table"]
    assert [(c.text, c.rowspan) for c in rows[1][:2]] == [("产出指标", 3), ("数量指标", 1)]
    assert texts(rows[1])[2:] == ["人大代表履职培训情况", "＝200人次", "＝500人次"]
    assert "第 2 页 第 119 行" in rows[1][3].attrs["title"]  # provenance kept in the version
    assert "编辑" not in version.text and "操作</th>" not in version.text
    assert b.get(f"/tables/{tid}/versions/7").status_code == 404


# -- import -----------------------------------------------------------------------------


def test_import_preview_then_confirm(client: TestClient, svc: Services) -> None:
    b = login(client, "caizheng")
    form = b.get("/import")
    assert 'enctype="multipart/form-data"' in form.text and 'name="file"' in form.text

    preview = b.post(
        "/import/preview", files={"file": ("other_unit_2024.txt", OTHER.read_bytes(), "text/plain")}
    )
    assert preview.status_code == 200, preview.text
    html = preview.text
    assert "预览：other_unit_2024.txt" in html
    assert "共 4 张表、15 项指标、9 项整体目标、0 条警告" in html
    assert html.count('<span class="badge badge-new">新建</span>') == 4
    assert "常州市新北区教育局" in html and 'class="import-warning"' not in html
    assert "确认导入" in html
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token

    # The token is bound to who uploaded the file.
    other = TestClient(client.app)
    danwei = login(other, "danwei")
    assert danwei.post("/import/confirm", {"token": token.group(1)}).status_code == 410

    done = b.post("/import/confirm", {"token": token.group(1)})
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = b.get("/").text
    assert flash(home) == [
        "已从 other_unit_2024.txt 导入 4 张绩效目标表（15 项指标，9 项整体目标），状态：草稿"
    ]
    assert "共 <strong>13</strong> 张绩效目标表" in home and "常州市新北区教育局" in home
    used = b.post("/import/confirm", {"token": token.group(1)})
    assert used.status_code == 410 and "已过期或不存在" in used.text


@pytest.mark.parametrize("suffix", ["xlsx", "pdf", "html"])
def test_import_preview_of_a_published_workbook_pdf_or_page(
    client: TestClient, suffix: str
) -> None:
    """A unit's tables as units publish them (the corpus: XLSX, its PDF and HTML)."""
    path = CORPUS / "gd-op-value-unit" / f"gd-op-value-unit.{suffix}"
    expected = loads((CORPUS / "gd-op-value-unit" / "gd-op-value-unit.expected.json").read_text())
    b = login(client, "caizheng")
    preview = b.post("/import/preview", files={"file": (path.name, path.read_bytes(), "")})
    assert preview.status_code == 200, preview.text
    tables_count = len(expected.projects) + len(expected.overall_targets)
    assert f"共 {tables_count} 张表、{expected.indicator_count} 项指标" in preview.text
    for project in expected.projects:
        assert project.name in preview.text
    assert "确认导入" in preview.text


def test_import_preview_shows_problems_and_duplicates(client: TestClient) -> None:
    b = login(client, "danwei")
    again = b.post("/import/preview", files={"file": ("seed.txt", SEED.read_bytes(), "text/plain")})
    assert again.status_code == 200
    assert "重复导入：同一文件（" in again.text
    assert again.text.count('<span class="badge badge-problem">已在系统中</span>') == 9
    assert "存在以下问题，不能导入" in again.text
    assert "确认导入" not in again.text and 'name="token"' not in again.text

    foreign = b.post(
        "/import/preview", files={"file": ("other.txt", OTHER.read_bytes(), "text/plain")}
    )
    assert "只能导入本单位（无锡市人民代表大会常务委员会办公室）的目标表" in foreign.text
    assert "确认导入" not in foreign.text

    junk = b.post(
        "/import/preview", files={"file": ("junk.pdf", b"%PDF-1.7 ...", "application/pdf")}
    )
    assert junk.status_code == 422
    assert 'id="import-error">无法读取文件：junk.pdf：文件不完整' in junk.text
    nothing = b.post("/import/preview", data={})
    assert nothing.status_code == 422 and "请选择要导入的文件" in nothing.text


# -- CSRF -------------------------------------------------------------------------------


def test_form_posts_without_the_csrf_token_are_refused(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, TRAINING)
    b = login(client, "danwei")
    page = b.get(f"/tables/{tid}").text
    assert f'<body hx-headers=\'{{"X-CSRF-Token": "{b.csrf}"}}\'>' in page
    refused = client.post(f"/tables/{tid}/submit", data={}, follow_redirects=False)
    assert refused.status_code == 403
    assert "<html" in refused.text and "CSRF 校验失败，请刷新页面后重试" in refused.text
    wrong = client.post(
        f"/tables/{tid}/submit", data={"csrf_token": "forged"}, follow_redirects=False
    )
    assert wrong.status_code == 403
    first = tables.get_table(svc.uow(), tid).indicators[0]
    hx = client.post(
        f"/tables/{tid}/indicators/{first.id}",
        data={"name": "x", "full_year": "＝1人次", "lock": str(first.lock)},
        headers={"HX-Request": "true"},
    )
    assert hx.status_code == 403 and hx.text == "CSRF 校验失败，请刷新页面后重试"
    upload = client.post("/import/preview", files={"file": ("a.txt", b"x", "text/plain")})
    assert upload.status_code == 403
    detail = tables.get_table(svc.uow(), tid)
    assert detail.status_label == "草稿" and detail.indicators[0].name == first.name
    assert b.post(f"/tables/{tid}/submit").status_code == 303  # with the token it goes through
