"""practitioner documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practitioner_document",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("practitioner_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "size_bytes > 0 AND size_bytes <= 10485760",
            name=op.f("ck_practitioner_document_size_range"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_practitioner_document_practitioner_id_practitioner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_account.id"],
            name=op.f("fk_practitioner_document_uploaded_by_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner_document")),
    )
    with op.batch_alter_table("practitioner_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practitioner_document_practitioner_id"),
            ["practitioner_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("practitioner_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practitioner_document_practitioner_id"))

    op.drop_table("practitioner_document")
