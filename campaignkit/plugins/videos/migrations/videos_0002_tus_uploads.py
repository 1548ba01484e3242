"""videos: resumable (tus) uploads.

Revision ID: videos_0002
Revises: videos_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "videos_0002"
down_revision = "videos_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "videos_tus_uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("file_key", sa.String(length=200), nullable=False),
        sa.Column("length", sa.BigInteger(), nullable=False),
        sa.Column("metadata_header", sa.Text(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["videos_briefs.id"],
            name=op.f("fk_videos_tus_uploads_brief_id_videos_briefs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_tus_uploads_producer_id_ck_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["videos_submissions.id"],
            name=op.f("fk_videos_tus_uploads_submission_id_videos_submissions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_tus_uploads")),
    )
    op.create_index(
        op.f("ix_videos_tus_uploads_producer_id"),
        "videos_tus_uploads",
        ["producer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_videos_tus_uploads_producer_id"), table_name="videos_tus_uploads")
    op.drop_table("videos_tus_uploads")
