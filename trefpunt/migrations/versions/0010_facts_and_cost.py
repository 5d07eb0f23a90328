"""facts and cost: placeholder, filled in by the work on it

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:00:00.000000
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
