"""The JSON API: editing indicators and goals, and edits that cross (optimistic locking)."""

from __future__ import annotations

from typing import Any

import pytest

from jixiao.domain.workflow import Role, Status
from jixiao.services import Services
from tests.web.api.support import SEED_UNIT, World, error, make_world


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    return make_world(svc, monkeypatch)


NEW_INDICATOR = {
    "name": "培训满意度",
    "level1": "满意度",  # printed alias of 满意度指标
    "level2": "服务对象满意度",
    "full_year": "≥95%",
}


def _indicators(world: World, table_id: int) -> list[dict[str, Any]]:
    indicators: list[dict[str, Any]] = world.table(table_id)["indicators"]
    return indicators


def test_indicator_create_change_delete(world: World) -> None:
    table_id = world.projects[0]
    base = f"/api/tables/{table_id}/indicators"

    created = world.post("unit", base, json=NEW_INDICATOR)
    assert created.status_code == 201, created.text
    new = created.json()
    assert (new["name"], new["level1"], new["level2"]) == (
        "培训满意度",
        "满意度指标",
        "服务对象满意度指标",
    )
    assert new["full_year"] == {
        "text": "≥95%",
        "kind": "quantitative",
        "op": ">=",
        "value": 95,
        "unit": "%",
        "start": None,
        "end": None,
        "grade": None,
        "reason": "",
        "source": None,
    }
    assert new["half_year"] is None and new["source"] is None
    stored = _indicators(world, table_id)
    assert [i["id"] for i in stored][-1] == new["id"]
    assert stored[-1]["position"] == 4 and len(stored) == 5

    changed = world.put(
        "unit",
        f"{base}/{new['id']}",
        json={"lock": new["lock"], "name": "参训代表满意度", "half_year": "≥90%"},
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert after["name"] == "参训代表满意度"
    assert after["half_year"]["text"] == "≥90%"
    assert after["full_year"]["text"] == "≥95%"  # left out, so kept
    assert after["lock"] > new["lock"]
    assert _indicators(world, table_id)[-1] == after

    cleared = world.put(
        "unit", f"{base}/{new['id']}", json={"lock": after["lock"], "half_year": ""}
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["half_year"] is None

    stale = world.delete("unit", f"{base}/{new['id']}", params={"lock": new["lock"]})
    assert "已被 danwei" in error(stale, 409, "Conflict")
    deleted = world.delete("unit", f"{base}/{new['id']}", params={"lock": cleared.json()["lock"]})
    assert deleted.status_code == 204 and deleted.content == b""
    stored = _indicators(world, table_id)
    assert new["id"] not in [i["id"] for i in stored]
    assert [i["position"] for i in stored] == [0, 1, 2, 3]

    history = world.get("unit", f"/api/tables/{table_id}/history").json()
    assert [(h["action"], h["entity"], h["actor"]) for h in history[:4]] == [
        ("delete", "indicator", "danwei"),
        ("update", "indicator", "danwei"),
        ("update", "indicator", "danwei"),
        ("create", "indicator", "danwei"),
    ]
    assert history[0]["before"]["name"] == "参训代表满意度"


def test_indicator_input_is_checked(world: World) -> None:
    table_id = world.projects[0]
    base = f"/api/tables/{table_id}/indicators"
    first = _indicators(world, table_id)[0]
    url = f"{base}/{first['id']}"

    def invalid(response: Any, field: str) -> str:
        message = error(response, 422, "Invalid")
        assert response.json()["field"] == field
        return message

    assert "很多" in invalid(
        world.put("unit", url, json={"lock": 1, "full_year": "很多"}), "full_year"
    )
    assert "不属于一级指标“满意度指标”" in invalid(
        world.post("unit", base, json={**NEW_INDICATOR, "level2": "数量指标"}), "level2"
    )
    assert invalid(world.post("unit", base, json={**NEW_INDICATOR, "level1": "其他"}), "level1")
    assert invalid(world.post("unit", base, json={**NEW_INDICATOR, "name": " "}), "name") == (
        "三级指标名称不能为空"
    )
    no_value = {k: v for k, v in NEW_INDICATOR.items() if k != "full_year"}
    assert invalid(world.post("unit", base, json=no_value), "full_year") == "至少需要一个指标值"
    cleared = world.put(
        "unit", url, json={"lock": first["lock"], "half_year": None, "full_year": None}
    )
    assert invalid(cleared, "full_year") == "至少需要一个指标值"

    missing_lock = world.put("unit", url, json={"name": "x"})
    assert missing_lock.status_code == 422
    assert missing_lock.json()["detail"][0]["loc"] == ["body", "lock"]
    assert world.delete("unit", url).status_code == 422  # no lock
    assert world.post("unit", base, json={**NEW_INDICATOR, "colour": "red"}).status_code == 422

    assert error(world.put("unit", f"{base}/999999", json={"lock": 1}), 404, "NotFound") == (
        "指标 999999 不存在"
    )
    assert error(world.post("unit", "/api/tables/999999/indicators", json=NEW_INDICATOR), 404)
    on_overall = world.post("unit", f"/api/tables/{world.overall}/indicators", json=NEW_INDICATOR)
    assert "不是项目目标表" in error(on_overall, 422, "Invalid")
    assert _indicators(world, table_id)[0] == first  # nothing changed


def test_indicator_edits_are_refused_to_others_and_after_submitting(world: World) -> None:
    table_id = world.projects[0]
    base = f"/api/tables/{table_id}/indicators"
    first = _indicators(world, table_id)[0]
    url = f"{base}/{first['id']}"

    assert error(world.post(None, base, json=NEW_INDICATOR), 401)
    assert error(world.put(None, url, json={"lock": first["lock"]}), 401)
    assert error(world.delete(None, url, params={"lock": first["lock"]}), 401)
    assert error(world.post("finance", base, json=NEW_INDICATOR), 403, "PermissionDenied") == (
        "角色“财政审核”无权编辑"
    )
    other = world.put("unit_other", url, json={"lock": first["lock"], "name": "x"})
    assert "只能编辑本单位" in error(other, 403, "PermissionDenied")

    world.bring_to(table_id, Status.SUBMITTED)
    late = world.delete("unit", url, params={"lock": first["lock"]})
    assert error(late, 403, "PermissionDenied") == "状态为“已提交”的绩效目标表不能编辑"
    world.bring_to(table_id, Status.APPROVED)
    approved = world.put("unit", url, json={"lock": first["lock"], "name": "x"})
    assert "已批复的目标须通过调整修改" in error(approved, 403, "PermissionDenied")
    assert _indicators(world, table_id)[0] == first


NEW_GOAL = {
    "seq": "14",
    "function": "综合保障",
    "work": "机关运行保障",
    "goal": "保障机关正常运转",
    "target": "≥98%",
}


def test_goal_create_change_delete(world: World) -> None:
    base = f"/api/tables/{world.overall}/goals"
    created = world.post("unit", base, json=NEW_GOAL)
    assert created.status_code == 201, created.text
    new = created.json()
    assert {k: new[k] for k in ("seq", "function", "work", "goal")} == {
        k: v for k, v in NEW_GOAL.items() if k != "target"
    }
    assert (new["target"]["text"], new["target"]["op"], new["target"]["value"]) == (
        "≥98%",
        ">=",
        98,
    )
    assert new["position"] == 13

    changed = world.put(
        "unit", f"{base}/{new['id']}", json={"lock": new["lock"], "goal": "保障机关高效运转"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["goal"] == "保障机关高效运转"
    assert changed.json()["work"] == "机关运行保障"

    empty = world.put(
        "unit", f"{base}/{new['id']}", json={"lock": changed.json()["lock"], "function": " "}
    )
    assert error(empty, 422, "Invalid") == "职能不能为空"
    assert empty.json()["field"] == "function"

    stale = world.put("unit", f"{base}/{new['id']}", json={"lock": new["lock"], "goal": "旧"})
    assert "已被 danwei" in error(stale, 409, "Conflict")
    assert stale.json()["current"]["goal"] == "保障机关高效运转"

    other = world.delete("unit_other", f"{base}/{new['id']}", params={"lock": new["lock"]})
    assert "只能编辑本单位" in error(other, 403, "PermissionDenied")
    assert error(world.post(None, base, json=NEW_GOAL), 401)
    assert error(world.put("unit", f"{base}/999999", json={"lock": 1}), 404) == "目标 999999 不存在"
    on_project = world.post("unit", f"/api/tables/{world.projects[0]}/goals", json=NEW_GOAL)
    assert "不是部门整体目标表" in error(on_project, 422, "Invalid")

    deleted = world.delete("unit", f"{base}/{new['id']}", params={"lock": changed.json()["lock"]})
    assert deleted.status_code == 204
    goals = world.table(world.overall)["goals"]
    assert len(goals) == 13 and new["id"] not in [g["id"] for g in goals]


def test_crossing_edits_lose_nothing(world: World) -> None:
    """Two people read the same indicator; the second save is refused with what is stored."""
    world.add_person("colleague", "danwei2", Role.UNIT, unit=SEED_UNIT)
    table_id = world.projects[0]
    seen_by_first = _indicators(world, table_id)[0]
    seen_by_second = world.get("colleague", f"/api/tables/{table_id}").json()["indicators"][0]
    assert seen_by_first == seen_by_second
    url = f"/api/tables/{table_id}/indicators/{seen_by_first['id']}"

    first = world.put(
        "colleague", url, json={"lock": seen_by_second["lock"], "full_year": "≥500人次"}
    )
    assert first.status_code == 200, first.text

    second = world.put(
        "unit",
        url,
        json={"lock": seen_by_first["lock"], "full_year": "≥300人次", "name": "培训人次"},
    )
    message = error(second, 409, "Conflict")
    assert "已被 danwei2 于" in message and "您的修改未保存" in message
    current = second.json()["current"]
    assert current["name"] == seen_by_first["name"]
    assert current["full_year"]["text"] == "≥500人次"
    assert current["half_year"]["text"] == seen_by_first["half_year"]["text"]
    assert (current["level1"], current["level2"]) == ("产出指标", "数量指标")
    assert (current["id"], current["lock"]) == (seen_by_first["id"], first.json()["lock"])

    stored = _indicators(world, table_id)[0]
    assert stored == first.json()
    assert stored["full_year"]["text"] == "≥500人次"
    assert stored["name"] == seen_by_first["name"]

    # Save again on top of what is stored now: it goes through.
    retry = world.put("unit", url, json={"lock": current["lock"], "full_year": "≥300人次"})
    assert retry.status_code == 200, retry.text
    assert _indicators(world, table_id)[0]["full_year"]["text"] == "≥300人次"


# -- faults once found in the service layer, kept fixed -------------------------------------


def test_a_conflict_names_the_editor_not_a_commenter(world: World) -> None:
    table_id = world.projects[0]
    indicator = _indicators(world, table_id)[0]
    url = f"/api/tables/{table_id}/indicators/{indicator['id']}"
    assert world.put(
        "unit", url, json={"lock": indicator["lock"], "name": "新名称"}
    ).status_code == (200)
    # Comment ids and indicator ids are both small numbers: make them meet.
    comment_id = 0
    while comment_id < indicator["id"]:
        comment = world.post("finance", f"/api/tables/{table_id}/comments", json={"body": "询问"})
        comment_id = comment.json()["id"]
    assert comment_id == indicator["id"]
    stale = world.put("unit", url, json={"lock": indicator["lock"], "name": "另一个名称"})
    assert "已被 danwei 于" in error(stale, 409, "Conflict")


def test_deleting_one_row_does_not_conflict_with_editing_another(world: World) -> None:
    table_id = world.projects[0]
    first, *_, last = _indicators(world, table_id)
    base = f"/api/tables/{table_id}/indicators"
    assert world.delete(
        "unit", f"{base}/{first['id']}", params={"lock": first["lock"]}
    ).status_code == (204)
    edit = world.put("unit", f"{base}/{last['id']}", json={"lock": last["lock"], "name": "改名"})
    assert edit.status_code == 200, edit.text
