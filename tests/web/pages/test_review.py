"""Review findings (审核发现) beside the table, and a reviewer accepting them into the opinion."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao.domain.workflow import Status
from jixiao.ingest import read_path
from jixiao.services import Invalid, Services, demo, tables
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import cheap_passwords, login, table_id

VOICE = "《人大之声》制作经费"


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-review"))


def _opinion(html: str) -> str:
    match = re.search(r'<textarea id="review-opinion"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no review form on the page"
    return unescape(match.group(1))


def test_findings_are_shown_to_the_unit_without_accepting(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, VOICE)
    page = login(client, "danwei").get(f"/tables/{tid}").text
    assert "审核发现" in page
    assert "JX106" in page
    assert "指标“《人大之声》汇编制作发放合集”的半年指标值为零（≥0份）" in page
    assert 'id="suggested-grade">中<' in page
    assert 'name="accept"' not in page  # a unit cannot review: nothing to accept into


def test_reviewer_accepts_selected_findings_into_the_opinion(
    client: TestClient, svc: Services
) -> None:
    tid = table_id(svc, VOICE)
    unit = login(client, "danwei")
    assert unit.post(f"/tables/{tid}/submit").status_code == 303
    finance = login(client, "caizheng")
    page = finance.get(f"/tables/{tid}").text
    boxes = re.findall(r'name="accept" value="(\d+)"', page)
    assert len(boxes) >= 3
    assert "btn-accept-findings" in page
    drafted = finance.get(f"/tables/{tid}?accept=0&accept=2").text
    opinion = _opinion(drafted)
    assert opinion.startswith("经审核，发现以下问题：\n1. ")
    assert "\n2. " in opinion and "\n3. " not in opinion
    assert "缺少效益指标（JX101）" in opinion
    assert re.search(r'name="grade" value="中" required checked', drafted)
    sent = finance.post(f"/tables/{tid}/review", {"grade": "中", "opinion": opinion})
    assert sent.status_code == 303
    detail = tables.get_table(svc.uow(), tid)
    assert detail.status is Status.DRAFT  # 中 sends it back to the unit
    assert detail.reviews[-1].opinion == opinion.strip()


def test_accept_is_ignored_for_those_who_cannot_review(client: TestClient, svc: Services) -> None:
    tid = table_id(svc, VOICE)
    page = login(client, "admin").get(f"/tables/{tid}?accept=0").text
    assert 'id="review-opinion"' not in page
    assert "审核发现" in page


def test_the_configured_rules_apply_in_the_app(
    svc: Services, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    config = tmp_path / "jixiao.toml"
    config.write_text('[review]\nignore = ["JX106"]\n', encoding="utf-8")
    monkeypatch.setenv("JIXIAO_CONFIG", str(config))
    app_client = TestClient(create_app(svc, secret_key="test-config"))
    page = login(app_client, "danwei").get(f"/tables/{table_id(svc, VOICE)}").text
    assert "JX101" in page
    assert "JX106" not in page
    config.write_text("[review.rules.JX106]\nlevel = 2\n", encoding="utf-8")
    with pytest.raises(Invalid) as caught:
        create_app(svc)
    assert str(config) in caught.value.message
    assert "review.rules.JX106.level: unknown parameter" in caught.value.message
