"""videos: producers, briefs, claims, submissions, reviews, the state log and takedowns.

Revision ID: videos_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "videos_0001"
down_revision = None
branch_labels = ("videos",)
depends_on = "core_0003"


def upgrade() -> None:
    op.create_table(
        "videos_briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=5), nullable=False),
        sa.Column("max_seconds", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dos", sa.Text(), nullable=False),
        sa.Column("donts", sa.Text(), nullable=False),
        sa.Column("max_claims", sa.Integer(), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["ck_users.id"],
            name=op.f("fk_videos_briefs_created_by_ck_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_briefs")),
    )
    op.create_index(
        "ix_videos_briefs_status_deadline", "videos_briefs", ["status", "deadline"], unique=False
    )
    op.create_table(
        "videos_brief_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("file_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["videos_briefs.id"],
            name=op.f("fk_videos_brief_assets_brief_id_videos_briefs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_brief_assets")),
    )
    op.create_index(
        op.f("ix_videos_brief_assets_brief_id"), "videos_brief_assets", ["brief_id"], unique=False
    )
    op.create_table(
        "videos_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brief_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["videos_briefs.id"],
            name=op.f("fk_videos_claims_brief_id_videos_briefs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_claims_producer_id_ck_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_claims")),
        sa.UniqueConstraint(
            "brief_id", "producer_id", name="uq_videos_claims_brief_id_producer_id"
        ),
    )
    op.create_index(
        op.f("ix_videos_claims_producer_id"), "videos_claims", ["producer_id"], unique=False
    )
    op.create_table(
        "videos_producers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credit_name", sa.String(length=100), nullable=False),
        sa.Column("portfolio_url", sa.String(length=2000), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"],
            ["ck_consents.id"],
            name=op.f("fk_videos_producers_consent_id_ck_consents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["ck_users.id"],
            name=op.f("fk_videos_producers_decided_by_ck_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_producers_user_id_ck_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_producers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_videos_producers_user_id")),
    )
    op.create_table(
        "videos_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("brief_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("link_url", sa.String(length=2000), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("media_status", sa.String(length=12), nullable=False),
        sa.Column("media_error", sa.Text(), nullable=True),
        sa.Column("media_job_id", sa.String(length=64), nullable=True),
        sa.Column("file_key", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("video_codec", sa.String(length=40), nullable=True),
        sa.Column("audio_codec", sa.String(length=40), nullable=True),
        sa.Column("poster_key", sa.String(length=200), nullable=True),
        sa.Column("preview_key", sa.String(length=200), nullable=True),
        sa.Column("captions_key", sa.String(length=200), nullable=True),
        sa.Column("link_title", sa.String(length=300), nullable=True),
        sa.Column("link_thumbnail_url", sa.String(length=2000), nullable=True),
        sa.Column("link_provider", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["brief_id"],
            ["videos_briefs.id"],
            name=op.f("fk_videos_submissions_brief_id_videos_briefs"),
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_submissions_producer_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_submissions")),
    )
    op.create_index(
        op.f("ix_videos_submissions_brief_id"), "videos_submissions", ["brief_id"], unique=False
    )
    op.create_index(
        op.f("ix_videos_submissions_producer_id"),
        "videos_submissions",
        ["producer_id"],
        unique=False,
    )
    op.create_index("ix_videos_submissions_state", "videos_submissions", ["state"], unique=False)
    op.create_table(
        "videos_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("message_fits", sa.Boolean(), nullable=False),
        sa.Column("no_copyrighted_music", sa.Boolean(), nullable=False),
        sa.Column("consent_of_people", sa.Boolean(), nullable=False),
        sa.Column("captions_present", sa.Boolean(), nullable=False),
        sa.Column("digital_imprint", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_reviews_reviewer_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["videos_submissions.id"],
            name=op.f("fk_videos_reviews_submission_id_videos_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_reviews")),
    )
    op.create_index(
        "ix_videos_reviews_submission_current",
        "videos_reviews",
        ["submission_id", "current"],
        unique=False,
    )
    op.create_table(
        "videos_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_state_changes_by_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["videos_submissions.id"],
            name=op.f("fk_videos_state_changes_submission_id_videos_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_state_changes")),
    )
    op.create_index(
        op.f("ix_videos_state_changes_submission_id"),
        "videos_state_changes",
        ["submission_id"],
        unique=False,
    )
    op.create_table(
        "videos_takedowns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["ck_users.id"],
            name=op.f("fk_videos_takedowns_by_id_ck_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["videos_submissions.id"],
            name=op.f("fk_videos_takedowns_submission_id_videos_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos_takedowns")),
    )
    op.create_index(
        op.f("ix_videos_takedowns_submission_id"),
        "videos_takedowns",
        ["submission_id"],
        unique=False,
    )


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f("ix_videos_takedowns_submission_id"), table_name="videos_takedowns")
    op.drop_table("videos_takedowns")
    op.drop_index(op.f("ix_videos_state_changes_submission_id"), table_name="videos_state_changes")
    op.drop_table("videos_state_changes")
    op.drop_index("ix_videos_reviews_submission_current", table_name="videos_reviews")
    op.drop_table("videos_reviews")
    op.drop_index("ix_videos_submissions_state", table_name="videos_submissions")
    op.drop_index(op.f("ix_videos_submissions_producer_id"), table_name="videos_submissions")
    op.drop_index(op.f("ix_videos_submissions_brief_id"), table_name="videos_submissions")
    op.drop_table("videos_submissions")
    op.drop_table("videos_producers")
    op.drop_index(op.f("ix_videos_claims_producer_id"), table_name="videos_claims")
    op.drop_table("videos_claims")
    op.drop_index(op.f("ix_videos_brief_assets_brief_id"), table_name="videos_brief_assets")
    op.drop_table("videos_brief_assets")
    op.drop_index("ix_videos_briefs_status_deadline", table_name="videos_briefs")
    op.drop_table("videos_briefs")
