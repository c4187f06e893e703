"""An in-memory unit of work for service tests that need no SQL (the fake repository and
unit of work of *Architecture Patterns with Python*, ch. 5–6).

:class:`FakeUnitOfWork` has what the use cases use of :class:`~jixiao.services.uow.UnitOfWork`:
``tables`` (a :class:`FakeTables` over rows built in memory, no database), ``audit``
(entries kept in a list), ``commit`` (a flag) and a ``session`` that keeps what is added
and refuses any query: a use case that needs SQL fails loudly, and is tested on SQLite
and PostgreSQL instead (tests/conftest.py ``svc``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from jixiao.domain.model import OverallTargets, Project
from jixiao.services.errors import NotFound
from jixiao.store.models import DepartmentRow, TargetTableRow, UnitRow
from jixiao.store.tables import OVERALL, PROJECT, goal_row, indicator_row


class FakeTables:
    """:class:`jixiao.store.tables.TableRepository` over a dict of rows."""

    def __init__(self, rows: Iterable[TargetTableRow] = ()) -> None:
        self.rows = {row.id: row for row in rows}
        self.locked: list[int] = []

    def get(self, table_id: int, *, lock: bool = False) -> TargetTableRow:
        row = self.rows.get(table_id)
        if row is None:
            raise NotFound(f"绩效目标表 {table_id} 不存在")
        if lock:
            self.locked.append(table_id)
        return row

    def lock(self, table_id: int) -> TargetTableRow:
        return self.get(table_id, lock=True)

    def by_ids(self, table_ids: Iterable[int], *, with_rows: bool = False) -> list[TargetTableRow]:
        return [self.rows[i] for i in table_ids if i in self.rows]

    def filter(self, *where: Any, with_rows: bool = False) -> list[TargetTableRow]:
        raise AssertionError("tables.filter takes SQL conditions: test this on a database")


class FakeSession:
    """Keeps what a use case adds; any query is refused (it needs SQL)."""

    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, obj: Any) -> None:
        self.added.append(obj)

    def flush(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"session.{name}: this use case needs SQL, test it on a database")


@dataclass(frozen=True)
class Entry:
    """An audit entry as the use case wrote it (the hash chain is the store's business)."""

    actor: str
    action: str
    entity: str
    entity_id: str
    table_id: int | None
    before: Any
    after: Any


class FakeUnitOfWork:
    """``with uow: …; uow.commit()`` in memory: ``committed`` says whether the use case
    committed; ``entries`` are the audit entries of committed work."""

    def __init__(self, rows: Iterable[TargetTableRow] = ()) -> None:
        self.tables = FakeTables(rows)
        self.session = FakeSession()
        self.committed = False
        self.entries: list[Entry] = []
        self._pending: list[Entry] = []

    def __enter__(self) -> FakeUnitOfWork:
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pending = []  # rolled back unless committed

    def commit(self) -> None:
        self.committed = True
        self.entries += self._pending
        self._pending = []

    def audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: object,
        *,
        table_id: int | None = None,
        before: Any = None,
        after: Any = None,
    ) -> Entry:
        entry = Entry(actor, action, entity, str(entity_id), table_id, before, after)
        self._pending.append(entry)
        return entry


def table_row(
    table_id: int, table: Project | OverallTargets, *, unit_department: str | None = None
) -> TargetTableRow:
    """A stored table built in memory from the domain (through the store's one mapper):
    a draft of version 1, its unit in ``unit_department`` (default: the department the
    table prints)."""
    department = unit_department or table.department
    unit = UnitRow(
        name=table.unit or "",
        department=DepartmentRow(name=department) if department else None,
    )
    row = TargetTableRow(
        id=table_id,
        kind=PROJECT if isinstance(table, Project) else OVERALL,
        name=table.name if isinstance(table, Project) else table.unit,
        unit=unit,
        department=table.department,
        fiscal_year=table.fiscal_year,
        status="draft",
        version=1,
        lock=1,
        annual_goal="",
        long_term_goal="",
        funds_unit="万元",
    )
    if isinstance(table, Project):
        row.start_year, row.end_year = table.start_year, table.end_year
        row.indicators = [indicator_row(k, i) for k, i in enumerate(table.indicators)]
    else:
        row.goals = [goal_row(k, g) for k, g in enumerate(table.goals)]
    return row
