"""search log: searches counted per day, query and filters, with the number found; nothing about who

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("query_key", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.String(length=1000), nullable=False),
        sa.Column("combination", sa.String(length=64), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "combination", name="uq_search_log_day_combination"),
    )
    with op.batch_alter_table("search_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_log_day"), ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("search_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_log_day"))
    op.drop_table("search_log")
