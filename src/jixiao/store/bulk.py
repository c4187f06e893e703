"""Bulk loading: many rows into the store's tables at once, by ``COPY … FROM STDIN`` on
PostgreSQL and by executemany on SQLite (for synthetic data sets and large imports).

Rows are tuples in the order of :data:`COLUMNS`; ids are handed out by the loader (from
the table's largest id) so that children can name their parents before anything is
written, and the id sequences are moved past them at the end.  Everything happens on the
caller's connection, in the caller's transaction.

A load into an empty store on PostgreSQL drops the foreign keys of the tables it writes
and adds them back in :meth:`Loader.finish`, as PostgreSQL's advice on populating a
database has it: adding a foreign key checks every row in one join, where COPY into a
table with the key fires a check per row (the province data set: 64 s of COPY with the
keys, 33 s without them and adding them back). It happens in the caller's transaction,
so a load that fails rolls back with every key in place, and a key that the rows break
fails the load. Dropping a key locks its tables until the commit, which is why it is
done only when no table is stored yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

__all__ = ["COLUMNS", "ForeignKey", "Loader", "add_foreign_keys", "drop_foreign_keys", "dumps"]

#: The columns the loader writes, per table: every NOT NULL column (the models' defaults
#: are applied by the ORM, not by the database, so the loader gives them).
COLUMNS: dict[str, tuple[str, ...]] = {
    "department": ("id", "name"),
    "unit": ("id", "name", "department_id"),
    "target_table": (
        "id",
        "kind",
        "unit_id",
        "fiscal_year",
        "name",
        "department",
        "start_year",
        "end_year",
        "funds_total",
        "funds_fiscal",
        "funds_carryover",
        "funds_other",
        "funds_unit",
        "annual_goal",
        "long_term_goal",
        "status",
        "version",
        "lock",
        "created_at",
        "updated_at",
    ),
    "indicator": (
        "id",
        "table_id",
        "position",
        "level1",
        "level2",
        "name",
        "level1_label",
        "level2_label",
        "half_year",
        "full_year",
        "long_term",
        "weight",
        "direction",
        "nature",
        "basis",
        "explanation",
        "standard",
        "remark",
        "lock",
    ),
    "actual_report": (
        "id",
        "table_id",
        "period",
        "month",
        "budget_initial",
        "budget",
        "executed",
        "money_unit",
        "execution_reason",
        "updated_by",
        "updated_at",
        "lock",
    ),
    "actual_item": (
        "id",
        "report_id",
        "indicator_id",
        "value",
        "forecast",
        "likelihood",
        "deviation_category",
        "deviation",
        "measures",
        "not_applicable",
    ),
    "table_fact": (
        "table_id",
        "fiscal_year",
        "kind",
        "status",
        "unit_id",
        "department_id",
        "size_class",
        "funds",
        "indicators",
        "review_grade",
        "findings",
        "review_errors",
        "month",
        "half_budget",
        "half_executed",
        "half_rate",
        "time_adjusted",
        "execution_light",
        "red",
        "yellow",
        "green",
        "unjudged",
        "budget",
        "executed",
        "execution_rate",
        "score",
        "grade",
        "shortfalls",
        "warnings",
        "computed_at",
    ),
    "table_finding": (
        "id",
        "table_id",
        "fiscal_year",
        "kind",
        "unit_id",
        "department_id",
        "first",
        "source",
        "code",
        "severity",
        "position",
        "indicator",
        "message",
    ),
}

#: Tables whose ``id`` the loader hands out (table_fact is keyed by its table).
_WITH_IDS = tuple(name for name, cols in COLUMNS.items() if cols[0] == "id")
#: Parents before children (the order rows are written in).
_ORDER = (
    "department",
    "unit",
    "target_table",
    "indicator",
    "actual_report",
    "actual_item",
    "table_fact",
    "table_finding",
)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: str
    name: str
    definition: str  # as pg_get_constraintdef gives it


def drop_foreign_keys(connection: Connection, tables: Sequence[str]) -> list[ForeignKey]:
    """Drop the foreign keys of these tables (PostgreSQL); what :func:`add_foreign_keys`
    needs to put them back."""
    keys = [
        ForeignKey(str(table), str(name), str(definition))
        for table, name, definition in connection.execute(
            text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY conname"
            ),
            {"tables": list(tables)},
        )
    ]
    for key in keys:
        connection.execute(text(f'ALTER TABLE {key.table} DROP CONSTRAINT "{key.name}"'))
    return keys


def add_foreign_keys(connection: Connection, keys: Sequence[ForeignKey]) -> None:
    """Add the keys back; each checks every row of its table (IntegrityError if one
    breaks it)."""
    for key in keys:
        connection.execute(
            text(f'ALTER TABLE {key.table} ADD CONSTRAINT "{key.name}" {key.definition}')
        )


def dumps(value: Any) -> str | None:
    """A JSON column's value as the loader writes it (None stays NULL)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Loader:
    """Rows gathered per table and written in batches: ``add``, then ``finish``.

    ``next_id(table)`` reserves the next id of a table.  ``written`` counts the rows
    written per table.
    """

    def __init__(
        self, connection: Connection, *, batch: int = 20_000, defer_keys: bool | None = None
    ) -> None:
        """``defer_keys`` drops the foreign keys until :meth:`finish` (PostgreSQL only);
        None does it when the store holds no target table yet."""
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.batch = batch
        self.rows: dict[str, list[Sequence[Any]]] = {name: [] for name in _ORDER}
        self.written: dict[str, int] = dict.fromkeys(_ORDER, 0)
        self._ids = {
            name: int(
                connection.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {name}")).scalar_one()
            )
            for name in _WITH_IDS
        }
        self._pending = 0
        if defer_keys is None:
            defer_keys = self._ids["target_table"] == 0
        self._keys: list[ForeignKey] = []  # dropped for the load
        if self.postgres and defer_keys:
            self._keys = drop_foreign_keys(connection, _ORDER)

    def next_id(self, table: str) -> int:
        self._ids[table] += 1
        return self._ids[table]

    def add(self, table: str, row: Sequence[Any]) -> None:
        self.rows[table].append(row)
        self._pending += 1
        if self._pending >= self.batch:
            self.flush()

    def add_many(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.add(table, row)

    def flush(self) -> None:
        """Write what was gathered, parents first."""
        for name in _ORDER:
            rows = self.rows[name]
            if rows:
                self._write(name, rows)
                self.written[name] += len(rows)
                self.rows[name] = []
        self._pending = 0

    def finish(self) -> dict[str, int]:
        """Write the rest, move the id sequences (PostgreSQL) past the ids handed out and
        refresh the planner's statistics of the tables written; the rows per table.
        Foreign keys dropped for the load are added back (and checked) first."""
        self.flush()
        add_foreign_keys(self.connection, self._keys)
        self._keys = []
        if self.postgres:
            for name in _ORDER:
                if self.written[name]:
                    self.connection.execute(text(f"ANALYZE {name}"))
            for name in _WITH_IDS:
                self.connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"GREATEST(:last, 1), :called)"
                    ),
                    {"last": self._ids[name], "called": self._ids[name] > 0},
                )
        return dict(self.written)

    def _write(self, name: str, rows: list[Sequence[Any]]) -> None:
        columns = COLUMNS[name]
        if self.postgres:
            raw = self.connection.connection.driver_connection
            assert raw is not None
            sql = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            # sqlite3 binds no Decimal: amounts go as their exact text, which the column's
            # NUMERIC affinity stores as a number (as the ORM's Numeric type does).
            self.connection.exec_driver_sql(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
                [tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows],
            )
