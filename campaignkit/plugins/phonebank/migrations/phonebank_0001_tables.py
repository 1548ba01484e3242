"""phonebank: call lists, contacts, do-not-call hashes, campaigns, targets, calls, volunteers.

Revision ID: phonebank_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "phonebank_0001"
down_revision = None
branch_labels = ("phonebank",)
depends_on = "core_0001"

WHEN = sa.DateTime(timezone=True)


def _fk(table: str, column: str, other: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{other}.id"], name=op.f(f"fk_{table}_{column}_{other}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "phonebank_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lawful_basis", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_lists")),
    )
    op.create_table(
        "phonebank_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("postcode", sa.String(20), nullable=False),
        sa.Column("seat", sa.String(16), nullable=True),
        sa.Column("seat_name", sa.String(200), nullable=True),
        sa.Column("tags", sa.String(500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("registry_status", sa.String(8), nullable=True),
        sa.Column("time_zones", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("phonebank_contacts", "list_id", "phonebank_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_contacts")),
        sa.UniqueConstraint("list_id", "phone", name=op.f("uq_phonebank_contacts_list_id")),
    )
    op.create_index("ix_phonebank_contacts_phone_hash", "phonebank_contacts", ["phone_hash"])
    op.create_index("ix_phonebank_contacts_email", "phonebank_contacts", ["email"])
    op.create_table(
        "phonebank_do_not_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_do_not_call")),
        sa.UniqueConstraint("phone_hash", name=op.f("uq_phonebank_do_not_call_phone_hash")),
    )
    op.create_table(
        "phonebank_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        _fk("phonebank_campaigns", "list_id", "phonebank_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_campaigns")),
    )
    op.create_table(
        "phonebank_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("leased_to", sa.Integer(), nullable=True),
        sa.Column("lease_until", WHEN, nullable=True),
        sa.Column("lease_token", sa.String(32), nullable=True),
        _fk("phonebank_targets", "campaign_id", "phonebank_campaigns"),
        _fk("phonebank_targets", "contact_id", "phonebank_contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_targets")),
        sa.UniqueConstraint(
            "campaign_id", "contact_id", name=op.f("uq_phonebank_targets_campaign_id")
        ),
        sa.UniqueConstraint("lease_token", name=op.f("uq_phonebank_targets_lease_token")),
    )
    op.create_index("ix_phonebank_targets_contact_id", "phonebank_targets", ["contact_id"])
    op.create_index(
        "ix_phonebank_targets_queue", "phonebank_targets", ["campaign_id", "state", "due_at"]
    )
    op.create_table(
        "phonebank_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lease_token", sa.String(32), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("seat_name", sa.String(200), nullable=True),
        sa.Column("callback_at", WHEN, nullable=True),
        sa.Column("made_at", WHEN, nullable=False),
        _fk("phonebank_calls", "campaign_id", "phonebank_campaigns"),
        _fk("phonebank_calls", "target_id", "phonebank_targets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_calls")),
        sa.UniqueConstraint("lease_token", name=op.f("uq_phonebank_calls_lease_token")),
    )
    op.create_index("ix_phonebank_calls_target_id", "phonebank_calls", ["target_id"])
    op.create_index("ix_phonebank_calls_volunteer_id", "phonebank_calls", ["volunteer_id"])
    op.create_index(
        "ix_phonebank_calls_campaign_made", "phonebank_calls", ["campaign_id", "made_at"]
    )
    op.create_table(
        "phonebank_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phonebank_volunteers")),
        sa.UniqueConstraint("user_id", name=op.f("uq_phonebank_volunteers_user_id")),
    )


def downgrade() -> None:
    for table in ("phonebank_volunteers", "phonebank_calls", "phonebank_targets",
                  "phonebank_campaigns", "phonebank_do_not_call", "phonebank_contacts",
                  "phonebank_lists"):  # fmt: skip
        op.drop_table(table)
