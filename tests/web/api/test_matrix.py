"""Who may do what, through the API: every role against every write action.

The expected answers are written out from the rules (docs: roles and actions), not taken
from ``jixiao.domain.workflow.check``:

* import: a unit (its own unit's tables only), finance, admin;
* edit (create, change, delete rows) and submit: the table's own unit, on a draft;
* review: the table's own supervising department and finance, on a submitted table;
* approve: finance, on a reviewed table;
* adjust: the table's own unit and finance, on an approved table;
* comment: every role, on the tables it may read (a unit on its own unit's, a department
  on its own units', 人大 and 审计 on approved tables: docs/security.md) — the table is a
  draft here, so 人大 and 审计 are refused;
* manage users: admin.

Before each attempt the table is put in the status the action needs, so that a refusal
can only be about who asks.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from jixiao.domain.workflow import Status
from jixiao.services import Services
from tests.web.api.support import PEOPLE, World, make_world, seed_variant

ROLES = tuple(PEOPLE)  # unit, unit_other, department, department_other, finance, ...
ACTIONS = (
    "import",
    "create_indicator",
    "edit_indicator",
    "delete_indicator",
    "submit",
    "review",
    "approve",
    "adjust",
    "comment",
    "manage_users",
)

Y, N = True, False
# fmt: off
EXPECTED: dict[str, dict[str, bool]] = {
    #                    unit unit_other department department_other finance congress audit admin
    "import":           dict(zip(ROLES, (Y, N, N, N, Y, N, N, Y), strict=True)),
    "create_indicator": dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "edit_indicator":   dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "delete_indicator": dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "submit":           dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "review":           dict(zip(ROLES, (N, N, Y, N, Y, N, N, N), strict=True)),
    "approve":          dict(zip(ROLES, (N, N, N, N, Y, N, N, N), strict=True)),
    "adjust":           dict(zip(ROLES, (Y, N, N, N, Y, N, N, N), strict=True)),
    "comment":          dict(zip(ROLES, (Y, N, Y, N, Y, N, N, Y), strict=True)),
    "manage_users":     dict(zip(ROLES, (N, N, N, N, N, N, N, Y), strict=True)),
}
# fmt: on

NEEDS: dict[str, Status | None] = {
    "import": None,
    "create_indicator": Status.DRAFT,
    "edit_indicator": Status.DRAFT,
    "delete_indicator": Status.DRAFT,
    "submit": Status.DRAFT,
    "review": Status.SUBMITTED,
    "approve": Status.REVIEWED,
    "adjust": Status.APPROVED,
    "comment": Status.DRAFT,
    "manage_users": None,
}


def _attempt(world: World, table_id: int, action: str, who: str, n: int) -> httpx.Response:
    """Try ``action`` as ``who``; ``n`` makes names (and imported files) unique."""
    base = f"/api/tables/{table_id}"
    if action == "import":
        upload = {"file": (f"{n}.json", seed_variant(2100 + n), "application/json")}
        return world.post(who, "/api/imports", files=upload)
    if action == "create_indicator":
        body = {"name": f"指标{n}", "level1": "产出指标", "level2": "数量指标", "full_year": "≥1次"}
        return world.post(who, f"{base}/indicators", json=body)
    if action in ("edit_indicator", "delete_indicator"):
        row: dict[str, Any] = world.table(table_id)["indicators"][-1]
        url = f"{base}/indicators/{row['id']}"
        if action == "edit_indicator":
            return world.put(who, url, json={"lock": row["lock"], "name": f"改名{n}"})
        return world.delete(who, url, params={"lock": row["lock"]})
    if action == "review":
        return world.post(who, f"{base}/review", json={"grade": "优", "opinion": "同意"})
    if action == "adjust":
        return world.post(who, f"{base}/adjust", json={"reason": "调整"})
    if action == "comment":
        return world.post(who, f"{base}/comments", json={"body": f"意见{n}"})
    if action == "manage_users":
        user = {"username": f"new{n}", "password": "long-enough", "role": "audit"}
        return world.post(who, "/api/users", json=user)
    return world.post(who, f"{base}/{action}")  # submit, approve


def _run_matrix(world: World) -> dict[str, dict[str, bool]]:
    table_id = world.projects[0]
    answers: dict[str, dict[str, bool]] = {}
    n = 0
    for action in ACTIONS:
        answers[action] = {}
        for who in ROLES:
            n += 1
            needed = NEEDS[action]
            if needed is not None:
                world.bring_to(table_id, needed)
            response = _attempt(world, table_id, action, who, n)
            if response.status_code == 403:
                assert response.json()["error"] == "PermissionDenied", response.text
                answers[action][who] = False
            else:
                assert response.status_code in (200, 201, 204), (action, who, response.text)
                answers[action][who] = True
    return answers


def test_role_matrix(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = _run_matrix(make_world(svc, monkeypatch))
    expected = EXPECTED
    wrong = [
        f"{action} by {who}: expected {'allowed' if expected[action][who] else 'refused'}"
        for action in ACTIONS
        for who in ROLES
        if answers[action][who] != expected[action][who]
    ]
    assert not wrong, "\n".join(wrong)


def test_comments_stay_where_the_role_reads(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch)
    for n, who in enumerate(("unit_other", "department_other")):
        response = _attempt(world, world.projects[0], "comment", who, n)
        assert response.status_code == 403, (who, response.text)
    refused = _attempt(world, world.projects[0], "comment", "unit_other", 9)
    assert refused.json()["detail"] == "只能评论本单位（无锡市某某局）的绩效目标表"
    world.bring_to(world.projects[0], Status.APPROVED)
    for n, who in enumerate(("congress", "audit"), start=10):
        response = _attempt(world, world.projects[0], "comment", who, n)
        assert response.status_code == 201, (who, response.text)
