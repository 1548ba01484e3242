"""core: an optional first name on accounts, shown as an event's host.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ck_users") as batch:
        batch.add_column(sa.Column("name", sa.String(60), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("ck_users") as batch:
        batch.drop_column("name")
