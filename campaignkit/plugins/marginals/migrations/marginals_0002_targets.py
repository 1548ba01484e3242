"""marginals: organisers' seat targets and their history.

Revision ID: marginals_0002
Revises: marginals_0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "marginals_0002"
down_revision = "marginals_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "marginals_targets",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_marginals_targets")),
    )
    op.create_table(
        "marginals_target_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marginals_target_history")),
    )
    op.create_index(op.f("ix_marginals_target_history_code"), "marginals_target_history", ["code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_marginals_target_history_code"), table_name="marginals_target_history")
    op.drop_table("marginals_target_history")
    op.drop_table("marginals_targets")
