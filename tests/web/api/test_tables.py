"""The JSON API: authentication, reading tables, history, versions, OpenAPI.

Writes are in test_rows.py, test_workflow.py, test_imports.py, test_admin.py
and the role matrix in test_matrix.py (all in this folder).  Every test runs on SQLite and
on PostgreSQL (the ``svc`` fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from jixiao.domain.workflow import Status
from jixiao.ingest import read_path
from jixiao.interchange import dump
from jixiao.services import Services, users
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.api.support import (
    OTHER_UNIT,
    SEED_DEPARTMENT,
    SEED_UNIT,
    World,
    error,
    make_world,
)


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    return make_world(svc, monkeypatch)


def _without_nulls(data: Any) -> Any:
    """jixiao/1 leaves out empty location fields; the API sends them as null."""
    if isinstance(data, dict):
        return {
            k: _without_nulls(v)
            for k, v in data.items()
            if not (v is None and k in {"page", "line", "sheet", "cell"})
        }
    if isinstance(data, list):
        return [_without_nulls(v) for v in data]
    return data


# -- authentication ---------------------------------------------------------------------


def test_me(world: World) -> None:
    response = world.get(None, "/api/me")
    assert error(response, 401) == "需要登录或 API 令牌"
    assert response.headers["www-authenticate"] == "Bearer"

    bad = world.client.get("/api/me", headers={"Authorization": "Bearer jx_not-a-token"})
    assert error(bad, 401) == "API 令牌无效、已过期、已撤销或其用户已停用"

    other_scheme = world.client.get(
        "/api/me", headers={"Authorization": f"Basic {world.tokens['unit']}"}
    )
    assert error(other_scheme, 401) == "需要登录或 API 令牌"

    assert world.get("unit", "/api/me").json() == {
        "username": "danwei",
        "role": "unit",
        "role_label": "单位填报",
        "unit": SEED_UNIT,
        "department": None,
    }
    assert world.get("department", "/api/me").json() == {
        "username": "zhuguan",
        "role": "department",
        "role_label": "主管部门审核",
        "unit": None,
        "department": SEED_DEPARTMENT,
    }
    assert world.get("congress", "/api/me").json()["role_label"] == "人大监督"


def _no_database() -> Services:
    """Services for tests that must not reach the database (nothing is created)."""
    return Services(create_engine("sqlite://"))


def test_a_forged_session_cookie_is_no_login() -> None:
    client = TestClient(create_app(_no_database(), secret_key="test-secret"))
    client.cookies.set("jixiao_session", "eyJ1c2VyIjogImFkbWluIn0=.forged.signature")
    assert error(client.get("/api/me"), 401) == "需要登录或 API 令牌"
    assert error(client.post("/api/tokens", json={"name": "x"}), 401) == "需要登录或 API 令牌"


def test_a_session_cookie_needs_the_csrf_header_on_writes(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch)
    world.bring_to(world.overall, Status.APPROVED)  # 人大 comments on approved tables
    app = create_app(svc, secret_key="test-secret")

    sid = users.start_session(svc.uow(), "renda")

    @app.get("/_test/session")
    def _session(request: Request) -> dict[str, str]:  # what the pages' /login stores
        request.session.update(sid=sid, csrf="the-csrf-token")
        return {}

    client = TestClient(app)
    client.get("/_test/session")
    assert client.get("/api/me").json()["username"] == "renda"

    url = f"/api/tables/{world.overall}/comments"
    refused = client.post(url, json={"body": "请说明"})
    assert error(refused, 403) == "CSRF 校验失败，请刷新页面后重试"
    forged = client.post(url, json={"body": "请说明"}, headers={"X-CSRF-Token": "guess"})
    assert error(forged, 403) == "CSRF 校验失败，请刷新页面后重试"
    assert world.table(world.overall)["comments"] == []

    ok = client.post(url, json={"body": "请说明"}, headers={"X-CSRF-Token": "the-csrf-token"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["author"] == "renda"


# -- listing ----------------------------------------------------------------------------


def _ids(world: World, query: str, who: str = "finance") -> tuple[int, list[int]]:
    response = world.get(who, f"/api/tables?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    return body["total"], [item["id"] for item in body["items"]]


def test_list_tables_and_filter_options(world: World) -> None:
    body = world.get("finance", "/api/tables").json()
    assert body["total"] == 9
    items = {item["id"]: item for item in body["items"]}
    assert set(items) == {world.overall, *world.projects}
    overall = items[world.overall]
    assert overall["kind"] == "overall"
    assert overall["kind_label"] == "部门整体"
    assert overall["name"] == SEED_UNIT
    assert overall["rows"] == 13
    assert overall["department"] == SEED_DEPARTMENT
    first = items[world.projects[0]]
    assert first["name"] == "人大代表履职培训费"
    assert first["kind_label"] == "项目"
    assert (first["unit"], first["fiscal_year"], first["rows"]) == (SEED_UNIT, 2023, 4)
    assert {(i["status"], i["status_label"], i["version"]) for i in items.values()} == {
        ("draft", "草稿", 1)
    }
    assert first["updated_at"].endswith("Z")  # UTC on both backends


def test_list_tables_filters_and_pages(world: World) -> None:
    assert _ids(world, "kind=project")[0] == 8
    assert _ids(world, "kind=overall")[1] == [world.overall]
    assert _ids(world, "year=2023")[0] == 9
    assert _ids(world, "year=2022") == (0, [])
    assert _ids(world, f"unit={SEED_UNIT}")[0] == 9
    assert _ids(world, f"unit={OTHER_UNIT}") == (0, [])
    assert _ids(world, f"department={SEED_DEPARTMENT}")[0] == 9
    assert _ids(world, "q=信访") == (1, [world.projects[-1]])
    world.bring_to(world.projects[2], Status.SUBMITTED)
    assert _ids(world, "status=submitted") == (1, [world.projects[2]])
    assert _ids(world, "status=draft&kind=project")[0] == 7

    pages = [_ids(world, f"limit=4&offset={offset}") for offset in (0, 4, 8)]
    assert [total for total, _ in pages] == [9, 9, 9]
    assert [len(ids) for _, ids in pages] == [4, 4, 1]
    assert sorted(i for _, ids in pages for i in ids) == sorted([world.overall, *world.projects])

    assert error(world.get(None, "/api/tables"), 401)
    for query in ("status=finished", "kind=other", "limit=0", "limit=501", "offset=-1", "year=x"):
        response = world.get("congress", f"/api/tables?{query}")
        assert response.status_code == 422, query
        assert isinstance(response.json()["detail"], list)


def test_filter_options(world: World) -> None:
    body = world.get("audit", "/api/filters").json()
    assert body["years"] == [2023]
    assert SEED_DEPARTMENT in body["departments"]
    assert SEED_UNIT in body["units"]
    assert world.get(None, "/api/filters").status_code == 401


# -- one table --------------------------------------------------------------------------


def test_project_table_detail(world: World) -> None:
    table_id = world.projects[0]
    body = world.table(table_id)
    assert body["id"] == table_id
    assert body["kind"] == "project"
    assert body["name"] == "人大代表履职培训费"
    assert (body["unit"], body["department"], body["fiscal_year"]) == (
        SEED_UNIT,
        SEED_DEPARTMENT,
        2023,
    )
    assert (body["start_year"], body["end_year"]) == (2022, 2024)
    assert (body["status"], body["status_label"], body["version"]) == ("draft", "草稿", 1)
    assert body["source_file"] == SEED.name  # the file's name, never a server path
    assert body["source"]["file"] == str(SEED)
    assert body["goals"] == [] and body["reviews"] == [] and body["comments"] == []
    assert body["versions"] == []
    assert body["actions"] == ["edit", "submit", "comment"]

    first = body["indicators"][0]
    assert (first["level1"], first["level2"], first["name"]) == (
        "产出指标",
        "数量指标",
        "人大代表履职培训情况",
    )
    assert first["lock"] >= 1 and isinstance(first["id"], int)
    assert first["full_year"]["text"] == "＝461人次"
    assert (first["full_year"]["kind"], first["full_year"]["op"]) == ("quantitative", "=")
    assert (first["full_year"]["value"], first["full_year"]["unit"]) == (461, "人次")
    assert first["full_year"]["source"]["file"] == str(SEED)
    assert first["full_year"]["source"]["line"] >= 1

    # Every indicator is exactly what the jixiao/1 document holds.
    printed = dump(read_path(SEED))["projects"][0]["indicators"]
    fields = (
        "level1",
        "level2",
        "name",
        "level1_label",
        "level2_label",
        "half_year",
        "full_year",
        "long_term",
        "source",
    )
    assert [{k: _without_nulls(i[k]) for k in fields} for i in body["indicators"]] == [
        {k: i.get(k) for k in fields} for i in printed
    ]


def test_actions_depend_on_who_asks(world: World) -> None:
    table_id = world.projects[0]
    assert world.table(table_id, "finance")["actions"] == ["comment", "record_approved"]
    other = world.get("unit_other", f"/api/tables/{table_id}")  # another unit's draft
    assert error(other, 403, "PermissionDenied") == "只能查看本单位（无锡市某某局）的绩效目标表"
    world.bring_to(table_id, Status.SUBMITTED)
    assert world.table(table_id, "unit")["actions"] == ["comment"]
    assert world.table(table_id, "department")["actions"] == ["review", "comment"]
    assert world.table(table_id, "finance")["actions"] == ["review", "comment"]
    world.bring_to(table_id, Status.APPROVED)
    # Approved targets: the unit reports actuals and scores its self-evaluation; finance may
    # adjust a score (人工评分), but reports nothing.
    assert world.table(table_id, "unit")["actions"] == ["adjust", "comment", "report", "rescore"]
    assert world.table(table_id, "finance")["actions"] == ["adjust", "comment", "rescore"]
    assert world.table(table_id, "congress")["actions"] == ["comment"]


def test_overall_table_detail(world: World) -> None:
    body = world.table(world.overall, "finance")
    assert (body["kind"], body["kind_label"], body["name"]) == ("overall", "部门整体", SEED_UNIT)
    assert body["indicators"] == []
    assert len(body["goals"]) == 13
    printed = dump(read_path(SEED))["overall_targets"][0]["goals"]
    fields = ("seq", "function", "work", "goal", "target", "source")
    assert [{k: _without_nulls(g[k]) for k in fields} for g in body["goals"]] == [
        {k: g.get(k) for k in fields} for g in printed
    ]
    assert [g["position"] for g in body["goals"]] == list(range(13))
    assert body["funds"] == dict.fromkeys(("total", "fiscal", "carryover", "other", "unit"))


def test_table_detail_refusals(world: World) -> None:
    assert error(world.get("unit", "/api/tables/999999"), 404, "NotFound") == (
        "绩效目标表 999999 不存在"
    )
    assert world.get("unit", "/api/tables/abc").status_code == 422
    assert error(world.get(None, f"/api/tables/{world.overall}"), 401)


def test_findings_of_a_table(world: World) -> None:
    table_id = world.projects[1]  # 代表活动经费: quantity stated as ＝100%
    body = world.get("finance", f"/api/tables/{table_id}/findings").json()
    codes = [f["code"] for f in body["findings"]]
    assert "JX101" in codes and "JX301" in codes
    qty = next(f for f in body["findings"] if f["code"] == "JX301")
    assert qty["indicator"] == "保障参加活动的人大代表履职情况"
    assert qty["severity"] == "warning" and qty["dimension"] == "适当性"
    assert qty["location"]["line"] == 166
    assert body["grade"] == "中"
    assert body["opinion"].startswith("经审核，发现以下问题：")
    assert error(world.get("audit", "/api/tables/999999/findings"), 404, "NotFound")
    assert error(world.get(None, f"/api/tables/{table_id}/findings"), 401)


def test_history_and_approved_versions(world: World) -> None:
    table_id = world.projects[1]
    history = world.get("finance", f"/api/tables/{table_id}/history").json()
    assert [(h["action"], h["actor"], h["entity"]) for h in history] == [
        ("import", "system", "table")
    ]
    assert history[0]["after"]["name"] == "代表活动经费"

    assert error(world.get("audit", f"/api/tables/{table_id}/versions/1"), 404, "NotFound")
    world.bring_to(table_id, Status.APPROVED)

    history = world.get("audit", f"/api/tables/{table_id}/history").json()
    assert [h["action"] for h in history] == ["approve", "review", "submit", "import"]
    assert history[0]["seq"] > history[1]["seq"]
    assert history[0]["before"] == {"status": "reviewed", "version": 1}
    assert history[0]["after"] == {"status": "approved", "version": 1}
    assert history[1]["after"]["grade"] == "优"

    version = world.get("congress", f"/api/tables/{table_id}/versions/1").json()
    assert (version["number"], version["reason"], version["approved_by"]) == (1, None, "caizheng")
    assert version["snapshot"]["status"] == "approved"
    assert version["snapshot"]["name"] == "代表活动经费"
    assert len(version["snapshot"]["indicators"]) == 4
    assert world.table(table_id)["versions"] == [1]

    missing = world.get("congress", f"/api/tables/{table_id}/versions/2")
    assert "没有第 2 版" in error(missing, 404, "NotFound")
    assert error(world.get("audit", "/api/tables/999999/history"), 404, "NotFound") == (
        "绩效目标表 999999 不存在"
    )
    assert world.get(None, f"/api/tables/{table_id}/history").status_code == 401
    assert world.get(None, f"/api/tables/{table_id}/versions/1").status_code == 401


# -- OpenAPI ----------------------------------------------------------------------------

PATHS = {
    "/api/me": {"get"},
    "/api/filters": {"get"},
    "/api/tables": {"get"},
    "/api/tables/{table_id}": {"get"},
    "/api/tables/{table_id}/history": {"get"},
    "/api/tables/{table_id}/findings": {"get"},
    "/api/tables/{table_id}/versions/{number}": {"get"},
    "/api/tables/{table_id}/indicators": {"post"},
    "/api/tables/{table_id}/indicators/{indicator_id}": {"put", "delete"},
    "/api/tables/{table_id}/goals": {"post"},
    "/api/tables/{table_id}/goals/{goal_id}": {"put", "delete"},
    "/api/tables/{table_id}/submit": {"post"},
    "/api/tables/{table_id}/review": {"post"},
    "/api/tables/{table_id}/approve": {"post"},
    "/api/tables/{table_id}/adjust": {"post"},
    "/api/tables/{table_id}/comments": {"post"},
    "/api/imports/preview": {"post"},
    "/api/imports": {"post"},
    "/api/users": {"get", "post"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{token_id}": {"delete"},
    "/api/users/{username}": {"patch"},
    "/api/users/{username}/password": {"put"},
    "/api/me/password": {"put"},
    "/api/audit/verify": {"get"},
    "/api/tables/{table_id}/actuals/{period}": {"get", "put"},
    "/api/actuals": {"post"},
    "/api/tables/{table_id}/scores/{row_id}": {"put"},
    "/api/tables/{table_id}/evaluation": {"get"},
    "/api/tables/{table_id}/monitoring": {"get"},
    "/api/units/{unit}/evaluation": {"get"},
    "/api/units/{unit}/monitoring": {"get"},
}


def test_openapi_lists_every_endpoint() -> None:
    client = TestClient(create_app(_no_database()))
    spec = client.get("/api/openapi.json").json()
    api_paths = {p: set(ops) for p, ops in spec["paths"].items() if p.startswith("/api/")}
    assert api_paths == PATHS
    schemas = spec["components"]["schemas"]
    assert {"actions", "indicators", "goals", "versions", "lock"} <= set(
        schemas["TableDetailOut"]["properties"]
    )
    assert set(schemas["ValueOut"]["properties"]) >= {"text", "kind", "op", "value", "source"}
    put = spec["paths"]["/api/tables/{table_id}/indicators/{indicator_id}"]["put"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(put["responses"])
    assert put["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    upload = spec["paths"]["/api/imports"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert client.get("/api/docs").status_code == 200
