"""Error pages: inside the normal layout (navigation, the logged-in user), in Chinese;
the API answers JSON with a Chinese ``detail``; never ``{"detail":"Not Found"}``."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from jixiao.ingest import read_path
from jixiao.services import Services, demo, tables
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import cheap_passwords, login


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-errors"), raise_server_exceptions=False)


def _in_layout(html: str) -> None:
    assert html.lstrip().startswith("<!doctype html>")
    assert 'class="main-nav"' in html and ">单位与项目</a>" in html  # the navigation
    assert re.search(r'class="user-name"[^>]*>演示', html)  # the logged-in user, by name
    assert 'href="/login"' not in html  # no 登录 while logged in
    assert '"detail"' not in html and "Not Found" not in html


@pytest.mark.parametrize("url", ["/no-such-page", "/tables/999999", "/tables/abc", "/units"])
def test_a_missing_page_is_a_page(client: TestClient, url: str) -> None:
    login(client, "danwei")
    response = client.get(url)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("text/html")
    _in_layout(response.text)
    assert "错误代码 404" in response.text


def test_a_forbidden_page_keeps_the_navigation(client: TestClient) -> None:
    login(client, "renda")
    response = client.get("/import")
    assert response.status_code == 403
    _in_layout(response.text)
    assert "角色“人大监督”无权导入" in response.text


def test_an_unknown_page_without_log_in_offers_log_in(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text and 'href="/login"' in response.text


def test_the_api_answers_json_in_chinese(client: TestClient) -> None:
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "您访问的页面不存在，或地址有误。"}
    wrong = client.post(
        "/api/tables/1/indicators", content=b"{", headers={"content-type": "application/json"}
    )
    assert wrong.status_code in (401, 422)
    body = wrong.json()
    assert re.search(r"[\u4e00-\u9fff]", str(body.get("message", body["detail"]))), body


def test_a_crash_is_a_page_in_the_layout(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, "danwei")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(tables, "list_tables", broken)
    response = client.get("/")
    assert response.status_code == 500
    _in_layout(response.text)
    assert "系统出错" in response.text and "database on fire" not in response.text
