"""cascade: cascades and their nodes.

Revision ID: cascade_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "cascade_0001"
down_revision = None
branch_labels = ("cascade",)
depends_on = "core_0001"

TARGETS = ("whatsapp", "telegram", "signal", "sms", "copy")


def upgrade() -> None:
    op.create_table(
        "cascades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cascades")),
    )
    op.create_table(
        "cascade_nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("cascade_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seat", sa.String(16), nullable=True),
        sa.Column("seat_name", sa.String(200), nullable=True),
        *[sa.Column(f"forwards_{t}", sa.Integer(), nullable=False) for t in TARGETS],
        sa.ForeignKeyConstraint(
            ["cascade_id"],
            ["cascades.id"],
            name=op.f("fk_cascade_nodes_cascade_id_cascades"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cascade_nodes")),
        sa.UniqueConstraint("code", name=op.f("uq_cascade_nodes_code")),
    )
    op.create_index("ix_cascade_nodes_parent_id", "cascade_nodes", ["parent_id"])
    op.create_index("ix_cascade_nodes_cascade_opened", "cascade_nodes", ["cascade_id", "opened_at"])


def downgrade() -> None:
    op.drop_index("ix_cascade_nodes_cascade_opened", table_name="cascade_nodes")
    op.drop_index("ix_cascade_nodes_parent_id", table_name="cascade_nodes")
    op.drop_table("cascade_nodes")
    op.drop_table("cascades")
