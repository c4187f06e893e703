"""The unit of work: one transaction, and the audit entries written inside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, sessionmaker

from jixiao.domain.audit import GENESIS, AuditEntry, chain_hash
from jixiao.services import trail
from jixiao.services.errors import Invalid, NotFound
from jixiao.store.models import AuditHeadRow, AuditRow
from jixiao.store.tables import TableRepository

#: Called before a commit, in the same transaction, with the tables whose targets or
#: actuals the unit of work changed and those whose workflow status alone changed (both
#: audited with their table).
BeforeCommit = Callable[[Session, set[int], set[int]], object]

# Audited entities that change nothing oversight keeps.
_NOT_FACTS = frozenset({"comment", "inquiry"})
# Audited actions on a table that change its workflow status only (submit, review,
# approve, return, adjust …); an import changes its content.
_CONTENT_ACTIONS = frozenset({"import"})


class UnitOfWork:
    """``with UnitOfWork(factory) as uow: ...; uow.commit()`` — rolls back unless committed.

    ``before_commit`` (the services pass the oversight refresh) sees every table an
    audited change touched — its content, or only its workflow status — so what is kept
    about them changes in the same transaction.

    ``config`` holds the audit key and the anchor (services/trail.py): entries are signed
    with the key, the state of every table an entry names is recorded before the commit,
    and the new head is appended to the anchor after it.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        before_commit: BeforeCommit | None = None,
        config: trail.TrailConfig | None = None,
    ) -> None:
        self._factory = factory
        self._before_commit = before_commit
        self._config = config
        self.session: Session
        #: The target tables of this transaction (get, lock, filter).
        self.tables: TableRepository
        self.touched: set[int] = set()
        self.status_changed: set[int] = set()

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.tables = TableRepository(self.session, NotFound)
        self._head: AuditHeadRow | None = None  # locked by the first entry, kept after
        self.touched = set()
        self.status_changed = set()
        self._stated: set[int] = set()  # tables named by this unit of work's entries
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
        self._head = None
        if isinstance(exc, DataError | OverflowError):
            # A value the database cannot hold (a number beyond its range, a NUL character
            # in text): the input's fault, said so, never a server error.
            raise Invalid(
                "输入的数据超出数据库允许的范围，或含有不允许的字符（如 NUL 字符），未保存"
            ) from exc

    def commit(self) -> None:
        if (self.touched or self.status_changed) and self._before_commit is not None:
            self._before_commit(self.session, self.touched, self.status_changed - self.touched)
        self.touched = set()
        self.status_changed = set()
        head = self._head
        anchored = None
        if head is not None and self._config is not None:
            if self._stated:
                trail.record_states(self.session, self._config.key, self._stated, head.seq)
            anchored = (head.seq, head.hash, datetime.now(UTC).isoformat(timespec="seconds"))
        self._stated = set()
        self.session.commit()
        self._head = None
        if anchored is not None and self._config is not None:
            trail.append_anchor(self._config, *anchored)

    @property
    def config(self) -> trail.TrailConfig | None:
        """The audit key and anchor this unit of work signs and anchors with."""
        return self._config

    def record_states(self, table_ids: set[int]) -> None:
        """Record these tables' states with this unit of work's entries (a bulk load
        writes many tables under one entry)."""
        self._stated |= table_ids

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
    ) -> AuditEntry:
        """Append an entry to the hash chain, in this transaction.

        The head row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions
        start with ``BEGIN IMMEDIATE``), so concurrent writers extend the chain one by one.
        """
        session = self.session
        session.flush()
        if table_id is not None:
            self._stated.add(table_id)
        if table_id is not None and entity == "table" and action not in _CONTENT_ACTIONS:
            self.status_changed.add(table_id)
        elif table_id is not None and entity not in _NOT_FACTS:
            self.touched.add(table_id)
        head = self._head
        if head is None:
            # Locked until the transaction ends: later entries of this unit of work reuse it.
            head = session.execute(
                select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
            ).scalar_one_or_none()
            if head is None:
                head = AuditHeadRow(id=1, seq=0, hash=GENESIS)
                session.add(head)
            self._head = head
        entry = AuditEntry(
            seq=head.seq + 1,
            at=datetime.now(UTC).isoformat(timespec="microseconds"),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            table_id=table_id,
            before=before,
            after=after,
            prev_hash=head.hash,
            hash="",
        )
        digest = chain_hash(
            head.hash, entry.content(), self._config.key if self._config is not None else None
        )
        session.add(
            AuditRow(
                seq=entry.seq,
                at=entry.at,
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entry.entity_id,
                table_id=table_id,
                before=before,
                after=after,
                prev_hash=head.hash,
                hash=digest,
            )
        )
        head.seq, head.hash = entry.seq, digest
        return entry
