"""The review queue: article drafts (from resolved tickets or clustered overrides) and fix
proposals (from agents' corrections), with their state, sources and who reviewed them.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),  # article | fix
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("markdown", sa.Text, nullable=False),
        sa.Column("visibility", sa.String(300), nullable=False),
        sa.Column("source_visibilities", sa.JSON, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),  # [{kind, id, ...}]
        sa.Column("target", sa.JSON),  # fix: {doc_id, section, chunk_id, source_path}
        sa.Column("details", sa.JSON),  # fix: current text, agents' versions, flags
        sa.Column("centroid", sa.JSON),  # embedding of the group, for dedup on later runs
        sa.Column("doc_id", sa.String(512)),  # the article it publishes as
        sa.Column("reason", sa.Text),  # reject: why
        sa.Column("reviewer", sa.String(200)),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("published_path", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("drafts")
