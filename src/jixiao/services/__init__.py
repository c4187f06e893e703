"""The service layer: use cases and their transactions.  Web and CLI call only this.

``Services(engine)`` binds the use cases to a database::

    svc = Services.connect("sqlite:///jixiao.db", upgrade=True)
    svc.tables.import_document(svc.uow(), actor, document)

Each use case takes a fresh :class:`UnitOfWork` (``svc.uow()``) and commits it or leaves
nothing behind.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from jixiao.ingest import isolation
from jixiao.services import (
    access,
    actuals,
    audit,
    imports,
    oversight,
    review,
    tables,
    trail,
    users,
)
from jixiao.services import settings as configuration
from jixiao.services.errors import (
    Conflict,
    Duplicate,
    Invalid,
    NotFound,
    PermissionDenied,
    ServiceError,
)
from jixiao.services.uow import UnitOfWork
from jixiao.store import db

# Every untrusted file is read with the parse limits of the settings (JIXIAO_PARSE_* or
# jixiao.toml), whoever reads it: the server, the command line, the services.
isolation.use_limits(configuration.process_limits)

__all__ = [
    "SYSTEM",
    "Conflict",
    "Duplicate",
    "Invalid",
    "NotFound",
    "PermissionDenied",
    "ServiceError",
    "Services",
    "UnitOfWork",
    "access",
    "actuals",
    "audit",
    "default_url",
    "imports",
    "oversight",
    "review",
    "tables",
    "users",
]

#: The actor for work the system does itself (set-up, command-line administration).
SYSTEM = access.SYSTEM


class Services:
    def __init__(self, engine: Engine, *, facts: oversight.Settings | None = None) -> None:
        """``facts``: the settings oversight facts are computed with (default: the
        configuration file's, read at the first change)."""
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._facts = facts
        self._trail: trail.TrailConfig | None = None

    @classmethod
    def connect(cls, url: str | None = None, *, upgrade: bool = False) -> Services:
        engine = db.make_engine(url)
        if upgrade:
            db.upgrade(engine)
        return cls(engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._factory, self._refresh, self.audit_trail())

    def audit_trail(self) -> trail.TrailConfig:
        """The audit key and anchor of this database (read once, see services/trail.py)."""
        if self._trail is None:
            self._trail = trail.config_for(self.engine)
        return self._trail

    def facts_settings(self) -> oversight.Settings:
        if self._facts is None:
            self._facts = oversight.settings()
        return self._facts

    def _refresh(self, session: Session, table_ids: set[int], status_only: set[int]) -> None:
        oversight.refresh(session, table_ids, self.facts_settings())
        oversight.refresh_status(session, status_only)

    def session(self) -> Session:
        return self._factory()

    def revision(self) -> str | None:
        """The migration the database is at."""
        return db.current_revision(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def default_url() -> str:
    """The database used when none is named (see :func:`jixiao.store.db.default_url`)."""
    return db.default_url()
