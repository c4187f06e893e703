"""Hostile uploads and requests: bombs refused in a child process while others are served,
bodies refused while they stream in, integers beyond the database's range, the security
headers, the API documentation from installed assets."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from jixiao.services import Services
from tests import hostile
from tests.conftest import SEED
from tests.web.api.support import make_world

MB = 1024 * 1024


def _rss_mb() -> float:
    """This process's resident memory now (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        (
            "炸弹.xlsx",
            lambda: hostile.xlsx_whitespace_bomb(12),
            "解压后共 12.0 GB，超过上限 200 MB",
        ),
        ("空单元格.xlsx", lambda: hostile.xlsx_empty_cells(), "单元格超过 500,000 个"),
    ],
    ids=["12GiB-whitespace", "10M-empty-cells"],
)
def test_a_bomb_is_refused_while_another_client_is_served(
    svc: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    name: str,
    build: object,
    expected: str,
) -> None:
    world = make_world(svc, monkeypatch)
    bomb = build()  # type: ignore[operator]
    caplog.set_level(logging.INFO, logger="jixiao.ingest.isolation")
    # The forkserver is started by the first upload of a server's life: warm it.
    warm = world.post(
        "finance", "/api/imports/preview", files={"file": ("seed.txt", SEED.read_bytes())}
    )
    assert warm.status_code == 200, warm.text
    other = TestClient(world.client.app)
    served: list[tuple[int, float]] = []
    done = threading.Event()

    def second_client() -> None:
        while not done.is_set():
            started = time.monotonic()
            response = other.get("/api/tables", headers=world.auth("unit"))
            served.append((response.status_code, time.monotonic() - started))

    before = _rss_mb()
    reader = threading.Thread(target=second_client)
    reader.start()
    try:
        started = time.monotonic()
        response = world.post(
            "unit", "/api/imports", files={"file": (name, bomb, "application/octet-stream")}
        )
        seconds = time.monotonic() - started
    finally:
        done.set()
        reader.join(30)
    grown = _rss_mb() - before
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail.startswith(f"无法读取文件：{name}：") and expected in detail, detail
    child = [r for r in caplog.records if getattr(r, "file", None) == name]
    assert child, "the refusal was not logged"
    refused = child[-1]
    # From the file in the server's hands to the refusal: under 5 s; the whole request
    # (the 12 MB sent and parsed as a form) is allowed more on a loaded CI machine.
    assert refused.seconds < 5 and seconds < 20, (refused.seconds, seconds)  # type: ignore[attr-defined]
    assert refused.peak_rss_mb < 300, refused.getMessage()  # type: ignore[attr-defined]
    assert grown < 300, grown  # the server's own memory: the upload, not its inflation
    assert served and all(status == 200 for status, _ in served), served
    assert max(s for _, s in served) < 5, served
    print(
        f"{name}: refused {refused.seconds:.2f} s after upload ({seconds:.2f} s request), "  # type: ignore[attr-defined]
        f"child peak {refused.peak_rss_mb:.0f} MB, "  # type: ignore[attr-defined]
        f"server grew {grown:.0f} MB, {len(served)} other requests served meanwhile"
    )


def test_a_body_above_the_limit_is_refused_before_it_is_received(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    app = world.client.app
    sent = 0

    async def gigabyte() -> AsyncIterator[bytes]:
        nonlocal sent
        boundary = b"--jx\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        chunk = b"x" * MB
        for _ in range(1024):
            sent += len(chunk)
            yield chunk

    async def upload() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.post(
                "/api/imports",
                content=gigabyte(),
                headers={
                    **world.auth("finance"),
                    "content-type": "multipart/form-data; boundary=jx",
                },
            )

    response = asyncio.run(upload())
    assert response.status_code == 413, response.text
    assert response.json()["detail"].startswith("请求内容超过上限 21 MB")
    assert sent < 30 * MB, sent  # of the 1 GB offered, about the limit was read

    declared = world.client.post(
        "/api/imports",
        content=b"x" * 100,
        headers={**world.auth("finance"), "content-length": str(1 << 30)},
    )
    assert declared.status_code == 413
    page = world.client.post("/import/preview", headers={"content-length": str(1 << 30)})
    assert page.status_code == 413 and page.text.startswith("请求内容超过上限")


def test_integers_beyond_the_database_range_are_422(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch)
    for url in (
        "/api/tables/2147483648",
        "/api/tables/-2147483649",
        f"/api/tables/{world.projects[0]}/versions/99999999999999999999",
        "/api/tables?year=9223372036854775808",
        f"/api/tables/{world.projects[0]}/indicators/2147483648?lock=1",
    ):
        response = (
            world.get("finance", url) if "indicators" not in url else world.delete("unit", url)
        )
        assert response.status_code == 422, (url, response.text)
        body = response.json()
        assert "超出范围" in body["detail"] and body["error"] == "Invalid", body
    assert world.get("finance", "/api/tables/2147483647").status_code == 404
    page = world.get("finance", "/tables/2147483648")
    assert page.status_code == 422 and "参数 table_id 的值 2147483648 超出范围" in page.text
    download = world.get("finance", "/oversight/tables/2147483648.xlsx")
    assert download.status_code == 422


def test_every_answer_carries_the_security_headers(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    for url in ("/login", "/api/tables", "/api/openapi.json", "/api/docs", "/static/jixiao.js"):
        response = world.get("finance", url)
        assert response.status_code == 200, url
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # plain HTTP
    secure = TestClient(world.client.app, base_url="https://testserver")
    assert secure.get("/login").headers["strict-transport-security"] == "max-age=31536000"


def test_the_api_docs_come_from_installed_assets(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch, seed=False)
    page = world.get(None, "/api/docs").text
    assert "cdn" not in page.lower() and "http" not in page.split("<body>")[0].lower()
    assert "<script>" not in page  # no inline script: the CSP allows none
    for asset in (
        "/vendor/swagger-ui-dist/swagger-ui-bundle.js",
        "/vendor/swagger-ui-dist/swagger-ui.css",
        "/static/api-docs.js",
    ):
        assert asset in page
        assert world.get(None, asset).status_code == 200, asset


def test_deeply_nested_json_in_a_request_is_a_chinese_refusal(
    svc: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(svc, monkeypatch)
    deep = hostile.deep_json(400_000)
    response = world.client.post(
        f"/api/tables/{world.projects[0]}/comments",
        content=b'{"body": ' + deep + b"}",
        headers={**world.auth("finance"), "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("请求内容无法读取"), response.text
