"""Variants of the seed's layout, each with a hand-written expected ``jixiao/1`` document.

See tests/fixtures/seed_layout/README.md for what each case exercises.  The expected files
leave out provenance (``source``/``location``); value objects are compared on the keys the
expected file gives; warnings are compared as a multiset of codes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from jixiao.ingest import read_path
from jixiao.interchange import dump
from tests.conftest import SEED_LAYOUT

CASES = sorted(p.name.removesuffix(".txt") for p in SEED_LAYOUT.glob("*.txt"))
VALUE_KEYS = {"text", "kind", "op", "value", "unit"}


def _strip(node: Any, expected: Any) -> Any:
    """``node`` without provenance, value objects cut down to the keys ``expected`` has."""
    if isinstance(node, dict):
        keys = node.keys() - {"source", "location"}
        if node.keys() >= VALUE_KEYS and isinstance(expected, dict):
            keys = keys & expected.keys()
        return {
            k: _strip(node[k], expected.get(k) if isinstance(expected, dict) else None)
            for k in keys
        }
    if isinstance(node, list):
        exp = expected if isinstance(expected, list) else []
        return [_strip(x, exp[i] if i < len(exp) else None) for i, x in enumerate(node)]
    return node


@pytest.mark.parametrize("case", CASES)
def test_variant_imports_as_expected(case: str) -> None:
    expected = json.loads((SEED_LAYOUT / f"{case}.expected.json").read_text(encoding="utf-8"))
    got = dump(read_path(SEED_LAYOUT / f"{case}.txt"))
    got_codes = Counter(w["code"] for w in got.pop("warnings"))
    want_codes = Counter(w["code"] for w in expected.pop("warnings"))
    got.pop("source")
    assert _strip(got, expected) == expected
    assert got_codes == want_codes


def test_there_are_at_least_three_variants() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES)
def test_every_value_names_its_line(case: str) -> None:
    path = SEED_LAYOUT / f"{case}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = dump(read_path(path))
    for project in doc["projects"]:
        for indicator in project["indicators"]:
            for period in ("half_year", "full_year", "long_term"):
                value = indicator[period]
                if value is None:
                    continue
                line = lines[value["source"]["line"] - 1]
                assert value["text"] in line, (case, indicator["name"], line)
            name_line = indicator["source"]["line"]
            # A wrapped name starts on the line its provenance names.
            assert lines[name_line - 1].strip() in indicator["name"]


def _warned_lines(path: Path) -> list[int]:
    return [w["location"]["line"] for w in dump(read_path(path))["warnings"]]


def test_cut_off_warning_says_where_it_stopped() -> None:
    path = SEED_LAYOUT / "cut_off.txt"
    total = len(path.read_text(encoding="utf-8").splitlines())
    (line,) = _warned_lines(path)
    assert 1 <= line <= total
