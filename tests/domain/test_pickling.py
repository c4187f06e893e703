"""The domain's dataclasses pickle by their fields (bulk loads send them to worker
processes): what comes back is equal, of the same types, and keeps the fields that
equality ignores (where each value came from)."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao import synth
from jixiao.domain._pickling import by_fields
from jixiao.domain.oversight import table_facts
from jixiao.domain.provenance import Provenance
from jixiao.domain.values import parse_value


def _same(a: Any, b: Any) -> None:
    """Equal field by field, compare=False fields and types included."""
    assert type(a) is type(b)
    if isinstance(a, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif hasattr(a, "__dataclass_fields__"):
        for f in fields(a):
            _same(getattr(a, f.name), getattr(b, f.name))
    else:
        assert a == b or (a != a and b != b)  # (NaN)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=12),
    st.one_of(st.none(), st.builds(Provenance, st.text(max_size=5), st.integers(1, 9))),
)
def test_a_value_comes_back_with_its_source(text: str, source: Provenance | None) -> None:
    value = parse_value(text)
    value = replace(value, source=source)
    _same(pickle.loads(pickle.dumps(value)), value)


def test_tables_actuals_and_facts_come_back_whole() -> None:
    records = list(synth.records(synth.SynthConfig(units=3, projects_per_unit=4, seed=3)))
    assert records
    located = Provenance("省财政厅.pdf", page=3, line=14)
    for r in records:
        project = replace(r.project, source=located)
        project = replace(
            project,
            indicators=tuple(
                replace(i, source=Provenance("省财政厅.pdf", page=3, line=20 + k))
                for k, i in enumerate(project.indicators)
            ),
        )
        facts = table_facts(project, half=r.checkpoint, full=r.year_end)
        for thing in (project, r.checkpoint, r.year_end, facts):
            _same(pickle.loads(pickle.dumps(thing)), thing)


def test_only_positional_dataclasses_can_pickle_by_fields() -> None:
    @dataclass(frozen=True)
    class Later:
        a: int
        b: int = field(init=False, default=0)

    with pytest.raises(TypeError, match="positional"):
        by_fields(Later)
