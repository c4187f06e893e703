"""Lists as files (``exports.rows_file``): what the CSV and the workbook hold is the rows
given, whatever the title (a sheet's name cannot hold ``/`` or ``:``)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from jixiao.services import Invalid, exports

HEADER = ("编号", "项目", "得分")
ROWS = [[1, "人大代表履职培训费", 92.5], [2, "12345热线/网络问政：回复率[年度]", ""]]


def test_a_workbook_holds_the_rows_under_a_sheet_name_excel_accepts() -> None:
    title = "无锡市人大常委会2025年度12345热线/网络问政：回复率[年度]*?问题与预警"
    found = exports.rows_file(title, HEADER, ROWS, "xlsx")
    assert found.name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(found.data))
    (sheet,) = book.worksheets
    assert len(sheet.title) <= 31 and not set(sheet.title) & set("\\*?:/[]")
    assert sheet.title.startswith("无锡市人大常委会2025年度12345热线_网络问政")
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [list(HEADER), [1, ROWS[0][1], 92.5], [2, ROWS[1][1], None]]


def test_a_csv_holds_the_rows_with_a_bom() -> None:
    found = exports.rows_file("清单", HEADER, ROWS, "csv")
    assert found.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(found.data.decode("utf-8-sig"))))
    assert rows == [list(HEADER), ["1", ROWS[0][1], "92.5"], ["2", ROWS[1][1], ""]]


def test_other_formats_are_refused() -> None:
    with pytest.raises(Invalid, match="csv 和 xlsx"):
        exports.rows_file("清单", HEADER, ROWS, "pdf")
