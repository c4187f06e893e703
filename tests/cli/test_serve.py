"""The main job: `jixiao serve` on a new SQLite database, as scripts/run starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from jixiao.store.db import head_revision


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _jixiao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_serve_sets_up_demo_and_answers(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("JIXIAO_DB", None)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "jixiao serve did not answer in 60 s"
                time.sleep(0.3)
        assert response.status_code == 200
        api = httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5)
        assert api.status_code == 200
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    # The default database is an SQLite file in the user's data folder.
    assert (tmp_path / "data" / "jixiao" / "jixiao.db").is_file()
    assert "已导入种子文件" in output
    # The demo shows the whole year: approved targets, checkpoint and year-end actuals.
    assert "其中的表均已批复" in output
    assert "已载入示例完成情况 seed-actuals-2023-full-year.json" in output
    assert "已载入示例完成情况 seed-actuals-2023-half-year.json" in output
    for username in ("danwei", "zhuguan", "caizheng", "renda", "shenji", "admin"):
        assert username in output
    assert "jixiao-demo" in output
    assert "演示模式（--demo）" in output
    # A second start finds the data and does not import again.
    users = _jixiao("user", "list", env=env)
    assert users.returncode == 0
    assert "演示财政审核" in users.stdout
    again = _jixiao(
        "import", str(Path(__file__).parents[1] / "fixtures/seed/000_782886cd0aa7e389.txt"), env=env
    )
    assert again.returncode == 1
    assert "同一文件" in again.stderr
    assert "已导入 0 个文件（其中 0 个有警告），未导入 1 个" in again.stdout


def test_db_upgrade_and_user_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}
    up = _jixiao("db", "upgrade", "--db", url, env=env)
    assert up.returncode == 0, up.stderr
    assert f"数据库版本 {head_revision()}" in up.stdout
    assert head_revision() == "0010"
    add = _jixiao(
        "user",
        "add",
        "cz",
        "--role",
        "finance",
        "--password",
        "long-password",
        "--db",
        url,
        env=env,
    )
    assert add.returncode == 0, add.stderr
    assert "已创建用户 cz（财政审核）" in add.stdout
    dup = _jixiao(
        "user",
        "add",
        "cz",
        "--role",
        "finance",
        "--password",
        "long-password",
        "--db",
        url,
        env=env,
    )
    assert dup.returncode == 1
    assert "已存在" in dup.stderr
    token = _jixiao("user", "token", "cz", "--db", url, env=env)
    assert token.returncode == 0
    assert token.stdout.startswith("jx_")
    verify = _jixiao("audit", "verify", "--db", url, env=env)
    assert "已核对 2 条记录" in verify.stdout
    bad = _jixiao("db", "upgrade", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", env=env)
    assert bad.returncode == 1
    assert "错误：数据库 postgresql+psycopg://nobody@127.0.0.1:1/none" in bad.stderr


def test_serve_with_several_workers_shares_sessions(tmp_path: Path) -> None:
    """--workers 2: two server processes on one database; a log-in made on one is good on
    the other (the same session key), every page answers."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("JIXIAO_DB", None)
    env.pop("JIXIAO_SECRET", None)
    db = f"sqlite:///{tmp_path / 'jixiao.db'}"
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jixiao",
            "serve",
            "--demo",
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "jixiao serve --workers 2 did not answer"
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=10) as client:
            page = client.get("/login").text
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            done = client.post(
                "/login",
                data={"username": "renda", "password": "jixiao-demo", "csrf_token": token},
            )
            assert done.status_code in (200, 303)
            # new connections land on either worker: all of them see the session
            for _ in range(8):
                response = client.get("/oversight", headers={"Connection": "close"})
                assert response.status_code == 200 and "绩效监督" in response.text
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_serve_in_production_mode_starts_with_a_key_and_an_administrator(tmp_path: Path) -> None:
    """Without --demo: an administrator made with `jixiao user add` (password on standard
    input) and a session key in the environment are enough; no demo user is created."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "COLUMNS": "200"}
    for name in ("JIXIAO_DB", "JIXIAO_SECRET", "JIXIAO_PASSWORD", "JIXIAO_CONFIG"):
        env.pop(name, None)
    db = f"sqlite:///{tmp_path / 'prod.db'}"
    refused = _jixiao("serve", "--db", db, env=env)
    assert refused.returncode == 2 and "未配置会话密钥" in refused.stderr
    add = subprocess.run(
        [sys.executable, "-m", "jixiao", "user", "add", "boss", "--role", "admin", "--db", db],
        input="Harbour-lights-31\n",
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert add.returncode == 0, add.stderr
    env["JIXIAO_SECRET"] = "k" * 48
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "jixiao serve did not answer in 60 s"
            time.sleep(0.3)
        with httpx.Client(base_url=base, timeout=10) as client:
            page = client.get("/login").text
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            done = client.post(
                "/login",
                data={"username": "boss", "password": "Harbour-lights-31", "csrf_token": token},
                follow_redirects=True,
            )
            assert done.status_code == 200 and "用户管理" in done.text
            assert [u["username"] for u in client.get("/api/users").json()] == ["boss"]
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "演示" not in output and "jixiao-demo" not in output
