"""The parse limits and the audit key and anchor are settings: jixiao.toml's ``[server]``
table (or ``JIXIAO_*``, which wins) decides what reading a file may cost and where the
audit trail's key and anchor live."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from jixiao.ingest import read_path
from jixiao.ingest.guard import LimitExceeded
from jixiao.ingest.isolation import ProcessLimits, read_path_isolated
from jixiao.services import SYSTEM, Invalid, Services, tables, trail
from jixiao.services import settings as configuration
from tests.conftest import SEED


@pytest.fixture
def toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in (
        "JIXIAO_DATA_DIR",
        "JIXIAO_AUDIT_KEY",
        "JIXIAO_AUDIT_KEY_FILE",
        "JIXIAO_AUDIT_ANCHOR",
        "JIXIAO_PARSE_MEMORY_MB",
        "JIXIAO_PARSE_CPU_SECONDS",
        "JIXIAO_PARSE_SECONDS",
        "JIXIAO_PARSE_WORKERS",
        "JIXIAO_MAX_FILE_MB",
    ):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "jixiao.toml"
    key = tmp_path / "secrets" / "audit.key"
    key.parent.mkdir()
    key.write_text("key-from-the-file\n", encoding="utf-8")
    config.write_text(
        "[server]\n"
        "parse_memory_mb = 300\n"
        "parse_cpu_seconds = 7\n"
        "parse_seconds = 12.5\n"
        "parse_workers = 3\n"
        "max_file_mb = 1\n"
        f'audit_key_file = "{key}"\n'
        f'audit_anchor = "{tmp_path / "anchors" / "jixiao.anchor"}"\n'
        f'data_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_CONFIG", str(config))
    return tmp_path


def test_parse_limits_come_from_jixiao_toml(toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ProcessLimits.in_force() == ProcessLimits(
        memory_mb=300, cpu_seconds=7, wall_seconds=12.5, concurrent=3, file_mb=1
    )
    big = toml / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(LimitExceeded, match="文件超过 1 MB（上限）"):
        read_path_isolated(big, name="big.txt")
    monkeypatch.setenv("JIXIAO_MAX_FILE_MB", "2")  # the environment wins over the file
    assert ProcessLimits.in_force().file_mb == 2
    monkeypatch.setenv("JIXIAO_PARSE_WORKERS", "0")
    with pytest.raises(Invalid) as caught:
        ProcessLimits.in_force()
    assert "同时解析的文件数 parse_workers" in caught.value.message


def test_the_audit_key_and_anchor_come_from_jixiao_toml(
    toml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{toml / 'x.db'}"
    assert trail.key_for(url) == b"key-from-the-file"
    assert trail.anchor_for(url) == toml / "anchors" / "jixiao.anchor"
    pg = "postgresql+psycopg://jixiao@db.example/jixiao"
    assert trail.data_dir(pg) == toml / "data"

    # a database written under these settings anchors where they say, with that key
    svc = Services.connect(url, upgrade=True)
    try:
        assert svc.audit_trail() == trail.TrailConfig(
            b"key-from-the-file", toml / "anchors" / "jixiao.anchor"
        )
        tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
        anchored = list(trail.read_anchor(svc.audit_trail()))
        assert anchored and all(a.ok for a in anchored)
        assert not (toml / "x.db.audit-anchor").exists()
    finally:
        svc.dispose()

    monkeypatch.setenv("JIXIAO_AUDIT_KEY", "key-from-the-environment")  # wins over the file
    assert trail.key_for(url) == b"key-from-the-environment"
    settings = configuration.load()
    assert "key-from-the-environment" not in repr(settings)
    engine = create_engine("sqlite://")
    assert trail.config_for(engine, settings).anchor is None  # in memory: nothing to anchor


def test_jixiao_parse_reads_with_the_limits_of_jixiao_toml(toml: Path) -> None:
    from typer.testing import CliRunner

    from jixiao.cli import app

    big = toml / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    done = CliRunner().invoke(app, ["parse", str(big)])
    assert done.exit_code == 1
    assert "文件超过 1 MB（上限），未读取" in done.output
