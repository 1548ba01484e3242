"""notes: the notes table.

Revision ID: notes_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "notes_0001"
down_revision = None
branch_labels = ("notes",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "notes_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes_note")),
    )


def downgrade() -> None:
    op.drop_table("notes_note")
