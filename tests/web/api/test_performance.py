"""The JSON API for actuals, scores and lights (运行监控, 绩效自评).

Every number is checked against ``services.actuals`` (the code the pages, the CLI and the
workbooks use), and one unit's scores and lights against ``jixiao evaluate --json`` and
``jixiao monitor --json`` on the same files.  Saving is all or nothing: each refusal checks
that nothing changed.  Runs on SQLite and PostgreSQL (the ``svc`` fixture), with the seed
approved (actuals are reported against approved targets only).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.workflow import Role
from jixiao.ingest import read_path
from jixiao.interchange.actuals import ACTUALS_FORMAT, load_actuals, loads_actuals
from jixiao.interchange.results import actuals_to_dict, monitor_to_dict, score_to_dict
from jixiao.services import Services, demo, users
from jixiao.services import actuals as performance
from jixiao.web.app import create_app
from tests.conftest import SEED
from tests.web.api.support import PEOPLE, SEED_UNIT, World, error, make_world

REPO = Path(__file__).resolve().parents[3]
FULL = REPO / "docs" / "examples" / "seed-actuals-2023-full-year.json"
HALF = REPO / "docs" / "examples" / "seed-actuals-2023-half-year.json"
UNIT_Q = quote(SEED_UNIT, safe="")
TRAINING = "人大代表履职培训费"  # reported at the checkpoint and at year end
TRAINED = "人大代表履职培训情况"  # its quantitative indicator, target ＝461人次
SESSIONS = "人代会会议经费"  # reported at year end only
ROLES = tuple(PEOPLE)  # unit, unit_other, department, department_other, finance, ...


@pytest.fixture
def world(svc: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    """The seed imported and approved, one user per role; no actuals yet."""
    world = make_world(svc, monkeypatch)
    reporters = demo.demo_users(read_path(SEED))
    assert next(u.unit for u in reporters if u.role is Role.UNIT) == SEED_UNIT
    assert demo.approve_all(svc, reporters) == 9
    return world


@pytest.fixture
def loaded(world: World) -> World:
    """The example actuals saved by the unit (through the services)."""
    for path in (FULL, HALF):
        doc = loads_actuals(path.read_bytes(), where=path.name)
        performance.save_document(world.svc.uow(), world.actor("unit"), doc, where=path.name)
    return world


# -- helpers ----------------------------------------------------------------------------


def ids(world: World) -> dict[str, int]:
    """Project name → table id (the overall table under the unit's name)."""
    found = {world.table(t)["name"]: t for t in world.projects}
    found[SEED_UNIT] = world.overall
    return found


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def file_data(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def entry_actuals(entry: dict[str, Any], period: str) -> ProjectActuals:
    """A jixiao-actuals/1 project entry read as the files are."""
    doc = {"format": ACTUALS_FORMAT, "fiscal_year": 2023, "period": period, "projects": [entry]}
    return load_actuals(doc).projects[0]


def by_name(actuals: ProjectActuals) -> dict[str, Any]:
    """Everything reported, the items by name (the database keeps the table's row order)."""
    return {
        "funds": (actuals.budget, actuals.executed, actuals.budget_initial),
        "reason": actuals.execution_reason,
        "items": {i.indicator: i for i in actuals.indicators},
    }


def history(world: World, table_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = ok(world.get("audit", f"/api/tables/{table_id}/history"))
    return entries


def session_client(svc: Services, username: str) -> TestClient:
    """A client logged in by session cookie (as the pages' /login leaves it)."""
    app = create_app(svc, secret_key="test-secret")
    sid = users.start_session(svc.uow(), username)

    @app.get("/_test/session")
    def _session(request: Request) -> dict[str, str]:
        request.session.update(sid=sid, csrf="the-csrf-token")
        return {}

    client = TestClient(app)
    client.get("/_test/session")
    return client


# -- reading ----------------------------------------------------------------------------


def test_actuals_read_back_as_the_files_gave_them(loaded: World) -> None:
    world = loaded
    table = ids(world)
    for path, period in ((FULL, "full_year"), (HALF, "half_year")):
        data = file_data(path)
        overall = [
            {"name": u["unit"], **{k: v for k, v in u.items() if k != "unit"}}
            for u in data.get("overall", [])
        ]
        entries = [*data["projects"], *overall]
        assert len(entries) == (9 if period == "full_year" else 3)
        for entry in entries:
            table_id = table[entry["name"]]
            body = ok(world.get("congress", f"/api/tables/{table_id}/actuals/{period}"))
            assert set(body) == {
                "table_id",
                "period",
                "month",
                "lock",
                "updated_by",
                "actions",
                "report",
            }
            assert (body["table_id"], body["period"], body["updated_by"]) == (
                table_id,
                period,
                "danwei",
            )
            assert isinstance(body["lock"], int)
            assert body["month"] == (6 if period == "half_year" else None)
            assert body["actions"] == []  # congress reads only
            report = body["report"]
            assert report["name"] == entry["name"]
            assert by_name(entry_actuals(report, period)) == by_name(entry_actuals(entry, period))
            stored = performance.report(world.svc.uow(), table_id, period)
            assert stored is not None
            assert report == actuals_to_dict(stored)

    not_reported = ok(world.get("unit", f"/api/tables/{table[SESSIONS]}/actuals/half_year"))
    assert not_reported == {
        "table_id": table[SESSIONS],
        "period": "half_year",
        "month": None,
        "lock": None,
        "updated_by": None,
        "actions": ["report"],
        "report": None,
    }


def test_actions_follow_the_role(loaded: World) -> None:
    url = f"/api/tables/{ids(loaded)[TRAINING]}/actuals"
    expected = {
        "unit": (["report", "rescore"], ["report"]),
        "department": (["rescore"], []),
        "finance": (["rescore"], []),
        "congress": ([], []),
        "audit": ([], []),
        "admin": ([], []),  # 管理员 does not edit a unit's actuals
    }
    for who in ("unit_other", "department_other"):  # not theirs to read
        assert error(loaded.get(who, f"{url}/full_year"), 403, "PermissionDenied"), who
    for who, (full, half) in expected.items():
        assert ok(loaded.get(who, f"{url}/full_year"))["actions"] == full, who
        assert ok(loaded.get(who, f"{url}/half_year"))["actions"] == half, who


def test_table_evaluation_and_monitoring_are_the_services(loaded: World) -> None:
    world = loaded
    scheme = world.client.app.state.scoring_scheme  # type: ignore[attr-defined]
    config = world.client.app.state.monitoring_config  # type: ignore[attr-defined]
    table = ids(world)
    for name, table_id in table.items():
        body = ok(world.get("audit", f"/api/tables/{table_id}/evaluation"))
        expected = performance.evaluate_table(world.svc.uow(), table_id, scheme)
        assert expected.score is not None
        assert body == {
            "table_id": table_id,
            "kind": "overall" if name == SEED_UNIT else "project",
            "name": name,
            "unit": SEED_UNIT,
            "score": score_to_dict(expected.score),
            "problems": [],
        }
        if name == SEED_UNIT:
            refused = world.get("audit", f"/api/tables/{table_id}/monitoring")
            assert "部门整体绩效目标表没有监控表" in error(refused, 422, "Invalid")
            continue
        found = performance.monitor_table(world.svc.uow(), table_id, config)
        lights = ok(world.get("audit", f"/api/tables/{table_id}/monitoring"))
        assert lights == {
            "table_id": table_id,
            "monitor": monitor_to_dict(found) if found is not None else None,
        }
        assert (lights["monitor"] is None) == (
            name not in {p["name"] for p in file_data(HALF)["projects"]}
        )

    training = ok(world.get("congress", f"/api/tables/{table[TRAINING]}/monitoring"))["monitor"]
    assert (training["name"], training["month"]) == (TRAINING, 6)
    assert training["indicators"][0]["name"] == TRAINED
    assert training["indicators"][0]["light"] in ("green", "yellow", "red", "none")


def test_nothing_reported_yet(world: World) -> None:
    table_id = ids(world)[TRAINING]
    body = ok(world.get("finance", f"/api/tables/{table_id}/evaluation"))
    assert (body["score"], body["problems"]) == (None, ["尚未填报全年实际完成情况"])
    assert ok(world.get("finance", f"/api/tables/{table_id}/monitoring")) == {
        "table_id": table_id,
        "monitor": None,
    }
    units = ok(world.get("finance", f"/api/units/{UNIT_Q}/monitoring?year=2023"))
    assert (units["monitors"], units["summary"]) == ([], None)
    assert len(units["not_reported"]) == 8


def jixiao_json(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "jixiao", *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode in (0, 1), result.stderr  # monitor exits 1 on findings
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_unit_results_equal_the_command_line(loaded: World) -> None:
    world = loaded
    table = ids(world)
    evaluation = ok(world.get("congress", f"/api/units/{UNIT_Q}/evaluation?year=2023"))
    cli = jixiao_json("evaluate", str(SEED), "--actuals", str(FULL))
    assert set(evaluation) == {"unit", "fiscal_year", "overall", "projects", "average", "grades"}
    assert (evaluation["unit"], evaluation["fiscal_year"]) == (SEED_UNIT, 2023)
    scores = {p["name"]: p["score"] for p in evaluation["projects"]}
    assert list(scores) == [world.table(t)["name"] for t in world.projects]
    assert [p["table_id"] for p in evaluation["projects"]] == list(world.projects)
    for project in cli["projects"]:
        assert scores[project["name"]] == project, project["name"]
    (overall,) = cli["overall"]
    assert evaluation["overall"]["table_id"] == table[SEED_UNIT]
    assert {"unit": SEED_UNIT, **evaluation["overall"]["score"]} == overall
    (unit,) = cli["units"]
    assert (evaluation["average"], evaluation["grades"]) == (unit["average"], unit["grades"])

    monitoring = ok(world.get("congress", f"/api/units/{UNIT_Q}/monitoring?year=2023"))
    cli = jixiao_json("monitor", str(SEED), "--actuals", str(HALF))
    assert set(monitoring) == {
        "unit",
        "fiscal_year",
        "month",
        "monitors",
        "not_reported",
        "summary",
    }
    assert monitoring["month"] == cli["month"] == 6
    assert [m["monitor"] for m in monitoring["monitors"]] == cli["projects"]
    assert [m["table_id"] for m in monitoring["monitors"]] == [
        table[p["name"]] for p in cli["projects"]
    ]
    assert [monitoring["summary"]] == cli["units"]
    reported = {p["name"] for p in cli["projects"]}
    assert monitoring["not_reported"] == [
        {"table_id": t, "name": n} for n, t in table.items() if n != SEED_UNIT and n not in reported
    ]

    found = performance.evaluate_unit(world.svc.uow(), SEED_UNIT, 2023)
    assert evaluation["average"] == found.average
    assert error(world.get("congress", f"/api/units/{UNIT_Q}/evaluation?year=2022"), 404)
    assert error(world.get("congress", "/api/units/nobody/monitoring?year=2023"), 404)
    assert error(world.get(None, f"/api/units/{UNIT_Q}/evaluation?year=2023"), 401)


# -- saving -----------------------------------------------------------------------------


def test_a_report_goes_round_and_locks(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    url = f"/api/tables/{table_id}/actuals/full_year"
    before = ok(world.get("unit", url))
    scored = ok(world.get("unit", f"/api/tables/{table_id}/evaluation"))["score"]
    indicator = scored["indicators"][0]
    assert (indicator["name"], indicator["actual"], indicator["score"]) == (
        TRAINED,
        "＝470人次",
        indicator["weight"],
    )

    # What was read goes back unchanged.
    same = ok(world.put("unit", url, json={**before["report"], "lock": before["lock"]}))
    assert same["report"] == before["report"]
    assert same["lock"] != before["lock"]

    # A shortfall: a lower score, and the new figure read back.
    report = json.loads(json.dumps(before["report"]))
    report["actuals"][TRAINED] = "400人次"
    report["reasons"] = {TRAINED: "部分代表因公务未能参训"}
    report["measures"] = {TRAINED: "增设线上课程"}
    report.pop("name")  # optional
    saved = ok(world.put("unit", url, json={**report, "lock": same["lock"]}))
    assert saved["report"]["actuals"][TRAINED] == "400人次"
    assert saved["report"]["reasons"] == {TRAINED: "部分代表因公务未能参训"}
    evaluation = ok(world.get("unit", f"/api/tables/{table_id}/evaluation"))
    expected = performance.evaluate_table(world.svc.uow(), table_id)
    assert expected.score is not None
    assert evaluation["score"] == score_to_dict(expected.score)
    lower = evaluation["score"]["indicators"][0]
    assert lower["actual"] == "400人次"
    assert lower["score"] < indicator["score"]
    assert evaluation["score"]["total"] < scored["total"]

    # The lock read before the last save is stale now: 409, with what is stored.
    stale = world.put("unit", url, json={**report, "lock": same["lock"]})
    message = error(stale, 409, "Conflict")
    assert "已被danwei修改，请刷新后再填报" in message
    assert stale.json()["current"] == ok(world.get("unit", url)) == saved

    entries = [
        h
        for h in history(world, table_id)
        if h["action"] == "actuals.save" and h["after"]["period"] == "full_year"
    ]
    assert len(entries) == 3  # the example file, the unchanged one, the shortfall
    newest = entries[0]
    assert (newest["actor"], newest["entity"]) == ("danwei", "actual_report")
    items = {i["name"]: i for i in newest["after"]["items"]}
    assert items[TRAINED]["value"] == "400人次"
    assert {i["name"]: i for i in newest["before"]["items"]}[TRAINED]["value"] == "＝470人次"
    assert ok(world.get("audit", "/api/audit/verify"))["ok"] is True


def test_a_first_checkpoint_report_with_its_month(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[SESSIONS]
    targets = [i["name"] for i in world.table(table_id)["indicators"]]
    body = {
        "budget": 80,
        "executed": 20,
        "actuals": {targets[0]: "0次", targets[1]: "50%"},
        "forecasts": {targets[0]: "1次"},
        "likelihood": {targets[0]: "确定能"},
        "month": 7,
    }
    saved = ok(world.put("unit", f"/api/tables/{table_id}/actuals/half_year", json=body))
    assert (saved["month"], saved["updated_by"], saved["report"]["budget"]) == (7, "danwei", 80)
    assert list(saved["report"]["actuals"]) == targets[:2]
    monitor = ok(world.get("unit", f"/api/tables/{table_id}/monitoring"))["monitor"]
    config = world.client.app.state.monitoring_config  # type: ignore[attr-defined]
    assert monitor == monitor_to_dict(performance.monitor_table(world.svc.uow(), table_id, config))  # type: ignore[arg-type]
    assert monitor["month"] == 7
    (entry,) = [
        h
        for h in history(world, table_id)
        if h["after"] and h["after"].get("period") == "half_year"
    ]
    assert (entry["action"], entry["before"], entry["after"]["month"]) == ("actuals.save", None, 7)


def test_a_refused_report_saves_nothing_and_names_each_problem(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    url = f"/api/tables/{table_id}/actuals/full_year"
    before = ok(world.get("unit", url))
    audited = len(history(world, table_id))

    unknown = {
        **before["report"],
        "actuals": {**before["report"]["actuals"], "不存在的指标": "1次"},
    }
    response = world.put("unit", url, json=unknown)
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"detail", "error", "problems"}
    assert body["error"] == "Refused"
    assert body["problems"] == [f"项目“{TRAINING}”没有指标“不存在的指标”"]
    assert body["detail"].startswith(f"项目“{TRAINING}”：发现 1 个问题，未保存任何数据")

    words = {**before["report"], "actuals": {**before["report"]["actuals"], TRAINED: "很多"}}
    response = world.put("unit", url, json=words)
    assert error(response, 422, "Refused").startswith(f"项目“{TRAINING}”：发现 1 个问题")
    problems = response.json()["problems"]
    assert len(problems) == 1
    assert f"指标“{TRAINED}”" in problems[0] and "“很多”不是数值" in problems[0]

    # The wire model refuses malformed entries before anything is looked up.
    for bad in (
        {**before["report"], "budget": -1},
        {**before["report"], "likelihood": {TRAINED: "也许"}},
        {**before["report"], "actuals": {TRAINED: 470}},
        {**before["report"], "typo": 1},
        {**before["report"], "month": 13},
    ):
        response = world.put("unit", url, json=bad)
        assert response.status_code == 422, bad
        assert isinstance(response.json()["detail"], list)
    bad_period = world.put("unit", f"/api/tables/{table_id}/actuals/q3", json=before["report"])
    assert "不是“q3”" in error(bad_period, 422, "Invalid")
    assert bad_period.json()["field"] == "period"
    assert error(world.get("unit", f"/api/tables/{table_id}/actuals/q3"), 422, "Invalid")
    assert error(world.put("unit", "/api/tables/999999/actuals/full_year", json={}), 404)

    assert ok(world.get("unit", url)) == before
    assert len(history(world, table_id)) == audited


def test_a_document_is_saved_whole_or_not_at_all(world: World) -> None:
    table = ids(world)
    data = file_data(FULL)
    saved = ok(world.post("unit", "/api/actuals", json=data))
    assert (saved["period"], saved["fiscal_year"]) == ("full_year", 2023)
    assert [(r["name"], r["kind"], r["created"]) for r in saved["reports"]] == [
        *((p["name"], "project", True) for p in data["projects"]),
        (SEED_UNIT, "overall", True),
    ]
    assert all(r["table_id"] == table[r["name"]] for r in saved["reports"])
    assert [r["items"] for r in saved["reports"]][:1] == [len(data["projects"][0]["actuals"])]
    again = ok(world.post("unit", f"/api/actuals?unit={UNIT_Q}", json=data))
    assert {r["created"] for r in again["reports"]} == {False}
    evaluation = ok(world.get("unit", f"/api/units/{UNIT_Q}/evaluation?year=2023"))
    assert all(p["score"] is not None for p in evaluation["projects"])

    # One good change and one bad entry: neither is saved, and the bad one is named.
    before = ok(world.get("unit", f"/api/tables/{table[TRAINING]}/actuals/full_year"))
    changed = json.loads(json.dumps(data))
    changed["projects"][0]["actuals"][TRAINED] = "400人次"
    changed["projects"][2]["actuals"]["不存在的指标"] = "1次"
    changed["projects"].append({"name": "不存在的项目", "actuals": {"x": "1"}})
    response = world.post("unit", "/api/actuals", json=changed)
    assert error(response, 422, "Refused").startswith("完成情况：发现 2 个问题")
    assert response.json()["problems"] == [
        f"项目“{SESSIONS}”没有指标“不存在的指标”",
        "项目“不存在的项目”没有单位“无锡市人民代表大会常务委员会办公室”的2023 年度项目绩效目标表",
    ]
    assert ok(world.get("unit", f"/api/tables/{table[TRAINING]}/actuals/full_year")) == before

    not_a_document = world.post("unit", "/api/actuals", json={**data, "format": "jixiao/1"})
    assert isinstance(not_a_document.json()["detail"], list)
    assert not_a_document.status_code == 422


# -- manual scores ----------------------------------------------------------------------


def test_manual_scores(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    row = world.table(table_id)["indicators"][0]
    assert row["name"] == TRAINED
    url = f"/api/tables/{table_id}/scores/{row['id']}"

    score = ok(world.put("finance", url, json={"score": 20, "reason": "培训记录不全"}))
    expected = performance.evaluate_table(world.svc.uow(), table_id)
    assert expected.score is not None
    assert score == score_to_dict(expected.score)
    assert ok(world.get("unit", f"/api/tables/{table_id}/evaluation"))["score"] == score
    item = score["indicators"][0]
    assert (item["name"], item["score"], item["manual"]) == (TRAINED, 20.0, True)

    # The report shows it, and a report sent back without it keeps it.
    report_url = f"/api/tables/{table_id}/actuals/full_year"
    report = ok(world.get("unit", report_url))["report"]
    assert report["manual_scores"] == {TRAINED: {"score": 20.0, "reason": "培训记录不全"}}
    report.pop("manual_scores")
    ok(world.put("unit", report_url, json=report))
    evaluation = ok(world.get("unit", f"/api/tables/{table_id}/evaluation"))["score"]
    assert evaluation["indicators"][0]["score"] == 20.0

    entry = history(world, table_id)[1]  # before the report saved just now
    assert (entry["action"], entry["actor"], entry["entity"]) == (
        "score.adjust",
        "caizheng",
        "actual_item",
    )
    assert entry["before"] == {"name": TRAINED, "score": None, "reason": None}
    assert entry["after"] == {"name": TRAINED, "score": 20, "reason": "培训记录不全"}

    no_reason = world.put("finance", url, json={"score": 10, "reason": " "})
    assert error(no_reason, 422, "Invalid") == "人工评分须说明理由"
    assert no_reason.json()["field"] == "reason"
    too_high = world.put("finance", url, json={"score": 99, "reason": "x"})
    assert error(too_high, 422, "Invalid")
    for bad in ({"reason": "x"}, {"score": "ten", "reason": "x"}, {"score": 1}):
        assert isinstance(ok(world.put("finance", url, json=bad), 422)["detail"], list)
    missing = world.put(
        "finance", f"/api/tables/{table_id}/scores/999999", json={"score": 1, "reason": "x"}
    )
    assert "没有编号为 999999 的指标" in error(missing, 404, "NotFound")

    cleared = ok(world.put("unit", url, json={"score": None, "reason": "材料已补齐"}))
    assert cleared["indicators"][0]["manual"] is False
    assert cleared["indicators"][0]["score"] == item["weight"]
    assert "manual_scores" not in ok(world.get("unit", report_url))["report"]


def test_manual_score_needs_a_year_end_report(world: World) -> None:
    table_id = ids(world)[TRAINING]
    row = world.table(table_id)["indicators"][0]
    response = world.put(
        "finance", f"/api/tables/{table_id}/scores/{row['id']}", json={"score": 1, "reason": "x"}
    )
    assert "尚未填报全年实际完成情况，不能人工评分" in error(response, 422, "Invalid")


# -- who may do what --------------------------------------------------------------------

Y, N = True, False
# fmt: off
EXPECTED: dict[str, dict[str, bool]] = {
    #                   unit unit_other department department_other finance congress audit admin
    # 管理员 does not edit a unit's actuals; other units and departments do not read them.
    "report":          dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "report_document": dict(zip(ROLES, (Y, N, N, N, N, N, N, N), strict=True)),
    "rescore":         dict(zip(ROLES, (Y, N, Y, N, Y, N, N, N), strict=True)),
    "read":            dict(zip(ROLES, (Y, N, Y, N, Y, Y, Y, Y), strict=True)),
}
# fmt: on


def _attempt(world: World, who: str, action: str) -> httpx.Response:
    table_id = ids(world)[TRAINING]
    if action == "report":
        url = f"/api/tables/{table_id}/actuals/full_year"
        return world.put(who, url, json=ok(world.get("unit", url))["report"])
    if action == "report_document":
        return world.post(who, f"/api/actuals?unit={UNIT_Q}", json=file_data(HALF))
    if action == "rescore":
        row = world.table(table_id)["indicators"][0]["id"]
        body = {"score": 24, "reason": f"{who} 复核"}
        return world.put(who, f"/api/tables/{table_id}/scores/{row}", json=body)
    for url in (
        f"/api/tables/{table_id}/actuals/half_year",
        f"/api/tables/{table_id}/evaluation",
        f"/api/tables/{table_id}/monitoring",
        f"/api/units/{UNIT_Q}/monitoring?year=2023",
    ):
        response = world.get(who, url)
        if response.status_code != 200:
            return response
    return world.get(who, f"/api/units/{UNIT_Q}/evaluation?year=2023")


@pytest.mark.parametrize("action", list(EXPECTED))
def test_who_may_report_rescore_and_read(loaded: World, action: str) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    for who in ROLES:
        audited = len(history(world, table_id))
        response = _attempt(world, who, action)
        if EXPECTED[action][who]:
            assert response.status_code == 200, (who, response.text)
            if action != "read":
                assert len(history(world, table_id)) == audited + 1, who
                assert history(world, table_id)[0]["actor"] == PEOPLE[who][0]
        else:
            assert error(response, 403, "PermissionDenied"), who
            assert len(history(world, table_id)) == audited, who
    assert error(_attempt_anonymous(world, action), 401) == "需要登录或 API 令牌"


def _attempt_anonymous(world: World, action: str) -> httpx.Response:
    table_id = ids(world)[TRAINING]
    if action == "report":
        return world.put(None, f"/api/tables/{table_id}/actuals/full_year", json={})
    if action == "report_document":
        return world.post(None, "/api/actuals", json=file_data(HALF))
    if action == "rescore":
        return world.put(None, f"/api/tables/{table_id}/scores/1", json={"score": 1, "reason": "x"})
    return world.get(None, f"/api/tables/{table_id}/evaluation")


def test_refusals_name_the_reason(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    url = f"/api/tables/{table_id}/actuals/full_year"
    report = ok(world.get("unit", url))["report"]
    other = world.put("unit_other", url, json=report)
    assert error(other, 403, "PermissionDenied")
    document = world.post("unit", "/api/actuals?unit=无锡市某某局", json=file_data(FULL))
    assert (
        error(document, 403, "PermissionDenied")
        == "只能填报本单位（无锡市人民代表大会常务委员会办公室）的完成情况"
    )
    elsewhere = world.post("unit_other", "/api/actuals", json=file_data(FULL))
    assert error(elsewhere, 422, "Refused").startswith("完成情况：发现 9 个问题")
    empty = {**file_data(FULL), "projects": [], "overall": []}
    finance = world.post("finance", "/api/actuals", json=empty)
    assert "无权填报完成情况" in error(finance, 403, "PermissionDenied")  # even with nothing in it
    assert ok(world.post("unit", "/api/actuals", json=empty))["reports"] == []


def test_actuals_need_approved_targets(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch)  # the seed as imported: drafts
    url = f"/api/tables/{ids(world)[TRAINING]}/actuals/full_year"
    response = world.put("unit", url, json={"budget": 1, "executed": 1})
    assert "草稿" in error(response, 403, "PermissionDenied")
    assert ok(world.get("unit", url))["actions"] == []
    document = world.post("unit", "/api/actuals", json=file_data(HALF))
    assert error(document, 403, "PermissionDenied")
    assert ok(world.get("unit", url))["report"] is None


def test_session_writes_need_the_csrf_header(loaded: World) -> None:
    world = loaded
    table_id = ids(world)[TRAINING]
    url = f"/api/tables/{table_id}/actuals/full_year"
    client = session_client(world.svc, "danwei")
    read = ok(client.get(url))  # reading needs no token
    audited = len(history(world, table_id))
    refused = client.put(url, json=read["report"])
    assert error(refused, 403) == "CSRF 校验失败，请刷新页面后重试"
    row = world.table(table_id)["indicators"][0]["id"]
    score = client.put(f"/api/tables/{table_id}/scores/{row}", json={"score": 1, "reason": "x"})
    assert error(score, 403) == "CSRF 校验失败，请刷新页面后重试"
    document = client.post("/api/actuals", json=file_data(HALF))
    assert error(document, 403) == "CSRF 校验失败，请刷新页面后重试"
    assert len(history(world, table_id)) == audited
    saved = client.put(url, json=read["report"], headers={"X-CSRF-Token": "the-csrf-token"})
    assert ok(saved)["updated_by"] == "danwei"
    assert len(history(world, table_id)) == audited + 1


def test_openapi_documents_the_endpoints() -> None:
    no_database = Services(create_engine("sqlite://"))  # nothing is created
    spec = TestClient(create_app(no_database)).get("/api/openapi.json").json()
    paths = spec["paths"]
    expected = {
        "/api/tables/{table_id}/actuals/{period}": {"get", "put"},
        "/api/actuals": {"post"},
        "/api/tables/{table_id}/scores/{row_id}": {"put"},
        "/api/tables/{table_id}/evaluation": {"get"},
        "/api/tables/{table_id}/monitoring": {"get"},
        "/api/units/{unit}/evaluation": {"get"},
        "/api/units/{unit}/monitoring": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
    put = paths["/api/tables/{table_id}/actuals/{period}"]["put"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(put["responses"])
    schemas = spec["components"]["schemas"]
    assert {"lock", "month", "actuals", "manual_scores"} <= set(schemas["ActualsIn"]["properties"])
    assert "problems" in schemas["ErrorOut"]["properties"]
    assert {"total", "grade", "indicators"} <= set(schemas["ScoreDict"]["properties"])


def test_texts_longer_than_their_limits_are_refused_at_the_field(loaded: World) -> None:
    """Every text of a report has a limit (domain.limits): a 2,001-character 偏差原因 or a
    301-character 完成值 is refused in Chinese naming the indicator and the field; nothing
    is saved.  A manual score's reason likewise."""
    from jixiao.domain.limits import LIMITS

    world = loaded
    table_id = ids(world)[TRAINING]
    url = f"/api/tables/{table_id}/actuals/full_year"
    before = ok(world.get("unit", url))
    audited = len(history(world, table_id))
    report = before["report"]
    most = {name: LIMITS[name][1] for name in ("value", "deviation", "measures")}
    longest = {
        **report,
        "actuals": {**report["actuals"], TRAINED: "＝470人次"},
        "reasons": {TRAINED: "原" * most["deviation"]},
        "measures": {TRAINED: "措" * most["measures"]},
    }
    too_long = {
        **report,
        "actuals": {**report["actuals"], TRAINED: "＝470人次" + "注" * (most["value"] - 5)},
        "reasons": {TRAINED: "原" * (most["deviation"] + 1)},
        "measures": {TRAINED: "措" * most["measures"]},
        "execution_reason": "执" * (LIMITS["execution_reason"][1] + 5),
    }
    response = world.put("unit", url, json=too_long)
    assert error(response, 422, "Refused").startswith(f"项目“{TRAINING}”：发现 3 个问题")
    assert response.json()["problems"] == [
        f"项目“{TRAINING}”的执行偏差原因不能超过 2,000 个字符（现为 2,005 个字符）",
        f"项目“{TRAINING}”指标“{TRAINED}”的完成值不能超过 300 个字符（现为 301 个字符）",
        f"项目“{TRAINING}”指标“{TRAINED}”的偏差原因不能超过 2,000 个字符（现为 2,001 个字符）",
    ]
    assert ok(world.get("unit", url)) == before
    assert len(history(world, table_id)) == audited

    # At the limit it is saved.
    saved = ok(world.put("unit", url, json={**longest, "lock": before["lock"]}))
    assert saved["report"]["reasons"] == {TRAINED: "原" * most["deviation"]}

    row = world.table(table_id)["indicators"][0]
    score_url = f"/api/tables/{table_id}/scores/{row['id']}"
    long_reason = world.put("finance", score_url, json={"score": 10, "reason": "理" * 1001})
    assert error(long_reason, 422, "Invalid") == (
        "人工评分的理由不能超过 1,000 个字符（现为 1,001 个字符）"
    )
    assert long_reason.json()["field"] == "reason"
