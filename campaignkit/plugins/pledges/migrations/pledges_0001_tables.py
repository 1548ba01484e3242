"""pledges: pledges and signatures.

Revision ID: pledges_0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "pledges_0001"
down_revision = None
branch_labels = ("pledges",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=True),
        sa.Column("share_text", sa.String(280), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("signed_count", sa.Integer(), nullable=False),
        sa.Column("threshold_reached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        sa.UniqueConstraint("slug", name=op.f("uq_pledges_slug")),
    )
    op.create_table(
        "pledge_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("seat", sa.String(16), nullable=True),
        sa.Column("seat_name", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_signatures_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_signatures")),
        sa.UniqueConstraint("pledge_id", "email", name="uq_pledge_signatures_pledge_id_email"),
    )
    op.create_index(
        "ix_pledge_signatures_pledge_confirmed", "pledge_signatures", ["pledge_id", "confirmed_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_pledge_signatures_pledge_confirmed", table_name="pledge_signatures")
    op.drop_table("pledge_signatures")
    op.drop_table("pledges")
