"""actuals' money in 元: a report's budgets and 执行数 as exact decimals in 元 with their unit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 17:40:00

Before, ``actual_report``'s 年初预算数, 全年预算数 and 执行数 were floats in 万元; they become
NUMERIC(20, 4) in 元 (the old figures × 10000), as the target tables' funds since 0009, and
``money_unit`` keeps the unit they were given in (万元 for rows stored before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_COLUMNS = ("budget_initial", "budget", "executed")
_MONEY = sa.Numeric(20, 4)


def upgrade() -> None:
    with op.batch_alter_table("actual_report") as batch:
        for name in _COLUMNS:
            batch.alter_column(name, type_=_MONEY, existing_type=sa.Float(), existing_nullable=True)
        batch.add_column(
            sa.Column("money_unit", sa.String(length=4), nullable=False, server_default="万元")
        )
    sets = ", ".join(f"{name} = {name} * 10000" for name in _COLUMNS)
    op.execute(f"UPDATE actual_report SET {sets}")


def downgrade() -> None:
    sets = ", ".join(f"{name} = {name} / 10000" for name in _COLUMNS)
    op.execute(f"UPDATE actual_report SET {sets}")
    with op.batch_alter_table("actual_report") as batch:
        batch.drop_column("money_unit")
        for name in _COLUMNS:
            batch.alter_column(name, type_=sa.Float(), existing_type=_MONEY, existing_nullable=True)
