"""blocklists: handle lookup results, a list's Bluesky moderation list, auto rule targets.

Revision ID: blocklists_0003_bluesky
Revises: blocklists_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "blocklists_0003_bluesky"
down_revision = "blocklists_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.add_column(sa.Column("lookup_error", sa.String(300), nullable=True))
    with op.batch_alter_table("blocklists") as batch:
        batch.add_column(sa.Column("bluesky_list_uri", sa.String(300), nullable=True))
    op.create_table(
        "blocklists_auto_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["blocklists_connections.id"],
            name=op.f("fk_blocklists_auto_targets_connection_id_blocklists_connections"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_auto_targets")),
        sa.UniqueConstraint(
            "connection_id", "target_id", name="uq_blocklists_auto_targets_connection_target"
        ),
    )


def downgrade() -> None:
    op.drop_table("blocklists_auto_targets")
    with op.batch_alter_table("blocklists") as batch:
        batch.drop_column("bluesky_list_uri")
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.drop_column("lookup_error")
