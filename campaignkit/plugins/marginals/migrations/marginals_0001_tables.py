"""marginals: imported postcodes, imported results, import records.

Revision ID: marginals_0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "marginals_0001"
down_revision = None
branch_labels = ("marginals",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "marginals_postcodes",
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("seat", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_marginals_postcodes")),
    )
    op.create_table(
        "marginals_results",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("winner", sa.String(20), nullable=False),
        sa.Column("second", sa.String(20), nullable=False),
        sa.Column("valid_votes", sa.Integer(), nullable=False),
        sa.Column("majority", sa.Integer(), nullable=False),
        sa.Column("winner_votes", sa.Integer(), nullable=False),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_marginals_results")),
    )
    op.create_table(
        "marginals_imports",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_marginals_imports")),
    )


def downgrade() -> None:
    op.drop_table("marginals_imports")
    op.drop_table("marginals_results")
    op.drop_table("marginals_postcodes")
