"""a declaration's total budget on its package row, for the overviews

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.add_column(sa.Column("budget_yuan", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("packages") as batch:
        batch.drop_column("budget_yuan")
