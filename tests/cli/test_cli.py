"""The command line, run as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED, SEED_LAYOUT


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_table_view_shows_every_project() -> None:
    result = jixiao("parse", str(SEED))
    assert result.returncode == 0, result.stderr
    for name in ("人大代表履职培训费", "信访工作经费", "无锡市人民代表大会常务委员会办公室"):
        assert name in result.stdout
    assert "＝461人次" in result.stdout
    assert "1 张整体目标表，13 条目标；8 个项目，32 个指标；0 条警告" in result.stdout


def test_not_a_table_exits_1_naming_file_and_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    result = jixiao("parse", str(notes), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "notes.txt 第 1 页 第 1 行" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_1(tmp_path: Path) -> None:
    result = jixiao("parse", str(tmp_path / "nope.txt"))
    assert result.returncode == 1
    assert "nope.txt：文件不存在" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_format_is_refused() -> None:
    result = jixiao("parse", str(SEED), "--format", "odt")
    assert result.returncode == 1
    assert "未知格式“odt”" in result.stderr
    assert "docx" in result.stderr  # the formats that are known are listed


def test_a_forced_format_that_does_not_fit_names_the_file() -> None:
    result = jixiao("parse", str(SEED), "--format", "docx")
    assert result.returncode == 1
    assert str(SEED) in result.stderr
    assert "Traceback" not in result.stderr


def test_warnings_go_to_stderr_and_into_the_document() -> None:
    result = jixiao("parse", str(SEED_LAYOUT / "cut_off.txt"), "--json")
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    assert [w["code"] for w in doc["warnings"]] == ["ingest.truncated"]
    assert "警告" in result.stderr
    assert "ingest.truncated" in result.stderr
    assert "cut_off.txt 第 3 页 第" in result.stderr


def test_json_output_reads_back(tmp_path: Path) -> None:
    first = jixiao("parse", str(SEED), "--json")
    saved = tmp_path / "seed.json"
    saved.write_text(first.stdout, encoding="utf-8")
    second = jixiao("parse", str(saved), "--json")
    assert second.returncode == 0, second.stderr
    # The document keeps the source it names (the seed), so it prints back unchanged.
    assert second.stdout == first.stdout
    # Without one, it comes from the JSON file itself (named by its name, not its folder).
    data = json.loads(first.stdout)
    del data["source"]
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = json.loads(jixiao("parse", str(saved), "--json").stdout)
    assert third.pop("source") == {
        "file": saved.name,
        "sha256": __import__("hashlib").sha256(saved.read_bytes()).hexdigest(),
        "layout": "json",
    }
    assert third == data


def test_schema_command_prints_the_schema() -> None:
    result = jixiao("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["properties"]["format"]["const"] == "jixiao/1"


def test_version() -> None:
    result = jixiao("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("jixiao ")
