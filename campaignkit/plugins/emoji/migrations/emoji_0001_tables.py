"""emoji: packs and artwork.

Revision ID: emoji_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "emoji_0001"
down_revision = None
branch_labels = ("emoji",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "emoji_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(100), nullable=False),
        sa.Column("credits", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emoji_packs")),
        sa.UniqueConstraint("slug", name=op.f("uq_emoji_packs_slug")),
    )
    op.create_table(
        "emoji_art",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("emojis", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("submitter_id", sa.Integer(), nullable=True),
        sa.Column("submitter_email", sa.String(320), nullable=True),
        sa.Column("credit_name", sa.String(80), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("animated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_id"],
            ["emoji_packs.id"],
            name=op.f("fk_emoji_art_pack_id_emoji_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emoji_art")),
        sa.UniqueConstraint("pack_id", "name", name="uq_emoji_art_pack_id_name"),
    )
    op.create_index("ix_emoji_art_pack_status", "emoji_art", ["pack_id", "status"])
    op.create_index("ix_emoji_art_submitter_id", "emoji_art", ["submitter_id"])


def downgrade() -> None:
    op.drop_index("ix_emoji_art_submitter_id", table_name="emoji_art")
    op.drop_index("ix_emoji_art_pack_status", table_name="emoji_art")
    op.drop_table("emoji_art")
    op.drop_table("emoji_packs")
