"""actual_item: 分值 and 得分 as a published self-evaluation table prints them

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("actual_item") as batch:
        batch.add_column(sa.Column("weight", sa.Float(), nullable=True))
        batch.add_column(sa.Column("reported_score", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("actual_item") as batch:
        batch.drop_column("reported_score")
        batch.drop_column("weight")
