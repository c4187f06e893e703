"""Downloads in the web app: each table, a unit's disclosure and any filtered list, as the
official forms and as open data; read back by jixiao's readers (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.ingest import read_bytes, read_path
from jixiao.services import Services, demo
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import UNIT, cheap_passwords, login, table_id

YEAR = 2023
UNIT_Q = quote(UNIT, safe="")


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    demo.set_up(svc, read_path(SEED), with_actuals=True)
    return TestClient(create_app(svc, secret_key="test-downloads"))


def _name(response: object) -> str:
    disposition = response.headers["content-disposition"]  # type: ignore[attr-defined]
    return unquote(disposition.split("''", 1)[1])


def test_a_table_in_every_format_reads_back(client: TestClient, svc: Services) -> None:
    login(client, "renda")
    seed = read_path(SEED)
    project = seed.projects[0]
    tid = table_id(svc, project.name)
    page = client.get(f"/tables/{tid}").text
    assert f'href="/tables/{tid}/export.pdf"' in page and 'id="export-html"' in page
    for fmt in ("pdf", "xlsx", "html"):
        got = client.get(f"/tables/{tid}/export.{fmt}")
        assert got.status_code == 200, got.text
        back = read_bytes(got.content, f"t.{fmt}")
        assert back.projects == (project,), fmt
    printed = client.get(f"/tables/{tid}/export.html")
    assert printed.headers["content-type"].startswith("text/html")
    assert "window.print()" in printed.text and "@page { size: A4 landscape" in printed.text
    assert "<thead>" in printed.text  # the header repeats on printed pages
    pdf = client.get(f"/tables/{tid}/export.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert _name(pdf) == f"{project.name}2023年度绩效目标表.pdf"
    data = client.get(f"/tables/{tid}/export.csv")
    rows = list(csv.DictReader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert [r["indicator"] for r in rows] == [i.name for i in project.indicators]
    assert client.get(f"/tables/{tid}/export.docx").status_code == 404


def test_a_units_disclosure_and_its_self_evaluation(client: TestClient) -> None:
    login(client, "danwei")
    page = client.get(f"/units/{UNIT_Q}/performance?year={YEAR}").text
    assert 'id="disclosure-pdf"' in page and 'id="self-evaluation-pdf"' in page
    workbook = client.get(f"/units/{UNIT_Q}/export.xlsx?year={YEAR}")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert len(sheets) == 9  # the unit as a whole and its eight projects, a sheet each
    seed = read_path(SEED)
    back = read_bytes(client.get(f"/units/{UNIT_Q}/export.pdf?year={YEAR}").content, "u.pdf")
    assert (back.overall_targets, back.projects) == (seed.overall_targets, seed.projects)
    evaluation = client.get(f"/units/{UNIT_Q}/self-evaluation.pdf?year={YEAR}")
    assert evaluation.status_code == 200 and evaluation.content.startswith(b"%PDF")
    monitor = client.get(f"/units/{UNIT_Q}/monitoring.html?year={YEAR}")
    assert monitor.status_code == 200 and "绩效运行监控表" in monitor.text
    assert client.get(f"/units/{UNIT_Q}/export.pdf").status_code == 422  # no year


def test_a_filtered_list_downloads(client: TestClient) -> None:
    login(client, "caizheng")
    page = client.get("/?kind=project").text
    assert 'id="list-csv"' in page
    listed = client.get("/list.csv?kind=project")
    rows = list(csv.reader(io.StringIO(listed.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "类型", "名称"] and len(rows) == 1 + 8
    assert {r[1] for r in rows[1:]} == {"项目"}
    sheet = load_workbook(io.BytesIO(client.get("/list.xlsx?kind=overall").content)).active
    assert sheet is not None and sheet.max_row == 2
    package = client.get("/export.datapackage?kind=project")
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "datapackage.json" in names and "data/indicators.csv" in names
    assert client.get("/export.json?unit=某局").status_code == 404


def test_a_departments_disclosure_is_the_list_filtered_by_it(client: TestClient) -> None:
    """One PDF / workbook of every table of a department and year, titled by them."""
    login(client, "renda")
    seed = read_path(SEED)
    department = seed.projects[0].department
    assert department is not None
    query = f"department={quote(department)}&year={YEAR}"
    page = client.get(f"/?{query}").text
    link = re.search(r'href="(/export\.pdf\?[^"]*)"', page)
    assert link is not None and quote(department) in link.group(1)
    pdf = client.get(f"/export.pdf?{query}")
    assert _name(pdf) == f"{department}{YEAR}年度绩效目标表.pdf"
    back = read_bytes(pdf.content, "d.pdf")
    assert [p.name for p in back.projects] == [p.name for p in seed.projects]
    assert [o.unit for o in back.overall_targets] == [o.unit for o in seed.overall_targets]
    workbook = load_workbook(io.BytesIO(client.get(f"/export.xlsx?{query}").content))
    assert len(workbook.sheetnames) == len(seed.projects) + len(seed.overall_targets)
    assert client.get(f"/export.pdf?department={quote('某局')}").status_code == 404


def test_downloads_need_a_sign_in(client: TestClient) -> None:
    response = client.get("/list.csv", follow_redirects=False)
    assert response.status_code in (302, 303)


def test_history_and_approved_versions_download(client: TestClient, svc: Services) -> None:
    login(client, "shenji")
    project = read_path(SEED).projects[1]
    tid = table_id(svc, project.name)
    page = client.get(f"/tables/{tid}/history").text
    assert 'id="history-csv"' in page
    trail = client.get(f"/tables/{tid}/history.csv")
    rows = list(csv.reader(io.StringIO(trail.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "时间", "操作人", "操作"]
    assert {r[3] for r in rows[1:]} >= {"import", "submit", "actuals.save"}
    sheet = load_workbook(io.BytesIO(client.get(f"/tables/{tid}/history.xlsx").content)).active
    assert sheet is not None and sheet.max_row == len(rows)
    version = client.get(f"/tables/{tid}/versions/1").text
    assert f'href="/tables/{tid}/versions/1/export.pdf"' in version
    back = read_bytes(client.get(f"/tables/{tid}/versions/1/export.pdf").content, "v1.pdf")
    assert back.projects == (project,)  # the version as approved
    assert client.get(f"/tables/{tid}/history.pdf").status_code == 404
