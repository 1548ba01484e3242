"""core: the erasure log and the export log.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ck_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=False),
        sa.Column("requested_by", sa.String(60), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_erasures")),
    )
    op.create_index("ix_ck_erasures_subject_hash", "ck_erasures", ["subject_hash"])
    op.create_table(
        "ck_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ck_users.id"],
            name=op.f("fk_ck_exports_user_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_exports")),
    )
    op.create_index("ix_ck_exports_user_id", "ck_exports", ["user_id"])
    op.create_index("ix_ck_exports_at", "ck_exports", ["at"])


def downgrade() -> None:
    op.drop_index("ix_ck_exports_at", table_name="ck_exports")
    op.drop_index("ix_ck_exports_user_id", table_name="ck_exports")
    op.drop_table("ck_exports")
    op.drop_index("ix_ck_erasures_subject_hash", table_name="ck_erasures")
    op.drop_table("ck_erasures")
