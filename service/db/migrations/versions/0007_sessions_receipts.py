"""server-side web sessions, sign-in throttling by source, correctable receipts

Revision ID: 0007
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# SQLite reflects the receipts' unique constraint without a name; this names it so it can be dropped.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
    )
    op.create_table(
        "signin_failures",
        sa.Column("source", sa.String(length=64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("receipts", naming_convention=NAMING, recreate="always") as batch:
            batch.drop_constraint("uq_receipts_project_code", type_="unique")
            batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
            batch.create_index("ix_receipts_project_code", ["project_code"])
    else:
        op.drop_constraint("receipts_project_code_key", "receipts", type_="unique")
        op.add_column("receipts", sa.Column("reason", sa.Text(), nullable=True))
        op.create_index("ix_receipts_project_code", "receipts", ["project_code"])


def downgrade() -> None:
    op.drop_index("ix_receipts_project_code", "receipts")
    with op.batch_alter_table("receipts") as batch:
        batch.drop_column("reason")
        batch.create_unique_constraint("uq_receipts_project_code", ["project_code"])
    op.drop_table("signin_failures")
    op.drop_table("web_sessions")
