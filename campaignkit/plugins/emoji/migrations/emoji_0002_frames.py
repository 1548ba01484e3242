"""emoji: profile-picture frames.

Revision ID: emoji_0002_frames
Revises: emoji_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "emoji_0002_frames"
down_revision = "emoji_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emoji_frames",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("made_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emoji_frames")),
    )


def downgrade() -> None:
    op.drop_table("emoji_frames")
