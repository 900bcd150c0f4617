"""signed documents: the digest of the unsigned render a stored (signed) PDF was made from

Revision ID: 0006
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("unsigned_sha256", sa.String(length=64), nullable=True))
        batch.create_index("ix_documents_unsigned_sha256", ["unsigned_sha256"])


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_unsigned_sha256")
        batch.drop_column("unsigned_sha256")
