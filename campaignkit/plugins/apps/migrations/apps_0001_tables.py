"""apps: the directory's apps.

Revision ID: apps_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "apps_0001"
down_revision = None
branch_labels = ("apps",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image_url", sa.String(500), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("has_upload", sa.Boolean(), nullable=False),
        sa.Column("categories", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("link_status", sa.String(10), nullable=False),
        sa.Column("link_note", sa.String(300), nullable=False),
        sa.Column("link_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apps")),
        sa.UniqueConstraint("url", name=op.f("uq_apps_url")),
    )
    op.create_index("ix_apps_status", "apps", ["status"])
    op.create_index("ix_apps_submitted_by", "apps", ["submitted_by"])


def downgrade() -> None:
    op.drop_index("ix_apps_submitted_by", table_name="apps")
    op.drop_index("ix_apps_status", table_name="apps")
    op.drop_table("apps")
