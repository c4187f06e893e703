"""Sheet titles: Excel's rules (31 characters, no []:*?/\\, unique without case), kept."""

from __future__ import annotations

import re
import unicodedata
import warnings

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jixiao.domain.actuals import ProjectActuals
from jixiao.domain.model import Period, Project
from jixiao.domain.scoring import IndicatorScore, ProjectScore
from jixiao.domain.workflow import Grade
from jixiao.export import self_evaluation_workbook, sheet_titles

FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cleaned(text: str) -> str:
    """The text a cell holds: control characters dropped, line ends as \\n."""
    return CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def key(title: str) -> str:
    return unicodedata.normalize("NFKC", title).casefold()


def assert_valid(titles: list[str], reserved: tuple[str, ...] = ()) -> None:
    for title in titles:
        assert title, titles
        assert units(title) <= 31, title
        assert not FORBIDDEN.search(title), title
        assert not CONTROL.search(title), title
        assert not title.startswith("'") and not title.endswith("'"), title
        assert title == title.strip(), title
        assert key(title) != "history"
    keys = [key(t) for t in titles] + [key(r) for r in reserved]
    assert len(set(keys)) == len(keys), titles


def test_forbidden_characters_are_replaced() -> None:
    assert sheet_titles(["经费[2023]: 培训/会议*?\\"]) == ["经费_2023__ 培训_会议___"]


def test_long_names_are_cut_to_31() -> None:
    name = "关于" + "人大代表履职培训" * 6
    (title,) = sheet_titles([name])
    assert title == name[:31]
    assert len(title) == 31


def test_duplicates_are_numbered_within_31() -> None:
    long = "甲" * 40
    titles = sheet_titles(["汇总", "培训费", "培训费", "培训费", long, long], reserved=["汇总"])
    assert titles == [
        "汇总 (2)",
        "培训费",
        "培训费 (2)",
        "培训费 (3)",
        "甲" * 31,
        "甲" * 27 + " (2)",
    ]


def test_case_does_not_make_names_distinct() -> None:
    assert sheet_titles(["Project", "PROJECT"]) == ["Project", "PROJECT (2)"]


def test_empty_quoted_and_reserved_names() -> None:
    assert sheet_titles(["", "  ", "'引号'", "History"]) == ["项目", "项目 (2)", "引号", "History_"]


def test_astral_characters_count_twice() -> None:
    (title,) = sheet_titles(["𠀀" * 20])  # CJK Extension B: two UTF-16 units each
    assert title == "𠀀" * 15


def test_valid_unique_names_are_kept() -> None:
    names = ["人大代表履职培训费", "代表活动经费", "《人大之声》制作经费"]
    assert sheet_titles(names) == names


nasty = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("[]:*?/\\' \t\n\x00\x07=")),
        st.sampled_from(list("人大代表经费项目ＡａAa")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=45,
)


@st.composite
def name_lists(draw: st.DrawFn) -> list[str]:
    names = draw(st.lists(nasty, max_size=8))
    repeats = draw(st.lists(st.sampled_from(names), max_size=4)) if names else []
    order = draw(st.permutations(names + repeats))
    return list(order)


@given(names=name_lists(), reserved=st.lists(st.sampled_from(["汇总", "部门整体"]), unique=True))
@settings(max_examples=300)
def test_titles_are_valid_and_unique(names: list[str], reserved: list[str]) -> None:
    titles = sheet_titles(names, reserved)
    assert len(titles) == len(names)
    assert_valid(titles, tuple(reserved))
    assert sheet_titles(names, reserved) == titles  # deterministic


def _item(name: str) -> tuple[Project, ProjectActuals, ProjectScore]:
    indicator = IndicatorScore(
        name="指标",
        level1="产出指标",
        level2="数量指标",
        target="=1次",  # text starting with '=' must stay text
        actual="1次",
        weight=90.0,
        score=90.0,
        ratio=1.0,
        rule="",
        reason_needed=False,
        missing_reason=False,
        applicable=True,
    )
    score = ProjectScore(
        name=name,
        budget_score=10.0,
        execution_rate=1.0,
        execution_reason_needed=False,
        indicators=(indicator,),
        total=100.0,
        grade=Grade.EXCELLENT,
        problems=(),
        budget_weight=10.0,
    )
    return Project(name=name), ProjectActuals(name, Period.FULL_YEAR, 1.0, 1.0), score


@given(names=name_lists())
@example(names=["a\r\nb\rc", "  ", "=SUM(1,2)", "'引号'", "x\u2028y", "", "汇总"])
@settings(max_examples=25, deadline=None)
def test_workbook_sheets_carry_the_titles(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    items = [_item(name) for name in names]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about titles over 31 characters
        data = self_evaluation_workbook(items, fiscal_year=2023)
    path = tmp_path_factory.mktemp("titles") / "t.xlsx"
    path.write_bytes(data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", *sheet_titles(names, ["汇总"])]
    summary = wb["汇总"]
    for row, (name, title) in enumerate(zip(names, wb.sheetnames[1:], strict=True), start=3):
        assert (summary.cell(row, 1).value or "") == cleaned(name)
        link = summary.cell(row, 1).hyperlink
        if not CONTROL.sub("", name):
            assert link is None  # nothing to click on
        else:
            assert link is not None
            assert link.location == "'" + title.replace("'", "''") + "'!A1"
        ws = wb[title]
        assert ws["B2"].value == (cleaned(name) or None)
        assert ws["H9"].value == 90  # the score cell is where the layout says
        assert ws["E9"].value == "=1次" and ws["E9"].data_type == "s"
