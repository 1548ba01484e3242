"""blocklists: when each entry's handle was last refreshed, and whether its account is gone.

Revision ID: blocklists_0004_handle_refresh
Revises: blocklists_0003_bluesky
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "blocklists_0004_handle_refresh"
down_revision = "blocklists_0003_bluesky"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.add_column(sa.Column("handle_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("account_state", sa.String(12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.drop_column("account_state")
        batch.drop_column("handle_checked_at")
