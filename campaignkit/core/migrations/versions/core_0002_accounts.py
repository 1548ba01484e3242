"""core: accounts, invitations, API tokens and sign-in throttling.

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ck_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("approval", sa.String(20), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("email_verified_at", WHEN, nullable=True),
        sa.Column("joined_via", sa.String(40), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_signin_at", WHEN, nullable=True),
        sa.Column("disabled_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_users")),
        sa.UniqueConstraint("email", name=op.f("uq_ck_users_email")),
    )
    op.create_table(
        "ck_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["ck_users.id"],
            name=op.f("fk_ck_invites_created_by_ck_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ck_invites_token_hash")),
    )
    op.create_table(
        "ck_api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("last_used_at", WHEN, nullable=True),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ck_users.id"],
            name=op.f("fk_ck_api_tokens_user_id_ck_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ck_api_tokens_token_hash")),
    )
    op.create_table(
        "ck_signin_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_signin_failures")),
    )
    op.create_index("ix_ck_signin_failures_key", "ck_signin_failures", ["key"])
    op.create_index("ix_ck_signin_failures_at", "ck_signin_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_ck_signin_failures_at", table_name="ck_signin_failures")
    op.drop_index("ix_ck_signin_failures_key", table_name="ck_signin_failures")
    op.drop_table("ck_signin_failures")
    op.drop_table("ck_api_tokens")
    op.drop_table("ck_invites")
    op.drop_table("ck_users")
