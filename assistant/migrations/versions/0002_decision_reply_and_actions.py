"""An edit keeps the edited reply draft beside the edited answer, each with its own diff, and a
decision keeps which next actions the agent ticked.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("reply_text", sa.Text))
        batch.add_column(sa.Column("reply_diff", sa.Text))
        batch.add_column(sa.Column("actions_done", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("actions_done")
        batch.drop_column("reply_diff")
        batch.drop_column("reply_text")
