"""The JSON API: submit → review → approve → adjust, and comments."""

from __future__ import annotations

import pytest

from jixiao.domain.workflow import Status
from jixiao.services import Services
from tests.web.api.support import World, error, make_world


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    return make_world(svc, monkeypatch)


def _step(
    world: World, who: str, url: str, body: dict[str, str] | None = None
) -> dict[str, object]:
    response = world.post(who, url, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def test_a_table_goes_round_the_workflow(world: World) -> None:
    table_id = world.projects[0]
    base = f"/api/tables/{table_id}"

    assert _step(world, "unit", f"{base}/submit") == {
        "id": table_id,
        "status": "submitted",
        "status_label": "已提交",
        "version": 1,
        "actions": ["comment"],
    }
    again = world.post("unit", f"{base}/submit")
    assert error(again, 403, "PermissionDenied") == "状态为“已提交”的绩效目标表不能提交"

    returned = _step(
        world, "department", f"{base}/review", {"grade": "中", "opinion": "培训人次偏低"}
    )
    assert (returned["status"], returned["status_label"]) == ("draft", "草稿")
    assert _step(world, "unit", f"{base}/submit")["status"] == "submitted"
    passed = _step(world, "department", f"{base}/review", {"grade": "优", "opinion": "同意"})
    assert (passed["status"], passed["actions"]) == ("reviewed", ["comment"])
    denied = world.post("department", f"{base}/approve")
    assert error(denied, 403, "PermissionDenied") == "角色“主管部门审核”无权批复"

    approved = _step(world, "finance", f"{base}/approve")
    assert (approved["status"], approved["status_label"]) == ("approved", "已批复")
    assert approved["actions"] == ["adjust", "comment", "rescore"]
    detail = world.table(table_id)
    assert detail["versions"] == [1]
    assert [(r["reviewer"], r["role"], r["grade"], r["opinion"]) for r in detail["reviews"]] == [
        ("zhuguan", "department", "中", "培训人次偏低"),
        ("zhuguan", "department", "优", "同意"),
    ]

    indicator = detail["indicators"][0]
    edit = world.put(
        "unit",
        f"{base}/indicators/{indicator['id']}",
        json={"lock": indicator["lock"], "full_year": "≥500人次"},
    )
    assert "已批复的目标须通过调整修改" in error(edit, 403, "PermissionDenied")
    no_reason = world.post("unit", f"{base}/adjust", json={"reason": "  "})
    assert error(no_reason, 422, "Invalid") == "调整须说明理由"
    assert no_reason.json()["field"] == "reason"

    adjusted = _step(world, "unit", f"{base}/adjust", {"reason": "培训计划增加"})
    assert (adjusted["status"], adjusted["version"]) == ("draft", 2)
    assert world.table(table_id)["adjust_reason"] == "培训计划增加"
    edit = world.put(
        "unit",
        f"{base}/indicators/{indicator['id']}",
        json={"lock": indicator["lock"], "full_year": "≥500人次"},
    )
    assert edit.status_code == 200, edit.text
    _step(world, "unit", f"{base}/submit")
    _step(world, "finance", f"{base}/review", {"grade": "良", "opinion": "基本同意"})
    final = _step(world, "finance", f"{base}/approve")
    assert (final["status"], final["version"]) == ("approved", 2)

    assert world.table(table_id, "congress")["versions"] == [1, 2]
    first = world.get("congress", f"{base}/versions/1").json()
    second = world.get("congress", f"{base}/versions/2").json()
    assert first["reason"] is None and second["reason"] == "培训计划增加"
    assert first["snapshot"]["indicators"][0]["full_year"]["text"] == "＝461人次"
    assert second["snapshot"]["indicators"][0]["full_year"]["text"] == "≥500人次"
    assert second["snapshot"]["version"] == 2

    history = world.get("audit", f"{base}/history").json()
    assert [h["action"] for h in reversed(history)] == [
        "import",
        "submit",
        "review",
        "submit",
        "review",
        "approve",
        "adjust",
        "update",
        "submit",
        "review",
        "approve",
    ]


def test_workflow_refusals(world: World) -> None:
    base = f"/api/tables/{world.projects[0]}"
    review = {"grade": "优", "opinion": "同意"}

    for path, body in (
        ("submit", None),
        ("review", review),
        ("approve", None),
        ("adjust", {"reason": "x"}),
        ("comments", {"body": "x"}),
    ):
        assert error(world.post(None, f"{base}/{path}", json=body), 401)
        missing = world.post("finance", f"/api/tables/999999/{path}", json=body)
        assert error(missing, 404, "NotFound") == "绩效目标表 999999 不存在", path

    assert error(world.post("finance", f"{base}/review", json=review), 403) == (
        "状态为“草稿”的绩效目标表不能审核"
    )
    assert error(world.post("finance", f"{base}/approve"), 403) == (
        "状态为“草稿”的绩效目标表不能批复"
    )
    assert error(world.post("unit", f"{base}/adjust", json={"reason": "x"}), 403) == (
        "状态为“草稿”的绩效目标表不能调整"
    )
    assert error(world.post("finance", f"{base}/submit"), 403) == "角色“财政审核”无权提交"
    assert "只能提交本单位" in error(world.post("unit_other", f"{base}/submit"), 403)

    _step(world, "unit", f"{base}/submit")
    bad_grade = world.post("finance", f"{base}/review", json={"grade": "好", "opinion": "x"})
    assert error(bad_grade, 422, "Invalid") == "审核等级必须是 优、良、中、差 之一，收到“好”"
    assert bad_grade.json()["field"] == "grade"
    no_opinion = world.post("finance", f"{base}/review", json={"grade": "优", "opinion": " "})
    assert error(no_opinion, 422, "Invalid") == "审核意见不能为空"
    assert world.post("finance", f"{base}/review", json={"grade": "优"}).status_code == 422
    other = world.post("department_other", f"{base}/review", json=review)
    assert "只能审核本部门" in error(other, 403, "PermissionDenied")
    assert world.table(world.projects[0])["status"] == "submitted"


def test_an_empty_table_cannot_be_submitted(world: World) -> None:
    table_id = world.projects[0]
    while indicators := world.table(table_id)["indicators"]:  # re-read: deleting renumbers
        url = f"/api/tables/{table_id}/indicators/{indicators[0]['id']}"
        assert world.delete("unit", url, params={"lock": indicators[0]["lock"]}).status_code == 204
    empty = world.post("unit", f"/api/tables/{table_id}/submit")
    assert error(empty, 422, "Invalid") == "空的绩效目标表不能提交"
    assert world.table(table_id)["status"] == "draft"


def test_comments(world: World) -> None:
    world.bring_to(world.projects[0], Status.APPROVED)  # 人大 and 审计 read approved tables
    url = f"/api/tables/{world.projects[0]}/comments"
    response = world.post("congress", url, json={"body": "  请说明培训人次的测算依据 "})
    assert response.status_code == 201, response.text
    comment = response.json()
    assert (comment["author"], comment["role"], comment["body"]) == (
        "renda",
        "congress",
        "请说明培训人次的测算依据",
    )
    assert comment["created_at"].endswith("Z")
    reply = world.post("unit", url, json={"body": "按上年参训人数测算"})
    assert reply.status_code == 201
    detail = world.table(world.projects[0], "audit")
    assert [(c["author"], c["body"]) for c in detail["comments"]] == [
        ("renda", "请说明培训人次的测算依据"),
        ("danwei", "按上年参训人数测算"),
    ]
    history = world.get("audit", f"/api/tables/{world.projects[0]}/history").json()
    assert (history[0]["action"], history[0]["actor"]) == ("comment", "danwei")

    empty = world.post("congress", url, json={"body": ""})
    assert error(empty, 422, "Invalid") == "意见内容不能为空"
    assert empty.json()["field"] == "body"
    assert world.post("congress", url, json={}).status_code == 422
