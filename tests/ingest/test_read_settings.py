"""The interpreter's tolerances are one settings object passed through the stages: the
defaults read what every corpus is measured with, other settings change the reading."""

from __future__ import annotations

import dataclasses

import pytest

from jixiao.domain.provenance import Provenance
from jixiao.ingest._grid import Grid, GridCell
from jixiao.ingest._read import DEFAULT_SETTINGS, ReadSettings, read_grids

FILE = "dump.txt"


def ragged_grid() -> Grid:
    rows = [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    cells = tuple(
        GridCell(text, r, c, 1, 1, Provenance(file=FILE, line=r + 1))
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )
    return Grid(cells, ragged=True)


def targets(settings: ReadSettings) -> list[str]:
    doc = read_grids([ragged_grid()], file=FILE, sha256="0" * 64, layout="test", settings=settings)
    return [i.full_year.text for p in doc.projects for i in p.indicators if i.full_year]


def test_the_default_settings_read_the_row() -> None:
    assert targets(DEFAULT_SETTINGS) == ["≥100人次"]


def test_a_ragged_row_is_aligned_only_up_to_max_row_cells() -> None:
    assert targets(ReadSettings(max_row_cells=3)) == []


def test_the_settings_are_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_SETTINGS.max_span = 1  # type: ignore[misc]
    assert hash(ReadSettings()) == hash(DEFAULT_SETTINGS)
