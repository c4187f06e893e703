"""The JSON API: uploading published tables (preview, then import)."""

from __future__ import annotations

import pytest

from jixiao.services import Services
from tests.conftest import SEED
from tests.web.api.support import SEED_UNIT, World, make_world, seed_variant

NAME = SEED.name


def _upload(
    world: World, who: str | None, url: str, name: str, data: bytes, **form: str
) -> tuple[int, dict[str, object]]:
    response = world.post(who, url, files={"file": (name, data, "text/plain")}, data=form)
    return response.status_code, response.json()


def test_preview_then_import_the_seed(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    data = SEED.read_bytes()

    status, preview = _upload(world, "finance", "/api/imports/preview", NAME, data)
    assert status == 200, preview
    assert (preview["source"], preview["fiscal_year"]) == (NAME, 2023)
    assert (preview["goals"], preview["indicators"]) == (13, 32)
    assert preview["problems"] == [] and preview["warnings"] == []
    assert preview["duplicate_of"] is None and preview["importable"] is True
    planned = preview["tables"]
    assert isinstance(planned, list) and len(planned) == 9
    assert planned[0] == {
        "kind": "overall",
        "name": SEED_UNIT,
        "unit": SEED_UNIT,
        "fiscal_year": 2023,
        "rows": 13,
        "exists": False,
    }
    assert {(t["kind"], t["rows"], t["exists"]) for t in planned[1:]} == {("project", 4, False)}
    assert world.get("finance", "/api/tables").json()["total"] == 0  # nothing written

    status, result = _upload(world, "finance", "/api/imports", NAME, data)
    assert status == 201, result
    assert (result["source"], result["goals"], result["indicators"], result["warnings"]) == (
        NAME,
        13,
        32,
        0,
    )
    ids = result["table_ids"]
    assert isinstance(ids, list) and len(ids) == 9
    listed = world.get("finance", "/api/tables").json()
    assert listed["total"] == 9 and {t["id"] for t in listed["items"]} == set(ids)
    detail = world.table(ids[1])
    assert detail["source_file"] == NAME
    assert detail["indicators"][0]["full_year"]["source"]["file"] == NAME
    history = world.get("admin", f"/api/tables/{ids[1]}/history").json()
    assert (history[0]["action"], history[0]["actor"]) == ("import", "caizheng")

    status, again = _upload(world, "finance", "/api/imports", NAME, data)
    assert status == 409, again
    assert again["error"] == "Duplicate"
    assert f"同一文件（{NAME}）已于" in str(again["detail"])
    assert "由 caizheng 导入" in str(again["detail"])  # its display name
    renamed_status, renamed = _upload(world, "admin", "/api/imports", "copy.txt", data)
    assert (renamed_status, renamed["error"]) == (409, "Duplicate")  # same content

    status, preview = _upload(world, "finance", "/api/imports/preview", NAME, data)
    assert status == 200
    assert preview["importable"] is False
    assert f"同一文件（{NAME}）" in str(preview["duplicate_of"])
    problems = preview["problems"]
    assert isinstance(problems, list) and len(problems) == 9
    assert all("已在系统中" in p for p in problems)
    assert world.get("finance", "/api/tables").json()["total"] == 9


def test_import_as_a_unit(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    status, result = _upload(world, "unit", "/api/imports", "2030.json", seed_variant(2030))
    assert status == 201, result
    table = world.table(result["table_ids"][0])  # type: ignore[index]
    assert (table["unit"], table["fiscal_year"], table["status"]) == (SEED_UNIT, 2030, "draft")

    status, refused = _upload(world, "unit_other", "/api/imports", "2031.json", seed_variant(2031))
    assert (status, refused["error"]) == (403, "PermissionDenied")
    assert "只能导入本单位（无锡市某某局）" in str(refused["detail"])

    status, preview = _upload(
        world, "unit_other", "/api/imports/preview", "2031.json", seed_variant(2031)
    )
    assert status == 200 and preview["importable"] is False
    assert any("只能导入本单位" in p for p in preview["problems"])  # type: ignore[attr-defined]
    assert world.get("unit", "/api/tables").json()["total"] == 1


def test_import_refusals(svc: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    data = SEED.read_bytes()
    for url in ("/api/imports/preview", "/api/imports"):
        status, body = _upload(world, None, url, NAME, data)
        assert (status, body["detail"]) == (401, "需要登录或 API 令牌")
        status, body = _upload(world, "congress", url, NAME, data)
        assert (status, body) == (
            403,
            {"detail": "角色“人大监督”无权导入", "error": "PermissionDenied"},
        )
        status, body = _upload(world, "department", url, NAME, data)
        assert (status, body["error"]) == (403, "PermissionDenied")

        notes = "会议纪要\n今天讨论了食堂的菜单。\n".encode()
        status, body = _upload(world, "finance", url, "会议纪要.txt", notes)
        assert (status, body["error"], body["field"]) == (422, "Invalid", "file")
        assert str(body["detail"]).startswith("无法读取文件：会议纪要.txt")

        status, body = _upload(world, "finance", url, "scan.pdf", b"%PDF-1.7\n...")
        assert (status, body["field"]) == (422, "file")
        assert "scan.pdf" in str(body["detail"])
        status, body = _upload(world, "finance", url, "empty.txt", b"")
        assert (status, body["field"]) == (422, "file")
        assert "empty.txt" in str(body["detail"])

        status, body = _upload(world, "finance", url, NAME, data, format="json")
        assert (status, body["field"]) == (422, "file")
        assert NAME in str(body["detail"])
        status, body = _upload(world, "finance", url, NAME, data, format="odt")
        assert (status, body["field"]) == (422, "format")
        assert "未知格式“odt”" in str(body["detail"])
        # A known format the file does not fit: refused naming the file.
        status, body = _upload(world, "finance", url, NAME, data, format="xlsx")
        assert (status, body["field"]) == (422, "file")
        assert NAME in str(body["detail"])

        no_file = world.post("finance", url, data={"format": "auto"})
        assert no_file.status_code == 422
    assert world.get("finance", "/api/tables").json()["total"] == 0
