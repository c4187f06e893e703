"""money in 元: a project's funds as exact decimals in 元 with the unit the table printed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 15:10:00

Before, funds were floats in 万元 (tables printed in 元 were stored as if in 万元); they
become NUMERIC(20, 4) in 元 (the old figures × 10000) and ``funds_unit`` keeps the printed
unit (元 / 千元 / 万元; 万元 for rows stored before).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = ("funds_total", "funds_fiscal", "funds_carryover", "funds_other")
_MONEY = sa.Numeric(20, 4)


def upgrade() -> None:
    with op.batch_alter_table("target_table") as batch:
        for name in _COLUMNS:
            batch.alter_column(name, type_=_MONEY, existing_type=sa.Float(), existing_nullable=True)
        batch.add_column(
            sa.Column("funds_unit", sa.String(length=4), nullable=False, server_default="万元")
        )
    sets = ", ".join(f"{name} = {name} * 10000" for name in _COLUMNS)
    op.execute(f"UPDATE target_table SET {sets}")


def downgrade() -> None:
    sets = ", ".join(f"{name} = {name} / 10000" for name in _COLUMNS)
    op.execute(f"UPDATE target_table SET {sets}")
    with op.batch_alter_table("target_table") as batch:
        batch.drop_column("funds_unit")
        for name in _COLUMNS:
            batch.alter_column(name, type_=sa.Float(), existing_type=_MONEY, existing_nullable=True)
