"""Why the importer read a file the way it did: a trace of the interpreter's decisions.

The interpreter runs as a pipeline of stages (:class:`Stage`): the reader chosen for the
file, the table found, the columns given their roles, each row read or skipped, levels
carried down, values joined, projects and units split.  At each decision a stage calls
:func:`note` with the place in the file, what it decided and why.  Nothing is recorded
unless someone asks: :func:`explaining` collects the steps of the reading done inside it
(``jixiao parse FILE --explain`` prints them), so a person fixing a misread file sees which
stage decided each row and on what grounds.

Messages are for a person reading the trace and are in Chinese, as the interface is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum

from jixiao.domain.provenance import Provenance

__all__ = ["Stage", "Step", "active", "adopt", "explaining", "note"]


class Stage(Enum):
    """The stages of the interpreter, in the order they act on a file."""

    FORMAT = "format"  # which reader and text layout read the file
    TABLE = "table"  # titles, field rows, where a table starts, continues or ends
    COLUMNS = "columns"  # the header: each column's role
    ROWS = "rows"  # each data row: read as an indicator or goal, or skipped
    LEVELS = "levels"  # level 1 / level 2 labels carried down or inferred
    VALUES = "values"  # operator, value and unit joined into targets
    PROJECTS = "projects"  # tables split into projects and units, rows dropped at the end

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Stage.FORMAT: "选择读取方式",
    Stage.TABLE: "找表",
    Stage.COLUMNS: "列的角色",
    Stage.ROWS: "逐行读取",
    Stage.LEVELS: "层级下传",
    Stage.VALUES: "合成指标值",
    Stage.PROJECTS: "拆分项目",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One decision: the stage that took it, where in the file, what and why."""

    stage: Stage
    where: Provenance | None
    decision: str
    why: str = ""


_trace: ContextVar[list[Step] | None] = ContextVar("jixiao_ingest_explain", default=None)


def active() -> bool:
    """Whether a trace is being collected (to skip building costly messages)."""
    return _trace.get() is not None


def note(stage: Stage, where: Provenance | None, decision: str, why: str = "") -> None:
    """Record a decision when a trace is being collected; otherwise do nothing."""
    steps = _trace.get()
    if steps is not None:
        steps.append(Step(stage, where, decision, why))


def adopt(steps: list[Step]) -> None:
    """Add steps collected apart (a reading that won among several) to the trace."""
    outer = _trace.get()
    if outer is not None:
        outer.extend(steps)


@contextmanager
def explaining() -> Iterator[list[Step]]:
    """Collect the steps of every reading done inside the block, in order."""
    steps: list[Step] = []
    token = _trace.set(steps)
    try:
        yield steps
    finally:
        _trace.reset(token)
