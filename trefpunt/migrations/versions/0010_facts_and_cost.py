"""facts and cost: a material's fact source, certainty, last verification and how to get it; broader terms

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:00:00.000000

The new terms (the kinds of free under "gratis", "deelnemer-betaalt", "onbekend", C2, "per niveau") come
from catalog_data/vocabularies.csv when the seed runs: ``trefpunt seed`` adds the terms a database lacks and
gives existing cost terms their broader term. Here only the label of ``gratis`` changes, where editors left
it as seeded: the key now means "free for the learner" and old links with ``kosten=gratis`` widen with it.
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
    _relabel_free(("Gratis", "Free"), ("Gratis voor de deelnemer", "Free for the learner"))


def downgrade() -> None:
    _relabel_free(("Gratis voor de deelnemer", "Free for the learner"), ("Gratis", "Free"))
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.drop_column("broader")
    with op.batch_alter_table("materials", schema=None) as batch_op:
        for column in ("how_to_get", "verified_by", "verified_on", "certainty", "source"):
            batch_op.drop_column(column)


def _relabel_free(old: tuple[str, str], new: tuple[str, str]) -> None:
    """Relabel the cost term ``gratis`` from ``old`` to ``new`` (Dutch, English) where it still has ``old``,
    and count it as a vocabulary change so every process reads the vocabulary again."""
    terms = sa.table(
        "terms",
        sa.column("facet_name", sa.String),
        sa.column("key", sa.String),
        sa.column("label_nl", sa.String),
        sa.column("label_en", sa.String),
    )
    changed = op.get_bind().execute(
        terms.update()
        .where(terms.c.facet_name == "cost", terms.c.key == "gratis", terms.c.label_nl == old[0])
        .values(label_nl=new[0], label_en=new[1])
    )
    if changed.rowcount:
        version = sa.table(
            "vocabulary_version", sa.column("id", sa.Integer), sa.column("version", sa.Integer)
        )
        op.get_bind().execute(version.update().where(version.c.id == 1).values(version=version.c.version + 1))
