"""The demo: the seed document imported and one user per role (``jixiao serve --demo``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from jixiao.domain.model import Document
from jixiao.domain.workflow import ROLE_LABELS, Role
from jixiao.services import SYSTEM, Services, tables, users
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


def set_up(svc: Services, document: Document) -> list[DemoUser]:
    """Import ``document`` and create the demo users (the database must be empty)."""
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
