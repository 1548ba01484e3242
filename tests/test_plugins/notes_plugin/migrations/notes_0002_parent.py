"""notes: a note may point at a parent note.

Revision ID: notes_0002
Revises: notes_0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "notes_0002"
down_revision = "notes_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notes_note") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_notes_note_parent_id_notes_note"), "notes_note", ["parent_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notes_note") as batch:
        batch.drop_constraint(op.f("fk_notes_note_parent_id_notes_note"), type_="foreignkey")
        batch.drop_column("parent_id")
