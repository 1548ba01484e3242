"""core: consent records.

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ck_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_email", sa.String(320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("wording_version", sa.String(40), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ck_users.id"],
            name=op.f("fk_ck_consents_user_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_consents")),
    )
    op.create_index("ix_ck_consents_subject_email", "ck_consents", ["subject_email"])
    op.create_index("ix_ck_consents_user_id", "ck_consents", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_ck_consents_user_id", table_name="ck_consents")
    op.drop_index("ix_ck_consents_subject_email", table_name="ck_consents")
    op.drop_table("ck_consents")
