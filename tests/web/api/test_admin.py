"""The JSON API: users, API tokens, and checking the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jixiao.services import Services
from tests.web.api.support import (
    PASSWORD,
    PEOPLE,
    SEED_DEPARTMENT,
    SEED_UNIT,
    World,
    error,
    make_world,
)


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    return make_world(svc, monkeypatch)


NEWCOMER = {
    "username": "xinren",
    "password": "long-enough-1",
    "role": "unit",
    "unit": SEED_UNIT,
    "display_name": "新同事",
}


def test_list_users(world: World) -> None:
    response = world.get("admin", "/api/users")
    assert response.status_code == 200, response.text
    listed = {u["username"]: u for u in response.json()}
    assert set(listed) == {username for username, *_ in PEOPLE.values()}
    assert {k: listed["danwei"][k] for k in ("role", "role_label", "unit", "active")} == {
        "role": "unit",
        "role_label": "单位填报",
        "unit": SEED_UNIT,
        "active": True,
    }
    assert listed["zhuguan"]["department"] == SEED_DEPARTMENT
    shown = str(response.json())
    assert "password_hash" not in shown and "argon2" not in shown and "hash" not in shown
    assert listed["danwei"]["must_change_password"] is False

    for who in ("finance", "unit", "congress"):
        assert error(world.get(who, "/api/users"), 403, "PermissionDenied").endswith("无权管理用户")
    assert error(world.get(None, "/api/users"), 401)


def test_add_user(world: World) -> None:
    response = world.post("admin", "/api/users", json=NEWCOMER)
    assert response.status_code == 201, response.text
    user = response.json()
    assert {k: user[k] for k in ("username", "display_name", "role", "role_label", "unit")} == {
        "username": "xinren",
        "display_name": "新同事",
        "role": "unit",
        "role_label": "单位填报",
        "unit": SEED_UNIT,
    }
    assert user["active"] is True and user["department"] is None
    assert "xinren" in [u["username"] for u in world.get("admin", "/api/users").json()]

    def invalid(body: dict[str, str], field: str) -> str:
        response = world.post("admin", "/api/users", json=body)
        message = error(response, 422, "Invalid")
        assert response.json()["field"] == field, response.json()
        return message

    duplicate = world.post("admin", "/api/users", json=NEWCOMER)
    assert error(duplicate, 409, "Duplicate") == "用户名“xinren”已存在"
    assert "未知角色“boss”" in invalid({**NEWCOMER, "username": "b", "role": "boss"}, "role")
    assert invalid({**NEWCOMER, "username": "c", "password": "short"}, "password") == (
        "密码至少 10 个字符"
    )
    assert invalid({**NEWCOMER, "username": "d", "unit": ""}, "unit") == (
        "单位填报用户必须指定所属单位"
    )
    long_name = world.post("admin", "/api/users", json={**NEWCOMER, "username": "x" * 101})
    assert long_name.status_code == 422  # longer than the column: refused before the database

    refused = world.post("finance", "/api/users", json={**NEWCOMER, "username": "e"})
    assert error(refused, 403, "PermissionDenied") == "角色“财政审核”无权管理用户"
    assert error(world.post(None, "/api/users", json=NEWCOMER), 401)
    assert len(world.get("admin", "/api/users").json()) == len(PEOPLE) + 1


def test_create_token(world: World) -> None:
    response = world.post(
        "congress", "/api/tokens", json={"name": " 数据同步 ", "password": PASSWORD, "days": 30}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["username"]) == ("数据同步", "renda")
    assert body["expires_at"] > "2000"
    assert body["token"].startswith("jx_") and body["token"] != world.tokens["congress"]
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["username"] == "renda"

    blank = world.post("congress", "/api/tokens", json={"name": "  ", "password": PASSWORD})
    assert error(blank, 422, "Invalid") == "令牌名称不能为空"
    assert blank.json()["field"] == "name"
    too_long = world.post(
        "congress", "/api/tokens", json={"name": "名" * 101, "password": PASSWORD}
    )
    assert error(too_long, 422, "Invalid") == "令牌名称不能超过 100 个字符"
    assert error(world.post(None, "/api/tokens", json={"name": "x", "password": PASSWORD}), 401)
    # a token is minted only with the owner's password typed again
    wrong = world.post("congress", "/api/tokens", json={"name": "x", "password": "not-mine-at-all"})
    assert error(wrong, 422, "Invalid").startswith("密码不正确")
    assert wrong.json()["field"] == "password"
    assert world.post("congress", "/api/tokens", json={"name": "x"}).status_code == 422


def test_verify_the_audit_trail(world: World) -> None:
    for used, who in enumerate(("admin", "audit", "congress", "finance"), start=1):
        response = world.get(who, "/api/audit/verify")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["ok"] is True and body["bad_seq"] is None and body["problem"] == ""
        # 9 imported tables, 8 users and their 8 tokens, and each token's use so far
        assert body["checked"] == 25 + used
    for who, label in (("unit", "单位填报"), ("department", "主管部门审核")):
        refused = world.get(who, "/api/audit/verify")
        assert error(refused, 403, "PermissionDenied") == f"角色“{label}”无权校验审计记录"
    assert error(world.get(None, "/api/audit/verify"), 401)

    with world.svc.session() as session:
        session.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
        session.commit()
    tampered = world.get("audit", "/api/audit/verify").json()
    assert (tampered["ok"], tampered["bad_seq"]) == (False, 3)
    assert tampered["problem"]
