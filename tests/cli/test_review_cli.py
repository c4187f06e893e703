"""`jixiao review` and `jixiao rules` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from jixiao.domain.review.docs import render_all
from jixiao.ingest import read_path
from jixiao.services import SYSTEM, Services, tables
from tests.conftest import SEED, SEED_LAYOUT

DOCS = Path(__file__).parents[2] / "docs" / "rules"


def jixiao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_review_json_shape_and_exit_code() -> None:
    result = jixiao("review", str(SEED), "--json")
    assert result.returncode == 1  # JX101 errors
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "grades"}
    first = data["findings"][0]
    assert set(first) == {
        "code",
        "severity",
        "dimension",
        "project",
        "indicator",
        "message",
        "location",
    }
    assert first["location"]["file"] == str(SEED)
    grades = {g["project"]: g for g in data["grades"]}
    assert len(grades) == 9
    assert grades["人大代表履职培训费"]["grade"] == "中"
    assert grades["人大代表履职培训费"]["reasons"]


def test_review_text_groups_by_project_with_lines() -> None:
    result = jixiao("review", str(SEED))
    assert result.returncode == 1
    out = result.stdout
    assert "《人大之声》制作经费  建议审核等级：中" in out
    assert (
        "第 6 页 第 307 行：JX106 警告 指标“《人大之声》汇编制作发放合集”的半年指标值为零（≥0份）"
        in out
    )
    assert out.index("代表活动经费  建议审核等级") < out.index(
        "JX301 警告 数量指标“保障参加活动的人大代表履职情况”"
    )
    assert "9 张表：8 个错误" in out


def test_select_and_ignore() -> None:
    only = json.loads(jixiao("review", str(SEED), "--json", "--select", "JX3").stdout)
    assert {f["code"] for f in only["findings"]} == {"JX301", "JX307"}
    without = jixiao("review", str(SEED), "--json", "--ignore", "JX1")
    assert without.returncode == 0  # no errors left
    assert not [f for f in json.loads(without.stdout)["findings"] if f["code"].startswith("JX1")]
    unknown = jixiao("review", str(SEED), "--select", "JX9")
    assert unknown.returncode == 1
    assert "unknown rule code or prefix 'JX9'" in unknown.stderr


def test_config_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "jixiao.toml").write_text(
        '[review]\nignore = ["JX2", "JX6"]\n[review.rules.JX101]\nseverity = "warning"\n',
        encoding="utf-8",
    )
    result = jixiao("review", str(SEED), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "JX101" in codes
    assert not {c for c in codes if c.startswith(("JX2", "JX6"))}
    (tmp_path / "bad.toml").write_text("[review.rules.JX101]\nlevel = 1\n", encoding="utf-8")
    bad = jixiao("review", str(SEED), "--config", str(tmp_path / "bad.toml"))
    assert bad.returncode == 1
    assert "bad.toml: review.rules.JX101.level: unknown parameter" in bad.stderr


def test_clean_variant_passes(tmp_path: Path) -> None:
    result = jixiao("review", str(SEED_LAYOUT / "effects_and_costs_2025.txt"), "--json")
    data = json.loads(result.stdout)
    assert not [f for f in data["findings"] if f["code"] == "JX101"]


def test_review_a_database(svc: Services, db_url: str) -> None:
    tables.import_document(svc.uow(), SYSTEM, read_path(SEED))
    result = jixiao("review", db_url, "--json", "--year", "2023")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert len(data["grades"]) == 9
    assert sum(1 for f in data["findings"] if f["code"] == "JX101") == 8
    none = json.loads(jixiao("review", db_url, "--json", "--year", "2019").stdout)
    assert none == {"findings": [], "grades": []}


def test_not_a_table_is_a_clear_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("今天天气很好\n", encoding="utf-8")
    result = jixiao("review", str(notes))
    assert result.returncode == 1
    assert "notes.txt 第 1 页 第 1 行" in result.stderr
    assert "Traceback" not in result.stderr


def test_rule_docs_are_current() -> None:
    pages = render_all()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert on_disk == pages, "run: jixiao rules --write-docs docs/rules"


def test_rules_lists_every_rule() -> None:
    result = jixiao("rules")
    assert result.returncode == 0
    for code in ("JX101", "JX301", "JX603"):
        assert code in result.stdout
