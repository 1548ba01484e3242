"""phonebank: a partial index of the targets never called yet, in hand-out order.

"Next call" picks the first open, never-called target of a campaign by id. The
queue index (campaign, state, due) cannot give that order, so each pick read and
sorted every open target (820 ms for 37,000 on PostgreSQL); this index holds only
those targets, by (campaign, id), so a pick reads the first few entries and stops.

Revision ID: phonebank_0002
Revises: phonebank_0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "phonebank_0002"
down_revision = "phonebank_0001"
branch_labels = None
depends_on = None

FRESH = sa.text("state = 'open' AND due_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_phonebank_targets_fresh", "phonebank_targets", ["campaign_id", "id"],
        sqlite_where=FRESH, postgresql_where=FRESH,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_phonebank_targets_fresh", table_name="phonebank_targets")
