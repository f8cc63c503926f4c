"""Deliveries seen from outside (webhooks, Slack events), so that a re-delivery or a replay is
answered once, across every worker that shares the database.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
