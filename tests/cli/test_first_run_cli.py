"""The CLI as a first-time user reads it (issue 22): places with their page, the table view
with what the file reports, help texts as written, in-process (Typer's CliRunner)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app

REPO = Path(__file__).resolve().parents[2]
SEED_PDF = REPO / "tests" / "fixtures" / "pdf" / "seed.pdf"
SELF_EVALUATION = REPO / "tests" / "corpus" / "hb-self-eval" / "hb-self-eval.html"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    return result.exit_code, result.output


def test_review_of_a_pdf_names_the_page_of_each_finding() -> None:
    code, out = run("review", str(SEED_PDF))
    assert code == 1  # JX101 errors
    places = re.findall(r"^  (第 \d+ 页 第 \d+ 行)：JX\d{3} ", out, re.M)
    assert places, out
    lines = re.findall(r"^  .*?JX\d{3} (?:错误|警告|提示) ", out, re.M)
    assert len(places) == len(lines)  # every finding with its page
    assert {p.split(" 第 ")[0] for p in places} >= {"第 1 页", "第 2 页"}
    assert "line " not in out
    # One file: its name is not repeated on every line.
    assert SEED_PDF.name not in out


def test_parse_shows_the_reported_values_beside_the_targets() -> None:
    code, out = run("parse", str(SELF_EVALUATION))
    assert code == 0
    view = out[out.index("职业技能提升行动补贴（2023 年度）") :]
    heads = next(line for line in view.splitlines() if "一级指标" in line)
    assert [h.strip() for h in heads.strip("┃ ").split("┃")] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "全年指标值",
        "实际完成值",
    ]
    row = next(line for line in view.splitlines() if "培训后取证率" in line)
    assert [c.strip() for c in row.strip("│ ").split("│")][-2:] == ["≥80%", "68%"]


def test_parse_of_targets_only_has_no_reported_column() -> None:
    code, out = run("parse", str(SEED_PDF))
    assert code == 0
    assert "实际完成值" not in out and "当前完成值" not in out


def test_config_help_shows_the_table_names() -> None:
    for command, tables in (
        ("evaluate", ["[scoring]", "[monitoring]"]),
        ("monitor", ["[scoring]", "[monitoring]"]),
        ("review", ["[review]"]),
    ):
        code, out = run(command, "--help")
        assert code == 0
        help_text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())
        for table in tables:
            assert table in help_text, (command, table, help_text)
        assert "\\[" not in help_text


def test_help_cites_only_documents_that_exist() -> None:
    for command in ("evaluate", "monitor", "review", "parse", "import", "export"):
        code, out = run(command, "--help")
        assert code == 0, (command, out)
        cited = re.findall(r"[\w./-]+\.md", out)
        for name in cited:
            assert (REPO / name).is_file() or (REPO / "docs" / name).is_file(), (command, name)
    assert "docs/scoring.md" in run("evaluate", "--help")[1]
