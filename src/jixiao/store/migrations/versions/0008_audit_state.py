"""audit_state: the last audited state of each table (a signed digest of its rows)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_state",
        sa.Column("table_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("table_id", name=op.f("pk_audit_state")),
    )


def downgrade() -> None:
    op.drop_table("audit_state")
