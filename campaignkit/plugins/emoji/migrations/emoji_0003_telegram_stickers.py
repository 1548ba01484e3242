"""emoji: what was published to each Telegram sticker set.

Revision ID: emoji_0003_telegram
Revises: emoji_0002_frames
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "emoji_0003_telegram"
down_revision = "emoji_0002_frames"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emoji_telegram_stickers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("set_name", sa.String(64), nullable=False),
        sa.Column("art_name", sa.String(32), nullable=False),
        sa.Column("file_unique_id", sa.String(128), nullable=True),
        sa.Column("image_sha256", sa.String(64), nullable=False),
        sa.Column("emoji_sha256", sa.String(64), nullable=False),
        sa.Column("pending", sa.String(10), nullable=True),
        sa.Column("pending_call", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["emoji_packs.id"],
            name=op.f("fk_emoji_telegram_stickers_pack_id_emoji_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emoji_telegram_stickers")),
        sa.UniqueConstraint(
            "pack_id", "set_name", "art_name", name="uq_emoji_telegram_stickers_art"
        ),
    )


def downgrade() -> None:
    op.drop_table("emoji_telegram_stickers")
