"""Shared set-up of the API tests (no tests here): a database with the seed imported and
one user, with an API token, for every role the rules distinguish.

The users' passwords are hashed with a cheap argon2 setting: these tests log in with tokens
only, and the production setting costs a quarter of a second per user.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from jixiao.domain.workflow import Actor, Grade, Role, Status
from jixiao.ingest import read_path
from jixiao.interchange import dumps
from jixiao.services import SYSTEM, Services, tables, users
from jixiao.web.app import create_app
from tests.conftest import SEED

SEED_UNIT = "无锡市人民代表大会常务委员会办公室"
SEED_DEPARTMENT = "无锡市人大常委会"
OTHER_UNIT = "无锡市某某局"
OTHER_DEPARTMENT = "无锡市某某委员会"
PASSWORD = "jixiao-test-password"

#: Who acts in the tests: key -> (username, role, unit, department).
PEOPLE: dict[str, tuple[str, Role, str | None, str | None]] = {
    "unit": ("danwei", Role.UNIT, SEED_UNIT, None),
    "unit_other": ("qita_danwei", Role.UNIT, OTHER_UNIT, None),
    "department": ("zhuguan", Role.DEPARTMENT, None, SEED_DEPARTMENT),
    "department_other": ("qita_zhuguan", Role.DEPARTMENT, None, OTHER_DEPARTMENT),
    "finance": ("caizheng", Role.FINANCE, None, None),
    "congress": ("renda", Role.CONGRESS, None, None),
    "audit": ("shenji", Role.AUDIT, None, None),
    "admin": ("guanli", Role.ADMIN, None, None),
}


@dataclass
class World:
    svc: Services
    client: TestClient
    tokens: dict[str, str]
    overall: int = 0  # the seed's 部门整体目标表
    projects: tuple[int, ...] = ()  # the seed's 8 project tables

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def actor(self, who: str) -> Actor:
        found = users.actor(self.svc.uow(), PEOPLE[who][0])
        assert found is not None
        return found

    def get(self, who: str | None, url: str, **kw: Any) -> httpx.Response:
        return self.client.get(url, headers=self.auth(who) if who else {}, **kw)

    def post(self, who: str | None, url: str, **kw: Any) -> httpx.Response:
        return self.client.post(url, headers=self.auth(who) if who else {}, **kw)

    def put(self, who: str | None, url: str, **kw: Any) -> httpx.Response:
        return self.client.put(url, headers=self.auth(who) if who else {}, **kw)

    def delete(self, who: str | None, url: str, **kw: Any) -> httpx.Response:
        return self.client.delete(url, headers=self.auth(who) if who else {}, **kw)

    def table(self, table_id: int, who: str = "unit") -> dict[str, Any]:
        response = self.get(who, f"/api/tables/{table_id}")
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def add_person(self, key: str, username: str, role: Role, **where: str) -> None:
        """One more user (and token), reachable as ``key``."""
        users.add_user(self.svc.uow(), SYSTEM.username, username, PASSWORD, role, **where)
        self.tokens[key] = users.create_token(self.svc.uow(), username, "tests")

    def bring_to(self, table_id: int, target: Status) -> None:
        """Move a table round the workflow (through the services) until it is at ``target``."""
        unit, finance = self.actor("unit"), self.actor("finance")
        for _ in range(5):
            current = tables.get_table(self.svc.uow(), table_id).status
            if current is target:
                return
            if current is Status.DRAFT:
                tables.submit(self.svc.uow(), unit, table_id)
            elif current is Status.SUBMITTED:
                tables.review(self.svc.uow(), finance, table_id, Grade.EXCELLENT, "同意")
            elif current is Status.REVIEWED:
                tables.approve(self.svc.uow(), finance, table_id)
            else:
                tables.adjust(self.svc.uow(), finance, table_id, "测试需要调整")
        raise AssertionError(f"table {table_id} did not reach {target}")


def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def make_world(svc: Services, monkeypatch: pytest.MonkeyPatch, *, seed: bool = True) -> World:
    cheap_passwords(monkeypatch)
    world = World(svc=svc, client=TestClient(create_app(svc)), tokens={})
    if seed:
        result = tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
        world.overall, *projects = result.table_ids
        world.projects = tuple(projects)
    for key, (username, role, unit, department) in PEOPLE.items():
        where = {k: v for k, v in (("unit", unit), ("department", department)) if v}
        world.add_person(key, username, role, **where)
    return world


def seed_variant(year: int) -> bytes:
    """A jixiao/1 document holding one seed project, moved to ``year``: a new, importable
    file for the seed's unit."""
    doc = read_path(SEED)
    project = dataclasses.replace(doc.projects[0], fiscal_year=year)
    variant = dataclasses.replace(
        doc, fiscal_year=year, overall_targets=(), projects=(project,), source=None
    )  # no source: a new document, not the seed's file again
    return dumps(variant).encode("utf-8")


def error(response: httpx.Response, status: int, kind: str | None = None) -> str:
    """Assert an error response and return its Chinese message."""
    assert response.status_code == status, response.text
    body = response.json()
    if kind is not None:
        assert body["error"] == kind, body
    detail = body["detail"]
    assert isinstance(detail, str) and detail, body
    return detail
