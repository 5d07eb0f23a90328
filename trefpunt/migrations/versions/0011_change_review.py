"""change review: a change to a published material waits as a snapshot for a second editor

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OPEN = sa.text("state IN ('pending', 'sent_back')")


def upgrade() -> None:
    op.create_table(
        "change_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("base_snapshot", sa.JSON(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["material_id"], ["materials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_reviews_material_id", "change_reviews", ["material_id"])
    op.create_index("ix_change_reviews_state", "change_reviews", ["state"])
    op.create_index(
        "uq_change_reviews_open_material",
        "change_reviews",
        ["material_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "change_review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["change_id"], ["change_reviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_review_events_change_id", "change_review_events", ["change_id"])


def downgrade() -> None:
    op.drop_index("ix_change_review_events_change_id", table_name="change_review_events")
    op.drop_table("change_review_events")
    op.drop_index("uq_change_reviews_open_material", table_name="change_reviews")
    op.drop_index("ix_change_reviews_state", table_name="change_reviews")
    op.drop_index("ix_change_reviews_material_id", table_name="change_reviews")
    op.drop_table("change_reviews")
