"""The demo: the seed document imported and one user per role (``jixiao serve --demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from jixiao.domain.model import Document
from jixiao.domain.workflow import ROLE_LABELS, Action, Actor, Role
from jixiao.interchange.actuals import loads_actuals
from jixiao.services import SYSTEM, Services, access, actuals, tables, users
from jixiao.store.models import TargetTableRow, UserRow

DEMO_PASSWORD = "jixiao-demo"


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    role: Role
    unit: str | None = None
    department: str | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, unit=self.unit, department=self.department)


def _first_who_may(users_: list[DemoUser], action: Action) -> DemoUser:
    """The first demo user whose role may ``action`` (services.access decides)."""
    return next(u for u in users_ if access.may(u.actor, action))


def demo_users(document: Document) -> list[DemoUser]:
    """One user per role, bound to the first unit and department the document names."""
    units = document.units()
    unit = units[0].name if units else None
    department = next((u.department for u in units if u.department), None)
    return [
        DemoUser("danwei", Role.UNIT, unit=unit),
        DemoUser("zhuguan", Role.DEPARTMENT, department=department),
        DemoUser("caizheng", Role.FINANCE),
        DemoUser("renda", Role.CONGRESS),
        DemoUser("shenji", Role.AUDIT),
        DemoUser("admin", Role.ADMIN),
    ]


def is_empty(svc: Services) -> bool:
    with svc.session() as session:
        return not (
            session.execute(select(func.count()).select_from(TargetTableRow)).scalar_one()
            or session.execute(select(func.count()).select_from(UserRow)).scalar_one()
        )


def approve_all(svc: Services, users_: list[DemoUser]) -> int:
    """Take every draft table through the workflow: the unit submits, finance reviews (优)
    and approves — the demo's published targets are approved targets.  Returns the count."""
    unit_user = _first_who_may(users_, Action.SUBMIT)
    unit, finance = unit_user.actor, _first_who_may(users_, Action.APPROVE).actor
    rows, _ = tables.list_tables(svc.uow(), tables.TableFilter(unit=unit_user.unit, limit=10_000))
    for row in rows:
        tables.submit(svc.uow(), unit, row.id)
        tables.review(svc.uow(), finance, row.id, "优", "同意（演示数据）")
        tables.approve(svc.uow(), finance, row.id)
    return len(rows)


def example_actuals() -> list[Path]:
    """The example actuals of the seed (docs/examples), when the checkout has them."""
    folder = Path(__file__).resolve().parents[3] / "docs" / "examples"
    return sorted(folder.glob("seed-actuals-*.json"))


def set_up(svc: Services, document: Document, *, with_actuals: bool = False) -> list[DemoUser]:
    """Import ``document`` and create the demo users (the database must be empty).

    ``with_actuals``: also approve the tables and load the example actuals (checkpoint and
    year end), so that monitoring and self-evaluation have something to show.
    """
    tables.import_document(svc.uow(), SYSTEM, document)
    created = demo_users(document)
    for user in created:
        users.add_user(
            svc.uow(),
            SYSTEM.username,
            user.username,
            DEMO_PASSWORD,
            user.role,
            display_name=f"演示{user.role_label}",
            unit=user.unit,
            department=user.department,
        )
    if with_actuals:
        approve_all(svc, created)
        reporter = _first_who_may(created, Action.REPORT).actor
        for path in example_actuals():
            doc = loads_actuals(path.read_bytes(), where=str(path))
            actuals.save_document(svc.uow(), reporter, doc, where=path.name)
    return created


def seed_path() -> Path | None:
    """The seed document: beside the checkout in shared/, else the test fixture copy."""
    root = Path(__file__).resolve().parents[3]
    for candidate in (
        root.parent / "shared" / "seeds" / "000_782886cd0aa7e389.txt",
        root / "tests" / "fixtures" / "seed" / "000_782886cd0aa7e389.txt",
    ):
        if candidate.is_file():
            return candidate
    return None
