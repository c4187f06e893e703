"""The README's two commands, with arguments, in a fresh clone of the repository.

`scripts/run --port P --db URL` and `scripts/test ARGS…` must work on a checkout that has
never been set up, and again on a second run (bootstrap.sh used to read the caller's
arguments as pip extras: `pip install -e ".[--port]"`).

Kept bounded: the clone's virtual environment is made without pip and sees this test's
own site-packages through a `.pth` file, so bootstrap.sh's `pip install -e` installs only
jixiao itself (every dependency is already satisfied, nothing is downloaded); mypy starts
from a copy of this checkout's cache when there is one; `scripts/test` is given arguments
that select one small test, so it does not run the whole suite again. The rest is the
real set-up: the editable install and its stamp, `npm ci`, ruff, mypy, pytest, and the
server's first start (migrations, seed, demo users) and second start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh clone with this working tree's tracked changes, and an empty venv."""
    where = tmp_path_factory.mktemp("clone") / "jixiao"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    diff = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "HEAD", "--binary"],
        check=True,
        capture_output=True,
    ).stdout
    if diff:
        subprocess.run(["git", "-C", str(where), "apply", "-"], input=diff, check=True)
        git = ["git", "-C", str(where), "-c", "user.name=t", "-c", "user.email=t@t"]
        subprocess.run([*git, "commit", "--quiet", "--all", "-m", "working tree"], check=True)
    subprocess.run(
        ["python3", "-m", "venv", "--without-pip", str(where / ".venv")],
        check=True,
    )
    inner = subprocess.run(
        [
            str(where / ".venv/bin/python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(inner, "_outer_site.pth").write_text(sysconfig.get_path("purelib") + "\n")
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", where / ".mypy_cache")
    return where


def _env(tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp / "data"),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "COLUMNS": "200",
    }
    for name in ("JIXIAO_DB", "JIXIAO_VENV", "VIRTUAL_ENV", "PYTHONPATH"):
        env.pop(name, None)
    # The clone's own venv must be the one that runs, not this test's.
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    return env


def _start(clone: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    """Runs scripts/run ARGS… until the server answers; returns (status of /login, output)."""
    port = _free_port()
    proc = subprocess.Popen(
        [str(clone / "scripts/run"), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=clone,
        start_new_session=True,
    )
    status = 0
    try:
        deadline = time.monotonic() + 240
        while status == 0:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
    return status, output


def test_scripts_run_with_arguments_on_a_fresh_clone_and_again(clone: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    status, first = _start(clone, env, "--db", db)
    assert status == 200, first
    assert "installing jixiao into" in first
    assert "Traceback" not in first
    for username in ("danwei", "caizheng", "renda", "admin"):
        assert username in first
    assert (tmp_path / "demo.db").is_file()
    # A second run with (other) arguments: installed already, the data is found again.
    status, second = _start(clone, env, "--db", db, "--host", "127.0.0.1")
    assert status == 200, second
    assert "installing jixiao" not in second
    assert "danwei" not in second  # no second demo set-up


def test_scripts_test_with_arguments_on_a_fresh_clone(clone: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    args = ["-q", "-p", "no:cacheprovider", "tests/test_architecture.py", "-k", "every_layer"]
    done = subprocess.run(
        [str(clone / "scripts/test"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=clone,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "installing jixiao[dev] into" in output
    assert "1 passed" in output
    # Nothing the set-up or the checks wrote shows up as a change to the repository.
    status = subprocess.run(
        ["git", "-C", str(clone), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == "", status
