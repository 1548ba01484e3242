"""blocklists: lists, entries, the audit log and appeals.

Revision ID: blocklists_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "blocklists_0001"
down_revision = None
branch_labels = ("blocklists",)
depends_on = "core_0001"


def _list(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["list_id"], ["blocklists.id"], name=op.f(f"fk_{table}_list_id_blocklists"),
        ondelete="CASCADE",
    )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "blocklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists")),
        sa.UniqueConstraint("slug", name=op.f("uq_blocklists_slug")),
    )
    op.create_table(
        "blocklists_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(10), nullable=False),
        sa.Column("account_id", sa.String(300), nullable=True),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        _list("blocklists_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_entries")),
        sa.UniqueConstraint(
            "list_id", "platform", "account_id", name="uq_blocklists_entries_list_account"
        ),
    )
    op.create_index(
        "ix_blocklists_entries_list_status", "blocklists_entries", ["list_id", "status"]
    )
    op.create_table(
        "blocklists_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _list("blocklists_audit"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_audit")),
    )
    op.create_index(op.f("ix_blocklists_audit_list_id"), "blocklists_audit", ["list_id"])
    op.create_table(
        "blocklists_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(10), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _list("blocklists_appeals"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["blocklists_entries.id"],
            name=op.f("fk_blocklists_appeals_entry_id_blocklists_entries"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocklists_appeals")),
    )


def downgrade() -> None:
    op.drop_table("blocklists_appeals")
    op.drop_index(op.f("ix_blocklists_audit_list_id"), table_name="blocklists_audit")
    op.drop_table("blocklists_audit")
    op.drop_index("ix_blocklists_entries_list_status", table_name="blocklists_entries")
    op.drop_table("blocklists_entries")
    op.drop_table("blocklists")
