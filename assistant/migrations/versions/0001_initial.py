"""The suggestions and decisions tables as they were first created (before migrations existed,
so a database made then already has them and is only stamped).

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "suggestions" not in existing:
        op.create_table(
            "suggestions",
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("channel", sa.String(16), nullable=False),
            sa.Column("asker", sa.Text, nullable=False),
            sa.Column("audience", sa.JSON, nullable=False),
            sa.Column("request", sa.JSON, nullable=False),
            sa.Column("retrieved", sa.JSON, nullable=False),
            sa.Column("suggestion", sa.JSON, nullable=False),
            sa.Column("latency_ms", sa.Float, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_suggestions_created_at", "suggestions", ["created_at"])
    if "decisions" not in existing:
        op.create_table(
            "decisions",
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("id", sa.String(32), nullable=False, unique=True),
            sa.Column(
                "suggestion_id", sa.String(32), sa.ForeignKey("suggestions.id"), nullable=False
            ),
            sa.Column("action", sa.String(16), nullable=False),
            sa.Column("agent", sa.String(200), nullable=False),
            sa.Column("text", sa.Text),
            sa.Column("diff", sa.Text),
            sa.Column("reason", sa.Text),
            sa.Column("citation_index", sa.Integer),
            sa.Column("rating", sa.String(16)),
            sa.Column("request_key", sa.String(255), nullable=False, unique=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_decisions_suggestion_id", "decisions", ["suggestion_id"])


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("suggestions")
