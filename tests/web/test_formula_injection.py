"""Text that a spreadsheet would take for a formula comes out as text in every XLSX and CSV
download (``=HYPERLINK(…)`` and ``=1+1`` as indicator names)."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.domain.workflow import Actor, Role
from jixiao.ingest import read_path
from jixiao.interchange.actuals import loads_actuals
from jixiao.interchange.cells import csv_field, formula_like
from jixiao.services import Services, actuals, demo
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.pages.test_pages import UNIT, cheap_passwords, login, table_id

LINK = '=HYPERLINK("http://evil.example/x","点击查看")'
SUM = "=1+1"
AT = "@SUM(1,2)"
UNIT_Q = quote(UNIT, safe="")


def test_the_rule() -> None:
    for text in (LINK, SUM, AT, "+1+1", "-1+1", "\t=1", "\r=1", "-A1"):
        assert formula_like(text) and csv_field(text) == "'" + text
    for text in ("-5", "+1.5", "-5%", "≥95%", "1=1", "", "—", "=", "-"):
        assert not formula_like(text) and csv_field(text) == text
    assert csv_field(7) == 7


@pytest.fixture
def client(svc: Services, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    cheap_passwords(monkeypatch)
    seed = read_path(SEED)
    project = seed.projects[0]
    first, second, third, *rest = project.indicators
    project = dataclasses.replace(
        project,
        indicators=(
            dataclasses.replace(first, name=LINK),
            dataclasses.replace(second, name=SUM),
            dataclasses.replace(third, name=AT),
            *rest,
        ),
    )
    doc = dataclasses.replace(seed, projects=(project, *seed.projects[1:]))
    created = demo.set_up(svc, doc)
    # as demo.set_up(with_actuals=True) does, the renamed indicators' actuals renamed too
    demo.approve_all(svc, created)
    unit_user = next(u for u in created if u.role is Role.UNIT)
    reporter = Actor(unit_user.username, Role.UNIT, unit=unit_user.unit)
    renamed = {first.name: LINK, second.name: SUM, third.name: AT}
    for path in demo.example_actuals():
        reported = loads_actuals(path.read_bytes(), where=path.name)
        projects = tuple(
            dataclasses.replace(
                p,
                indicators=tuple(
                    dataclasses.replace(i, indicator=renamed.get(i.indicator, i.indicator))
                    if p.project == project.name
                    else i
                    for i in p.indicators
                ),
            )
            for p in reported.projects
        )
        reported = dataclasses.replace(reported, projects=projects)
        actuals.save_document(svc.uow(), reporter, reported, where=path.name)
    return TestClient(create_app(svc, secret_key="test-injection"))


def _downloads(tid: int) -> list[str]:
    year = "year=2023"
    urls = []
    for fmt in ("xlsx", "csv"):
        urls += [
            f"/tables/{tid}/export.{fmt}",
            f"/units/{UNIT_Q}/export.{fmt}?{year}",
            f"/export.{fmt}",
            f"/list.{fmt}",
            f"/performance.{fmt}",
            f"/tables/{tid}/history.{fmt}",
            f"/tables/{tid}/versions/1/export.{fmt}",
            f"/oversight/tables/{tid}.{fmt}",
            f"/oversight/tables/{tid}/rows/0.{fmt}",
        ]
        urls += [
            f"/oversight/{view}.{fmt}?{year}"
            for view in ("departments", "units", "overview", "projects", "codes", "findings")
        ]
    urls += [
        f"/units/{UNIT_Q}/self-evaluation.xlsx?{year}",
        f"/units/{UNIT_Q}/monitoring.xlsx?{year}",
        f"/units/{UNIT_Q}/actuals-template.xlsx?{year}&period=full_year",
        f"/units/{UNIT_Q}/actuals-template.xlsx?{year}&period=half_year",
        f"/tables/{tid}/export.datapackage",
        "/export.datapackage",
    ]
    return urls


def _files(name: str, data: bytes) -> list[tuple[str, bytes]]:
    """The download, or the spreadsheets and CSV files inside it when it is a ZIP of them."""
    if name.endswith(".xlsx") or not data.startswith(b"PK"):
        return [(name, data)]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [
            (member, z.read(member))
            for member in z.namelist()
            if member.endswith((".csv", ".xlsx"))
        ]


def _xlsx_texts(name: str, data: bytes) -> list[str]:
    """Every text cell of the workbook, after checking that no cell is a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(part)), (name, part)
    texts = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    if formula_like(cell.value):
                        assert cell.quotePrefix, (name, cell.coordinate, cell.value)
                    texts.append(cell.value)
    return texts


def _csv_texts(name: str, data: bytes) -> list[str]:
    fields = [f for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for f in row]
    for field in fields:
        assert not formula_like(field), (name, field)
    return fields


def test_formula_text_is_text_in_every_download(client: TestClient, svc: Services) -> None:
    login(client, "caizheng")
    tid = table_id(svc, read_path(SEED).projects[0].name)
    shown: dict[str, int] = {}
    for url in _downloads(tid):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:200])
        for name, data in _files(url.split("?")[0], response.content):
            if name.endswith(".xlsx"):
                texts = _xlsx_texts(name, data)
                found = sum(t in (LINK, SUM, AT) for t in texts)
            else:
                texts = _csv_texts(name, data)
                found = sum(t in ("'" + LINK, "'" + SUM, "'" + AT) for t in texts)
            shown[f"{url} {name}"] = found
    # The indicator names are in every download that lists indicators, as text.
    with_names = [k for k, n in shown.items() if n]
    assert len(with_names) >= 12, shown
    for expected in (
        f"/tables/{tid}/export.xlsx",
        f"/tables/{tid}/export.csv",
        f"/oversight/tables/{tid}.xlsx",
        f"/oversight/tables/{tid}.csv",
        f"/units/{UNIT_Q}/self-evaluation.xlsx",
        f"/units/{UNIT_Q}/actuals-template.xlsx",
    ):
        assert any(k.startswith(expected) for k in with_names), (expected, shown)
