"""archival codes (档号) allocated by the archive's registry

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archival_sequences",
        sa.Column("fonds", sa.String(length=40), primary_key=True),
        sa.Column("year", sa.String(length=4), primary_key=True),
        sa.Column("retention", sa.String(length=1), primary_key=True),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )
    op.create_table(
        "archival_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=64), nullable=False, unique=True),
        sa.Column("fonds", sa.String(length=40), nullable=False),
        sa.Column("year", sa.String(length=4), nullable=False),
        sa.Column("retention", sa.String(length=1), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("project_code", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("document_date", sa.Text(), nullable=False),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("packages.id"), nullable=False, index=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("project_code", "sha256", name="uq_archival_codes_document"),
        sa.UniqueConstraint("fonds", "year", "retention", "number", name="uq_archival_codes_number"),
    )
    # Transfer records issued before the registry carry codes counted per handover, which name other
    # documents elsewhere in the district: forget them, so that each is issued again (the same
    # number, from the same package) with the codes the registry allocates. The audit log keeps
    # the record of the first issue.
    op.execute("DELETE FROM documents WHERE kind = 'handover-record'")


def downgrade() -> None:
    op.drop_table("archival_codes")
    op.drop_table("archival_sequences")
