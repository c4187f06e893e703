"""The oversight pages in-process (SQLite and PostgreSQL): the dashboard shows what the
service counts, drills down from the region to an indicator and its source, and every view
downloads as CSV/XLSX with the same rows; who may see what."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.ingest import read_path
from jixiao.services import Services, demo, oversight
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import UNIT, cheap_passwords, login

YEAR = 2023
DEPARTMENT = "无锡市人大常委会"


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    return TestClient(create_app(svc, secret_key="test-oversight"))


def _by_id(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert found is not None, element_id
    return found.group(1).strip()


def _csv(client: TestClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_dashboard_shows_the_counted_facts_and_drills_down(
    client: TestClient, svc: Services
) -> None:
    login(client, "renda")
    f = oversight.Filter(year=YEAR)
    totals = oversight.overview(svc.uow(), f).totals
    html = client.get("/oversight").text
    assert f"{YEAR} 年度绩效监督" in html
    assert _by_id(html, "kpi-projects") == str(totals.projects)
    assert _by_id(html, "kpi-red") == str(totals.red)
    assert _by_id(html, "kpi-score") == str(totals.mean_score)
    assert '<script src="/vendor/echarts/dist/echarts.min.js"' in html
    assert client.get("/vendor/echarts/dist/echarts.min.js").status_code == 200
    # region → department → unit
    department = re.search(r'class="drill-department">([^<]+)<', html)
    assert department is not None and department.group(1) == DEPARTMENT
    html = client.get(f"/oversight?year={YEAR}&department={quote(DEPARTMENT)}").text
    unit_link = re.search(r'href="([^"]+)" class="drill-unit">([^<]+)<', html)
    assert unit_link is not None and unit_link.group(2) == UNIT
    html = client.get(unit_link.group(1).replace("&amp;", "&")).text
    assert 'id="project-table"' in html and 'id="crumb-unit"' in html
    # unit → project (the most lagging one) → indicator with its source
    (lagging,), _ = oversight.projects(svc.uow(), f, order="lagging", limit=1)
    assert f'href="/oversight/tables/{lagging.table_id}"' in html
    project = client.get(f"/oversight/tables/{lagging.table_id}").text
    assert _by_id(project, "table-name") == lagging.name
    rows = re.findall(rf'href="/oversight/tables/{lagging.table_id}/rows/(\d+)"', project)
    assert rows and rows[0] == "0"
    indicator = client.get(f"/oversight/tables/{lagging.table_id}/rows/0").text
    detail = oversight.indicator_detail(svc.uow(), lagging.table_id, 0)
    assert _by_id(indicator, "indicator-name") == detail.name
    assert detail.source is not None and detail.source.line is not None
    assert f"第 {detail.source.line} 行" in indicator or str(detail.source.line) in indicator
    assert detail.table_source is not None and detail.table_source in indicator
    assert detail.light is not None and _by_id(indicator, "indicator-light") == detail.light
    assert client.get(f"/oversight/tables/{lagging.table_id}/rows/999").status_code == 404


def test_every_view_downloads_its_rows(client: TestClient, svc: Services) -> None:
    login(client, "caizheng")
    f = oversight.Filter(year=YEAR)
    groups = oversight.groups(svc.uow(), f, "department")
    rows = _csv(client, f"/oversight/departments.csv?year={YEAR}")
    assert rows[0][:3] == ["主管部门", "单位数", "项目数"]
    assert [r[:3] for r in rows[1:]] == [
        [g.key, str(g.totals.units), str(g.totals.projects)] for g in groups
    ]
    projects, total = oversight.projects(svc.uow(), f, order="red", limit=1000)
    rows = _csv(client, f"/oversight/projects.csv?year={YEAR}&order=red")
    assert [int(r[0]) for r in rows[1:]] == [p.table_id for p in projects] and len(
        rows
    ) - 1 == total
    warnings, n = oversight.findings(svc.uow(), f, source="warning", limit=1000)
    rows = _csv(client, f"/oversight/warnings.csv?year={YEAR}")
    assert len(rows) - 1 == n > 0 and [r[3] for r in rows[1:]] == [w.code for w in warnings]
    codes = oversight.findings_by_code(svc.uow(), f)
    sheet = load_workbook(
        io.BytesIO(client.get(f"/oversight/codes.xlsx?year={YEAR}").content)
    ).active
    assert sheet is not None
    assert [(r[0].value, r[3].value) for r in sheet.iter_rows(min_row=2)] == [
        (c.code, c.count) for c in codes
    ]
    assert _csv(client, f"/oversight/yoy.csv?year={YEAR}")[1][0] == UNIT
    assert _csv(client, f"/oversight/overview.csv?year={YEAR}&department={quote(DEPARTMENT)}")[1][
        1
    ] == str(oversight.overview(svc.uow(), f).totals.projects)
    assert client.get(f"/oversight/nothing.csv?year={YEAR}").status_code == 404
    assert client.get(f"/oversight/projects.pdf?year={YEAR}").status_code == 404
    # the pages link every view's download
    html = client.get("/oversight").text
    for view in ("overview", "departments", "projects", "warnings", "codes", "yoy"):
        assert f"/oversight/{view}.csv?" in html and f"/oversight/{view}.xlsx?" in html


def test_a_project_and_an_indicator_download_what_their_pages_show(
    client: TestClient, svc: Services
) -> None:
    login(client, "shenji")
    f = oversight.Filter(year=YEAR)
    (project,), _ = oversight.projects(svc.uow(), f, order="findings", limit=1)
    d = oversight.table_detail(svc.uow(), project.table_id)
    page = client.get(f"/oversight/tables/{project.table_id}").text
    assert f'href="/oversight/tables/{project.table_id}.csv"' in page
    rows = _csv(client, f"/oversight/tables/{project.table_id}.csv")
    assert rows[0][:4] == ["行号", "一级指标", "二级指标", "三级指标"]
    whole = [w for w in d.findings if w.position is None]
    body = rows[2:] if whole else rows[1:]
    assert [(r[3], int(r[5]), int(r[6])) for r in body] == [
        (r.name, r.findings, r.warnings) for r in d.rows
    ]
    listed = "\n".join(r[7] for r in rows[1:])
    assert all(w.message in listed for w in d.findings) and d.findings
    # the same rows in the workbook
    book = load_workbook(
        io.BytesIO(client.get(f"/oversight/tables/{project.table_id}.xlsx").content)
    ).active
    assert book is not None
    assert [
        [("" if c is None else str(c)) for c in r] for r in book.iter_rows(values_only=True)
    ] == rows

    # an indicator: its values with the place each came from, what was reported, findings
    detail = oversight.indicator_detail(svc.uow(), project.table_id, 0)
    page = client.get(f"/oversight/tables/{project.table_id}/rows/0").text
    assert f'href="/oversight/tables/{project.table_id}/rows/0.xlsx"' in page
    kv = {r[0]: r[1:] for r in _csv(client, f"/oversight/tables/{project.table_id}/rows/0.csv")}
    assert kv["指标"][0] == detail.name and kv["项目"][0] == project.name
    assert detail.source is not None and detail.source.line is not None
    assert f"第 {detail.source.line} 行" in kv["指标"][1]
    for label, value in detail.targets:
        assert kv[f"{label}指标值"][0] == value.text
    assert detail.light is not None and kv["运行监控"] == [detail.light, detail.light_basis]
    for r in detail.reported:
        period = "运行监控" if r.period.value == "half_year" else "绩效自评"
        assert kv[f"{period}完成值"][0] == (r.value or "")
    assert client.get(f"/oversight/tables/{project.table_id}/rows/999.csv").status_code == 404
    assert client.get(f"/oversight/tables/{project.table_id}.pdf").status_code == 404


def test_a_department_downloads_only_its_own_projects(client: TestClient, svc: Services) -> None:
    login(client, "zhuguan")
    (project,), _ = oversight.projects(svc.uow(), oversight.Filter(year=YEAR), limit=1)
    assert client.get(f"/oversight/tables/{project.table_id}.csv").status_code == 200
    with svc.session() as s:  # the unit moves to another department
        from jixiao.store.models import DepartmentRow, TargetTableRow, UnitRow

        table = s.get(TargetTableRow, project.table_id)
        assert table is not None
        other = DepartmentRow(name="某某局")
        s.add(other)
        s.flush()
        unit = s.get(UnitRow, table.unit_id)
        assert unit is not None
        unit.department_id = other.id
        s.commit()
    for url in (
        f"/oversight/tables/{project.table_id}.csv",
        f"/oversight/tables/{project.table_id}/rows/0.xlsx",
    ):
        assert client.get(url).status_code == 403, url


def test_who_sees_the_oversight_views(client: TestClient) -> None:
    assert client.get("/oversight", follow_redirects=False).status_code == 303  # log in
    unit = login(client, "danwei")
    assert 'href="/oversight"' not in unit.client.get("/").text
    response = client.get("/oversight", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/performance"
    client.post("/logout", data={"csrf_token": unit.csrf})
    login(client, "zhuguan")  # 主管部门: its own units whatever the query says
    html = client.get(f"/oversight?year={YEAR}&department={quote('某某局')}").text
    assert f"{DEPARTMENT} · {YEAR} 年度绩效监督" in html
    assert 'href="/oversight"' in html


def test_an_inquiry_from_the_indicator_page_to_the_units_answer(
    client: TestClient, svc: Services
) -> None:
    f = oversight.Filter(year=YEAR)
    (lagging,), _ = oversight.projects(svc.uow(), f, order="lagging", limit=1)
    page = f"/oversight/tables/{lagging.table_id}/rows/0"
    deputy = login(client, "renda")
    html = client.get(page).text
    assert 'id="ask-form"' in html and 'name="position" value="0"' in html
    response = client.post(
        f"/tables/{lagging.table_id}/inquiries",
        data={
            "csrf_token": deputy.csrf,
            "subject": "执行为何滞后",
            "body": "请说明原因和整改安排",
            "position": "0",
            "next": page,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == page
    html = client.get(page).text
    assert "执行为何滞后" in html and "待答复" in html
    client.post("/logout", data={"csrf_token": deputy.csrf})

    unit = login(client, "danwei")
    landing = client.get("/").text
    assert re.search(r'id="nav-inquiries">询问 <span class="count-badge"[^>]*>1<', landing)
    table = client.get(f"/tables/{lagging.table_id}").text
    assert "执行为何滞后" in table and "/answer" in table and 'id="ask-form"' not in table
    inquiry = re.search(r'action="/inquiries/(\d+)/answer"', table)
    assert inquiry is not None
    client.post(
        f"/inquiries/{inquiry.group(1)}/answer",
        data={"csrf_token": unit.csrf, "body": "资金拨付延迟，已于7月拨付", "next": "/inquiries"},
    )
    listed = client.get("/inquiries").text
    assert "已答复" in listed and "执行为何滞后" in listed
    # the unit cannot follow up its own answer: refused with a message, nothing stored
    client.post(
        f"/inquiries/{inquiry.group(1)}/follow-up",
        data={"csrf_token": unit.csrf, "body": "单位不能追问", "next": "/inquiries"},
    )
    assert "单位不能追问" not in client.get(f"/tables/{lagging.table_id}").text
