"""import jobs: an uploaded import file's row carries its job (status, progress, error, who, when)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A file waiting for its confirmation was checked without errors: it is a finished dry run.
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("author", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("filename", sa.String(length=255), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("dry_run", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="done"))
        batch_op.add_column(sa.Column("total", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("done", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("finished_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pending_imports_status"), ["status"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM pending_imports WHERE owner_id IS NULL OR status <> 'done' OR NOT dry_run")
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_imports_status"))
        for column in (
            "finished_at",
            "heartbeat_at",
            "started_at",
            "attempts",
            "claim",
            "result",
            "error",
            "done",
            "total",
            "status",
            "dry_run",
            "filename",
            "author",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
