"""The import preview: the tables as they will be stored, in the project page's layout,
with each warning in Chinese beside its row; importing as a draft or recording the
published targets as approved (登记批复), in the web as the CLI does with --approved."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from jixiao.domain.messages import WARNING_LABELS
from jixiao.domain.workflow import Status
from jixiao.ingest import read_bytes, read_path
from jixiao.services import Services, demo, preview, tables
from jixiao.services.tables import TableFilter
from jixiao.web.app import create_app
from tests.conftest import SEED, SEED_LAYOUT
from tests.web.pages.test_pages import Browser, cheap_passwords, html_tables, login, texts

OTHER = SEED_LAYOUT / "other_unit_2024.txt"
SCHOOL = "校园安全保障经费"


def flawed_file() -> bytes:
    """The other unit's file with a value row spoiled: its 数量指标 row then reads as an
    unknown label, and the group above has more names than rows."""
    text = OTHER.read_text(encoding="utf-8")
    assert "数量指标 ≥3场 ≥6场" in text
    return text.replace("数量指标 ≥3场 ≥6场", "数量指标 ≥3场 待定", 1).encode("utf-8")


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED))
    return TestClient(create_app(svc, secret_key="test-import"))


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the preview offers no 确认导入"
    return match.group(1)


def _preview(b: Browser, name: str, data: bytes) -> str:
    response = b.post("/import/preview", files={"file": (name, data, "text/plain")})
    assert response.status_code == 200, response.text
    return response.text


def test_warnings_are_placed_on_the_row_they_concern() -> None:
    doc = read_bytes(flawed_file(), "flawed.txt")
    planned = list(doc.overall_targets) + list(doc.projects)
    on_rows, on_tables, loose = preview.place_warnings(planned, doc.warnings)
    ambiguous = [w for w in doc.warnings if w.code == "ingest.ambiguous-rows"]
    assert ambiguous, [w.code for w in doc.warnings]
    placed = {(t, r): [w.code for w in found] for (t, r), found in on_rows.items()}
    school = next(k for k, p in enumerate(planned) if getattr(p, "name", "") == SCHOOL)
    assert "ingest.ambiguous-rows" in placed[(school, 0)]
    # Every warning is shown once: on a row, on a table, or on the document.
    shown = sum(map(len, on_rows.values())) + sum(map(len, on_tables.values())) + len(loose)
    assert shown == len(doc.warnings)


def test_preview_shows_the_tables_in_the_official_layout_with_warnings_beside_rows(
    client: TestClient,
) -> None:
    b = login(client, "caizheng")
    html = _preview(b, "flawed_2024.txt", flawed_file())
    assert "ingest." not in re.sub(r'title="[^"]*"', "", html)  # codes only in tooltips
    assert "项目支出绩效目标表" in html and "部门整体支出绩效目标表" in html
    assert html.count('class="panel preview-table"') == 4
    # The school project: its rows as the project page lays them out, the warning beside
    # the row it concerns, with the place in the file.
    section = html[html.index(f'项目名称</th><td colspan="3" class="strong">{SCHOOL}') :]
    section = section[: section.index("</article>")]
    rows = html_tables(section)["indicator-table"]
    assert texts(rows[0])[:3] == ["一级指标", "二级指标", "三级指标"]
    assert texts(rows[0])[-1] == "导入警告"
    flagged = [texts(r) for r in rows[1:] if r[-1].text]
    assert flagged, "no warning beside any row"
    first = flagged[0]
    assert "校园安全应急疏散演练场次" in first
    assert WARNING_LABELS["ingest.ambiguous-rows"] in first[-1]
    assert "flawed_2024.txt 第 2 页 第" in first[-1] and "行" in first[-1]
    # The overall table's goals are there too.
    assert "编制区域教育事业发展年度计划" in html
    # A finance reviewer may choose 登记批复.
    assert 'id="mode-approved"' in html and "登记批复的依据" in html


def test_a_unit_imports_drafts_only(client: TestClient, svc: Services) -> None:
    b = login(client, "danwei")
    html = _preview(b, "seed_again.txt", SEED.read_bytes())
    assert 'id="mode-approved"' not in html  # already imported, and no 登记批复 for units
    other = TestClient(client.app)
    caizheng = login(other, "caizheng")
    token = _token(_preview(caizheng, "other.txt", OTHER.read_bytes()))
    assert "mode-approved" in _preview(caizheng, "other2.txt", OTHER.read_bytes())
    # A unit user who forges mode=approved on their own upload is refused in Chinese.
    seed_like = SEED.read_text(encoding="utf-8").replace("2023", "2026").encode("utf-8")
    mine = _preview(b, "mine_2026.txt", seed_like)
    refused = b.post("/import/confirm", {"token": _token(mine), "mode": "approved"})
    assert refused.status_code == 403
    assert "导入未完成：角色“单位填报”无权登记批复" in refused.text
    assert caizheng.post("/import/confirm", {"token": token}).status_code == 303


def test_finance_records_published_targets_as_approved(client: TestClient, svc: Services) -> None:
    b = login(client, "caizheng")
    token = _token(_preview(b, "other_unit_2024.txt", OTHER.read_bytes()))
    done = b.post(
        "/import/confirm", {"token": token, "mode": "approved", "reason": "2024年部门预算公开文件"}
    )
    assert done.status_code == 303
    home = b.get("/").text
    assert "已登记批复" in home
    found, _ = tables.list_tables(svc.uow(), TableFilter(q=SCHOOL))
    assert [s.status for s in found] == [Status.APPROVED]
    detail = tables.get_table(svc.uow(), found[0].id)
    assert detail.versions == (1,)
    history = b.get(f"/tables/{found[0].id}/history").text
    assert "登记批复" in history and "2024年部门预算公开文件" in history


def test_finance_acts_on_another_units_imported_draft(client: TestClient, svc: Services) -> None:
    b = login(client, "caizheng")
    token = _token(_preview(b, "other_unit_2024.txt", OTHER.read_bytes()))
    assert b.post("/import/confirm", {"token": token}).status_code == 303
    found, _ = tables.list_tables(svc.uow(), TableFilter(q=SCHOOL))
    tid = found[0].id
    page = b.get(f"/tables/{tid}").text
    assert 'id="btn-record-approved"' in page and "公开文件 other_unit_2024.txt" in page
    empty = b.post(f"/tables/{tid}/record-approved", {"reason": "  "})
    assert empty.status_code == 422
    assert "登记批复须说明依据（如公开文件）" in empty.text
    assert 'id="record-approved-reason-error"' in empty.text
    done = b.post(f"/tables/{tid}/record-approved", {"reason": "公开文件 other_unit_2024.txt"})
    assert done.status_code == 303
    page = b.get(f"/tables/{tid}").text
    assert "已登记批复，第 1 版已存档，当前状态：已批复" in page
    assert 'id="btn-record-approved"' not in page
    # A unit may not record approval, and sees no such form.
    unit = login(TestClient(client.app), "danwei")
    seed_id = tables.list_tables(svc.uow(), TableFilter(q="人大代表履职培训费"))[0][0].id
    assert 'id="btn-record-approved"' not in unit.get(f"/tables/{seed_id}").text
    refused = unit.post(f"/tables/{seed_id}/record-approved", {"reason": "x"})
    assert refused.status_code == 303
    assert "无权登记批复" in unit.get(f"/tables/{seed_id}").text


def test_the_duplicate_notice_names_the_year_and_no_none(client: TestClient) -> None:
    b = login(client, "danwei")
    text = SEED.read_text(encoding="utf-8")
    html = _preview(b, "seed_copy.txt", (text + "\n").encode("utf-8"))
    assert "None" not in html
    assert "年度）已在系统中" in html


def test_the_year_is_the_users_own_not_from_someone_elses_import(
    client: TestClient, svc: Services
) -> None:
    """Finance imports another unit's 2024 tables: the seed's unit and department (2023)
    still open on 2023, finance on 2024."""
    b = login(client, "caizheng")
    token = _token(_preview(b, "other_unit_2024.txt", OTHER.read_bytes()))
    assert b.post("/import/confirm", {"token": token}).status_code == 303
    unit = login(TestClient(client.app), "danwei")
    going = unit.get("/performance")
    assert going.status_code == 303 and going.headers["location"].endswith("?year=2023")
    department = login(TestClient(client.app), "zhuguan")
    page = department.get("/oversight").text
    assert 'name="year"' in page and re.search(r'<option value="2023"[^>]*selected', page)
    finance = b.get("/oversight").text
    assert re.search(r'<option value="2024"[^>]*selected', finance)


def test_overlong_texts_are_refused_at_their_field(client: TestClient, svc: Services) -> None:
    tid = tables.list_tables(svc.uow(), TableFilter(q="人大代表履职培训费"))[0][0].id
    first = tables.get_table(svc.uow(), tid).indicators[0]
    b = login(client, "danwei")
    long_name = "培" * 12_025
    saved = b.post(
        f"/tables/{tid}/indicators/{first.id}",
        {"name": long_name, "full_year": "＝1人次", "lock": str(first.lock)},
        htmx=True,
    )
    assert saved.status_code == 422
    assert "三级指标名称不能超过 300 个字符（现为 12,025 个字符）" in saved.text
    assert 'id="edit-indicators-' in saved.text and 'aria-invalid="true"' in saved.text
    assert tables.get_table(svc.uow(), tid).indicators[0].name == first.name
    opinion = b.post(f"/tables/{tid}/comment", {"body": "意" * 100_000})
    assert opinion.status_code == 422
    assert "意见内容不能超过 5,000 个字符（现为 100,000 个字符）" in opinion.text
    assert 'id="comment-body-error"' in opinion.text
    assert tables.get_table(svc.uow(), tid).comments == ()
