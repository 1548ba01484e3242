"""blocklists: connected accounts, subscriptions and the apply job's ledger.

Revision ID: blocklists_0002
Revises: blocklists_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "blocklists_0002"
down_revision = "blocklists_0001"
branch_labels = None
depends_on = None


def _connection(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["connection_id"], ["blocklists_connections.id"],
        name=op.f(f"fk_{table}_connection_id_blocklists_connections"), ondelete="CASCADE",
    )  # fmt: skip


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "blocklists_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(10), nullable=False),
        sa.Column("account_id", sa.String(300), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("server", sa.String(300), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("auto_rules", sa.Boolean(), nullable=False),
        sa.Column("auto_max_age_days", sa.Integer(), nullable=False),
        sa.Column("auto_min_followers", sa.Integer(), nullable=False),
        sa.Column("auto_since_id", sa.String(100), nullable=True),
        _when("not_before", nullable=True),
        _when("estimated_finish", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        _when("created_at"),
        _when("planned_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_connections")),
        sa.UniqueConstraint(
            "user_id", "platform", "account_id", name="uq_blocklists_connections_account"
        ),
    )
    op.create_index(
        op.f("ix_blocklists_connections_user_id"), "blocklists_connections", ["user_id"]
    )
    op.create_table(
        "blocklists_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("mode", sa.String(10), nullable=False),
        _when("created_at"),
        _connection("blocklists_subscriptions"),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["blocklists.id"],
            name=op.f("fk_blocklists_subscriptions_list_id_blocklists"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_subscriptions")),
        sa.UniqueConstraint("connection_id", "list_id", name="uq_blocklists_subscriptions_list"),
    )
    op.create_index(
        op.f("ix_blocklists_subscriptions_list_id"), "blocklists_subscriptions", ["list_id"]
    )
    op.create_table(
        "blocklists_mastodon_apps",
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("client_secret", sa.Text(), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_blocklists_mastodon_apps")),
    )
    op.create_table(
        "blocklists_applied",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        sa.Column("actions", sa.String(20), nullable=False),
        sa.Column("lists", sa.Text(), nullable=False),
        _when("changed_at"),
        _connection("blocklists_applied"),
        sa.PrimaryKeyConstraint("connection_id", "target_id", name=op.f("pk_blocklists_applied")),
    )
    op.create_table(
        "blocklists_hands_off",
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        _when("at"),
        _connection("blocklists_hands_off"),
        sa.PrimaryKeyConstraint("connection_id", "target_id", name=op.f("pk_blocklists_hands_off")),
    )
    op.create_table(
        "blocklists_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("verb", sa.String(10), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("target_id", sa.String(300), nullable=False),
        sa.Column("target_handle", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("lists", sa.Text(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _when("created_at"),
        _when("done_at", nullable=True),
        _connection("blocklists_steps"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_steps")),
    )
    op.create_index(
        "ix_blocklists_steps_connection_state", "blocklists_steps", ["connection_id", "state"]
    )
    op.create_table(
        "blocklists_mastodon_ids",
        sa.Column("server", sa.String(253), nullable=False),
        sa.Column("entry_key", sa.String(300), nullable=False),
        sa.Column("local_id", sa.String(40), nullable=True),
        _when("checked_at"),
        sa.PrimaryKeyConstraint("server", "entry_key", name=op.f("pk_blocklists_mastodon_ids")),
    )


def downgrade() -> None:
    op.drop_table("blocklists_mastodon_ids")
    op.drop_index("ix_blocklists_steps_connection_state", table_name="blocklists_steps")
    op.drop_table("blocklists_steps")
    op.drop_table("blocklists_hands_off")
    op.drop_table("blocklists_applied")
    op.drop_table("blocklists_mastodon_apps")
    op.drop_index(
        op.f("ix_blocklists_subscriptions_list_id"), table_name="blocklists_subscriptions"
    )
    op.drop_table("blocklists_subscriptions")
    op.drop_index(op.f("ix_blocklists_connections_user_id"), table_name="blocklists_connections")
    op.drop_table("blocklists_connections")
