"""petition: the signatures table.

Revision ID: petition_0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "petition_0001"
down_revision = None
branch_labels = ("petition",)
depends_on = "core_0004"


def upgrade() -> None:
    op.create_table(
        "petition_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["ck_users.id"], name=op.f("fk_petition_signature_user_id_ck_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_signature")),
    )
    op.create_index("ix_petition_signature_email", "petition_signature", ["email"])
    op.create_index("ix_petition_signature_user_id", "petition_signature", ["user_id"])


def downgrade() -> None:
    op.drop_table("petition_signature")
