"""What keeps the audit trail honest from outside the database: the key and the anchor.

* **The key** (HMAC-SHA256) signs every entry of the chain, every anchored head and every
  recorded table state.  It never goes into the database: ``$JIXIAO_AUDIT_KEY`` (the key
  itself), else the file ``$JIXIAO_AUDIT_KEY_FILE``, else ``audit.key`` in the data folder
  (``$JIXIAO_DATA_DIR``; for an SQLite database the folder it lives in; else the user's
  data folder), created with 256 random bits, readable by its owner only, on first use.
  Each is a setting of :mod:`jixiao.services.settings` (``audit_key``, ``audit_key_file``,
  ``data_dir``, ``audit_anchor``): the environment variable or jixiao.toml's ``[server]``.
* **The anchor** is an append-only file of signed heads (sequence number and hash of the
  chain's last entry) outside the database: every committed unit of work that audited
  something appends its head, and ``jixiao audit checkpoint`` appends one too.  ``jixiao
  audit verify`` checks that every anchored entry is still in the chain with the same
  hash: removing the last entries and rewinding the head row, or rewriting an entry and
  recomputing the chain, are both found.  ``$JIXIAO_AUDIT_ANCHOR`` names it; by default
  it lies beside an SQLite database (``<file>.audit-anchor``) or in the data folder.
* **Table states**: when an audited write commits, each table it touched gets a signed
  digest of its rows (audit_state); ``audit verify`` recomputes them, so a row changed
  with SQL, outside jixiao, is reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from platformdirs import user_data_dir
from sqlalchemy import Engine, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import Table

from jixiao.domain.audit import canonical, sign
from jixiao.services import settings as configuration
from jixiao.store.models import (
    ActualItemRow,
    ActualReportRow,
    AuditStateRow,
    CommentRow,
    GoalRow,
    IndicatorRow,
    ReviewRow,
    TableVersionRow,
    TargetTableRow,
)

KEY_ENV = "JIXIAO_AUDIT_KEY"
KEY_FILE_ENV = "JIXIAO_AUDIT_KEY_FILE"
ANCHOR_ENV = "JIXIAO_AUDIT_ANCHOR"
DATA_DIR_ENV = "JIXIAO_DATA_DIR"


@dataclass(frozen=True, slots=True)
class TrailConfig:
    """The audit key and the anchor file (None: heads are not anchored)."""

    key: bytes
    anchor: Path | None


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _settings(settings: configuration.Settings | None) -> configuration.Settings:
    return settings if settings is not None else configuration.load()


def data_dir(url: str, settings: configuration.Settings | None = None) -> Path:
    """Where the key (and a server database's anchor) are kept by default: the setting
    ``data_dir`` (``$JIXIAO_DATA_DIR`` or jixiao.toml), else an SQLite database's folder,
    else the user's data folder."""
    chosen = _settings(settings).data_dir
    if chosen is not None:
        return chosen
    sqlite = _sqlite_file(url)
    if sqlite is not None:
        return sqlite.resolve().parent
    return Path(user_data_dir("jixiao", appauthor=False))


def _read_or_create_key(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode("ascii") + b"\n")
    return path.read_bytes().strip()


def key_for(url: str, settings: configuration.Settings | None = None) -> bytes:
    """The audit key: the setting ``audit_key`` (``$JIXIAO_AUDIT_KEY``), else the file
    ``audit_key_file`` (``$JIXIAO_AUDIT_KEY_FILE``), else the data folder's ``audit.key``
    (created when missing); each setting also from jixiao.toml."""
    chosen = _settings(settings)
    if chosen.audit_key is not None and chosen.audit_key.get_secret_value():
        return chosen.audit_key.get_secret_value().encode("utf-8")
    named = chosen.audit_key_file
    if named is not None:
        key = named.read_bytes().strip()
        if not key:
            raise ValueError(f"the audit key file {named} is empty")
        return key
    return _read_or_create_key(data_dir(url, chosen) / "audit.key")


def key_file_for(url: str, settings: configuration.Settings | None = None) -> Path | None:
    """The file the audit key is read from (None: the key is the setting ``audit_key``)."""
    chosen = _settings(settings)
    if chosen.audit_key is not None and chosen.audit_key.get_secret_value():
        return None
    if chosen.audit_key_file is not None:
        return chosen.audit_key_file
    return data_dir(url, chosen) / "audit.key"


def new_key() -> bytes:
    """A fresh audit key: 256 random bits, as hex (what ``audit.key`` holds)."""
    return secrets.token_hex(32).encode("ascii")


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file readable by its owner only (replacing a stale one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def anchor_for(url: str, settings: configuration.Settings | None = None) -> Path | None:
    """The anchor file of the database at ``url``: the setting ``audit_anchor``
    (``$JIXIAO_AUDIT_ANCHOR`` or jixiao.toml), else beside an SQLite database, else in the
    data folder (None for an in-memory database)."""
    chosen = _settings(settings)
    if chosen.audit_anchor is not None:
        return chosen.audit_anchor
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        sqlite = _sqlite_file(url)
        return None if sqlite is None else sqlite.with_name(sqlite.name + ".audit-anchor")
    where = parsed.set(password=None).render_as_string(hide_password=True)
    name = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return data_dir(url, chosen) / f"audit-anchor-{name}.jsonl"


def config_for(engine: Engine, settings: configuration.Settings | None = None) -> TrailConfig:
    """The key and anchor of the database behind ``engine``, as the settings say."""
    url = engine.url.render_as_string(hide_password=False)
    if _sqlite_file(url) is None and make_url(url).get_backend_name() == "sqlite":
        # An in-memory database lives as long as the process: so does its key.
        return TrailConfig(secrets.token_bytes(32), None)
    chosen = _settings(settings)
    return TrailConfig(key_for(url, chosen), anchor_for(url, chosen))


# -- the anchor -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anchored:
    line: int
    seq: int
    hash: str
    at: str
    ok: bool  # its signature holds


def anchor_line(key: bytes, seq: int, hash_: str, at: str) -> str:
    record = {"seq": seq, "hash": hash_, "at": at}
    return json.dumps({**record, "mac": sign(key, record)}, sort_keys=True) + "\n"


def append_anchor(config: TrailConfig, seq: int, hash_: str, at: str) -> None:
    """Append a signed head (one short line, O_APPEND: concurrent writers do not mix)."""
    if config.anchor is None:
        return
    config.anchor.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(config.anchor, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, anchor_line(config.key, seq, hash_, at).encode("ascii"))
    finally:
        os.close(fd)


def read_anchor(config: TrailConfig) -> Iterator[Anchored]:
    if config.anchor is None or not config.anchor.exists():
        return
    with config.anchor.open(encoding="ascii", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                record = {"seq": int(data["seq"]), "hash": str(data["hash"]), "at": data["at"]}
                ok = sign(config.key, record) == data.get("mac")
            except (ValueError, KeyError, TypeError):
                yield Anchored(number, 0, "", "", False)
                continue
            yield Anchored(number, record["seq"], record["hash"], str(record["at"]), ok)


# -- table states -----------------------------------------------------------------------

#: The rows a table's state covers, and how each is found from the table's id.
_PARTS: tuple[tuple[Table, str], ...] = tuple(
    (cast(Table, model.__table__), column)
    for model, column in (
        (TargetTableRow, "id"),
        (IndicatorRow, "table_id"),
        (GoalRow, "table_id"),
        (ReviewRow, "table_id"),
        (CommentRow, "table_id"),
        (TableVersionRow, "table_id"),
        (ActualReportRow, "table_id"),
    )
)
#: Kept out of the state: times (stored differently by the two backends) and counters
#: the services move without a change of content.
_SKIP = frozenset({"created_at", "updated_at", "approved_at", "last_used_at"})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return None  # times are not compared (see _SKIP)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):  # money (元): the same text whatever scale the store keeps
        return format(value.normalize(), "f")
    return value


#: Types :func:`_plain` returns unchanged (most values: skipped for speed).
_AS_IS = frozenset({str, int, bool, type(None), dict, list})


def _rows(session: Session, table: Table, column: str, ids: Iterable[int]) -> list[Any]:
    keys = [c for c in table.columns if c.name not in _SKIP]
    names = [c.name for c in keys]
    query = select(*keys).where(table.c[column].in_(list(ids)))
    query = query.order_by(*table.primary_key.columns)
    return [
        {n: v if type(v) in _AS_IS else _plain(v) for n, v in zip(names, row, strict=True)}
        for row in session.execute(query)
    ]


def table_state(session: Session, table_id: int) -> str | None:
    """A digest of the table's rows as the database holds them (None: no such table)."""
    parts: dict[str, Any] = {}
    for table, column in _PARTS:
        parts[table.name] = _rows(session, table, column, [table_id])
    if not parts[TargetTableRow.__tablename__]:
        return None
    report_ids = [r["id"] for r in parts[ActualReportRow.__tablename__]]
    items = cast(Table, ActualItemRow.__table__)
    parts[items.name] = _rows(session, items, "report_id", report_ids) if report_ids else []
    return hashlib.sha256(canonical(parts)).hexdigest()


def table_states(session: Session, table_ids: Iterable[int]) -> dict[int, str]:
    """:func:`table_state` of many tables at once (the same digests), a few queries per
    batch of tables instead of eight per table: a bulk load records the states of tens
    of thousands of tables in its own transaction."""
    found: dict[int, str] = {}
    ids = sorted(set(table_ids))
    items = cast(Table, ActualItemRow.__table__)
    for start in range(0, len(ids), _STATE_BATCH):
        batch = ids[start : start + _STATE_BATCH]
        parts: dict[int, dict[str, list[Any]]] = {
            t: {table.name: [] for table, _ in _PARTS} for t in batch
        }
        for table, column in _PARTS:
            for row in _rows(session, table, column, batch):
                parts[row[column]][table.name].append(row)
        owner = {r["id"]: t for t, p in parts.items() for r in p[ActualReportRow.__tablename__]}
        for table_id in batch:
            parts[table_id][items.name] = []
        if owner:
            report_ids = sorted(owner)
            for k in range(0, len(report_ids), _STATE_BATCH):
                for row in _rows(session, items, "report_id", report_ids[k : k + _STATE_BATCH]):
                    parts[owner[row["report_id"]]][items.name].append(row)
            order = [c.name for c in items.primary_key.columns]
            for held in parts.values():  # in key order, as table_state reads them
                held[items.name].sort(key=lambda r: tuple(r[c] for c in order))
        for table_id, held in parts.items():
            if held[TargetTableRow.__tablename__]:
                found[table_id] = hashlib.sha256(canonical(held)).hexdigest()
    return found


_STATE_BATCH = 500


def state_mac(key: bytes, table_id: int, seq: int, digest: str) -> str:
    return sign(key, {"table": table_id, "seq": seq, "digest": digest})


def record_states(session: Session, key: bytes, table_ids: Iterable[int], seq: int) -> int:
    """Record (sign) the current state of these tables as audited at entry ``seq``."""
    count = 0
    ids = sorted(set(table_ids))
    for start in range(0, len(ids), _STATE_BATCH):
        batch = ids[start : start + _STATE_BATCH]
        digests = table_states(session, batch)
        existing = {
            r.table_id: r
            for r in session.execute(
                select(AuditStateRow).where(AuditStateRow.table_id.in_(batch))
            ).scalars()
        }
        new: list[dict[str, Any]] = []
        for table_id in batch:
            digest = digests.get(table_id)
            row = existing.get(table_id)
            if digest is None:
                if row is not None:
                    session.delete(row)
                continue
            mac = state_mac(key, table_id, seq, digest)
            if row is None:
                new.append({"table_id": table_id, "seq": seq, "digest": digest, "mac": mac})
            else:
                row.seq, row.digest, row.mac = seq, digest, mac
            count += 1
        session.flush()
        if new:
            session.execute(insert(AuditStateRow), new)
    return count


__all__ = [
    "Anchored",
    "TrailConfig",
    "anchor_for",
    "append_anchor",
    "config_for",
    "data_dir",
    "key_file_for",
    "key_for",
    "new_key",
    "read_anchor",
    "record_states",
    "state_mac",
    "table_state",
    "table_states",
    "write_private",
]
