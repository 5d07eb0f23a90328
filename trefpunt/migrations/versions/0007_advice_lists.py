"""advice lists: lists with their items, and the hour-long trace of list creations for the limit

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("read_key", sa.String(length=64), nullable=False),
        sa.Column("read_token", sa.String(length=64), nullable=False),
        sa.Column("edit_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("read_key"),
        sa.UniqueConstraint("edit_key"),
    )
    op.create_table(
        "advice_list_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["advice_lists.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["materials.id"],
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_id", "slug"),
    )
    with op.batch_alter_table("advice_list_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advice_list_items_list_id"), ["list_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_advice_list_items_material_id"), ["material_id"], unique=False)
    op.create_table(
        "advice_list_creations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("advice_list_creations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advice_list_creations_address_hash"), ["address_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_advice_list_creations_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("advice_list_creations")
    op.drop_table("advice_list_items")
    op.drop_table("advice_lists")
