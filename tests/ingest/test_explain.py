"""``jixiao parse --explain``: each row read or skipped names the stage that decided it.

The tables here are small text dumps written for the case (one pipe-separated cell per
column, as the web-page excerpts are), each with a row the importer reads the way a
person fixing the file would want explained.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.ingest import Step, explain_path, read_path
from jixiao.ingest._explain import Stage, explaining, note

TABLE = """\
项目支出绩效目标表
项目名称 | 社区养老服务补助
一级指标 | 二级指标 | 三级指标 | 计算符号 | 指标值 | 度量单位
产出指标 | 数量指标 | 服务老人人数 | ≥ | 1200 | 人
 | 质量指标 | 服务合格率 | ≥ | 95 | %
合计 | | | | |
效益指标 | 社会效益指标 | 老人生活质量 | | 明显提升 |
满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥ | 90 | %
"""


def _write(tmp_path: Path, text: str, name: str = "table.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _at(steps: list[Step], line: int) -> list[Step]:
    return [s for s in steps if s.where is not None and s.where.line == line]


def test_every_row_names_the_stage_that_read_it(tmp_path: Path) -> None:
    doc, steps, refused = explain_path(_write(tmp_path, TABLE))
    assert refused is None and doc is not None
    # The explained reading is the reading: the same document as without --explain.
    assert doc == read_path(tmp_path / "table.txt")
    header = _at(steps, 3)
    assert [s.stage for s in header] == [Stage.COLUMNS]
    assert "“计算符号”→计算符号" in header[0].why
    assert "“三级指标”→三级指标名称" in header[0].why
    # Row 5 prints no level 1: it is carried down from row 4.
    levels = [s for s in _at(steps, 5) if s.stage is Stage.LEVELS]
    assert len(levels) == 1 and "一级“产出指标”" in levels[0].decision
    # The separate operator and unit cells were joined into the target.
    values = [s for s in _at(steps, 5) if s.stage is Stage.VALUES]
    assert values and "≥95%" in values[0].decision and "“≥”" in values[0].why
    # The total row is skipped, and the step says so.
    total = _at(steps, 6)
    assert [s.stage for s in total] == [Stage.ROWS]
    assert total[0].decision == "合计行，不是指标"
    # The indicators read, one step each, in file order.
    read = [s.decision for s in steps if s.stage is Stage.ROWS and s.decision.startswith("指标")]
    assert read == [
        "指标“服务老人人数”",
        "指标“服务合格率”",
        "指标“老人生活质量”",
        "指标“老人满意度”",
    ]
    assert [len(p.indicators) for p in doc.projects] == [4]


def test_a_misread_row_shows_where_it_was_decided(tmp_path: Path) -> None:
    # A note under the table spread over all columns: not an indicator, and --explain says
    # which stage dropped it and why (the same words as the warning).
    text = TABLE + "注：本表指标值由主管部门核定，单位：人、% | | | | |\n"
    doc, steps, _ = explain_path(_write(tmp_path, text))
    assert doc is not None
    dropped = [s for s in _at(steps, 9) if s.stage is Stage.ROWS]
    assert dropped and dropped[0].decision == "未导入"
    assert "说明" in dropped[0].why
    assert any(w.code == "ingest.unused-text" for w in doc.warnings)


def test_a_refused_file_says_why(tmp_path: Path) -> None:
    doc, steps, refused = explain_path(_write(tmp_path, "会议纪要\n今天天气很好。\n"))
    assert doc is None and refused is not None
    assert [s.stage for s in steps] == [Stage.FORMAT, Stage.FORMAT]
    assert "没有版式吻合" in steps[-1].why
    assert str(refused).startswith(str(tmp_path / "table.txt"))


def test_without_a_trace_nothing_is_collected() -> None:
    note(Stage.ROWS, None, "x")  # no trace active: nothing happens, nothing is kept
    with explaining() as outer:
        note(Stage.ROWS, None, "a")
        with explaining() as inner:
            note(Stage.ROWS, None, "b")
        note(Stage.ROWS, None, "c")
    assert [s.decision for s in outer] == ["a", "c"]
    assert [s.decision for s in inner] == ["b"]


@pytest.mark.parametrize("refuse", [False, True])
def test_cli_prints_the_trace(tmp_path: Path, refuse: bool) -> None:
    path = _write(tmp_path, "会议纪要\n今天天气很好。\n" if refuse else TABLE)
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "parse", str(path), "--explain"],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert "Traceback" not in done.stderr
    assert "table.txt：导入过程" in done.stdout
    assert "[选择读取方式]" in done.stdout
    if refuse:
        assert done.returncode == 1
        assert "未导入" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert "第 6 行  [逐行读取] 合计行，不是指标" in done.stdout
        assert "共 1 个项目、4 个指标" in done.stdout


def test_explain_reads_in_the_limited_child_process(tmp_path: Path) -> None:
    """``parse --explain`` reads the file in the child process with the parse limits (the
    same trace as in-process); a wall-clock limit no child can meet refuses it, which a
    reading in the command's own process would never do."""
    from jixiao.ingest import explain_path
    from jixiao.ingest.isolation import ProcessLimits, explain_path_isolated

    path = _write(tmp_path, TABLE)
    doc, steps, refused = explain_path_isolated(path, name="table.txt")
    here, here_steps, here_refused = explain_path(path, name="table.txt")
    assert refused is None and here_refused is None
    assert doc == here
    assert steps == here_steps and steps
    _, _, refused = explain_path_isolated(_write(tmp_path, "会议纪要\n今天天气很好。\n"))
    assert refused is not None and "table.txt" in str(refused)
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "parse", str(path), "--explain"],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "JIXIAO_PARSE_SECONDS": "0.001"},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "时间上限" in done.stderr and str(path) in done.stderr
    assert ProcessLimits.in_force().wall_seconds == 90  # this process's settings untouched
