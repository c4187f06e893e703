"""the whole table kept: goal texts of projects, an indicator's weight, direction, nature,
basis, explanation, scoring standard and remark

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


def upgrade() -> None:
    with op.batch_alter_table("target_table") as batch:
        batch.add_column(_text("annual_goal"))
        batch.add_column(_text("long_term_goal"))
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("weight", sa.Float(), nullable=True))
        batch.add_column(sa.Column("direction", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("nature", sa.String(length=15), nullable=True))
        for name in ("basis", "explanation", "standard", "remark"):
            batch.add_column(_text(name))


def downgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        for name in ("remark", "standard", "explanation", "basis", "nature", "direction"):
            batch.drop_column(name)
        batch.drop_column("weight")
    with op.batch_alter_table("target_table") as batch:
        batch.drop_column("long_term_goal")
        batch.drop_column("annual_goal")
