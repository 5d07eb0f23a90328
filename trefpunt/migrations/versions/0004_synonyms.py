"""synonyms

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("expansions", sa.JSON(), nullable=False),
        sa.Column("two_way", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("phrase"),
    )
    op.create_table(
        "seeded_synonyms",
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("phrase"),
    )


def downgrade() -> None:
    op.drop_table("seeded_synonyms")
    op.drop_table("synonyms")
