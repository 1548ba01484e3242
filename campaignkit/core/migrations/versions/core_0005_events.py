"""core: campaign events, RSVPs, carpools, event settings and feature flags.

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "ck_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("postcode", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("seat_code", sa.String(20), nullable=True),
        sa.Column("seat_name", sa.String(200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("going", sa.Integer(), nullable=False),
        sa.Column("members_only", sa.Boolean(), nullable=False),
        sa.Column("chat_url", sa.String(500), nullable=True),
        sa.Column("accessibility", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("moderation_note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        _fk("ck_events", "created_by", "ck_users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_events")),
    )
    op.create_index(
        "ix_ck_events_geo",
        "ck_events",
        ["status", "lat", "lon", "ends_at", "starts_at", "members_only", "type"],
    )
    op.create_index("ix_ck_events_status_starts_at", "ck_events", ["status", "starts_at"])
    op.create_index("ix_ck_events_seat_code", "ck_events", ["seat_code"])
    op.create_index("ix_ck_events_created_by", "ck_events", ["created_by"])
    op.create_table(
        "ck_event_hosts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _fk("ck_event_hosts", "event_id", "ck_events", "CASCADE"),
        _fk("ck_event_hosts", "user_id", "ck_users", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_ck_event_hosts")),
    )
    op.create_index("ix_ck_event_hosts_user_id", "ck_event_hosts", ["user_id"])
    op.create_table(
        "ck_event_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        _fk("ck_event_rsvps", "event_id", "ck_events", "CASCADE"),
        _fk("ck_event_rsvps", "user_id", "ck_users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_event_rsvps")),
        sa.UniqueConstraint("event_id", "email", name=op.f("uq_ck_event_rsvps_event_id")),
    )
    op.create_index("ix_ck_event_rsvps_event_id", "ck_event_rsvps", ["event_id"])
    op.create_index("ix_ck_event_rsvps_user_id", "ck_event_rsvps", ["user_id"])
    op.create_table(
        "ck_carpool_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("driver_name", sa.String(200), nullable=False),
        sa.Column("driver_email", sa.String(320), nullable=False),
        sa.Column("origin_postcode", sa.String(16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("departs_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("share_contact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ck_carpool_offers", "event_id", "ck_events", "CASCADE"),
        _fk("ck_carpool_offers", "user_id", "ck_users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_carpool_offers")),
    )
    op.create_index("ix_ck_carpool_offers_event_id", "ck_carpool_offers", ["event_id"])
    op.create_table(
        "ck_carpool_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rider_name", sa.String(200), nullable=False),
        sa.Column("rider_email", sa.String(320), nullable=False),
        sa.Column("share_contact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("ck_carpool_seats", "offer_id", "ck_carpool_offers", "CASCADE"),
        _fk("ck_carpool_seats", "user_id", "ck_users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ck_carpool_seats")),
        sa.UniqueConstraint("offer_id", "rider_email", name=op.f("uq_ck_carpool_seats_offer_id")),
    )
    op.create_index("ix_ck_carpool_seats_offer_id", "ck_carpool_seats", ["offer_id"])
    op.create_table(
        "ck_event_settings",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ck_event_settings")),
    )
    op.create_table(
        "ck_flags",
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("percentage", sa.Integer(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("users", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ck_flags")),
    )


def downgrade() -> None:
    op.drop_table("ck_flags")
    op.drop_table("ck_event_settings")
    op.drop_table("ck_carpool_seats")
    op.drop_table("ck_carpool_offers")
    op.drop_table("ck_event_rsvps")
    op.drop_table("ck_event_hosts")
    op.drop_table("ck_events")
