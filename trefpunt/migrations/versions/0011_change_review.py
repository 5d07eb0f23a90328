"""change review: placeholder, filled in by the work on it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 09:00:00.000000
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
