"""No input makes the reader crash: it returns a document (with warnings) or an
IngestError that names the file."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.domain.model import Document
from jixiao.ingest import IngestError, read_bytes
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.splitlines()


def _read(text: str | bytes, name: str = "input.txt") -> Document | IngestError:
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return read_bytes(data, name)
    except IngestError as exc:
        error = exc
    assert str(error).startswith(name)
    return error


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_reads_or_fails_cleanly(text: str) -> None:
    _read(text)


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_any_bytes_read_or_fail_cleanly(data: bytes) -> None:
    _read(data, "blob.bin")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SEED_LINES), max_size=120))
def test_seed_lines_in_any_order_read_or_fail_cleanly(lines: list[str]) -> None:
    _read("\n".join(lines))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_seed_with_lines_dropped_or_garbled(data: st.DataObject) -> None:
    lines = list(SEED_LINES)
    for _ in range(data.draw(st.integers(0, 12))):
        k = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "garble", "duplicate"]))
        if action == "drop":
            del lines[k]
        elif action == "garble":
            lines[k] = data.draw(st.text(max_size=20))
        else:
            lines.insert(k, lines[k])
    _read("\n".join(lines))


@pytest.mark.parametrize("cut", range(1, len(SEED_LINES), 3))
def test_seed_cut_anywhere_keeps_what_is_complete(cut: int) -> None:
    text = "\n".join(SEED_LINES[:cut]) + "\n"
    result = _read(text, "cut.txt")
    if isinstance(result, IngestError):
        # Only a cut before any table header may be refused outright.
        assert cut < 15, result
        return
    full = read_bytes(SEED_TEXT.encode(), "seed.txt")
    # Whatever was imported is a prefix of the real thing, never invented.
    got_goals = [(g.work, g.goal) for o in result.overall_targets for g in o.goals]
    all_goals = [(g.work, g.goal) for o in full.overall_targets for g in o.goals]
    for work, goal in got_goals:
        assert work in [w for w, _ in all_goals]
        assert any(goal == g or g.startswith(goal) for _, g in all_goals)
    for project in result.projects:
        real = {p.name: p for p in full.projects}.get(project.name)
        if real is None:
            continue
        real_rows = {(i.level2, i.name) for i in real.indicators}
        for indicator in project.indicators:
            assert (indicator.level2, indicator.name) in real_rows or indicator.name == ""


def test_cut_inside_a_project_page_warns_truncated() -> None:
    end = SEED_LINES.index("履职代表满意度") + 1  # second project, before its output names
    doc = read_bytes("\n".join(SEED_LINES[:end]).encode(), "cut.txt")
    assert [p.name for p in doc.projects] == ["人大代表履职培训费", "代表活动经费"]
    assert len(doc.projects[1].indicators) == 1
    (warning,) = [w for w in doc.warnings if w.code == "ingest.truncated"]
    assert warning.location is not None and warning.location.file == "cut.txt"


def test_cut_inside_the_overall_table_warns_truncated() -> None:
    end = SEED_LINES.index("依法确定年度发展目标") + 1
    doc = read_bytes("\n".join(SEED_LINES[:end]).encode(), "cut.txt")
    assert len(doc.overall_targets[0].goals) == 2
    codes = [w.code for w in doc.warnings]
    assert codes == ["ingest.truncated"]
    assert doc.warnings[0].location is not None
    assert doc.warnings[0].location.line == end


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"\n\n   \n", "文件是空的"),
        (b"\x00\x01\x02binary\x00", "二进制文件"),
        (b"%PDF-1.7\n...", "文件不完整"),
        (b"PK\x03\x04zip", "既不是 XLSX 工作簿也不是 DOCX 文档"),
        ("会议纪要\n\n今天天气很好。\n".encode(), "不是绩效目标表"),
        (b'{"format": "jixiao/1"', "不是有效的 JSON"),
        (b'{"format": "other"}', "不是有效的 jixiao/1 文档"),
    ],
)
def test_unreadable_input_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        read_bytes(data, "upload.dat")
    assert str(caught.value).startswith("upload.dat")


def test_not_a_table_names_the_line() -> None:
    with pytest.raises(IngestError) as caught:
        read_bytes("\n\n会议纪要\n\n今天天气很好。\n".encode(), "notes.txt")
    assert caught.value.line == 3
    assert "notes.txt 第 1 页 第 3 行" in str(caught.value)


def test_gb18030_text_is_read() -> None:
    doc = read_bytes(SEED_TEXT.encode("gb18030"), "gbk.txt")
    assert doc.indicator_count == 32
    assert doc.warnings == ()


def test_crlf_and_form_feeds_are_read() -> None:
    pages = SEED_TEXT.split("\n\n\n\n")
    text = "\f".join(pages).replace("\n", "\r\n")
    doc = read_bytes(text.encode(), "crlf.txt")
    assert doc.indicator_count == 32
    assert doc.goal_count == 13
    assert doc.warnings == ()


def test_shuffled_projects_still_import() -> None:
    pages = SEED_TEXT.split("\n\n\n\n")
    projects = pages[1:]
    random.Random(7).shuffle(projects)
    doc = read_bytes("\n\n\n\n".join([pages[0], *projects]).encode(), "shuffled.txt")
    assert sorted(p.name for p in doc.projects) == sorted(
        p.name for p in read_bytes(SEED_TEXT.encode(), "s.txt").projects
    )
    assert doc.warnings == ()


def test_a_bare_sequence_number_block_starts_a_function() -> None:
    lines = SEED_LINES[: SEED_LINES.index("依法确定年度发展目标") + 5]
    k = lines.index("2 领导或者主持本级人民代表大会的选举")
    lines[k : k + 1] = ["2", "", "领导或者主持本级人民代表大会的选举"]
    doc = read_bytes("\n".join(lines).encode(), "split.txt")
    goals = doc.overall_targets[0].goals
    assert [(g.seq, g.function) for g in goals][1] == ("2", "领导或者主持本级人民代表大会的选举")
    assert len(goals) == 3


def test_a_bare_number_target_on_its_own_is_read() -> None:
    lines = list(SEED_LINES)
    k = lines.index("推动法律法规落到实处 2次")
    lines[k : k + 1] = ["推动法律法规落到实处", "", "2"]
    doc = read_bytes("\n".join(lines).encode(), "bare.txt")
    target = doc.overall_targets[0].goals[0].target
    assert target is not None and (target.value, target.unit) == (2, "")
    assert doc.goal_count == 13


def test_a_name_that_starts_like_a_field_stays_a_name() -> None:
    text = SEED_TEXT.replace("人大代表履职培训情况", "财政拨款到位率", 1)
    doc = read_bytes(text.encode(), "name.txt")
    assert doc.projects[0].indicators[0].name == "财政拨款到位率"
    assert doc.projects[0].funds is None
    assert doc.warnings == ()


def test_two_project_names_on_one_page_are_reported() -> None:
    text = SEED_TEXT.replace("开始时间 2022年", "开始时间 2022年\n\n项目名称 另一个项目", 1)
    doc = read_bytes(text.encode(), "two.txt")
    assert doc.projects[0].name == "人大代表履职培训费"
    assert [w.code for w in doc.warnings] == ["ingest.ambiguous-rows"]


def test_unit_from_a_title_without_year() -> None:
    text = SEED_TEXT.replace(
        "无锡市人民代表大会常务委员会办公室2023年部门单位整体支出预算绩效目标表",
        "扬州市财政局部门单位整体支出预算绩效目标表",
    )
    doc = read_bytes(text.encode(), "noyear.txt")
    assert doc.overall_targets[0].unit == "扬州市财政局"
