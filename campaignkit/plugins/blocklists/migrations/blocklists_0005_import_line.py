"""blocklists: the line of the imported file each entry came from.

Revision ID: blocklists_0005_import_line
Revises: blocklists_0004_handle_refresh
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "blocklists_0005_import_line"
down_revision = "blocklists_0004_handle_refresh"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.add_column(sa.Column("import_line", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("blocklists_entries") as batch:
        batch.drop_column("import_line")
