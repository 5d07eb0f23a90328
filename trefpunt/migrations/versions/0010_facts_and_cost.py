"""facts and cost: a material's fact source, certainty, last verification and how to get it; broader terms

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:00:00.000000

The vocabulary itself (the cost terms under "gratis voor de deelnemer", "onbekend", C2, "per niveau") comes
from catalog_data/vocabularies.csv when the seed runs: ``trefpunt seed`` adds the terms a database lacks.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("materials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("certainty", sa.String(length=20), nullable=False, server_default="niet-gecontroleerd")
        )
        batch_op.add_column(sa.Column("verified_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("verified_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("how_to_get", sa.String(length=300), nullable=False, server_default=""))
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broader", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.drop_column("broader")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        for column in ("how_to_get", "verified_by", "verified_on", "certainty", "source"):
            batch_op.drop_column(column)
